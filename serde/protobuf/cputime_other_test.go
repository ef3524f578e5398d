//go:build !unix

package protobuf

import "time"

func processCPU() time.Duration { return 0 }

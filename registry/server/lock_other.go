//go:build !unix

package server

import "os"

// lockFile does nothing where flock is missing: the caller must make sure
// one server at a time uses a log.
func lockFile(*os.File) error { return nil }

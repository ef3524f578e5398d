//go:build unix

package protobuf

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used. The
// benchmarks report it per op as cpu-ns/op, which stays meaningful on a
// loaded machine where wall-clock ns/op does not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

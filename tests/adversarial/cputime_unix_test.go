//go:build unix

package adversarial

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used: on a
// loaded machine it measures the work, where wall time would measure the
// neighbours.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

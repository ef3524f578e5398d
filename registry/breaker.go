package registry

import (
	"sync"
	"time"
)

// breaker is the client's circuit breaker. It opens after threshold
// consecutive failed attempts (5xx answers, timeouts, transport errors);
// while open every call fails fast with ErrCircuitOpen. After the backoff
// one call is let through as a probe: its success closes the circuit, its
// failure opens it again for twice as long, up to the maximum. Any answer
// that is not a failure (a 404, a 409) counts as the registry being up.
type breaker struct {
	threshold   int // 0: disabled
	base, limit time.Duration
	now         func() time.Time

	mu       sync.Mutex
	failures int           // consecutive failures while closed
	open     bool          // open or half-open
	until    time.Time     // when open, the earliest time of the next probe
	wait     time.Duration // the current open period
	probing  bool          // a probe is in flight
}

func newBreaker(threshold int, base, limit time.Duration) *breaker {
	return &breaker{threshold: threshold, base: base, limit: limit, now: time.Now}
}

// allow reports whether an attempt may go to the registry now; when it
// returns true for an open circuit, the attempt is the probe and the caller
// must report its outcome (success, failure or abandon).
func (b *breaker) allow() (ok, probe bool) {
	if b.threshold == 0 {
		return true, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true, false
	}
	if b.probing || b.now().Before(b.until) {
		return false, false
	}
	b.probing = true
	return true, true
}

// success records an answer from the registry: the circuit closes.
func (b *breaker) success() {
	if b.threshold == 0 {
		return
	}
	b.mu.Lock()
	b.failures, b.open, b.probing, b.wait = 0, false, false, 0
	b.mu.Unlock()
}

// failure records a 5xx answer, a timeout or a transport error.
func (b *breaker) failure() {
	if b.threshold == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.open && b.probing:
		b.probing = false
		b.wait = min(2*b.wait, b.limit)
		b.until = b.now().Add(b.wait)
	case b.open:
		// An attempt let through before the circuit opened.
	default:
		b.failures++
		if b.failures >= b.threshold {
			b.open, b.wait = true, b.base
			b.until = b.now().Add(b.wait)
		}
	}
}

// abandon releases a probe that ended without an answer because its
// caller went away: the next call probes.
func (b *breaker) abandon(probe bool) {
	if !probe || b.threshold == 0 {
		return
	}
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

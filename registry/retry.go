package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// budget is a token bucket shared by every request of a client (gRPC's retry
// throttling): failures take a token, successes return ratio, and retries
// are allowed while more than half the tokens remain.
type budget struct {
	mu     sync.Mutex
	tokens float64
	max    float64
	ratio  float64
}

func newBudget(max, ratio float64) *budget { return &budget{tokens: max, max: max, ratio: ratio} }

func (b *budget) success() {
	b.mu.Lock()
	b.tokens = min(b.max, b.tokens+b.ratio)
	b.mu.Unlock()
}

// failure takes a token and reports whether a retry is allowed.
func (b *budget) failure() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = max(0, b.tokens-1)
	return b.tokens > b.max/2
}

// backoff returns the full-jitter sleep before retry n (from 0): uniform in
// [0, min(max, base*2^n)). r is a uniform sample in [0, 1).
func backoff(n int, base, maxd time.Duration, r float64) time.Duration {
	ceil := maxd
	if n < 62 {
		if d := base << n; d > 0 && d < maxd {
			ceil = d
		}
	}
	return time.Duration(r * float64(ceil))
}

// sleepCtx sleeps d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func uniform() float64 { return rand.Float64() }

// errKind classifies a failed attempt.
type errKind uint8

const (
	kindFatal     errKind = iota // do not retry
	kindRetryable                // retryable status or transport error
	kindMalformed                // a 2xx body that did not decode
)

// headerError marks a failure of the user's HeaderProvider.
type headerError struct{ err error }

func (e *headerError) Error() string { return "header provider: " + e.err.Error() }
func (e *headerError) Unwrap() error { return e.err }

func classify(err error) errKind {
	var he *headerError
	if errors.As(err, &he) {
		return kindFatal
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		if newResponseError(re).retryable() {
			return kindRetryable
		}
		return kindFatal
	}
	var (
		syn  *json.SyntaxError
		typ  *json.UnmarshalTypeError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
		ci   x509.CertificateInvalidError
		ae   tls.AlertError
		rh   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &syn), errors.As(err, &typ):
		return kindMalformed
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci),
		errors.As(err, &ae), errors.As(err, &rh):
		// A TLS misconfiguration does not heal by retrying.
		return kindFatal
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Retry only if the caller's context is still live (checked by the
		// caller): a per-attempt client timeout also lands here.
		return kindRetryable
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		// A TLS alert from the server: it refused our certificate.
		return kindFatal
	}
	var (
		ue *url.Error
		ne net.Error
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &ne),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED):
		return kindRetryable
	}
	return kindFatal
}

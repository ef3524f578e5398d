package registry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoffBounds(t *testing.T) {
	const base, maxd = 100 * time.Millisecond, 2 * time.Second
	tests := []struct {
		name    string
		attempt int
		r       float64
		want    time.Duration
	}{
		{"first retry, low", 0, 0, 0},
		{"first retry, high", 0, 0.999999, 99999900 * time.Nanosecond},
		{"first retry, middle", 0, 0.5, 50 * time.Millisecond},
		{"third retry doubles twice", 2, 0.5, 200 * time.Millisecond},
		{"capped", 10, 0.5, time.Second},
		{"capped at huge attempt", 200, 0.5, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := backoff(tt.attempt, base, maxd, tt.r); got != tt.want {
				t.Errorf("backoff(%d, %v) = %v, want %v", tt.attempt, tt.r, got, tt.want)
			}
		})
	}
	for n := range 100 {
		ceil := maxd
		if n < 5 {
			ceil = min(maxd, base<<n)
		}
		for _, r := range []float64{0, 0.3, 0.9999} {
			if d := backoff(n, base, maxd, r); d < 0 || d >= ceil {
				t.Fatalf("backoff(%d, %v) = %v outside [0, %v)", n, r, d, ceil)
			}
		}
	}
}

func TestBudget(t *testing.T) {
	b := newBudget(10, 0.5)
	var allowed int
	for range 20 {
		if b.failure() {
			allowed++
		}
	}
	if allowed != 4 { // tokens 9..6 are above half of 10
		t.Fatalf("%d retries allowed by a full bucket of 10, want 4", allowed)
	}
	for range 14 {
		b.success()
	}
	if !b.failure() {
		t.Fatal("successes did not refill the budget")
	}
}

// flaky fails the first n requests with status (or drops the connection when
// status is 0), then serves schema id 1.
func flaky(n int, status int) (http.HandlerFunc, *atomic.Int64) {
	var calls atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= int64(n) {
			if status == 0 {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			writeErr(w, status, 0, "try later")
			return
		}
		_, _ = w.Write([]byte(`{"schema":"\"long\""}`))
	}, &calls
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		status   int
		retries  int
		calls    int64
		ok       bool
		want     error
	}{
		{"503 then ok", 2, 503, 3, 3, true, nil},
		{"429 then ok", 1, 429, 3, 2, true, nil},
		{"408 then ok", 1, 408, 3, 2, true, nil},
		{"500 then ok", 1, 500, 3, 2, true, nil},
		{"502 then ok", 1, 502, 3, 2, true, nil},
		{"504 then ok", 1, 504, 3, 2, true, nil},
		{"dropped connection then ok", 2, 0, 3, 3, true, nil},
		{"503 beyond retries", 10, 503, 2, 3, false, ErrUnavailable},
		{"dropped beyond retries", 10, 0, 1, 2, false, ErrUnavailable},
		{"no retries", 10, 503, 0, 1, false, ErrUnavailable},
		{"400 is not retried", 10, 400, 3, 1, false, nil},
		{"404 is not retried", 10, 404, 3, 1, false, ErrNotFound},
		{"409 is not retried", 10, 409, 3, 1, false, ErrIncompatible},
		{"422 is not retried", 10, 422, 3, 1, false, nil},
		{"401 is not retried", 10, 401, 3, 1, false, ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, calls := flaky(tt.failures, tt.status)
			s := server(t, h)
			cl, _ := client(t, s.URL, Retries(tt.retries), RetryBackoff(10*time.Millisecond, 80*time.Millisecond))
			var slept []time.Duration
			cl.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
			cl.jitter = func() float64 { return 0.999 }
			_, err := cl.SchemaByID(context.Background(), 1)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if got := calls.Load(); got != tt.calls {
				t.Errorf("%d calls, want %d", got, tt.calls)
			}
			if len(slept) != int(tt.calls)-1 {
				t.Errorf("slept %d times, want %d", len(slept), tt.calls-1)
			}
			for i, d := range slept {
				if ceil := min(80*time.Millisecond, 10*time.Millisecond<<i); d >= ceil || d < 0 {
					t.Errorf("backoff %d = %v, want in [0, %v)", i, d, ceil)
				}
			}
		})
	}
}

func TestRetryBudgetStopsRetries(t *testing.T) {
	h, calls := flaky(1000, 503)
	s := server(t, h)
	cl, _ := client(t, s.URL, Retries(5), RetryBudget(4, 1))
	// Tokens 4: failures leave 3 (retry: 3 > 2), 2 (no retry).
	_, err := cl.SchemaByID(context.Background(), 1)
	if !errors.Is(err, ErrRetryBudget) {
		t.Fatalf("err = %v, want ErrRetryBudget", err)
	}
	if got := calls.Load(); got != 2 {
		t.Fatalf("%d calls, want 2", got)
	}
	// An exhausted budget leaves one attempt per request.
	_, err = cl.SchemaByID(context.Background(), 2)
	if !errors.Is(err, ErrRetryBudget) || calls.Load() != 3 {
		t.Fatalf("err = %v after %d calls, want ErrRetryBudget after 3", err, calls.Load())
	}
}

func TestFailover(t *testing.T) {
	good := server(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"schema":"\"long\""}`)) })
	unavailable := server(t, func(w http.ResponseWriter, r *http.Request) { writeErr(w, 503, 0, "down") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name string
		urls []string
	}{
		{"first refuses connections", []string{refused, good.URL}},
		{"first answers 503", []string{unavailable.URL, good.URL}},
		{"two bad then good", []string{unavailable.URL, refused, good.URL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, cnt := client(t, tt.urls[0], URLs(tt.urls...), Retries(len(tt.urls)))
			if _, err := cl.SchemaByID(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			// The URL that answered is preferred from now on.
			before := cnt.n.Load()
			if _, err := cl.SchemaByID(context.Background(), 2); err != nil {
				t.Fatal(err)
			}
			if got := cnt.n.Load() - before; got != 1 {
				t.Errorf("second request took %d attempts, want 1", got)
			}
		})
	}
}

// TestOutage takes the registry down: cached schemas keep resolving, an
// uncached lookup fails within its deadline with a clear error, and no
// goroutine outlives the test.
func TestOutage(t *testing.T) {
	checkGoroutines(t)
	var down atomic.Bool
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			select { // a registry that hangs
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		_, _ = w.Write([]byte(`{"schema":"\"long\""}`))
	})
	cl, cnt := client(t, s.URL, Retries(3))
	ctx := context.Background()
	if _, err := cl.SchemaByID(ctx, 1); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	before := cnt.n.Load()
	for range 100 {
		if _, err := cl.SchemaByID(ctx, 1); err != nil {
			t.Fatalf("cached schema: %v", err)
		}
	}
	if cnt.n.Load() != before {
		t.Fatal("cached lookups went to the registry")
	}
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := cl.SchemaByID(dctx, 2)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("uncached lookup: %v, want deadline exceeded", err)
	}
	if want := "registry: get schema id 2"; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q does not start with %q", err, want)
	}
	once.Do(func() { close(release) })
}

// TestSlowResponse: an attempt that outlives the HTTP client's timeout is
// retried, and the retry succeeds.
func TestSlowResponse(t *testing.T) {
	checkGoroutines(t)
	var calls atomic.Int64
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			<-r.Context().Done() // slower than the client waits
			return
		}
		_, _ = w.Write([]byte(`{"schema":"\"long\""}`))
	})
	cnt := newCounter()
	t.Cleanup(cnt.close)
	cl, err := New(URLs(s.URL), HTTPClient(&http.Client{Transport: cnt, Timeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	cl.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	if _, err := cl.SchemaByID(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 2 {
		t.Fatalf("%d calls, want 2", got)
	}
}

// TestCancelDuringBackoff: a caller whose context ends while the client
// waits to retry gets its context error and the last registry error.
func TestCancelDuringBackoff(t *testing.T) {
	h, _ := flaky(100, 503)
	s := server(t, h)
	cl, _ := client(t, s.URL, Retries(5))
	ctx, cancel := context.WithCancel(context.Background())
	cl.sleep = func(context.Context, time.Duration) error { cancel(); return sleepCtx(ctx, time.Hour) }
	_, err := cl.SchemaByID(ctx, 1)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrNotFound) && !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want canceled with the 503", err)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		header     string
		status     int
		backoffMax time.Duration
		want       time.Duration
	}{
		{"seconds honoured", "1", 429, 5 * time.Second, time.Second},
		{"capped at the backoff max", "30", 503, 200 * time.Millisecond, 200 * time.Millisecond},
		{"no header, jittered backoff", "", 429, 5 * time.Second, 0},
		{"garbage ignored", "soon", 503, 5 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			s := server(t, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					if tt.header != "" {
						w.Header().Set("Retry-After", tt.header)
					}
					writeErr(w, tt.status, 0, "slow down")
					return
				}
				_, _ = w.Write([]byte(`{"schema":"\"long\""}`))
			})
			cl, _ := client(t, s.URL, RetryBackoff(time.Millisecond, tt.backoffMax))
			cl.jitter = func() float64 { return 0 }
			var slept []time.Duration
			cl.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
			if _, err := cl.SchemaByID(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			if len(slept) != 1 || slept[0] != tt.want {
				t.Fatalf("slept %v, want [%v]", slept, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"date", "Mon, 23 Nov 2026 07:00:05 GMT", 5 * time.Second, true},
		{"past date", "Mon, 23 Nov 2026 06:00:00 GMT", 0, true},
		{"negative", "-1", 0, false},
		{"empty", "", 0, false},
		{"junk", "later", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("= %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

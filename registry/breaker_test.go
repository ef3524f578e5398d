package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// failing is a registry that fails on purpose: it answers every request with
// status (a 404 with Confluent's code 40403 for 404), and counts requests.
type failing struct {
	srv    *httptest.Server
	status atomic.Int32
	n      atomic.Int64
}

func newFailing(t *testing.T, status int) *failing {
	t.Helper()
	f := &failing{}
	f.status.Store(int32(status))
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.n.Add(1)
		st := int(f.status.Load())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		switch st {
		case http.StatusOK:
			fmt.Fprint(w, `{"schema":"\"string\""}`)
		case http.StatusNotFound:
			fmt.Fprint(w, `{"error_code":40403,"message":"Schema not found"}`)
		default:
			fmt.Fprintf(w, `{"error_code":%d,"message":"failing on purpose"}`, st)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// fakeClock is a settable clock for the breaker and the caches.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time                { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration)           { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newFakeClock() *fakeClock                     { return &fakeClock{t: time.Unix(1e9, 0)} }
func (c *fakeClock) install(cl *Client) *fakeClock { cl.brk.now, cl.cache.now = c.now, c.now; return c }

func TestBreakerOpensAndProbes(t *testing.T) {
	ctx := context.Background()
	reg := newFailing(t, http.StatusInternalServerError)
	cl, err := New(URLs(reg.srv.URL), Retries(0), Breaker(3, time.Second, 4*time.Second), NegativeCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock().install(cl)
	// Distinct IDs: no cache or shared flight hides a request.
	id := 0
	get := func() error { id++; _, err := cl.SchemaByID(ctx, id); return err }

	for i := range 20 {
		err := get()
		if i < 3 && (err == nil || errors.Is(err, ErrCircuitOpen)) {
			t.Fatalf("call %d: %v, want the registry's 500", i, err)
		}
		if i >= 3 && (!errors.Is(err, ErrCircuitOpen) || !errors.Is(err, ErrUnavailable)) {
			t.Fatalf("call %d: %v, want ErrCircuitOpen and ErrUnavailable", i, err)
		}
	}
	if n := reg.n.Load(); n != 3 {
		t.Fatalf("20 calls sent %d requests, want 3: the circuit opens after 3 failures", n)
	}

	// After the backoff one probe goes; it fails, so the circuit opens for
	// twice as long.
	clock.add(time.Second)
	for range 5 {
		get()
	}
	if n := reg.n.Load(); n != 4 {
		t.Fatalf("after the backoff: %d requests, want 4 (one probe)", n)
	}
	clock.add(time.Second) // 1s of the doubled 2s
	get()
	if n := reg.n.Load(); n != 4 {
		t.Fatalf("within the doubled backoff: %d requests, want still 4", n)
	}
	clock.add(time.Second)
	reg.status.Store(http.StatusOK)
	if err := get(); err != nil {
		t.Fatalf("probe to a healthy registry: %v", err)
	}
	for range 5 {
		if err := get(); err != nil {
			t.Fatalf("after the circuit closed: %v", err)
		}
	}
	if n := reg.n.Load(); n != 10 {
		t.Fatalf("after recovery: %d requests, want 10 (every call goes)", n)
	}
}

func TestBreakerBackoffCapped(t *testing.T) {
	b := newBreaker(1, time.Second, 3*time.Second)
	clock := newFakeClock()
	b.now = clock.now
	b.failure()
	for _, want := range []time.Duration{2 * time.Second, 3 * time.Second, 3 * time.Second} {
		clock.add(b.wait)
		ok, probe := b.allow()
		if !ok || !probe {
			t.Fatalf("no probe after the backoff")
		}
		if ok, _ := b.allow(); ok {
			t.Fatalf("a second call was let through while a probe is in flight")
		}
		b.failure()
		if b.wait != want {
			t.Fatalf("open period %v, want %v", b.wait, want)
		}
	}
	// An abandoned probe lets the next call probe at once.
	clock.add(b.wait)
	_, probe := b.allow()
	b.abandon(probe)
	if ok, probe := b.allow(); !ok || !probe {
		t.Fatalf("no probe after an abandoned one")
	}
}

// Answers that are not failures keep the circuit closed: a registry that
// says 404 is up. This is the negative control of the test above.
func TestBreakerIgnoresNotFound(t *testing.T) {
	ctx := context.Background()
	reg := newFailing(t, http.StatusNotFound)
	cl, err := New(URLs(reg.srv.URL), Retries(0), Breaker(3, time.Second, time.Second), NegativeCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := cl.SchemaByID(ctx, i+1); !errors.Is(err, ErrSchemaNotFound) {
			t.Fatalf("call %d: %v, want ErrSchemaNotFound", i, err)
		}
	}
	if n := reg.n.Load(); n != 10 {
		t.Fatalf("10 lookups of missing schemas sent %d requests, want 10", n)
	}
}

// Timeouts count as failures: a registry that hangs opens the circuit.
func TestBreakerOpensOnTimeouts(t *testing.T) {
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	cl, err := New(URLs(srv.URL), Retries(0), Breaker(2, time.Minute, time.Minute),
		HTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		_, err := cl.SchemaByID(context.Background(), i+1)
		if i >= 2 && !errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("call %d: %v, want ErrCircuitOpen", i, err)
		}
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("6 calls to a hanging registry sent %d requests, want 2", got)
	}
}

func TestBreakerDisabled(t *testing.T) {
	reg := newFailing(t, http.StatusServiceUnavailable)
	cl, err := New(URLs(reg.srv.URL), Retries(0), Breaker(0, 0, 0), NegativeCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := cl.SchemaByID(context.Background(), i+1); errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("disabled breaker opened: %v", err)
		}
	}
	if n := reg.n.Load(); n != 10 {
		t.Fatalf("%d requests, want 10", n)
	}
}

func TestNegativeCache(t *testing.T) {
	ctx := context.Background()
	reg := newFailing(t, http.StatusNotFound)
	cl, err := New(URLs(reg.srv.URL), NegativeCacheTTL(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock().install(cl)
	for range 5 {
		if _, err := cl.SchemaByID(ctx, 7); !errors.Is(err, ErrSchemaNotFound) {
			t.Fatalf("%v, want ErrSchemaNotFound", err)
		}
		if _, err := cl.Latest(ctx, "orders-value"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("%v, want ErrNotFound", err)
		}
	}
	if n := reg.n.Load(); n != 2 {
		t.Fatalf("5 lookups each of a missing id and subject sent %d requests, want 2", n)
	}
	clock.add(2 * time.Second)
	cl.SchemaByID(ctx, 7)
	cl.Latest(ctx, "orders-value")
	if n := reg.n.Load(); n != 4 {
		t.Fatalf("after the ttl: %d requests, want 4", n)
	}
	// A registration through the client forgets the subject's 404s.
	reg.status.Store(http.StatusOK)
	cl.Latest(ctx, "orders-value") // still remembered
	if n := reg.n.Load(); n != 4 {
		t.Fatalf("within the ttl: %d requests, want 4", n)
	}
	cl.cache.evictLatest("orders-value") // what Register does on success
	cl.Latest(ctx, "orders-value")
	if n := reg.n.Load(); n != 5 {
		t.Fatalf("after a registration: %d requests, want 5", n)
	}
}

// Control: with the negative cache off every lookup asks, and 5xx answers
// are never remembered.
func TestNegativeCacheOffAndNot5xx(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		status int
		ttl    time.Duration
	}{
		{"off", http.StatusNotFound, 0},
		{"500 not remembered", http.StatusInternalServerError, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newFailing(t, tc.status)
			cl, err := New(URLs(reg.srv.URL), NegativeCacheTTL(tc.ttl), Retries(0), Breaker(0, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			for range 5 {
				cl.SchemaByID(ctx, 7)
			}
			if n := reg.n.Load(); n != 5 {
				t.Fatalf("%d requests, want 5", n)
			}
		})
	}
}

// connCounter is a registry whose handler blocks until released, and which
// counts connections opened and requests in flight at once.
func connCounter(t *testing.T) (srv *httptest.Server, conns *atomic.Int64, peak *atomic.Int64, release func()) {
	t.Helper()
	conns, peak = new(atomic.Int64), new(atomic.Int64)
	var inflight atomic.Int64
	gate := make(chan struct{})
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inflight.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		<-gate
		inflight.Add(-1)
		fmt.Fprint(w, `{"schema":"\"string\""}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	var once sync.Once
	return srv, conns, peak, func() { once.Do(func() { close(gate) }) }
}

func TestMaxConnsPerHost(t *testing.T) {
	for _, tc := range []struct {
		name            string
		limit           int
		atMost, atLeast int64
	}{
		{"bounded", 4, 4, 1},
		// Control: a high limit lets the 32 calls open more than 4
		// connections, so the bound above is what holds them to 4.
		{"control", 64, 64, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, conns, peak, release := connCounter(t)
			defer release()
			cl, err := New(URLs(srv.URL), MaxConnsPerHost(tc.limit))
			if err != nil {
				t.Fatal(err)
			}
			defer cl.CloseIdleConnections()
			var wg sync.WaitGroup
			for i := range 32 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cl.SchemaByID(context.Background(), i+1)
				}()
			}
			// Let the calls queue up, then release them all.
			deadline := time.Now().Add(5 * time.Second)
			for peak.Load() < min(int64(tc.limit), 32) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			release()
			wg.Wait()
			if c := conns.Load(); c > tc.atMost || c < tc.atLeast {
				t.Fatalf("32 concurrent calls opened %d connections, want %d..%d", c, tc.atLeast, tc.atMost)
			}
			if p := peak.Load(); p > tc.atMost {
				t.Fatalf("%d requests in flight at once, want at most %d", p, tc.atMost)
			}
			t.Logf("limit %d: %d connections, %d requests in flight at most", tc.limit, conns.Load(), peak.Load())
		})
	}
}

func TestFleetOptionsValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Opt
	}{
		{"negative ttl", NegativeCacheTTL(-1)},
		{"zero conns", MaxConnsPerHost(0)},
		{"negative breaker", Breaker(-1, time.Second, time.Second)},
		{"breaker without backoff", Breaker(3, 0, time.Second)},
		{"breaker max below backoff", Breaker(3, 2*time.Second, time.Second)},
		{"conns with a custom transport", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []Opt{tc.opt}
			if tc.opt == nil {
				opts = []Opt{MaxConnsPerHost(2), HTTPClient(&http.Client{Transport: newCounter()})}
			}
			if _, err := New(opts...); !errors.Is(err, ErrConfig) {
				t.Fatalf("%v, want ErrConfig", err)
			}
		})
	}
}

// CloseIdleConnections reaches the transport under the client's wrappers.
func TestCloseIdleConnections(t *testing.T) {
	closed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"schema":"\"string\""}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			select {
			case closed <- struct{}{}:
			default:
			}
		}
	}
	srv.Start()
	defer srv.Close()
	cl, err := New(URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SchemaByID(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	cl.CloseIdleConnections()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the idle connection was not closed")
	}
}

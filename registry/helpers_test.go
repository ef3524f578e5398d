package registry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/schemagen/schemagen/serde"
)

// counter is an http.RoundTripper that counts the requests it sends.
type counter struct {
	n    atomic.Int64
	mu   sync.Mutex
	seen []string // method and escaped path of every request
	next http.RoundTripper
}

func newCounter() *counter {
	return &counter{next: http.DefaultTransport.(*http.Transport).Clone()}
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	c.mu.Lock()
	c.seen = append(c.seen, r.Method+" "+r.URL.EscapedPath())
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

func (c *counter) close() { c.next.(*http.Transport).CloseIdleConnections() }

// fakeClient returns an srfake registry and a client for it whose requests
// are counted. Retries never sleep.
func fakeClient(t *testing.T, opts ...Opt) (*srfake.Registry, *Client, *counter) {
	t.Helper()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	cl, cnt := client(t, reg.URL(), opts...)
	return reg, cl, cnt
}

func client(t *testing.T, url string, opts ...Opt) (*Client, *counter) {
	t.Helper()
	cnt := newCounter()
	t.Cleanup(cnt.close)
	all := append([]Opt{URLs(url), HTTPClient(&http.Client{Transport: cnt})}, opts...)
	cl, err := New(all...)
	if err != nil {
		t.Fatal(err)
	}
	cl.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return cl, cnt
}

// server is an httptest server with a handler, closed at cleanup.
func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// checkGoroutines fails the test if goroutines started during it outlive it.
// Call it first; it checks at cleanup, after the servers close.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		var now int
		for range 200 { // settle: closing servers and connections takes a moment
			if now = runtime.NumGoroutine(); now <= before {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf[:runtime.Stack(buf, true)])
	})
}

const (
	avroUser  = `{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"long"}]}`
	avroUser2 = `{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}`
)

func avroSchema(text string) serde.Schema { return serde.Schema{Format: serde.Avro, Text: text} }

func newFakeB(b *testing.B) *srfake.Registry {
	reg := srfake.New()
	b.Cleanup(reg.Close)
	return reg
}

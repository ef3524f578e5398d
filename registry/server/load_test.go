package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoad: 16 clients send mixed reads and writes for 10 s to a served
// registry while slow clients trickle bodies and headers beside them.
// Every request must be answered; the read p99 is logged, and fails only
// past 1 s (the slow clients stalling readers), not as a latency target.
// It runs once, in the plain `go test` run of `make test` (skipped with
// -short, which the race run uses).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: runs without -short")
	}
	const (
		clients  = 16
		duration = 10 * time.Second
		slow     = 32 // attacker connections
	)
	s := newServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	base := "http://" + l.Addr().String()
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Second}

	call := func(method, path string, body any) (int, []byte, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", ContentType)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	if st, b, err := call("PUT", "/config", map[string]string{"compatibility": "NONE"}); err != nil || st != 200 {
		t.Fatalf("PUT /config: %d %s %v", st, b, err)
	}
	var maxID atomic.Int64
	st, b, err := call("POST", "/subjects/seed/versions", map[string]string{"schema": `"int"`})
	if err != nil || st != 200 {
		t.Fatalf("seed: %d %s %v", st, b, err)
	}
	maxID.Store(1)

	stop := make(chan struct{})
	var attackers sync.WaitGroup
	for i := range slow {
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				return
			}
			defer c.Close()
			if i%2 == 0 {
				fmt.Fprintf(c, "POST /subjects/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
			} else {
				fmt.Fprintf(c, "GET /subjects HTTP/1.1\r\n")
			}
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := c.Write([]byte{' '}); err != nil {
						return
					}
				}
			}
		}()
	}

	var (
		mu       sync.Mutex
		reads    []time.Duration
		writes   int
		failures []string
	)
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 1))
			var myReads []time.Duration
			myWrites := 0
			var myFail []string
			for i := 0; time.Now().Before(deadline); i++ {
				// a client pauses 1-3 ms between requests, as services do;
				// without it 16 clients saturate 2 cores and measure the
				// scheduler's queue instead of the server
				time.Sleep(time.Duration(1000+rng.IntN(2000)) * time.Microsecond)
				if rng.IntN(4) == 0 { // one write in four
					body := map[string]string{"schema": fmt.Sprintf(`{"type":"fixed","name":"F%d_%d","size":%d}`, c, i, 1+i%16)}
					st, b, err := call("POST", fmt.Sprintf("/subjects/load-%d/versions", c%4), body)
					if err != nil || st != 200 {
						myFail = append(myFail, fmt.Sprintf("write: %d %s %v", st, b, err))
						continue
					}
					var r struct{ ID int64 }
					_ = json.Unmarshal(b, &r)
					for {
						old := maxID.Load()
						if r.ID <= old || maxID.CompareAndSwap(old, r.ID) {
							break
						}
					}
					myWrites++
					continue
				}
				var path string
				switch rng.IntN(3) {
				case 0:
					path = fmt.Sprintf("/schemas/ids/%d", 1+rng.Int64N(maxID.Load()))
				case 1:
					path = fmt.Sprintf("/subjects/load-%d/versions/latest", rng.IntN(4))
				default:
					path = "/config"
				}
				start := time.Now()
				st, b, err := call("GET", path, nil)
				d := time.Since(start)
				if err != nil || (st != 200 && st != 404) {
					myFail = append(myFail, fmt.Sprintf("GET %s: %d %s %v", path, st, b, err))
					continue
				}
				myReads = append(myReads, d)
			}
			mu.Lock()
			reads = append(reads, myReads...)
			writes += myWrites
			failures = append(failures, myFail...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(stop)
	attackers.Wait()

	if len(failures) > 0 {
		t.Errorf("%d requests not answered, first: %s", len(failures), failures[0])
	}
	// Timing is logged, not asserted tightly: on a shared, loaded machine
	// wall-clock latency measures the scheduler as much as the server.
	// The hard assertion is that every request was answered; the floor
	// below only catches a server that stalls outright.
	if len(reads) < 10 || writes < 1 {
		t.Fatalf("only %d reads and %d writes in %v", len(reads), writes, duration)
	}
	slices.Sort(reads)
	p50, p99 := reads[len(reads)/2], reads[len(reads)*99/100]
	t.Logf("%d reads (p50 %v, p99 %v, max %v), %d writes, %d slow connections", len(reads), p50, p99, reads[len(reads)-1], writes, slow)
	if p99 > time.Second {
		t.Errorf("read p99 = %v, want < 1s: slow-body attackers stall the readers", p99)
	}
}

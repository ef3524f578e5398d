package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
)

func TestBasicAuth(t *testing.T) {
	var logs bytes.Buffer
	s := newServer(t, BasicAuth("alice", "s3cret-pass"), Logger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	h := s.Handler()
	tests := []struct {
		name       string
		user, pass string
		set        bool
		status     int
	}{
		{name: "no credentials", status: 401},
		{name: "wrong password", user: "alice", pass: "nope", set: true, status: 401},
		{name: "wrong user", user: "bob", pass: "s3cret-pass", set: true, status: 401},
		{name: "prefix of password", user: "alice", pass: "s3cret", set: true, status: 401},
		{name: "right", user: "alice", pass: "s3cret-pass", set: true, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/subjects", nil)
			if tt.set {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 401 {
				if !jsonEqual(t, rec.Body.String(), `{"error_code":40101,"message":"unauthorized"}`) {
					t.Errorf("body %s", rec.Body)
				}
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("no WWW-Authenticate header")
				}
			}
		})
	}
	if !strings.Contains(logs.String(), "path=/subjects status=401") || !strings.Contains(logs.String(), "path=/subjects status=200") {
		t.Errorf("requests not logged at debug level: %s", logs.String())
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("password in logs: %s", logs.String())
	}
}

func TestMaxRequestBytes(t *testing.T) {
	s := newServer(t, MaxRequestBytes(1024))
	h := s.Handler()
	big := fmt.Sprintf(`{"type":"record","name":"Big","doc":%q,"fields":[]}`, strings.Repeat("x", 2000))
	runSteps(t, h, []step{
		{name: "too large", method: "POST", path: "/subjects/s/versions", body: avroBody(big), status: 413, code: CodeSchemaTooLarge},
		{name: "lookup too large", method: "POST", path: "/subjects/s", body: avroBody(big), status: 413, code: CodeSchemaTooLarge},
		{name: "small is fine", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200},
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []Opt
	}{
		{name: "zero limit", opts: []Opt{MaxRequestBytes(0)}},
		{name: "nil checker", opts: []Opt{Checker(nil)}},
		{name: "bad level", opts: []Opt{DefaultCompatibility("SIDEWAYS")}},
		{name: "nil logger", opts: []Opt{Logger(nil)}},
		{name: "auth without user", opts: []Opt{BasicAuth("", "x")}},
		{name: "log in missing directory", opts: []Opt{LogFile("/nonexistent-dir/x/registry.log")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := New(tt.opts...); err == nil {
				s.Close()
				t.Fatal("New accepted bad options")
			}
		})
	}
}

// TestConcurrentRegistrations registers 32 different schemas in one
// subject at once: every one gets its own version and its own ID.
func TestConcurrentRegistrations(t *testing.T) {
	tests := []struct {
		name  string
		level compat.Level
	}{
		{name: "none", level: compat.None},
		{name: "backward", level: compat.Backward},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, DefaultCompatibility(tt.level))
			h := s.Handler()
			const n = 32
			type result struct {
				ID      int `json:"id"`
				Version int `json:"version"`
			}
			results := make([]result, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Each schema is a record with one optional field of its own:
					// compatible with every other under BACKWARD.
					schema := fmt.Sprintf(`{"type":"record","name":"C","fields":[{"name":"f%d","type":"string","default":""}]}`, i)
					body, _ := json.Marshal(avroBody(schema))
					req := httptest.NewRequest("POST", "/subjects/c/versions", bytes.NewReader(body))
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						t.Errorf("goroutine %d: %d %s", i, rec.Code, rec.Body)
						return
					}
					json.Unmarshal(rec.Body.Bytes(), &results[i])
					// Readers run alongside.
					h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/subjects/c/versions/latest", nil))
				}()
			}
			wg.Wait()
			ids, versions := map[int]bool{}, map[int]bool{}
			for _, r := range results {
				ids[r.ID], versions[r.Version] = true, true
			}
			if len(ids) != n || len(versions) != n {
				t.Fatalf("%d distinct ids and %d distinct versions for %d schemas: %v", len(ids), len(versions), n, results)
			}
			for v := 1; v <= n; v++ {
				if !versions[v] {
					t.Fatalf("versions are not 1..%d: %v", n, results)
				}
			}
		})
	}
}

// TestConcurrentSameSchema registers one schema from 32 goroutines: one
// version, one ID.
func TestConcurrentSameSchema(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(t, h, "POST", "/subjects/same/versions", avroBody(userV1))
		}()
	}
	wg.Wait()
	runSteps(t, h, []step{{name: "one version", method: "GET", path: "/subjects/same/versions", status: 200, want: `[1]`}})
}

func TestServeAndClose(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentType {
		t.Fatalf("GET /subjects: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("Serve returned %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := s.Serve(l2); !errors.Is(err, ErrClosed) {
		t.Errorf("Serve after Close returned %v", err)
	}
	// The handler still reads, but writes fail: nothing is lost silently.
	runSteps(t, s.Handler(), []step{
		{name: "read after close", method: "GET", path: "/subjects", status: 200},
		{name: "write after close", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 500, code: CodeStoreError},
	})
}

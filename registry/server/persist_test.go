package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
)

// fill makes a registry state that touches every kind of event.
func fill(t *testing.T, h http.Handler) {
	t.Helper()
	runSteps(t, h, []step{
		{name: "v1", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1), status: 200},
		{name: "v2", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV2), status: 200},
		{name: "shared", method: "POST", path: "/subjects/other/versions", body: avroBody(userV1), status: 200},
		{name: "gone", method: "POST", path: "/subjects/gone/versions", body: avroBody(`"string"`), status: 200},
		{name: "soft delete", method: "DELETE", path: "/subjects/users-value/versions/1", status: 200},
		{name: "soft delete subject", method: "DELETE", path: "/subjects/gone", status: 200},
		{name: "hard delete subject", method: "DELETE", path: "/subjects/gone?permanent=true", status: 200},
		{name: "config", method: "PUT", path: "/config", body: map[string]any{"compatibility": "FULL"}, status: 200},
		{name: "subject config", method: "PUT", path: "/config/other", body: map[string]any{"compatibility": "NONE",
			"defaultRuleSet":   map[string]any{"domainRules": []any{map[string]any{"name": "pos", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "message.id > 0"}}},
			"overrideMetadata": map[string]any{"properties": map[string]string{"owner": "team"}}}, status: 200},
		{name: "mode", method: "PUT", path: "/mode/other", body: map[string]any{"mode": "READONLY"}, status: 200},
	})
}

// snapshot reads back what fill wrote.
func snapshot(t *testing.T, h http.Handler) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{
		"/subjects?deleted=true", "/subjects/users-value/versions?deleted=true",
		"/subjects/users-value/versions/2", "/subjects/users-value/versions/1?deleted=true",
		"/subjects/other/versions/1", "/schemas/ids/1", "/schemas/ids/3",
		"/config", "/config/other", "/mode/other", "/mode",
	} {
		status, body := do(t, h, "GET", p, nil)
		fmt.Fprintf(&b, "%s %d %s", p, status, body)
	}
	return b.String()
}

func TestReplay(t *testing.T) {
	tests := []struct {
		name  string
		fsync bool
	}{
		{name: "no fsync", fsync: false},
		{name: "fsync", fsync: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "registry.log")
			s, err := New(LogFile(path), Fsync(tt.fsync))
			if err != nil {
				t.Fatal(err)
			}
			fill(t, s.Handler())
			before := snapshot(t, s.Handler())
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2 := newServer(t, LogFile(path), Fsync(tt.fsync))
			if after := snapshot(t, s2.Handler()); after != before {
				t.Fatalf("state after replay differs:\n got %s\nwant %s", after, before)
			}
			// New writes continue the numbering.
			runSteps(t, s2.Handler(), []step{
				{name: "v3", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1Spaced), status: 200},
				{name: "ids continue", method: "POST", path: "/subjects/x/versions", body: avroBody(`"int"`), status: 200,
					want: `{"id":5,"subject":"x","version":1,"guid":"<guid>","schema":"\"int\""}`},
			})
		})
	}
}

func TestTornTail(t *testing.T) {
	tests := []struct {
		name string
		tail string
	}{
		{name: "half a line", tail: `{"op":"register","subject":"users-value","version":3,"id":4,"sche`},
		{name: "a line without its newline", tail: `{"op":"config","compatibility":"NONE"}`},
		{name: "zeros", tail: "\x00\x00\x00\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "registry.log")
			s, err := New(LogFile(path))
			if err != nil {
				t.Fatal(err)
			}
			fill(t, s.Handler())
			before := snapshot(t, s.Handler())
			s.Close()
			good, _ := os.ReadFile(path)
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tt.tail)
			f.Close()

			var logs bytes.Buffer
			s2 := newServer(t, LogFile(path), Logger(slog.New(slog.NewTextHandler(&logs, nil))))
			if after := snapshot(t, s2.Handler()); after != before {
				t.Fatalf("state after torn tail differs:\n got %s\nwant %s", after, before)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "torn") {
				t.Errorf("no warning logged: %q", logs.String())
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, good) {
				t.Errorf("log not cut back to its last complete line: %d bytes, want %d", len(now), len(good))
			}
			runSteps(t, s2.Handler(), []step{
				{name: "write after repair", method: "POST", path: "/subjects/after/versions", body: avroBody(`"int"`), status: 200},
			})
			before2 := snapshot(t, s2.Handler())
			s2.Close()
			s3 := newServer(t, LogFile(path))
			runSteps(t, s3.Handler(), []step{
				{name: "repaired write survives", method: "GET", path: "/subjects/after/versions", status: 200, want: `[1]`},
			})
			if after := snapshot(t, s3.Handler()); after != before2 {
				t.Fatalf("state lost after second reopen:\n got %s\nwant %s", after, before)
			}
		})
	}
}

func TestCorruptLogRefused(t *testing.T) {
	tests := []struct {
		name string
		log  string
	}{
		{name: "bad line in the middle", log: "{\"op\":\"config\",\"compatibility\":\"NONE\"}\nnot json\n{\"op\":\"mode\",\"mode\":\"READONLY\"}\n"},
		{name: "unknown op", log: "{\"op\":\"explode\"}\n"},
		{name: "delete of nothing", log: "{\"op\":\"delete\",\"subject\":\"s\",\"version\":1}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "registry.log")
			os.WriteFile(path, []byte(tt.log), 0o600)
			if s, err := New(LogFile(path)); err == nil {
				s.Close()
				t.Fatal("New accepted a corrupt log")
			}
			if now, _ := os.ReadFile(path); string(now) != tt.log {
				t.Errorf("a corrupt log was modified")
			}
		})
	}
}

func TestLogLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.log")
	s := newServer(t, LogFile(path))
	if s2, err := New(LogFile(path)); err == nil {
		s2.Close()
		t.Fatal("a second server opened a log in use")
	}
	s.Close()
	s3, err := New(LogFile(path))
	if err != nil {
		t.Fatalf("log still locked after Close: %v", err)
	}
	s3.Close()
}

func TestAppendFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.log")
	s := newServer(t, LogFile(path))
	h := s.Handler()
	runSteps(t, h, []step{{name: "v1", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200}})
	s.log.f.(*os.File).Close() // the disk goes away
	runSteps(t, h, []step{
		{name: "store error", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 500, code: CodeStoreError},
		{name: "config store error", method: "PUT", path: "/config", body: map[string]any{"compatibility": "NONE"}, status: 500, code: CodeStoreError},
		{name: "nothing applied", method: "GET", path: "/subjects/s/versions", status: 200, want: `[1]`},
		{name: "config unchanged", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
	})
}

// TestKillMidStream re-runs the test binary as a child that registers
// schemas as fast as it can and reports each acknowledged one; the parent
// kills it with SIGKILL mid-stream and reopens the log: every acknowledged
// registration must be there, and the registry must take new writes.
func TestKillMidStream(t *testing.T) {
	if os.Getenv("SCHEMAGEN_REGISTRY_CHILD") != "" {
		childWriter(os.Getenv("SCHEMAGEN_REGISTRY_CHILD"))
		return
	}
	path := filepath.Join(t.TempDir(), "registry.log")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidStream$")
	cmd.Env = append(os.Environ(), "SCHEMAGEN_REGISTRY_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "acked "))
		if err != nil {
			continue
		}
		acked = n
		if acked >= 200 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	go io.Copy(io.Discard, out)
	cmd.Wait()
	if acked < 200 {
		t.Fatalf("child acknowledged only %d registrations", acked)
	}

	s := newServer(t, LogFile(path))
	h := s.Handler()
	status, body := do(t, h, "GET", "/subjects/kill/versions", nil)
	var versions []int
	if status != 200 || json.Unmarshal([]byte(body), &versions) != nil {
		t.Fatalf("versions after kill: %d %s", status, body)
	}
	if len(versions) < acked {
		t.Fatalf("%d versions after kill, but the child acknowledged %d", len(versions), acked)
	}
	for i, v := range versions {
		if v != i+1 {
			t.Fatalf("versions after kill are not 1..n: %v", versions)
		}
	}
	for v := 1; v <= acked; v++ {
		status, body := do(t, h, "GET", fmt.Sprintf("/subjects/kill/versions/%d", v), nil)
		if status != 200 || !strings.Contains(body, fmt.Sprintf(`\"f%d\"`, v)) {
			t.Fatalf("acknowledged version %d: %d %s", v, status, body)
		}
	}
	next := len(versions) + 1
	status, body = do(t, h, "POST", "/subjects/kill/versions", avroBody(killSchema(next)))
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`"version":%d`, next)) {
		t.Fatalf("write after kill: %d %s", status, body)
	}
}

// killSchema is the n-th schema of the kill test: each adds a field with a
// default, so each is backward compatible with the one before.
func killSchema(n int) string {
	fields := make([]string, n)
	for i := range fields {
		fields[i] = fmt.Sprintf(`{"name":"f%d","type":"string","default":"%s"}`, i+1, strings.Repeat("x", 64))
	}
	return `{"type":"record","name":"K","fields":[` + strings.Join(fields, ",") + `]}`
}

// childWriter registers schemas forever over real HTTP, printing the
// number of acknowledged ones, until it is killed.
func childWriter(path string) {
	s, err := New(LogFile(path), DefaultCompatibility(compat.None))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	go s.Serve(l)
	url := "http://" + l.Addr().String() + "/subjects/kill/versions"
	for n := 1; ; n++ {
		body, _ := json.Marshal(avroBody(killSchema(n)))
		resp, err := http.Post(url, ContentType, bytes.NewReader(body))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			fmt.Fprintln(os.Stderr, "status", resp.StatusCode)
			os.Exit(2)
		}
		fmt.Printf("acked %d\n", n)
	}
}

// faultyFile is a log file whose writes, syncs and truncates fail on demand.
type faultyFile struct {
	data                         []byte
	off                          int64
	shortWrite, failSync, failTr bool
}

func (f *faultyFile) Write(b []byte) (int, error) {
	if f.shortWrite {
		b = b[:len(b)/2]
	}
	f.data = append(f.data[:f.off], b...)
	f.off += int64(len(b))
	if f.shortWrite {
		return len(b), errors.New("disk full")
	}
	return len(b), nil
}

func (f *faultyFile) Seek(off int64, _ int) (int64, error) { f.off = off; return off, nil }

func (f *faultyFile) Sync() error {
	if f.failSync {
		return errors.New("sync failed")
	}
	return nil
}

func (f *faultyFile) Truncate(n int64) error {
	if f.failTr {
		return errors.New("truncate failed")
	}
	f.data = f.data[:n]
	return nil
}

func (f *faultyFile) Close() error { return nil }

func TestAppendFaults(t *testing.T) {
	tests := []struct {
		name      string
		file      faultyFile
		fsync     bool
		thenWorks bool // a later append succeeds once the fault is gone
	}{
		{name: "short write is cut back", file: faultyFile{shortWrite: true}, thenWorks: true},
		{name: "failed fsync is cut back", file: faultyFile{failSync: true}, fsync: true, thenWorks: true},
		{name: "short write that cannot be cut back breaks the log", file: faultyFile{shortWrite: true, failTr: true}, thenWorks: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.file
			l := &eventLog{f: &f, fsync: tt.fsync}
			ev := &event{Op: opConfig, Compatibility: compat.None}
			if err := l.append(ev); err == nil {
				t.Fatal("append succeeded despite the fault")
			}
			if !f.failTr && len(f.data) != 0 {
				t.Errorf("%d bytes of a failed append left in the log", len(f.data))
			}
			f.shortWrite, f.failSync = false, false
			err := l.append(ev)
			if (err == nil) != tt.thenWorks {
				t.Fatalf("append after the fault: %v, want success %v", err, tt.thenWorks)
			}
			if tt.thenWorks {
				good, rerr := replay(f.data, newState(compat.Backward).apply)
				if rerr != nil || good != int64(len(f.data)) {
					t.Errorf("log after recovery does not replay whole: %d of %d, %v", good, len(f.data), rerr)
				}
			}
		})
	}
}

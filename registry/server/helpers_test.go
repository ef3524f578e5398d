package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// Avro schemas used across tests: userV2 adds a field with a default
// (backward compatible with userV1); userBad adds one without (not).
const (
	userV1  = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	userV2  = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string","default":""}]}`
	userBad = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}`
	// userV1Spaced is userV1 written another way.
	userV1Spaced = "{\n  \"type\": \"record\",\n  \"name\": \"User\",\n  \"fields\": [ {\"name\": \"id\", \"type\": \"long\"} ]\n}"
)

func newServer(t *testing.T, opts ...Opt) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// do sends one request to h and returns the status and the body.
func do(t *testing.T, h http.Handler, method, path string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", ContentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Errorf("%s %s: content type %q, want %q", method, path, ct, ContentType)
	}
	return rec.Code, rec.Body.String()
}

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// scrub replaces GUIDs with "<guid>" so bodies compare.
func scrub(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "guid" && guidRE.MatchString(s) {
				x[k] = "<guid>"
			} else {
				x[k] = scrub(e)
			}
		}
	case []any:
		for i := range x {
			x[i] = scrub(x[i])
		}
	}
	return v
}

// jsonEqual compares two JSON texts as values, GUIDs scrubbed.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("response is not JSON: %v: %s", err, got)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	return reflect.DeepEqual(scrub(g), scrub(w))
}

// step is one request in a scenario and what it must get back.
type step struct {
	name   string
	method string
	path   string
	body   any
	status int
	want   string // JSON; empty: not compared
	code   int    // error_code when status >= 400
}

func runSteps(t *testing.T, h http.Handler, steps []step) {
	t.Helper()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			status, body := do(t, h, st.method, st.path, st.body)
			if status != st.status {
				t.Fatalf("%s %s: status %d, want %d: %s", st.method, st.path, status, st.status, body)
			}
			if st.code != 0 {
				var e errorBody
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.ErrorCode != st.code || e.Message == "" {
					t.Fatalf("%s %s: error body %s, want error_code %d and a message", st.method, st.path, body, st.code)
				}
			}
			if st.want != "" && !jsonEqual(t, body, st.want) {
				t.Fatalf("%s %s:\n got %s\nwant %s", st.method, st.path, body, st.want)
			}
		})
	}
}

func avroBody(text string) map[string]any { return map[string]any{"schema": text} }

// fakeChecker answers with a fixed result and records what it was asked.
type fakeChecker struct {
	res   compat.Result
	err   error
	level compat.Level
	n     int // number of existing versions last asked about
	calls int
}

func (f *fakeChecker) Check(_ context.Context, level compat.Level, _ serde.Schema, existing []compat.Version, _ serde.Resolver) (compat.Result, error) {
	f.level, f.n = level, len(existing)
	f.calls++
	return f.res, f.err
}

package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

func writeErr(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   int
		want   []error
	}{
		{"subject not found", 404, 40401, []error{ErrSubjectNotFound, ErrNotFound, sr.ErrSubjectNotFound}},
		{"version not found", 404, 40402, []error{ErrVersionNotFound, ErrNotFound}},
		{"schema not found", 404, 40403, []error{ErrSchemaNotFound, ErrNotFound, sr.ErrSchemaNotFound}},
		{"incompatible", 409, 409, []error{ErrIncompatible, sr.ErrIncompatibleSchema}},
		{"incompatible without code", 409, 0, []error{ErrIncompatible}},
		{"incompatible, Confluent 8.1 code", 409, 40901, []error{ErrIncompatible}},
		{"invalid schema", 422, 42201, []error{ErrInvalidSchema}},
		{"invalid version", 422, 42202, []error{ErrInvalidVersion}},
		{"invalid compatibility level", 422, 42203, []error{ErrInvalidCompatibilityLevel}},
		{"operation not permitted", 422, 42205, []error{ErrOperationNotPermitted}},
		{"store error", 500, 50001, []error{ErrStore, ErrUnavailable}},
		{"timeout", 500, 50002, []error{ErrTimeout, ErrUnavailable}},
		{"forward error", 500, 50003, []error{ErrForward, ErrUnavailable}},
		{"unauthorized", 401, 40101, []error{ErrUnauthorized}},
		{"forbidden", 403, 40301, []error{ErrUnauthorized}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server(t, func(w http.ResponseWriter, r *http.Request) { writeErr(w, tt.status, tt.code, "the registry says no") })
			cl, _ := client(t, s.URL, Retries(1))
			_, err := cl.SchemaByID(context.Background(), 7)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("errors.Is(%v, %v) = false", err, w)
				}
			}
			for _, other := range []error{ErrSubjectNotFound, ErrSchemaNotFound, ErrIncompatible, ErrStore} {
				if !contains(tt.want, other) && errors.Is(err, other) {
					t.Errorf("errors.Is(%v, %v) = true", err, other)
				}
			}
			var re *ResponseError
			if !errors.As(err, &re) || re.StatusCode != tt.status || re.Code != tt.code {
				t.Fatalf("ResponseError = %+v", re)
			}
			msg := err.Error()
			for _, part := range []string{"get schema id 7", "GET /schemas/ids/7", fmt.Sprint(tt.status), "the registry says no"} {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q lacks %q", msg, part)
				}
			}
			if strings.Contains(msg, "127.0.0.1") {
				t.Errorf("error %q names the host", msg)
			}
		})
	}
}

func contains(errs []error, e error) bool {
	for _, x := range errs {
		if x == e {
			return true
		}
	}
	return false
}

func TestMalformedBodies(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"garbage on 200", 200, "<html>oops</html>", ErrMalformedResponse},
		{"wrong shape on 200", 200, `{"schema": 12}`, ErrMalformedResponse},
		{"html on 404", 404, "<html><body>Not Found</body></html>", ErrNotFound},
		{"empty 400", 400, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			cl, cnt := client(t, s.URL)
			_, err := cl.SchemaByID(context.Background(), 1)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v is not %v", err, tt.want)
			}
			if n := cnt.n.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (not retryable)", n)
			}
			if !strings.Contains(err.Error(), "get schema id 1") {
				t.Errorf("error %q does not say what failed", err)
			}
		})
	}
}

// TestNoCredentialLeak makes a registry that echoes the Authorization header
// in its errors and checks that no secret reaches an error or a log line.
func TestNoCredentialLeak(t *testing.T) {
	const (
		pass  = "s3cr3t-pa55"
		token = "t0k3n-abcdef"
	)
	echo := func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, 404, 40403, "denied for "+r.Header.Get("Authorization")+" at "+r.URL.String())
	}
	dead := func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		url     func(base string) string
		opts    []Opt
	}{
		{"basic auth", echo, nil, []Opt{BasicAuth("alice", pass)}},
		{"bearer token", echo, nil, []Opt{BearerToken(token)}},
		{"userinfo in url", echo, func(b string) string { return strings.Replace(b, "http://", "http://alice:"+pass+"@", 1) }, nil},
		{"userinfo in url, transport error", dead, func(b string) string { return strings.Replace(b, "http://", "http://alice:"+pass+"@", 1) }, nil},
		{"bearer, transport error", dead, nil, []Opt{BearerToken(token)}},
		{"header provider", echo, nil, []Opt{HeaderProvider(func(context.Context) (http.Header, error) {
			return http.Header{"Authorization": {"Bearer " + token}}, nil
		})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server(t, tt.handler)
			u := s.URL
			if tt.url != nil {
				u = tt.url(u)
			}
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			cl, _ := client(t, u, append(tt.opts, Logger(log), Retries(2))...)
			_, err := cl.SchemaByID(context.Background(), 3)
			if err == nil {
				t.Fatal("no error")
			}
			for _, secret := range []string{pass, token} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a secret: %v", err)
				}
				if strings.Contains(fmt.Sprintf("%+v", err), secret) {
					t.Errorf("error (%%+v) leaks a secret")
				}
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log leaks a secret:\n%s", logs.String())
				}
			}
			if logs.Len() == 0 {
				t.Error("nothing logged at debug level")
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		opts []Opt
		want string // substring of the error; empty for success
	}{
		{"defaults", nil, ""},
		{"several urls", []Opt{URLs("http://127.0.0.1:1", "127.0.0.1:2")}, ""},
		{"no urls", []Opt{URLs()}, "no registry URLs"},
		{"bad url", []Opt{URLs("http://alice:s3cr3t@127.0.0.1:badport")}, "url #1 is invalid"},
		{"no host", []Opt{URLs("http://")}, "has no host"},
		{"basic and bearer", []Opt{BasicAuth("a", "b"), BearerToken("t")}, "exclusive"},
		{"url credentials conflict", []Opt{URLs("http://a:b@127.0.0.1:1"), BasicAuth("a", "c")}, "conflict"},
		{"url credentials differ", []Opt{URLs("http://a:b@127.0.0.1:1", "http://a:c@127.0.0.1:2")}, "differ"},
		{"negative retries", []Opt{Retries(-1)}, "negative retries"},
		{"bad backoff", []Opt{RetryBackoff(time.Second, time.Millisecond)}, "retry backoff"},
		{"bad budget", []Opt{RetryBudget(0, 0.1)}, "retry budget"},
		{"negative ttl", []Opt{CacheTTL(-time.Second)}, "negative cache ttl"},
		{"nil logger", []Opt{Logger(nil)}, "nil logger"},
		{"nil http client", []Opt{HTTPClient(nil)}, "nil http client"},
		{"empty token", []Opt{BearerToken("")}, "empty bearer token"},
		{"tls with custom dialer", []Opt{DialTLSConfig(&tls.Config{}), HTTPClient(&http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{}).DialContext}})}, "custom dial"},
		{"all errors at once", []Opt{Retries(-1), CacheTTL(-1)}, "negative cache ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts...)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrConfig) {
				t.Fatalf("New() = %v, want ErrConfig with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

package registry

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestURLSchemes: issue 13 item 5. Any scheme but http or https (in any
// case) was given http:// in front, sending the request and its password
// to a host named after the scheme. Errors never print user information.
func TestURLSchemes(t *testing.T) {
	const pw = "pw" // too short for the redactor: must be kept out by construction
	tests := []struct {
		name string
		url  string
		want string // normalized URL; empty: refused
	}{
		{name: "HTTP upper case", url: "HTTP://u:" + pw + "@127.0.0.1:8081", want: "http://127.0.0.1:8081"},
		{name: "Https mixed case", url: "Https://u:" + pw + "@reg.example:443/base/", want: "https://reg.example:443/base"},
		{name: "bare host and port", url: "127.0.0.1:8081", want: "http://127.0.0.1:8081"},
		{name: "bare host", url: "registry", want: "http://registry"},
		{name: "ftp", url: "ftp://u:" + pw + "@host"},
		{name: "htp typo", url: "htp://u:" + pw + "@host"},
		{name: "one slash", url: "http:/u:" + pw + "@host"},
		{name: "no slash", url: "https:u:" + pw + "@host"},
		{name: "scheme-relative", url: "//u:" + pw + "@host"},
		{name: "rootless path", url: "/u:" + pw + "@host"},
		{name: "credentials in the path", url: "host/u:" + pw + "@x"},
		{name: "junk scheme with credentials", url: "u:" + pw + "@h://x"},
		{name: "userinfo without scheme", url: "u:" + pw + "@host"},
		{name: "empty port", url: "http://u:" + pw + "@host:"},
		{name: "no host", url: "http://u:" + pw + "@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(URLs(tt.url))
			if tt.want == "" {
				if err == nil {
					t.Fatalf("New(%q) accepted it: %v", tt.url, c)
				}
				if !errors.Is(err, ErrConfig) {
					t.Errorf("error %v does not wrap ErrConfig", err)
				}
				for _, leak := range []string{":" + pw, pw + "@", "u:"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error prints user information (%q): %v", leak, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.url, err)
			}
			if got := c.cfg.urls[0]; got != tt.want {
				t.Errorf("url = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClientFormatRedacts: no verb prints a password or a token.
func TestClientFormatRedacts(t *testing.T) {
	const pw, tok = "hunter2-password", "eyJ-bearer-token"
	basic, err := New(URLs("http://127.0.0.1:1"), BasicAuth("alice", pw))
	if err != nil {
		t.Fatal(err)
	}
	inURL, err := New(URLs("http://alice:" + pw + "@127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := New(URLs("http://127.0.0.1:1"), BearerToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Client{basic, inURL, bearer} {
		type holder struct{ C *Client }
		// fmt cannot call Format on an unexported field, and with a verb
		// that does not fit a pointer (%s, %d) it prints the pointee.
		type hidden struct{ c *Client }
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			for _, arg := range []any{c, holder{c}, &holder{c}, []*Client{c}, hidden{c}, &hidden{c}} {
				out := fmt.Sprintf(verb, arg)
				if strings.Contains(out, pw) || strings.Contains(out, tok) {
					t.Errorf("%s of %T prints a credential: %s", verb, arg, out)
				}
			}
		}
		if s := c.String(); !strings.Contains(s, "127.0.0.1:1") || !strings.Contains(s, "redacted") {
			t.Errorf("String() = %q, want the URL and a redaction note", s)
		}
	}
	// negative control: the fields do hold the secrets String hides
	if basic.cfg.auth.pass != pw || bearer.cfg.auth.bearer != tok {
		t.Fatal("test does not exercise the credentials")
	}
}

// TestRequestErrorsRedact: a registry that echoes the request back (URL and
// Authorization header) in its error body, and a refused connection, give
// errors without the credentials.
func TestRequestErrorsRedact(t *testing.T) {
	const pw, tok = "hunter2-password", "eyJ-bearer-token"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		user, pass, _ := r.BasicAuth()
		fmt.Fprintf(w, `{"error_code":40401,"message":"no such subject; you sent %s %s %s:%s"}`, r.URL, r.Header.Get("Authorization"), user, pass)
	}))
	defer echo.Close()
	host := strings.TrimPrefix(echo.URL, "http://")
	cases := []struct {
		name string
		opts []Opt
	}{
		{name: "basic in URL", opts: []Opt{URLs("HTTP://alice:" + pw + "@" + host)}},
		{name: "basic option", opts: []Opt{URLs(echo.URL), BasicAuth("alice", pw)}},
		{name: "bearer", opts: []Opt{URLs(echo.URL), BearerToken(tok)}},
		{name: "refused connection", opts: []Opt{URLs("http://alice:" + pw + "@127.0.0.1:1"), Retries(0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Latest(t.Context(), "orders-value")
			if err == nil {
				t.Fatal("Latest succeeded against an echoing 404")
			}
			if tc.name != "refused connection" && (!errors.Is(err, ErrSubjectNotFound) || !strings.Contains(err.Error(), "[redacted]")) {
				t.Errorf("error %v: want the echoed 40401 with its credential redacted", err)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, pw) || strings.Contains(s, tok) {
					t.Errorf("error prints a credential: %s", s)
				}
			}
		})
	}
}

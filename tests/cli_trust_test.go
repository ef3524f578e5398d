package tests

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// Issue 12, item 1: only the registry's "subject not found" (40401) means
// a subject is new. A wrong path, or a server that is not a registry, is an
// error (exit 1) for check, register and fetch: a CI gate must never pass
// because it could not ask.
func TestBinaryRegistryMustAnswer(t *testing.T) {
	reg := registrytest.New(t)
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>welcome</body></html>"))
	}))
	t.Cleanup(html.Close)
	root := repoRoot(t)
	servers := []struct{ name, url string }{
		{"wrong path", reg.URL() + "/api"},
		{"plain 404 server", notFound.URL},
		{"html server", html.URL},
	}
	commands := [][]string{
		{"check"},
		{"register", "--dry-run"},
		{"register"},
		{"fetch", "orders-value", "-o", t.TempDir()},
	}
	for _, s := range servers {
		for _, args := range commands {
			t.Run(s.name+"/"+strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
				code, stdout, stderr := runBin(t, root, append(args, "--registry", s.url)...)
				if code != 1 {
					t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
				}
				for _, bad := range []string{"0 schemas checked", "plan:", "registered "} {
					if strings.Contains(stdout+stderr, bad) {
						t.Errorf("output claims a result (%q) from a server that did not answer as a registry:\n%s%s", bad, stdout, stderr)
					}
				}
			})
		}
	}
	// The control: the same commands against the registry's real URL.
	if code, stdout, stderr := runBin(t, root, "check", "--registry", reg.URL()); code != 0 || !strings.Contains(stderr, "5 new") {
		t.Fatalf("check against the registry: exit %d\n%s%s", code, stdout, stderr)
	}
}

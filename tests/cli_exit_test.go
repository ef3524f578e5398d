package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// The built binary's exit codes: main passes cli.Run's code to os.Exit.
// (Every command's codes are tested in-process in
// cmd/schemagen/internal/cli, which this package cannot import.)
func TestBinaryExitCodes(t *testing.T) {
	reg := registrytest.New(t)
	root := repoRoot(t)
	oldDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(oldDir, "schemas/json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(oldDir, "schemas/json/payment.json"), []byte(`{"type":"object","properties":{"order_id":{"type":"string"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		args []string
		code int
		want string
	}{
		{name: "version", dir: root, args: []string{"version"}, code: 0, want: "schemagen v"},
		{name: "usage", dir: root, args: []string{"nope"}, code: 2, want: "unknown command"},
		{name: "config error", dir: t.TempDir(), args: []string{"register"}, code: 2, want: "schemagen.yaml"},
		{name: "registry error", dir: root, args: []string{"register", "--registry", "http://127.0.0.1:1"}, code: 1, want: "connection refused"},
		{name: "dry run", dir: root, args: []string{"register", "--dry-run", "--registry", reg.URL()}, code: 0, want: "plan: 5 new"},
		{name: "findings", dir: root, args: []string{"check", "--against", oldDir}, code: 100, want: "schemas/json/payment.json:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBin(t, tt.dir, tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Fatalf("exit %d (want %d), want %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, stdout, stderr)
			}
		})
	}
}

package tests

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// schemagenBin builds cmd/schemagen once per test binary and returns its
// path. Tests run it as a user would.
func schemagenBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "schemagen-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "schemagen")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/schemagen")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building schemagen: %v", buildErr)
	}
	return binPath
}

// runBin runs the schemagen binary in dir and returns its exit code and
// output.
func runBin(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(schemagenBin(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running schemagen: %v", err)
	}
	return code, out.String(), errb.String()
}

// repoRoot is the checkout's root.
func repoRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

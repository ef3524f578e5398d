package tests

import (
	"testing"
)

// The generated example packages under schemas/gen are what `schemagen
// generate` writes today from schemagen.yaml and schemas/: a change to a
// schema or to codegen without regenerating fails here (make test).
func TestGeneratedExamplesFresh(t *testing.T) {
	code, stdout, stderr := runBin(t, repoRoot(t), "generate", "--check")
	switch code {
	case 0:
	case 100:
		t.Fatalf("schemas/gen is stale; run `go run ./cmd/schemagen generate` and commit:\n%s", stdout)
	default:
		t.Fatalf("generate --check: exit %d\n%s%s", code, stdout, stderr)
	}
}

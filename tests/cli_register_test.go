package tests

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
)

// copyProject copies the repository's config and schemas (not the
// generated code) to a temporary directory.
func copyProject(t *testing.T) string {
	t.Helper()
	root, dir := repoRoot(t), t.TempDir()
	copyTree(t, filepath.Join(root, "schemagen.yaml"), filepath.Join(dir, "schemagen.yaml"))
	for _, d := range []string{"schemas/avro", "schemas/proto", "schemas/json"} {
		copyTree(t, filepath.Join(root, d), filepath.Join(dir, d))
	}
	return dir
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeText(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Issue 12, item 4: the plan asks the registry about every new version and
// shows every refusal with all its reasons; register registers nothing
// when the plan has a refusal (unless --partial); --dry-run never promises
// a version the registry will refuse.
func TestBinaryRegisterRefusals(t *testing.T) {
	dir := copyProject(t)
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, dir, "register", "--registry", reg.URL()); code != 0 {
		t.Fatalf("first register: exit %d\n%s%s", code, stdout, stderr)
	}
	// Two refusals (Money breaks Money and Order; Payment drops a field a
	// closed model needs) and one compatible change (User gains a field).
	writeText(t, filepath.Join(dir, "schemas/avro/money.avsc"), `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"currency","type":"string"},{"name":"cents","type":"long"},{"name":"rounded","type":"boolean"}]}`)
	writeText(t, filepath.Join(dir, "schemas/json/payment.json"), `{"type":"object","additionalProperties":false,"required":["order_id","amount_cents","method","tip_cents"],
"properties":{"order_id":{"type":"string"},"amount_cents":{"type":"integer"},"method":{"type":"string"},"tip_cents":{"type":"integer"}}}`)
	user, err := os.ReadFile(filepath.Join(dir, "schemas/proto/shop/v1/user.proto"))
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, "schemas/proto/shop/v1/user.proto"), strings.Replace(string(user), "Address address = 4;", "Address address = 4;\n  string phone = 5;", 1))

	refusedSubjects := []string{"shop.Money (schemas/avro/money.avsc) refused:", "orders-value (schemas/avro/order.avsc) refused:", "payments-value (schemas/json/payment.json) refused:"}
	checkRefusals := func(t *testing.T, stdout string) {
		t.Helper()
		for _, want := range refusedSubjects {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		// Every reason in full: the refused field's message ends intact.
		if !strings.Contains(stdout, `field "rounded" is not in the writer's record "shop.Money" and has no default`) {
			t.Errorf("a refusal is cut or missing")
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, "payments-value") && strings.Contains(line, "new version") {
				t.Errorf("the plan promises a version the registry refuses: %s", line)
			}
		}
	}
	versions := func(subject string) []int {
		cl, err := registry.New(registry.URLs(reg.URL()))
		if err != nil {
			t.Fatal(err)
		}
		vs, err := cl.Versions(context.Background(), subject)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}

	t.Run("dry run", func(t *testing.T) {
		code, stdout, stderr := runBin(t, dir, "register", "--dry-run", "--registry", reg.URL())
		if code != 100 || !strings.Contains(stdout, "plan: 0 new, 1 new versions, 1 unchanged, 3 refused") {
			t.Errorf("exit %d, want 100 and the plan", code)
		}
		checkRefusals(t, stdout)
		if !strings.Contains(stdout, "new version 2") {
			t.Errorf("the compatible change is not planned")
		}
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})
	t.Run("register nothing", func(t *testing.T) {
		code, stdout, stderr := runBin(t, dir, "register", "--registry", reg.URL())
		if code != 100 || !strings.Contains(stderr, "nothing registered") {
			t.Errorf("exit %d, want 100 and nothing registered", code)
		}
		checkRefusals(t, stdout)
		if vs := versions("users-value"); !slices.Equal(vs, []int{1}) {
			t.Errorf("users-value versions %v: something was registered", vs)
		}
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})
	t.Run("partial", func(t *testing.T) {
		code, stdout, stderr := runBin(t, dir, "register", "--partial", "--registry", reg.URL())
		if code != 100 || !strings.Contains(stdout, "registered 1, unchanged 1, refused 3") {
			t.Errorf("exit %d, want 100 and the compatible one registered", code)
		}
		checkRefusals(t, stdout)
		if vs := versions("users-value"); !slices.Equal(vs, []int{1, 2}) {
			t.Errorf("users-value versions %v, want [1 2]", vs)
		}
		for _, s := range []string{"shop.Money", "orders-value", "payments-value"} {
			if vs := versions(s); !slices.Equal(vs, []int{1}) {
				t.Errorf("%s versions %v: a refused schema was registered", s, vs)
			}
		}
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})
}

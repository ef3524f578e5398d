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

// Issue 12, item 7: one schema file under two config entries (two messages
// of one .proto, one Avro file to two topics) generates and registers both;
// the second entry used to be dropped (generate: "invalid subject: empty
// subject").
func TestBinarySameFileTwoEntries(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod": "module example.com/two\n\ngo 1.26.0\n",
		"schemas/two.proto": `syntax = "proto3";
package acme.v1;
message Order { int64 id = 1; }
message Refund { int64 order_id = 1; int64 cents = 2; }
`,
		"schemas/money.avsc": `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"next","type":["null","Money"],"default":null}]}`,
		"schemagen.yaml": `version: 1
defaults: {out: gen}
schemas:
  - {file: schemas/two.proto, topic: orders, message: acme.v1.Order, go: {package: example.com/two/gen/acme}}
  - {file: schemas/two.proto, topic: refunds, message: acme.v1.Refund, go: {package: example.com/two/gen/acme}}
  - {file: schemas/money.avsc, topic: money-a, go: {package: example.com/two/gen/money}}
  - {file: schemas/money.avsc, topic: money-b, go: {package: example.com/two/gen/money}}
`,
	})
	code, stdout, stderr := runBin(t, dir, "generate")
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", code, stdout, stderr)
	}
	for file, wants := range map[string][]string{
		"gen/acme/two.proto.schemagen.go": {`Topic:      "orders"`, `Topic:      "refunds"`, "func NewOrderProducer", "func NewRefundProducer"},
		"gen/money/money.avro.go":         {`Topic:      "money-a"`, `Topic:      "money-b"`},
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, dir, "register", "--registry", reg.URL()); code != 0 || !strings.Contains(stdout, "registered 4, unchanged 0") {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	cl, err := registry.New(registry.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	subjects, err := cl.Subjects(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(subjects)
	if want := []string{"money-a-value", "money-b-value", "orders-value", "refunds-value"}; !slices.Equal(subjects, want) {
		t.Errorf("subjects %v, want %v", subjects, want)
	}
	if code, stdout, stderr := runBin(t, dir, "check", "--registry", reg.URL()); code != 0 || !strings.Contains(stderr, "4 schemas checked") {
		t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeText(t, p, text)
	}
}

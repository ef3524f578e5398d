package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

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
		"gen/acme/two.proto.schemagen.go": {`"orders",`, `"refunds",`, "func NewOrderProducer", "func NewRefundProducer"},
		"gen/money/money.avro.go":         {`"money-a",`, `"money-b",`},
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

// Issue 12, item 7: the conventions users of buf, sqlc and kcat expect.
func TestBinaryConventions(t *testing.T) {
	root := repoRoot(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // each in stdout
		stderr     []string // each in stderr
		stderrOnce string   // in stderr exactly once
		quiet      bool     // nothing on stderr
	}{
		{name: "--version", args: []string{"--version"}, stdout: []string{"schemagen v"}, quiet: true},
		{name: "help CMD", args: []string{"help", "fetch"}, stdout: []string{"usage: schemagen fetch", "-o string"}, quiet: true},
		{name: "-h to stdout", args: []string{"register", "-h"}, stdout: []string{"usage: schemagen register", "-dry-run", "-partial"}, quiet: true},
		{name: "did you mean", args: []string{"regster"}, code: 2, stderr: []string{`unknown command "regster", did you mean register?`}},
		{name: "help of a mistyped command", args: []string{"help", "chek"}, code: 2, stderr: []string{"did you mean check?"}},
		{name: "unknown flag once", args: []string{"register", "--frob"}, code: 2, stderrOnce: "flag provided but not defined: -frob"},
		{name: "completion bash", args: []string{"completion", "bash"}, stdout: []string{"complete -F _schemagen schemagen", "register) flags=", "--dry-run"}, quiet: true},
		{name: "completion zsh", args: []string{"completion", "zsh"}, stdout: []string{"#compdef schemagen", "bashcompinit", "complete -F _schemagen schemagen"}, quiet: true},
		{name: "completion fish", args: []string{"completion", "fish"}, stdout: []string{"complete -c schemagen -f -n __fish_use_subcommand -a register", "'__fish_seen_subcommand_from produce' -l key"}, quiet: true},
		{name: "completion of no shell", args: []string{"completion", "tcsh"}, code: 2, stderr: []string{"want bash, zsh or fish"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBin(t, root, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			if tt.stderrOnce != "" && strings.Count(stderr, tt.stderrOnce) != 1 {
				t.Errorf("stderr has %q %d times, want once", tt.stderrOnce, strings.Count(stderr, tt.stderrOnce))
			}
			if tt.quiet && stderr != "" {
				t.Errorf("stderr is not empty")
			}
			if t.Failed() {
				t.Logf("stdout:\n%.3000s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
	// The bash script parses.
	if bash, err := exec.LookPath("bash"); err == nil {
		_, script, _ := runBin(t, root, "completion", "bash")
		cmd := exec.Command(bash, "-n")
		cmd.Stdin = strings.NewReader(script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, out)
		}
	}
}

// Issue 12, item 7: a registry URL that points at a Kafka port fails fast
// with a hint (it used to wait out every retry's timeout).
func TestBinaryRegistryAtKafkaPort(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	url := "http://" + cluster.ListenAddrs()[0]
	for _, args := range [][]string{{"check"}, {"fetch", "orders-value", "-o", t.TempDir()}, {"register", "--dry-run"}} {
		code, stdout, stderr := runBin(t, repoRoot(t), append(args, "--registry", url)...)
		if code != 1 || !strings.Contains(stderr, "did not answer HTTP within 4s: is it a Kafka broker's port?") {
			t.Errorf("%s: exit %d, want 1 and the hint\nstdout: %s\nstderr: %s", args[0], code, stdout, stderr)
		}
	}
}

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// Issue 12, item 6: a user's mistake in a schema or an argument exits 2 and
// says where (file:line:col, which references: entry); the registry or the
// network exits 1.
func TestBinaryUserMistakeExitCodes(t *testing.T) {
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, repoRoot(t), "register", "--registry", reg.URL()); code != 0 {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	type edit struct{ file, old, new string }
	tests := []struct {
		name  string
		edits []edit
		args  []string
		code  int
		want  string
	}{
		{name: "avro does not parse", edits: []edit{{"schemas/avro/money.avsc", `{"name": "cents", "type": "long"}`, `{"name": "cents", "type": "long"},`}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: "schemas/avro/money.avsc:9:3: invalid JSON"},
		{name: "avro unknown type", edits: []edit{{"schemas/avro/money.avsc", `"type": "long"`, `"type": "lonk"`}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: `schemas/avro/money.avsc:8:31: unknown type "lonk"`},
		{name: "json schema does not parse", edits: []edit{{"schemas/json/payment.json", `"minLength": 1}`, `"minLength": 1,}`}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: "schemas/json/payment.json:9:51: invalid JSON"},
		{name: "json schema invalid keyword", edits: []edit{{"schemas/json/payment.json", `"minimum": 1`, `"minimum": "one"`}},
			args: []string{"register", "--dry-run", "--registry", reg.URL()}, code: 2, want: "schemas/json/payment.json:10:41:"},
		{name: "proto does not parse", edits: []edit{{"schemas/proto/shop/v1/user.proto", "int64 id = 1;", "int64 id = 1"}},
			args: []string{"generate", "--check"}, code: 2, want: "schemas/proto/shop/v1/user.proto:12:3: syntax error"},
		{name: "references entry missing", edits: []edit{{"schemagen.yaml", "references: [schemas/avro/money.avsc]", ""}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: `schemas/avro/order.avsc:11:31: unknown type "shop.Money": not defined here, and the entry has no references:`},
		{name: "references entry names no file", edits: []edit{{"schemagen.yaml", "references: [schemas/avro/money.avsc]", "references: [schemas/avro/monie.avsc]"}},
			args: []string{"register", "--dry-run", "--registry", reg.URL()}, code: 2, want: "schemas[0] (schemas/avro/order.avsc): references: schemas/avro/monie.avsc does not exist"},
		{name: "missing $ref", edits: []edit{{"schemas/json/payment.json", `"properties": {`, `"$ref": "nosuch.json", "properties": {`}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: `schemas/json/payment.json:8:11: reference "nosuch.json": no such file`},
		{name: "missing import", edits: []edit{{"schemas/proto/shop/v1/user.proto", `import "shop/v1/address.proto";`, `import "shop/v1/addr.proto";`}},
			args: []string{"check", "--against", "git:HEAD"}, code: 2, want: `schemas/proto/shop/v1/user.proto:5:8: reference "shop/v1/addr.proto": no such file`},
		{name: "no such git ref", args: []string{"check", "--against", "git:nosuchref"}, code: 2, want: "--against git:nosuchref"},
		{name: "fetch no such subject", args: []string{"fetch", "nosuch-value", "--registry", reg.URL()}, code: 2, want: "nosuch-value"},
		{name: "fetch no such version", args: []string{"fetch", "payments-value@9", "--registry", reg.URL()}, code: 2, want: "payments-value@9"},
		// The registry or the network: 1.
		{name: "fetch, registry down", args: []string{"fetch", "payments-value", "--registry", "http://127.0.0.1:1"}, code: 1, want: "connection refused"},
		{name: "check, registry down", args: []string{"check", "--registry", "http://127.0.0.1:1"}, code: 1, want: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyProject(t)
			gitInit(t, dir)
			for _, ed := range tt.edits {
				p := filepath.Join(dir, ed.file)
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), ed.old) {
					t.Fatalf("%s lacks %q", ed.file, ed.old)
				}
				writeText(t, p, strings.Replace(string(b), ed.old, ed.new, 1))
			}
			code, stdout, stderr := runBin(t, dir, append(tt.args, "-o", t.TempDir())[:len(tt.args)+fetchOut(tt.args)]...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d (want %d), want %q in stderr\nstdout: %s\nstderr: %s", code, tt.code, tt.want, stdout, stderr)
			}
		})
	}
}

// fetchOut is 2 when args are a fetch (which then gets -o DIR), else 0.
func fetchOut(args []string) int {
	if args[0] == "fetch" {
		return 2
	}
	return 0
}

// gitInit commits dir as it is, for --against git:HEAD.
func gitInit(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "x"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

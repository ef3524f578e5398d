package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
)

func TestRegister(t *testing.T) {
	dir := copyExamples(t)
	reg := registrytest.New(t)
	r := runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(r.stdout)
	if !strings.Contains(r.stdout, "plan: 5 new, 0 new versions, 0 unchanged, 0 refused") {
		t.Fatalf("plan:\n%s", r.stdout)
	}
	r = runCLI(t, dir, "", "register", "--registry", reg.URL())
	if r.code != 0 || !strings.Contains(r.stdout, "registered 5, unchanged 0") {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(r.stdout)
	r = runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run", "--output", "json")
	var got struct{ Plan []planItem }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("json plan: %v, exit %d\n%s%s", err, r.code, r.stdout, r.stderr)
	}
	for _, it := range got.Plan {
		if it.Action != "unchanged" {
			t.Errorf("after register: %+v", it)
		}
	}
	// Change Money: money's subject and order's get new versions.
	writeFile(t, dir+"/schemas/avro/money.avsc", `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"currency","type":"string"},{"name":"cents","type":"long"},{"name":"rounded","type":"boolean","default":false}]}`)
	r = runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run")
	t.Log(r.stdout)
	if r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 2 new versions, 3 unchanged, 0 refused") || !strings.Contains(r.stdout, "reference shop.Money changes") {
		t.Fatalf("plan after change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Over progressOver subjects, register reports progress on stderr; stdout
// keeps the plan alone.
func TestRegisterProgress(t *testing.T) {
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("version: 1\nschemas:\n")
	const n = progressOver + 2
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("s%02d", i)
		writeFile(t, filepath.Join(dir, "schemas", name+".json"), `{"type":"object","properties":{"a":{"type":"integer"}}}`)
		fmt.Fprintf(&cfg, "  - {file: schemas/%s.json, topic: %s}\n", name, name)
	}
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), cfg.String())
	reg := registrytest.New(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "dry run", args: []string{"--dry-run"}, want: fmt.Sprintf("plan: %d new", n)},
		{name: "register", args: nil, want: fmt.Sprintf("registered %d, unchanged 0", n)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, dir, "", append([]string{"register", "--registry", reg.URL()}, tt.args...)...)
			if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
				t.Fatalf("exit %d, want %q\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, fmt.Sprintf("[%d/%d] s11-value", n, n)) || strings.Contains(r.stdout, "[1/") {
				t.Fatalf("progress: stderr %q", r.stderr)
			}
		})
	}
}

// A registry refusing an incompatible schema is a finding: exit 100, as for
// check (found in review: it exited 1).
func TestRegisterIncompatibleExitsWithFindings(t *testing.T) {
	dir := copyExamples(t)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A required field without a default: BACKWARD refuses it.
	writeFile(t, dir+"/schemas/avro/money.avsc", `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"currency","type":"string"},{"name":"cents","type":"long"},{"name":"rounded","type":"boolean"}]}`)
	r := runCLI(t, dir, "", "register", "--registry", reg.URL())
	if r.code != ExitFindings || !strings.Contains(r.stderr, "refused by the registry; nothing registered") {
		t.Fatalf("incompatible register: exit %d, want %d\n%s%s", r.code, ExitFindings, r.stdout, r.stderr)
	}
}

package cli

import (
	"encoding/json"
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
	if !strings.Contains(r.stdout, "plan: 5 new, 0 new versions, 0 unchanged") {
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
	if r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 2 new versions, 3 unchanged") || !strings.Contains(r.stdout, "reference shop.Money changes") {
		t.Fatalf("plan after change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

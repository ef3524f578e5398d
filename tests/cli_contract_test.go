package tests

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// The contract of schemagen.yaml's rule_set: and metadata:, end to end
// through the built binary for the three formats: register sends it with
// the schemas, produce then enforces it (a rule breaker exits 100 and
// nothing reaches the topic, a valid line lands), check reports a
// tightened rule as a failing finding (a warning with
// --allow-rule-changes), the plan calls the rule-only change a new
// version, and once registered the tightened rule is what produce
// enforces.
func TestCLIConfigContract(t *testing.T) {
	reg := registrytest.New(t)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "people-avro", "people-json", "people-proto"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("schemagen.yaml", `version: 1
registry:
  url: `+reg.URL()+`
schemas:
  - file: schemas/person.avsc
    topic: people-avro
    rule_set: contracts/people.rules.json
    metadata: contracts/people.meta.json
  - file: schemas/person.json
    topic: people-json
    rule_set: contracts/people.rules.json
    metadata: contracts/people.meta.json
  - file: schemas/person.proto
    topic: people-proto
    rule_set: contracts/people.rules.json
`)
	write("schemas/person.avsc", `{"type": "record", "name": "Person", "namespace": "people",
 "fields": [{"name": "name", "type": "string"}, {"name": "email", "type": "string"}, {"name": "age", "type": "int"}]}`)
	write("schemas/person.json", `{"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "age": {"type": "integer"}},
 "required": ["name", "email", "age"]}`)
	write("schemas/person.proto", "syntax = \"proto3\";\npackage people;\nmessage Person {\n  string name = 1;\n  string email = 2;\n  int32 age = 3;\n}\n")
	rules := `{
  "domainRules": [
    {"name": "adult", "doc": "people are adults", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
     "expr": "message.age >= 18"}
  ]
}
`
	write("contracts/people.rules.json", rules)
	write("contracts/people.meta.json", `{"properties": {"owner": "team-people"}}`)

	if code, out, errs := runBin(t, dir, "register"); code != 0 || !strings.Contains(out, "registered 3, unchanged 0") {
		t.Fatalf("register: exit %d\n%s%s", code, out, errs)
	}
	produce := func(topic, line string) (int, string) {
		t.Helper()
		cmd := exec.Command(schemagenBin(t), "produce", "--brokers", c.ListenAddrs()[0], "--topic", topic, "--timeout", "20s")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(line + "\n")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), errb.String()
		case err != nil:
			t.Fatal(err)
		}
		return 0, errb.String()
	}
	for _, topic := range []string{"people-avro", "people-json", "people-proto"} {
		t.Run(topic, func(t *testing.T) {
			before := endOffset(t, c, topic)
			code, errs := produce(topic, `{"name": "kid", "email": "kid@example.com", "age": 7}`)
			if code != 100 || !strings.Contains(errs, `breaks rule "adult": people are adults`) {
				t.Fatalf("rule breaker: exit %d\n%s", code, errs)
			}
			if n := endOffset(t, c, topic) - before; n != 0 {
				t.Fatalf("%d records of a rule breaker reached %s", n, topic)
			}
			if code, errs := produce(topic, `{"name": "ann", "email": "ann@example.com", "age": 19}`); code != 0 || strings.Contains(errs, "warning") {
				t.Fatalf("valid line: exit %d\n%s", code, errs)
			}
			if n := endOffset(t, c, topic) - before; n != 1 {
				t.Fatalf("%d records reached %s, want the valid one", n, topic)
			}
		})
	}

	// Tighten the rule: check fails on it, unless --allow-rule-changes.
	write("contracts/people.rules.json", strings.Replace(rules, ">= 18", ">= 21", 1))
	code, out, errs := runBin(t, dir, "check")
	want := `contracts/people.rules.json:3:6: RULE_EXPR_CHANGED: rule "adult": expression changed from "message.age >= 18" to "message.age >= 21": can refuse records producers send today`
	if code != 100 || strings.Count(out, want) != 3 {
		t.Fatalf("check of a tightened rule: exit %d, want 100 and 3 times\n%s\ngot\n%s%s", code, want, out, errs)
	}
	if code, out, errs := runBin(t, dir, "check", "--allow-rule-changes"); code != 0 || strings.Count(out, "RULE_EXPR_CHANGED: warning: ") != 3 {
		t.Fatalf("check --allow-rule-changes: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runBin(t, dir, "register", "--dry-run"); code != 0 || strings.Count(out, "rule set changes") != 3 || !strings.Contains(out, "plan: 0 new, 3 new versions, 0 unchanged") {
		t.Fatalf("plan of the rule change: exit %d\n%s%s", code, out, errs)
	}
	// Not registered yet: produce enforces the registered rule (19 goes
	// through) and says that the local one differs.
	if code, errs := produce("people-json", `{"name": "cy", "email": "cy@example.com", "age": 19}`); code != 0 ||
		!strings.Contains(errs, "warning: the rule set in contracts/people.rules.json is not the one registered for people-json-value version 1") {
		t.Fatalf("produce with an unregistered local rule set: exit %d\n%s", code, errs)
	}
	// Registered, the tightened rule holds in produce: 19 is refused now.
	if code, out, errs := runBin(t, dir, "register"); code != 0 || strings.Count(out, "registered version 2") != 3 {
		t.Fatalf("register the rule change: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runBin(t, dir, "check"); code != 0 || out != "" {
		t.Fatalf("check after register: exit %d\n%s%s", code, out, errs)
	}
	before := endOffset(t, c, "people-json")
	if code, errs := produce("people-json", `{"name": "bob", "email": "bob@example.com", "age": 19}`); code != 100 || !strings.Contains(errs, `breaks rule "adult"`) {
		t.Fatalf("19 under the tightened rule: exit %d\n%s", code, errs)
	}
	if n := endOffset(t, c, "people-json") - before; n != 0 {
		t.Fatalf("%d records of a rule breaker reached people-json", n)
	}

	// A rule that does not compile is a config error: exit 2, the file,
	// the rule's position and name.
	write("contracts/people.rules.json", strings.Replace(rules, "message.age >= 18", "message.age >=", 1))
	code, out, errs = runBin(t, dir, "check")
	if code != 2 || !strings.Contains(errs, `contracts/people.rules.json:3:6: rule "adult": expression does not parse`) {
		t.Fatalf("broken rule: exit %d\n%s%s", code, out, errs)
	}
}

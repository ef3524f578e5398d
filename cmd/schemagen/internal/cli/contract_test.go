package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

const (
	personAvsc = `{"type": "record", "name": "Person", "namespace": "people",
 "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}
`
	adultRules = `{
  "domainRules": [
    {"name": "adult", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
     "expr": "message.age >= 18"}
  ]
}
`
	peopleConfig = "version: 1\nschemas:\n  - file: person.avsc\n    topic: people\n    rule_set: contracts/people.rules.json\n    metadata: contracts/people.meta.json\n"
)

// contractProject writes a one-entry project whose schema has a rule set
// and metadata file.
func contractProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), peopleConfig)
	writeFile(t, filepath.Join(dir, "person.avsc"), personAvsc)
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), adultRules)
	writeFile(t, filepath.Join(dir, "contracts/people.meta.json"), `{"properties": {"owner": "team-a"}}`)
	return dir
}

// register sends the config's rule set and metadata with the schema; the
// same text with another rule set is a new version, and the plan says
// why.
func TestRegisterSendsContract(t *testing.T) {
	dir := contractProject(t)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 || !strings.Contains(r.stdout, "registered 1, unchanged 0") {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	latest := func() registry.SubjectSchema {
		t.Helper()
		cl, err := registry.New(registry.URLs(reg.URL())) // a new client: no cached latest
		if err != nil {
			t.Fatal(err)
		}
		ss, err := cl.SchemaByVersion(context.Background(), "people-value", -1)
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	v1 := latest()
	if v1.Schema.RuleSet == nil || len(v1.Schema.RuleSet.DomainRules) != 1 || v1.Schema.RuleSet.DomainRules[0].Expr != "message.age >= 18" {
		t.Fatalf("registered rule set %+v", v1.Schema.RuleSet)
	}
	if v1.Schema.Metadata == nil || v1.Schema.Metadata.Properties["owner"] != "team-a" {
		t.Fatalf("registered metadata %+v", v1.Schema.Metadata)
	}
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 0 new versions, 1 unchanged") {
		t.Fatalf("plan after register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Only the rule changes: a new version, and the plan says so.
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), strings.Replace(adultRules, ">= 18", ">= 21", 1))
	r := runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 1 new versions, 0 unchanged") ||
		!strings.Contains(r.stdout, `rule set changes (rule "adult": expression changed from "message.age >= 18" to "message.age >= 21")`) {
		t.Fatalf("plan of a rule change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run", "--output", "json")
	var plan struct{ Plan []planItem }
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Plan) != 1 || len(plan.Plan[0].RuleChanges) != 1 || plan.Plan[0].Reason == "" {
		t.Fatalf("json plan: %v\n%s", err, r.stdout)
	}
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 || !strings.Contains(r.stdout, "registered version 2") {
		t.Fatalf("register the rule change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if v2 := latest(); v2.Version != 2 || v2.Schema.RuleSet.DomainRules[0].Expr != "message.age >= 21" {
		t.Fatalf("after the rule change: version %d, rules %+v", v2.Version, v2.Schema.RuleSet)
	}

	// Metadata alone changes: a new version too.
	writeFile(t, filepath.Join(dir, "contracts/people.meta.json"), `{"properties": {"owner": "team-b"}}`)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "metadata changes") {
		t.Fatalf("plan of a metadata change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A rule whose CEL does not compile against the schema is the user's
// mistake: exit 2, the rule set file, the rule's position and name.
func TestContractThatDoesNotCompile(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		want  string
	}{
		{name: "syntax", rules: strings.Replace(adultRules, ">= 18", ">=", 1),
			want: `contracts/people.rules.json:3:6: rule "adult": expression does not parse`},
		{name: "types", rules: strings.Replace(adultRules, "message.age >= 18", "size(1) > 0", 1),
			want: `contracts/people.rules.json:3:6: rule "adult": ERROR: <input>:1:5: found no matching overload for 'size'`},
		{name: "not bool", rules: strings.Replace(adultRules, "message.age >= 18", "1 + 2", 1),
			want: `rule "adult": expression yields int, not bool`},
		{name: "unenforceable condition", rules: strings.Replace(adultRules, `"type": "CEL"`, `"type": "JSONATA"`, 1),
			want: `rule "adult": rule type "JSONATA" cannot be enforced`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := contractProject(t)
			writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), tt.rules)
			r := runCLI(t, dir, "", "register", "--registry", "http://127.0.0.1:1", "--dry-run")
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, want %d and %q\n%s%s", r.code, ExitUsage, tt.want, r.stdout, r.stderr)
			}
		})
	}
	// An inline rule that does not compile names the schema file.
	dir := contractProject(t)
	writeFile(t, filepath.Join(dir, "person.avsc"), strings.Replace(personAvsc, `"type": "int"}`,
		`"type": "int", "confluent:rules": [{"name": "positive", "expr": "this >"}]}`, 1))
	r := runCLI(t, dir, "", "generate")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `person.avsc:2:101: rule "positive": ERROR: <input>:1:7: Syntax error`) {
		t.Fatalf("inline rule: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// check reports rule changes against the registry as findings of their
// own kind; one that can refuse records sent today fails the gate unless
// --allow-rule-changes, which makes it a warning; a loosening one is a
// warning.
func TestCheckRuleChanges(t *testing.T) {
	dir := contractProject(t)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "check", "--registry", reg.URL()); r.code != 0 || r.stdout != "" {
		t.Fatalf("check of the registered state: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rulesPath := filepath.Join(dir, "contracts/people.rules.json")
	tightened := `{
  "domainRules": [
    {"name": "adult", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
     "expr": "message.age >= 21"},
    {"name": "named", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
     "expr": "size(message.name) > 0"}
  ]
}
`
	writeFile(t, rulesPath, tightened)
	r := runCLI(t, dir, "", "check", "--registry", reg.URL())
	if r.code != ExitFindings {
		t.Fatalf("tightened rules: exit %d, want %d\n%s%s", r.code, ExitFindings, r.stdout, r.stderr)
	}
	for _, w := range []string{
		rulesPath + `:3:6: RULE_EXPR_CHANGED: rule "adult": expression changed from "message.age >= 18" to "message.age >= 21": can refuse records producers send today`,
		rulesPath + `:5:6: RULE_ADDED: rule "named" added to domainRules (CONDITION WRITE CEL: size(message.name) > 0): can refuse records producers send today`,
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("check output lacks\n%s\ngot\n%s", w, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "2 rule changes, 2 failing") || !strings.Contains(r.stderr, "--allow-rule-changes") {
		t.Errorf("stderr: %s", r.stderr)
	}
	r = runCLI(t, dir, "", "check", "--registry", reg.URL(), "--allow-rule-changes", "--output", "json")
	if r.code != 0 {
		t.Fatalf("--allow-rule-changes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Compatible, Passed bool
		RuleChanges        int `json:"rule_changes"`
		Findings           []finding
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Compatible || !out.Passed || out.RuleChanges != 2 || len(out.Findings) != 2 {
		t.Fatalf("json: %+v", out)
	}
	for _, f := range out.Findings {
		if f.Kind != kindRule || f.Severity != severityWarning || f.RuleName == "" || f.Line == 0 {
			t.Errorf("json finding %+v", f)
		}
	}

	// Loosening: the rule disabled, a failing action made NONE, or the
	// rule removed: warnings, exit 0.
	loose := []string{
		strings.Replace(adultRules, `"expr": "message.age >= 18"`, `"expr": "message.age >= 18", "disabled": true`, 1),
		strings.Replace(adultRules, `"expr": "message.age >= 18"`, `"expr": "message.age >= 18", "onFailure": "NONE"`, 1),
		`{"domainRules": []}`,
	}
	wantID := []string{"RULE_DISABLED", "RULE_ON_FAILURE_CHANGED", "RULE_REMOVED"}
	for i, text := range loose {
		writeFile(t, rulesPath, text)
		r := runCLI(t, dir, "", "check", "--registry", reg.URL())
		if r.code != 0 || !strings.Contains(r.stdout, wantID[i]+": warning: ") {
			t.Errorf("%s: exit %d\n%s%s", wantID[i], r.code, r.stdout, r.stderr)
		}
	}
	// A rule re-enabled or an action tightened from NONE fails again.
	writeFile(t, rulesPath, loose[1])
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register NONE: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, rulesPath, adultRules)
	if r := runCLI(t, dir, "", "check", "--registry", reg.URL()); r.code != ExitFindings || !strings.Contains(r.stdout, "RULE_ON_FAILURE_CHANGED: rule \"adult\": onFailure changed from NONE to ERROR: can refuse") {
		t.Fatalf("NONE -> ERROR: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// check --against git:REF compares with the rule set file at the ref; a
// removed rule is placed in the old file.
func TestCheckRuleChangesAgainstGit(t *testing.T) {
	dir := contractProject(t)
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	if r := runCLI(t, dir, "", "check", "--against", "git:HEAD"); r.code != 0 || r.stdout != "" {
		t.Fatalf("unchanged: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), `{"domainRules": [
  {"name": "named", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "size(message.name) > 0"}]}`)
	r := runCLI(t, dir, "", "check", "--against", "git:HEAD")
	if r.code != ExitFindings ||
		!strings.Contains(r.stdout, `HEAD:contracts/people.rules.json:3:6: RULE_REMOVED: warning: rule "adult" removed`) ||
		!strings.Contains(r.stdout, `people.rules.json:2:4: RULE_ADDED: rule "named" added`) {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "check", "--against", "git:HEAD", "--allow-rule-changes"); r.code != 0 {
		t.Fatalf("--allow-rule-changes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestDiffRuleSets(t *testing.T) {
	base := serde.Rule{Name: "r", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "true"}
	with := func(f func(r *serde.Rule)) *serde.RuleSet {
		r := base
		f(&r)
		return &serde.RuleSet{DomainRules: []serde.Rule{r}}
	}
	same := &serde.RuleSet{DomainRules: []serde.Rule{base}}
	tests := []struct {
		name     string
		old, cur *serde.RuleSet
		id       string
		tightens bool
	}{
		{name: "added", old: nil, cur: same, id: ruleAdded, tightens: true},
		{name: "added transform", old: nil, cur: with(func(r *serde.Rule) { r.Kind, r.Type = "TRANSFORM", "ENCRYPT" }), id: ruleAdded},
		{name: "added read rule", old: nil, cur: with(func(r *serde.Rule) { r.Mode = "READ" }), id: ruleAdded},
		{name: "added disabled", old: nil, cur: with(func(r *serde.Rule) { r.Disabled = true }), id: ruleAdded},
		{name: "removed", old: same, cur: nil, id: ruleRemoved},
		{name: "expr", old: same, cur: with(func(r *serde.Rule) { r.Expr = "false" }), id: ruleExprChanged, tightens: true},
		{name: "expr of a disabled rule", old: with(func(r *serde.Rule) { r.Disabled = true }), cur: with(func(r *serde.Rule) { r.Disabled, r.Expr = true, "false" }), id: ruleExprChanged},
		{name: "enabled", old: with(func(r *serde.Rule) { r.Disabled = true }), cur: same, id: ruleEnabled, tightens: true},
		{name: "disabled", old: same, cur: with(func(r *serde.Rule) { r.Disabled = true }), id: ruleDisabled},
		{name: "read to write", old: with(func(r *serde.Rule) { r.Mode = "READ" }), cur: same, id: ruleModeChanged, tightens: true},
		{name: "write to writeread", old: same, cur: with(func(r *serde.Rule) { r.Mode = "WRITEREAD" }), id: ruleModeChanged},
		{name: "kind", old: with(func(r *serde.Rule) { r.Kind = "TRANSFORM" }), cur: same, id: ruleKindChanged, tightens: true},
		{name: "type", old: same, cur: with(func(r *serde.Rule) { r.Type = "CEL_FIELD" }), id: ruleTypeChanged, tightens: true},
		{name: "tags", old: same, cur: with(func(r *serde.Rule) { r.Tags = []string{"PII"} }), id: ruleTagsChanged, tightens: true},
		{name: "error to dlq", old: same, cur: with(func(r *serde.Rule) { r.OnFailure = "DLQ" }), id: ruleOnFailureChanged},
		{name: "none to error", old: with(func(r *serde.Rule) { r.OnFailure = "NONE" }), cur: with(func(r *serde.Rule) { r.OnFailure = "ERROR" }), id: ruleOnFailureChanged, tightens: true},
		{name: "params", old: same, cur: with(func(r *serde.Rule) { r.Params = map[string]string{"dlq.topic": "x"} }), id: ruleParamsChanged},
		{name: "doc", old: same, cur: with(func(r *serde.Rule) { r.Doc = "why" }), id: ruleDocChanged},
		{name: "on success", old: same, cur: with(func(r *serde.Rule) { r.OnSuccess = "ERROR" }), id: ruleOnSuccessChanged},
		{name: "enableAt elsewhere", old: nil, cur: &serde.RuleSet{DomainRules: []serde.Rule{base}, EnableAt: "BROKER"}, id: ruleAdded},
		{name: "migration rule", old: nil, cur: &serde.RuleSet{MigrationRules: []serde.Rule{{Name: "m", Kind: "TRANSFORM", Mode: "UPGRADE", Type: "JSONATA"}}}, id: ruleAdded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffRuleSets(tt.old, tt.cur)
			if len(got) != 1 || got[0].ID != tt.id || got[0].Tightens != tt.tightens {
				t.Fatalf("diff = %+v, want one %s tightening=%v", got, tt.id, tt.tightens)
			}
		})
	}
	if got := diffRuleSets(same, &serde.RuleSet{DomainRules: []serde.Rule{base}}); len(got) != 0 {
		t.Fatalf("same rule sets differ: %+v", got)
	}
	if !ruleSetsEqual(same, with(func(r *serde.Rule) { r.Kind, r.Mode = "condition", "write" })) {
		t.Fatal("kind and mode case counts as a change")
	}
}

// generate embeds the config's rule set and metadata in the package, and
// generate --check sees a rule change as stale code.
func TestGenerateEmbedsContract(t *testing.T) {
	dir := contractProject(t)
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), peopleConfig+"    go: {package: example.com/app/gen/people, out: gen/people}\n")
	if r := runCLI(t, dir, "", "generate"); r.code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, "gen/people/person.avro.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}`,
		`Properties: map[string]string{"owner": "team-a"}`,
		`RuleSet: PersonRuleSet(), Metadata: PersonMetadata()`,
		`_ "github.com/schemagen/schemagen/serde/contract"`,
	} {
		if !strings.Contains(string(src), w) {
			t.Errorf("generated code lacks %s", w)
		}
	}
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), strings.Replace(adultRules, ">= 18", ">= 21", 1))
	if r := runCLI(t, dir, "", "generate", "--check"); r.code != ExitFindings || !strings.Contains(r.stdout, "changed: gen/people/person.avro.go") {
		t.Fatalf("generate --check after a rule change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Inline rules ("confluent:rules" in the schema text) are compared too:
// against the registry and against git, for Avro and JSON Schema, with or
// without a rule_set: file.
func TestCheckInlineRuleChanges(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), "version: 1\nschemas:\n  - {file: person.avsc, topic: people}\n  - {file: account.json, topic: accounts}\n")
	avsc := `{"type": "record", "name": "Person", "namespace": "people",
 "fields": [{"name": "name", "type": "string",
             "confluent:rules": [{"name": "named", "expr": "size(this) > 0"}]},
            {"name": "age", "type": "int"}]}`
	account := `{"type": "object",
 "properties": {"balance": {"type": "integer",
                            "confluent:rules": [{"name": "notOverdrawn", "expr": "this >= 0"}]}}}`
	writeFile(t, filepath.Join(dir, "person.avsc"), avsc)
	writeFile(t, filepath.Join(dir, "account.json"), account)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		if r := runCLI(t, dir, "", append([]string{"check"}, against...)...); r.code != 0 || r.stdout != "" {
			t.Fatalf("check %v of the registered state: exit %d\n%s%s", against, r.code, r.stdout, r.stderr)
		}
	}
	// Avro: a new inline rule on age, the name rule's expression changed.
	writeFile(t, filepath.Join(dir, "person.avsc"), strings.Replace(strings.Replace(avsc, "size(this) > 0", "size(this) > 1", 1),
		`{"name": "age", "type": "int"}`, `{"name": "age", "type": "int", "confluent:rules": [{"name": "adult", "expr": "this >= 18"}]}`, 1))
	// JSON Schema: the rule removed.
	writeFile(t, filepath.Join(dir, "account.json"), `{"type": "object", "properties": {"balance": {"type": "integer"}}}`)
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		r := runCLI(t, dir, "", append([]string{"check"}, against...)...)
		if r.code != ExitFindings {
			t.Fatalf("check %v: exit %d, want %d\n%s%s", against, r.code, ExitFindings, r.stdout, r.stderr)
		}
		for _, w := range []string{
			`person.avsc:4:65: RULE_ADDED: inline rule "adult" added at people.Person.age (this >= 18): can refuse records producers send today`,
			`person.avsc:3:35: RULE_EXPR_CHANGED: inline rule "named" at people.Person.name: expression changed from "size(this) > 0" to "size(this) > 1": can refuse`,
			`RULE_REMOVED: warning: inline rule "notOverdrawn" removed from`,
		} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("check %v lacks\n%s\ngot\n%s", against, w, r.stdout)
			}
		}
		if against[0] == "--against" && !strings.Contains(r.stdout, "HEAD:account.json:3:50: RULE_REMOVED") {
			t.Errorf("removal not placed in the old file:\n%s", r.stdout)
		}
	}
}

// The registry client sends no encodingRules: a rule set holding some is
// not reported as changed against its own registration, nor planned as a
// new version; against git they are compared like the others.
func TestCheckEncodingRulesAgainstRegistry(t *testing.T) {
	dir := contractProject(t)
	withEnc := strings.Replace(adultRules, "\n  ]\n}", `
  ],
  "encodingRules": [{"name": "enc", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT_PAYLOAD"}]
}`, 1)
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), withEnc)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "check", "--registry", reg.URL()); r.code != 0 || r.stdout != "" {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL(), "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "1 unchanged") {
		t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), adultRules)
	if r := runCLI(t, dir, "", "check", "--against", "git:HEAD"); r.code != 0 || !strings.Contains(r.stdout, `RULE_REMOVED: warning: rule "enc" removed from encodingRules`) {
		t.Fatalf("check against git: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Metadata tags select the fields CEL_FIELD rules judge: a tag that an
// enforced CEL_FIELD rule selects, newly on a field pattern, fails the
// check; other metadata changes are warnings.
func TestCheckMetadataChanges(t *testing.T) {
	dir := contractProject(t)
	writeFile(t, filepath.Join(dir, "contracts/people.rules.json"), `{"domainRules": [
  {"name": "piiShort", "kind": "CONDITION", "mode": "WRITE", "type": "CEL_FIELD", "tags": ["PII"], "expr": "size(value) < 10"}]}`)
	meta := `{
  "tags": {"people.Person.name": ["PII"]},
  "properties": {"owner": "team-a"}
}`
	writeFile(t, filepath.Join(dir, "contracts/people.meta.json"), meta)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	metaPath := filepath.Join(dir, "contracts/people.meta.json")
	writeFile(t, metaPath, strings.Replace(meta, `"team-a"`, `"team-b"`, 1))
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		r := runCLI(t, dir, "", append([]string{"check"}, against...)...)
		if r.code != 0 || !strings.Contains(r.stdout, metaPath+`:3:3: METADATA_PROPERTIES_CHANGED: warning: properties changed from map[owner:team-a] to map[owner:team-b]`) {
			t.Fatalf("properties, %v: exit %d\n%s%s", against, r.code, r.stdout, r.stderr)
		}
	}
	writeFile(t, metaPath, strings.Replace(meta, `"people.Person.name": ["PII"]`, `"people.Person.name": ["PII"], "people.Person.age": ["PII"]`, 1))
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		r := runCLI(t, dir, "", append([]string{"check"}, against...)...)
		if r.code != ExitFindings || !strings.Contains(r.stdout, metaPath+`:2:43: METADATA_TAGS_CHANGED: tags of fields matching "people.Person.age" changed from [] to [PII] (CEL_FIELD rules select [PII]): can refuse records producers send today`) {
			t.Fatalf("tags, %v: exit %d\n%s%s", against, r.code, r.stdout, r.stderr)
		}
	}
	// A tag no enforced rule selects: a warning.
	writeFile(t, metaPath, strings.Replace(meta, `"people.Person.name": ["PII"]`, `"people.Person.name": ["PII"], "people.Person.age": ["INTERNAL"]`, 1))
	if r := runCLI(t, dir, "", "check", "--registry", reg.URL()); r.code != 0 || !strings.Contains(r.stdout, "METADATA_TAGS_CHANGED: warning: ") {
		t.Fatalf("unselected tag: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A Protobuf inline rule (confluent.Meta's rules) that does not compile
// names the .proto file and the rule's position there.
func TestProtoInlineRuleThatDoesNotCompile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), "version: 1\nschemas:\n  - {file: person.proto, topic: people}\n")
	writeFile(t, filepath.Join(dir, "person.proto"), `syntax = "proto3";
import "confluent/meta.proto";
message Person {
  int32 age = 1 [(confluent.field_meta) = { rules: [{ name: "adult", expr: "this >=" }] }];
}
`)
	r := runCLI(t, dir, "", "generate")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `person.proto:4:55: rule "adult"`) {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Protobuf inline rules (confluent.Meta's rules) are compared too.
func TestCheckProtoInlineRuleChanges(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), "version: 1\nschemas:\n  - {file: person.proto, topic: people}\n")
	proto := `syntax = "proto3";
package people;
import "confluent/meta.proto";
message Person {
  int32 age = 1 [(confluent.field_meta) = { rules: [{ name: "adult", expr: "this >= 18" }] }];
}
`
	writeFile(t, filepath.Join(dir, "person.proto"), proto)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		if r := runCLI(t, dir, "", append([]string{"check"}, against...)...); r.code != 0 || r.stdout != "" {
			t.Fatalf("check %v of the registered state: exit %d\n%s%s", against, r.code, r.stdout, r.stderr)
		}
	}
	writeFile(t, filepath.Join(dir, "person.proto"), strings.Replace(proto, ">= 18", ">= 21", 1))
	for _, against := range [][]string{{"--registry", reg.URL()}, {"--against", "git:HEAD"}} {
		r := runCLI(t, dir, "", append([]string{"check"}, against...)...)
		if r.code != ExitFindings || !strings.Contains(r.stdout, `person.proto:5:55: RULE_EXPR_CHANGED: inline rule "adult" at people.Person.age: expression changed from "this >= 18" to "this >= 21": can refuse`) {
			t.Fatalf("check %v: exit %d\n%s%s", against, r.code, r.stdout, r.stderr)
		}
	}
}

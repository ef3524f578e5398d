package contract_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
)

const personAvsc = `{"type":"record","name":"Person","fields":[{"name":"age","type":"int"},{"name":"name","type":"string"}]}`

func compilePerson(t *testing.T) serde.Compiled {
	t.Helper()
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: personAvsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cond(name, expr string) serde.Rule {
	return serde.Rule{Name: name, Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: expr}
}

func TestActions(t *testing.T) {
	c := compilePerson(t)
	child := map[string]any{"age": int32(3), "name": "al"}
	with := func(f func(*serde.Rule)) *serde.RuleSet {
		r := cond("adult", "message.age >= 18")
		f(&r)
		return &serde.RuleSet{DomainRules: []serde.Rule{r}}
	}
	tests := []struct {
		name    string
		rs      *serde.RuleSet
		wantErr bool
		dlq     bool
	}{
		{name: "default onFailure is ERROR", rs: with(func(*serde.Rule) {}), wantErr: true},
		{name: "ERROR", rs: with(func(r *serde.Rule) { r.OnFailure = "ERROR" }), wantErr: true},
		{name: "NONE writes the record", rs: with(func(r *serde.Rule) { r.OnFailure = "NONE" })},
		{name: "DLQ", rs: with(func(r *serde.Rule) { r.OnFailure = "DLQ" }), wantErr: true, dlq: true},
		{name: "WRITEREAD pair picks the write action", rs: with(func(r *serde.Rule) { r.Mode = "WRITEREAD"; r.OnFailure = "NONE,ERROR" })},
		{name: "WRITEREAD pair, ERROR on write", rs: with(func(r *serde.Rule) { r.Mode = "WRITEREAD"; r.OnFailure = "ERROR,NONE" }), wantErr: true},
		{name: "disabled", rs: with(func(r *serde.Rule) { r.Disabled = true })},
		{name: "READ rule does not run on write", rs: with(func(r *serde.Rule) { r.Mode = "READ" })},
		{name: "TRANSFORM kept, not run", rs: with(func(r *serde.Rule) { r.Kind = "TRANSFORM" })},
		{name: "onSuccess does not change the verdict", rs: with(func(r *serde.Rule) { r.OnSuccess = "ERROR" }), wantErr: true},
		{name: "enableAt elsewhere skips rules", rs: func() *serde.RuleSet { rs := with(func(*serde.Rule) {}); rs.EnableAt = "BROKER"; return rs }()},
		{name: "false guard skips", rs: with(func(r *serde.Rule) { r.Expr = "message.name == 'bob' ; message.age >= 18" })},
		{name: "true guard runs", rs: with(func(r *serde.Rule) { r.Expr = "message.name == 'al' ; message.age >= 18" }), wantErr: true},
		{name: "failing guard skips", rs: with(func(r *serde.Rule) { r.Expr = "message.nope == 1 ; message.age >= 18" })},
		{name: "evaluation error fails", rs: with(func(r *serde.Rule) { r.Expr = "message.nope == 1" }), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, tt.rs, nil, child)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				if len(out) == 0 {
					t.Fatal("no bytes")
				}
				return
			}
			if !errors.Is(err, serde.ErrRule) {
				t.Fatalf("not ErrRule: %v", err)
			}
			var de *contract.DLQError
			if errors.As(err, &de) != tt.dlq {
				t.Fatalf("DLQError %v, want %v", errors.As(err, &de), tt.dlq)
			}
			if tt.dlq && (de.Rule.Name != "adult" || de.Mode != "WRITE") {
				t.Fatalf("DLQError %+v", de)
			}
		})
	}
}

func TestFailFast(t *testing.T) {
	c := compilePerson(t)
	rs := &serde.RuleSet{DomainRules: []serde.Rule{cond("adult", "message.age >= 18"), cond("longName", "size(message.name) > 3")}}
	v := map[string]any{"age": int32(3), "name": "al"}
	_, err := serialize(t, c, rs, nil, v)
	if n := len(serde.Violations(err)); n != 2 {
		t.Fatalf("default: %d violations, want 2: %v", n, err)
	}
	_, err = serialize(t, c, rs, nil, v, contract.FailFast())
	vs := serde.Violations(err)
	if len(vs) != 1 || vs[0].Rule != "adult" {
		t.Fatalf("FailFast: %v", err)
	}
	if got := err.Error(); got != `orders-value (id 7): breaks rule "adult": message.age >= 18` {
		t.Fatalf("message %q", got)
	}
}

func TestBindErrors(t *testing.T) {
	c := compilePerson(t)
	tests := []struct {
		name, rule, want string
		r                serde.Rule
	}{
		{name: "syntax", r: cond("broken", "message.age >="), want: "Syntax error"},
		{name: "undeclared", r: cond("unknownVar", "msg.age > 1"), want: "undeclared reference to 'msg'"},
		{name: "not bool", r: cond("notBool", "'x'"), want: "not bool"},
		{name: "empty", r: cond("empty", " "), want: "empty expression"},
		{name: "bad guard", r: cond("badGuard", "message. ; true"), want: "guard"},
		{name: "unknown type", r: serde.Rule{Name: "jsonata", Kind: "CONDITION", Mode: "WRITE", Type: "JSONATA", Expr: "x"}, want: "cannot be enforced"},
		{name: "unknown mode", r: serde.Rule{Name: "m", Kind: "CONDITION", Mode: "SOMETIMES", Type: "CEL", Expr: "true"}, want: "unknown mode"},
		{name: "unknown action", r: serde.Rule{Name: "a", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "true", OnFailure: "PAGE"}, want: "unknown action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contract.New(c, &serde.RuleSet{DomainRules: []serde.Rule{tt.r}}, nil)
			var ce *contract.CompileError
			if !errors.As(err, &ce) || ce.Rule != tt.r.Name || !errors.Is(err, contract.ErrRuleSet) {
				t.Fatalf("err = %v, want a CompileError for %q", err, tt.r.Name)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.r.Name) {
				t.Fatalf("err %q lacks %q or the rule name", err, tt.want)
			}
		})
	}
	// An inline rule that does not compile fails too, by name.
	bad, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","confluent:rules":[{"name":"inl","expr":"this.a >"}],"fields":[{"name":"a","type":"int"}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := contract.New(bad, nil, nil); err == nil || !strings.Contains(err.Error(), `"inl"`) {
		t.Fatalf("inline: %v", err)
	}
}

func TestKept(t *testing.T) {
	c := compilePerson(t)
	rs := &serde.RuleSet{
		MigrationRules: []serde.Rule{{Name: "up", Kind: "TRANSFORM", Mode: "UPGRADE", Type: "JSONATA", Expr: "$"}},
		DomainRules:    []serde.Rule{{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT", Tags: []string{"PII"}}, cond("adult", "message.age >= 18")},
	}
	ct, err := contract.New(c, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Len() != 1 || len(ct.Kept()) != 2 {
		t.Fatalf("Len %d Kept %v", ct.Len(), ct.Kept())
	}
}

// The rule set travels on serde.Schema: New falls back to the compiled
// schema's own.
func TestRuleSetFromSchema(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: personAvsc,
		RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{cond("adult", "message.age >= 18")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Schema().RuleSet == nil {
		t.Fatal("the compiled schema dropped its rule set")
	}
	ct, err := contract.New(c, nil, nil)
	if err != nil || ct.Len() != 1 {
		t.Fatalf("%v %v", ct, err)
	}
}

func TestStats(t *testing.T) {
	c := compilePerson(t)
	ct, err := contract.New(c, &serde.RuleSet{DomainRules: []serde.Rule{
		cond("adult", "message.age >= 18"),
		cond("alOnly", "message.name == 'al' ; message.age < 100"),
		{Name: "quiet", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age < 50", OnFailure: "NONE"},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []map[string]any{
		{"age": int32(30), "name": "al"},
		{"age": int32(3), "name": "al"},
		{"age": int32(60), "name": "bo"},
	} {
		_ = ct.Check(v, nil)
	}
	got := ct.Stats()
	want := []contract.RuleStats{
		{Name: "adult", Executions: 3, Successes: 2, Failures: 1},
		{Name: "alOnly", Executions: 2, Successes: 2, Skips: 1},
		{Name: "quiet", Executions: 3, Successes: 2, Failures: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Stats = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Stats[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Serializer.Validate runs the contract too, as Produce would.
func TestSerializerValidate(t *testing.T) {
	c := compilePerson(t)
	ct, err := contract.New(c, &serde.RuleSet{DomainRules: []serde.Rule{cond("adult", "message.age >= 18")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serde.NewSerializer(c, serde.SerializerConfig{Subject: "p-value", ID: 3, Contract: ct})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(map[string]any{"age": int32(30), "name": "al"}); err != nil {
		t.Fatal(err)
	}
	err = s.Validate(map[string]any{"age": int32(3), "name": "al"})
	if vs := serde.Violations(err); len(vs) != 1 || vs[0].Rule != "adult" || vs[0].SchemaID != 3 {
		t.Fatalf("err = %v", err)
	}
	// A type error comes first, alone.
	err = s.Validate(map[string]any{"age": "x", "name": "al"})
	if !errors.Is(err, serde.ErrType) || errors.Is(err, serde.ErrRule) {
		t.Fatalf("type error: %v", err)
	}
}

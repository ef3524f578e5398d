package serde_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

type ruleSchema struct{ s serde.Schema }

func (r ruleSchema) Format() serde.Format                         { return serde.Avro }
func (r ruleSchema) Schema() serde.Schema                         { return r.s }
func (r ruleSchema) Canonical() string                            { return r.s.Text }
func (r ruleSchema) Validate(any) error                           { return nil }
func (r ruleSchema) AppendEncode(d []byte, _ any) ([]byte, error) { return d, nil }
func (r ruleSchema) Decode([]byte, any) error                     { return nil }

// With no rule engine linked (this test binary imports no serde/contract),
// a schema with rules to enforce fails to bind; one without binds with no
// contract.
func TestCompileContractWithoutEngine(t *testing.T) {
	cond := serde.Rule{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}
	tests := []struct {
		name string
		s    serde.Schema
		rs   *serde.RuleSet
		want string
	}{
		{name: "no rules", s: serde.Schema{Text: `{"type":"string"}`}},
		{name: "registered condition", s: serde.Schema{Text: `"string"`}, rs: &serde.RuleSet{DomainRules: []serde.Rule{cond}}, want: `domain rule "adult"`},
		{name: "the schema's own condition", s: serde.Schema{Text: `"string"`, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{cond}}}, want: `domain rule "adult"`},
		{name: "only a transform", s: serde.Schema{Text: `"string"`}, rs: &serde.RuleSet{DomainRules: []serde.Rule{{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT"}}}},
		{name: "disabled", s: serde.Schema{Text: `"string"`}, rs: &serde.RuleSet{DomainRules: []serde.Rule{{Name: "d", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Disabled: true}}}},
		{name: "inline", s: serde.Schema{Text: `{"type":"record","name":"R","confluent:rules":[{"name":"x","expr":"true"}],"fields":[]}`}, want: "inline confluent:rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, err := serde.CompileContract(ruleSchema{tt.s}, tt.rs, nil)
			if tt.want == "" {
				if err != nil || ct != nil {
					t.Fatalf("CompileContract = %v, %v", ct, err)
				}
				return
			}
			if !errors.Is(err, serde.ErrNoRuleEngine) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrNoRuleEngine naming %s", err, tt.want)
			}
		})
	}
}

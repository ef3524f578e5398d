package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// Python's json_schema.transform starts at path "$": a field of an object
// reached through a root combinator is "$.f" (and a metadata tag "$.f" selects it).
func TestReviewRootCombinatorFullName(t *testing.T) {
	for _, schema := range []string{
		`{"$defs":{"X":{"type":"object","properties":{"f":{"type":"string"}}}},"allOf":[{"$ref":"#/$defs/X"}]}`,
		`{"allOf":[{"type":"object","properties":{"f":{"type":"string"}}}]}`,
		`{"anyOf":[{"type":"object","properties":{"f":{"type":"string"}}},{"type":"null"}]}`,
		`{"type":"object","properties":{"f":{"type":"string"}}}`,
		`{"$defs":{"X":{"type":"object","properties":{"f":{"type":"string"}}}},"$ref":"#/$defs/X"}`,
	} {
		js := compileJSON(t, schema)
		md := &serde.Metadata{Tags: map[string][]string{"$.f": {"PII"}}}
		rs := &serde.RuleSet{DomainRules: []serde.Rule{
			{Name: "byName", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.f' ; value != 'bad'"},
			{Name: "byTag", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'bad'"},
		}}
		out, err := serialize(t, js, rs, md, json.RawMessage(`{"f":"bad"}`))
		if len(serde.Violations(err)) != 2 {
			t.Errorf("%s: %d violations (%v), bytes %q written", schema, len(serde.Violations(err)), err, out)
		}
	}
}

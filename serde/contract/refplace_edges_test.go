package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func TestReviewRefPlaceEdges(t *testing.T) {
	for _, tc := range []struct {
		name, schema, rule, v string
		md                    *serde.Metadata
		tags                  []string
		want                  []want
	}{
		{"root allOf $ref and a property $ref",
			`{"$defs":{"X":{"type":"object","properties":{"f":{"type":"string"}}}},"type":"object",
			  "properties":{"x2":{"$ref":"#/$defs/X"}},"allOf":[{"$ref":"#/$defs/X"}]}`,
			"fullName == '$.f' ; value != 'bad'", `{"f":"bad","x2":{"f":"ok"}}`, nil, nil, []want{{"f", "r"}}},
		{"root allOf $ref, metadata tag by root place",
			`{"$defs":{"X":{"type":"object","properties":{"f":{"type":"string"}}}},"type":"object",
			  "properties":{"x2":{"$ref":"#/$defs/X"}},"allOf":[{"$ref":"#/$defs/X"}]}`,
			"value != 'bad'", `{"f":"bad","x2":{"f":"ok"}}`, &serde.Metadata{Tags: map[string][]string{"$.f": {"PII"}}}, []string{"PII"}, []want{{"f", "r"}}},
		{"recursive root",
			`{"type":"object","properties":{"v":{"type":"string"},"child":{"$ref":"#"}}}`,
			"fullName == '$.child.v' ; value != 'bad'", `{"v":"a","child":{"v":"bad"}}`, nil, nil, []want{{"child.v", "r"}}},
		{"recursive root, tag by root place",
			`{"type":"object","properties":{"v":{"type":"string"},"child":{"$ref":"#"}}}`,
			"value != 'bad'", `{"v":"bad","child":{"v":"ok"}}`, &serde.Metadata{Tags: map[string][]string{"$.v": {"PII"}}}, []string{"PII"}, []want{{"v", "r"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := compileJSON(t, tc.schema)
			rs := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "r", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: tc.tags, Expr: tc.rule}}}
			out, err := serialize(t, js, rs, tc.md, json.RawMessage(tc.v))
			checkViolations(t, out, err, tc.want)
		})
	}
}

package contract_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// TestCelFieldOnAvroNull: a CEL_FIELD rule runs on an Avro field, array
// item or map value that is null (the null branch of a union, or type
// null), with value null and typeName NULL: NULL is a primitive type, and
// Java's AvroSchema.toTransformedMessage and Python's avro transform hand
// the null branch to the executor (Python's comment: returning early
// "skipped the rule entirely"). It was skipped here, so `value != null` on
// a PII field let a null through. JSON Schema keeps skipping a null
// property, as Python's json_schema transform does (`if value is not
// None`).
func TestCelFieldOnAvroNull(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
		{"name":"note","type":["null","string"],"default":null,"confluent:tags":["PII"]},
		{"name":"list","type":{"type":"array","items":["null","string"]},"confluent:tags":["PII"]},
		{"name":"byKey","type":{"type":"map","values":["string","null"]},"confluent:tags":["PII"]},
		{"name":"free","type":["null","string"],"default":null}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "set", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != null"},
		{Name: "nullTyped", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "typeName == 'NULL' ; value == null"},
	}}
	for _, tc := range []struct {
		name string
		v    map[string]any
		want []want
	}{
		{"all set", map[string]any{"note": "x", "list": []any{"a"}, "byKey": map[string]any{"k": "v"}, "free": nil}, nil},
		{"null field", map[string]any{"note": nil, "list": []any{}, "byKey": map[string]any{}, "free": nil}, []want{{"note", "set"}}},
		{"null item", map[string]any{"note": "x", "list": []any{"a", nil}, "byKey": map[string]any{}, "free": nil}, []want{{"list[1]", "set"}}},
		{"null map value", map[string]any{"note": "x", "list": []any{}, "byKey": map[string]any{"k": nil}, "free": nil}, []want{{`byKey["k"]`, "set"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := serialize(t, c, rules, nil, tc.v)
			checkViolations(t, out, err, tc.want)
		})
	}

	js := compileJSON(t, `{"type":"object","properties":{"note":{"type":["null","string"],"confluent:tags":["PII"]}}}`)
	if _, err := serialize(t, js, rules, nil, json.RawMessage(`{"note":null}`)); err != nil {
		t.Errorf("json: a null property was judged (Python's transform skips it): %v", err)
	}
}

package contract_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// piiRules are the domain rules of the combinator tests: a CEL_FIELD
// condition on every PII-tagged field.
var piiRules = &serde.RuleSet{DomainRules: []serde.Rule{
	{Name: "nobad", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'bad'"},
}}

// TestJSONCombinators: as Confluent's clients (JsonSchema.toTransformedMessage,
// json_schema_util.go transform), rules visit every allOf subschema, the
// first oneOf subschema the value validates against, every anyOf subschema
// it validates against, and the properties next to a combinator.
func TestJSONCombinators(t *testing.T) {
	const id = `{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}`
	const ssn = `{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn"]}`
	const email = `{"type":"object","properties":{"email":{"type":"string","confluent:tags":["PII"]}},"required":["email"]}`
	obj := func(c string) string { return `{"type":"object","properties":{"c":` + c + `}}` }
	tests := []struct {
		name   string
		schema string
		v      string
		wants  []want
	}{
		{name: "allOf second branch", schema: obj(`{"allOf":[` + id + `,` + ssn + `]}`),
			v: `{"c":{"id":"x","ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "allOf second branch, good", schema: obj(`{"allOf":[` + id + `,` + ssn + `]}`),
			v: `{"c":{"id":"x","ssn":"ok"}}`},
		{name: "oneOf second branch validating", schema: obj(`{"oneOf":[` + id + `,` + ssn + `]}`),
			v: `{"c":{"ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		// The first branch validates: only it is visited, as Confluent.
		{name: "oneOf first branch validating", schema: obj(`{"oneOf":[` + id + `,{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn","x"]}]}`),
			v: `{"c":{"id":"x","ssn":"bad"}}`},
		{name: "anyOf both validating", schema: obj(`{"anyOf":[` + ssn + `,` + email + `]}`),
			v: `{"c":{"ssn":"bad","email":"bad"}}`, wants: []want{{"c.ssn", "nobad"}, {"c.email", "nobad"}}},
		{name: "anyOf second not validating", schema: obj(`{"anyOf":[` + ssn + `,{"type":"object","properties":{"email":{"type":"string","confluent:tags":["PII"]}},"required":["email","x"]}]}`),
			v: `{"c":{"ssn":"bad","email":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "sibling properties", schema: obj(`{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"allOf":[` + id + `]}`),
			v: `{"c":{"id":"x","ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "sibling properties, untyped", schema: obj(`{"properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"oneOf":[` + id + `]}`),
			v: `{"c":{"id":"x","ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "nested combinator inside $ref", schema: `{"type":"object","properties":{"c":{"$ref":"#/$defs/C"}},"$defs":{
				"Base":{"type":"object","properties":{"id":{"type":"string"}}},
				"C":{"allOf":[{"$ref":"#/$defs/Base"},{"oneOf":[` + id + `,` + ssn + `]}]}}}`,
			v: `{"c":{"ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "$ref chain to a combinator", schema: `{"type":"object","properties":{"c":{"$ref":"#/$defs/A"}},"$defs":{
				"A":{"$ref":"#/$defs/B"},"B":{"anyOf":[` + id + `,` + ssn + `]}}}`,
			v: `{"c":{"ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		{name: "combinator in array items", schema: obj(`{"type":"array","items":{"allOf":[` + id + `,` + ssn + `]}}`),
			v: `{"c":[{"id":"a","ssn":"ok"},{"id":"b","ssn":"bad"}]}`, wants: []want{{"c[1].ssn", "nobad"}}},
		// A field both allOf branches select is judged once.
		{name: "allOf both branches select a field", schema: obj(`{"allOf":[` + ssn + `,` + ssn + `]}`),
			v: `{"c":{"ssn":"bad"}}`, wants: []want{{"c.ssn", "nobad"}}},
		// A tagged primitive property whose schema is a combinator.
		{name: "primitive allOf", schema: `{"type":"object","properties":{"s":{"type":"string","confluent:tags":["PII"],"allOf":[{"maxLength":5}]}}}`,
			v: `{"s":"bad"}`, wants: []want{{"s", "nobad"}}},
		// As Confluent, if/then/else and not are not visited.
		{name: "then not visited", schema: obj(`{"type":"object","if":{"required":["id"]},"then":` + ssn + `}`),
			v: `{"c":{"id":"x","ssn":"bad"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: tt.schema}, nil)
			if err != nil {
				t.Fatal(err)
			}
			// As raw JSON (decoded from the payload) and as a map.
			out, err := serialize(t, c, piiRules, nil, json.RawMessage(tt.v))
			checkViolations(t, out, err, tt.wants)
			var m map[string]any
			if err := json.Unmarshal([]byte(tt.v), &m); err != nil {
				t.Fatal(err)
			}
			out, err = serialize(t, c, piiRules, nil, m)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

// TestJSONCombinatorsInline: inline confluent:rules in a second allOf
// branch and in an anyOf branch run, on the object and on its property.
func TestJSONCombinatorsInline(t *testing.T) {
	const schema = `{"type":"object","properties":{"c":{"allOf":[
		{"type":"object","properties":{"id":{"type":"string"}}},
		{"type":"object","confluent:rules":[{"name":"hasId","expr":"has(this.id)"}],
		 "properties":{"ssn":{"type":"string","confluent:rules":[{"name":"ssnLen","expr":"size(this) == 11"}]}}}]}}}`
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := serialize(t, c, nil, nil, json.RawMessage(`{"c":{"ssn":"1"}}`))
	checkViolations(t, out, err, []want{{"c", "hasId"}, {"c.ssn", "ssnLen"}})
	out, err = serialize(t, c, nil, nil, json.RawMessage(`{"c":{"id":"x","ssn":"078-05-1120"}}`))
	checkViolations(t, out, err, nil)
}

// TestJSONCombinatorsOnce: a rule runs once on a field two allOf branches
// (or the same $ref, twice) select with the same tags and type, and its
// violation is reported once.
func TestJSONCombinatorsOnce(t *testing.T) {
	const schema = `{"type":"object","properties":{"c":{"allOf":[{"$ref":"#/$defs/S"},{"$ref":"#/$defs/S"},
		{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}]}},
		"$defs":{"S":{"type":"object","confluent:rules":[{"name":"obj","expr":"this.ssn != 'bad'"}],
		"properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}}}`
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := contract.New(c, piiRules, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]any{"c": map[string]any{"ssn": "bad"}}
	p, err := c.AppendEncode(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	got := verdicts(ct.Check(v, p))
	if len(got) != 2 || got[0] != "c obj" || got[1] != "c.ssn nobad" {
		t.Errorf("verdicts %q, want [c obj, c.ssn nobad]", got)
	}
	for _, s := range ct.Stats() {
		if s.Executions != 1 {
			t.Errorf("rule %s ran %d times, want 1", s.Name, s.Executions)
		}
	}
}

// A map value holding Go types the validator does not take ([]string,
// int16) is still tested against anyOf/oneOf branches, in its JSON form.
func TestJSONCombinatorsGoTypes(t *testing.T) {
	const schema = `{"type":"object","properties":{"c":{"oneOf":[
		{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]},
		{"type":"object","properties":{"n":{"type":"integer"},"l":{"type":"array","items":{"type":"string"}},
		 "ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn","l","n"]}]}}}`
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]any{"c": map[string]any{"ssn": "bad", "l": []string{"a"}, "n": int16(3)}}
	out, err := serialize(t, c, piiRules, nil, v)
	checkViolations(t, out, err, []want{{"c.ssn", "nobad"}})
}

package contract_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

const orderJSON = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "confluent:rules": [{"name": "totalCoversItems", "expr": "this.total >= size(this.items)"}],
  "properties": {
    "id": {"type": "string", "confluent:rules": [{"name": "idPrefix", "doc": "ids start with o-", "expr": "this.startsWith('o-')"}]},
    "email": {"type": "string", "confluent:tags": ["PII"]},
    "total": {"type": "integer"},
    "items": {"type": "array", "items": {"$ref": "#/definitions/Item"}}
  },
  "required": ["id", "total", "items"],
  "definitions": {
    "Item": {
      "type": "object",
      "confluent:rules": [{"name": "qtyPositive", "expr": "this.qty > 0"}],
      "properties": {"sku": {"type": "string", "confluent:tags": ["SKU"]}, "qty": {"type": "integer"}}
    }
  }
}`

func TestJSONSchemaRules(t *testing.T) {
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: orderJSON}, nil)
	if err != nil {
		t.Fatal(err)
	}
	domain := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "totalPositive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.total > 0"},
		{Name: "piiEmail", Kind: "CONDITION", Mode: "WRITEREAD", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value.isEmail()"},
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "'SKU' in tags ; value.matches('^[A-Z]{3}-[0-9]+$')"},
	}}
	tests := []struct {
		name  string
		v     any
		wants []want
	}{
		{name: "valid", v: json.RawMessage(`{"id":"o-1","email":"a@b.example","total":2,"items":[{"sku":"ABC-1","qty":1}]}`)},
		{name: "valid map", v: map[string]any{"id": "o-1", "total": 1, "items": []any{}}},
		{name: "total not positive", v: json.RawMessage(`{"id":"o-1","total":-1,"items":[]}`),
			wants: []want{{"", "totalPositive"}, {"", "totalCoversItems"}}},
		{name: "bad email", v: json.RawMessage(`{"id":"o-1","email":"nope","total":1,"items":[]}`),
			wants: []want{{"email", "piiEmail"}}},
		{name: "bad sku and qty", v: json.RawMessage(`{"id":"o-1","total":5,"items":[{"sku":"ABC-1","qty":1},{"sku":"abc","qty":0}]}`),
			wants: []want{{"items[1].sku", "skuShape"}, {"items[1]", "qtyPositive"}}},
		{name: "inline property rule", v: json.RawMessage(`{"id":"x-1","total":1,"items":[]}`),
			wants: []want{{"id", "idPrefix"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, domain, nil, tt.v)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

package contract_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

const orderAvsc = `{
  "type": "record", "name": "Order", "namespace": "shop",
  "confluent:rules": [{"name": "totalCoversItems", "doc": "total is at least the items' count", "expr": "this.total >= size(this.items)"}],
  "fields": [
    {"name": "id", "type": "string", "confluent:rules": [{"name": "idPrefix", "expr": "this.startsWith('o-')"}]},
    {"name": "email", "type": ["null", "string"], "default": null, "confluent:tags": ["PII"]},
    {"name": "total", "type": "long"},
    {"name": "items", "type": {"type": "array", "items": {
      "type": "record", "name": "Item",
      "confluent:rules": [{"name": "qtyPositive", "expr": "this.qty > 0"}],
      "fields": [
        {"name": "sku", "type": "string", "confluent:tags": ["SKU"]},
        {"name": "qty", "type": "int"}
      ]}}}
  ]
}`

func avroOrder(id string, email any, total int64, items ...map[string]any) map[string]any {
	l := make([]any, len(items))
	for i, it := range items {
		l[i] = it
	}
	return map[string]any{"id": id, "email": email, "total": total, "items": l}
}

func item(sku string, qty int) map[string]any { return map[string]any{"sku": sku, "qty": int32(qty)} }

func TestAvroRules(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: orderAvsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	domain := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "totalPositive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.total > 0"},
		{Name: "piiEmail", Kind: "CONDITION", Mode: "WRITEREAD", Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "typeName == 'STRING' ; value.isEmail()"},
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD",
			Expr: "'SKU' in tags ; value.matches('^[A-Z]{3}-[0-9]+$')"},
	}}
	tests := []struct {
		name  string
		v     map[string]any
		wants []want
	}{
		{name: "valid", v: avroOrder("o-1", "a@b.example", 2, item("ABC-1", 1))},
		{name: "valid null email", v: avroOrder("o-1", nil, 1)},
		{name: "total not positive", v: avroOrder("o-1", nil, -1),
			wants: []want{{"", "totalPositive"}, {"", "totalCoversItems"}}},
		{name: "bad email", v: avroOrder("o-1", "nope", 1, item("ABC-1", 1)),
			wants: []want{{"email", "piiEmail"}}},
		{name: "bad sku and qty in second item", v: avroOrder("o-1", nil, 5, item("ABC-1", 1), item("abc", 0)),
			wants: []want{{"items[1].sku", "skuShape"}, {"items[1]", "qtyPositive"}}},
		{name: "inline field rule", v: avroOrder("x-1", nil, 1),
			wants: []want{{"id", "idPrefix"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, domain, nil, tt.v)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

// A struct value reaches the rules decoded from its payload.
func TestAvroStructValue(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"P","fields":[{"name":"age","type":"int"},{"name":"nick","type":["null","string"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	type P struct {
		Age  int32   `avro:"age"`
		Nick *string `avro:"nick"`
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"},
		{Name: "nickShort", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "name == 'nick' ; size(value) < 4"},
	}}
	nick := "longnick"
	out, err := serialize(t, c, rs, nil, &P{Age: 12, Nick: &nick})
	checkViolations(t, out, err, []want{{"", "adult"}, {"nick", "nickShort"}})
	short := "ab"
	out, err = serialize(t, c, rs, nil, &P{Age: 40, Nick: &short})
	checkViolations(t, out, err, nil)
}

package contract_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// A bare string in a union whose enum branch comes before its string
// branch: which branch is written, and is the string judged?
func TestReviewEnumBeforeStringUnion(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
		{"name":"v","type":["null",{"type":"enum","name":"E","symbols":["A","B"]},"string"],"confluent:tags":["PII"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "noSecret", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'secret'"},
	}}
	for _, v := range []any{"secret", map[string]any{"string": "secret"}} {
		out, err := serialize(t, c, rs, nil, map[string]any{"v": v})
		t.Logf("%#v: err=%v out=%x", v, err, out)
		if err == nil {
			var got any
			_ = c.Decode(out[5:], &got)
			t.Errorf("written: %#v", got)
		}
	}
}

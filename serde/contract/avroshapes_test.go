package contract_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	avrobasic "github.com/schemagen/schemagen/codegen/testdata/avro-basic/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

const revSchema = `{"type":"record","name":"R","fields":[
	{"name":"note","type":["null","string"],"default":null,"confluent:tags":["PII"]},
	{"name":"meta","type":["null","string"],"default":null},
	{"name":"list","type":{"type":"array","items":["null","string"]},"default":[]},
	{"name":"sub","type":["null",{"type":"record","name":"S","fields":[{"name":"x","type":"string"}]}],"default":null,"confluent:tags":["PII"]},
	{"name":"plain","type":"null","default":null,"confluent:tags":["PII"]}]}`

func revCompile(t *testing.T) serde.Compiled {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: revSchema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var setRule = &serde.RuleSet{DomainRules: []serde.Rule{
	{Name: "set", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "name == 'note' ; value != null"},
}}

func base() map[string]any {
	return map[string]any{"note": "x", "meta": nil, "list": []any{}, "sub": nil, "plain": nil}
}

// A null note, in every shape the serializer accepts, must be refused by `value != null`.
func TestReviewAvroNullShapes(t *testing.T) {
	c := revCompile(t)
	s := "x"
	for _, tc := range []struct {
		name string
		note any
		del  bool
	}{
		{"bare nil", nil, false},
		{"wrapped null", map[string]any{"null": nil}, false},
		{"empty map", map[string]any{}, false},
		{"typed nil *string", (*string)(nil), false},
		{"non-nil *string (control: not null)", &s, false},
		{"null branch holding a value", map[string]any{"null": "x"}, false},
		{"string branch holding nil", map[string]any{"string": nil}, false},
		{"missing key (default null)", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := base()
			v["note"] = tc.note
			if tc.del {
				delete(v, "note")
			}
			out, err := serialize(t, c, setRule, nil, v)
			t.Logf("err=%v bytes=%x", err, out)
			if tc.del {
				// An absent key is not judged, as Python's transform
				// skips it (`if field["name"] not in message`); Java's
				// GenericRecord has every field and would judge the
				// default null (docs/CONTRACTS.md, Differences).
				if err != nil {
					t.Errorf("an absent field was judged: %v", err)
				}
				return
			}
			if err == nil && tc.note != any(&s) {
				// decode what was written
				var got map[string]any
				if len(out) > 5 {
					if derr := c.Decode(out[5:], &got); derr == nil {
						t.Logf("written: %#v", got)
						if got["note"] == nil {
							t.Errorf("a null note was written despite value != null")
						}
					}
				}
			}
		})
	}
}

// Metadata tags (not inline) select a null Avro field.
func TestReviewAvroNullMetadataTags(t *testing.T) {
	c := revCompile(t)
	md := &serde.Metadata{Tags: map[string][]string{"R.meta": {"SECRET"}}}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "metaSet", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"SECRET"}, Expr: "value != null"},
	}}
	v := base()
	out, err := serialize(t, c, rs, md, v)
	checkViolations(t, out, err, []want{{"meta", "metaSet"}})
}

// An untagged rule on a null array item, a null record branch, a type-null field.
func TestReviewAvroNullUntagged(t *testing.T) {
	c := revCompile(t)
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "nn", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "typeName == 'NULL' ; name == 'zzz'"},
	}}
	v := base()
	v["list"] = []any{"a", nil}
	out, err := serialize(t, c, rs, nil, v)
	checkViolations(t, out, err, []want{{"meta", "nn"}, {"list[1]", "nn"}, {"sub", "nn"}, {"plain", "nn"}})
}

// Generated Go type: a nil *string Note.
func TestReviewAvroNullGenerated(t *testing.T) {
	c, err := avrobasic.OrderSide().Schema.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: avrobasic.OrderSchema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	md := &serde.Metadata{Tags: map[string][]string{"shop.v1.Order.note": {"PII"}, "shop.v1.Order.gift": {"PII"}}}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "set", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != null"},
	}}
	o := &avrobasic.Order{Status: avrobasic.StatusPending, ID: "9b2f4e8a-3c1d-4e5f-8a7b-6c5d4e3f2a1b", PlacedAt: time.UnixMilli(0).UTC(), ShipBy: time.Unix(0, 0).UTC(), Total: big.NewRat(1, 1), Items: []avrobasic.Item{}, Attributes: map[string]string{}}
	out, err := serialize(t, c, rs, md, o)
	checkViolations(t, out, err, []want{{"note", "set"}, {"gift", "set"}})
}

// A pointer in a generic map: is the pointed-to value judged at all?
func TestReviewAvroPointerJudged(t *testing.T) {
	c := revCompile(t)
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "noSecret", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'secret'"},
	}}
	sec := "secret"
	for _, note := range []any{"secret", &sec} {
		v := base()
		v["note"] = note
		out, err := serialize(t, c, rs, nil, v)
		t.Logf("%T: err=%v", note, err)
		checkViolations(t, out, err, []want{{"note", "noSecret"}})
	}
}

// Go-native containers in a generic map: are their items judged?
func TestReviewAvroNativeContainers(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"T","fields":[
		{"name":"plain","type":"string","confluent:tags":["PII"]},
		{"name":"list","type":{"type":"array","items":"string"},"confluent:tags":["PII"]},
		{"name":"byKey","type":{"type":"map","values":"string"},"confluent:tags":["PII"]},
		{"name":"n","type":["null","long"],"default":null,"confluent:tags":["PII"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "noSecret", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "typeName == 'STRING' ; value != 'secret'"},
		{Name: "small", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "typeName == 'LONG' ; value < 10"},
	}}
	for _, tc := range []struct {
		name string
		v    map[string]any
		want []want
	}{
		{"[]string", map[string]any{"plain": "a", "list": []string{"secret"}, "byKey": map[string]any{}, "n": nil}, []want{{"list[0]", "noSecret"}}},
		{"map[string]string", map[string]any{"plain": "a", "list": []any{}, "byKey": map[string]string{"k": "secret"}, "n": nil}, []want{{`byKey["k"]`, "noSecret"}}},
		{"int64 in union (control)", map[string]any{"plain": "a", "list": []any{}, "byKey": map[string]any{}, "n": int64(99)}, []want{{"n", "small"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := serialize(t, c, rs, nil, tc.v)
			t.Logf("err=%v", err)
			checkViolations(t, out, err, tc.want)
		})
	}
}

// JSON Schema: Go-native containers in a generic map.
func TestReviewJSONNativeContainers(t *testing.T) {
	js := compileJSON(t, `{"type":"object","properties":{
		"list":{"type":"array","items":{"type":"string"},"confluent:tags":["PII"]},
		"addr":{"type":"object","properties":{"city":{"type":"string","confluent:tags":["PII"]}}}}}`)
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "noSecret", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'secret'"},
	}}
	type addr struct {
		City string `json:"city"`
	}
	for _, tc := range []struct {
		name string
		v    map[string]any
		want []want
	}{
		{"control", map[string]any{"list": []any{"secret"}}, []want{{"list[0]", "noSecret"}}},
		{"[]string", map[string]any{"list": []string{"secret"}}, []want{{"list[0]", "noSecret"}}},
		{"struct", map[string]any{"addr": addr{City: "secret"}}, []want{{"addr.city", "noSecret"}}},
		{"map[string]string", map[string]any{"addr": map[string]string{"city": "secret"}}, []want{{"addr.city", "noSecret"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := serialize(t, js, rs, nil, tc.v)
			t.Logf("err=%v out=%q", err, out)
			checkViolations(t, out, err, tc.want)
		})
	}
}

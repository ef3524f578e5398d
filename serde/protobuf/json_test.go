package protobuf

import (
	"testing"

	"google.golang.org/protobuf/proto"
)

func TestFromJSON(t *testing.T) {
	env := envelopeSchema(t)
	ord := orderSchema(t)
	tests := []struct {
		name   string
		schema *Compiled
		line   string
		want   []violation
	}{
		{name: "valid", schema: env, line: `{"name":"n","tags":["a"],"labels":{"k":"v"},"order":{"id":"o","items":[{"sku":"s","status":"PAID"}]},"at":"2024-01-02T03:04:05Z","kind":"KIND_A","small":-1,"big":"18446744073709551615","raw":"AAE=","ratio":0.25,"extra":{"a":[1,"x",null]},"text":"t"}`},
		{name: "proto field names accepted", schema: ord, line: `{"id":"o","by_sku":{"x":{"sku":"s"}}}`},
		{name: "not JSON", schema: env, line: `{"name":`, want: []violation{{"", errDecode}}},
		{name: "not an object", schema: env, line: `[1,2]`, want: []violation{{"", errType}}},
		{name: "unknown field", schema: env, line: `{"nope":1}`, want: []violation{{"nope", errUnknownField}}},
		{name: "unknown nested field", schema: env, line: `{"order":{"id":"o","bogus":true}}`, want: []violation{{"order.bogus", errUnknownField}}},
		{name: "string for int", schema: env, line: `{"small":"abc"}`, want: []violation{{"small", errType}}},
		{name: "bool for string", schema: env, line: `{"name":true}`, want: []violation{{"name", errType}}},
		{name: "number for string", schema: env, line: `{"name":12}`, want: []violation{{"name", errType}}},
		{name: "int32 out of range", schema: env, line: `{"small":3000000000}`, want: []violation{{"small", errRange}}},
		{name: "uint64 negative", schema: env, line: `{"big":-1}`, want: []violation{{"big", errRange}}},
		{name: "uint64 too big as string", schema: env, line: `{"big":"18446744073709551616"}`, want: []violation{{"big", errRange}}},
		{name: "fraction for int", schema: env, line: `{"small":1.5}`, want: []violation{{"small", errType}}},
		{name: "double out of range", schema: env, line: `{"ratio":1e999}`, want: []violation{{"ratio", errRange}}},
		{name: "bad enum name", schema: env, line: `{"kind":"KIND_Z"}`, want: []violation{{"kind", errEnum}}},
		{name: "bad closed enum name nested", schema: env, line: `{"order":{"id":"o","status":"LOST"}}`, want: []violation{{"order.status", errEnum}}},
		{name: "enum number out of int32", schema: env, line: `{"kind":4294967296}`, want: []violation{{"kind", errRange}}},
		{name: "closed enum undeclared number", schema: ord, line: `{"id":"o","status":7}`, want: []violation{{"status", errEnum}}},
		{name: "bad base64", schema: env, line: `{"raw":"***"}`, want: []violation{{"raw", errFormat}}},
		{name: "bad timestamp", schema: env, line: `{"at":"yesterday"}`, want: []violation{{"at", errFormat}}},
		{name: "number for timestamp", schema: env, line: `{"at":12}`, want: []violation{{"at", errType}}},
		{name: "bad struct", schema: env, line: `{"extra":[1]}`, want: []violation{{"extra", errType}}},
		{name: "object for list", schema: env, line: `{"tags":{"a":1}}`, want: []violation{{"tags", errType}}},
		{name: "bad list element", schema: env, line: `{"tags":["a",3,"c"]}`, want: []violation{{"tags[1]", errType}}},
		{name: "bad map value", schema: env, line: `{"labels":{"a":"b","c":4}}`, want: []violation{{`labels["c"]`, errType}}},
		{name: "bad int map key", schema: env, line: `{"inner":{"slots":{"x":{"sku":"s"}}}}`, want: []violation{{`inner.slots["x"]`, errType}}},
		{name: "int map key out of range", schema: env, line: `{"inner":{"slots":{"99999999999":{"sku":"s"}}}}`, want: []violation{{`inner.slots["99999999999"]`, errRange}}},
		{name: "list of messages element", schema: ord, line: `{"id":"o","items":[{"sku":"a"},{"sku":"b","qty":"many"}]}`, want: []violation{{"items[1].qty", errType}}},
		{name: "two members of a oneof", schema: env, line: `{"text":"a","number":"2"}`, want: []violation{{"", errConstraint}}},
		{name: "several errors", schema: env, line: `{"small":"x","kind":"NOPE","zzz":1}`, want: []violation{{"small", errType}, {"kind", errEnum}, {"zzz", errUnknownField}}},
		{name: "required missing after parse", schema: ord, line: `{"items":[{"qty":1}]}`, want: []violation{{"id", errRequired}, {"items[0].sku", errRequired}}},
		{name: "null message in list", schema: ord, line: `{"id":"o","items":[null]}`, want: []violation{{"items[0]", errType}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.schema.FromJSON([]byte(tt.line))
			checkViolations(t, err, tt.want)
			if err == nil {
				if m == nil || m.ProtoReflect().Descriptor() != tt.schema.Message() {
					t.Fatalf("FromJSON returned %v", m)
				}
				b, err := tt.schema.AppendEncode(nil, m)
				if err != nil {
					t.Fatal(err)
				}
				back := tt.schema.New()
				if err := tt.schema.Decode(b, back); err != nil || !proto.Equal(back, m) {
					t.Fatalf("round trip: %v", err)
				}
			} else if m != nil {
				t.Fatalf("FromJSON returned a message with error %v", err)
			}
		})
	}
}

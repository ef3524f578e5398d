package contract_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Protobuf inline rules: confluent.Meta's rules on (confluent.message_meta)
// and (confluent.field_meta), from the built-in confluent/meta.proto, with
// this bound to the message or to the field's value (a repeated or map
// field whole), in nested, repeated and map-valued messages too.
const inlineProto = `syntax = "proto3";
package shop.v1;
import "confluent/meta.proto";
message Line {
  option (confluent.message_meta) = { rules: [{ name: "qtyPositive", doc: "a line has a quantity", expr: "this.qty > 0" }] };
  string sku = 1 [(confluent.field_meta) = { rules: [{ name: "skuShape", expr: "this.matches('^[A-Z]{3}-[0-9]+$')" }] }];
  int32 qty = 2;
}
message Order {
  option (confluent.message_meta) = { rules: [{ name: "totalCovers", expr: "this.total >= size(this.lines)" }] };
  string id = 1 [(confluent.field_meta) = { tags: "ID", rules: [{ name: "idPrefix", expr: "this.startsWith('o-')" }] }];
  int64 total = 2;
  repeated Line lines = 3 [(confluent.field_meta) = { rules: [{ name: "fewLines", expr: "size(this) <= 2" }] }];
  map<string, Line> extras = 4 [(confluent.field_meta) = { rules: [{ name: "extraKeys", expr: "this.all(k, k.size() == 1)" }] }];
  optional string note = 5 [(confluent.field_meta) = { rules: [{ name: "noteShort", expr: "size(this) < 5" }] }];
}
`

func TestProtobufInlineRules(t *testing.T) {
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: inlineProto}, nil, protobuf.MessageName("shop.v1.Order"))
	if err != nil {
		t.Fatal(err)
	}
	md := c.Message()
	f := md.Fields()
	lmd := f.ByName("lines").Message()
	line := func(sku string, qty int32) protoreflect.Value {
		m := dynamicpb.NewMessage(lmd)
		m.Set(lmd.Fields().ByName("sku"), protoreflect.ValueOfString(sku))
		m.Set(lmd.Fields().ByName("qty"), protoreflect.ValueOfInt32(qty))
		return protoreflect.ValueOfMessage(m)
	}
	type ln struct {
		sku string
		qty int32
	}
	order := func(id string, total int64, lines []ln, extras map[string]ln, note *string) *dynamicpb.Message {
		m := dynamicpb.NewMessage(md)
		m.Set(f.ByName("id"), protoreflect.ValueOfString(id))
		m.Set(f.ByName("total"), protoreflect.ValueOfInt64(total))
		l := m.Mutable(f.ByName("lines")).List()
		for _, x := range lines {
			l.Append(line(x.sku, x.qty))
		}
		mp := m.Mutable(f.ByName("extras")).Map()
		for k, x := range extras {
			mp.Set(protoreflect.ValueOfString(k).MapKey(), line(x.sku, x.qty))
		}
		if note != nil {
			m.Set(f.ByName("note"), protoreflect.ValueOfString(*note))
		}
		return m
	}
	long := "a long note"
	tests := []struct {
		name  string
		v     *dynamicpb.Message
		wants []want
	}{
		{name: "valid", v: order("o-1", 2, []ln{{"ABC-1", 1}}, map[string]ln{"a": {"XYZ-2", 3}}, nil)},
		{name: "empty id judged at its zero value", v: order("", 0, nil, nil, nil),
			wants: []want{{"id", "idPrefix"}}},
		{name: "message rule on the root", v: order("o-1", 0, []ln{{"ABC-1", 1}}, nil, nil),
			wants: []want{{"", "totalCovers"}}},
		{name: "rules in repeated messages", v: order("o-1", 5, []ln{{"ABC-1", 0}, {"bad", 1}}, nil, nil),
			wants: []want{{"lines[0]", "qtyPositive"}, {"lines[1].sku", "skuShape"}}},
		{name: "a repeated field's rule sees the list", v: order("o-1", 5, []ln{{"ABC-1", 1}, {"ABC-2", 1}, {"ABC-3", 1}}, nil, nil),
			wants: []want{{"lines", "fewLines"}}},
		{name: "map values and a map field's rule", v: order("o-1", 0, nil, map[string]ln{"ab": {"ABC-1", 0}}, nil),
			wants: []want{{"extras", "extraKeys"}, {`extras["ab"]`, "qtyPositive"}}},
		{name: "an optional field is judged when set", v: order("o-1", 0, nil, nil, &long),
			wants: []want{{"note", "noteShort"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := serialize(t, c, nil, nil, tc.v)
			checkViolations(t, out, err, tc.wants)
		})
	}

	ct, err := contract.New(c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ct.Len(); got != 7 {
		t.Fatalf("Len = %d, want the 7 inline rules", got)
	}

	// A rule that does not compile fails New with its name.
	bad := `syntax = "proto3"; package p; import "confluent/meta.proto";
message A { string s = 1 [(confluent.field_meta) = { rules: [{ name: "broken", expr: "this +" }] }]; }`
	cb, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: bad}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ce *contract.CompileError
	if _, err := contract.New(cb, nil, nil); !errors.As(err, &ce) || ce.Rule != "broken" {
		t.Fatalf("New with a broken inline rule: %v", err)
	}
}

package contract_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

const orderProto = `syntax = "proto3";
package shop.v1;
message Item { string sku = 1; int32 qty = 2; }
message Order {
  string id = 1;
  string email = 2;
  int64 total = 3;
  repeated Item items = 4;
  map<string, string> labels = 5;
}
`

func protoOrder(t *testing.T, c *protobuf.Compiled, id, email string, total int64, items [][2]any, labels map[string]string) proto.Message {
	t.Helper()
	md := c.Message()
	m := dynamicpb.NewMessage(md)
	f := md.Fields()
	m.Set(f.ByName("id"), protoreflect.ValueOfString(id))
	m.Set(f.ByName("email"), protoreflect.ValueOfString(email))
	m.Set(f.ByName("total"), protoreflect.ValueOfInt64(total))
	l := m.Mutable(f.ByName("items")).List()
	imd := f.ByName("items").Message()
	for _, it := range items {
		im := dynamicpb.NewMessage(imd)
		im.Set(imd.Fields().ByName("sku"), protoreflect.ValueOfString(it[0].(string)))
		im.Set(imd.Fields().ByName("qty"), protoreflect.ValueOfInt32(int32(it[1].(int))))
		l.Append(protoreflect.ValueOfMessage(im))
	}
	mp := m.Mutable(f.ByName("labels")).Map()
	for k, v := range labels {
		mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(v))
	}
	return m
}

func TestProtobufRules(t *testing.T) {
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: orderProto}, nil, protobuf.MessageName("shop.v1.Order"))
	if err != nil {
		t.Fatal(err)
	}
	domain := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "totalPositive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.total > 0 && message.items.all(i, i.qty > 0)"},
		{Name: "piiEmail", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value.isEmail()"},
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "name == 'sku' ; value.matches('^[A-Z]{3}-[0-9]+$')"},
		{Name: "labelsShort", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == 'shop.v1.Order.labels' ; size(value) <= 3"},
	}}
	md := &serde.Metadata{Tags: map[string][]string{"shop.v1.Order.email": {"PII"}}}
	tests := []struct {
		name   string
		id     string
		email  string
		total  int64
		items  [][2]any
		labels map[string]string
		wants  []want
	}{
		{name: "valid", id: "o-1", email: "a@b.example", total: 2, items: [][2]any{{"ABC-1", 1}}, labels: map[string]string{"k": "abc"}},
		{name: "total not positive", id: "o-1", email: "a@b.example", total: 0, wants: []want{{"", "totalPositive"}}},
		{name: "bad email tagged by metadata", id: "o-1", email: "nope", total: 1, wants: []want{{"email", "piiEmail"}}},
		{name: "bad sku in second item", id: "o-1", email: "a@b.example", total: 1, items: [][2]any{{"ABC-1", 1}, {"abc", 1}},
			wants: []want{{"items[1].sku", "skuShape"}}},
		{name: "map value too long", id: "o-1", email: "a@b.example", total: 1, labels: map[string]string{"k": "abcd"},
			wants: []want{{`labels["k"]`, "labelsShort"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, domain, md, protoOrder(t, c, tt.id, tt.email, tt.total, tt.items, tt.labels))
			checkViolations(t, out, err, tt.wants)
		})
	}
}

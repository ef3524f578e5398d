package contract_test

import (
	"context"
	"testing"

	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Generated messages carry their own descriptors, not the ones the schema
// text compiles to: CEL and CEL_FIELD rules still read them.
func TestGeneratedProtobuf(t *testing.T) {
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protobasic.OrderSchema}, nil,
		protobuf.FileName("shop/basic/v1/order.proto"), protobuf.MessageName("shop.basic.v1.Order"))
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		cond("hasItems", "size(message.items) > 0 && message.items.all(i, i.quantity > 0)"),
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "name == 'sku' ; value.startsWith('S')"},
	}}
	ok := &protobasic.Order{Id: "o1", Items: []*protobasic.Order_Item{{Sku: "S1", Quantity: 2}}}
	out, err := serialize(t, c, rs, nil, ok)
	checkViolations(t, out, err, nil)
	bad := &protobasic.Order{Id: "o1", Items: []*protobasic.Order_Item{{Sku: "S1", Quantity: 2}, {Sku: "x", Quantity: 0}}}
	out, err = serialize(t, c, rs, nil, bad)
	checkViolations(t, out, err, []want{{"", "hasItems"}, {"items[1].sku", "skuShape"}})
}

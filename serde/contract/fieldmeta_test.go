package contract_test

import (
	"context"
	"os"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// A CEL_FIELD rule selects Protobuf fields by their
// (confluent.field_meta).tags, as Confluent's clients do.
func TestProtobufFieldMetaTags(t *testing.T) {
	meta, err := os.ReadFile("testdata/meta.proto")
	if err != nil {
		t.Fatal(err)
	}
	const text = `syntax = "proto3";
package acme.v1;
import "confluent/meta.proto";
message User {
  string email = 1 [(confluent.field_meta).tags = "PII"];
  string nick = 2;
}
`
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text,
		References: []serde.Reference{{Name: "confluent/meta.proto"}}},
		serde.MapResolver{"confluent/meta.proto": {Format: serde.Protobuf, Text: string(meta)}}, protobuf.MessageName("acme.v1.User"))
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "piiEmail", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD",
		Tags: []string{"PII"}, Expr: "value.contains('@')"}}}
	m := dynamicpb.NewMessage(c.Message())
	m.Set(c.Message().Fields().ByName("email"), protoreflect.ValueOfString("nope"))
	m.Set(c.Message().Fields().ByName("nick"), protoreflect.ValueOfString("also-no-at"))
	out, err := serialize(t, c, rs, nil, m)
	checkViolations(t, out, err, []want{{"email", "piiEmail"}}) // nick is untagged
}

// Metadata tags reach generated messages, whose descriptors are not the
// compiled schema's.
func TestProtobufMetadataTagsGenerated(t *testing.T) {
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protobasic.OrderSchema}, nil,
		protobuf.FileName("shop/basic/v1/order.proto"), protobuf.MessageName("shop.basic.v1.Order"))
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "skuUpper", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD",
		Tags: []string{"SKU"}, Expr: "value.upperAscii() == value"}}}
	md := &serde.Metadata{Tags: map[string][]string{"shop.basic.v1.Order.Item.sku": {"SKU"}}}
	v := &protobasic.Order{Id: "lower-but-untagged", Items: []*protobasic.Order_Item{{Sku: "ABC"}, {Sku: "abc"}}}
	out, err := serialize(t, c, rs, md, v)
	checkViolations(t, out, err, []want{{"items[1].sku", "skuUpper"}})
}

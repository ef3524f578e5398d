//go:build !codegen_update

package codegen_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	avrorefs "github.com/schemagen/schemagen/codegen/testdata/avro-refs/want"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	protoimports "github.com/schemagen/schemagen/codegen/testdata/proto-imports/want"
	protorecursive "github.com/schemagen/schemagen/codegen/testdata/proto-recursive/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// withRef returns src's resolver with the text of reference name replaced
// by edit(text).
func withRef(t *testing.T, r serde.Resolver, name string, edit func(string) string) serde.MapResolver {
	t.Helper()
	old, err := r.Resolve(context.Background(), serde.Reference{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	m := serde.MapResolver{}
	for k, v := range r.(serde.MapResolver) {
		m[k] = v
	}
	changed := edit(old.Text)
	if changed == old.Text {
		t.Fatalf("edit left %s unchanged", name)
	}
	old.Text = changed
	m[name] = old
	return m
}

// TestFingerprintCoversAvroReferences: a serializer bound to refund.avsc
// with another version of its Money reference must not take the generated
// Refund's encoder, which writes the Money it was generated from.
func TestFingerprintCoversAvroReferences(t *testing.T) {
	src := avrorefs.RefundSide().Schema
	ctx := context.Background()
	v1, err := avro.Compile(ctx, src.Local, src.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	if got := serde.Fingerprint(v1); got != avrorefs.RefundFingerprint {
		t.Fatalf("fingerprint of the schema Refund was generated from = %s, want RefundFingerprint %s", got, avrorefs.RefundFingerprint)
	}
	// Money v2 declares its fields in the other order: same names, other bytes.
	r2 := withRef(t, src.Resolver, "shop.common.Money", func(s string) string {
		cur := `{"name": "currency", "type": {"type": "enum", "name": "Currency", "symbols": ["EUR", "USD", "GBP"]}}`
		amt := `{"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}}`
		return strings.Replace(s, cur+",\n    "+amt, amt+",\n    "+cur, 1)
	})
	v2, err := avro.Compile(ctx, src.Local, r2)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Canonical() != v2.Canonical() {
		t.Fatal("test premise: the root's canonical text should not see the reference change")
	}
	if got := serde.Fingerprint(v2); got == avrorefs.RefundFingerprint {
		t.Errorf("fingerprint with Money v2 equals RefundFingerprint (generated for Money v1)")
	}
	v := &avrorefs.Refund{
		OrderID:      "o-1",
		Amount:       avrorefs.Money{Currency: avrorefs.CurrencyEur, Amount: big.NewRat(1234, 100)},
		CurrencyHint: avrorefs.CurrencyUsd,
	}
	gen, err := v.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := v2.AppendEncode(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(gen, want) {
		t.Fatal("test premise: Money v1 and v2 should encode differently")
	}
	s, err := serde.NewSerializer(v2, serde.SerializerConfig{Topic: "refunds", Subject: "refunds-value", ID: 7})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.AppendSerialize(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if got := out[5:]; !bytes.Equal(got, want) {
		t.Fatalf("payload under Money v2's ID = %x, want v2's encoding %x (v1's is %x)", got, want, gen)
	}
	// The same schema as generated still takes the generated encoder.
	s1, err := serde.NewSerializer(v1, serde.SerializerConfig{Topic: "refunds", Subject: "refunds-value", ID: 6})
	if err != nil {
		t.Fatal(err)
	}
	if out, err = s1.AppendSerialize(nil, v); err != nil || !bytes.Equal(out[5:], gen) {
		t.Fatalf("v1 serializer: %x, %v; want %x", out, err, gen)
	}
}

// TestFingerprintCoversProtoImports: the fingerprint changes with an
// imported file's content, which the canonical text names only.
func TestFingerprintCoversProtoImports(t *testing.T) {
	src := protoimports.PaymentSide().Schema
	ctx := context.Background()
	c1, err := src.Compile(ctx, src.Local, src.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	if got := serde.Fingerprint(c1); got != protoimports.PaymentFingerprint {
		t.Fatalf("fingerprint = %s, want PaymentFingerprint %s", got, protoimports.PaymentFingerprint)
	}
	r2 := withRef(t, src.Resolver, "common/money.proto", func(s string) string {
		return strings.Replace(s, "int64 units = 2;", "int64 units = 4;", 1)
	})
	c2, err := src.Compile(ctx, src.Local, r2)
	if err != nil {
		t.Fatal(err)
	}
	if c1.Canonical() != c2.Canonical() {
		t.Fatal("test premise: the root's canonical text should not see the import change")
	}
	if serde.Fingerprint(c2) == protoimports.PaymentFingerprint {
		t.Fatal("fingerprint with money.proto v2 equals PaymentFingerprint (generated for v1)")
	}
}

// TestProtoGeneratedMessageCheck: a generated *Node sent through a
// serializer bound to Leaf, of the same file, is refused as the runtime
// path refuses it, not encoded under Leaf's message index.
func TestProtoGeneratedMessageCheck(t *testing.T) {
	src := protorecursive.NodeSide().Schema
	leaf, err := protobuf.Compile(context.Background(), src.Local, src.Resolver, protobuf.FileName("lab/tree/v1/tree.proto"), protobuf.MessageName("lab.tree.v1.Leaf"))
	if err != nil {
		t.Fatal(err)
	}
	if serde.Fingerprint(leaf) == protorecursive.NodeFingerprint {
		t.Error("Leaf's fingerprint equals NodeFingerprint")
	}
	s, err := serde.NewSerializer(leaf, serde.SerializerConfig{Topic: "trees", Subject: "trees-value", ID: 3})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.AppendSerialize(nil, &protorecursive.Node{Label: "x"})
	if !errors.Is(err, serde.ErrType) {
		t.Fatalf("*Node through Leaf's serializer: %x, %v; want ErrType", out, err)
	}
}

// TestProtoGeneratedNil: a nil generated message is the runtime path's
// ErrRequired violation, not an empty message.
func TestProtoGeneratedNil(t *testing.T) {
	src := protobasic.OrderSide().Schema
	c, err := src.Compile(context.Background(), src.Local, src.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	var nilOrder *protobasic.Order
	_, rtErr := c.AppendEncode(nil, nilOrder)
	if !errors.Is(rtErr, serde.ErrRequired) {
		t.Fatalf("runtime path: %v, want ErrRequired", rtErr)
	}
	out, err := nilOrder.AppendProto([]byte("keep"))
	if !errors.Is(err, serde.ErrRequired) || err.Error() != rtErr.Error() || string(out) != "keep" {
		t.Fatalf("AppendProto(nil) = %q, %v; want dst unchanged and %v", out, err, rtErr)
	}
	s, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 2})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := s.AppendSerialize(nil, nilOrder); !errors.Is(err, serde.ErrRequired) {
		t.Fatalf("serializer: %x, %v; want ErrRequired", out, err)
	}
}

// TestJSONGeneratedNil: a nil generated JSON value is refused by the
// generated path as by the runtime path, and dst comes back unchanged.
func TestJSONGeneratedNil(t *testing.T) {
	src := jsonbasic.InvoiceSide().Schema
	c := compileAvroSerde(t, src)
	var nilInvoice *jsonbasic.Invoice
	if _, err := c.AppendEncode(nil, nilInvoice); err == nil {
		t.Fatal("runtime path accepted a nil *Invoice")
	}
	out, err := nilInvoice.AppendJSON([]byte("keep"))
	if !errors.Is(err, serde.ErrType) || string(out) != "keep" {
		t.Fatalf("AppendJSON(nil) = %q, %v; want dst unchanged and ErrType", out, err)
	}
}

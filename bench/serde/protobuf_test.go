package serde_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/schemagen/schemagen/bench/serde/internal/benchpb"
	sg "github.com/schemagen/schemagen/serde"
	sgproto "github.com/schemagen/schemagen/serde/protobuf"
)

// pb builds dynamicpb messages field by field.
type pb struct{ m *dynamicpb.Message }

func newPB(md protoreflect.MessageDescriptor) pb { return pb{dynamicpb.NewMessage(md)} }

func (b pb) fd(name string) protoreflect.FieldDescriptor {
	fd := b.m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		panic("no field " + name)
	}
	return fd
}

func pbValue(v any) protoreflect.Value {
	switch x := v.(type) {
	case pb:
		return protoreflect.ValueOfMessage(x.m)
	case protoreflect.EnumNumber:
		return protoreflect.ValueOfEnum(x)
	default:
		return protoreflect.ValueOf(v)
	}
}

func (b pb) set(name string, v any) pb { b.m.Set(b.fd(name), pbValue(v)); return b }

func (b pb) add(name string, vs ...any) pb {
	l := b.m.Mutable(b.fd(name)).List()
	for _, v := range vs {
		l.Append(pbValue(v))
	}
	return b
}

func (b pb) sub(name string) protoreflect.MessageDescriptor { return b.fd(name).Message() }

// sampleProtoOrder is the same value as serde/protobuf's benchOrder, as a
// dynamicpb message of schemagen's compiled descriptor. Both sides
// serialize this one message.
func sampleProtoOrder(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	o := newPB(md)
	money := func(units int64, nanos int32) pb {
		return newPB(o.sub("total")).set("currency_code", "EUR").set("units", units).set("nanos", nanos)
	}
	item := func(sku string, q int32) pb {
		return newPB(o.sub("items")).set("sku", sku).set("quantity", q).set("unit_price", money(12, 500000000))
	}
	o.set("order_id", "ord-2024-000123").set("customer_id", "cust-98765").set("status", protoreflect.EnumNumber(2)).
		add("items", item("SKU-RED-42", 2), item("SKU-BLUE-7", 1), item("SKU-GREEN-3", 5)).
		set("total", money(87, 500000000)).set("discount", "12.50").
		set("created_at", newPB(o.sub("created_at")).set("seconds", int64(1732345678)).set("nanos", int32(123000000))).
		set("coupon", "WINTER24").add("tags", "priority", "gift-wrap").
		set("shipping", newPB(o.sub("shipping")).set("line1", "1 Main St").set("city", "Lyon").set("country", "FR")).
		set("gift", true).set("version", int64(7))
	return o.m
}

// sampleProtoMD is the descriptor of the latest protoPair's message.
var sampleProtoMD protoreflect.MessageDescriptor

// protoPair builds the Protobuf sides. generated selects the value: the
// protoc-gen-go message benchpb.Order (what a producer with generated code
// sends) or a dynamicpb message of schemagen's compiled descriptor (what
// the CLI and schemas without generated code use). Both sides serialize
// the same message value.
func protoPair(tb testing.TB, m mode, generated bool) pair {
	tb.Helper()
	const topic = "orders-proto"
	client, cconf, id := registerMock(tb, "mock://bench-proto", topic+"-value", "PROTOBUF", benchpb.Proto, m)

	conf := protobuf.NewSerializerConfig()
	conf.SerializerConfig = cconf
	cs, err := protobuf.NewSerializer(client, serde.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}

	schema, err := sgproto.Compile(context.Background(), sg.Schema{Format: sg.Protobuf, Text: benchpb.Proto}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := sg.NewSerializer(schema, sg.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: id})
	if err != nil {
		tb.Fatal(err)
	}

	sampleProtoMD = schema.Message()
	var o proto.Message = sampleProtoOrder(schema.Message())
	if generated {
		o = generatedProtoOrder()
	}
	buf := make([]byte, 0, 1024)
	return pair{
		confluent: func() (err error) { lastOutput, err = cs.Serialize(topic, o); return err },
		schemagen: func() (err error) { buf, err = ss.AppendSerialize(buf[:0], o); lastOutput = buf; return err },
	}
}

func generatedProtoOrder() *benchpb.Order {
	money := func(units int64, nanos int32) *benchpb.Money {
		return &benchpb.Money{CurrencyCode: "EUR", Units: units, Nanos: nanos}
	}
	item := func(sku string, q int32) *benchpb.LineItem {
		return &benchpb.LineItem{Sku: sku, Quantity: q, UnitPrice: money(12, 500000000)}
	}
	return &benchpb.Order{
		OrderId:    "ord-2024-000123",
		CustomerId: "cust-98765",
		Status:     benchpb.Status_STATUS_PAID,
		Items:      []*benchpb.LineItem{item("SKU-RED-42", 2), item("SKU-BLUE-7", 1), item("SKU-GREEN-3", 5)},
		Total:      money(87, 500000000),
		Discount:   "12.50",
		CreatedAt:  &timestamppb.Timestamp{Seconds: 1732345678, Nanos: 123000000},
		Coupon:     proto.String("WINTER24"),
		Tags:       []string{"priority", "gift-wrap"},
		Shipping:   &benchpb.Order_Address{Line1: "1 Main St", City: "Lyon", Country: "FR"},
		Gift:       true,
		Version:    7,
	}
}

func BenchmarkProtobuf(b *testing.B) {
	for _, m := range modes {
		b.Run("generated/"+m.String(), func(b *testing.B) { run(b, protoPair(b, m, true)) })
	}
	for _, m := range modes {
		b.Run("dynamic/"+m.String(), func(b *testing.B) { run(b, protoPair(b, m, false)) })
	}
}

// TestProtobufSameRecord checks that both sides produce the same header
// (magic byte, schema ID, message index 0) and the same message. The bytes
// of the message may differ in field order: dynamicpb marshals its
// populated fields in map order.
func TestProtobufSameRecord(t *testing.T) {
	for _, m := range modes {
		t.Run("generated/"+m.String(), func(t *testing.T) { sameRecord(t, protoPair(t, m, true)) })
		t.Run("dynamic/"+m.String(), func(t *testing.T) { sameRecord(t, protoPair(t, m, false)) })
	}
}

func sameRecord(t *testing.T, p pair) {
	md := sampleProtoMD
	var got [2][]byte
	for i, f := range []side{p.confluent, p.schemagen} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
		got[i] = bytes.Clone(lastOutput)
	}
	const header = 6
	if len(got[0]) != len(got[1]) || !bytes.Equal(got[0][:header], got[1][:header]) {
		t.Fatalf("outputs differ:\nconfluent %x\nschemagen %x", got[0], got[1])
	}
	var msgs [2]*dynamicpb.Message
	for i := range got {
		msgs[i] = dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(got[i][header:], msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !proto.Equal(msgs[0], msgs[1]) {
		t.Fatalf("messages differ:\nconfluent %v\nschemagen %v", msgs[0], msgs[1])
	}
	t.Logf("%d bytes, header % x", len(got[0]), got[0][:header])
}

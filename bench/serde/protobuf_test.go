package serde_test

import (
	"context"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	sg "github.com/schemagen/schemagen/serde"
	sgproto "github.com/schemagen/schemagen/serde/protobuf"
)

// benchProto is serde/protobuf's benchmark order (serde/protobuf/bench_test.go,
// docs/perf/protobuf.md): 12 fields with a nested message, repeated
// messages and strings, an enum, a proto3 optional, a Timestamp and money
// as units/nanos plus a decimal string.
const benchProto = `syntax = "proto3";
package bench.v1;
import "google/protobuf/timestamp.proto";
message Order {
  string order_id = 1;
  string customer_id = 2;
  Status status = 3;
  repeated LineItem items = 4;
  Money total = 5;
  string discount = 6;
  google.protobuf.Timestamp created_at = 7;
  optional string coupon = 8;
  repeated string tags = 9;
  Address shipping = 10;
  bool gift = 11;
  int64 version = 12;
  message Address { string line1 = 1; string city = 2; string country = 3; }
}
message Money { string currency_code = 1; int64 units = 2; int32 nanos = 3; }
message LineItem { string sku = 1; int32 quantity = 2; Money unit_price = 3; }
enum Status { STATUS_UNSPECIFIED = 0; STATUS_PLACED = 1; STATUS_PAID = 2; }
`

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

func protoPair(tb testing.TB) pair {
	tb.Helper()
	const topic = "orders-proto"
	client, id := registerMock(tb, "mock://bench-proto", topic+"-value", "PROTOBUF", benchProto)

	conf := protobuf.NewSerializerConfig()
	conf.SerializerConfig = pinned(id)
	cs, err := protobuf.NewSerializer(client, serde.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}

	schema, err := sgproto.Compile(context.Background(), sg.Schema{Format: sg.Protobuf, Text: benchProto}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := sg.NewSerializer(schema, sg.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: id})
	if err != nil {
		tb.Fatal(err)
	}

	o := sampleProtoOrder(schema.Message())
	buf := make([]byte, 0, 1024)
	return pair{
		confluent: func() (err error) { lastOutput, err = cs.Serialize(topic, o); return err },
		schemagen: func() (err error) { buf, err = ss.AppendSerialize(buf[:0], o); lastOutput = buf; return err },
	}
}

func BenchmarkProtobuf(b *testing.B) { run(b, protoPair(b)) }

func TestProtobufSameBytes(t *testing.T) { sameBytes(t, protoPair(t)) }

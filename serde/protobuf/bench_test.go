package protobuf

import (
	"context"
	"io"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/wellknownimports"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/typepb"

	"github.com/schemagen/schemagen/serde"
)

// benchProto is a realistic order event: 12 fields with a nested message,
// repeated messages and strings, an enum, a proto3 optional, a Timestamp
// and money as units/nanos plus a decimal string.
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

func benchOrder(b *testing.B) (*Compiled, proto.Message) {
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: benchProto}, nil)
	if err != nil {
		b.Fatal(err)
	}
	o := newMsg(s.Message())
	money := func(units int64, nanos int32) msg {
		return newMsg(o.sub("total")).set("currency_code", "EUR").set("units", units).set("nanos", nanos)
	}
	item := func(sku string, q int32) msg {
		return newMsg(o.sub("items")).set("sku", sku).set("quantity", q).set("unit_price", money(12, 500000000))
	}
	o.set("order_id", "ord-2024-000123").set("customer_id", "cust-98765").set("status", protoreflect.EnumNumber(2)).
		add("items", item("SKU-RED-42", 2), item("SKU-BLUE-7", 1), item("SKU-GREEN-3", 5)).
		set("total", money(87, 500000000)).set("discount", "12.50").
		set("created_at", newMsg(o.sub("created_at")).set("seconds", int64(1732345678)).set("nanos", int32(123000000))).
		set("coupon", "WINTER24").add("tags", "priority", "gift-wrap").
		set("shipping", newMsg(o.sub("shipping")).set("line1", "1 Main St").set("city", "Lyon").set("country", "FR")).
		set("gift", true).set("version", int64(7))
	return s, o.m
}

func benchSerializer(b *testing.B, s *Compiled) *serde.Serializer {
	ser, err := serde.NewSerializer(s, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	return ser
}

// BenchmarkRawProtoMarshal is the floor: protobuf-go alone, no validation,
// no frame, default (non-deterministic) options.
func BenchmarkRawProtoMarshal(b *testing.B) {
	_, m := benchOrder(b)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := proto.MarshalOptions{}.MarshalAppend(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

// BenchmarkRawProtoMarshalDeterministic is protobuf-go with the options
// AppendEncode uses.
func BenchmarkRawProtoMarshalDeterministic(b *testing.B) {
	_, m := benchOrder(b)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := proto.MarshalOptions{Deterministic: true}.MarshalAppend(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

// BenchmarkSchemagen is the producer's path: validate, encode, prefix and
// message indexes, into a reused buffer.
func BenchmarkSchemagen(b *testing.B) {
	s, m := benchOrder(b)
	ser := benchSerializer(b, s)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := ser.AppendSerialize(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

// BenchmarkValidate is validation alone.
func BenchmarkValidate(b *testing.B) {
	s, m := benchOrder(b)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if err := s.Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}

// typeSchema compiles google/protobuf/type.proto's text as a schema of its
// own, so that generated typepb values meet a descriptor built from text,
// as generated producers meet the registry's schema.
func typeSchema(b *testing.B) *Compiled {
	return wellKnownSchema(b, "google/protobuf/type.proto", "google.protobuf.Type")
}

// wellKnownSchema compiles the source text of a well-known .proto file
// (embedded in protocompile) under the default schema file name.
func wellKnownSchema(tb testing.TB, path, message string) *Compiled {
	tb.Helper()
	res, err := wellknownimports.WithStandardImports(protocompile.ResolverFunc(func(string) (protocompile.SearchResult, error) {
		return protocompile.SearchResult{}, io.EOF
	})).FindFileByPath(path)
	if err != nil || res.Source == nil {
		tb.Fatalf("%s source: %v", path, err)
	}
	text, err := io.ReadAll(res.Source)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := Compile(context.Background(), serde.Schema{Text: string(text)}, nil, MessageName(message))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func generatedValue() proto.Message {
	f := func(n int32, name string, kind typepb.Field_Kind) *typepb.Field {
		return &typepb.Field{Kind: kind, Cardinality: typepb.Field_CARDINALITY_OPTIONAL, Number: n, Name: name, JsonName: name, TypeUrl: "type.googleapis.com/x"}
	}
	opt, _ := anypb.New(&typepb.Option{Name: "deprecated"})
	return &typepb.Type{
		Name:          "bench.v1.Order",
		Fields:        []*typepb.Field{f(1, "order_id", typepb.Field_TYPE_STRING), f(2, "status", typepb.Field_TYPE_ENUM), f(3, "items", typepb.Field_TYPE_MESSAGE)},
		Oneofs:        []string{"choice"},
		Options:       []*typepb.Option{{Name: "deprecated", Value: opt}},
		SourceContext: &sourcecontextpb.SourceContext{FileName: "order.proto"},
		Syntax:        typepb.Syntax_SYNTAX_PROTO3,
		Edition:       "2023",
	}
}

func BenchmarkRawProtoMarshalGenerated(b *testing.B) {
	m := generatedValue()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := proto.MarshalOptions{}.MarshalAppend(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

func BenchmarkRawProtoMarshalGeneratedDeterministic(b *testing.B) {
	m := generatedValue()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := proto.MarshalOptions{Deterministic: true}.MarshalAppend(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

func BenchmarkSchemagenGenerated(b *testing.B) {
	s := typeSchema(b)
	m := generatedValue()
	ser := benchSerializer(b, s)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		out, err := ser.AppendSerialize(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		buf = out
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := Compile(context.Background(), serde.Schema{Text: benchProto}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuPerOp reports the process CPU time per op (see processCPU); call it
// as defer cpuPerOp(b)() just before the loop.
func cpuPerOp(b *testing.B) func() {
	start := processCPU()
	return func() {
		if d := processCPU() - start; d > 0 && b.N > 0 {
			b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

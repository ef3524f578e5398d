//go:build !codegen_update

package codegen_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"encoding/json"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"

	avrobasic "github.com/schemagen/schemagen/codegen/testdata/avro-basic/want"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	serdeavro "github.com/schemagen/schemagen/serde/avro"

	"github.com/schemagen/schemagen/serde"
)

// The codec benchmarks put schemagen's validated, framed path (a
// serde.Serializer over a generated type, as producer.Typed runs it) next
// to the codec a user would call without any validation, on the same
// value, in one run. `make bench-ratios` prints their ratios.

func benchOrder() *avrobasic.Order {
	note := "leave at the door"
	return &avrobasic.Order{
		ID: "6f1c1b6e-2f4e-4a53-9a57-0d1b3b1f6a01", Status: avrobasic.StatusPaid,
		PlacedAt: time.UnixMilli(1_700_000_000_123).UTC(), ShipBy: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		Total: big.NewRat(12345, 100), Note: &note,
		Items: []avrobasic.Item{
			{SKU: "A-1", Quantity: 2, Price: 9.5},
			{SKU: "B-22", Quantity: 1, Price: 104.25},
			{SKU: "C-333", Quantity: 12, Price: 0.99},
		},
		Attributes: map[string]string{"channel": "web"},
		Gift:       &avrobasic.Item{SKU: "G-1", Quantity: 1},
		Priority:   true, Weight: 1.5, Sequence: 7, Checksum: avrobasic.MD5{1, 2, 3}, Raw: []byte{0xff, 0x00, 0x10},
	}
}

// interleave runs blocks of a and b in turn, so both see the same machine
// load, and returns each one's fastest block in ns per call.
func interleave(b *testing.B, fa, fb func()) (nsA, nsB float64) {
	const block = 500
	nsA, nsB = math.Inf(1), math.Inf(1)
	for b.Loop() {
		start := time.Now()
		for range block {
			fa()
		}
		nsA = min(nsA, float64(time.Since(start).Nanoseconds())/block)
		start = time.Now()
		for range block {
			fb()
		}
		nsB = min(nsB, float64(time.Since(start).Nanoseconds())/block)
	}
	return nsA, nsB
}

func reportRatio(b *testing.B, nameA string, nsA float64, nameB string, nsB, target float64) {
	b.ReportMetric(nsA, nameA+"-ns/op")
	b.ReportMetric(nsB, nameB+"-ns/op")
	b.ReportMetric(nsA/nsB, "ratio")
	b.ReportMetric(target, "target")
}

// BenchmarkRatio/avro-typed/hamba-marshal: the Serializer over the
// generated AppendAvro (validate + encode + frame into a reused buffer)
// against hamba's avro.Marshal (encode only, into a fresh slice).
func BenchmarkRatio(b *testing.B) {
	b.Run("avro-typed/hamba-marshal", func(b *testing.B) {
		o := benchOrder()
		c := compileAvroSerde(b, avrobasic.OrderSide().Schema)
		ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
		if err != nil {
			b.Fatal(err)
		}
		sch := c.(*serdeavro.Compiled).Avro()
		buf := make([]byte, 0, 1024)
		typed := func() {
			if buf, err = ser.AppendSerialize(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
		raw := func() {
			if _, err := avro.Marshal(sch, o); err != nil {
				b.Fatal(err)
			}
		}
		nsT, nsR := interleave(b, typed, raw)
		reportRatio(b, "typed", nsT, "hamba", nsR, 0.5)
	})
	b.Run("protobuf-typed/proto-marshal", func(b *testing.B) {
		m := benchProtoOrder()
		ser := protoSerializer(b)
		buf := make([]byte, 0, 1024)
		var err error
		typed := func() {
			if buf, err = ser.AppendSerialize(buf[:0], m); err != nil {
				b.Fatal(err)
			}
		}
		raw := func() {
			if _, err := proto.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
		nsT, nsR := interleave(b, typed, raw)
		reportRatio(b, "typed", nsT, "proto", nsR, 1.0)
	})
	b.Run("json-typed/json-marshal", func(b *testing.B) {
		v := validInvoice()
		ser := jsonSerializer(b)
		buf := make([]byte, 0, 1024)
		var err error
		typed := func() {
			if buf, err = ser.AppendSerialize(buf[:0], v); err != nil {
				b.Fatal(err)
			}
		}
		raw := func() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
		nsT, nsR := interleave(b, typed, raw)
		reportRatio(b, "typed", nsT, "json", nsR, 1.0)
	})
}

func jsonSerializer(b *testing.B) *serde.Serializer {
	c := compileAvroSerde(b, jsonbasic.InvoiceSide().Schema)
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "invoices", Subject: "invoices-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	return ser
}

// BenchmarkJSONSerialize is the typed Serializer path alone for a
// generated JSON Schema type (generated Validate + AppendJSON), the runtime
// path (generated Validate + encoding/json) and json.Marshal.
func BenchmarkJSONSerialize(b *testing.B) {
	v := validInvoice()
	ser := jsonSerializer(b)
	var err error
	b.Run("generated", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = ser.AppendSerialize(buf[:0], v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("runtime", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = ser.Compiled().AppendEncode(buf[:0], v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchProtoOrder() *protobasic.Order {
	note := "leave at the door"
	return &protobasic.Order{
		Id: "6f1c1b6e-2f4e-4a53-9a57-0d1b3b1f6a01", Status: protobasic.Status_STATUS_PAID,
		Items: []*protobasic.Order_Item{
			{Sku: "A-1", Quantity: 2}, {Sku: "B-22", Quantity: 1}, {Sku: "C-333", Quantity: 12},
		},
		Attributes: map[string]string{"channel": "web"},
		Note:       &note, Sequence: 7,
	}
}

func protoSerializer(b *testing.B) *serde.Serializer {
	c := compileAvroSerde(b, protobasic.OrderSide().Schema)
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "proto-orders", Subject: "proto-orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	return ser
}

// BenchmarkProtoSerialize is the typed Serializer path alone for a
// generated message, and the runtime path (validator + deterministic
// proto marshal) on the same message.
func BenchmarkProtoSerialize(b *testing.B) {
	m := benchProtoOrder()
	ser := protoSerializer(b)
	var err error
	b.Run("generated", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = ser.AppendSerialize(buf[:0], m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("runtime", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = ser.Compiled().AppendEncode(buf[:0], m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proto-marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAvroSerialize is the typed Serializer path alone, for its
// allocations per record (must be 0) and profiles.
func BenchmarkAvroSerialize(b *testing.B) {
	o := benchOrder()
	c := compileAvroSerde(b, avrobasic.OrderSide().Schema)
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("generated", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = ser.AppendSerialize(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("runtime", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = c.AppendEncode(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hamba-marshal", func(b *testing.B) {
		sch := c.(*serdeavro.Compiled).Avro()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := avro.Marshal(sch, o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

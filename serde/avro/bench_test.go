package avro

import (
	"math"
	"testing"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// The benchmarks encode the same realistic order (17 fields: a nested
// record, an array of records with decimals, an enum, optional fields, a
// timestamp, a date, a uuid, a fixed, a map and a multi-branch union).

// BenchmarkRawHamba is the codec alone: avro.Marshal, no validation, no
// framing, a fresh slice per record.
func BenchmarkRawHamba(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := avro.Marshal(s.Avro(), o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawHambaWriter is the codec alone writing into a reused
// buffer: the floor for any wrapper.
func BenchmarkRawHambaWriter(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	w := avro.NewWriter(nil, 1024)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset(nil)
		w.WriteVal(s.Avro(), o)
		if w.Error != nil {
			b.Fatal(w.Error)
		}
	}
}

// BenchmarkSchemagen is the whole hot path: validate, encode and frame
// (magic byte and schema ID) into a reused buffer through serde.Serializer.
func BenchmarkSchemagen(b *testing.B) {
	s := orderSchema(b)
	ser, err := serde.NewSerializer(s, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	o := sampleOrder()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf, err = ser.AppendSerialize(buf[:0], o)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate is validation alone.
func BenchmarkValidate(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchemagenMap is the hot path for generic values (map[string]any
// as FromJSON returns them).
func BenchmarkSchemagenMap(b *testing.B) {
	s := orderSchema(b)
	m := sampleOrderMap()
	buf := make([]byte, 0, 1024)
	var err error
	b.ReportAllocs()
	for b.Loop() {
		buf, err = s.AppendEncode(serde.AppendPrefix(buf[:0], 42), m)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchemagenVsRaw interleaves blocks of raw avro.Marshal and of the
// full Serializer path on the same order, so both see the same machine
// load, and reports each one's fastest block (ns/op) and their ratio.
func BenchmarkSchemagenVsRaw(b *testing.B) {
	s := orderSchema(b)
	ser, err := serde.NewSerializer(s, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	o := sampleOrder()
	buf := make([]byte, 0, 1024)
	const block = 200
	bestRaw, bestSG := math.Inf(1), math.Inf(1)
	for b.Loop() {
		start := time.Now()
		for range block {
			if _, err := avro.Marshal(s.Avro(), o); err != nil {
				b.Fatal(err)
			}
		}
		bestRaw = min(bestRaw, float64(time.Since(start).Nanoseconds())/block)
		start = time.Now()
		for range block {
			if buf, err = ser.AppendSerialize(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
		bestSG = min(bestSG, float64(time.Since(start).Nanoseconds())/block)
	}
	b.ReportMetric(bestRaw, "raw-ns/op")
	b.ReportMetric(bestSG, "schemagen-ns/op")
	b.ReportMetric(bestSG/bestRaw, "ratio")
}

// BenchmarkDecode decodes the order into the struct: the pre-walk that
// bounds hostile input plus hamba's decoder.
func BenchmarkDecode(b *testing.B) {
	s := orderSchema(b)
	data, err := s.AppendEncode(nil, sampleOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var o Order
		if err := s.Decode(data, &o); err != nil {
			b.Fatal(err)
		}
	}
}

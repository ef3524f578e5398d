package jsonschema

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

// The benchmarks compare three ways to turn the realistic record into
// bytes: encoding/json alone, encoding/json plus the jsonschema library's
// validation (decode the JSON text, validate the tree), and schemagen's
// path (encode, validate the text with the plan, frame).

func BenchmarkJSONMarshal(b *testing.B) {
	o := sampleOrder()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := json.Marshal(o); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

func BenchmarkJSONMarshalSanthosh(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		data, err := json.Marshal(o)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := decodeDoc(data)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.lib.Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkSchemagen is the producer's path through serde.Serializer:
// frame (magic byte, schema ID), encode, validate with the plan.
func BenchmarkSchemagen(b *testing.B) {
	ser, err := serde.NewSerializer(orderSchema(b), serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	o := sampleOrder()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if buf, err = ser.AppendSerialize(buf[:0], o); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkPlanOnly is the plan's validation of the encoded text alone.
func BenchmarkPlanOnly(b *testing.B) {
	s := orderSchema(b)
	data, err := json.Marshal(sampleOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if errs, ok := s.runPlan(data, true); !ok || errs != nil {
			b.Fatal(errs)
		}
	}
	reportCPU(b, start)
}

// BenchmarkRatio interleaves json.Marshal and schemagen's path in short
// alternating runs and reports their time ratio: on a shared, loaded
// machine the two see the same interference, so the ratio holds better
// than two separate ns/op figures do. b.N counts pairs.
func BenchmarkRatio(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	buf := make([]byte, 0, 1024)
	const chunk = 64
	ser, err := serde.NewSerializer(s, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	var marshal, schemagen, plan time.Duration
	data, _ := json.Marshal(o)
	for i := 0; i < b.N; i += chunk {
		t0 := time.Now()
		for range chunk {
			if _, err := json.Marshal(o); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range chunk {
			if buf, err = ser.AppendSerialize(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		for range chunk {
			if errs, ok := s.runPlan(data, true); !ok || errs != nil {
				b.Fatal(errs)
			}
		}
		t3 := time.Now()
		marshal += t1.Sub(t0)
		schemagen += t2.Sub(t1)
		plan += t3.Sub(t2)
	}
	b.ReportMetric(float64(schemagen)/float64(marshal), "schemagen/marshal")
	b.ReportMetric(float64(plan)/float64(marshal), "plan/marshal")
}

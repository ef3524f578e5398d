package jsonschema

import (
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// The benchmarks compare three ways to turn the realistic record into
// bytes: encoding/json alone, encoding/json plus the jsonschema library's
// validation (decode the JSON text, validate the tree), and schemagen's
// path (encode, validate the text with the plan, frame).

func BenchmarkJSONMarshal(b *testing.B) {
	o := sampleOrder()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONMarshalSanthosh(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	b.ReportAllocs()
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
}

func BenchmarkSchemagen(b *testing.B) {
	s := orderSchema(b)
	o := sampleOrder()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf = serde.AppendPrefix(buf[:0], 42)
		buf, err = s.AppendEncode(buf, o)
		if err != nil {
			b.Fatal(err)
		}
	}
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
	for b.Loop() {
		if errs, ok := s.runPlan(data); !ok || errs != nil {
			b.Fatal(errs)
		}
	}
}

package contract_test

import (
	"math/rand/v2"
	"testing"

	"buf.build/go/protovalidate"
)

// BenchmarkBufValidate compares, in one run, the generated checks of a
// valid Checks (every standard rule codegen generates: ranges, lengths,
// patterns, uuid, lists, maps, nested messages) with protovalidate-go's
// Validate of the same message. PERFORMANCE.md has the command and rows.
func BenchmarkBufValidate(b *testing.B) {
	m := checksGen{rand.New(rand.NewPCG(1, 1))}.valid()
	if err := m.BufValidate(false); err != nil {
		b.Fatal(err)
	}
	pv, err := protovalidate.New(protovalidate.WithMessageDescriptors(m.ProtoReflect().Descriptor()))
	if err != nil {
		b.Fatal(err)
	}
	if err := pv.Validate(m); err != nil {
		b.Fatal(err)
	}
	b.Run("impl=generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.BufValidate(false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=protovalidate-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := pv.Validate(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package registry

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// The cached paths a producer takes after warm-up.
func BenchmarkCached(b *testing.B) {
	ctx := context.Background()
	reg := newFakeB(b)
	reg.SeedSchema("u-value", 1, 1, sr.Schema{Schema: avroUser})
	cl, err := New(URLs(reg.URL()))
	if err != nil {
		b.Fatal(err)
	}
	local := avroSchema(avroUser)
	if _, err := cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftFail); err != nil {
		b.Fatal(err)
	}
	b.Run("SchemaByID", func(b *testing.B) {
		for b.Loop() {
			if _, err := cl.SchemaByID(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Latest", func(b *testing.B) {
		for b.Loop() {
			if _, err := cl.Latest(ctx, "u-value"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SchemaByID/parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := cl.SchemaByID(ctx, 1); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Bind/UseLatest", func(b *testing.B) {
		for b.Loop() {
			if _, err := cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftFail); err != nil {
				b.Fatal(err)
			}
		}
	})
}

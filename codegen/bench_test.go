//go:build !codegen_update

package codegen_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/schemagen/schemagen/codegen"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	"github.com/schemagen/schemagen/producer"
)

// BenchmarkJSONValidate compares the generated Validate of json-basic's
// Invoice with serde/jsonschema validating the same value: through its
// general path (marshal, then the compiled plan over the JSON text).
func BenchmarkJSONValidate(b *testing.B) {
	v := validInvoice()
	c := compileSerde(&testing.T{}, jsonbasicSerde())
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := v.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			text, err := json.Marshal(v)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Validate(json.RawMessage(text)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGenerate times Generate on each golden case.
func BenchmarkGenerate(b *testing.B) {
	dirs, _ := filepath.Glob("testdata/*/want")
	for _, want := range dirs {
		dir := filepath.Dir(want)
		b.Run(filepath.Base(dir), func(b *testing.B) {
			pkg, _ := loadCase(&testing.T{}, dir)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codegen.Generate(context.Background(), pkg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func jsonbasicSerde() producer.SchemaSource { return jsonbasic.InvoiceSide().Schema }

package jsoncompat

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// benchSchema is an order with n line-item properties, a $ref'd address
// and a nullable note: the shape of a typical Kafka value schema.
func benchSchema(n int, totalType string) string {
	var props []string
	for i := 0; i < n; i++ {
		props = append(props, `"f`+strconv.Itoa(i)+`":{"type":"string","maxLength":64}`)
	}
	return `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
"definitions":{"Address":{"type":"object","properties":{"street":{"type":"string"},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["street"]}},
"properties":{"id":{"type":"string"},"total":{"type":"` + totalType + `","minimum":0},"note":{"type":["string","null"]},
"ship":{"$ref":"#/definitions/Address"},"bill":{"$ref":"#/definitions/Address"},
"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}},` + strings.Join(props, ",") + `},
"required":["id","total"]}`
}

func BenchmarkCanReadJSON(b *testing.B) {
	for _, n := range []int{10, 200} {
		reader, writer := jsonSchema(benchSchema(n, "number")), jsonSchema(benchSchema(n, "integer"))
		b.Run(strconv.Itoa(n)+"-properties", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := CanRead(context.Background(), reader, writer, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

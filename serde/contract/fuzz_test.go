package contract_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// Schema text with any inline rules never crashes New: it compiles, or
// fails with an error.
func FuzzInlineRules(f *testing.F) {
	f.Add(orderJSON, true)
	f.Add(orderAvsc, false)
	f.Add(`{"type":"object","confluent:rules":[{"name":"a","expr":"this."}],"properties":{"x":{"$ref":"#"}}}`, true)
	f.Add(`{"type":"record","name":"R","fields":[{"name":"a","type":"int","confluent:rules":[{"name":"","expr":"1"}]}]}`, false)
	f.Add(`{"type":"object","confluent:rules":{"name":"a"}}`, true)
	f.Fuzz(func(t *testing.T, text string, json bool) {
		ctx := context.Background()
		var c serde.Compiled
		var err error
		if json {
			c, err = jsonschema.Compile(ctx, serde.Schema{Format: serde.JSON, Text: text}, nil)
		} else {
			c, err = avro.Compile(ctx, serde.Schema{Format: serde.Avro, Text: text}, nil)
		}
		if err != nil {
			return
		}
		ct, err := contract.New(c, nil, nil)
		if err != nil {
			return
		}
		_ = ct.Check(map[string]any{"total": int64(1), "items": []any{map[string]any{"qty": 0}}}, nil)
	})
}

package contract_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// compileJSONText compiles a JSON Schema text with no references.
func compileJSONText(t *testing.T, schema string) serde.Compiled {
	t.Helper()
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

package jsonschema

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestCompileRefusesInvalidUTF8: two properties whose names differ only
// in bytes that are not UTF-8 were read as one (both U+FFFD), so the
// compiled schema lost one; such text is now refused, in the schema and
// in a reference, and in Model.Parse. U+FFFD itself compiles.
func TestCompileRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	good := "{\"type\":\"object\",\"properties\":{\"\u00e9\":{\"type\":\"string\"},\"\ufffd\":{\"type\":\"integer\"}}}"
	if _, err := Compile(ctx, serde.Schema{Format: serde.JSON, Text: good}, nil); err != nil {
		t.Fatalf("valid UTF-8: %v", err)
	}
	bad := "{\"type\":\"object\",\"properties\":{\"\x86\":{\"type\":\"string\"},\"\xe4\":{\"type\":\"integer\"}}}"
	_, err := Compile(ctx, serde.Schema{Format: serde.JSON, Text: bad}, nil)
	if !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8 (byte 32)") {
		t.Errorf("bad byte in the schema: %v", err)
	}
	ref := serde.ResolverFunc(func(context.Context, serde.Reference) (serde.Schema, error) {
		return serde.Schema{Format: serde.JSON, Text: "{\"type\":\"object\",\"properties\":{\"\xff\":{}}}"}, nil
	})
	main := serde.Schema{Format: serde.JSON, Text: `{"$ref":"b.json"}`, References: []serde.Reference{{Name: "b.json", Subject: "b", Version: 1}}}
	if _, err := Compile(ctx, main, ref); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("bad byte in a reference: %v", err)
	}
	if _, err := NewModel(ctx, nil).Parse("b.json", serde.Schema{Format: serde.JSON, Text: bad}); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("Model.Parse: %v", err)
	}
}

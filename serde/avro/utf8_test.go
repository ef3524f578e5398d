package avro

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestCompileRefusesInvalidUTF8: a schema or reference that is not UTF-8
// is refused (FuzzCompile found two property names that differ only in
// bad bytes: both read as U+FFFD, the canonical text repeated the key and
// changed when compiled again); U+FFFD itself and other non-ASCII text
// compile.
func TestCompileRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	good := "{\"type\":\"fixed\",\"name\":\"A\",\"size\":0,\"\u00e9\":0,\"\ufffd\":1}"
	if _, err := Compile(ctx, serde.Schema{Text: good}, nil); err != nil {
		t.Fatalf("valid UTF-8: %v", err)
	}
	bad := "{\"type\":\"fixed\",\"name\":\"A\",\"size\":0,\"\x86\":0,\"\xe4\":1}"
	_, err := Compile(ctx, serde.Schema{Text: bad}, nil)
	if !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8 (byte 37)") {
		t.Errorf("bad byte in the schema: %v", err)
	}
	ref := serde.ResolverFunc(func(context.Context, serde.Reference) (serde.Schema, error) {
		return serde.Schema{Text: "{\"type\":\"fixed\",\"name\":\"B\",\"size\":1,\"\xff\":0}"}, nil
	})
	main := serde.Schema{Text: `{"type":"record","name":"R","fields":[{"name":"b","type":"B"}]}`, References: []serde.Reference{{Name: "B", Subject: "b", Version: 1}}}
	if _, err := Compile(ctx, main, ref); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("bad byte in a reference: %v", err)
	}
}

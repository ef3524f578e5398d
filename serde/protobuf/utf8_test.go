package protobuf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestCompileRefusesInvalidUTF8: .proto text that is not UTF-8 is
// refused, in the schema and in an import (protocompile read a bad byte
// in a json_name as U+FFFD); U+FFFD itself and other non-ASCII text compile.
func TestCompileRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	good := "syntax = \"proto3\";\nmessage M { string a = 1 [json_name = \"\u00e9\"]; } // \ufffd\n"
	if _, err := Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: good}, nil); err != nil {
		t.Fatalf("valid UTF-8: %v", err)
	}
	bad := "syntax = \"proto3\";\nmessage M { string a = 1 [json_name = \"\x86\"]; }\n"
	_, err := Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: bad}, nil)
	if !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8 (byte 58)") {
		t.Errorf("bad byte in the schema: %v", err)
	}
	ref := serde.ResolverFunc(func(context.Context, serde.Reference) (serde.Schema, error) {
		return serde.Schema{Format: serde.Protobuf, Text: "syntax = \"proto3\";\nmessage B {} // \xff\n"}, nil
	})
	main := serde.Schema{Format: serde.Protobuf, Text: "syntax = \"proto3\";\nimport \"b.proto\";\nmessage M { B b = 1; }\n", References: []serde.Reference{{Name: "b.proto", Subject: "b", Version: 1}}}
	if _, err := Compile(ctx, main, ref); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("bad byte in an import: %v", err)
	}
}

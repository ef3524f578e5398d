package serde_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	_ "github.com/schemagen/schemagen/serde/avro" // registers its compiler
	"github.com/schemagen/schemagen/serde/jsonschema"
	_ "github.com/schemagen/schemagen/serde/protobuf"
)

// TestCompileRefusesInvalidUTF8: every format refuses schema and
// reference text that is not UTF-8. FuzzCompile (serde/avro) found two
// property names that differ only in bad bytes: both read as U+FFFD, the
// canonical text repeated the key and changed when compiled again; a JSON
// Schema lost one of two such properties; a Protobuf json_name was
// rewritten. U+FFFD itself and other non-ASCII text compile.
func TestCompileRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		format         serde.Format
		good, bad, ref string
		badByte        string // the message's "(byte N)"
		main           string // refers to ref, as Name "b"
	}{{
		format:  serde.Avro,
		good:    "{\"type\":\"fixed\",\"name\":\"A\",\"size\":0,\"\u00e9\":0,\"\ufffd\":1}",
		bad:     "{\"type\":\"fixed\",\"name\":\"A\",\"size\":0,\"\x86\":0,\"\xe4\":1}",
		badByte: "(byte 37)",
		ref:     "{\"type\":\"fixed\",\"name\":\"B\",\"size\":1,\"\xff\":0}",
		main:    `{"type":"record","name":"R","fields":[{"name":"b","type":"B"}]}`,
	}, {
		format:  serde.JSON,
		good:    "{\"type\":\"object\",\"properties\":{\"\u00e9\":{\"type\":\"string\"},\"\ufffd\":{\"type\":\"integer\"}}}",
		bad:     "{\"type\":\"object\",\"properties\":{\"\x86\":{\"type\":\"string\"},\"\xe4\":{\"type\":\"integer\"}}}",
		badByte: "(byte 32)",
		ref:     "{\"type\":\"object\",\"properties\":{\"\xff\":{}}}",
		main:    `{"$ref":"b"}`,
	}, {
		format:  serde.Protobuf,
		good:    "syntax = \"proto3\";\nmessage M { string a = 1 [json_name = \"\u00e9\"]; } // \ufffd\n",
		bad:     "syntax = \"proto3\";\nmessage M { string a = 1 [json_name = \"\x86\"]; }\n",
		badByte: "(byte 58)",
		ref:     "syntax = \"proto3\";\nmessage B {} // \xff\n",
		main:    "syntax = \"proto3\";\nimport \"b\";\nmessage M { B b = 1; }\n",
	}}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			if _, err := serde.Compile(ctx, serde.Schema{Format: tt.format, Text: tt.good}, nil); err != nil {
				t.Fatalf("valid UTF-8: %v", err)
			}
			_, err := serde.Compile(ctx, serde.Schema{Format: tt.format, Text: tt.bad}, nil)
			if !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8 "+tt.badByte) {
				t.Errorf("bad byte in the schema: %v", err)
			}
			ref := serde.ResolverFunc(func(context.Context, serde.Reference) (serde.Schema, error) {
				return serde.Schema{Format: tt.format, Text: tt.ref}, nil
			})
			main := serde.Schema{Format: tt.format, Text: tt.main, References: []serde.Reference{{Name: "b", Subject: "b", Version: 1}}}
			if _, err := serde.Compile(ctx, main, ref); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
				t.Errorf("bad byte in a reference: %v", err)
			}
		})
	}
	if _, err := jsonschema.NewModel(ctx, nil).Parse("b", serde.Schema{Format: serde.JSON, Text: tests[1].bad}); !errors.Is(err, serde.ErrSchema) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("jsonschema Model.Parse: %v", err)
	}
}

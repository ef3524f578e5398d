package formats

import (
	"context"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func TestCompileDispatch(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		schema serde.Schema
		json   string
		want   serde.Format
	}{
		{name: "avro by default", schema: serde.Schema{Text: `{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}`}, json: `{"a": 1}`, want: serde.Avro},
		{name: "protobuf", schema: serde.Schema{Format: serde.Protobuf, Text: "syntax = \"proto3\";\nmessage R { int64 a = 1; }\n"}, json: `{"a": "1"}`, want: serde.Protobuf},
		{name: "json", schema: serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"a":{"type":"integer"}}}`}, json: `{"a": 1}`, want: serde.JSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(ctx, tt.schema, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Format() != tt.want {
				t.Fatalf("format = %s, want %s", c.Format(), tt.want)
			}
			v, err := FromJSON(c, []byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.AppendEncode(nil, v)
			if err != nil || len(b) == 0 {
				t.Fatalf("encode = %x, %v", b, err)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		schema serde.Schema
	}{
		{name: "unknown format", schema: serde.Schema{Format: "XML", Text: "<a/>"}},
		{name: "bad avro", schema: serde.Schema{Text: `{"type":"nope"}`}},
		{name: "bad proto", schema: serde.Schema{Format: serde.Protobuf, Text: "message {"}},
		{name: "bad json", schema: serde.Schema{Format: serde.JSON, Text: `{"type": 5}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(context.Background(), tt.schema, nil)
			if !errors.Is(err, serde.ErrSchema) {
				t.Fatalf("err = %v, want ErrSchema", err)
			}
			if c != nil {
				t.Fatalf("compiled = %#v on error, want a nil interface", c)
			}
		})
	}
}

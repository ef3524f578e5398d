package producer

import (
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// jsonSchema is a compiled schema that encodes its values as JSON itself,
// as serde/protobuf's Schema does for messages.
type jsonSchema struct{ serde.Compiled }

func (jsonSchema) MarshalValueJSON(v any) ([]byte, bool, error) {
	if s, ok := v.(string); ok && s == "own" {
		return []byte(`"by the schema"`), true, nil
	}
	return nil, false, nil
}

func TestEncodePayload(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		schema  serde.Compiled
		want    string
		enc     string
		wantErr bool
	}{
		{name: "bytes as they are", in: []byte{0xff, 0x00}, want: "\xff\x00", enc: "raw"},
		{name: "the schema's own JSON", in: "own", schema: jsonSchema{}, want: `"by the schema"`, enc: "json"},
		{name: "schema declines: encoding/json", in: "other", schema: jsonSchema{}, want: `"other"`, enc: "json"},
		{name: "struct through encoding/json", in: struct {
			A int `json:"a"`
		}{7}, want: `{"a":7}`, enc: "json"},
		{name: "map", in: map[string]any{"x": "y"}, want: `{"x":"y"}`, enc: "json"},
		{name: "unencodable", in: make(chan int), enc: "none", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, enc, err := encodePayload(tt.in, tt.schema)
			if (err != nil) != tt.wantErr || enc != tt.enc || string(b) != tt.want {
				t.Fatalf("encodePayload = %q, %q, %v; want %q, %q, err %v", b, enc, err, tt.want, tt.enc, tt.wantErr)
			}
		})
	}
}

package producer

import (
	"testing"

	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestEncodePayload(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    string
		enc     string
		wantErr bool
	}{
		{name: "bytes as they are", in: []byte{0xff, 0x00}, want: "\xff\x00", enc: "raw"},
		{name: "protobuf through protojson", in: wrapperspb.String("hi"), want: `"hi"`, enc: "json"},
		{name: "struct through encoding/json", in: struct {
			A int `json:"a"`
		}{7}, want: `{"a":7}`, enc: "json"},
		{name: "map", in: map[string]any{"x": "y"}, want: `{"x":"y"}`, enc: "json"},
		{name: "unencodable", in: make(chan int), enc: "none", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, enc, err := encodePayload(tt.in)
			if (err != nil) != tt.wantErr || enc != tt.enc || string(b) != tt.want {
				t.Fatalf("encodePayload = %q, %q, %v; want %q, %q, err %v", b, enc, err, tt.want, tt.enc, tt.wantErr)
			}
		})
	}
}

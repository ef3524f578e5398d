package protobuf

import (
	"context"
	"testing"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/schemagen/schemagen/serde"
)

// Importing the package registers its compiler with serde.Compile.
func TestCompilerRegistered(t *testing.T) {
	c, err := serde.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: benchProto}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*Compiled); !ok {
		t.Fatalf("serde.Compile returned %T, want *protobuf.Compiled", c)
	}
	if _, err := serde.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: "syntax = nope"}, nil); err == nil {
		t.Fatal("a broken schema compiled")
	}
}

func TestMarshalValueJSON(t *testing.T) {
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: benchProto}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		in     any
		want   string
		wantOK bool
	}{
		{name: "message through protojson", in: wrapperspb.String("hi"), want: `"hi"`, wantOK: true},
		{name: "not a message", in: map[string]any{"a": 1}, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok, err := s.MarshalValueJSON(tt.in)
			if err != nil || ok != tt.wantOK || string(b) != tt.want {
				t.Fatalf("MarshalValueJSON = %q, %v, %v; want %q, %v", b, ok, err, tt.want, tt.wantOK)
			}
		})
	}
}

package protobuf

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// TestDecodeIntoAny: a *any gets a dynamic message of the schema's type,
// so a caller that imports no protobuf-go (the producer's dead-letter
// redaction) can decode; bad bytes still fail with serde.ErrDecode.
func TestDecodeIntoAny(t *testing.T) {
	c := compileText(t, `syntax = "proto3"; package p; message M { string s = 1; int64 n = 2; }`)
	m := dynamicpb.NewMessage(c.msg)
	m.Set(c.msg.Fields().ByName("s"), protoreflect.ValueOfString("hi"))
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := c.Decode(raw, &v); err != nil {
		t.Fatalf("Decode into *any: %v", err)
	}
	got, ok := v.(proto.Message)
	if !ok || !proto.Equal(got, m) {
		t.Fatalf("Decode into *any gave %T %v, want %v", v, v, m)
	}
	var bad any
	if err := c.Decode([]byte{0x0a, 0x05, 'x'}, &bad); !errors.Is(err, serde.ErrDecode) || bad != nil {
		t.Fatalf("truncated payload: %v, %v; want ErrDecode and nothing stored", err, bad)
	}
}

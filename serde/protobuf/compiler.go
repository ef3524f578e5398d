package protobuf

import (
	"context"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/schemagen/schemagen/serde"
)

// Compiler is Compile as a serde.CompileFunc, the compiler a
// producer.SchemaSource names. Importing this package registers it with
// serde.Compile for the Protobuf format.
func Compiler(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	c, err := Compile(ctx, s, r)
	if err != nil {
		return nil, err // not a typed nil *Compiled in the interface
	}
	return c, nil
}

func init() { serde.RegisterCompiler(serde.Protobuf, Compiler) }

// MarshalValueJSON encodes v with protojson when it is a Protobuf message,
// and reports false for any other value: what a producer's dead-letter
// record carries of a rejected message, without the producer linking
// Protobuf.
func (s *Compiled) MarshalValueJSON(v any) ([]byte, bool, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, false, nil
	}
	b, err := protojson.Marshal(m)
	return b, true, err
}

// Package formats compiles a schema of any of the three formats, for callers
// that get schemas of every kind (the registry server, the CLI). It only
// dispatches: each format's rules live in its own package. Importing it links
// all three formats, and so registers them all with serde.Compile (which the
// registry client and the producer use); a program that needs one format
// imports that format's package instead.
package formats

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Compile compiles s with the package for its format, resolving references
// through r (which may be nil for a schema without references).
func Compile(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	f, err := serde.ParseFormat(string(s.Format))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", serde.ErrSchema, err)
	}
	s.Format = f
	// Each case returns through a nil check: a typed nil *Schema in a
	// serde.Compiled would not compare equal to nil.
	switch f {
	case serde.Avro:
		return nonNil(avro.Compile(ctx, s, r))
	case serde.Protobuf:
		return nonNil(protobuf.Compile(ctx, s, r))
	default:
		return nonNil(jsonschema.Compile(ctx, s, r))
	}
}

func nonNil[T serde.Compiled](c T, err error) (serde.Compiled, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

// FromJSON turns one line of plain JSON into a value that c can validate
// and encode: a map for Avro and JSON Schema, a dynamic message for
// Protobuf. Its errors are *serde.ValidationError with paths.
func FromJSON(c serde.Compiled, line []byte) (any, error) {
	switch c := c.(type) {
	case interface {
		FromJSON([]byte) (proto.Message, error)
	}:
		return c.FromJSON(line)
	case interface{ FromJSON([]byte) (any, error) }:
		return c.FromJSON(line)
	}
	return nil, fmt.Errorf("serde: %s schemas do not read JSON input", c.Format())
}

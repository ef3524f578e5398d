package server

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// compiled is what the server needs from a compiled schema.
type compiled interface {
	Canonical() string
}

// compileFunc compiles s with its references resolved through r.
type compileFunc func(ctx context.Context, s serde.Schema, r serde.Resolver) (compiled, error)

// defaultCompile compiles with the format packages.
func defaultCompile(ctx context.Context, s serde.Schema, r serde.Resolver) (compiled, error) {
	switch s.Format {
	case serde.Avro, "":
		return avro.Compile(ctx, s, r)
	case serde.Protobuf:
		return protobuf.Compile(ctx, s, r)
	case serde.JSON:
		return jsonschema.Compile(ctx, s, r)
	}
	return nil, fmt.Errorf("%w: unknown format %q", serde.ErrSchema, s.Format)
}

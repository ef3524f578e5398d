package server

import (
	"context"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// compiled is what the server needs from a compiled schema.
type compiled interface {
	Canonical() string
}

// compileFunc compiles s with its references resolved through r.
type compileFunc func(ctx context.Context, s serde.Schema, r serde.Resolver) (compiled, error)

// defaultCompile compiles with serde/formats, which dispatches to the
// format packages.
func defaultCompile(ctx context.Context, s serde.Schema, r serde.Resolver) (compiled, error) {
	return formats.Compile(ctx, s, r)
}

package jsonschema

import (
	"context"

	"github.com/schemagen/schemagen/serde"
)

// Compiler is Compile as a serde.CompileFunc, the compiler a
// producer.SchemaSource names. Importing this package registers it with
// serde.Compile for the JSON format.
func Compiler(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	c, err := Compile(ctx, s, r)
	if err != nil {
		return nil, err // not a typed nil *Compiled in the interface
	}
	return c, nil
}

func init() { serde.RegisterCompiler(serde.JSON, Compiler) }

package registry

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

func init() { compile = compileFormat }

// compileFormat compiles s with its format package, for its canonical text.
func compileFormat(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	f, err := serde.ParseFormat(string(s.Format))
	if err != nil {
		return nil, err
	}
	switch f {
	case serde.Avro:
		return avro.Compile(ctx, s, r)
	case serde.Protobuf:
		return protobuf.Compile(ctx, s, r)
	case serde.JSON:
		return jsonschema.Compile(ctx, s, r)
	}
	return nil, fmt.Errorf("registry: no compiler for format %q", f)
}

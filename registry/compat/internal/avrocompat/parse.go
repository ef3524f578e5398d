package avrocompat

import (
	"context"
	"fmt"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

// MaxSteps bounds how many reader/writer type pairs one check compares, so
// that hostile schemas sent to the registry server cannot make the checker
// run long. The size, depth and reference limits of the text itself are
// serde/avro's (1 MiB, nesting 128, 1000 references by default).
const MaxSteps = 1 << 18

// parse compiles s with serde/avro, which resolves references and enforces
// the size and depth limits.
func parse(ctx context.Context, s serde.Schema, r serde.Resolver) (sch avro.Schema, err error) {
	defer func() {
		// A checker in a server must not take the process down if the
		// parser panics on some input.
		if v := recover(); v != nil {
			sch, err = nil, fmt.Errorf("%w: parser panicked: %v", serde.ErrSchema, v)
		}
	}()
	c, err := serdeavro.Compile(ctx, s, r)
	if err != nil {
		return nil, err
	}
	return c.Avro(), nil
}

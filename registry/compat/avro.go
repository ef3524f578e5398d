package compat

import (
	"context"

	"github.com/schemagen/schemagen/registry/compat/internal/avrocompat"
	"github.com/schemagen/schemagen/serde"
)

// Avro follows Apache Avro's SchemaCompatibility, which Confluent runs:
// see docs/COMPATIBILITY.md (Avro) for the rules.
func init() { readers[serde.Avro] = canReadAvro }

// canReadAvro is avrocompat.CanRead with Apache Avro's location of each
// finding as its ConfluentPath.
func canReadAvro(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	incs, err := avrocompat.CheckSchemas(ctx, reader, writer, r)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, inc := range incs {
		f := inc.Finding
		f.ConfluentPath = inc.Location
		out = append(out, f)
	}
	return out, nil
}

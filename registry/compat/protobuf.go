package compat

import (
	"context"

	"github.com/schemagen/schemagen/registry/compat/internal/protocompat"
	"github.com/schemagen/schemagen/serde"
)

// Protobuf follows Confluent's protobuf diff rules: see
// docs/COMPATIBILITY.md (Protobuf).
func init() { readers[serde.Protobuf] = canReadProtobuf }

// canReadProtobuf is protocompat.CanRead with Confluent's location of
// each difference ("#/Order/3") as its ConfluentPath.
func canReadProtobuf(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	diffs, err := protocompat.DiffSchemas(ctx, writer, reader, r)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, d := range diffs {
		if !protocompat.Compatible[d.Rule] {
			f := d.Finding
			f.ConfluentPath = d.Where
			out = append(out, f)
		}
	}
	return out, nil
}

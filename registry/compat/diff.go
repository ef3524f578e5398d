package compat

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/registry/compat/internal/jsoncompat"
	"github.com/schemagen/schemagen/registry/compat/internal/protocompat"
	"github.com/schemagen/schemagen/serde"
)

// Change is one difference between two schemas, compatible or not.
type Change struct {
	Finding
	// Compatible reports whether a reader with the update still reads
	// data written with the original despite this change: Confluent's
	// direction (original → update), the question BACKWARD asks.
	Compatible bool `json:"compatible"`
}

// Diff lists every change from original to update, the compatible ones
// too, each with Confluent's location beside ours. Diff reports an
// incompatible change exactly when CanRead(update, original) has a
// finding (for JSON Schema, under the STRICT policy).
//
//   - Protobuf: Confluent's protobuf diff, every difference type.
//   - JSON Schema: Confluent's SchemaDiff under the STRICT policy, every
//     difference type (DiffJSON takes the policy).
//   - Avro: Apache Avro only reports incompatibilities, so Diff walks both
//     schemas for the structural changes (FIELD_ADDED, FIELD_REMOVED,
//     FIELD_TYPE_CHANGED, ENUM_SYMBOL_ADDED, ...) and marks each by
//     whether Apache Avro's rules find an incompatibility there; an
//     incompatibility at no such change is listed under its own rule.
//
// Schemas that do not compile give an error wrapping serde.ErrSchema.
func Diff(ctx context.Context, original, update serde.Schema, r serde.Resolver) ([]Change, error) {
	return DiffJSON(ctx, JSONStrict, original, update, r)
}

// DiffJSON is Diff with JSON Schema changes judged under policy p. The
// changes listed are those of Confluent's STRICT comparison; LENIENT only
// changes which of them count as compatible.
func DiffJSON(ctx context.Context, p JSONPolicy, original, update serde.Schema, r serde.Resolver) ([]Change, error) {
	if formatName(original.Format) != formatName(update.Format) {
		return []Change{{Finding: Finding{Rule: "SCHEMA_TYPE_CHANGED",
			Message: fmt.Sprintf("schema type changed from %s to %s", formatName(original.Format), formatName(update.Format))}}}, nil
	}
	switch formatName(update.Format) {
	case serde.Avro:
		return diffAvro(ctx, original, update, r)
	case serde.Protobuf:
		ds, err := protocompat.DiffSchemas(ctx, original, update, r)
		if err != nil {
			return nil, err
		}
		out := make([]Change, 0, len(ds))
		for _, d := range ds {
			f := d.Finding
			f.ConfluentPath = d.Where
			out = append(out, Change{Finding: f, Compatible: protocompat.Compatible[d.Rule]})
		}
		return out, nil
	case serde.JSON:
		ds, err := jsoncompat.Compare(ctx, original, update, r)
		if err != nil {
			return nil, err
		}
		out := make([]Change, 0, len(ds))
		for _, d := range ds {
			out = append(out, Change{
				Finding:    Finding{Rule: string(d.Type), Path: d.Path, ConfluentPath: d.Path, Message: d.Message},
				Compatible: p.Compatible(d.Type),
			})
		}
		return out, nil
	}
	return nil, fmt.Errorf("compat: no checker for format %q", update.Format)
}

package compat

import (
	"context"

	"github.com/schemagen/schemagen/registry/compat/internal/jsoncompat"
	"github.com/schemagen/schemagen/serde"
)

// JSON Schema: Confluent's diff-based checker under its default STRICT
// policy (internal/jsoncompat; rules in docs/COMPATIBILITY.md).
func init() { readers[serde.JSON] = jsoncompat.CanRead }

// JSONPolicy is Confluent's compatibilityPolicy for JSON Schema subjects:
// which of the diff's change types count as compatible.
type JSONPolicy = jsoncompat.Policy

// The two policies. Check and CanRead use JSONStrict, Confluent's default.
const (
	JSONStrict  JSONPolicy = jsoncompat.Strict
	JSONLenient JSONPolicy = jsoncompat.Lenient
)

// CanReadJSON is CanRead for two JSON Schemas under an explicit policy.
// LENIENT also accepts changes to open and closed content models that
// STRICT refuses (an optional property added to an open object, a property
// removed from a closed one, additionalProperties narrowed, ...).
func CanReadJSON(ctx context.Context, p JSONPolicy, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	return jsoncompat.CanReadPolicy(ctx, p, reader, writer, r)
}

package compat

import (
	"context"
	"fmt"
	"strings"

	"github.com/schemagen/schemagen/registry/compat/internal/jsoncompat"
	"github.com/schemagen/schemagen/serde"
)

// JSON Schema: Confluent's diff-based checker under its default STRICT
// policy (internal/jsoncompat; rules in docs/COMPATIBILITY.md).
func init() {
	readers[serde.JSON] = func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
		return CanReadJSON(ctx, JSONStrict, reader, writer, r)
	}
}

// JSONPolicy is Confluent's compatibilityPolicy for JSON Schema subjects:
// which of the diff's change types count as compatible.
type JSONPolicy = jsoncompat.Policy

// The two policies. Check and CanRead use JSONStrict, Confluent's default;
// CheckPolicy and PolicyChecker take either.
const (
	JSONStrict  JSONPolicy = jsoncompat.Strict
	JSONLenient JSONPolicy = jsoncompat.Lenient
)

// ParseJSONPolicy parses STRICT or LENIENT, case-insensitively; "" is
// STRICT, as a subject without compatibilityPolicy is.
func ParseJSONPolicy(s string) (JSONPolicy, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "STRICT":
		return JSONStrict, nil
	case "LENIENT":
		return JSONLenient, nil
	}
	return JSONStrict, fmt.Errorf("compat: unknown JSON Schema compatibility policy %q", s)
}

// CanReadJSON is CanRead for two JSON Schemas under an explicit policy.
// LENIENT also accepts changes to open and closed content models that
// STRICT refuses (an optional property added to an open object, a property
// removed from a closed one, additionalProperties narrowed, ...).
func CanReadJSON(ctx context.Context, p JSONPolicy, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	fs, err := jsoncompat.CanReadPolicy(ctx, p, reader, writer, r)
	for i := range fs {
		fs[i].ConfluentPath = fs[i].Path // Confluent's form is the JSON pointer too
	}
	return fs, err
}

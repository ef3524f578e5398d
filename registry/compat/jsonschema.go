package compat

import (
	"github.com/schemagen/schemagen/registry/compat/internal/jsoncompat"
	"github.com/schemagen/schemagen/serde"
)

// JSON Schema: Confluent's diff-based checker under its default STRICT
// policy (internal/jsoncompat; rules in docs/COMPATIBILITY.md).
func init() { readers[serde.JSON] = jsoncompat.CanRead }

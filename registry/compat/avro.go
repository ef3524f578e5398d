package compat

import (
	"github.com/schemagen/schemagen/registry/compat/internal/avrocompat"
	"github.com/schemagen/schemagen/serde"
)

// Avro follows Apache Avro's SchemaCompatibility, which Confluent runs:
// see docs/COMPATIBILITY.md (Avro) for the rules.
func init() { readers[serde.Avro] = avrocompat.CanRead }

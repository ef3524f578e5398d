package compat

import (
	"github.com/schemagen/schemagen/registry/compat/internal/protocompat"
	"github.com/schemagen/schemagen/serde"
)

// Protobuf follows Confluent's protobuf diff rules: see
// docs/COMPATIBILITY.md (Protobuf).
func init() { readers[serde.Protobuf] = protocompat.CanRead }

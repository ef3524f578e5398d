package jsonschema

import (
	"fmt"

	"github.com/schemagen/schemagen/serde"
)

// ResolveWriter returns the decoder of records written with writer into
// values of s: each payload is validated against the writer's schema (what
// its producer promised), then unmarshalled into the reader's value. A
// writer that is not JSON Schema is an error wrapping serde.ErrSchemaMismatch.
func (s *Compiled) ResolveWriter(writer serde.Compiled) (func(data []byte, v any) error, error) {
	w, ok := writer.(*Compiled)
	if !ok || w == nil {
		if writer == nil {
			return nil, fmt.Errorf("%w: nil writer schema", serde.ErrSchemaMismatch)
		}
		return nil, fmt.Errorf("jsonschema: %w: the writer schema is %s, not JSON Schema", serde.ErrSchemaMismatch, writer.Format())
	}
	return w.Decode, nil
}

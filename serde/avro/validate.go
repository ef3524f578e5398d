package avro

import (
	"errors"

	"github.com/schemagen/schemagen/serde"
)

func (s *Schema) init() error { return nil }

// Validate checks v against the schema. Interim: it runs the codec into a
// scratch buffer; the full validator with field paths replaces it.
func (s *Schema) Validate(v any) error {
	_, err := s.encode(nil, v)
	if err != nil {
		return serde.Violation("", serde.ErrType, "%v", errors.Unwrap(err))
	}
	return nil
}

// AppendEncode validates v, encodes it and appends the bytes to dst.
func (s *Schema) AppendEncode(dst []byte, v any) ([]byte, error) {
	return s.encode(dst, v)
}

package avro

import "github.com/hamba/avro/v2"

// AppendEncode validates v, encodes it in Avro binary and appends the bytes
// to dst. On error dst comes back unchanged: a *serde.ValidationError (or
// errors.Join of several) when v does not fit, an error wrapping
// serde.ErrEncode if the codec refuses a value validation let through.
func (s *Schema) AppendEncode(dst []byte, v any) ([]byte, error) {
	if err := s.Validate(v); err != nil {
		return dst, err
	}
	if v == nil && s.root.typ == avro.Null {
		return dst, nil
	}
	return s.encode(dst, v)
}

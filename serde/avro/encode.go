package avro

import (
	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// AppendEncode validates v, encodes it in Avro binary and appends the bytes
// to dst. On error dst comes back unchanged: a *serde.ValidationError (or
// errors.Join of several) when v does not fit, an error wrapping
// serde.ErrEncode if the codec refuses a value validation let through.
//
// The validation plan and the codec's encoder are built once per Go type
// and cached; hamba writes into a pooled buffer that is appended to dst.
func (s *Schema) AppendEncode(dst []byte, v any) ([]byte, error) {
	if v == nil {
		if err := s.validatePlan(nil, nil); err != nil {
			return dst, err
		}
		if s.root.typ == avro.Null {
			return dst, nil
		}
		return s.encode(dst, nil, nil)
	}
	if vv, ok := v.(serde.Validatable); ok {
		if err := vv.Validate(); err != nil {
			return dst, err
		}
		return s.encode(dst, s.planOf(v), v)
	}
	p := s.planOf(v)
	if err := s.validatePlan(p, v); err != nil {
		return dst, err
	}
	return s.encode(dst, p, v)
}

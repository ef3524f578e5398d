package avro

import (
	"fmt"

	"github.com/hamba/avro/v2"
	"github.com/modern-go/reflect2"

	"github.com/schemagen/schemagen/serde"
)

// AppendEncode validates v, encodes it in Avro binary and appends the bytes
// to dst. On error dst comes back unchanged: a *serde.ValidationError (or
// errors.Join of several) when v does not fit, an error wrapping
// serde.ErrEncode if the codec refuses a value validation let through.
//
// The validation plan and the codec's encoder are built once per Go type
// and cached; hamba writes into a pooled buffer that is appended to dst.
func (s *Compiled) AppendEncode(dst []byte, v any) ([]byte, error) {
	if v == nil {
		if err := s.validatePlan(nil, nil); err != nil {
			return dst, err
		}
		if s.root.typ == avro.Null {
			return dst, nil
		}
		return s.encode(dst, nil, nil)
	}
	if vv, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		if err := vv.Validate(); err != nil {
			return dst, err
		}
		return s.encode(dst, s.planOf(v), v)
	}
	return s.appendPlan(dst, s.planOf(v), v)
}

// workspace is what one AppendEncode call borrows: the validation context
// and a hamba writer bound to this schema's config.
type workspace struct {
	c vctx
	w *avro.Writer
}

// appendPlan validates and encodes v with one pooled workspace and one
// deferred recover: the hot path.
func (s *Compiled) appendPlan(dst []byte, p *typePlan, v any) (out []byte, err error) {
	ws := s.work.Get().(*workspace)
	encoding := false
	defer func() {
		if r := recover(); r != nil {
			out = dst
			if encoding {
				err = fmt.Errorf("avro: %w: codec panic: %v", serde.ErrEncode, r)
			} else {
				err = serde.Violation("", serde.ErrEncode, "validator panic: %v", r)
			}
		}
		clear(ws.c.errs)
		ws.c.errs, ws.c.depth = ws.c.errs[:0], 0
		if cap(ws.w.Buffer()) <= 64<<10 { // keep pooled buffers small
			s.work.Put(ws)
		}
	}()
	runChk(p.chk, p.direct, v, &ws.c)
	if err := ws.c.result(); err != nil {
		return dst, err
	}
	encoding = true
	w := ws.w
	w.Reset(nil)
	w.Error = nil
	p.enc.Encode(reflect2.PtrOf(v), w)
	if w.Error != nil {
		return dst, fmt.Errorf("avro: %w: %v", serde.ErrEncode, w.Error)
	}
	return append(dst, w.Buffer()...), nil
}

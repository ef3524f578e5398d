package protobuf

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/schemagen/schemagen/serde"
)

// This file is the runtime of the AppendProto methods that schemagen
// generates for Protobuf messages: they validate and encode in one pass,
// without reflection, and write what proto.MarshalOptions{Deterministic:
// true} writes for the same message (fields by number, map entries by
// key, unknown fields last). Violations carry the paths, sentinels and
// reasons of this package's validator.

// Enc collects the violations of one generated AppendProto call. The zero
// value is ready and costs nothing while the message is valid.
type Enc struct{ errs []genErr }

type genErr struct {
	segs     []genSeg // innermost first
	sentinel error
	reason   string
}

type genSeg struct {
	name string
	idx  int
	kind uint8 // 0 field, 1 index, 2 map key (rendered)
}

// Mark returns the number of violations so far.
func (e *Enc) Mark() int { return len(e.errs) }

func (e *Enc) add(mark int, s genSeg) {
	for i := mark; i < len(e.errs); i++ {
		e.errs[i].segs = append(e.errs[i].segs, s)
	}
}

// Field puts field name in the path of the violations added since mark.
func (e *Enc) Field(mark int, name string) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{name: name})
	}
}

// Index puts list index i in the path of the violations added since mark.
func (e *Enc) Index(mark, i int) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{idx: i, kind: 1})
	}
}

// Key puts string map key k in the path of the violations added since mark.
func (e *Enc) Key(mark int, k string) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{name: strconv.Quote(k), kind: 2})
	}
}

// KeyInt puts integer map key k in the path.
func (e *Enc) KeyInt(mark int, k int64) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{name: strconv.FormatInt(k, 10), kind: 2})
	}
}

// KeyUint puts unsigned map key k in the path.
func (e *Enc) KeyUint(mark int, k uint64) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{name: strconv.FormatUint(k, 10), kind: 2})
	}
}

// KeyBool puts bool map key k in the path.
func (e *Enc) KeyBool(mark int, k bool) {
	if len(e.errs) > mark {
		e.add(mark, genSeg{name: strconv.FormatBool(k), kind: 2})
	}
}

func (e *Enc) fail(sentinel error, format string, args ...any) {
	e.errs = append(e.errs, genErr{sentinel: sentinel, reason: fmt.Sprintf(format, args...)})
}

// Missing records an unset required field.
func (e *Enc) Missing(name string) {
	e.fail(serde.ErrRequired, "required field %s is not set", name)
	e.errs[len(e.errs)-1].segs = append(e.errs[len(e.errs)-1].segs, genSeg{name: name})
}

// BadKey records a map key that is not UTF-8.
func (e *Enc) BadKey() { e.fail(serde.ErrFormat, "map key is not valid UTF-8") }

// BadEnum records a number that closed enum fullName does not declare. The
// reason names the enum, not n: values stay out of errors.
func (e *Enc) BadEnum(n int32, fullName string) {
	e.fail(serde.ErrEnum, "not a value of closed enum %s", fullName)
}

// CheckUTF8 records s if it is not UTF-8.
func (e *Enc) CheckUTF8(s string) {
	if !utf8.ValidString(s) {
		e.fail(serde.ErrFormat, "string is not valid UTF-8")
	}
}

// Err returns nil or errors.Join of the violations, as Validate does.
func (e *Enc) Err() error {
	if len(e.errs) == 0 {
		return nil
	}
	out := make([]error, len(e.errs))
	for i, x := range e.errs {
		out[i] = &serde.ValidationError{Path: genPath(x.segs), Err: x.sentinel, Reason: x.reason}
	}
	return errors.Join(out...)
}

func genPath(segs []genSeg) string {
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		switch s.kind {
		case 0:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		case 1:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		case 2:
			b.WriteByte('[')
			b.WriteString(s.name)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// AppendString appends a length-delimited string.
func AppendString(dst []byte, s string) []byte {
	return append(protowire.AppendVarint(dst, uint64(len(s))), s...)
}

// Begin starts a length-delimited value whose length is not known yet: it
// reserves one byte, which End fills (moving the value when its length
// needs more).
func Begin(dst []byte) ([]byte, int) { return append(dst, 0), len(dst) }

// End writes the length of the value Begin started at st.
func End(dst []byte, st int) []byte {
	n := len(dst) - st - 1
	if n < 0x80 {
		dst[st] = byte(n)
		return dst
	}
	k := protowire.SizeVarint(uint64(n))
	end := len(dst)
	dst = append(dst, make([]byte, k-1)...) // no allocation while dst has room
	copy(dst[st+k:], dst[st+1:end])
	protowire.AppendVarint(dst[st:st], uint64(n))
	return dst
}

// SortedKeys appends m's keys to buf, sorted, for map entries in the
// order deterministic marshaling writes them. A buf with room for them
// (an array on the caller's stack) spares the allocation.
func SortedKeys[K cmp.Ordered, V any](m map[K]V, buf []K) []K {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

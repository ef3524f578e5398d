package protobuf

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/schemagen/schemagen/serde"
)

// This file is the runtime of the BufValidate methods that schemagen
// generates for Protobuf messages whose buf.validate rules are all
// standard rules (int32.gt, string.min_len, repeated.unique, required,
// ...): plain Go checks in place of protovalidate-go, with the rule IDs,
// field paths and messages protovalidate-go reports for the same message.

// BufCheck collects the violations of one generated BufValidate call. With
// FailFast set it keeps the first violation and ignores the rest, as
// protovalidate-go's WithFailFast does. The zero value is ready and costs
// nothing while the message is valid.
type BufCheck struct {
	FailFast bool
	errs     []bufErr
}

type bufErr struct {
	segs          []genSeg // innermost first
	id, expr, msg string
}

// Mark returns the number of violations so far.
func (c *BufCheck) Mark() int { return len(c.errs) }

// Done reports whether a fail-fast check has its violation: what remains
// need not run.
func (c *BufCheck) Done() bool { return c.FailFast && len(c.errs) > 0 }

// Add records a violation of rule id (at rule path expr, like
// string.min_len) by the value being checked; its path is added by the
// callers (Field, Index, Key...).
func (c *BufCheck) Add(id, expr, msg string) {
	if c.Done() {
		return
	}
	c.errs = append(c.errs, bufErr{id: id, expr: expr, msg: msg})
}

// AddField records a violation by field name of the message being checked.
func (c *BufCheck) AddField(name, id, expr, msg string) {
	if c.Done() {
		return
	}
	c.errs = append(c.errs, bufErr{segs: []genSeg{{name: name}}, id: id, expr: expr, msg: msg})
}

func (c *BufCheck) add(mark int, s genSeg) {
	for i := mark; i < len(c.errs); i++ {
		c.errs[i].segs = append(c.errs[i].segs, s)
	}
}

// Field puts field name in the path of the violations added since mark.
func (c *BufCheck) Field(mark int, name string) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{name: name})
	}
}

// Index puts list index i in the path of the violations added since mark.
func (c *BufCheck) Index(mark, i int) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{idx: i, kind: 1})
	}
}

// Key puts string map key k in the path of the violations added since mark.
func (c *BufCheck) Key(mark int, k string) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{name: strconv.Quote(k), kind: 2})
	}
}

// KeyInt puts integer map key k in the path.
func (c *BufCheck) KeyInt(mark int, k int64) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{name: strconv.FormatInt(k, 10), kind: 2})
	}
}

// KeyUint puts unsigned map key k in the path.
func (c *BufCheck) KeyUint(mark int, k uint64) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{name: strconv.FormatUint(k, 10), kind: 2})
	}
}

// KeyBool puts bool map key k in the path.
func (c *BufCheck) KeyBool(mark int, k bool) {
	if len(c.errs) > mark {
		c.add(mark, genSeg{name: strconv.FormatBool(k), kind: 2})
	}
}

// Err returns nil, the *serde.ValidationError of the one violation, or
// errors.Join of one per violation, in protovalidate-go's order. Each
// wraps serde.ErrRule and reads as serde/contract reports protovalidate-go's
// violations: Path like items[2].sku, Rule the rule ID, RuleExpr the rule's
// place among the buf.validate options, Reason `breaks rule "<id>": <message>`.
func (c *BufCheck) Err() error {
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return c.errs[0].err()
	}
	out := make([]error, len(c.errs))
	for i := range c.errs {
		out[i] = c.errs[i].err()
	}
	return errors.Join(out...)
}

func (x *bufErr) err() *serde.ValidationError {
	return &serde.ValidationError{
		Path:     genPath(x.segs),
		Reason:   fmt.Sprintf("breaks rule %q: %s", x.id, x.msg),
		Err:      serde.ErrRule,
		Rule:     x.id,
		RuleExpr: x.expr,
		RuleDoc:  x.msg,
	}
}

// BufScalar is a Go type of repeated scalar Protobuf values but bytes.
type BufScalar interface {
	~int32 | ~int64 | ~uint32 | ~uint64 | ~float32 | ~float64 | ~string | ~bool
}

// BufUnique reports whether s has no two equal items (NaNs are all
// different, as in protovalidate-go).
func BufUnique[T BufScalar](s []T) bool {
	if len(s) <= 16 {
		for i := 1; i < len(s); i++ {
			for j := range i {
				if s[i] == s[j] {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[T]struct{}, len(s))
	for _, x := range s {
		if _, ok := seen[x]; ok {
			return false
		}
		seen[x] = struct{}{}
	}
	return true
}

// BufUniqueBytes is BufUnique for bytes items.
func BufUniqueBytes(s [][]byte) bool {
	if len(s) <= 16 {
		for i := 1; i < len(s); i++ {
			for j := range i {
				if string(s[i]) == string(s[j]) {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]struct{}, len(s))
	for _, x := range s {
		if _, ok := seen[string(x)]; ok {
			return false
		}
		seen[string(x)] = struct{}{}
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// BufUUID reports whether s matches protovalidate-go's string.uuid
// pattern, ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$.
func BufUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// BufTUUID reports whether s matches string.tuuid's ^[0-9a-fA-F]{32}$.
func BufTUUID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < 32; i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// BufULID reports whether s matches string.ulid's
// ^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$.
func BufULID(s string) bool {
	if len(s) != 26 || s[0] < '0' || s[0] > '7' {
		return false
	}
	for i := 1; i < 26; i++ {
		b := s[i]
		if 'a' <= b && b <= 'z' {
			b -= 'a' - 'A'
		}
		switch {
		case '0' <= b && b <= '9':
		case 'A' <= b && b <= 'Z' && b != 'I' && b != 'L' && b != 'O' && b != 'U':
		default:
			return false
		}
	}
	return true
}

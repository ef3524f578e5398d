package jsonschema

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/schemagen/schemagen/serde"
)

// run is one validation of JSON text by a plan. The text is well-formed
// (encoding/json wrote it, or json.Valid checked it).
type run struct {
	data     []byte
	errs     []*serde.ValidationError
	quiet    int // inside anyOf, oneOf, not, if: failures count, not reported
	depth    int // nesting of value calls: values and applicators
	declined bool
	compact  bool // no whitespace between tokens (encoding/json wrote it)
	// maxDigits bounds the digits of a number the plan compares; longer
	// ones decline (see MaxNumberDigits).
	maxDigits int
	path      []pathSeg
	keys      [][]byte // keys of open objects, for duplicate checks
}

// pathSeg is one step of the path to the value being checked: an object
// key (raw JSON string contents, maybe escaped) or an array index.
type pathSeg struct {
	key []byte
	idx int // -1 for a key
}

const maxPlanDepth = 1000

var runs = sync.Pool{New: func() any { return new(run) }}

// runPlan validates data with the plan. ok is false when the plan declined
// the value (an object with a duplicate key, or a number with an exponent
// too large to compare cheaply); the library must decide then.
func (s *Compiled) runPlan(data []byte, compact bool) (errs []*serde.ValidationError, ok bool) {
	r := runs.Get().(*run)
	r.data, r.compact, r.maxDigits = data, compact, s.maxDigits
	r.value(s.plan, 0)
	errs, ok = r.errs, !r.declined
	r.data, r.errs, r.declined, r.quiet, r.depth = nil, nil, false, 0, 0
	r.path, r.keys = r.path[:0], r.keys[:0]
	runs.Put(r)
	return errs, ok
}

// fail records a violation. Reasons never quote the value at fault (it
// may be a credential or personal data, and violations reach logs,
// dead-letter headers and CLI output): they name the rule and the
// schema's facts (the format, the bounds, the enum), at most the value's
// length (in characters).
func (r *run) fail(sentinel error, format string, args ...any) {
	if r.quiet > 0 {
		return
	}
	r.errs = append(r.errs, &serde.ValidationError{Path: r.pathString(""), Err: sentinel, Reason: fmt.Sprintf(format, args...)})
}

func (r *run) failKey(key string, sentinel error, reason string) {
	if r.quiet > 0 {
		return
	}
	r.errs = append(r.errs, &serde.ValidationError{Path: r.pathString(key), Err: sentinel, Reason: reason})
}

func (r *run) pathString(last string) string {
	var b []byte
	for _, p := range r.path {
		if p.idx >= 0 {
			b = appendIndex(b, p.idx)
		} else {
			b = appendKey(b, unquote(p.key))
		}
	}
	if last != "" {
		b = appendKey(b, last)
	}
	return string(b)
}

// unquote returns the value of the contents of a JSON string.
func unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw)
	}
	var s string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	_ = json.Unmarshal(q, &s)
	return s
}

// ws skips whitespace. The text is well-formed, so every byte up to a
// space outside a string is whitespace.
func (r *run) ws(i int) int {
	if r.compact {
		return i
	}
	for i < len(r.data) && r.data[i] <= ' ' {
		i++
	}
	return i
}

// str scans the string at i (at its quote). It returns the index after the
// closing quote, the raw contents, and whether they may differ from the
// string's value (escapes, or bytes beyond ASCII that may be invalid
// UTF-8). It looks at eight bytes at a time while they hold no quote, no
// backslash and nothing beyond ASCII.
func (r *run) str(i int) (end int, raw []byte, esc bool) {
	d := r.data
	j := i + 1
	for j+8 <= len(d) {
		x := binary.LittleEndian.Uint64(d[j:])
		if (hasZero(x^quotes)|hasZero(x^backslashes)|x)&highBits != 0 {
			break
		}
		j += 8
	}
	var acc byte
	for ; j < len(d); j++ {
		c := d[j]
		if c == '"' {
			break
		}
		if c == '\\' {
			esc = true
			j++
			continue
		}
		acc |= c
	}
	if j > len(d) {
		j = len(d)
	}
	if !esc && acc < utf8.RuneSelf {
		// The word loop skipped only ASCII; acc saw the rest.
		return j + 1, d[i+1 : j], false
	}
	return j + 1, d[i+1 : j], true
}

const (
	lowBits     = 0x0101010101010101
	highBits    = 0x8080808080808080
	quotes      = '"' * lowBits
	backslashes = '\\' * lowBits
)

// hasZero has the high bit set in the bytes of x that are zero (and
// perhaps in bytes above one that is: callers only test for any).
func hasZero(x uint64) uint64 { return (x - lowBits) &^ x & highBits }

// plain reports whether raw string contents, which str flagged with esc,
// are their own value: no escapes and valid UTF-8 (encoding/json replaces
// invalid bytes).
func plain(raw []byte, esc bool) bool {
	return !esc || bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw)
}

// skip returns the index after the value at i.
func (r *run) skip(i int) int {
	d := r.data
	i = r.ws(i)
	if i >= len(d) {
		return i
	}
	switch d[i] {
	case '"':
		end, _, _ := r.str(i)
		return end
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				i, _, _ = r.str(i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				// Outside strings a minus or a digit starts a number.
				i = r.number(i)
				continue
			}
			i++
		}
		return i
	}
	return r.number(i)
}

// number returns the index after the number literal at i (or after
// whatever scalar is there: true, false, null). It declines a number
// whose exponent is beyond ±maxExponent or that has more than maxDigits
// digits: the library must refuse it (see hugeNumbers).
func (r *run) number(i int) int {
	d := r.data
	start := i
	for i < len(d) {
		switch d[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			r.checkNumber(d[start:i])
			return i
		}
		i++
	}
	r.checkNumber(d[start:i])
	return i
}

func (r *run) checkNumber(lit []byte) {
	if p := bytes.IndexAny(lit, "eE"); p >= 0 && hugeExponent(lit[p+1:]) || tooManyDigits(lit, r.maxDigits) {
		r.declined = true
	}
}

// maxExponent bounds the exponent of numbers in values and schemas: exact
// arithmetic on 1e999999999 takes the library minutes.
const maxExponent = 1000

// hugeExponent reports whether the exponent digits at the start of b
// (after an optional sign) exceed maxExponent.
func hugeExponent[T string | []byte](b T) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !isDigit(c) {
			break
		}
		n = n*10 + int(c-'0')
		if n > maxExponent {
			return true
		}
	}
	return false
}

func kindName(k uint8) string {
	switch k {
	case tNull:
		return "null"
	case tBool:
		return "boolean"
	case tObject:
		return "object"
	case tArray:
		return "array"
	case tString:
		return "string"
	}
	return "number"
}

// value validates the value at i against n and returns the index after it.
func (r *run) value(n *node, i int) (int, bool) {
	for hops := 0; n != nil && n.onlyRef; hops++ {
		if hops == 64 { // a chain of $refs this long is a loop
			r.declined = true
			return len(r.data), false
		}
		n = n.ref
	}
	// A schema that applies itself to the same value ({"allOf":[{"$ref":"#"}]})
	// never ends; nor does anything this deep end soon. The library
	// reports the loop.
	if r.depth++; r.depth > maxPlanDepth {
		r.declined = true
		return len(r.data), false
	}
	i = r.ws(i)
	if n == nil || n.always == 1 || i >= len(r.data) {
		r.depth--
		return r.skip(i), true
	}
	if n.always == -1 {
		r.fail(serde.ErrConstraint, "not allowed by the schema")
		r.depth--
		return r.skip(i), false
	}
	d := r.data
	var kind uint8
	switch d[i] {
	case '{':
		kind = tObject
	case '[':
		kind = tArray
	case '"':
		kind = tString
	case 't', 'f':
		kind = tBool
	case 'n':
		kind = tNull
	default:
		kind = tNumber
	}
	var num []byte
	numEnd := i
	if kind == tNumber {
		numEnd = r.skip(i)
		num = d[i:numEnd]
		if r.declined {
			// Too long or too large to compare: the library refuses it.
			r.depth--
			return numEnd, false
		}
	}
	if n.types != 0 && n.types&kind == 0 {
		match := false
		if kind == tNumber && n.types&tInteger != 0 {
			isInt, ok := integral(num)
			if !ok {
				r.declined = true
				r.depth--
				return numEnd, false
			}
			match = isInt
		}
		if !match {
			r.fail(serde.ErrType, "expected %s, but got %s", n.tnames, kindName(kind))
			r.depth--
			return r.skip(i), false
		}
	}
	ok := true
	var end int
	switch kind {
	case tObject:
		if n.objChecks {
			end, ok = r.object(n, i)
		} else {
			end = r.skip(i)
		}
		if n.consts != nil {
			r.fail(serde.ErrEnum, "value must be %s", n.enumText)
			ok = false
		}
	case tArray:
		if n.arrChecks {
			end, ok = r.array(n, i)
		} else {
			end = r.skip(i)
		}
		if n.consts != nil {
			r.fail(serde.ErrEnum, "value must be %s", n.enumText)
			ok = false
		}
	case tString:
		var raw []byte
		var esc bool
		end, raw, esc = r.str(i)
		if n.strChecks {
			ok = r.stringChecks(n, raw, esc)
		}
	case tNumber:
		end = numEnd
		if n.numChecks || n.consts != nil {
			ok = r.numberChecks(n, num)
		}
	default:
		end = r.skip(i)
		if n.consts != nil {
			match := false
			for _, c := range n.consts {
				if c.kind == kind && (kind == tNull || c.b == (d[i] == 't')) {
					match = true
					break
				}
			}
			if !match {
				r.fail(serde.ErrEnum, "value must be %s", n.enumText)
				ok = false
			}
		}
	}
	if n.applies && !r.declined {
		ok = r.applicators(n, i) && ok
	}
	r.depth--
	return end, ok
}

// child is value with a short cut for the commonest node, a string with
// string keywords, when it meets a string.
func (r *run) child(n *node, i int) (int, bool) {
	if n.leafString {
		i = r.ws(i)
		if i < len(r.data) && r.data[i] == '"' {
			end, raw, esc := r.str(i)
			if !n.strChecks {
				return end, true
			}
			return end, r.stringChecks(n, raw, esc)
		}
	}
	return r.value(n, i)
}

func (r *run) applicators(n *node, i int) bool {
	ok := true
	if n.ref != nil {
		_, k := r.value(n.ref, i)
		ok = ok && k
	}
	for _, x := range n.allOf {
		_, k := r.value(x, i)
		ok = ok && k
	}
	if n.anyOf != nil {
		r.quiet++
		matched := false
		for _, x := range n.anyOf {
			if _, k := r.value(x, i); k {
				matched = true
				break
			}
		}
		r.quiet--
		if !matched {
			r.fail(serde.ErrUnion, "matches none of anyOf")
			ok = false
		}
	}
	if n.oneOf != nil {
		r.quiet++
		matched := 0
		for _, x := range n.oneOf {
			if _, k := r.value(x, i); k {
				matched++
				if matched > 1 {
					break
				}
			}
		}
		r.quiet--
		switch matched {
		case 0:
			r.fail(serde.ErrUnion, "matches none of oneOf")
			ok = false
		case 2:
			r.fail(serde.ErrUnion, "matches more than one of oneOf")
			ok = false
		}
	}
	if n.not != nil {
		r.quiet++
		_, k := r.value(n.not, i)
		r.quiet--
		if k {
			r.fail(serde.ErrConstraint, "matches the schema under not")
			ok = false
		}
	}
	if n.ifn != nil {
		r.quiet++
		_, k := r.value(n.ifn, i)
		r.quiet--
		next := n.els
		if k {
			next = n.th
		}
		if next != nil {
			_, k := r.value(next, i)
			ok = ok && k
		}
	}
	return ok
}

// keySet records which of a node's indexed keys an object has: a bit set,
// or a slice past 64 keys.
type keySet struct {
	bits uint64
	big  []bool
}

// add marks idx and reports whether it was marked already (a duplicate
// key).
func (ks *keySet) add(idx int) (dup bool) {
	if ks.big != nil {
		dup, ks.big[idx] = ks.big[idx], true
		return dup
	}
	dup = ks.bits&(1<<idx) != 0
	ks.bits |= 1 << idx
	return dup
}

func (ks *keySet) has(idx int) bool {
	if ks.big != nil {
		return ks.big[idx]
	}
	return ks.bits&(1<<idx) != 0
}

func (r *run) object(n *node, i int) (int, bool) {
	d := r.data
	ok := true
	var seen keySet
	if len(n.keyNames) > 64 {
		seen.big = make([]bool, len(n.keyNames))
	}
	track := n.addl != nil || n.patterns != nil || n.minProps >= 0 || n.maxProps >= 0
	keys0 := len(r.keys)
	var unnamed map[string]struct{} // see trackKey
	count, next := 0, 0
	objStart := i
	i = r.ws(i + 1)
	for i < len(d) && d[i] != '}' {
		keyPos := i
		kend, raw, esc := r.str(i)
		key := raw
		if !plain(raw, esc) {
			key = []byte(unquote(raw))
		}
		i = r.ws(kend) + 1 // past ':'
		count++
		// Keys mostly come in the schema's order: try the next one first.
		var idx int
		var known bool
		switch {
		case next < len(n.keyNames) && n.keyNames[next] == string(key):
			idx, known = next, true
		case n.table != nil:
			idx, known = n.table.lookup(key)
		default:
			idx, known = n.keys[string(key)]
		}
		if known {
			next = idx + 1
			if seen.add(idx) {
				r.declined = true
			}
		} else if track {
			r.trackKey(keys0, key, &unnamed)
		}
		end := -1
		if !r.declined {
			var k bool
			end, k = r.member(n, key, raw, keyPos, i, known && n.inProps[idx], idx)
			ok = ok && k
		}
		if r.declined {
			r.keys = r.keys[:keys0]
			return len(d), false
		}
		if end < 0 {
			end = r.skip(i)
		}
		i = r.ws(end)
		if i < len(d) && d[i] == ',' {
			i = r.ws(i + 1)
		}
	}
	r.keys = r.keys[:keys0]
	ok = r.objectRules(n, &seen, count, objStart) && ok
	return i + 1, ok
}

// linearKeys is how many unnamed keys of one object trackKey compares
// one by one; past it, they go in a set, so that an object with many keys
// costs time linear in their number.
const linearKeys = 32

// trackKey remembers a key no keyword names, declining when the object
// has it twice (the library decides duplicate keys). The keys of the
// object are r.keys[keys0:], and *set once there are more than linearKeys.
func (r *run) trackKey(keys0 int, key []byte, set *map[string]struct{}) {
	if *set != nil {
		if _, dup := (*set)[string(key)]; dup {
			r.declined = true
			return
		}
		(*set)[string(key)] = struct{}{}
		return
	}
	for _, k := range r.keys[keys0:] {
		if bytes.Equal(k, key) {
			r.declined = true
			return
		}
	}
	r.keys = append(r.keys, key)
	if len(r.keys)-keys0 > linearKeys {
		*set = make(map[string]struct{}, 2*linearKeys)
		for _, k := range r.keys[keys0:] {
			(*set)[string(k)] = struct{}{}
		}
	}
}

// member validates the value of one object member, at start, against
// propertyNames (the key), then properties (inProps: the key's index idx),
// patternProperties and additionalProperties for keys neither names. It
// returns the index after the value, or -1 when nothing read it.
func (r *run) member(n *node, key, raw []byte, keyPos, start int, inProps bool, idx int) (int, bool) {
	ok := true
	if n.propNames != nil {
		// The key itself, as a string value, at the key's path.
		r.path = append(r.path, pathSeg{key: raw, idx: -1})
		_, k := r.child(n.propNames, keyPos)
		r.path = r.path[:len(r.path)-1]
		ok = ok && k
		if r.declined {
			return -1, false
		}
	}
	end := -1
	matched := false
	for _, p := range n.patterns {
		if !p.match.match(key) {
			continue
		}
		matched = true
		r.path = append(r.path, pathSeg{key: raw, idx: -1})
		e, k := r.child(p.node, start)
		r.path = r.path[:len(r.path)-1]
		end, ok = e, ok && k
		if r.declined {
			return -1, false
		}
	}
	var sub *node
	switch {
	case inProps:
		sub = n.keyNodes[idx]
	case matched:
	case n.addlFalse:
		r.failKey(string(key), serde.ErrUnknownField, "property not allowed by the schema")
		ok = false
	default:
		sub = n.addl
	}
	if sub != nil {
		r.path = append(r.path, pathSeg{key: raw, idx: -1})
		var k bool
		end, k = r.child(sub, start)
		r.path = r.path[:len(r.path)-1]
		ok = ok && k
	}
	return end, ok
}

// objectRules checks what needs the whole object: required, the
// dependencies, minProperties and maxProperties.
func (r *run) objectRules(n *node, seen *keySet, count, objStart int) bool {
	ok := true
	for _, idx := range n.required {
		if !seen.has(idx) {
			r.failKey(n.keyNames[idx], serde.ErrRequired, "missing required property")
			ok = false
		}
	}
	for _, dep := range n.depReq {
		if !seen.has(dep.ifIdx) {
			continue
		}
		for _, idx := range dep.need {
			if !seen.has(idx) {
				r.fail(serde.ErrConstraint, "property %q is required, if %q property exists", n.keyNames[idx], dep.name)
				ok = false
			}
		}
	}
	for _, dep := range n.depSchema {
		if seen.has(dep.ifIdx) && !r.declined {
			_, k := r.value(dep.node, objStart)
			ok = ok && k
		}
	}
	if n.minProps >= 0 && count < n.minProps {
		r.fail(serde.ErrRange, "minimum %d properties allowed, but found %d properties", n.minProps, count)
		ok = false
	}
	if n.maxProps >= 0 && count > n.maxProps {
		r.fail(serde.ErrRange, "maximum %d properties allowed, but found %d properties", n.maxProps, count)
		ok = false
	}
	return ok
}

func (r *run) array(n *node, i int) (int, bool) {
	d := r.data
	ok := true
	count := 0
	var bounds []int // start and end of each item, for uniqueItems
	contained := 0
	i = r.ws(i + 1)
	for i < len(d) && d[i] != ']' {
		if n.unique {
			bounds = append(bounds, i)
		}
		if n.contains != nil {
			r.quiet++
			if _, k := r.child(n.contains, i); k {
				contained++
			}
			r.quiet--
			if r.declined {
				return len(d), false
			}
		}
		sub := n.items
		if count < len(n.prefix) {
			sub = n.prefix[count]
		}
		if sub != nil {
			r.path = append(r.path, pathSeg{idx: count})
			var k bool
			i, k = r.child(sub, i)
			r.path = r.path[:len(r.path)-1]
			ok = ok && k
			if r.declined {
				return len(d), false
			}
		} else {
			i = r.skip(i)
		}
		count++
		if n.unique {
			bounds = append(bounds, i)
		}
		i = r.ws(i)
		if i < len(d) && d[i] == ',' {
			i = r.ws(i + 1)
		}
	}
	if n.contains != nil && !r.declined {
		if contained < n.minCont {
			r.fail(serde.ErrConstraint, "valid must be >= %d, but got %d", n.minCont, contained)
			ok = false
		}
		if n.maxCont >= 0 && contained > n.maxCont {
			r.fail(serde.ErrConstraint, "valid must be <= %d, but got %d", n.maxCont, contained)
			ok = false
		}
	}
	if n.unique && !r.declined {
		if a, b, dup := r.duplicateItems(bounds); dup {
			r.fail(serde.ErrConstraint, "items at index %d and %d are equal", a, b)
			ok = false
		}
	}
	if n.minItems >= 0 && count < n.minItems {
		r.fail(serde.ErrRange, "minimum %d items required, but found %d items", n.minItems, count)
		ok = false
	}
	if n.maxItems >= 0 && count > n.maxItems {
		r.fail(serde.ErrRange, "maximum %d items required, but found %d items", n.maxItems, count)
		ok = false
	}
	return i + 1, ok
}

func (r *run) stringChecks(n *node, raw []byte, esc bool) bool {
	ok := true
	var s string
	haveS := false
	if !plain(raw, esc) {
		s, haveS = unquote(raw), true
		raw = []byte(s)
	}
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := len(raw)
		if esc {
			l = utf8.RuneCount(raw)
		}
		if n.minLen >= 0 && l < n.minLen {
			r.fail(serde.ErrRange, "length must be >= %d, but got %d", n.minLen, l)
			ok = false
		}
		if n.maxLen >= 0 && l > n.maxLen {
			r.fail(serde.ErrRange, "length must be <= %d, but got %d", n.maxLen, l)
			ok = false
		}
	}
	if n.match != nil && !(!esc && n.match.matchASCII(raw) || esc && n.match.match(raw)) {
		r.fail(serde.ErrFormat, "does not match pattern %q", n.pattern.String())
		ok = false
	}
	if n.consts != nil {
		match := false
		for _, c := range n.consts {
			if c.kind == tString && c.s == string(raw) {
				match = true
				break
			}
		}
		if !match {
			r.fail(serde.ErrEnum, "value must be %s", n.enumText)
			ok = false
		}
	}
	if n.format != nil && (n.fastFormat == nil || !n.fastFormat(raw)) {
		if !haveS {
			s = string(raw)
		}
		if !n.format(s) {
			r.fail(serde.ErrFormat, "not a valid %s (string of length %d)", n.formatName, utf8.RuneCountInString(s))
			ok = false
		}
	}
	return ok
}

// integral reports whether the number literal is an integer. ok is false
// for an exponent too large to reason about cheaply.
func integral(lit []byte) (isInt, ok bool) {
	if plainInt(lit) {
		return true, true
	}
	mant, exp, ok := splitNumber(lit)
	if !ok {
		return false, false
	}
	frac := 0
	if p := bytes.IndexByte(mant, '.'); p >= 0 {
		frac = len(mant) - p - 1
	}
	// Trailing zeros of the digits (ignoring the point) count toward the
	// exponent; all zeros is zero, an integer.
	tz, nonzero := 0, false
	for j := len(mant) - 1; j >= 0; j-- {
		c := mant[j]
		if c == '.' || c == '-' {
			continue
		}
		if c != '0' {
			nonzero = true
			break
		}
		tz++
	}
	if !nonzero {
		return true, true
	}
	return exp-frac+tz >= 0, true
}

// splitNumber splits a literal into mantissa and exponent; ok is false for
// exponents beyond ±1000.
func splitNumber(lit []byte) (mant []byte, exp int, ok bool) {
	p := bytes.IndexAny(lit, "eE")
	if p < 0 {
		return lit, 0, true
	}
	e := lit[p+1:]
	neg := false
	if len(e) > 0 && (e[0] == '+' || e[0] == '-') {
		neg = e[0] == '-'
		e = e[1:]
	}
	for _, c := range e {
		exp = exp*10 + int(c-'0')
		if exp > maxExponent {
			return nil, 0, false
		}
	}
	if neg {
		exp = -exp
	}
	return lit[:p], exp, true
}

// parsedNum is an instance number, parsed lazily.
type parsedNum struct {
	lit   []byte
	i     int64
	isInt bool // plain integer literal that fits int64
	f     float64
	rat   *big.Rat
}

// plainInt reports whether lit is digits with an optional minus sign.
func plainInt(lit []byte) bool {
	for k, c := range lit {
		if !isDigit(c) && (c != '-' || k > 0) {
			return false
		}
	}
	return true
}

func parseNum(lit []byte) (parsedNum, bool) {
	p := parsedNum{lit: lit}
	if len(lit) <= 18 && plainInt(lit) {
		neg := lit[0] == '-'
		var v int64
		for _, c := range lit[btoi(neg):] {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		p.i, p.isInt, p.f = v, true, float64(v)
		return p, true
	}
	if _, _, ok := splitNumber(lit); !ok {
		return p, false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil && !math.IsInf(f, 0) {
		return p, false
	}
	p.f = f
	return p, true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// exact returns the number as a big.Rat. Callers have checked the literal
// (checkNumber: at most maxDigits digits, an exponent within ±maxExponent),
// so SetString cannot fail on it; should it, the number compares as zero
// rather than panicking.
func (p *parsedNum) exact() *big.Rat {
	if p.rat == nil {
		var ok bool
		if p.rat, ok = new(big.Rat).SetString(string(p.lit)); !ok {
			p.rat = new(big.Rat)
		}
	}
	return p.rat
}

// cmp compares the number with a bound exactly.
func (p *parsedNum) cmp(b *bound) int {
	if p.isInt && b.isInt {
		switch {
		case p.i < b.i:
			return -1
		case p.i > b.i:
			return 1
		}
		return 0
	}
	// Rounding to float64 is monotonic, so a strict inequality of the
	// floats is the exact answer; only equal floats need exact arithmetic.
	switch {
	case p.f < b.f:
		return -1
	case p.f > b.f:
		return 1
	}
	return p.exact().Cmp(b.rat)
}

func (r *run) numberChecks(n *node, lit []byte) bool {
	p, good := parseNum(lit)
	if !good {
		r.declined = true
		return false
	}
	ok := true
	if n.min != nil && p.cmp(n.min) < 0 {
		r.fail(serde.ErrRange, "must be >= %s", n.min.lit)
		ok = false
	}
	if n.exMin != nil && p.cmp(n.exMin) <= 0 {
		r.fail(serde.ErrRange, "must be > %s", n.exMin.lit)
		ok = false
	}
	if n.max != nil && p.cmp(n.max) > 0 {
		r.fail(serde.ErrRange, "must be <= %s", n.max.lit)
		ok = false
	}
	if n.exMax != nil && p.cmp(n.exMax) >= 0 {
		r.fail(serde.ErrRange, "must be < %s", n.exMax.lit)
		ok = false
	}
	if m := n.multipleOf; m != nil {
		var multiple bool
		if p.isInt && m.isInt && m.i != 0 {
			multiple = p.i%m.i == 0
		} else {
			multiple = new(big.Rat).Quo(p.exact(), m.rat).IsInt()
		}
		if !multiple {
			r.fail(serde.ErrRange, "not a multiple of %s", m.lit)
			ok = false
		}
	}
	if n.consts != nil {
		match := false
		for _, c := range n.consts {
			if c.kind == tNumber && p.cmp(c.n) == 0 {
				match = true
				break
			}
		}
		if !match {
			r.fail(serde.ErrEnum, "value must be %s", n.enumText)
			ok = false
		}
	}
	return ok
}

// duplicateItems finds two equal items, by JSON value: strings by their
// value, numbers by their exact value, objects whatever their key order.
func (r *run) duplicateItems(bounds []int) (a, b int, dup bool) {
	n := len(bounds) / 2
	if n < 2 {
		return 0, 0, false
	}
	keys := make([]string, n)
	for k := range n {
		keys[k] = r.itemKey(r.data[bounds[2*k]:bounds[2*k+1]])
	}
	seen := make(map[string]int, n)
	for k, key := range keys {
		if j, ok := seen[key]; ok {
			return j, k, true
		}
		seen[key] = k
	}
	return 0, 0, false
}

// itemKey is a text equal for equal JSON values.
func (r *run) itemKey(item []byte) string {
	item = bytes.TrimRight(item, " \t\r\n")
	if len(item) == 0 {
		return ""
	}
	switch c := item[0]; {
	case c == '"':
		return "s" + unquote(item[1:len(item)-1])
	case c == '{' || c == '[':
		v, err := decodeDoc(item)
		if err != nil {
			return "x" + string(item)
		}
		return "j" + canonical(v)
	case c == 't' || c == 'f' || c == 'n':
		return string(item)
	}
	return "n" + normNumber(string(item))
}

package avro

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// FromJSON turns one plain JSON value (usually an object, one line of
// input) into a value this schema accepts: map[string]any for records and
// maps, []any for arrays, int32 / int64 / float32 / float64 for numbers as
// the schema types them, []byte and [N]byte for bytes and fixed (given as
// strings of code points 0-255, as Avro's JSON encoding writes them),
// *big.Rat for decimals (JSON numbers or strings, converted exactly),
// time.Time for dates and timestamps (RFC 3339 strings or epoch numbers in
// the logical type's unit), time.Duration for time-millis and time-micros.
// A union value may be bare or wrapped the Avro JSON way ({"string": "x"});
// either way the result carries the wrapped form hamba encodes.
//
// Errors are *serde.ValidationError (or errors.Join of several), each with
// the path of the value at fault; the result is then also validated, so a
// nil error means AppendEncode will accept it.
func (s *Compiled) FromJSON(line []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, serde.Violation("", serde.ErrType, "not JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, serde.Violation("", serde.ErrType, "more than one JSON value")
	}
	c := &vctx{}
	v := fromJSON(s.root, raw, c)
	if err := c.result(); err != nil {
		return nil, err
	}
	if err := s.validate(v); err != nil {
		return nil, err
	}
	return v, nil
}

func wrongJSON(n *node, v any, c *vctx) any {
	if v == nil {
		c.fail(serde.ErrRequired, "null for non-null %s", n.describe())
		return nil
	}
	c.fail(serde.ErrType, "expected %s, got JSON %s", n.describe(), serde.JSONKind(v))
	return nil
}

// fromJSON converts v for n, recording failures in c.
func fromJSON(n *node, v any, c *vctx) any {
	switch n.typ {
	case avro.Null:
		if v != nil {
			return wrongJSON(n, v, c)
		}
		return nil
	case avro.Boolean:
		if b, ok := v.(bool); ok {
			return b
		}
	case avro.Int, avro.Long:
		return intFromJSON(n, v, c)
	case avro.Float, avro.Double:
		num, ok := v.(json.Number)
		if !ok {
			break
		}
		bits := 64
		if n.typ == avro.Float {
			bits = 32
		}
		f, err := strconv.ParseFloat(string(num), bits)
		if err != nil {
			c.fail(serde.ErrRange, "number does not fit %s", n.describe())
			return nil
		}
		if bits == 32 {
			return float32(f)
		}
		return f
	case avro.String:
		if s, ok := v.(string); ok {
			return s
		}
	case avro.Bytes:
		if n.logical == avro.Decimal {
			return decimalFromJSON(n, v, c)
		}
		if s, ok := v.(string); ok {
			return codePoints(s, -1, n, c)
		}
	case avro.Fixed:
		if n.logical == avro.Decimal {
			return decimalFromJSON(n, v, c)
		}
		if s, ok := v.(string); ok {
			b, ok := codePoints(s, n.size, n, c).([]byte)
			if !ok {
				return nil
			}
			arr := reflect.New(reflect.ArrayOf(n.size, reflect.TypeFor[byte]())).Elem()
			reflect.Copy(arr, reflect.ValueOf(b))
			return arr.Interface()
		}
	case avro.Enum:
		if s, ok := v.(string); ok {
			return s
		}
	case avro.Array:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			mark := len(c.errs)
			out[i] = fromJSON(n.items, e, c)
			c.index(mark, i)
		}
		return out
	case avro.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			mark := len(c.errs)
			out[k] = fromJSON(n.values, e, c)
			c.key(mark, k)
		}
		return out
	case avro.Record:
		obj, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(obj))
		for _, f := range n.fields {
			e, ok := obj[f.name]
			if !ok {
				continue // a default applies, or validation reports it
			}
			mark := len(c.errs)
			out[f.name] = fromJSON(f.n, e, c)
			c.field(mark, f.name)
		}
		for k := range obj {
			if _, ok := out[k]; !ok && !n.hasField(k) {
				c.fail(serde.ErrUnknownField, "%s has no field %q", n.describe(), truncate(k))
				c.field(len(c.errs)-1, k)
			}
		}
		return out
	case avro.Union:
		return unionFromJSON(n, v, c)
	}
	return wrongJSON(n, v, c)
}

func (n *node) hasField(name string) bool {
	for _, f := range n.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

func intFromJSON(n *node, v any, c *vctx) any {
	isTime := n.logical == avro.Date || n.logical == avro.TimestampMillis || n.logical == avro.TimestampMicros ||
		n.logical == avro.LocalTimestampMillis || n.logical == avro.LocalTimestampMicros
	if s, ok := v.(string); ok && isTime {
		return timeFromJSON(n, s, c)
	}
	num, ok := v.(json.Number)
	if !ok {
		return wrongJSON(n, v, c)
	}
	bits := 64
	if n.typ == avro.Int {
		bits = 32
	}
	i, err := strconv.ParseInt(string(num), 10, bits)
	if err != nil {
		// big.Float, not big.Rat: a Rat would expand an exponent such as
		// 1e999999999 digit by digit.
		f, _, err := big.ParseFloat(string(num), 10, 128, big.ToNearestEven)
		switch {
		case err == nil && !f.IsInf() && !f.IsInt():
			c.fail(serde.ErrType, "expected %s, got a non-integer number", n.describe())
		default:
			c.fail(serde.ErrRange, "number does not fit %s", n.describe())
		}
		return nil
	}
	switch n.logical {
	case avro.Date:
		return time.Unix(i*86400, 0).UTC()
	case avro.TimestampMillis, avro.LocalTimestampMillis:
		return time.UnixMilli(i).UTC()
	case avro.TimestampMicros, avro.LocalTimestampMicros:
		return time.UnixMicro(i).UTC()
	case avro.TimeMillis:
		return time.Duration(i) * time.Millisecond
	case avro.TimeMicros:
		if i > math.MaxInt64/1000 || i < math.MinInt64/1000 {
			c.fail(serde.ErrRange, "number does not fit %s", n.describe())
			return nil
		}
		return time.Duration(i) * time.Microsecond
	}
	if bits == 32 {
		return int32(i)
	}
	return i
}

func timeFromJSON(n *node, s string, c *vctx) any {
	var (
		t   time.Time
		err error
	)
	switch n.logical {
	case avro.Date:
		t, err = time.Parse(time.DateOnly, s)
	case avro.LocalTimestampMillis, avro.LocalTimestampMicros:
		t, err = time.Parse("2006-01-02T15:04:05.999999999", s)
		if err != nil {
			t, err = time.Parse(time.RFC3339Nano, s)
		}
	default:
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		// time.ParseError quotes the text; keep only its range message
		// ("month out of range"), which names no part of the value.
		why := ""
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			why = ": " + strings.TrimPrefix(pe.Message, ": ")
		}
		c.fail(serde.ErrFormat, "not a %s%s (string of length %d)", n.logical, why, utf8.RuneCountInString(s))
		return nil
	}
	return t.UTC()
}

func decimalFromJSON(n *node, v any, c *vctx) any {
	var text string
	switch v := v.(type) {
	case json.Number:
		text = string(v)
	case string:
		text = strings.TrimSpace(v)
	default:
		return wrongJSON(n, v, c)
	}
	if len(text) > 4096 || strings.ContainsAny(text, "/eE") {
		// big.Rat would accept fractions and huge exponents; a decimal is
		// plain digits with an optional point.
		c.fail(serde.ErrFormat, "not a decimal number (length %d)", utf8.RuneCountInString(text))
		return nil
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		c.fail(serde.ErrFormat, "not a decimal number (length %d)", utf8.RuneCountInString(text))
		return nil
	}
	return r
}

// codePoints decodes Avro JSON's bytes spelling: every code point 0-255 is
// one byte. size < 0 means any length.
func codePoints(s string, size int, n *node, c *vctx) any {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 255 {
			c.fail(serde.ErrFormat, "a code point above U+00FF is not a byte (0-255) in %s", n.describe())
			return nil
		}
		b = append(b, byte(r))
	}
	if size >= 0 && len(b) != size {
		c.fail(serde.ErrRange, "%d bytes for %s of size %d", len(b), n.describe(), size)
		return nil
	}
	return b
}

// unionFromJSON accepts null, the Avro JSON wrapped form, or a bare value,
// trying branches in schema order, and returns the wrapped form.
func unionFromJSON(n *node, v any, c *vctx) any {
	if v == nil {
		if n.hasNull() {
			return nil
		}
		c.fail(serde.ErrRequired, "null for non-null %s", n.describe())
		return nil
	}
	if obj, ok := v.(map[string]any); ok && len(obj) == 1 {
		for k, inner := range obj {
			if br := n.jsonBranch(k); br != nil {
				if br.typ == avro.Null {
					return nil
				}
				return map[string]any{br.name: fromJSON(br, inner, c)}
			}
		}
	}
	for _, br := range n.types {
		if br.typ == avro.Null {
			continue
		}
		trial := &vctx{}
		out := fromJSON(br, v, trial)
		if len(trial.errs) > 0 {
			continue
		}
		if err := validateNode(br, out); err != nil {
			continue
		}
		return map[string]any{br.name: out}
	}
	c.fail(serde.ErrUnion, "JSON %s matches no branch of %s", serde.JSONKind(v), n.describe())
	return nil
}

// jsonBranch finds the branch a wrapped union value names: its full name
// (Avro JSON), or its bare type for a logical-typed primitive ("long" for
// long.timestamp-millis) when only one branch has that type.
func (n *node) jsonBranch(key string) *node {
	if br := n.branch(key); br != nil {
		return br
	}
	var found *node
	for _, t := range n.types {
		short := string(t.typ) == key && t.logical != "" ||
			!strings.Contains(key, ".") && strings.HasSuffix(t.name, "."+key)
		if short {
			if found != nil {
				return nil
			}
			found = t
		}
	}
	return found
}

func validateNode(n *node, v any) error {
	c := &vctx{}
	checkAny(n, v, c)
	return c.result()
}

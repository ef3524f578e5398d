package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/schemagen/schemagen/serde"
)

// Validate checks v against the schema. v may be a type generated from this
// schema (its Validate method is called: see serde.Validatable), any value
// encoding/json marshals (structs, map[string]any, []any, scalars), or JSON
// text as json.RawMessage or []byte. It returns nil, a
// *serde.ValidationError, or errors.Join of one per violation, each with the
// value's path (items[2].sku) and the sentinel naming the rule. JSON text
// that does not parse is a violation with serde.ErrType, and a number with
// an exponent beyond ±1000 or more digits than MaxNumberDigits one with
// serde.ErrRange, whatever the schema.
func (s *Compiled) Validate(v any) error {
	if g, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		return g.Validate()
	}
	switch raw := v.(type) {
	case json.RawMessage:
		return s.validateJSON(raw, false)
	case []byte:
		return s.validateJSON(raw, false)
	}
	// Encode into a pooled scratch buffer: violations copy what they
	// keep, so the buffer can go back.
	sb := scratch.Get().(*[]byte)
	data, err := appendJSON((*sb)[:0], v)
	if err != nil {
		scratch.Put(sb)
		return &serde.ValidationError{Err: serde.ErrType, Reason: "value has no JSON encoding: " + err.Error()}
	}
	err = s.validateJSON(data, true)
	if cap(data) <= 64<<10 {
		*sb = data[:0]
		scratch.Put(sb)
	}
	return err
}

var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// AppendEncode validates v and appends its JSON encoding to dst: the bytes
// as given for json.RawMessage and []byte, encoding/json's output (what
// json.Marshal returns) otherwise. On error dst is returned unchanged.
func (s *Compiled) AppendEncode(dst []byte, v any) ([]byte, error) {
	if g, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		if err := g.Validate(); err != nil {
			return dst, err
		}
		out, err := appendJSON(dst, v)
		if err != nil {
			return dst, fmt.Errorf("jsonschema: %w: %v", serde.ErrEncode, err)
		}
		return out, nil
	}
	switch raw := v.(type) {
	case json.RawMessage:
		if err := s.validateJSON(raw, false); err != nil {
			return dst, err
		}
		return append(dst, raw...), nil
	case []byte:
		if err := s.validateJSON(raw, false); err != nil {
			return dst, err
		}
		return append(dst, raw...), nil
	}
	// Encode straight into dst's spare capacity, then validate the new
	// bytes: no intermediate buffer, no copy.
	out, err := appendJSON(dst, v)
	if err != nil {
		return dst, &serde.ValidationError{Err: serde.ErrType, Reason: "value has no JSON encoding: " + err.Error()}
	}
	if err := s.validateJSON(out[len(dst):], true); err != nil {
		return dst, err
	}
	return out, nil
}

// appender is an io.Writer that appends to a slice; a json.Encoder
// writing to it is reused through a pool.
type appender struct {
	b   []byte
	enc *json.Encoder
}

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

var appenders = sync.Pool{New: func() any {
	a := new(appender)
	a.enc = json.NewEncoder(a)
	return a
}}

// appendJSON appends v's encoding, byte for byte what json.Marshal
// returns, to dst.
func appendJSON(dst []byte, v any) ([]byte, error) {
	a := appenders.Get().(*appender)
	a.b = dst
	err := a.enc.Encode(v)
	out := a.b
	a.b = nil
	appenders.Put(a)
	if err != nil {
		return dst, err
	}
	return out[:len(out)-1], nil // Encode ends with a newline
}

// Decode checks that data is one JSON value valid against the schema, then
// unmarshals it into v (a pointer; numbers in interface values stay
// json.Number). Every error wraps serde.ErrDecode; a value that breaks the
// schema also carries the *serde.ValidationError for each violation, so a
// consumer learns what a producer should never have sent.
func (s *Compiled) Decode(data []byte, v any) error {
	if err := s.validateJSON(data, false); err != nil {
		return fmt.Errorf("jsonschema: %w: %w", serde.ErrDecode, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("jsonschema: %w: %w", serde.ErrDecode, unmarshalError(err, v))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("jsonschema: %w: data after the top-level value", serde.ErrDecode)
	}
	return nil
}

// valueFreeError is an error told without the value it is about; Unwrap
// gives the original, which may quote it.
type valueFreeError struct {
	msg string
	err error
}

func (e *valueFreeError) Error() string { return e.msg }
func (e *valueFreeError) Unwrap() error { return e.err }

// unmarshalError restates encoding/json's error from decoding into v
// without the value: UnmarshalTypeError quotes numbers ("cannot unmarshal
// number 4111111111111111 into ..."), the ,string option and
// UnmarshalJSON methods (time.Time's among them) quote strings. The
// value may be a credential or personal data.
func unmarshalError(err error, v any) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var ie *json.InvalidUnmarshalError
	switch {
	case errors.As(err, &te):
		kind, _, _ := strings.Cut(te.Value, " ") // "number 123" -> "number"
		msg := "json: cannot unmarshal " + kind + " into Go value of type " + te.Type.String()
		if te.Struct != "" || te.Field != "" {
			msg = "json: cannot unmarshal " + kind + " into Go struct field " + te.Struct + "." + te.Field + " of type " + te.Type.String()
		}
		return &valueFreeError{msg: msg, err: err}
	case errors.As(err, &se), errors.As(err, &ie):
		return err // a character of the input at most; the Go type
	}
	return &valueFreeError{msg: fmt.Sprintf("json: the value does not unmarshal into %T (%T)", v, err), err: err}
}

// validateJSON validates JSON text, with the plan when there is one and
// the library otherwise.
func (s *Compiled) validateJSON(data []byte, trusted bool) error {
	if !trusted && !json.Valid(data) {
		return invalidJSON(data)
	}
	if s.plan != nil {
		errs, ok := s.runPlan(data, trusted)
		if ok {
			return joinViolations(errs)
		}
		// The plan declined this value (duplicate keys): the library decides.
	}
	return s.validateLib(data)
}

func invalidJSON(data []byte) error {
	var x any
	err := json.Unmarshal(data, &x)
	reason := "not valid JSON"
	if err != nil {
		reason += ": " + err.Error()
	}
	return &serde.ValidationError{Err: serde.ErrType, Reason: reason}
}

// validateLib validates with the jsonschema library.
func (s *Compiled) validateLib(data []byte) error {
	doc, err := decodeDoc(data)
	if err != nil {
		return invalidJSON(data)
	}
	if vs := hugeNumbers(nil, doc, nil, s.maxDigits); vs != nil {
		return joinViolations(vs)
	}
	return libErrors(s.lib.Validate(doc), doc)
}

// hugeNumbers refuses numbers with an exponent beyond ±maxExponent or more
// than maxDigits digits, before the library's exact arithmetic spends
// minutes on them (or panics: math/big refuses a million digits). They are
// refused wherever they appear, whatever the schema says.
func hugeNumbers(out []*serde.ValidationError, v any, path []byte, maxDigits int) []*serde.ValidationError {
	switch v := v.(type) {
	case json.Number:
		if p := strings.IndexAny(string(v), "eE"); p >= 0 && hugeExponent(string(v[p+1:])) {
			out = append(out, &serde.ValidationError{Path: string(path), Err: serde.ErrRange,
				Reason: fmt.Sprintf("number has an exponent beyond ±%d", maxExponent)})
		} else if tooManyDigits(string(v), maxDigits) {
			out = append(out, &serde.ValidationError{Path: string(path), Err: serde.ErrRange,
				Reason: fmt.Sprintf("number has more than %d digits", maxDigits)})
		}
	case map[string]any:
		for k, x := range v {
			out = hugeNumbers(out, x, appendKey(path[:len(path):len(path)], k), maxDigits)
		}
	case []any:
		for i, x := range v {
			out = hugeNumbers(out, x, appendIndex(path[:len(path):len(path)], i), maxDigits)
		}
	}
	return out
}

func joinViolations(vs []*serde.ValidationError) error {
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return vs[0]
	}
	errs := make([]error, len(vs))
	for i, v := range vs {
		errs[i] = v
	}
	return errors.Join(errs...)
}

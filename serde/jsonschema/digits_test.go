package jsonschema

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// tinyFraction is 0.000…1 with n digits in all.
func tinyFraction(n int) string { return "0." + strings.Repeat("0", n-2) + "1" }

// digitSchemas each compare a number exactly: the issue's reproducer
// panicked in big.Rat.Cmp for every one of them.
var digitSchemas = []struct {
	name, text string
	plan       bool // the plan validates (else the library)
}{
	{name: "minimum", text: `{"minimum":0}`, plan: true},
	{name: "maximum", text: `{"maximum":0}`, plan: true},
	{name: "exclusiveMinimum", text: `{"exclusiveMinimum":0}`, plan: true},
	{name: "exclusiveMaximum", text: `{"exclusiveMaximum":1}`, plan: true},
	{name: "multipleOf", text: `{"multipleOf":0.5}`, plan: true},
	{name: "enum", text: `{"enum":[0,1]}`, plan: true},
	{name: "const", text: `{"const":0}`, plan: true},
	{name: "nested unchecked", text: `{"properties":{"b":{}}}`, plan: true},
	{name: "library minimum", text: `{"minimum":0,"unevaluatedProperties":false}`},
	{name: "library multipleOf", text: `{"multipleOf":0.5,"unevaluatedItems":false}`},
}

// TestNumberDigitsIssue13 is issue 13's reproducer: a number with more
// than a million fraction digits against {"minimum":0} panicked in
// big.Rat.Cmp. It is now refused with a *serde.ValidationError (ErrRange)
// on every entry point: Validate and AppendEncode of the text and of a
// json.Number, Decode, and serde's Serializer and Deserializer.
func TestNumberDigitsIssue13(t *testing.T) {
	huge := tinyFraction(1_000_002) // "0." + 1e6 zeros + "1"
	for _, tc := range digitSchemas {
		t.Run(tc.name, func(t *testing.T) {
			s := compileText(t, tc.text)
			if ok, _ := s.FastPath(); ok != tc.plan {
				t.Fatalf("FastPath = %v, want %v", ok, tc.plan)
			}
			text := huge
			if tc.name == "nested unchecked" {
				text = `{"b":[` + huge + `]}`
			}
			checkDigits(t, s, text)
		})
	}
}

func checkDigits(t *testing.T, s *Compiled, text string) {
	t.Helper()
	refused := func(what string, err error) {
		t.Helper()
		vs := serde.Violations(err)
		if len(vs) != 1 || !errors.Is(vs[0], serde.ErrRange) || !strings.Contains(vs[0].Reason, "digits") {
			t.Errorf("%s: got %v, want one ErrRange violation about digits", what, err)
		}
	}
	refused("Validate(text)", s.Validate(json.RawMessage(text)))
	if !strings.HasPrefix(text, "{") {
		refused("Validate(json.Number)", s.Validate(json.Number(text)))
		out, err := s.AppendEncode([]byte("x"), json.Number(text))
		refused("AppendEncode(json.Number)", err)
		if string(out) != "x" {
			t.Errorf("AppendEncode appended to a refusal")
		}
		ser, err := serde.NewSerializer(s, serde.SerializerConfig{Subject: "s-value", ID: 7})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ser.AppendSerialize(nil, json.Number(text))
		refused("Serializer.AppendSerialize(json.Number)", err)
	}
	var v any
	err := s.Decode([]byte(text), &v)
	if !errors.Is(err, serde.ErrDecode) {
		t.Errorf("Decode: %v does not wrap ErrDecode", err)
	}
	refused("Decode", err)
	d := serde.Deserializer{Lookup: func(serde.Frame) (serde.Compiled, error) { return s, nil }}
	_, err = d.Decode(append(serde.AppendPrefix(nil, 7), text...), nil, &v)
	refused("Deserializer.Decode", err)
}

// TestMaxNumberDigits: numbers at the limit are compared exactly, one
// digit past it refused, for the default limit and a set one, in values
// (plan and library) and in schemas.
func TestMaxNumberDigits(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		opts  []Opt
	}{
		{name: "default", limit: DefaultMaxNumberDigits},
		{name: "set", limit: 20, opts: []Opt{MaxNumberDigits(20)}},
		{name: "zero keeps the default", limit: DefaultMaxNumberDigits, opts: []Opt{MaxNumberDigits(0)}},
		{name: "capped", limit: maxNumberDigitsCap, opts: []Opt{MaxNumberDigits(5_000_000)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, ds := range digitSchemas {
				s, err := Compile(context.Background(), serde.Schema{Text: ds.text}, nil, tc.opts...)
				if err != nil {
					t.Fatal(err)
				}
				at, past := tinyFraction(tc.limit), tinyFraction(tc.limit+1)
				// At the limit the schema's own verdict stands: a tiny
				// positive fraction is >= 0, not <= 0, > 0, < 1, not a
				// multiple of 0.5, not 0 or 1.
				want := map[string]error{
					"minimum": nil, "maximum": serde.ErrRange, "exclusiveMinimum": nil,
					"exclusiveMaximum": nil, "multipleOf": serde.ErrRange, "enum": serde.ErrEnum,
					"const": serde.ErrEnum, "nested unchecked": nil, "library minimum": nil,
					"library multipleOf": serde.ErrRange,
				}[ds.name]
				if ds.name == "nested unchecked" {
					at, past = `{"b":[`+at+`]}`, `{"b":[`+past+`]}`
				}
				err = s.Validate(json.RawMessage(at))
				if want == nil && err != nil || want != nil && !errors.Is(err, want) {
					t.Errorf("%s at the limit: got %v, want %v", ds.name, err, want)
				}
				if err != nil && strings.Contains(err.Error(), "digits") {
					t.Errorf("%s at the limit refused for its digits: %v", ds.name, err)
				}
				if tc.limit <= DefaultMaxNumberDigits {
					checkDigits(t, s, past)
				}
			}
			// Schemas: a number with the limit's digits compiles, one
			// more is refused with ErrLimit.
			_, err := Compile(context.Background(), serde.Schema{Text: `{"multipleOf":1.` + strings.Repeat("5", tc.limit-1) + `}`}, nil, tc.opts...)
			if err != nil {
				t.Errorf("schema at the limit: %v", err)
			}
			_, err = Compile(context.Background(), serde.Schema{Text: `{"multipleOf":1.` + strings.Repeat("5", tc.limit) + `}`}, nil, tc.opts...)
			if !errors.Is(err, serde.ErrLimit) || !errors.Is(err, serde.ErrSchema) {
				t.Errorf("schema past the limit: got %v, want ErrLimit", err)
			}
		})
	}
}

// BenchmarkNumberDigits: what refusing issue 13's million-digit number
// costs, and what a number at the default limit costs to compare exactly.
func BenchmarkNumberDigits(b *testing.B) {
	for _, bc := range []struct {
		name, schema, value string
	}{
		{name: "issue13-plan", schema: `{"minimum":0}`, value: tinyFraction(1_000_002)},
		{name: "issue13-library", schema: `{"minimum":0,"unevaluatedProperties":false}`, value: tinyFraction(1_000_002)},
		{name: "at-limit-multipleOf", schema: `{"multipleOf":0.5}`, value: "1." + strings.Repeat("5", DefaultMaxNumberDigits-1)},
	} {
		s, err := Compile(context.Background(), serde.Schema{Text: bc.schema}, nil)
		if err != nil {
			b.Fatal(err)
		}
		v := json.RawMessage(bc.value)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = s.Validate(v)
			}
		})
	}
}

package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// Seed corpora live in testdata/fuzz/<Name>/; go test runs them as
// regression cases.

const fuzzMaxBytes = 8 << 10

// FuzzCompile: Compile never panics, fails only with ErrSchema, stays
// within its limits, and its canonical text compiles to itself.
func FuzzCompile(f *testing.F) {
	for _, s := range diffSchemas {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > fuzzMaxBytes {
			return
		}
		ctx := context.Background()
		s, err := Compile(ctx, serde.Schema{Text: text}, serde.MapResolver{}, MaxDepth(32))
		if err != nil {
			if !errors.Is(err, serde.ErrSchema) {
				t.Fatalf("error does not wrap ErrSchema: %v", err)
			}
			return
		}
		again, err := Compile(ctx, serde.Schema{Text: s.Canonical()}, serde.MapResolver{}, MaxDepth(32))
		if err != nil {
			t.Fatalf("canonical text %s does not compile: %v", s.Canonical(), err)
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical text not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
	})
}

// fuzzSchemas compiles diffSchemas once for the targets that pick one.
func fuzzSchemas(tb testing.TB) []*Compiled {
	var out []*Compiled
	for _, text := range diffSchemas {
		s, err := Compile(context.Background(), serde.Schema{Text: text}, nil)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return append(out, orderSchema(tb))
}

// FuzzPlanVsSanthosh: the plan accepts exactly what the library accepts,
// with the same failing paths and sentinels, for any schema the plan
// covers and any JSON instance.
func FuzzPlanVsSanthosh(f *testing.F) {
	// Most mutated schema texts do not compile, so each instance is also
	// checked against one of the fixed schemas.
	fixed := fuzzSchemas(f)
	for i, s := range diffSchemas {
		f.Add(s, []byte(diffInstances[i%len(diffInstances)]))
		f.Add(s, []byte(diffInstances[(i*7+3)%len(diffInstances)]))
	}
	f.Fuzz(func(t *testing.T, text string, inst []byte) {
		if len(text) > fuzzMaxBytes || len(inst) > fuzzMaxBytes {
			return
		}
		if d := comparePlan(fixed[len(text)%len(fixed)], inst); d != "" {
			t.Fatalf("fixed schema %d\ninstance %s\n%s", len(text)%len(fixed), inst, d)
		}
		s, err := Compile(context.Background(), serde.Schema{Text: text}, serde.MapResolver{}, MaxDepth(32))
		if err != nil || s.plan == nil {
			return
		}
		if d := comparePlan(s, inst); d != "" {
			t.Fatalf("schema %s\ninstance %s\n%s", text, inst, d)
		}
	})
}

// FuzzValidateEncode: Validate accepts exactly what AppendEncode encodes;
// the encoding is the input; a refusal appends nothing; and the value
// FromJSON makes of the text gets the same verdict.
func FuzzValidateEncode(f *testing.F) {
	schemas := fuzzSchemas(f)
	for i, inst := range diffInstances {
		f.Add(uint8(i), []byte(inst))
	}
	f.Fuzz(func(t *testing.T, pick uint8, inst []byte) {
		if len(inst) > fuzzMaxBytes {
			return
		}
		s := schemas[int(pick)%len(schemas)]
		verr := s.Validate(json.RawMessage(inst))
		dst := []byte("prefix")
		out, eerr := s.AppendEncode(dst, json.RawMessage(inst))
		if (verr == nil) != (eerr == nil) {
			t.Fatalf("Validate %v, AppendEncode %v", verr, eerr)
		}
		if eerr != nil {
			if string(out) != "prefix" {
				t.Fatalf("refused value appended: %q", out)
			}
			if len(serde.Violations(eerr)) == 0 {
				t.Fatalf("refusal without violations: %v", eerr)
			}
		} else if !bytes.Equal(out[len("prefix"):], inst) {
			t.Fatalf("encoded %q, want %q", out[len("prefix"):], inst)
		}
		v, err := FromJSON(inst)
		if err != nil {
			return
		}
		if err := s.Validate(v); (err == nil) != (verr == nil) {
			t.Fatalf("text verdict %v, decoded value verdict %v", verr, err)
		}
	})
}

// FuzzDecode: Decode never panics, wraps ErrDecode, and succeeds exactly
// when the text is one JSON value the schema accepts.
func FuzzDecode(f *testing.F) {
	schemas := fuzzSchemas(f)
	for i, inst := range diffInstances {
		f.Add(uint8(i), []byte(inst))
	}
	f.Add(uint8(len(schemas)-1), []byte(`{"order_id":"6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33"}`))
	f.Add(uint8(0), []byte(`{"a":1} {"a":2}`))
	f.Add(uint8(0), []byte(`{"a":`))
	f.Fuzz(func(t *testing.T, pick uint8, data []byte) {
		if len(data) > fuzzMaxBytes {
			return
		}
		s := schemas[int(pick)%len(schemas)]
		var v any
		err := s.Decode(data, &v)
		verr := s.Validate(json.RawMessage(data))
		if err != nil {
			if !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("error does not wrap ErrDecode: %v", err)
			}
			if verr == nil {
				t.Fatalf("Decode failed (%v) on text Validate accepts", err)
			}
			return
		}
		if verr != nil {
			t.Fatalf("Decode accepted text Validate refuses: %v", verr)
		}
		var o Order
		_ = s.Decode(data, &o) // any outcome, but no panic
	})
}

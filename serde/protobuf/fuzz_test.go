package protobuf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// FuzzCompile: Compile never panics, refuses with one of its sentinels, and
// when it accepts, the canonical text compiles back to the same canonical
// text.
func FuzzCompile(f *testing.F) {
	f.Add(envelopeProto)
	f.Add(legacyProto)
	f.Add(editionsProto)
	f.Add(indexesProto)
	r := serde.MapResolver{"legacy.proto": {Text: legacyProto}}
	f.Fuzz(func(t *testing.T, text string) {
		ctx := context.Background()
		opts := []Opt{MaxSchemaBytes(1 << 16), MaxImports(4), MaxImportDepth(2)}
		s, err := Compile(ctx, serde.Schema{Text: text}, r, opts...)
		if err != nil {
			if !errors.Is(err, serde.ErrSchema) && !errors.Is(err, serde.ErrReference) && !errors.Is(err, serde.ErrLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		c := s.Canonical()
		again, err := Compile(ctx, serde.Schema{Text: c}, r, opts...)
		if err != nil {
			t.Fatalf("canonical text does not compile: %v\n%s", err, c)
		}
		if c2 := again.Canonical(); c2 != c {
			t.Fatalf("canonical text is not a fixed point:\n%s\n---\n%s", c, c2)
		}
	})
}

// FuzzDecode: Decode never panics; what it accepts re-encodes and decodes
// to an equal message.
func FuzzDecode(f *testing.F) {
	env := envelopeSchema(f)
	ord := orderSchema(f)
	seed, err := env.AppendEncode(nil, validEnvelope(env).m)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, false)
	f.Add([]byte{0x0a, 0x01, 'x'}, true)
	f.Fuzz(func(t *testing.T, data []byte, order bool) {
		s := env
		if order {
			s = ord
		}
		m := s.New()
		if err := s.Decode(data, m); err != nil {
			if !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("error does not wrap ErrDecode: %v", err)
			}
			return
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			t.Fatalf("decoded message does not marshal: %v", err)
		}
		back := s.New()
		if err := s.Decode(b, back); err != nil {
			t.Fatalf("re-encoded bytes do not decode: %v", err)
		}
		if !proto.Equal(m, back) {
			t.Fatal("round trip differs")
		}
	})
}

// FuzzValidateEncode is differential: Validate accepts exactly the values
// AppendEncode accepts, and agrees with protobuf-go's own checks (required
// fields, UTF-8) on every value protobuf-go can judge.
func FuzzValidateEncode(f *testing.F) {
	env := envelopeSchema(f)
	ord := orderSchema(f)
	seed, err := env.AppendEncode(nil, validEnvelope(env).m)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, false, uint8(0), int32(0), "")
	f.Add([]byte{0x0a, 0x01, 'x', 0x20, 0x01}, true, uint8(1), int32(9), "\xff")
	f.Fuzz(func(t *testing.T, data []byte, order bool, mutate uint8, enum int32, str string) {
		s := env
		if order {
			s = ord
		}
		m := s.New()
		if !unmarshalPartial(data, m) {
			return
		}
		// Mutations the wire cannot carry: undeclared closed-enum numbers
		// and invalid UTF-8 in proto3 strings.
		mutateMessage(m.ProtoReflect(), mutate, protoreflect.EnumNumber(enum), str)

		verr := s.Validate(m)
		out, eerr := s.AppendEncode([]byte{1, 2, 3}, m)
		if (verr == nil) != (eerr == nil) {
			t.Fatalf("Validate: %v, AppendEncode: %v", verr, eerr)
		}
		if eerr != nil {
			if string(out) != "\x01\x02\x03" {
				t.Fatal("AppendEncode changed dst on error")
			}
			if len(serde.Violations(eerr)) == 0 {
				t.Fatalf("error has no violation: %v", eerr)
			}
		}
		_, merr := proto.Marshal(m)
		if merr != nil && verr == nil {
			t.Fatalf("proto.Marshal refuses (%v) what Validate accepts", merr)
		}
	})
}

func mutateMessage(m protoreflect.Message, mutate uint8, enum protoreflect.EnumNumber, str string) {
	fields := m.Descriptor().Fields()
	if fields.Len() == 0 {
		return
	}
	fd := fields.Get(int(mutate) % fields.Len())
	if fd.IsList() || fd.IsMap() || fd.ContainingOneof() != nil && !fd.HasPresence() {
		return
	}
	switch fd.Kind() {
	case protoreflect.EnumKind:
		m.Set(fd, protoreflect.ValueOfEnum(enum))
	case protoreflect.StringKind:
		m.Set(fd, protoreflect.ValueOfString(str))
	case protoreflect.MessageKind:
		if m.Has(fd) && mutate > 127 {
			mutateMessage(m.Mutable(fd).Message(), mutate/2, enum, str)
		}
	}
}

// FuzzFromJSON: FromJSON never panics; an error is a violation or
// ErrDecode; what it accepts encodes. Seeds include a number of 100,000
// digits (the locator once parsed it with big.Float, quadratically).
func FuzzFromJSON(f *testing.F) {
	env := envelopeSchema(f)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"unknown":1}`))
	f.Add([]byte(`{"id":"` + strings.Repeat("9", 100) + `"}`))
	f.Add([]byte(`{"id":1` + strings.Repeat("0", 100000) + `}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := env.FromJSON(line)
		if err != nil {
			if len(serde.Violations(err)) == 0 && !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("error is neither a violation nor ErrDecode: %v", err)
			}
			return
		}
		if _, err := env.AppendEncode(nil, m); err != nil {
			t.Fatalf("FromJSON accepted what AppendEncode refuses: %v", err)
		}
	})
}

// unmarshalPartial reads data into m as protobuf-go does, allowing missing
// required fields; false when it cannot. protobuf-go panics on some
// malformed map entries of dynamic messages (a key field repeated with
// another wire type: "cannot convert nil to map key"); Compiled.Decode
// recovers from that, and so does this.
func unmarshalPartial(data []byte, m proto.Message) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data, m) == nil
}

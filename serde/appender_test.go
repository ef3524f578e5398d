package serde

import (
	"bytes"
	"errors"
	"testing"
)

// genValue stands for a generated type: it encodes itself as 0xAA (or
// fails with its own violation) and claims the schema fingerprint fp.
type genValue struct {
	fp   string
	fail bool
}

func (g genValue) SchemaFingerprint() string { return g.fp }

func (g genValue) AppendAvro(dst []byte) ([]byte, error) {
	if g.fail {
		return dst, Violation("f", ErrRange, "generated says no")
	}
	return append(dst, 0xAA), nil
}

type genProto struct{ genValue }

func (g genProto) AppendProto(dst []byte) ([]byte, error) { return g.AppendAvro(dst) }

// genSchema accepts any value on its runtime path and writes 0xBB, so the
// output says which path ran.
type genSchema struct{ intSchema }

func (genSchema) AppendEncode(dst []byte, _ any) ([]byte, error) { return append(dst, 0xBB), nil }

func TestSerializerUsesGeneratedEncoder(t *testing.T) {
	c := genSchema{}
	fp := Fingerprint(c)
	tests := []struct {
		name string
		v    any
		want byte
		err  error
	}{
		{name: "avro type of this schema", v: genValue{fp: fp}, want: 0xAA},
		{name: "protobuf type of this schema", v: genProto{genValue{fp: fp}}, want: 0xAA},
		{name: "type of another schema", v: genValue{fp: "other"}, want: 0xBB},
		{name: "not generated", v: 7, want: 0xBB},
		{name: "generated, rejected", v: genValue{fp: fp, fail: true}, err: ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSerializer(c, SerializerConfig{Topic: "t", Subject: "t-value", ID: 9})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.AppendSerialize([]byte{1}, tt.v)
			if tt.err != nil {
				var ve *ValidationError
				if !errors.Is(err, tt.err) || !errors.As(err, &ve) || ve.Subject != "t-value" || ve.SchemaID != 9 || ve.Path != "f" {
					t.Fatalf("error %v, want %v annotated with subject and ID", err, tt.err)
				}
				if !bytes.Equal(got, []byte{1}) {
					t.Fatalf("dst changed on error: %x", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]byte{1}, append(AppendPrefix(nil, 9), tt.want)...); !bytes.Equal(got, want) {
				t.Fatalf("got %x, want %x", got, want)
			}
		})
	}
}

package serde

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// intSchema is a minimal Compiled for testing the format-neutral parts: it
// accepts non-negative ints and encodes them as one byte.
type intSchema struct{ indexes []int }

func (intSchema) Format() Format    { return Avro }
func (intSchema) Schema() Schema    { return Schema{Format: Avro, Text: `"int"`} }
func (intSchema) Canonical() string { return `"int"` }
func (intSchema) Validate(v any) error {
	n, ok := v.(int)
	switch {
	case !ok:
		return Violation("", ErrType, "expected int, got %T", v)
	case n < 0 || n > 255:
		return Violation("", ErrRange, "%d outside 0..255", n)
	}
	return nil
}
func (s intSchema) AppendEncode(dst []byte, v any) ([]byte, error) {
	if err := s.Validate(v); err != nil {
		return dst, err
	}
	return append(dst, byte(v.(int))), nil
}
func (intSchema) Decode(b []byte, v any) error {
	if len(b) != 1 {
		return fmt.Errorf("%w: want 1 byte", ErrDecode)
	}
	*v.(*int) = int(b[0])
	return nil
}

type indexedInt struct{ intSchema }

func (s indexedInt) MessageIndexes() []int { return s.indexes }
func (indexedInt) Format() Format          { return Protobuf }

func TestSerializer(t *testing.T) {
	guid := [16]byte{0xde, 0xad}
	tests := []struct {
		name        string
		c           Compiled
		cfg         SerializerConfig
		want        []byte
		header      bool
		headerValue []byte
	}{
		{name: "prefix", c: intSchema{}, cfg: SerializerConfig{ID: 42}, want: []byte{0, 0, 0, 0, 42, 7}},
		{name: "guid prefix", c: intSchema{}, cfg: SerializerConfig{GUID: guid, Framing: FrameGUIDPrefix}, want: append(AppendGUIDPrefix(nil, guid), 7)},
		{name: "header", c: intSchema{}, cfg: SerializerConfig{GUID: guid, Framing: FrameHeader}, want: []byte{7}, header: true, headerValue: AppendGUIDPrefix(nil, guid)},
		{name: "key header", c: intSchema{}, cfg: SerializerConfig{GUID: guid, Framing: FrameHeader, Role: Key}, want: []byte{7}, header: true, headerValue: AppendGUIDPrefix(nil, guid)},
		{name: "protobuf indexes", c: indexedInt{intSchema{indexes: []int{1, 0}}}, cfg: SerializerConfig{ID: 5}, want: []byte{0, 0, 0, 0, 5, 4, 2, 0, 7}},
		{name: "protobuf first message", c: indexedInt{intSchema{indexes: []int{0}}}, cfg: SerializerConfig{ID: 5}, want: []byte{0, 0, 0, 0, 5, 0, 7}},
		// Confluent's clients put the message indexes after the GUID in the
		// header and leave the payload bare.
		{name: "protobuf header", c: indexedInt{intSchema{indexes: []int{1, 0}}}, cfg: SerializerConfig{GUID: guid, Framing: FrameHeader}, want: []byte{7}, header: true, headerValue: append(AppendGUIDPrefix(nil, guid), 4, 2, 0)},
		{name: "protobuf key header", c: indexedInt{intSchema{indexes: []int{0}}}, cfg: SerializerConfig{GUID: guid, Framing: FrameHeader, Role: Key}, want: []byte{7}, header: true, headerValue: append(AppendGUIDPrefix(nil, guid), 0)},
		{name: "avro header has no indexes", c: intSchema{}, cfg: SerializerConfig{GUID: guid, Framing: FrameHeader}, want: []byte{7}, header: true, headerValue: AppendGUIDPrefix(nil, guid)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSerializer(tt.c, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.AppendSerialize([]byte("keep"), 7)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, append([]byte("keep"), tt.want...)) {
				t.Fatalf("got %x, want keep+%x", got, tt.want)
			}
			h, ok := s.Header()
			if ok != tt.header {
				t.Fatalf("header present = %v, want %v", ok, tt.header)
			}
			var hs []Header
			if ok {
				if h.Key != tt.cfg.Role.HeaderKey() || !bytes.Equal(h.Value, tt.headerValue) {
					t.Fatalf("header %q = %x, want %q = %x", h.Key, h.Value, tt.cfg.Role.HeaderKey(), tt.headerValue)
				}
				hs = []Header{h}
			}
			// The dual reader decodes what the serializer wrote.
			d := Deserializer{Role: tt.cfg.Role, Lookup: func(f Frame) (Compiled, error) {
				if f.ID != tt.cfg.ID || (f.HasGUID && f.GUID != tt.cfg.GUID) {
					return nil, fmt.Errorf("unexpected frame %+v", f)
				}
				return tt.c, nil
			}}
			var back int
			if _, err := d.Decode(got[4:], hs, &back); err != nil || back != 7 {
				t.Fatalf("decode = %d, %v", back, err)
			}
		})
	}
}

func TestSerializerRejects(t *testing.T) {
	s, err := NewSerializer(intSchema{}, SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("keep")
	tests := []struct {
		name     string
		v        any
		sentinel error
		msg      string
	}{
		{name: "type", v: "x", sentinel: ErrType, msg: "orders-value (id 42): expected int, got string"},
		{name: "range", v: 300, sentinel: ErrRange, msg: "orders-value (id 42): 300 outside 0..255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.AppendSerialize(buf, tt.v)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("err = %v, want %v", err, tt.sentinel)
			}
			if string(out) != "keep" {
				t.Fatalf("dst changed on error: %q", out)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Topic != "orders" || ve.Subject != "orders-value" || ve.SchemaID != 42 {
				t.Fatalf("not annotated: %#v", err)
			}
			if err.Error() != tt.msg {
				t.Fatalf("message %q, want %q", err.Error(), tt.msg)
			}
		})
	}
}

func TestNewSerializerErrors(t *testing.T) {
	tests := []struct {
		name string
		c    Compiled
		cfg  SerializerConfig
		want string
	}{
		{name: "nil schema", cfg: SerializerConfig{ID: 1}, want: "nil compiled schema"},
		{name: "zero id", c: intSchema{}, want: "positive 32-bit schema ID"},
		{name: "id above int32", c: intSchema{}, cfg: SerializerConfig{ID: 1<<31 + 1}, want: "positive 32-bit schema ID"},
		{name: "id above uint32", c: intSchema{}, cfg: SerializerConfig{ID: 1<<32 + 7}, want: "positive 32-bit schema ID"},
		{name: "no guid", c: intSchema{}, cfg: SerializerConfig{Framing: FrameHeader}, want: "needs a schema GUID"},
		{name: "bad framing", c: intSchema{}, cfg: SerializerConfig{ID: 1, Framing: 9}, want: "unknown framing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSerializer(tt.c, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestViolationsJoined(t *testing.T) {
	err := errors.Join(
		Violation("items[0].sku", ErrType, "expected string, got int"),
		fmt.Errorf("wrapped: %w", Violation("total", ErrRange, "negative")),
		errors.New("not a violation"),
	)
	Annotate(err, "t", "t-value", 9)
	vs := Violations(err)
	if len(vs) != 2 || vs[0].Path != "items[0].sku" || vs[1].Path != "total" {
		t.Fatalf("violations = %v", vs)
	}
	for _, v := range vs {
		if v.Subject != "t-value" || v.SchemaID != 9 {
			t.Fatalf("not annotated: %+v", v)
		}
	}
	if !errors.Is(err, ErrType) || !errors.Is(err, ErrRange) || errors.Is(err, ErrEnum) {
		t.Fatal("errors.Is through the join is wrong")
	}
}

func TestDeserializerMismatch(t *testing.T) {
	c := indexedInt{intSchema{indexes: []int{1}}}
	d := Deserializer{Lookup: func(Frame) (Compiled, error) { return c, nil }}
	var v int
	_, err := d.Decode([]byte{0, 0, 0, 0, 1, 0, 7}, nil, &v) // indexes [0]
	if !errors.Is(err, ErrSchemaMismatch) {
		t.Fatalf("err = %v", err)
	}
}

func BenchmarkSerializerFrame(b *testing.B) {
	s, err := NewSerializer(intSchema{}, SerializerConfig{ID: 42})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	var v any = 7
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if buf, err = s.AppendSerialize(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

func TestJSONKind(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{name: "null", v: nil, want: "null"},
		{name: "boolean", v: true, want: "boolean"},
		{name: "number", v: json.Number("1"), want: "number"},
		{name: "string", v: "s", want: "string"},
		{name: "array", v: []any{}, want: "array"},
		{name: "object", v: map[string]any{}, want: "object"},
		{name: "other", v: 1.5, want: "float64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JSONKind(tt.v); got != tt.want {
				t.Fatalf("JSONKind(%#v) = %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}

//go:build !codegen_update

package codegen_test

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	protoimports "github.com/schemagen/schemagen/codegen/testdata/proto-imports/want"
	protorecursive "github.com/schemagen/schemagen/codegen/testdata/proto-recursive/want"
	protorequired "github.com/schemagen/schemagen/codegen/testdata/proto-required/want"
	protoscalars "github.com/schemagen/schemagen/codegen/testdata/proto-scalars/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

type protoMsg interface {
	proto.Message
	serde.ProtoAppender
}

type protoTarget struct {
	name  string
	serde producer.SchemaSource
	zero  func() protoMsg
}

func protoTargets() []protoTarget {
	return []protoTarget{
		{"basic", protobasic.OrderSide().Schema, func() protoMsg { return new(protobasic.Order) }},
		{"imports", protoimports.PaymentSide().Schema, func() protoMsg { return new(protoimports.Payment) }},
		{"scalars", protoscalars.KitchenSide().Schema, func() protoMsg { return new(protoscalars.Kitchen) }},
		{"required", protorequired.LegacySide().Schema, func() protoMsg { return new(protorequired.Legacy) }},
		{"recursive", protorecursive.NodeSide().Schema, func() protoMsg { return new(protorecursive.Node) }},
	}
}

// fillProto sets fields of m from the filler's bytes through protoreflect:
// boundary numbers, invalid UTF-8, undeclared closed-enum numbers, unset
// required fields, unknown fields.
func (f *filler) fillProto(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Cardinality() == protoreflect.Required && f.clean {
			f.setField(m, fd)
			continue
		}
		if f.u8()%3 == 0 {
			continue
		}
		f.setField(m, fd)
	}
	if !f.clean && f.u8()%8 == 0 {
		m.SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 999, protowire.VarintType), uint64(f.u8())))
	}
}

func (f *filler) setField(m protoreflect.Message, fd protoreflect.FieldDescriptor) {
	switch {
	case fd.IsList():
		l := m.Mutable(fd).List()
		n := int(f.u8() % 4)
		if f.depth > 3 {
			n = 0
		}
		for j := 0; j < n; j++ {
			if fd.Message() != nil {
				e := l.NewElement()
				f.depth++
				f.fillProto(e.Message())
				f.depth--
				l.Append(e)
				continue
			}
			l.Append(f.scalar(fd))
		}
	case fd.IsMap():
		mp := m.Mutable(fd).Map()
		n := int(f.u8() % 4)
		if f.depth > 3 {
			n = 0
		}
		for j := 0; j < n; j++ {
			k := f.scalar(fd.MapKey()).MapKey()
			if fd.MapValue().Message() != nil {
				v := mp.NewValue()
				f.depth++
				f.fillProto(v.Message())
				f.depth--
				mp.Set(k, v)
				continue
			}
			mp.Set(k, f.scalar(fd.MapValue()))
		}
	case fd.Message() != nil:
		if f.depth > 3 && !(f.clean && fd.Cardinality() == protoreflect.Required) {
			return
		}
		v := m.NewField(fd)
		f.depth++
		f.fillProto(v.Message())
		f.depth--
		m.Set(fd, v)
	default:
		m.Set(fd, f.scalar(fd))
	}
}

func (f *filler) scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	pick := f.u8()
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(pick%2 == 1)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		if !f.clean && pick%5 == 0 {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(int32(f.u64())))
		}
		return protoreflect.ValueOfEnum(vals.Get(int(pick) % vals.Len()).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32([]int32{0, 1, -1, math.MaxInt32, math.MinInt32, int32(f.u64())}[pick%6])
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, int64(f.u64())}[pick%6])
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32([]uint32{0, 1, math.MaxUint32, uint32(f.u64())}[pick%4])
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64([]uint64{0, 1, math.MaxUint64, f.u64()}[pick%4])
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32([]float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(-1)), math.MaxFloat32, math.Float32frombits(uint32(f.u64()))}[pick%6])
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64([]float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.SmallestNonzeroFloat64, math.Float64frombits(f.u64())}[pick%6])
	case protoreflect.StringKind:
		if f.clean {
			return protoreflect.ValueOfString([]string{"", "a", "héllo ✓ 🚀", "\x00"}[pick%4])
		}
		return protoreflect.ValueOfString(boundaryStrings[int(pick)%len(boundaryStrings)])
	case protoreflect.BytesKind:
		b := make([]byte, pick%6)
		for i := range b {
			b[i] = f.u8()
		}
		if pick%7 == 0 {
			b = make([]byte, 200)
		}
		return protoreflect.ValueOfBytes(b)
	}
	panic("fillProto: kind " + fd.Kind().String())
}

// diffProto checks the generated AppendProto against serde/protobuf
// (validator and protobuf-go): the same verdict and violations; accepted
// messages encode to proto.MarshalOptions{Deterministic: true}'s bytes and
// decode with protobuf-go to a proto.Equal message.
func diffProto(t testing.TB, c serde.Compiled, m protoMsg, zero func() protoMsg) bool {
	t.Helper()
	prefix := []byte{0xbe, 0xef}
	got, gerr := m.AppendProto(bytes.Clone(prefix))
	_, werr := c.AppendEncode(bytes.Clone(prefix), m)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("generated error %v, runtime error %v", gerr, werr)
	}
	if gerr != nil {
		if !bytes.Equal(got, prefix) {
			t.Fatalf("rejected, but dst changed: %x", got)
		}
		if g, w := violationSet(gerr), violationSet(werr); !slices.Equal(g, w) {
			t.Fatalf("violations differ:\ngenerated %q\nruntime   %q", g, w)
		}
		return false
	}
	want, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("bytes differ:\ngenerated %x\nprotobuf  %x", got[len(prefix):], want)
	}
	back := zero()
	if err := proto.Unmarshal(got[len(prefix):], back); err != nil {
		t.Fatalf("protobuf-go cannot decode the generated bytes: %v", err)
	}
	if !proto.Equal(m, back) && !hasNaN(m.ProtoReflect()) {
		t.Fatalf("decoded message differs:\n%v\n%v", m, back)
	}
	return true
}

// hasNaN reports whether a NaN sits in m, which proto.Equal never equals.
func hasNaN(m protoreflect.Message) bool {
	found := false
	var val func(v protoreflect.Value, fd protoreflect.FieldDescriptor)
	val = func(v protoreflect.Value, fd protoreflect.FieldDescriptor) {
		switch fd.Kind() {
		case protoreflect.FloatKind, protoreflect.DoubleKind:
			found = found || math.IsNaN(v.Float())
		case protoreflect.MessageKind:
			found = found || hasNaN(v.Message())
		}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				val(v.List().Get(i), fd)
			}
		case fd.IsMap():
			v.Map().Range(func(_ protoreflect.MapKey, x protoreflect.Value) bool {
				val(x, fd.MapValue())
				return true
			})
		default:
			val(v, fd)
		}
		return true
	})
	return found
}

func TestProtoEncoderMatchesRuntime(t *testing.T) {
	for _, tg := range protoTargets() {
		t.Run(tg.name, func(t *testing.T) {
			c := compileAvroSerde(t, tg.serde)
			acc, rej := 0, 0
			for seed := 0; seed < 3000; seed++ {
				b := make([]byte, 512)
				x := uint64(seed)*0x9E3779B97F4A7C15 + 7
				for i := range b {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
					b[i] = byte(x)
				}
				m := tg.zero()
				newFiller(b).fillProto(m.ProtoReflect())
				if diffProto(t, c, m, tg.zero) {
					acc++
				} else {
					rej++
				}
			}
			if acc == 0 {
				t.Fatalf("accepted %d, rejected %d: the filler never builds a valid message", acc, rej)
			}
			t.Logf("accepted %d, rejected %d", acc, rej)
		})
	}
}

// FuzzProtoEncoderDiff compares the generated encoders with serde/protobuf
// and protobuf-go on messages built from the input.
func FuzzProtoEncoderDiff(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(2), bytes.Repeat([]byte{1, 2, 3}, 100))
	f.Add(uint8(3), bytes.Repeat([]byte{0}, 64))
	f.Add(uint8(4), bytes.Repeat([]byte{5, 1}, 200))
	targets := protoTargets()
	comp := make([]serde.Compiled, len(targets))
	for i, tg := range targets {
		comp[i] = compileAvroSerde(f, tg.serde)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(targets)
		m := targets[i].zero()
		newFiller(data).fillProto(m.ProtoReflect())
		diffProto(t, comp[i], m, targets[i].zero)
	})
}

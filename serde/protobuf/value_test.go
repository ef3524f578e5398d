package protobuf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/schemagen/schemagen/serde"
)

const legacyProto = `syntax = "proto2";
package legacy;
enum Status { NEW = 1; PAID = 2; }
enum Flag { FLAG_NONE = 0; FLAG_X = 1; }
message Item {
  required string sku = 1;
  optional int32 qty = 2;
  optional Status status = 3;
  repeated Status history = 4;
}
message Order {
  required string id = 1;
  repeated Item items = 2;
  map<string, Item> by_sku = 3;
  optional Status status = 4;
  map<string, Flag> statuses = 5;
  optional Item main = 6;
  optional group Extra = 7 { required int32 code = 1; }
  optional string note = 8;
}
`

const envelopeProto = `syntax = "proto3";
package shop.v1;
import "legacy.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";
message Envelope {
  string name = 1;
  repeated string tags = 2;
  map<string, string> labels = 3;
  legacy.Order order = 4;
  repeated legacy.Item items = 5;
  Inner inner = 6;
  google.protobuf.Timestamp at = 7;
  Kind kind = 8;
  int32 small = 9;
  uint64 big = 10;
  bytes raw = 11;
  optional double ratio = 12;
  google.protobuf.Struct extra = 13;
  oneof choice { string text = 14; int64 number = 15; }
  message Inner { string note = 1; map<int32, legacy.Item> slots = 2; }
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`

const editionsProto = `edition = "2023";
package ed;
message Rec {
  string s = 1;
  string loose = 2 [features.utf8_validation = NONE];
  int32 must = 3 [features.field_presence = LEGACY_REQUIRED];
}
`

const extProto = `syntax = "proto2";
package ext;
message Base { optional string name = 1; extensions 100 to 200; }
enum Color { RED = 1; }
message Part { required string id = 1; }
extend Base { optional Color color = 100; optional Part part = 101; repeated Part parts = 102; }
`

// setExt sets extension name on m (appending for repeated extensions).
func setExt(t *testing.T, s *Compiled, m *dynamicpb.Message, name string, vs ...protoreflect.Value) msg {
	t.Helper()
	xd, err := s.Files().FindDescriptorByName(protoreflect.FullName(name))
	if err != nil {
		t.Fatal(err)
	}
	xt := dynamicpb.NewExtensionType(xd.(protoreflect.ExtensionDescriptor)).TypeDescriptor()
	if xt.IsList() {
		l := m.Mutable(xt).List()
		for _, v := range vs {
			l.Append(v)
		}
		return msg{m}
	}
	m.Set(xt, vs[0])
	return msg{m}
}

// validated is a message with its own Validate method, like generated code
// with schema rules compiled in (serde.Validatable).
type validated struct {
	*dynamicpb.Message
	err error
	fp  string
}

func (v validated) Validate() error { return v.err }

func (v validated) SchemaFingerprint() string { return v.fp }

var testResolver = serde.MapResolver{"legacy.proto": {Text: legacyProto}}

func envelopeSchema(t testing.TB) *Compiled {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: envelopeProto}, testResolver)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func orderSchema(t testing.TB) *Compiled {
	t.Helper()
	return compileText(t, legacyProto, MessageName("legacy.Order"))
}

// msg is a small builder over dynamicpb for tests.
type msg struct{ m *dynamicpb.Message }

func newMsg(md protoreflect.MessageDescriptor) msg { return msg{dynamicpb.NewMessage(md)} }

func (b msg) fd(name string) protoreflect.FieldDescriptor {
	fd := b.m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		panic("no field " + name)
	}
	return fd
}

func (b msg) set(name string, v any) msg {
	fd := b.fd(name)
	switch x := v.(type) {
	case msg:
		b.m.Set(fd, protoreflect.ValueOfMessage(x.m))
	case protoreflect.EnumNumber:
		b.m.Set(fd, protoreflect.ValueOfEnum(x))
	default:
		b.m.Set(fd, protoreflect.ValueOf(v))
	}
	return b
}

func (b msg) add(name string, vs ...any) msg {
	l := b.m.Mutable(b.fd(name)).List()
	for _, v := range vs {
		switch x := v.(type) {
		case msg:
			l.Append(protoreflect.ValueOfMessage(x.m))
		case protoreflect.EnumNumber:
			l.Append(protoreflect.ValueOfEnum(x))
		default:
			l.Append(protoreflect.ValueOf(v))
		}
	}
	return b
}

func (b msg) put(name string, k, v any) msg {
	mp := b.m.Mutable(b.fd(name)).Map()
	var val protoreflect.Value
	switch x := v.(type) {
	case msg:
		val = protoreflect.ValueOfMessage(x.m)
	case protoreflect.EnumNumber:
		val = protoreflect.ValueOfEnum(x)
	default:
		val = protoreflect.ValueOf(v)
	}
	mp.Set(protoreflect.ValueOf(k).MapKey(), val)
	return b
}

func (b msg) sub(name string) protoreflect.MessageDescriptor {
	fd := b.fd(name)
	if fd.IsMap() {
		return fd.MapValue().Message()
	}
	return fd.Message()
}

type violation struct {
	path     string
	sentinel error
}

func checkViolations(t *testing.T, err error, want []violation) {
	t.Helper()
	got := serde.Violations(err)
	if len(got) != len(want) {
		t.Fatalf("got %d violations (%v), want %d: %v", len(got), err, len(want), want)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if g.Path == w.path && errors.Is(g, w.sentinel) {
				found = true
			}
		}
		if !found {
			t.Errorf("no violation at %q wrapping %v in %v", w.path, w.sentinel, err)
		}
	}
}

func validEnvelope(s *Compiled) msg {
	env := newMsg(s.Message())
	item := newMsg(env.sub("items")).set("sku", "A-1").set("qty", int32(2))
	order := newMsg(env.sub("order")).set("id", "o-1").add("items", item)
	return env.set("name", "n").add("tags", "a", "b").put("labels", "k", "v").set("order", order).
		set("kind", protoreflect.EnumNumber(1)).set("small", int32(-3)).set("big", uint64(1<<40)).
		set("raw", []byte{0, 1}).set("ratio", 0.5).set("text", "t")
}

func TestValidateBadValues(t *testing.T) {
	env := envelopeSchema(t)
	ord := orderSchema(t)
	ed := compileText(t, editionsProto)
	e := func() msg { return validEnvelope(env) }
	o := func() msg { return newMsg(ord.Message()).set("id", "o") }
	item := func(m msg, field string) msg { return newMsg(m.sub(field)) }
	okItem := func(m msg, field string) msg { return item(m, field).set("sku", "s") }

	// A message with the schema's full name but another layout, as a
	// different version of the schema would build it.
	otherEnv := compileText(t, `syntax = "proto3"; package shop.v1; message Envelope { int64 name = 1; }`)
	otherItem := compileText(t, `syntax = "proto2"; package legacy; message Item { required int64 sku = 1; }`)
	missingField := compileText(t, `syntax = "proto3"; package shop.v1; message Envelope { string name = 1; }`)
	extraField := compileText(t, `syntax = "proto3"; package shop.v1; message Envelope { string name = 1; int32 extra = 99; }`)
	missingRequired := compileText(t, `syntax = "proto2"; package legacy; message Order { optional string note = 8; }`)

	ext := compileText(t, extProto)
	x := func() msg { return newMsg(ext.Message()).set("name", "n") }
	part := func(id string) *dynamicpb.Message {
		p := dynamicpb.NewMessage(ext.Message().ParentFile().Messages().ByName("Part"))
		if id != "" {
			p.Set(p.Descriptor().Fields().ByName("id"), protoreflect.ValueOfString(id))
		}
		return p
	}

	uo := wellKnownSchema(t, "google/protobuf/descriptor.proto", "google.protobuf.UninterpretedOption")
	namePart := func(part string, ext *bool) *descriptorpb.UninterpretedOption_NamePart {
		return &descriptorpb.UninterpretedOption_NamePart{NamePart: proto.String(part), IsExtension: ext}
	}

	tests := []struct {
		name   string
		schema *Compiled
		value  any
		want   []violation
	}{
		{name: "generated required missing", schema: uo, value: &descriptorpb.UninterpretedOption{Name: []*descriptorpb.UninterpretedOption_NamePart{namePart("a", proto.Bool(false)), namePart("b", nil)}}, want: []violation{{"name[1].is_extension", serde.ErrRequired}}},
		{name: "generated valid", schema: uo, value: &descriptorpb.UninterpretedOption{Name: []*descriptorpb.UninterpretedOption_NamePart{namePart("a", proto.Bool(true))}, StringValue: []byte("x")}, want: nil},
		{name: "generated wrong type", schema: uo, value: &descriptorpb.FileOptions{}, want: []violation{{"", serde.ErrType}}},
		{name: "validatable value decides", schema: env, value: validated{Message: validEnvelope(env).m, err: serde.Violation("name", serde.ErrConstraint, "custom rule"), fp: serde.Fingerprint(env)}, want: []violation{{"name", serde.ErrConstraint}}},
		{name: "validatable value passes", schema: env, value: validated{Message: validEnvelope(env).m, fp: serde.Fingerprint(env)}, want: nil},
		{name: "validatable for another schema is not trusted", schema: env, value: validated{Message: validEnvelope(env).m, err: serde.Violation("name", serde.ErrConstraint, "custom rule"), fp: "another schema"}, want: nil},
		{name: "extension closed enum", schema: ext, value: setExt(t, ext, x().m, "ext.color", protoreflect.ValueOfEnum(9)).m, want: []violation{{"(ext.color)", serde.ErrEnum}}},
		{name: "extension message required", schema: ext, value: setExt(t, ext, x().m, "ext.part", protoreflect.ValueOfMessage(part(""))).m, want: []violation{{"(ext.part).id", serde.ErrRequired}}},
		{name: "repeated extension message required", schema: ext, value: setExt(t, ext, x().m, "ext.parts", protoreflect.ValueOfMessage(part("a")), protoreflect.ValueOfMessage(part(""))).m, want: []violation{{"(ext.parts)[1].id", serde.ErrRequired}}},
		{name: "valid extensions", schema: ext, value: setExt(t, ext, setExt(t, ext, x().m, "ext.color", protoreflect.ValueOfEnum(1)).m, "ext.part", protoreflect.ValueOfMessage(part("p"))).m, want: nil},
		{name: "nil", schema: env, value: nil, want: []violation{{"", serde.ErrType}}},
		{name: "not a message", schema: env, value: "hello", want: []violation{{"", serde.ErrType}}},
		{name: "map value", schema: env, value: map[string]any{"name": "x"}, want: []violation{{"", serde.ErrType}}},
		{name: "typed nil generated", schema: compileText(t, `syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }`), value: (*timestamppb.Timestamp)(nil), want: []violation{{"", serde.ErrRequired}}},
		{name: "wrong message type generated", schema: env, value: timestamppb.Now(), want: []violation{{"", serde.ErrType}}},
		{name: "wrong message type dynamic", schema: env, value: o().m, want: []violation{{"", serde.ErrType}}},
		{name: "same name other kind", schema: env, value: newMsg(otherEnv.Message()).set("name", int64(4)).m, want: []violation{{"name", serde.ErrType}}},
		{name: "same name missing optional field is fine", schema: env, value: newMsg(missingField.Message()).set("name", "x").m, want: nil},
		{name: "same name extra field set", schema: env, value: newMsg(extraField.Message()).set("name", "x").set("extra", int32(1)).m, want: []violation{{"extra", serde.ErrType}}},
		{name: "same name extra field unset is fine", schema: env, value: newMsg(extraField.Message()).set("name", "x").m, want: nil},
		{name: "same name missing required field", schema: ord, value: newMsg(missingRequired.Message()).set("note", "x").m, want: []violation{{"", serde.ErrType}}},
		{name: "foreign nested item", schema: env, value: e().add("items", newMsg(otherItem.Message()).set("sku", int64(1))).m, want: []violation{{"items[0].sku", serde.ErrType}}},
		{name: "bad utf8", schema: env, value: e().set("name", "\xff").m, want: []violation{{"name", serde.ErrFormat}}},
		{name: "bad utf8 in list", schema: env, value: e().add("tags", "ok", "b\xc3").m, want: []violation{{"tags[3]", serde.ErrFormat}}},
		{name: "bad utf8 map value", schema: env, value: e().put("labels", "k2", "\xfe").m, want: []violation{{`labels["k2"]`, serde.ErrFormat}}},
		{name: "bad utf8 map key", schema: env, value: e().put("labels", "\xfe", "v").m, want: []violation{{`labels["\xfe"]`, serde.ErrFormat}}},
		{name: "bad utf8 nested", schema: env, value: e().set("inner", newMsg(e().sub("inner")).set("note", "\x80")).m, want: []violation{{"inner.note", serde.ErrFormat}}},
		{name: "bad utf8 in oneof", schema: env, value: e().set("text", "\xc0\x80").m, want: []violation{{"text", serde.ErrFormat}}},
		{name: "proto2 string needs no utf8", schema: ord, value: o().set("note", "\xff").m, want: nil},
		{name: "required missing", schema: ord, value: newMsg(ord.Message()).m, want: []violation{{"id", serde.ErrRequired}}},
		{name: "required in repeated", schema: ord, value: o().add("items", okItem(o(), "items"), okItem(o(), "items"), item(o(), "items")).m, want: []violation{{"items[2].sku", serde.ErrRequired}}},
		{name: "required in map value", schema: ord, value: o().put("by_sku", "x", item(o(), "by_sku")).m, want: []violation{{`by_sku["x"].sku`, serde.ErrRequired}}},
		{name: "required in nested", schema: ord, value: o().set("main", item(o(), "main")).m, want: []violation{{"main.sku", serde.ErrRequired}}},
		{name: "required in group", schema: ord, value: o().set("extra", newMsg(o().sub("extra"))).m, want: []violation{{"extra.code", serde.ErrRequired}}},
		{name: "required via proto3 parent", schema: env, value: e().add("items", item(e(), "items")).m, want: []violation{{"items[0].sku", serde.ErrRequired}}},
		{name: "required deep in proto3 map", schema: env, value: e().set("inner", newMsg(e().sub("inner")).put("slots", int32(7), newMsg(newMsg(e().sub("inner")).sub("slots")))).m, want: []violation{{"inner.slots[7].sku", serde.ErrRequired}}},
		{name: "closed enum out of range", schema: ord, value: o().set("status", protoreflect.EnumNumber(9)).m, want: []violation{{"status", serde.ErrEnum}}},
		{name: "closed enum zero undeclared", schema: ord, value: o().set("status", protoreflect.EnumNumber(0)).m, want: []violation{{"status", serde.ErrEnum}}},
		{name: "closed enum in repeated", schema: ord, value: o().add("items", okItem(o(), "items").add("history", protoreflect.EnumNumber(1), protoreflect.EnumNumber(-1))).m, want: []violation{{"items[0].history[1]", serde.ErrEnum}}},
		{name: "closed enum map value", schema: ord, value: o().put("statuses", "a", protoreflect.EnumNumber(3)).m, want: []violation{{`statuses["a"]`, serde.ErrEnum}}},
		{name: "closed enum nested in proto3", schema: env, value: e().set("order", newMsg(e().sub("order")).set("id", "x").set("status", protoreflect.EnumNumber(5))).m, want: []violation{{"order.status", serde.ErrEnum}}},
		{name: "open enum out of range is fine", schema: env, value: e().set("kind", protoreflect.EnumNumber(77)).m, want: nil},
		{name: "several at once", schema: ord, value: newMsg(ord.Message()).set("status", protoreflect.EnumNumber(8)).add("items", item(o(), "items")).m, want: []violation{{"id", serde.ErrRequired}, {"status", serde.ErrEnum}, {"items[0].sku", serde.ErrRequired}}},
		{name: "editions utf8 default verify", schema: ed, value: newMsg(ed.Message()).set("must", int32(1)).set("s", "\xff").m, want: []violation{{"s", serde.ErrFormat}}},
		{name: "editions utf8 none", schema: ed, value: newMsg(ed.Message()).set("must", int32(1)).set("loose", "\xff").m, want: nil},
		{name: "editions legacy required", schema: ed, value: newMsg(ed.Message()).m, want: []violation{{"must", serde.ErrRequired}}},
		{name: "valid envelope", schema: env, value: e().m, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verr := tt.schema.Validate(tt.value)
			checkViolations(t, verr, tt.want)
			// AppendEncode accepts exactly what Validate accepts, and
			// leaves dst alone when it refuses.
			dst := []byte("prefix")
			out, eerr := tt.schema.AppendEncode(dst, tt.value)
			if (verr == nil) != (eerr == nil) {
				t.Fatalf("Validate: %v; AppendEncode: %v", verr, eerr)
			}
			if eerr != nil {
				checkViolations(t, eerr, tt.want)
				if string(out) != "prefix" {
					t.Fatalf("AppendEncode changed dst on error: %q", out)
				}
			} else if !strings.HasPrefix(string(out), "prefix") {
				t.Fatalf("AppendEncode lost dst: %q", out)
			}
		})
	}
}

func TestRoundTripDynamic(t *testing.T) {
	s := envelopeSchema(t)
	in := validEnvelope(s)
	at := newMsg(in.sub("at")).set("seconds", int64(1700000000)).set("nanos", int32(5))
	in.set("at", at)
	b, err := s.AppendEncode(nil, in.m)
	if err != nil {
		t.Fatal(err)
	}
	det, err := Compile(context.Background(), s.Schema(), testResolver, Deterministic())
	if err != nil {
		t.Fatal(err)
	}
	in.put("labels", "a", "1").put("labels", "z", "2")
	for i := 0; i < 5; i++ {
		got, err := det.AppendEncode(nil, in.m)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(in.m)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(raw) {
			t.Fatalf("deterministic AppendEncode differs from deterministic proto.Marshal")
		}
	}
	in.m.Clear(in.fd("labels"))
	in.put("labels", "k", "v")
	out := s.New()
	if err := s.Decode(b, out); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in.m, out) {
		t.Fatalf("round trip differs:\n%v\n%v", in.m, out)
	}
}

func TestRoundTripGenerated(t *testing.T) {
	tests := []struct {
		name  string
		proto string
		in    proto.Message
		out   func() proto.Message
	}{
		{
			name:  "timestamp",
			proto: `syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }`,
			in:    timestamppb.New(timestamppb.Now().AsTime()),
			out:   func() proto.Message { return new(timestamppb.Timestamp) },
		},
		{
			name:  "struct from the built-in import",
			proto: `syntax = "proto3"; package w; import "google/protobuf/struct.proto"; message W { google.protobuf.Struct s = 1; }`,
			in:    nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compileText(t, tt.proto)
			if tt.in == nil {
				// A dynamic W holding a generated Struct.
				st, err := structpb.NewStruct(map[string]any{"a": 1.5, "b": []any{"x", true}})
				if err != nil {
					t.Fatal(err)
				}
				w := newMsg(s.Message())
				w.m.Set(w.fd("s"), protoreflect.ValueOfMessage(st.ProtoReflect()))
				b, err := s.AppendEncode(nil, w.m)
				if err != nil {
					t.Fatal(err)
				}
				back := s.New()
				if err := s.Decode(b, back); err != nil {
					t.Fatal(err)
				}
				bb, _ := proto.MarshalOptions{Deterministic: true}.Marshal(back)
				wb, _ := proto.MarshalOptions{Deterministic: true}.Marshal(w.m)
				if string(bb) != string(wb) {
					t.Fatal("struct round trip differs")
				}
				return
			}
			b, err := s.AppendEncode(nil, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			out := tt.out()
			if err := s.Decode(b, out); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(tt.in, out) {
				t.Fatalf("round trip differs: %v vs %v", tt.in, out)
			}
			// Bytes from the generated type decode into the dynamic type too.
			dyn := s.New()
			if err := s.Decode(b, dyn); err != nil {
				t.Fatal(err)
			}
			if got := dyn.ProtoReflect().Get(s.Message().Fields().ByName("nanos")).Int(); got != int64(tt.in.(*timestamppb.Timestamp).Nanos) {
				t.Fatalf("nanos = %d", got)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	s := orderSchema(t)
	tests := []struct {
		name string
		data []byte
		v    any
	}{
		{name: "truncated varint", data: []byte{0x0a, 0x80}, v: s.New()},
		{name: "bad wire type", data: []byte{0x0f}, v: s.New()},
		{name: "length past end", data: []byte{0x0a, 0x05, 'a'}, v: s.New()},
		{name: "required missing", data: []byte{0x22, 0x00}, v: s.New()},
		{name: "wrong target type", data: []byte{0x0a, 0x01, 'a'}, v: timestamppb.Now()},
		{name: "nil target", data: []byte{0x0a, 0x01, 'a'}, v: nil},
		{name: "not a message", data: []byte{0x0a, 0x01, 'a'}, v: new(string)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Decode(tt.data, tt.v); !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("err = %v, want ErrDecode", err)
			}
		})
	}
}

func TestNoMessageSchema(t *testing.T) {
	s := compileText(t, "syntax = \"proto3\";\nenum E { E0 = 0; }\n")
	if s.Message() != nil || s.New() != nil || s.MessageIndexes() != nil {
		t.Fatal("a schema without messages has a message")
	}
	if err := s.Validate(timestamppb.Now()); !errors.Is(err, serde.ErrType) {
		t.Fatalf("Validate: %v", err)
	}
	if _, err := s.FromJSON([]byte(`{}`)); !errors.Is(err, serde.ErrType) {
		t.Fatalf("FromJSON: %v", err)
	}
}

var (
	errDecode       = serde.ErrDecode
	errType         = serde.ErrType
	errUnknownField = serde.ErrUnknownField
	errRange        = serde.ErrRange
	errEnum         = serde.ErrEnum
	errFormat       = serde.ErrFormat
	errConstraint   = serde.ErrConstraint
	errRequired     = serde.ErrRequired
)

package codegen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/gofeaturespb"
)

// protoEnc generates AppendProto for one Protobuf entry's message: one
// function per message it reaches that validates what serde/protobuf's
// validator checks (required fields, UTF-8 strings, closed enums) and
// appends what proto.MarshalOptions{Deterministic: true} writes: fields by
// number, oneof members in their number's place, map entries sorted by
// key with key and value always written, unknown fields last.
type protoEnc struct {
	g    *generator
	f    *goFile
	pb   func(name string) string // serde/protobuf
	wire func(name string) string // protowire
}

const protowirePkg = "google.golang.org/protobuf/encoding/protowire"

// protoSupported reports why the messages below m cannot have a generated
// encoder ("" when they can): extensions, groups, editions files, the
// opaque API.
func protoSupported(m *protogen.Message, seen map[*protogen.Message]bool) string {
	if seen[m] {
		return ""
	}
	seen[m] = true
	d := m.Desc
	if d.ExtensionRanges().Len() > 0 {
		return "extension ranges"
	}
	if d.ParentFile().Syntax() != protoreflect.Proto2 && d.ParentFile().Syntax() != protoreflect.Proto3 {
		return "editions"
	}
	if m.APILevel != gofeaturespb.GoFeatures_API_OPEN && m.APILevel != gofeaturespb.GoFeatures_API_LEVEL_UNSPECIFIED {
		return "opaque API"
	}
	for _, f := range m.Fields {
		if f.Desc.Kind() == protoreflect.GroupKind || f.Desc.IsWeak() {
			return "groups"
		}
		sub := f.Message
		if f.Desc.IsMap() {
			sub = f.Message.Fields[1].Message
		}
		if sub != nil {
			if why := protoSupported(sub, seen); why != "" {
				return why
			}
		}
	}
	return ""
}

func protoFuncName(m *protogen.Message) string {
	return "appendProto" + strings.NewReplacer(".", "_").Replace(string(m.Desc.FullName()))
}

func (pe *protoEnc) typ(m *protogen.Message) string {
	return pe.f.Q(string(m.GoIdent.GoImportPath), m.GoIdent.GoName)
}

func (pe *protoEnc) ident(id protogen.GoIdent) string {
	return pe.f.Q(string(id.GoImportPath), id.GoName)
}

// message writes the encoder function of m and of the messages it reaches.
func (pe *protoEnc) message(m *protogen.Message, own bool) {
	key := "protoenc:" + string(m.Desc.FullName())
	if pe.g.done[key] != "" {
		return
	}
	pe.g.done[key] = "1"
	P := pe.f.P
	P()
	P("// ", protoFuncName(m), " validates m and appends its Protobuf encoding.")
	P("func ", protoFuncName(m), "(dst []byte, m *", pe.typ(m), ", e *", pe.pb("Enc"), ") []byte {")
	for _, f := range m.Fields {
		if f.Desc.Cardinality() == protoreflect.Required {
			P("if m.", f.GoName, " == nil {")
			P("e.Missing(", strconv.Quote(string(f.Desc.Name())), ")")
			P("}")
		}
	}
	fields := slices.Clone(m.Fields)
	// protobuf-go's order: fields by number, then oneofs last, by
	// declaration, their members by number (order.LegacyFieldOrder).
	oneofIndex := func(f *protogen.Field) int {
		if od := f.Desc.ContainingOneof(); od != nil && !od.IsSynthetic() {
			return od.Index()
		}
		return -1
	}
	slices.SortFunc(fields, func(a, b *protogen.Field) int {
		if oa, ob := oneofIndex(a), oneofIndex(b); oa != ob {
			return oa - ob
		}
		return int(a.Desc.Number()) - int(b.Desc.Number())
	})
	marked := false
	mark := func() {
		if !marked {
			P("mk := e.Mark()")
			marked = true
		} else {
			P("mk = e.Mark()")
		}
	}
	for _, f := range fields {
		fails := pe.canFail(f)
		if fails {
			mark()
		}
		pe.field(f)
		if fails {
			P("e.Field(mk, ", strconv.Quote(string(f.Desc.Name())), ")")
		}
	}
	if own {
		P("dst = append(dst, m.unknownFields...)")
	} else {
		P("dst = append(dst, m.ProtoReflect().GetUnknown()...)")
	}
	P("return dst")
	P("}")
	for _, f := range m.Fields {
		sub := f.Message
		if f.Desc.IsMap() {
			sub = f.Message.Fields[1].Message
		}
		if sub != nil {
			pe.message(sub, string(sub.GoIdent.GoImportPath) == pe.g.pkg.ImportPath)
		}
	}
}

// canFail reports whether f's values can carry a violation of their own
// (required fields are checked apart).
func (pe *protoEnc) canFail(f *protogen.Field) bool {
	d := f.Desc
	if d.IsMap() {
		return pe.valueFails(d.MapKey()) || pe.valueFails(d.MapValue()) || f.Message.Fields[1].Message != nil
	}
	return pe.valueFails(d) || f.Message != nil
}

func (pe *protoEnc) valueFails(d protoreflect.FieldDescriptor) bool {
	switch d.Kind() {
	case protoreflect.StringKind:
		return d.ParentFile().Syntax() == protoreflect.Proto3
	case protoreflect.EnumKind:
		return d.Enum().IsClosed()
	}
	return false
}

func tagBytes(num protoreflect.FieldNumber, t protowire.Type) string {
	b := protowire.AppendTag(nil, num, t)
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = strconv.Itoa(int(x))
	}
	return strings.Join(parts, ", ")
}

func wireType(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	}
	return protowire.VarintType
}

// field writes the encoding of field f of m.
func (pe *protoEnc) field(f *protogen.Field) {
	P := pe.f.P
	d := f.Desc
	x := "m." + f.GoName
	switch {
	case f.Oneof != nil && !f.Oneof.Desc.IsSynthetic():
		P("if x, ok := m.", f.Oneof.GoName, ".(*", pe.ident(f.GoIdent), "); ok {")
		pe.value(d, f.Message, "x."+f.GoName, true)
		P("}")
	case d.IsMap():
		pe.mapField(f, x)
	case d.IsList():
		if d.IsPacked() {
			P("if len(", x, ") > 0 {")
			P("dst = append(dst, ", tagBytes(d.Number(), protowire.BytesType), ")")
			P("var st int")
			P("dst, st = ", pe.pb("Begin"), "(dst)")
			P("for i, v := range ", x, " {")
			if pe.valueFails(d) {
				P("mi := e.Mark()")
			}
			pe.scalar(d, "v")
			if pe.valueFails(d) {
				P("e.Index(mi, i)")
			} else {
				P("_ = i")
			}
			P("}")
			P("dst = ", pe.pb("End"), "(dst, st)")
			P("}")
			return
		}
		P("for i, v := range ", x, " {")
		fails := pe.valueFails(d) || f.Message != nil
		if fails {
			P("mi := e.Mark()")
		}
		pe.value(d, f.Message, "v", true)
		if fails {
			P("e.Index(mi, i)")
		} else {
			P("_ = i")
		}
		P("}")
	case f.Message != nil:
		P("if ", x, " != nil {")
		pe.value(d, f.Message, x, true)
		P("}")
	case d.HasPresence():
		if d.Kind() == protoreflect.BytesKind {
			P("if ", x, " != nil {")
			pe.value(d, nil, x, true)
		} else {
			P("if ", x, " != nil {")
			pe.value(d, nil, "(*"+x+")", true)
		}
		P("}")
	default:
		switch d.Kind() {
		case protoreflect.BoolKind:
			P("if ", x, " {")
		case protoreflect.StringKind, protoreflect.BytesKind:
			P("if len(", x, ") > 0 {")
		case protoreflect.FloatKind, protoreflect.DoubleKind:
			P("if ", x, " != 0 || ", pe.f.Q("math", "Signbit"), "(float64(", x, ")) {")
		default:
			P("if ", x, " != 0 {")
		}
		pe.value(d, nil, x, true)
		P("}")
	}
}

// value writes the tag and the value x of d (a message when msg is set).
func (pe *protoEnc) value(d protoreflect.FieldDescriptor, msg *protogen.Message, x string, tag bool) {
	P := pe.f.P
	if tag {
		P("dst = append(dst, ", tagBytes(d.Number(), wireType(d.Kind())), ")")
	}
	if msg != nil {
		P("{")
		P("var st int")
		P("dst, st = ", pe.pb("Begin"), "(dst)")
		P("if ", x, " != nil {")
		P("dst = ", protoFuncName(msg), "(dst, ", x, ", e)")
		P("}")
		P("dst = ", pe.pb("End"), "(dst, st)")
		P("}")
		return
	}
	pe.scalar(d, x)
}

// scalar writes the value x of d without its tag, with its checks.
func (pe *protoEnc) scalar(d protoreflect.FieldDescriptor, x string) {
	P := pe.f.P
	w := pe.wire
	switch d.Kind() {
	case protoreflect.BoolKind:
		P("dst = ", w("AppendVarint"), "(dst, ", w("EncodeBool"), "(", x, "))")
	case protoreflect.EnumKind:
		if d.Enum().IsClosed() {
			var nums []string
			seen := map[protoreflect.EnumNumber]bool{}
			vals := d.Enum().Values()
			for i := 0; i < vals.Len(); i++ {
				if n := vals.Get(i).Number(); !seen[n] {
					seen[n] = true
					nums = append(nums, strconv.Itoa(int(n)))
				}
			}
			P("switch ", x, " {")
			P("case ", strings.Join(nums, ", "), ":")
			P("default:")
			P("e.BadEnum(int32(", x, "), ", strconv.Quote(string(d.Enum().FullName())), ")")
			P("}")
		}
		P("dst = ", w("AppendVarint"), "(dst, uint64(", x, "))")
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		P("dst = ", w("AppendVarint"), "(dst, uint64(", x, "))")
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		P("dst = ", w("AppendVarint"), "(dst, ", w("EncodeZigZag"), "(int64(", x, ")))")
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		P("dst = ", w("AppendFixed32"), "(dst, uint32(", x, "))")
	case protoreflect.FloatKind:
		P("dst = ", w("AppendFixed32"), "(dst, ", pe.f.Q("math", "Float32bits"), "(", x, "))")
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		P("dst = ", w("AppendFixed64"), "(dst, uint64(", x, "))")
	case protoreflect.DoubleKind:
		P("dst = ", w("AppendFixed64"), "(dst, ", pe.f.Q("math", "Float64bits"), "(", x, "))")
	case protoreflect.StringKind:
		if d.ParentFile().Syntax() == protoreflect.Proto3 {
			P("e.CheckUTF8(", x, ")")
		}
		P("dst = ", pe.pb("AppendString"), "(dst, ", x, ")")
	case protoreflect.BytesKind:
		P("dst = ", w("AppendBytes"), "(dst, ", x, ")")
	default:
		panic(fmt.Sprintf("protoenc: kind %s", d.Kind()))
	}
}

func (pe *protoEnc) mapField(f *protogen.Field, x string) {
	P := pe.f.P
	d := f.Desc
	kd, vd := d.MapKey(), d.MapValue()
	vmsg := f.Message.Fields[1].Message
	keyCall := map[protoreflect.Kind]string{
		protoreflect.StringKind: "Key",
		protoreflect.BoolKind:   "KeyBool",
		protoreflect.Uint32Kind: "KeyUint", protoreflect.Uint64Kind: "KeyUint", protoreflect.Fixed32Kind: "KeyUint", protoreflect.Fixed64Kind: "KeyUint",
	}[kd.Kind()]
	keyConv := ""
	switch keyCall {
	case "":
		keyCall, keyConv = "KeyInt", "int64"
	case "KeyUint":
		keyConv = "uint64"
	}
	P("if len(", x, ") > 0 {")
	if kd.Kind() == protoreflect.BoolKind {
		P("for _, k := range [2]bool{false, true} {")
		P("v, ok := ", x, "[k]")
		P("if !ok {")
		P("continue")
		P("}")
	} else {
		P("var kb [16]", pe.goScalar(kd))
		P("for _, k := range ", pe.pb("SortedKeys"), "(", x, ", kb[:0]) {")
		P("v := ", x, "[k]")
	}
	fails := pe.valueFails(kd) || pe.valueFails(vd) || vmsg != nil
	if fails {
		P("mi := e.Mark()")
	}
	if kd.Kind() == protoreflect.StringKind && kd.ParentFile().Syntax() == protoreflect.Proto3 {
		P("if !", pe.f.Q("unicode/utf8", "ValidString"), "(k) {")
		P("e.BadKey()")
		P("}")
	}
	P("dst = append(dst, ", tagBytes(d.Number(), protowire.BytesType), ")")
	P("var st int")
	P("dst, st = ", pe.pb("Begin"), "(dst)")
	P("dst = append(dst, ", tagBytes(1, wireType(kd.Kind())), ")")
	if kd.Kind() == protoreflect.StringKind {
		P("dst = ", pe.pb("AppendString"), "(dst, k)")
	} else {
		pe.scalar(kd, "k")
	}
	pe.value(vd, vmsg, "v", true)
	P("dst = ", pe.pb("End"), "(dst, st)")
	if fails {
		if keyConv != "" {
			P("e.", keyCall, "(mi, ", keyConv, "(k))")
		} else {
			P("e.", keyCall, "(mi, k)")
		}
	}
	P("}")
	P("}")
}

// goScalar is the Go type protoc-gen-go gives a map key of d's kind.
func (pe *protoEnc) goScalar(d protoreflect.FieldDescriptor) string {
	switch d.Kind() {
	case protoreflect.StringKind:
		return "string"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return "int32"
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return "int64"
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return "uint32"
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return "uint64"
	}
	return "bool"
}

// protoRoot writes AppendProto and SchemaFingerprint on the entry's
// message, or nothing when the messages it reaches use what the encoder
// does not cover; serde then takes its general path.
func (g *generator) protoRoot(f *goFile, root *protogen.Message, stubName string) {
	if protoSupported(root, map[*protogen.Message]bool{}) != "" {
		return
	}
	for _, fl := range root.Fields {
		if fl.GoName == "AppendProto" || fl.GoName == "SchemaFingerprint" {
			return
		}
	}
	if g.done == nil {
		g.done = map[string]string{}
	}
	name := root.GoIdent.GoName
	if g.fpTypes == nil {
		g.fpTypes = map[string]bool{}
	}
	if g.fpTypes[name] {
		return
	}
	g.fpTypes[name] = true
	pe := &protoEnc{g: g, f: f}
	pe.pb = func(n string) string { return f.Q(protoSerde, n) }
	pe.wire = func(n string) string { return f.Q(protowirePkg, n) }
	P := f.P
	P()
	P("// AppendProto validates m against ", stubName, "Schema and appends its Protobuf")
	P("// encoding (no frame, no message indexes) to dst, in one pass and without")
	P("// reflection: the bytes proto.MarshalOptions{Deterministic: true} writes, the")
	P("// violations serde/protobuf's validator reports. On error dst comes back")
	P("// unchanged. serde.Serializer calls it for values of this type when it binds")
	P("// the schema this type was generated from.")
	P("func (m *", name, ") AppendProto(dst []byte) ([]byte, error) {")
	P("if m == nil {")
	P("return dst, ", f.Q(serdePkg, "Violation"), "(\"\", ", f.Q(serdePkg, "ErrRequired"), ", \"nil %T message\", m)")
	P("}")
	P("var e ", pe.pb("Enc"))
	P("start := len(dst)")
	P("dst = ", protoFuncName(root), "(dst, m, &e)")
	P("if err := e.Err(); err != nil {")
	P("return dst[:start], err")
	P("}")
	P("return dst, nil")
	P("}")
	P()
	P("// SchemaFingerprint returns ", stubName, "Fingerprint: serde uses AppendProto")
	P("// only for the schema this type was generated from.")
	P("func (m *", name, ") SchemaFingerprint() string { return ", stubName, "Fingerprint }")
	pe.message(root, true)
	bg := &bufGen{g: g, f: f, pb: pe.pb, why: map[protoreflect.FullName]string{}, rules: map[protoreflect.FullName]bool{}}
	bg.root(root)
}

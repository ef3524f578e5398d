package protobuf

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// Canonical returns the schema as .proto text in a canonical form: the same
// schema written two ways (declaration order of imports and options,
// comments, whitespace, field order) gives the same text, and the text
// compiles back to an equivalent descriptor.
//
// The form: the syntax or edition line; the package; imports sorted by path;
// options sorted by name, everywhere; then messages, enums, extensions
// (grouped by extendee) and services. Messages and enums keep their declared
// order, because message indexes and proto3 enum defaults depend on it.
// Inside a message, plain fields come first, sorted by number (a oneof where
// its lowest field falls), then nested messages in declared order with each
// map or group field at the place of the nested type it creates, so message
// indexes survive normalization. Every type reference is fully qualified
// with a leading dot, as Confluent Schema Registry's normalizer writes them.
// Comments are dropped. Weak imports print as plain imports: protobuf-go
// does not keep them.
func (s *Compiled) Canonical() string {
	s.canonOnce.Do(func() {
		p := printer{types: s.types, fdp: protodesc.ToFileDescriptorProto(s.file)}
		s.canon = p.file()
	})
	return s.canon
}

// FingerprintText returns the text serde.Fingerprint hashes: Canonical,
// then the full name of the message the schema encodes (one file holds
// several, each framed under its own message index), then the canonical
// text of every file it imports, transitively, in path order (Canonical
// names imports only). A generated message is taken for this schema only
// when all three match.
func (s *Compiled) FingerprintText() string {
	s.fpTextOnce.Do(func() {
		var b strings.Builder
		b.WriteString(s.Canonical())
		b.WriteString("\n// message ")
		b.WriteString(string(s.msg.FullName()))
		b.WriteString("\n")
		deps := map[string]protoreflect.FileDescriptor{}
		var walk func(fd protoreflect.FileDescriptor)
		walk = func(fd protoreflect.FileDescriptor) {
			imps := fd.Imports()
			for i := 0; i < imps.Len(); i++ {
				dep := imps.Get(i).FileDescriptor
				if _, ok := deps[dep.Path()]; ok || dep.Path() == s.file.Path() {
					continue
				}
				deps[dep.Path()] = dep
				walk(dep)
			}
		}
		walk(s.file)
		paths := make([]string, 0, len(deps))
		for p := range deps {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, path := range paths {
			p := printer{types: s.types, fdp: protodesc.ToFileDescriptorProto(deps[path])}
			b.WriteString("// import ")
			b.WriteString(strconv.Quote(path))
			b.WriteString("\n")
			b.WriteString(p.file())
			b.WriteString("\n")
		}
		s.fpText = b.String()
	})
	return s.fpText
}

// FileText prints a FileDescriptorProto as .proto text in the form
// Canonical writes. The descriptor is checked first (names, numbers, oneof
// indexes; its imports need not be at hand), and a descriptor that is not
// valid gives an error that wraps serde.ErrSchema. Custom options print only when their definitions
// are linked into the program (protoregistry.GlobalTypes); others are left
// out, which does not change the wire format. Registries use it to store a
// schema sent as a serialized descriptor as .proto text.
func FileText(fdp *descriptorpb.FileDescriptorProto) (string, error) {
	switch fdp.GetSyntax() {
	case "", "proto2", "proto3", "editions":
	default:
		return "", fmt.Errorf("%w: protobuf: descriptor syntax %q is not supported", serde.ErrSchema, fdp.GetSyntax())
	}
	if _, err := (protodesc.FileOptions{AllowUnresolvable: true}).New(fdp, new(protoregistry.Files)); err != nil {
		return "", fmt.Errorf("%w: protobuf: invalid file descriptor: %w", serde.ErrSchema, err)
	}
	p := printer{fdp: fdp}
	return p.file(), nil
}

type printer struct {
	// types resolves custom options; nil means protoregistry.GlobalTypes.
	types interface {
		protoregistry.ExtensionTypeResolver
		protoregistry.MessageTypeResolver
	}
	fdp *descriptorpb.FileDescriptorProto
	b   strings.Builder
	ind int
}

func (p *printer) line(parts ...string) {
	for i := 0; i < p.ind; i++ {
		p.b.WriteString("  ")
	}
	for _, s := range parts {
		p.b.WriteString(s)
	}
	p.b.WriteByte('\n')
}

func (p *printer) editions() bool { return p.fdp.GetSyntax() == "editions" }
func (p *printer) proto3() bool   { return p.fdp.GetSyntax() == "proto3" }

func (p *printer) file() string {
	f := p.fdp
	switch f.GetSyntax() {
	case "editions":
		p.line("edition = ", quote(strings.TrimPrefix(f.GetEdition().String(), "EDITION_")), ";")
	case "proto3":
		p.line(`syntax = "proto3";`)
	default:
		p.line(`syntax = "proto2";`)
	}
	if f.GetPackage() != "" {
		p.b.WriteByte('\n')
		p.line("package ", f.GetPackage(), ";")
	}
	type imp struct{ path, kind string }
	var imps []imp
	for i, d := range f.GetDependency() {
		kind := ""
		if slices.Contains(f.GetPublicDependency(), int32(i)) {
			kind = "public "
		} else if slices.Contains(f.GetWeakDependency(), int32(i)) {
			kind = "weak "
		}
		imps = append(imps, imp{d, kind})
	}
	slices.SortFunc(imps, func(a, b imp) int { return cmp.Compare(a.path, b.path) })
	if len(imps) > 0 {
		p.b.WriteByte('\n')
	}
	for _, im := range imps {
		p.line("import ", im.kind, quote(im.path), ";")
	}
	if opts := p.options(f.GetOptions()); len(opts) > 0 {
		p.b.WriteByte('\n')
		for _, o := range opts {
			p.line("option ", o, ";")
		}
	}
	scope := ""
	if f.GetPackage() != "" {
		scope = "." + f.GetPackage()
	}
	// Top-level groups of file-level extensions keep their place among the
	// messages, like nested ones (see body).
	synth := p.synthesized(scope, f.GetMessageType(), nil, f.GetExtension())
	nested := map[string]*descriptorpb.DescriptorProto{}
	for _, m := range f.GetMessageType() {
		nested[m.GetName()] = m
	}
	for _, m := range f.GetMessageType() {
		p.b.WriteByte('\n')
		if x := synth[m.GetName()]; x != nil {
			p.line("extend ", x.GetExtendee(), " {")
			p.ind++
			p.field(scope, x, nested, false)
			p.ind--
			p.line("}")
			continue
		}
		p.message(scope, m)
	}
	for _, e := range f.GetEnumType() {
		p.b.WriteByte('\n')
		p.enum(e)
	}
	var exts []*descriptorpb.FieldDescriptorProto
	for _, x := range f.GetExtension() {
		if synth[lastName(x.GetTypeName())] != x {
			exts = append(exts, x)
		}
	}
	p.extensions(scope, exts)
	for _, sv := range f.GetService() {
		p.b.WriteByte('\n')
		p.service(sv)
	}
	return p.b.String()
}

func (p *printer) message(scope string, m *descriptorpb.DescriptorProto) {
	p.line("message ", m.GetName(), " {")
	p.ind++
	p.body(scope+"."+m.GetName(), m)
	p.ind--
	p.line("}")
}

// synthesized maps the nested types that fields create (map entries, and
// proto2 groups of fields or extensions) to their fields. scope is the full
// name of the enclosing message or package, with a leading dot.
func (p *printer) synthesized(scope string, nested []*descriptorpb.DescriptorProto, fields, exts []*descriptorpb.FieldDescriptorProto) map[string]*descriptorpb.FieldDescriptorProto {
	byName := map[string]*descriptorpb.DescriptorProto{}
	for _, n := range nested {
		byName[n.GetName()] = n
	}
	out := map[string]*descriptorpb.FieldDescriptorProto{}
	for _, f := range append(slices.Clone(fields), exts...) {
		name := lastName(f.GetTypeName())
		n := byName[name]
		if n == nil || f.GetTypeName() != scope+"."+name {
			continue
		}
		isMap := n.GetOptions().GetMapEntry() && f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_MESSAGE && f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED
		isGroup := f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP && !p.editions()
		if isMap || isGroup {
			out[name] = f
		}
	}
	return out
}

// body prints a message's contents (also a proto2 group's). Message indexes
// count nested types in declaration order, including the map entries and
// groups that fields create, so that order is kept: plain fields come
// first, by number, then the nested messages in declared order with each
// map or group field at its entry's place.
func (p *printer) body(scope string, m *descriptorpb.DescriptorProto) {
	for _, o := range p.options(m.GetOptions()) {
		p.line("option ", o, ";")
	}
	p.reserved(m.GetReservedRange(), m.GetReservedName())
	for _, r := range sortedRanges(m.GetExtensionRange()) {
		p.line("extensions ", rangeText(r.GetStart(), r.GetEnd()-1, 536870911), p.bracket(nil, r.GetOptions()), ";")
	}
	synth := p.synthesized(scope, m.GetNestedType(), m.GetField(), m.GetExtension())
	isSynth := func(f *descriptorpb.FieldDescriptorProto) bool {
		return synth[lastName(f.GetTypeName())] == f
	}
	nested := map[string]*descriptorpb.DescriptorProto{}
	for _, n := range m.GetNestedType() {
		nested[n.GetName()] = n
	}

	fields := slices.Clone(m.GetField())
	slices.SortFunc(fields, func(a, b *descriptorpb.FieldDescriptorProto) int { return cmp.Compare(a.GetNumber(), b.GetNumber()) })
	inOneof := func(f *descriptorpb.FieldDescriptorProto) bool { return f.OneofIndex != nil && !f.GetProto3Optional() }
	// A oneof holding a group goes where its first group's type is.
	late := map[int32]bool{}
	for _, f := range fields {
		if inOneof(f) && isSynth(f) {
			late[f.GetOneofIndex()] = true
		}
	}
	done := map[int32]bool{}
	oneof := func(oi int32) {
		done[oi] = true
		od := m.GetOneofDecl()[oi]
		p.line("oneof ", od.GetName(), " {")
		p.ind++
		for _, o := range p.options(od.GetOptions()) {
			p.line("option ", o, ";")
		}
		for _, f := range fields {
			if inOneof(f) && f.GetOneofIndex() == oi {
				p.field(scope, f, nested, true)
			}
		}
		p.ind--
		p.line("}")
	}
	for _, f := range fields {
		switch {
		case inOneof(f):
			if oi := f.GetOneofIndex(); !done[oi] && !late[oi] {
				oneof(oi)
			}
		case !isSynth(f):
			p.field(scope, f, nested, false)
		}
	}
	for _, n := range m.GetNestedType() {
		f := synth[n.GetName()]
		switch {
		case f == nil:
			p.message(scope, n)
		case f.Extendee != nil:
			p.line("extend ", f.GetExtendee(), " {")
			p.ind++
			p.field(scope, f, nested, false)
			p.ind--
			p.line("}")
		case inOneof(f):
			if !done[f.GetOneofIndex()] {
				oneof(f.GetOneofIndex())
			}
		default:
			p.field(scope, f, nested, false)
		}
	}
	for _, e := range m.GetEnumType() {
		p.enum(e)
	}
	var exts []*descriptorpb.FieldDescriptorProto
	for _, x := range m.GetExtension() {
		if !isSynth(x) {
			exts = append(exts, x)
		}
	}
	p.extensions(scope, exts)
}

func (p *printer) field(scope string, f *descriptorpb.FieldDescriptorProto, nested map[string]*descriptorpb.DescriptorProto, inOneof bool) {
	label := ""
	switch {
	case inOneof:
	case f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		label = "repeated "
	case p.editions():
	case f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		label = "required "
	case p.proto3():
		if f.GetProto3Optional() {
			label = "optional "
		}
	default:
		label = "optional "
	}
	n := nested[lastName(f.GetTypeName())]
	if n != nil && f.GetTypeName() != scope+"."+n.GetName() {
		n = nil
	}
	if n != nil && n.GetOptions().GetMapEntry() && f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED {
		var k, v *descriptorpb.FieldDescriptorProto
		for _, ef := range n.GetField() {
			switch ef.GetNumber() {
			case 1:
				k = ef
			case 2:
				v = ef
			}
		}
		p.line("map<", p.typeName(k), ", ", p.typeName(v), "> ", f.GetName(), " = ", itoa(f.GetNumber()), p.bracket(p.pseudo(f), f.GetOptions()), ";")
		return
	}
	if n != nil && f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP && !p.editions() {
		p.line(label, "group ", n.GetName(), " = ", itoa(f.GetNumber()), p.bracket(p.pseudo(f), f.GetOptions()), " {")
		p.ind++
		p.body(scope+"."+n.GetName(), n)
		p.ind--
		p.line("}")
		return
	}
	p.line(label, p.typeName(f), " ", f.GetName(), " = ", itoa(f.GetNumber()), p.bracket(p.pseudo(f), f.GetOptions()), ";")
}

func (p *printer) pseudo(f *descriptorpb.FieldDescriptorProto) []string {
	var out []string
	if f.DefaultValue != nil {
		v := f.GetDefaultValue()
		switch f.GetType() {
		case descriptorpb.FieldDescriptorProto_TYPE_STRING:
			v = quote(v)
		case descriptorpb.FieldDescriptorProto_TYPE_BYTES:
			v = `"` + v + `"` // descriptor holds bytes defaults C-escaped already
		}
		out = append(out, "default = "+v)
	}
	if f.JsonName != nil && f.GetJsonName() != jsonCamel(f.GetName()) {
		out = append(out, "json_name = "+quote(f.GetJsonName()))
	}
	return out
}

func (p *printer) typeName(f *descriptorpb.FieldDescriptorProto) string {
	switch f.GetType() {
	case descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, descriptorpb.FieldDescriptorProto_TYPE_ENUM, descriptorpb.FieldDescriptorProto_TYPE_GROUP:
		return f.GetTypeName()
	}
	return strings.ToLower(strings.TrimPrefix(f.GetType().String(), "TYPE_"))
}

func (p *printer) enum(e *descriptorpb.EnumDescriptorProto) {
	p.line("enum ", e.GetName(), " {")
	p.ind++
	for _, o := range p.options(e.GetOptions()) {
		p.line("option ", o, ";")
	}
	p.reservedEnum(e.GetReservedRange(), e.GetReservedName())
	for _, v := range e.GetValue() {
		p.line(v.GetName(), " = ", itoa(v.GetNumber()), p.bracket(nil, v.GetOptions()), ";")
	}
	p.ind--
	p.line("}")
}

func (p *printer) extensions(scope string, exts []*descriptorpb.FieldDescriptorProto) {
	if len(exts) == 0 {
		return
	}
	byExtendee := map[string][]*descriptorpb.FieldDescriptorProto{}
	var names []string
	for _, x := range exts {
		if _, ok := byExtendee[x.GetExtendee()]; !ok {
			names = append(names, x.GetExtendee())
		}
		byExtendee[x.GetExtendee()] = append(byExtendee[x.GetExtendee()], x)
	}
	slices.Sort(names)
	for _, n := range names {
		list := byExtendee[n]
		slices.SortFunc(list, func(a, b *descriptorpb.FieldDescriptorProto) int { return cmp.Compare(a.GetNumber(), b.GetNumber()) })
		p.b.WriteByte('\n')
		p.line("extend ", n, " {")
		p.ind++
		for _, x := range list {
			p.field(scope, x, nil, false)
		}
		p.ind--
		p.line("}")
	}
}

func (p *printer) service(sv *descriptorpb.ServiceDescriptorProto) {
	p.line("service ", sv.GetName(), " {")
	p.ind++
	for _, o := range p.options(sv.GetOptions()) {
		p.line("option ", o, ";")
	}
	for _, m := range sv.GetMethod() {
		in, out := m.GetInputType(), m.GetOutputType()
		if m.GetClientStreaming() {
			in = "stream " + in
		}
		if m.GetServerStreaming() {
			out = "stream " + out
		}
		head := "rpc " + m.GetName() + " (" + in + ") returns (" + out + ")"
		opts := p.options(m.GetOptions())
		if len(opts) == 0 {
			p.line(head, ";")
			continue
		}
		p.line(head, " {")
		p.ind++
		for _, o := range opts {
			p.line("option ", o, ";")
		}
		p.ind--
		p.line("}")
	}
	p.ind--
	p.line("}")
}

func (p *printer) reserved(ranges []*descriptorpb.DescriptorProto_ReservedRange, names []string) {
	var parts []string
	rs := slices.Clone(ranges)
	slices.SortFunc(rs, func(a, b *descriptorpb.DescriptorProto_ReservedRange) int {
		return cmp.Compare(a.GetStart(), b.GetStart())
	})
	for _, r := range rs {
		parts = append(parts, rangeText(r.GetStart(), r.GetEnd()-1, 536870911))
	}
	if len(parts) > 0 {
		p.line("reserved ", strings.Join(parts, ", "), ";")
	}
	p.reservedNames(names)
}

func (p *printer) reservedEnum(ranges []*descriptorpb.EnumDescriptorProto_EnumReservedRange, names []string) {
	var parts []string
	rs := slices.Clone(ranges)
	slices.SortFunc(rs, func(a, b *descriptorpb.EnumDescriptorProto_EnumReservedRange) int {
		return cmp.Compare(a.GetStart(), b.GetStart())
	})
	for _, r := range rs {
		parts = append(parts, rangeText(r.GetStart(), r.GetEnd(), math.MaxInt32))
	}
	if len(parts) > 0 {
		p.line("reserved ", strings.Join(parts, ", "), ";")
	}
	p.reservedNames(names)
}

func (p *printer) reservedNames(names []string) {
	if len(names) == 0 {
		return
	}
	ns := slices.Clone(names)
	slices.Sort(ns)
	for i, n := range ns {
		if !p.editions() {
			ns[i] = quote(n)
		}
	}
	p.line("reserved ", strings.Join(ns, ", "), ";")
}

func sortedRanges(rs []*descriptorpb.DescriptorProto_ExtensionRange) []*descriptorpb.DescriptorProto_ExtensionRange {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b *descriptorpb.DescriptorProto_ExtensionRange) int {
		return cmp.Compare(a.GetStart(), b.GetStart())
	})
	return out
}

// rangeText prints an inclusive range.
func rangeText(start, end, max int32) string {
	switch {
	case start == end:
		return itoa(start)
	case end == max:
		return itoa(start) + " to max"
	}
	return itoa(start) + " to " + itoa(end)
}

// bracket prints " [a = 1, b = 2]" from pseudo-options and an options
// message, or "" when there are none.
func (p *printer) bracket(pseudo []string, opts proto.Message) string {
	all := append(slices.Clone(pseudo), p.options(opts)...)
	if len(all) == 0 {
		return ""
	}
	return " [" + strings.Join(all, ", ") + "]"
}

// options prints the set fields of an options message as "name = value",
// sorted by name; a repeated option gives one entry per element. Custom
// options (extensions) are resolved against the schema's files.
func (p *printer) options(opts proto.Message) []string {
	if opts == nil || !opts.ProtoReflect().IsValid() {
		return nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil || len(b) == 0 {
		return nil
	}
	m := dynamicpb.NewMessage(opts.ProtoReflect().Descriptor())
	uo := proto.UnmarshalOptions{}
	if p.types != nil {
		uo.Resolver = p.types
	}
	if err := uo.Unmarshal(b, m); err != nil {
		return nil
	}
	type opt struct{ name, value string }
	var out []opt
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		if fd.IsExtension() {
			name = "(." + string(fd.FullName()) + ")"
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				out = append(out, opt{name, p.value(fd, l.Get(i))})
			}
			return true
		}
		out = append(out, opt{name, p.value(fd, v)})
		return true
	})
	slices.SortStableFunc(out, func(a, b opt) int { return cmp.Compare(a.name, b.name) })
	res := make([]string, len(out))
	for i, o := range out {
		res[i] = o.name + " = " + o.value
	}
	return res
}

// value prints one option value in .proto syntax; messages become message
// literals in text format.
func (p *printer) value(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return quote(v.String())
	case protoreflect.BytesKind:
		return quote(string(v.Bytes()))
	case protoreflect.BoolKind:
		return strconv.FormatBool(v.Bool())
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	case protoreflect.FloatKind:
		return floatText(v.Float(), 32)
	case protoreflect.DoubleKind:
		return floatText(v.Float(), 64)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return p.literal(v.Message())
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(v.Uint(), 10)
	}
	return strconv.FormatInt(v.Int(), 10)
}

// literal prints a message in text format, fields by number.
func (p *printer) literal(m protoreflect.Message) string {
	type entry struct {
		num  protoreflect.FieldNumber
		name string
		text string
	}
	var es []entry
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		if fd.IsExtension() {
			name = "[" + string(fd.FullName()) + "]"
		} else if fd.Kind() == protoreflect.GroupKind {
			name = string(fd.Message().Name())
		}
		switch {
		case fd.IsList():
			l := v.List()
			items := make([]string, l.Len())
			for i := range items {
				items[i] = p.value(fd, l.Get(i))
			}
			es = append(es, entry{fd.Number(), name, name + ": [" + strings.Join(items, ", ") + "]"})
		case fd.IsMap():
			var items []string
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				items = append(items, "{ key: "+p.value(fd.MapKey(), k.Value())+" value: "+p.value(fd.MapValue(), mv)+" }")
				return true
			})
			slices.Sort(items)
			es = append(es, entry{fd.Number(), name, name + ": [" + strings.Join(items, ", ") + "]"})
		default:
			es = append(es, entry{fd.Number(), name, name + ": " + p.value(fd, v)})
		}
		return true
	})
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp.Compare(a.num, b.num); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	if len(es) == 0 {
		return "{}"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.text
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func floatText(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// quote writes s as a .proto string literal: printable ASCII as is,
// everything else as octal escapes, so the bytes survive exactly.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + (c>>3)&7)
			b.WriteByte('0' + c&7)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonCamel is protoc's default json_name for a field name.
func jsonCamel(name string) string {
	var b strings.Builder
	up := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

func lastName(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

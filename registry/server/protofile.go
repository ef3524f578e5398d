package server

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Confluent's clients may send a Protobuf schema as the base64 of its
// FileDescriptorProto instead of .proto text (Python's ProtobufSerializer
// does). Like Confluent's registry, the server turns it into .proto text
// before anything else, so it is stored, compared and served as text.

// descriptorText returns the .proto text of a base64 FileDescriptorProto,
// and false when text is not one.
func descriptorText(text string) (string, bool, error) {
	t := strings.TrimSpace(text)
	if t == "" || strings.ContainsAny(t, " \t\n;{}\"") {
		return "", false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		return "", false, nil
	}
	var fdp descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(raw, &fdp); err != nil {
		return "", false, nil
	}
	out, err := printFile(&fdp)
	if err != nil {
		return "", true, err
	}
	return out, true, nil
}

type protoPrinter struct {
	b      strings.Builder
	fdp    *descriptorpb.FileDescriptorProto
	proto3 bool
	depth  int
}

func printFile(fdp *descriptorpb.FileDescriptorProto) (string, error) {
	p := &protoPrinter{fdp: fdp}
	switch fdp.GetSyntax() {
	case "", "proto2":
		p.line(`syntax = "proto2";`)
	case "proto3":
		p.proto3 = true
		p.line(`syntax = "proto3";`)
	default:
		return "", fmt.Errorf("descriptor syntax %q is not supported", fdp.GetSyntax())
	}
	if fdp.Package != nil {
		p.line("package " + fdp.GetPackage() + ";")
	}
	public, weak := map[int32]bool{}, map[int32]bool{}
	for _, i := range fdp.PublicDependency {
		public[i] = true
	}
	for _, i := range fdp.WeakDependency {
		weak[i] = true
	}
	for i, d := range fdp.Dependency {
		switch {
		case public[int32(i)]:
			p.line("import public " + strconv.Quote(d) + ";")
		case weak[int32(i)]:
			p.line("import weak " + strconv.Quote(d) + ";")
		default:
			p.line("import " + strconv.Quote(d) + ";")
		}
	}
	for _, o := range optionList(fdp.Options) {
		p.line("option " + o + ";")
	}
	for _, m := range fdp.MessageType {
		if err := p.message(m); err != nil {
			return "", err
		}
	}
	for _, e := range fdp.EnumType {
		p.enum(e)
	}
	for _, sv := range fdp.Service {
		p.service(sv)
	}
	if err := p.extensions(fdp.Extension); err != nil {
		return "", err
	}
	return p.b.String(), nil
}

func (p *protoPrinter) line(s string) {
	p.b.WriteString(strings.Repeat("  ", p.depth))
	p.b.WriteString(s)
	p.b.WriteByte('\n')
}

func (p *protoPrinter) message(m *descriptorpb.DescriptorProto) error {
	if m.GetOptions().GetMapEntry() {
		return nil // printed as map<K, V>
	}
	p.line("message " + m.GetName() + " {")
	p.depth++
	defer func() { p.depth--; p.line("}") }()
	for _, o := range optionList(m.Options) {
		p.line("option " + o + ";")
	}
	entries := map[string]*descriptorpb.DescriptorProto{}
	for _, n := range m.NestedType {
		if n.GetOptions().GetMapEntry() {
			entries[n.GetName()] = n
		}
	}
	printedOneof := map[int32]bool{}
	for i, f := range m.Field {
		if f.OneofIndex != nil && !f.GetProto3Optional() {
			idx := f.GetOneofIndex()
			if printedOneof[idx] {
				continue
			}
			printedOneof[idx] = true
			if int(idx) >= len(m.OneofDecl) {
				return fmt.Errorf("field %s: oneof index %d out of range", f.GetName(), idx)
			}
			p.line("oneof " + m.OneofDecl[idx].GetName() + " {")
			p.depth++
			for _, o := range optionList(m.OneofDecl[idx].Options) {
				p.line("option " + o + ";")
			}
			for _, g := range m.Field[i:] {
				if g.OneofIndex != nil && g.GetOneofIndex() == idx && !g.GetProto3Optional() {
					if err := p.field(g, entries, true); err != nil {
						return err
					}
				}
			}
			p.depth--
			p.line("}")
			continue
		}
		if err := p.field(f, entries, false); err != nil {
			return err
		}
	}
	for _, n := range m.NestedType {
		if err := p.message(n); err != nil {
			return err
		}
	}
	for _, e := range m.EnumType {
		p.enum(e)
	}
	for _, r := range m.ExtensionRange {
		p.line("extensions " + rangeString(r.GetStart(), r.GetEnd()-1, 536870911) + ";")
	}
	if err := p.extensions(m.Extension); err != nil {
		return err
	}
	var reserved []string
	for _, r := range m.ReservedRange {
		reserved = append(reserved, rangeString(r.GetStart(), r.GetEnd()-1, 536870911))
	}
	if len(reserved) > 0 {
		p.line("reserved " + strings.Join(reserved, ", ") + ";")
	}
	if len(m.ReservedName) > 0 {
		p.line("reserved " + quoteAll(m.ReservedName) + ";")
	}
	return nil
}

func (p *protoPrinter) field(f *descriptorpb.FieldDescriptorProto, entries map[string]*descriptorpb.DescriptorProto, inOneof bool) error {
	if f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP {
		return fmt.Errorf("field %s: groups are not supported", f.GetName())
	}
	typ := fieldType(f)
	label := ""
	switch f.GetLabel() {
	case descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		label = "repeated "
		if e := entries[lastSegment(f.GetTypeName())]; e != nil && len(e.Field) == 2 {
			typ = "map<" + fieldType(e.Field[0]) + ", " + fieldType(e.Field[1]) + ">"
			label = ""
		}
	case descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		label = "required "
	case descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL:
		if !inOneof && (!p.proto3 || f.GetProto3Optional()) {
			label = "optional "
		}
	}
	var opts []string
	if f.DefaultValue != nil {
		opts = append(opts, "default = "+defaultLiteral(f))
	}
	if f.JsonName != nil && f.GetJsonName() != jsonName(f.GetName()) {
		opts = append(opts, "json_name = "+strconv.Quote(f.GetJsonName()))
	}
	opts = append(opts, optionList(f.Options)...)
	suffix := ""
	if len(opts) > 0 {
		suffix = " [" + strings.Join(opts, ", ") + "]"
	}
	p.line(fmt.Sprintf("%s%s %s = %d%s;", label, typ, f.GetName(), f.GetNumber(), suffix))
	return nil
}

func (p *protoPrinter) extensions(exts []*descriptorpb.FieldDescriptorProto) error {
	// One extend block per extendee, in first-seen order.
	var order []string
	by := map[string][]*descriptorpb.FieldDescriptorProto{}
	for _, x := range exts {
		if _, ok := by[x.GetExtendee()]; !ok {
			order = append(order, x.GetExtendee())
		}
		by[x.GetExtendee()] = append(by[x.GetExtendee()], x)
	}
	for _, e := range order {
		p.line("extend " + e + " {")
		p.depth++
		for _, x := range by[e] {
			if err := p.field(x, nil, false); err != nil {
				return err
			}
		}
		p.depth--
		p.line("}")
	}
	return nil
}

func (p *protoPrinter) enum(e *descriptorpb.EnumDescriptorProto) {
	p.line("enum " + e.GetName() + " {")
	p.depth++
	for _, o := range optionList(e.Options) {
		p.line("option " + o + ";")
	}
	for _, v := range e.Value {
		suffix := ""
		if o := optionList(v.Options); len(o) > 0 {
			suffix = " [" + strings.Join(o, ", ") + "]"
		}
		p.line(fmt.Sprintf("%s = %d%s;", v.GetName(), v.GetNumber(), suffix))
	}
	var reserved []string
	for _, r := range e.ReservedRange {
		reserved = append(reserved, rangeString(r.GetStart(), r.GetEnd(), 2147483647))
	}
	if len(reserved) > 0 {
		p.line("reserved " + strings.Join(reserved, ", ") + ";")
	}
	if len(e.ReservedName) > 0 {
		p.line("reserved " + quoteAll(e.ReservedName) + ";")
	}
	p.depth--
	p.line("}")
}

func (p *protoPrinter) service(sv *descriptorpb.ServiceDescriptorProto) {
	p.line("service " + sv.GetName() + " {")
	p.depth++
	for _, o := range optionList(sv.Options) {
		p.line("option " + o + ";")
	}
	for _, m := range sv.Method {
		in, out := m.GetInputType(), m.GetOutputType()
		if m.GetClientStreaming() {
			in = "stream " + in
		}
		if m.GetServerStreaming() {
			out = "stream " + out
		}
		opts := optionList(m.Options)
		if len(opts) == 0 {
			p.line(fmt.Sprintf("rpc %s(%s) returns (%s);", m.GetName(), in, out))
			continue
		}
		p.line(fmt.Sprintf("rpc %s(%s) returns (%s) {", m.GetName(), in, out))
		p.depth++
		for _, o := range opts {
			p.line("option " + o + ";")
		}
		p.depth--
		p.line("}")
	}
	p.depth--
	p.line("}")
}

var scalarNames = map[descriptorpb.FieldDescriptorProto_Type]string{
	descriptorpb.FieldDescriptorProto_TYPE_DOUBLE:   "double",
	descriptorpb.FieldDescriptorProto_TYPE_FLOAT:    "float",
	descriptorpb.FieldDescriptorProto_TYPE_INT64:    "int64",
	descriptorpb.FieldDescriptorProto_TYPE_UINT64:   "uint64",
	descriptorpb.FieldDescriptorProto_TYPE_INT32:    "int32",
	descriptorpb.FieldDescriptorProto_TYPE_FIXED64:  "fixed64",
	descriptorpb.FieldDescriptorProto_TYPE_FIXED32:  "fixed32",
	descriptorpb.FieldDescriptorProto_TYPE_BOOL:     "bool",
	descriptorpb.FieldDescriptorProto_TYPE_STRING:   "string",
	descriptorpb.FieldDescriptorProto_TYPE_BYTES:    "bytes",
	descriptorpb.FieldDescriptorProto_TYPE_UINT32:   "uint32",
	descriptorpb.FieldDescriptorProto_TYPE_SFIXED32: "sfixed32",
	descriptorpb.FieldDescriptorProto_TYPE_SFIXED64: "sfixed64",
	descriptorpb.FieldDescriptorProto_TYPE_SINT32:   "sint32",
	descriptorpb.FieldDescriptorProto_TYPE_SINT64:   "sint64",
}

// fieldType is the field's type as .proto text; message and enum names
// stay fully qualified (".acme.Money"), which .proto accepts.
func fieldType(f *descriptorpb.FieldDescriptorProto) string {
	if n, ok := scalarNames[f.GetType()]; ok {
		return n
	}
	return f.GetTypeName()
}

func defaultLiteral(f *descriptorpb.FieldDescriptorProto) string {
	d := f.GetDefaultValue()
	switch f.GetType() {
	case descriptorpb.FieldDescriptorProto_TYPE_STRING:
		return strconv.Quote(d)
	case descriptorpb.FieldDescriptorProto_TYPE_BYTES:
		// The descriptor holds C-escaped bytes, which is .proto syntax.
		return `"` + d + `"`
	}
	return d
}

func lastSegment(name string) string { return name[strings.LastIndexByte(name, '.')+1:] }

// jsonName is protoc's default JSON name: lowerCamelCase of the field name.
func jsonName(name string) string {
	var b strings.Builder
	up := false
	for _, r := range name {
		if r == '_' {
			up = true
			continue
		}
		if up && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func rangeString(start, end, maxv int32) string {
	switch {
	case start == end:
		return strconv.Itoa(int(start))
	case end >= maxv:
		return strconv.Itoa(int(start)) + " to max"
	}
	return strconv.Itoa(int(start)) + " to " + strconv.Itoa(int(end))
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// optionList renders the set scalar and enum fields of an options message
// as name = value. Options the descriptor carries as unknown fields
// (custom options without their definitions) cannot be named and are left
// out; they do not change the wire format.
func optionList(opts proto.Message) []string {
	if opts == nil {
		return nil
	}
	m := opts.ProtoReflect()
	if !m.IsValid() {
		return nil
	}
	var out []string
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.IsList() || fd.IsMap() || fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
			return true
		}
		name := string(fd.Name())
		if fd.IsExtension() {
			name = "(" + string(fd.FullName()) + ")"
		}
		var val string
		switch fd.Kind() {
		case protoreflect.StringKind:
			val = strconv.Quote(v.String())
		case protoreflect.BytesKind:
			val = strconv.Quote(string(v.Bytes()))
		case protoreflect.EnumKind:
			if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
				val = string(ev.Name())
			} else {
				val = strconv.Itoa(int(v.Enum()))
			}
		default:
			val = v.String()
		}
		out = append(out, name+" = "+val)
		return true
	})
	sort.Strings(out)
	return out
}

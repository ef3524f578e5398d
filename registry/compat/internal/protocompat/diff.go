package protocompat

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
)

type msgPair struct {
	o, u protoreflect.MessageDescriptor
}

type differ struct {
	origFile, updFile string
	update            protoreflect.FileDescriptor
	out               []Difference
	memo              map[msgPair]bool // verdicts of body comparisons of imported types
	onStack           map[msgPair]bool
	steps             int
	err               error
}

func (d *differ) step() bool {
	if d.err != nil {
		return false
	}
	d.steps++
	if d.steps > MaxSteps {
		d.err = fmt.Errorf("%w: the protobuf diff takes more than %d steps", serde.ErrLimit, MaxSteps)
		return false
	}
	return true
}

// add records a difference. at is the update's descriptor the difference
// is about (or the closest one that exists in the update), for its position.
func (d *differ) add(typ, where, path string, at protoreflect.Descriptor, format string, args ...any) {
	f := report.Finding{Rule: typ, Path: path, Message: fmt.Sprintf(format, args...)}
	if at != nil && at.ParentFile() != nil && at.ParentFile().Path() == d.updFile {
		if loc := at.ParentFile().SourceLocations().ByDescriptor(at); loc.StartLine >= 0 && loc.Path != nil {
			f.Line, f.Col = loc.StartLine+1, loc.StartColumn+1
		}
	}
	d.out = append(d.out, Difference{Finding: f, Where: where})
}

// named is one message or enum in a scope, with its position among the
// scope's messages.
type named struct {
	msg   protoreflect.MessageDescriptor
	enum  protoreflect.EnumDescriptor
	index int
}

// scopeTypes lists a scope's messages and enums by simple name, skipping
// synthetic map-entry and group messages (Confluent's parser has no such
// messages). names keeps declaration order.
func scopeTypes(msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors, parent protoreflect.MessageDescriptor) (byName map[string]named, msgNames, enumNames []string) {
	byName = map[string]named{}
	idx := 0
	for i := 0; i < msgs.Len(); i++ {
		m := msgs.Get(i)
		if m.IsMapEntry() || isGroup(parent, m) || (parent == nil && m.Name() == placeholder) {
			continue
		}
		n := string(m.Name())
		byName["m:"+n] = named{msg: m, index: idx}
		msgNames = append(msgNames, n)
		idx++
	}
	for i := 0; i < enums.Len(); i++ {
		e := enums.Get(i)
		n := string(e.Name())
		byName["e:"+n] = named{enum: e}
		enumNames = append(enumNames, n)
	}
	return byName, msgNames, enumNames
}

func isGroup(parent, m protoreflect.MessageDescriptor) bool {
	if parent == nil {
		return false
	}
	fs := parent.Fields()
	for i := 0; i < fs.Len(); i++ {
		if f := fs.Get(i); f.Kind() == protoreflect.GroupKind && f.Message() == m {
			return true
		}
	}
	return false
}

// union returns a's names, then b's names that a lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if !slices.Contains(a, n) {
			out = append(out, n)
		}
	}
	return out
}

// types compares the messages and enums of one scope: the file, or a
// message's nested types. scope is Confluent's dotted scope ("" for the file).
func (d *differ) types(oMsgs, uMsgs protoreflect.MessageDescriptors, oEnums, uEnums protoreflect.EnumDescriptors, oParent, uParent protoreflect.MessageDescriptor, scope string, depth int) {
	if depth > MaxNesting {
		if d.err == nil {
			d.err = fmt.Errorf("%w: messages nest deeper than %d", serde.ErrLimit, MaxNesting)
		}
		return
	}
	ob, oMsgNames, oEnumNames := scopeTypes(oMsgs, oEnums, oParent)
	ub, uMsgNames, uEnumNames := scopeTypes(uMsgs, uEnums, uParent)
	for _, n := range union(oMsgNames, uMsgNames) {
		if !d.step() {
			return
		}
		o, inO := ob["m:"+n]
		u, inU := ub["m:"+n]
		where := "#/" + join(scope, n)
		switch {
		case !inU:
			d.add(MessageRemoved, where, string(o.msg.FullName()), uParent,
				"message %q is in the writer's schema but not in the reader's", o.msg.FullName())
		case !inO:
			d.add(MessageAdded, where, string(u.msg.FullName()), u.msg,
				"message %q is in the reader's schema but not in the writer's", u.msg.FullName())
		default:
			d.message(o.msg, u.msg, join(scope, n), depth)
			if o.index != u.index {
				d.add(MessageMoved, where, string(u.msg.FullName()), u.msg,
					"message %q moved from position %d to %d", u.msg.FullName(), o.index, u.index)
			}
		}
	}
	for _, n := range union(oEnumNames, uEnumNames) {
		if !d.step() {
			return
		}
		o, inO := ob["e:"+n]
		u, inU := ub["e:"+n]
		where := "#/" + join(scope, n)
		switch {
		case !inU:
			d.add(EnumRemoved, where, string(o.enum.FullName()), uParent,
				"enum %q is in the writer's schema but not in the reader's", o.enum.FullName())
		case !inO:
			d.add(EnumAdded, where, string(u.enum.FullName()), u.enum,
				"enum %q is in the reader's schema but not in the writer's", u.enum.FullName())
		default:
			d.enum(o.enum, u.enum, where)
		}
	}
}

func join(scope, name string) string {
	if scope == "" {
		return name
	}
	return scope + "." + name
}

func (d *differ) enum(o, u protoreflect.EnumDescriptor, where string) {
	ov, uv := o.Values(), u.Values()
	for i := 0; i < ov.Len(); i++ {
		v := ov.Get(i)
		w := where + "/" + strconv.Itoa(int(v.Number()))
		if uv.ByNumber(v.Number()) == nil {
			d.add(EnumConstRemoved, w, string(u.FullName())+"."+string(v.Name()), u,
				"enum %q lost value %s = %d", u.FullName(), v.Name(), v.Number())
		}
	}
	for i := 0; i < uv.Len(); i++ {
		v := uv.Get(i)
		w := where + "/" + strconv.Itoa(int(v.Number()))
		ovv := ov.ByNumber(v.Number())
		switch {
		case ovv == nil:
			d.add(EnumConstAdded, w, string(v.FullName()), v,
				"enum %q gained value %s = %d", u.FullName(), v.Name(), v.Number())
		case ovv.Name() != v.Name():
			d.add(EnumConstChanged, w, string(v.FullName()), v,
				"enum %q value %d renamed from %s to %s", u.FullName(), v.Number(), ovv.Name(), v.Name())
		}
	}
}

// oneofOf returns the field's real (non-synthetic) oneof, or nil.
func oneofOf(f protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

func fieldPath(m protoreflect.MessageDescriptor, f protoreflect.FieldDescriptor) string {
	return string(m.FullName()) + "." + string(f.Name())
}

// message compares two messages matched by name: fields by number, oneofs
// by name, then nested types.
func (d *differ) message(o, u protoreflect.MessageDescriptor, scope string, depth int) {
	key := msgPair{o, u}
	if d.onStack[key] || !d.step() {
		return
	}
	d.onStack[key] = true
	defer delete(d.onStack, key)
	where := "#/" + scope
	of, uf := o.Fields(), u.Fields()

	// Oneofs by name.
	oo, uo := o.Oneofs(), u.Oneofs()
	for i := 0; i < oo.Len(); i++ {
		x := oo.Get(i)
		if !x.IsSynthetic() && (uo.ByName(x.Name()) == nil || uo.ByName(x.Name()).IsSynthetic()) {
			d.add(OneofRemoved, where+"/"+string(x.Name()), string(x.FullName()), u,
				"oneof %q is in the writer's schema but not in the reader's", x.FullName())
		}
	}
	for i := 0; i < uo.Len(); i++ {
		x := uo.Get(i)
		if !x.IsSynthetic() && (oo.ByName(x.Name()) == nil || oo.ByName(x.Name()).IsSynthetic()) {
			d.add(OneofAdded, where+"/"+string(x.Name()), string(x.FullName()), x,
				"oneof %q is in the reader's schema but not in the writer's", x.FullName())
		}
	}

	// Fields the writer has.
	for i := 0; i < of.Len(); i++ {
		if !d.step() {
			return
		}
		f := of.Get(i)
		num := strconv.Itoa(int(f.Number()))
		g := uf.ByNumber(f.Number())
		oOneof := oneofOf(f)
		switch {
		case g == nil && oOneof != nil:
			if survives(oOneof, uf) {
				d.add(OneofFieldRemoved, where+"/"+string(oOneof.Name())+"/"+num, fieldPath(o, f), u,
					"field %q (%d) of oneof %q is in the writer's schema but not in the reader's", f.Name(), f.Number(), oOneof.Name())
			}
		case g == nil && f.Cardinality() == protoreflect.Required:
			d.add(RequiredFieldRemoved, where+"/"+num, fieldPath(o, f), u,
				"required field %q (%d) is in the writer's schema but not in the reader's", f.Name(), f.Number())
		case g == nil:
			d.add(FieldRemoved, where+"/"+num, fieldPath(o, f), u,
				"field %q (%d) is in the writer's schema but not in the reader's", f.Name(), f.Number())
		default:
			fw := where + "/" + num
			if uOneof := oneofOf(g); uOneof != nil {
				fw = where + "/" + string(uOneof.Name()) + "/" + num
			} else if oOneof != nil {
				d.add(OneofFieldMovedToTopLevel, fw, fieldPath(u, g), g,
					"field %q (%d) moved out of oneof %q", g.Name(), g.Number(), oOneof.Name())
			}
			d.field(f, g, fw, fieldPath(u, g), depth)
		}
	}
	// Fields only the reader has.
	for i := 0; i < uf.Len(); i++ {
		g := uf.Get(i)
		if of.ByNumber(g.Number()) != nil {
			continue
		}
		num := strconv.Itoa(int(g.Number()))
		switch uOneof := oneofOf(g); {
		case uOneof != nil:
			d.add(OneofFieldAdded, where+"/"+string(uOneof.Name())+"/"+num, fieldPath(u, g), g,
				"field %q (%d) of oneof %q is in the reader's schema but not in the writer's", g.Name(), g.Number(), uOneof.Name())
		case g.Cardinality() == protoreflect.Required:
			d.add(RequiredFieldAdded, where+"/"+num, fieldPath(u, g), g,
				"required field %q (%d) is in the reader's schema but not in the writer's", g.Name(), g.Number())
		default:
			d.add(FieldAdded, where+"/"+num, fieldPath(u, g), g,
				"field %q (%d) is in the reader's schema but not in the writer's", g.Name(), g.Number())
		}
	}
	// Fields moved into the reader's oneofs.
	for i := 0; i < uo.Len(); i++ {
		x := uo.Get(i)
		if x.IsSynthetic() {
			continue
		}
		groups := map[string]bool{}
		plain := 0
		var moved []string
		xf := x.Fields()
		for j := 0; j < xf.Len(); j++ {
			f := of.ByNumber(xf.Get(j).Number())
			if f == nil {
				continue
			}
			if oo := oneofOf(f); oo != nil {
				groups["oneof "+string(oo.Name())] = true
			} else {
				groups["field "+strconv.Itoa(int(f.Number()))] = true
				plain++
			}
			moved = append(moved, fmt.Sprintf("%s (%d)", f.Name(), f.Number()))
		}
		if len(groups) < 2 {
			continue
		}
		if plain > 1 {
			d.add(MultipleFieldsMovedToOneof, where+"/"+string(x.Name()), string(x.FullName()), x,
				"oneof %q takes several fields that were separate in the writer's schema: %s", x.FullName(), strings.Join(moved, ", "))
		} else {
			d.add(FieldMovedToExistingOneof, where+"/"+string(x.Name()), string(x.FullName()), x,
				"oneof %q takes fields from different oneofs or fields of the writer's schema: %s", x.FullName(), strings.Join(moved, ", "))
		}
	}
	d.types(o.Messages(), u.Messages(), o.Enums(), u.Enums(), o, u, scope, depth+1)
}

// survives reports whether any field of the writer's oneof x still exists,
// by number, in the reader's message.
func survives(x protoreflect.OneofDescriptor, uf protoreflect.FieldDescriptors) bool {
	xf := x.Fields()
	for i := 0; i < xf.Len(); i++ {
		if uf.ByNumber(xf.Get(i).Number()) != nil {
			return true
		}
	}
	return false
}

type kind uint8

const (
	scalarKind kind = iota
	messageKind
	mapKind
)

func (k kind) String() string {
	return [...]string{"a scalar", "a message", "a map"}[k]
}

func kindOf(f protoreflect.FieldDescriptor) kind {
	switch {
	case f.IsMap():
		return mapKind
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return messageKind
	}
	return scalarKind
}

// scalarGroup is the wire-compatibility group of a scalar or enum type.
func scalarGroup(k protoreflect.Kind) string {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "varint"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "zigzag"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "string"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "fixed32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "fixed64"
	case protoreflect.FloatKind:
		return "float"
	case protoreflect.DoubleKind:
		return "double"
	}
	return k.String()
}

func typeName(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return "map<" + typeName(f.MapKey()) + ", " + typeName(f.MapValue()) + ">"
	case f.Kind() == protoreflect.EnumKind:
		return string(f.Enum().FullName())
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return string(f.Message().FullName())
	}
	return f.Kind().String()
}

func label(c protoreflect.Cardinality) string {
	switch c {
	case protoreflect.Required:
		return "required"
	case protoreflect.Repeated:
		return "repeated"
	}
	return "optional"
}

// field compares two fields with the same number.
func (d *differ) field(o, u protoreflect.FieldDescriptor, where, path string, depth int) {
	if o.Name() != u.Name() {
		d.add(FieldNameChanged, where, path, u, "field %d renamed from %q to %q", u.Number(), o.Name(), u.Name())
	}
	d.types2(o, u, fmt.Sprintf("field %q (%d)", u.Name(), u.Number()), true, where, path, u, depth)
}

// types2 compares the types (and, when labels is set, the labels) of two
// fields, or of two map keys or values; what names them in messages.
func (d *differ) types2(o, u protoreflect.FieldDescriptor, what string, labels bool, where, path string, at protoreflect.Descriptor, depth int) {
	ok, uk := kindOf(o), kindOf(u)
	if ok != uk {
		d.add(FieldKindChanged, where, path, at,
			"%s is %s (%s) in the writer's schema and %s (%s) in the reader's", what, ok, typeName(o), uk, typeName(u))
		return
	}
	switch ok {
	case scalarKind:
		if scalarGroup(o.Kind()) != scalarGroup(u.Kind()) {
			d.add(FieldScalarKindChanged, where, path, at,
				"%s changed type between %s in the writer's schema and %s in the reader's, which are not wire-compatible", what, typeName(o), typeName(u))
			return
		}
		if labels && label(o.Cardinality()) != label(u.Cardinality()) {
			typ := FieldNumericLabelChanged
			if scalarGroup(o.Kind()) == "string" {
				typ = FieldStringOrBytesLabelChanged
			}
			d.add(typ, where, path, at,
				"%s is %s in the writer's schema and %s in the reader's", what, label(o.Cardinality()), label(u.Cardinality()))
		}
	case messageKind:
		d.messageTypes(o, u, what, where, path, at, depth)
	case mapKind:
		d.types2(o.MapKey(), u.MapKey(), what+" map key", false, where, path, at, depth)
		d.types2(o.MapValue(), u.MapValue(), what+" map value", false, where, path, at, depth)
	}
}

// localName is a type's full name without its file's package.
func localName(m protoreflect.MessageDescriptor) string {
	full := string(m.FullName())
	if pkg := string(m.ParentFile().Package()); pkg != "" {
		return strings.TrimPrefix(full, pkg+".")
	}
	return full
}

// messageTypes compares the message types of two message fields: by
// package-local name, and, unless both types are the schemas' own, by body.
func (d *differ) messageTypes(o, u protoreflect.FieldDescriptor, what, where, path string, at protoreflect.Descriptor, depth int) {
	om, um := o.Message(), u.Message()
	if localName(om) != localName(um) {
		d.add(FieldNamedTypeChanged, where, path, at,
			"%s changed type from %s in the writer's schema to %s in the reader's", what, om.FullName(), um.FullName())
		return
	}
	if om.ParentFile().Path() == d.origFile && um.ParentFile().Path() == d.updFile {
		return // both local: the top-level walk compares them where they are declared
	}
	key := msgPair{om, um}
	compatible, seen := d.memo[key]
	if !seen {
		if d.onStack[key] {
			return
		}
		start := len(d.out)
		d.message(om, um, localName(om), depth+1)
		compatible = true
		for _, x := range d.out[start:] {
			if !Compatible[x.Rule] {
				compatible = false
				break
			}
		}
		d.memo[key] = compatible
	}
	if !compatible {
		d.add(FieldNamedTypeChanged, where, path, at,
			"%s has type %s, whose definition changed incompatibly between the writer's and the reader's schema", what, um.FullName())
	}
}

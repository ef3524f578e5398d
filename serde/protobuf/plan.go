package protobuf

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// plan is what validating a message of one descriptor takes. Plans are built
// once per descriptor seen in values (the schema's own, a generated type's,
// or another dynamic one) and cached on the Schema.
type plan struct {
	desc protoreflect.MessageDescriptor
	// mismatch says why desc does not match the schema's message of the
	// same name; it is reported as serde.ErrType for the message itself.
	mismatch string
	// required lists the fields that must be set.
	required []protoreflect.FieldDescriptor
	// fields are the fields that need a look when set, by number.
	fields map[protoreflect.FieldNumber]*fieldPlan
	// visit lists the fields a full walk looks at: every field with a
	// check, and every message-typed field (a dynamicpb message may hold
	// a sub-message of another descriptor with the same name, so walks
	// over dynamic messages visit them all). visitPre is the part of visit
	// with checks proto.Marshal does not make; visitDynPre adds the
	// message-typed fields to it.
	visit, visitPre, visitDynPre []*fieldPlan
	// extensible is set for messages with extension ranges: their
	// extension fields are checked too.
	extensible bool
	// deep reports whether a message of this type (or anything inside it)
	// needs any check at all; pre reports whether it needs a check that
	// proto.Marshal does not make (closed enums, type mismatches).
	deep, pre bool
}

type fieldPlan struct {
	fd protoreflect.FieldDescriptor
	// mismatch says why the field does not match the schema's field.
	mismatch string
	utf8     bool                        // string values must be UTF-8
	keyUTF8  bool                        // map string keys must be UTF-8
	closed   protoreflect.EnumDescriptor // closed enum: values must be declared
	sub      *plan                       // message values (or map message values)
}

// planFor returns the cached plan for md, building it (and the plans of the
// messages it reaches) on first use.
func (s *Compiled) planFor(md protoreflect.MessageDescriptor) *plan {
	if p, ok := s.plans.Load(md); ok {
		return p.(*plan)
	}
	s.planMu.Lock()
	defer s.planMu.Unlock()
	if p, ok := s.plans.Load(md); ok {
		return p.(*plan)
	}
	b := builder{s: s, built: map[protoreflect.MessageDescriptor]*plan{}}
	p := b.build(md)
	b.settle()
	for d, q := range b.built {
		s.plans.Store(d, q)
	}
	return p
}

type builder struct {
	s     *Compiled
	built map[protoreflect.MessageDescriptor]*plan
}

func (b *builder) build(md protoreflect.MessageDescriptor) *plan {
	if p, ok := b.s.plans.Load(md); ok {
		return p.(*plan)
	}
	if p, ok := b.built[md]; ok {
		return p
	}
	p := &plan{desc: md, fields: map[protoreflect.FieldNumber]*fieldPlan{}}
	b.built[md] = p

	var want protoreflect.MessageDescriptor
	if d, err := b.s.files.FindDescriptorByName(md.FullName()); err == nil {
		want, _ = d.(protoreflect.MessageDescriptor)
	}
	if want == nil {
		p.mismatch = fmt.Sprintf("message %s is not in the schema", md.FullName())
	}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		fp := &fieldPlan{fd: fd}
		if want != nil {
			fp.mismatch = fieldMismatch(fd, want.Fields().ByNumber(fd.Number()))
		}
		if fd.Cardinality() == protoreflect.Required {
			p.required = append(p.required, fd)
		}
		if fd.IsMap() {
			k, v := fd.MapKey(), fd.MapValue()
			fp.keyUTF8 = k.Kind() == protoreflect.StringKind && enforcesUTF8(k)
			fp.utf8 = v.Kind() == protoreflect.StringKind && enforcesUTF8(v)
			if v.Kind() == protoreflect.EnumKind && v.Enum().IsClosed() {
				fp.closed = v.Enum()
			}
			if isMessage(v) {
				fp.sub = b.build(v.Message())
			}
		} else {
			fp.utf8 = fd.Kind() == protoreflect.StringKind && enforcesUTF8(fd)
			if fd.Kind() == protoreflect.EnumKind && fd.Enum().IsClosed() {
				fp.closed = fd.Enum()
			}
			if isMessage(fd) {
				fp.sub = b.build(fd.Message())
			}
		}
		if fp.mismatch != "" || fp.utf8 || fp.keyUTF8 || fp.closed != nil || fp.sub != nil {
			p.fields[fd.Number()] = fp
			p.visit = append(p.visit, fp)
		}
	}
	if want != nil {
		// A type without some of the schema's fields writes valid data,
		// unless a missing field is required.
		wf := want.Fields()
		for i := 0; i < wf.Len(); i++ {
			if f := wf.Get(i); f.Cardinality() == protoreflect.Required && fields.ByNumber(f.Number()) == nil {
				p.mismatch = fmt.Sprintf("message type %s lacks required field %s = %d of the schema", md.FullName(), f.Name(), f.Number())
				break
			}
		}
	}
	p.extensible = md.ExtensionRanges().Len() > 0
	p.deep = p.mismatch != "" || len(p.required) > 0 || p.extensible
	p.pre = p.mismatch != "" || p.extensible
	for _, fp := range p.fields {
		if fp.mismatch != "" || fp.utf8 || fp.keyUTF8 || fp.closed != nil {
			p.deep = true
		}
		if fp.mismatch != "" || fp.closed != nil {
			p.pre = true
		}
	}
	return p
}

// settle propagates deep and pre from sub-messages to their parents until
// nothing changes (recursive types make a single pass insufficient).
func (b *builder) settle() {
	defer func() {
		for _, p := range b.built {
			for _, fp := range p.visit {
				pre := fp.mismatch != "" || fp.closed != nil || (fp.sub != nil && fp.sub.pre)
				if pre {
					p.visitPre = append(p.visitPre, fp)
				}
				if pre || fp.sub != nil {
					p.visitDynPre = append(p.visitDynPre, fp)
				}
			}
		}
	}()
	for changed := true; changed; {
		changed = false
		for _, p := range b.built {
			for _, fp := range p.fields {
				if fp.sub == nil {
					continue
				}
				if fp.sub.deep && !p.deep {
					p.deep, changed = true, true
				}
				if fp.sub.pre && !p.pre {
					p.pre, changed = true, true
				}
			}
		}
	}
}

func isMessage(fd protoreflect.FieldDescriptor) bool {
	return fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind
}

// fieldMismatch compares a value's field with the schema's field of the same
// number; it returns "" when they agree on everything encoding depends on.
func fieldMismatch(got, want protoreflect.FieldDescriptor) string {
	if want == nil {
		return fmt.Sprintf("field %s = %d is not in the schema", got.Name(), got.Number())
	}
	switch {
	case got.Kind() != want.Kind():
		return fmt.Sprintf("field is %s in the value's type, %s in the schema", got.Kind(), want.Kind())
	case got.Cardinality() != want.Cardinality():
		return fmt.Sprintf("field is %s in the value's type, %s in the schema", got.Cardinality(), want.Cardinality())
	case got.IsMap() != want.IsMap() || got.IsList() != want.IsList():
		return "field is a map or list in one type and not in the other"
	case got.IsMap() && (got.MapKey().Kind() != want.MapKey().Kind() || got.MapValue().Kind() != want.MapValue().Kind()):
		return "map key or value types differ"
	}
	if got.IsMap() {
		got, want = got.MapValue(), want.MapValue()
	}
	if isMessage(got) && got.Message().FullName() != want.Message().FullName() {
		return fmt.Sprintf("field is %s in the value's type, %s in the schema", got.Message().FullName(), want.Message().FullName())
	}
	if got.Kind() == protoreflect.EnumKind && got.Enum().FullName() != want.Enum().FullName() {
		return fmt.Sprintf("field is %s in the value's type, %s in the schema", got.Enum().FullName(), want.Enum().FullName())
	}
	return ""
}

// enforcesUTF8 reports whether protobuf requires fd's string values to be
// valid UTF-8: always in proto3, never in proto2, and per the utf8_validation
// feature (default VERIFY) in editions.
func enforcesUTF8(fd protoreflect.FieldDescriptor) bool {
	switch fd.ParentFile().Syntax() {
	case protoreflect.Proto3:
		return true
	case protoreflect.Proto2:
		return false
	}
	if v, ok := utf8Feature(fd.Options()); ok {
		return v
	}
	for d := fd.Parent(); d != nil; d = d.Parent() {
		if v, ok := utf8Feature(d.Options()); ok {
			return v
		}
	}
	return true
}

func utf8Feature(opts any) (verify, ok bool) {
	var fs *descriptorpb.FeatureSet
	switch o := opts.(type) {
	case *descriptorpb.FieldOptions:
		fs = o.GetFeatures()
	case *descriptorpb.MessageOptions:
		fs = o.GetFeatures()
	case *descriptorpb.OneofOptions:
		fs = o.GetFeatures()
	case *descriptorpb.FileOptions:
		fs = o.GetFeatures()
	}
	if fs == nil || fs.Utf8Validation == nil {
		return false, false
	}
	return fs.GetUtf8Validation() == descriptorpb.FeatureSet_VERIFY, true
}

package contract

import (
	"cel.dev/cel-go/cel"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// protoRules are a Protobuf schema's inline rules, from the confluent.Meta
// options: a message's (confluent.message_meta) rules see the message as
// this, a field's (confluent.field_meta) rules see the field's value (a
// list or map whole), keyed by full name because generated types carry
// descriptors of their own.
type protoRules struct {
	msgs   map[protoreflect.FullName][]*program
	fields map[protoreflect.FullName][]*program
}

// compileProtoInline compiles the inline rules of every message reachable
// from md, once per message.
func (ct *Contract) compileProtoInline(md protoreflect.MessageDescriptor, env *cel.Env) error {
	pr := &protoRules{msgs: map[protoreflect.FullName][]*program{}, fields: map[protoreflect.FullName][]*program{}}
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor) error
	walk = func(md protoreflect.MessageDescriptor) error {
		if seen[md.FullName()] {
			return nil
		}
		seen[md.FullName()] = true
		ps, err := ct.compileInline(env, optionMeta(md.Options()).rules)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			pr.msgs[md.FullName()] = ps
		}
		fs := md.Fields()
		for i := 0; i < fs.Len(); i++ {
			fd := fs.Get(i)
			ps, err := ct.compileInline(env, optionMeta(fd.Options()).rules)
			if err != nil {
				return err
			}
			if len(ps) > 0 {
				pr.fields[fd.FullName()] = ps
			}
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if fd.Message() != nil {
				if err := walk(fd.Message()); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(md); err != nil {
		return err
	}
	if len(pr.msgs)+len(pr.fields) > 0 {
		ct.proto = pr
	}
	return nil
}

// compileInline compiles inline rules as Confluent's clients run them:
// CEL conditions on write whose failure is an error.
func (ct *Contract) compileInline(env *cel.Env, rules []serde.InlineRule) ([]*program, error) {
	var ps []*program
	for _, ir := range rules {
		r := serde.Rule{Name: ir.Name, Doc: ir.Doc, Expr: ir.Expr, Kind: "CONDITION", Mode: "WRITE", Type: "CEL"}
		p, err := compileRule(env, r)
		if err != nil {
			return nil, err
		}
		p.action = "ERROR"
		ps = append(ps, p)
		ct.all = append(ct.all, p)
		ct.hasInline = true
	}
	return ps, nil
}

// protoInline runs the inline rules on m and on every message under it.
// Fields with explicit presence that are unset are skipped (a message, a
// oneof member, an optional scalar); fields without presence are judged at
// their zero value, as Confluent's clients judge them.
func (r *run) protoInline(m protoreflect.Message, depth int) {
	if depth > maxDepth {
		r.tooDeep()
		return
	}
	if r.stop {
		return
	}
	pr := r.ct.proto
	for _, p := range pr.msgs[m.Descriptor().FullName()] {
		r.act = vars{this: m.Interface()}
		r.eval(p)
	}
	fs := m.Descriptor().Fields()
	for i := 0; i < fs.Len() && !r.stop; i++ {
		fd := fs.Get(i)
		if fd.HasPresence() && !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		r.push(seg{name: fd.TextName()})
		for _, p := range pr.fields[fd.FullName()] {
			r.act = vars{this: celValue(fd, v)}
			r.eval(p)
		}
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for j := 0; j < l.Len() && !r.stop; j++ {
				r.push(seg{index: j, kind: 1})
				r.protoInline(l.Get(j).Message(), depth+1)
				r.pop()
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(k protoreflect.MapKey, x protoreflect.Value) bool {
				r.push(seg{name: k.String(), kind: 2})
				r.protoInline(x.Message(), depth+1)
				r.pop()
				return !r.stop
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			r.protoInline(v.Message(), depth+1)
		}
		r.pop()
	}
}

// celValue is fd's value v as a rule's this: what message.field reads.
func celValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch {
	case fd.IsList():
		return v.List()
	case fd.IsMap():
		out := make(map[any]any, v.Map().Len())
		vd := fd.MapValue()
		v.Map().Range(func(k protoreflect.MapKey, x protoreflect.Value) bool {
			out[k.Interface()] = scalar(vd, x)
			return true
		})
		return out
	}
	return scalar(fd, v)
}

func scalar(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return v.Message().Interface()
	case protoreflect.EnumKind:
		return int64(v.Enum())
	}
	return v.Interface()
}

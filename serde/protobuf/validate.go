package protobuf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// Validate checks v, a proto.Message of the schema's message type, without
// encoding it. It reports every violation, each a *serde.ValidationError
// with the field path (like items[2].sku or attrs["color"]), joined with
// errors.Join:
//   - the value is not a message of the schema's type, or a field's type
//     differs from the schema's (serde.ErrType);
//   - a proto2 (or editions LEGACY_REQUIRED) required field is not set
//     (serde.ErrRequired);
//   - a string that protobuf requires to be UTF-8 is not (serde.ErrFormat);
//   - a closed (proto2) enum field holds an undeclared number (serde.ErrEnum).
//
// Extension fields are checked the same way, with paths like (pkg.ext).id.
//
// A value generated from this schema (see serde.Validatable) is also
// checked by its own Validate method, first; the walk still runs, so
// Validate agrees with AppendEncode.
func (s *Compiled) Validate(v any) (err error) {
	m, err := s.asMessage(v)
	if err != nil {
		return err
	}
	if vv, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		if err := vv.Validate(); err != nil {
			return err
		}
	}
	return s.check(m, false)
}

// check walks m. With preOnly it looks only for what proto.Marshal would
// not catch itself (closed enums, type mismatches).
func (s *Compiled) check(m protoreflect.Message, preOnly bool) (err error) {
	p := s.root
	if d := m.Descriptor(); d != s.msg {
		p = s.planFor(d)
	}
	_, dyn := m.Interface().(*dynamicpb.Message)
	if !dyn && (!p.deep || (preOnly && !p.pre)) {
		return nil
	}
	w := walkers.Get().(*walker)
	*w = walker{s: s, preOnly: preOnly, dyn: dyn, path: w.path[:0]}
	defer func() {
		// Descriptor plans make a wrong-kind access impossible; this is a
		// last guard so that a broken message is an error, not a crash.
		if r := recover(); r != nil {
			w.errs = append(w.errs, serde.Violation("", serde.ErrType, "invalid message: %v", r))
			err = errors.Join(w.errs...)
		}
		*w = walker{path: w.path[:0]}
		walkers.Put(w)
	}()
	w.message(p, m)
	if len(w.errs) == 0 {
		return nil
	}
	return errors.Join(w.errs...)
}

// walkers recycles walkers and their path stacks: validation allocates
// nothing unless it finds a violation.
var walkers = sync.Pool{New: func() any { return &walker{path: make([]segment, 0, 8)} }}

type walker struct {
	s       *Compiled
	preOnly bool
	// dyn is set for dynamicpb values, whose sub-messages may carry other
	// descriptors: the walk then visits every sub-message.
	dyn  bool
	path []segment // rendered only when a violation is reported
	errs []error
}

// segment is one step of a field path: a field name, then optionally a
// list index or a map key.
type segment struct {
	name  protoreflect.Name
	index int // -1 when none
	key   protoreflect.MapKey
	isKey bool
}

func (w *walker) pathString() string {
	var b strings.Builder
	for i, sg := range w.path {
		if sg.name != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(sg.name))
		}
		switch {
		case sg.isKey:
			b.WriteString("[" + keyString(sg.key) + "]")
		case sg.index >= 0:
			b.WriteString("[" + strconv.Itoa(sg.index) + "]")
		}
	}
	return b.String()
}

func (w *walker) push(sg segment) { w.path = append(w.path, sg) }
func (w *walker) pop()            { w.path = w.path[:len(w.path)-1] }

func (w *walker) add(sentinel error, format string, args ...any) {
	w.errs = append(w.errs, serde.Violation(w.pathString(), sentinel, format, args...))
}

func (w *walker) message(p *plan, m protoreflect.Message) {
	if p.mismatch != "" {
		w.add(serde.ErrType, "%s", p.mismatch)
		return
	}
	if !w.preOnly {
		for _, fd := range p.required {
			if !m.Has(fd) {
				w.push(segment{name: fd.Name(), index: -1})
				w.add(serde.ErrRequired, "required field %s is not set", fd.Name())
				w.pop()
			}
		}
	}
	var fields []*fieldPlan
	switch {
	case !w.preOnly:
		fields = p.visit
	case w.dyn:
		fields = p.visitDynPre
	case p.pre:
		fields = p.visitPre
	}
	for _, fp := range fields {
		if !m.Has(fp.fd) {
			continue
		}
		w.push(segment{name: fp.fd.Name(), index: -1})
		w.field(fp, m.Get(fp.fd))
		w.pop()
	}
	if p.extensible {
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.IsExtension() {
				w.push(segment{name: protoreflect.Name("(" + fd.FullName() + ")"), index: -1})
				w.extension(fd, v)
				w.pop()
			}
			return true
		})
	}
}

// extension checks an extension field's value like a field's. Message
// values of types the schema's files do not know are only checked for
// their required fields.
func (w *walker) extension(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	fp := &fieldPlan{fd: fd}
	switch {
	case fd.Kind() == protoreflect.EnumKind && fd.Enum().IsClosed():
		fp.closed = fd.Enum()
	case fd.Kind() == protoreflect.StringKind:
		fp.utf8 = enforcesUTF8(fd)
	case isMessage(fd):
		if _, err := w.s.files.FindDescriptorByName(fd.Message().FullName()); err == nil {
			fp.sub = w.s.planFor(fd.Message())
			break
		}
		if w.preOnly {
			return
		}
		var msgs []protoreflect.Message
		if fd.IsList() {
			for i := 0; i < v.List().Len(); i++ {
				msgs = append(msgs, v.List().Get(i).Message())
			}
		} else {
			msgs = append(msgs, v.Message())
		}
		for _, sub := range msgs {
			if err := proto.CheckInitialized(sub.Interface()); err != nil {
				w.add(serde.ErrRequired, "%s", reason(err))
			}
		}
		return
	}
	w.field(fp, v)
}

func (w *walker) field(fp *fieldPlan, v protoreflect.Value) {
	if fp.mismatch != "" {
		w.add(serde.ErrType, "%s", fp.mismatch)
		return
	}
	switch {
	case fp.fd.IsList():
		l := v.List()
		for i := 0; i < l.Len(); i++ {
			w.push(segment{index: i})
			w.value(fp, l.Get(i))
			w.pop()
		}
	case fp.fd.IsMap():
		v.Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			w.push(segment{index: -1, key: k, isKey: true})
			if fp.keyUTF8 && !w.preOnly && !utf8.ValidString(k.String()) {
				w.add(serde.ErrFormat, "map key is not valid UTF-8")
			}
			w.value(fp, v)
			w.pop()
			return true
		})
	default:
		w.value(fp, v)
	}
}

func (w *walker) value(fp *fieldPlan, v protoreflect.Value) {
	switch {
	case fp.sub != nil:
		sub, sp := v.Message(), fp.sub
		if d := sub.Descriptor(); d != sp.desc {
			sp = w.s.planFor(d)
		}
		if w.dyn || (sp.deep && (!w.preOnly || sp.pre)) {
			w.message(sp, sub)
		}
	case fp.utf8:
		if !w.preOnly && !utf8.ValidString(v.String()) {
			w.add(serde.ErrFormat, "string is not valid UTF-8")
		}
	case fp.closed != nil:
		if n := v.Enum(); fp.closed.Values().ByNumber(n) == nil {
			w.add(serde.ErrEnum, "not a value of closed enum %s", fp.closed.FullName())
		}
	}
}

func keyString(k protoreflect.MapKey) string {
	if s, ok := k.Interface().(string); ok {
		return strconv.Quote(s)
	}
	return k.String()
}

// AppendEncode validates v and appends its Protobuf encoding to dst. On
// error dst is returned unchanged (its length; bytes past it may have been
// written). The message-index path is not written: serde.Serializer frames
// the payload.
func (s *Compiled) AppendEncode(dst []byte, v any) ([]byte, error) {
	m, err := s.asMessage(v)
	if err != nil {
		return dst, err
	}
	pm := v.(proto.Message)
	if vv, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		if err := vv.Validate(); err != nil {
			return dst, err
		}
	}
	// Marshal itself refuses unset required fields and invalid UTF-8; check
	// first only what it would let through, and walk fully for the paths
	// when it refuses.
	if err := s.check(m, true); err != nil {
		return dst, s.check(m, false) // every violation, not only the first kind
	}
	out, err := proto.MarshalOptions{Deterministic: s.deterministic}.MarshalAppend(dst, pm)
	if err != nil {
		if verr := s.check(m, false); verr != nil {
			return dst, verr
		}
		return dst, fmt.Errorf("%w: protobuf: %w", serde.ErrEncode, err)
	}
	return out, nil
}

// Decode decodes data, a bare Protobuf payload, into v, a proto.Message of
// the schema's type (generated or dynamicpb), or a *any, which gets a new
// dynamicpb message of the schema's type (so format-neutral callers can
// decode without importing protobuf-go). Errors wrap serde.ErrDecode.
func (s *Compiled) Decode(data []byte, v any) (err error) {
	if p, ok := v.(*any); ok && s.msg != nil {
		m := dynamicpb.NewMessage(s.msg)
		if err := s.Decode(data, m); err != nil {
			return err
		}
		*p = m
		return nil
	}
	m, err := s.asMessage(v)
	if err != nil {
		return fmt.Errorf("%w: %w", serde.ErrDecode, err)
	}
	if p := s.planFor(m.Descriptor()); p.mismatch != "" {
		return fmt.Errorf("%w: %w", serde.ErrDecode, serde.Violation("", serde.ErrType, "%s", p.mismatch))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: protobuf: %v", serde.ErrDecode, r)
		}
	}()
	if err := (proto.UnmarshalOptions{}).Unmarshal(data, v.(proto.Message)); err != nil {
		return fmt.Errorf("%w: protobuf: %w", serde.ErrDecode, err)
	}
	return nil
}

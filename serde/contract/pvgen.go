package contract

import (
	"errors"
	"fmt"
	"sync"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// bufValidator is what schemagen generates on a Protobuf message whose
// buf.validate rules, and those of every message it reaches, are all
// standard rules (codegen/protocheck.go): the checks in plain Go, with
// protovalidate-go's rule IDs, field paths and messages, returning nil,
// one *serde.ValidationError or errors.Join of several.
type bufValidator interface {
	BufValidate(failFast bool) error
}

// pvValidator is protovalidate-go's validator for a contract's message,
// with the descriptor of the generated type of that message when the
// program links one that has BufValidate and the very rules the contract
// compiled: values of that type are checked by BufValidate instead.
type pvValidator struct {
	protovalidate.Validator
	md   protoreflect.MessageDescriptor // the contract's message
	gen  protoreflect.MessageDescriptor // nil: every value goes to protovalidate-go
	same sync.Map                       // protoreflect.MessageDescriptor -> bool: checks alike md
}

// registered returns m as protovalidate-go must see it: m itself when its
// descriptor is the contract's, or checks alike; else m's bare encoding
// (payload when the caller has it) read as a dynamic message of the
// contract's descriptor. protovalidate-go takes a message's rules from its
// own descriptor, so a generated type compiled from other rules than the
// registered ones would otherwise be checked against its own.
func (pv *pvValidator) registered(m proto.Message, payload []byte) (_ proto.Message, err error) {
	// protobuf-go panics on some malformed map entries of dynamic
	// messages; payload is the serializer's own encoding, but a panic here
	// must not escape a Check.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("protobuf: %v", p)
		}
	}()
	d := m.ProtoReflect().Descriptor()
	if d == pv.md {
		return m, nil
	}
	same, ok := pv.same.Load(d)
	if !ok {
		same = sameRules(pv.md, d, map[protoreflect.FullName]bool{})
		pv.same.Store(d, same)
	}
	if same.(bool) {
		return m, nil
	}
	if payload == nil {
		var err error
		if payload, err = proto.Marshal(m); err != nil {
			return nil, err
		}
	}
	dm := dynamicpb.NewMessage(pv.md)
	if err := proto.Unmarshal(payload, dm); err != nil {
		return nil, err
	}
	return dm, nil
}

// generated returns m as a bufValidator when m is a value of the
// generated type pv trusts.
func (pv *pvValidator) generated(m proto.Message) (bufValidator, bool) {
	if pv.gen == nil {
		return nil, false
	}
	bv, ok := m.(bufValidator)
	if !ok || m.ProtoReflect().Descriptor() != pv.gen {
		return nil, false
	}
	return bv, true
}

// bufValidate runs a generated type's checks and records its violations as
// protovalidate records protovalidate-go's.
func (r *run) bufValidate(bv bufValidator) {
	r.ct.pvStats.executions.Add(1)
	err := bv.BufValidate(r.ct.failFast)
	if err == nil {
		r.ct.pvStats.successes.Add(1)
		return
	}
	r.ct.pvStats.failures.Add(1)
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		r.errs = append(r.errs, j.Unwrap()...)
	} else {
		r.errs = append(r.errs, err)
	}
	r.stop = r.ct.failFast
}

// sameRules reports whether messages a and b (the contract's descriptor
// and a generated type's) check alike: the same fields, kinds, presence,
// oneofs, enum values and buf.validate rules, in every message they
// reach. The generated checks were written from b's rules: they stand in
// for protovalidate-go only when a's are the same. It plays the part the
// schema fingerprint plays for generated encoders.
func sameRules(a, b protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if a.FullName() != b.FullName() {
		return false
	}
	if seen[a.FullName()] {
		return true
	}
	seen[a.FullName()] = true
	if a.ParentFile().Syntax() != b.ParentFile().Syntax() || !sameResolved(protovalidate.ResolveMessageRules(a))(protovalidate.ResolveMessageRules(b)) {
		return false
	}
	// By name and number, not by place: a registry's canonical text may
	// order fields otherwise than the file the type was generated from.
	ao, bo := a.Oneofs(), b.Oneofs()
	if ao.Len() != bo.Len() {
		return false
	}
	for i := 0; i < ao.Len(); i++ {
		x := ao.Get(i)
		y := bo.ByName(x.Name())
		if y == nil || x.IsSynthetic() != y.IsSynthetic() ||
			!sameResolved(protovalidate.ResolveOneofRules(x))(protovalidate.ResolveOneofRules(y)) {
			return false
		}
	}
	af, bf := a.Fields(), b.Fields()
	if af.Len() != bf.Len() {
		return false
	}
	for i := 0; i < af.Len(); i++ {
		x := af.Get(i)
		y := bf.ByNumber(x.Number())
		if y == nil || x.Name() != y.Name() || x.Kind() != y.Kind() ||
			x.Cardinality() != y.Cardinality() || x.HasPresence() != y.HasPresence() ||
			x.IsMap() != y.IsMap() || (x.ContainingOneof() == nil) != (y.ContainingOneof() == nil) ||
			!sameResolved(protovalidate.ResolveFieldRules(x))(protovalidate.ResolveFieldRules(y)) {
			return false
		}
		if x.ContainingOneof() != nil && x.ContainingOneof().Name() != y.ContainingOneof().Name() {
			return false
		}
		if x.Enum() != nil && !sameEnum(x.Enum(), y.Enum()) {
			return false
		}
		if x.Message() != nil && !sameRules(x.Message(), y.Message(), seen) {
			return false
		}
	}
	return true
}

func sameEnum(a, b protoreflect.EnumDescriptor) bool {
	if a.FullName() != b.FullName() || a.Values().Len() != b.Values().Len() {
		return false
	}
	// Both ways: with aliases (allow_alias) equal counts do not make equal
	// sets of numbers, and defined_only judges numbers.
	for _, e := range [][2]protoreflect.EnumDescriptor{{a, b}, {b, a}} {
		for i := 0; i < e[0].Values().Len(); i++ {
			if e[1].Values().ByNumber(e[0].Values().Get(i).Number()) == nil {
				return false
			}
		}
	}
	return true
}

// sameResolved compares two resolved rule messages; an error resolving
// either makes them differ.
func sameResolved[M proto.Message](a M, errA error) func(M, error) bool {
	return func(b M, errB error) bool {
		return errors.Join(errA, errB) == nil && proto.Equal(a, b)
	}
}

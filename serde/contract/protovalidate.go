package contract

import (
	"errors"
	"fmt"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// bufValidated is what serde/protobuf's *Schema offers: whether its files
// import buf/validate/validate.proto.
type bufValidated interface {
	ImportsBufValidate() bool
}

// newProtovalidate builds protovalidate-go's validator for md and its
// reachable messages now, at bind time (and for the generated type of md,
// when the program links one), and turns a constraint that does not
// compile into a *CompileError. Other descriptors of the same messages are
// built on first use.
func newProtovalidate(md protoreflect.MessageDescriptor, failFast bool) (protovalidate.Validator, error) {
	descs := []protoreflect.MessageDescriptor{md}
	pv := &pvValidator{md: md}
	// A generated type of the same message, linked into the program, has
	// descriptors of its own: build its evaluators now too. When it has
	// generated checks (BufValidate) for the very rules of md, its values
	// take them instead (see pvgen.go).
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName()); err == nil && mt.Descriptor() != md {
		descs = append(descs, mt.Descriptor())
		if _, ok := mt.Zero().Interface().(bufValidator); ok && sameRules(md, mt.Descriptor(), map[protoreflect.FullName]bool{}) {
			pv.gen = mt.Descriptor()
		}
	}
	opts := []protovalidate.ValidatorOption{protovalidate.WithMessageDescriptors(descs...)}
	if failFast {
		opts = append(opts, protovalidate.WithFailFast())
	}
	v, err := protovalidate.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("contract: protovalidate: %w", err)
	}
	err = v.Validate(dynamicpb.NewMessage(md))
	var ce *protovalidate.CompilationError
	if errors.As(err, &ce) {
		return nil, &CompileError{Rule: "buf.validate", Err: ce}
	}
	pv.Validator = v
	return pv, nil
}

// protovalidate runs the buf.validate constraints on m and records every
// violation protovalidate-go reports, with its field path and rule ID. A
// value of a generated type with checks for the same rules runs those
// instead, with the same violations.
func (r *run) protovalidate(m proto.Message, payload []byte) {
	if pv, ok := r.ct.pv.(*pvValidator); ok {
		if bv, ok := pv.generated(m); ok {
			r.bufValidate(bv)
			return
		}
		rm, err := pv.registered(m, payload)
		if err != nil {
			r.errs = append(r.errs, &serde.ValidationError{Err: serde.ErrRule, Rule: "buf.validate",
				Reason: "the value cannot be read as the registered message to check its buf.validate constraints: " + err.Error()})
			r.stop = r.ct.failFast
			return
		}
		m = rm
	}
	r.ct.pvStats.executions.Add(1)
	err := r.ct.pv.Validate(m)
	if err == nil {
		r.ct.pvStats.successes.Add(1)
		return
	}
	r.ct.pvStats.failures.Add(1)
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		// A runtime error in a CEL constraint: the record cannot be
		// judged, so it is not written.
		r.errs = append(r.errs, &serde.ValidationError{Err: serde.ErrRule, Rule: "buf.validate",
			Reason: "buf.validate constraint could not be evaluated: " + err.Error()})
		r.stop = r.ct.failFast
		return
	}
	for _, v := range ve.Violations {
		p := v.Proto
		id := p.GetRuleId()
		// The constraint's place among the buf.validate options, like
		// string.min_len; message and oneof rules have none.
		expr := protovalidate.FieldPathString(p.GetRule())
		if expr == "" {
			expr = "buf.validate " + id
		}
		r.errs = append(r.errs, &serde.ValidationError{
			Path:     protovalidate.FieldPathString(p.GetField()),
			Reason:   fmt.Sprintf("breaks rule %q: %s", id, p.GetMessage()),
			Err:      serde.ErrRule,
			Rule:     id,
			RuleExpr: expr,
			RuleDoc:  p.GetMessage(),
		})
		if r.ct.failFast {
			r.stop = true
			return
		}
	}
}

package contract

import (
	"encoding/json"
	"math"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A rule (or guard) whose checked CEL is a standard constraint -- a field
// path compared with a constant, combined with &&, || and ! -- runs as Go:
// fastProgram decides it without cel-go's interpreter when every value it
// reads is exactly of a Go type cel-go reads as the constant's CEL type,
// and hands the evaluation to the cel-go program it wraps otherwise. It
// never returns an error or a value cel-go would not: an undecided leaf
// makes the whole evaluation cel-go's (an && with a false side, an || with
// a true side is decided whatever the other side is, as in CEL).
//
// Shapes (path: message, this, value, name, fullName or typeName, then
// field selections; lit: an int, uint, double, string, bool or null
// constant):
//
//	path OP lit, lit OP path       OP in == != < <= > >= (null: == != only)
//	size(path) OP int, path.size() OP int
//	path.startsWith(s), path.endsWith(s), path.contains(s)   s a string constant
//	path in [lit, ...]              constants of one type
//	path                            a bool
//	a && b, a || b, !a
//
// What cel-go reads, and so what the fast path accepts, at each step: a
// selection from a map[string]any with the key present, or (where the
// checker typed the operand as a message) a set or scalar field of a
// proto.Message found by name, as cel-go's field getter finds it; at a
// leaf, Go int/int32/int64 and json.Number holding an int64 for an int,
// uint/uint32/uint64 for a uint, float32/float64 (not NaN) and json.Number
// that is a float but not an int64 for a double, string for a string (and
// size), bool for a bool, nil for null, []byte/[]any/map[string]any for
// size. Anything else -- a missing key, a nil on the way, a list or map
// field of a message, a well-known type, an unset message on the way, an
// int compared with a double -- is cel-go's to evaluate.

// fastProgram is a cel.Program that decides what it can in Go and runs
// the wrapped cel-go program for the rest (and for ContextEval and
// ConcurrentEval, which the contract does not use).
type fastProgram struct {
	cel.Program
	pred pred
}

// pred decides a bool expression on a rule's activation; decided is false
// when cel-go must evaluate it.
type pred func(a *vars) (result, decided bool)

// getter reads a path's value as cel-go holds it before converting it to a
// CEL value; ok is false when cel-go must evaluate it.
type getter func(a *vars) (v any, ok bool)

// Eval implements cel.Program.
func (f *fastProgram) Eval(in any) (ref.Val, *cel.EvalDetails, error) {
	if a, ok := in.(*vars); ok {
		if b, ok := f.pred(a); ok {
			if b {
				return types.True, nil, nil
			}
			return types.False, nil, nil
		}
	}
	return f.Program.Eval(in)
}

// fastOpHook, when set (by tests only), rewrites a comparison operator as
// the fast path compiles it: the negative control of the differential.
var fastOpHook func(op string) string

// withFastPath returns prg, or prg wrapped in a fastProgram when the
// checked expression of a is of a shape fastProgram decides.
func withFastPath(env *cel.Env, a *cel.Ast, prg cel.Program) cel.Program {
	if a == nil || !a.IsChecked() {
		return prg
	}
	c := &fastCompiler{env: env, ast: a.NativeRep()}
	p, ok := c.bool(c.ast.Expr())
	if !ok {
		return prg
	}
	return &fastProgram{Program: prg, pred: p}
}

type fastCompiler struct {
	env *cel.Env
	ast *celast.AST
}

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

var cmpOps = map[string]cmpOp{
	operators.Equals: opEq, operators.NotEquals: opNe,
	operators.Less: opLt, operators.LessEquals: opLe,
	operators.Greater: opGt, operators.GreaterEquals: opGe,
}

// flip is op with its operands swapped: lit < x is x > lit.
func (op cmpOp) flip() cmpOp {
	switch op {
	case opLt:
		return opGt
	case opLe:
		return opGe
	case opGt:
		return opLt
	case opGe:
		return opLe
	}
	return op
}

func compare[T int64 | uint64 | float64 | string](op cmpOp, x, y T) bool {
	switch op {
	case opEq:
		return x == y
	case opNe:
		return x != y
	case opLt:
		return x < y
	case opLe:
		return x <= y
	case opGt:
		return x > y
	}
	return x >= y
}

// bool compiles e, an expression yielding a bool.
func (c *fastCompiler) bool(e celast.Expr) (pred, bool) {
	switch e.Kind() {
	case celast.SelectKind, celast.IdentKind:
		g, ok := c.leaf(e)
		if !ok {
			return nil, false
		}
		return func(a *vars) (bool, bool) {
			v, ok := g(a)
			if !ok {
				return false, false
			}
			b, ok := v.(bool)
			return b, ok
		}, true
	case celast.CallKind:
	default:
		return nil, false
	}
	call := e.AsCall()
	args := call.Args()
	fn := call.FunctionName()
	if call.IsMemberFunction() {
		return c.member(fn, call.Target(), args)
	}
	switch fn {
	case operators.LogicalAnd, operators.LogicalOr:
		if len(args) != 2 {
			return nil, false
		}
		l, ok := c.bool(args[0])
		if !ok {
			return nil, false
		}
		r, ok := c.bool(args[1])
		if !ok {
			return nil, false
		}
		if fn == operators.LogicalAnd {
			return func(a *vars) (bool, bool) {
				x, xok := l(a)
				if xok && !x {
					return false, true
				}
				y, yok := r(a)
				if yok && !y {
					return false, true
				}
				return true, xok && yok
			}, true
		}
		return func(a *vars) (bool, bool) {
			x, xok := l(a)
			if xok && x {
				return true, true
			}
			y, yok := r(a)
			if yok && y {
				return true, true
			}
			return false, xok && yok
		}, true
	case operators.LogicalNot:
		if len(args) != 1 {
			return nil, false
		}
		p, ok := c.bool(args[0])
		if !ok {
			return nil, false
		}
		return func(a *vars) (bool, bool) {
			x, ok := p(a)
			return !x, ok
		}, true
	case operators.In:
		if len(args) != 2 {
			return nil, false
		}
		return c.in(args[0], args[1])
	}
	name := fn
	if fastOpHook != nil {
		name = fastOpHook(name)
	}
	op, ok := cmpOps[name]
	if !ok || len(args) != 2 {
		return nil, false
	}
	x, y := args[0], args[1]
	if x.Kind() == celast.LiteralKind {
		x, y, op = y, x, op.flip()
	}
	if y.Kind() != celast.LiteralKind {
		return nil, false
	}
	lit := y.AsLiteral()
	if sz, ok := c.size(x); ok {
		n, ok := lit.(types.Int)
		if !ok {
			return nil, false
		}
		return cmpInt(sz, op, int64(n)), true
	}
	g, ok := c.leaf(x)
	if !ok {
		return nil, false
	}
	switch l := lit.(type) {
	case types.Int:
		return cmpInt(g, op, int64(l)), true
	case types.Uint:
		return cmpUint(g, op, uint64(l)), true
	case types.Double:
		return cmpDouble(g, op, float64(l)), true
	case types.String:
		return cmpString(g, op, string(l)), true
	case types.Bool:
		var n int64
		if l {
			n = 1
		}
		return cmpInt(func(a *vars) (any, bool) {
			v, ok := g(a)
			if !ok {
				return nil, false
			}
			b, ok := v.(bool)
			if !ok {
				return nil, false
			}
			if b {
				return int64(1), true
			}
			return int64(0), true
		}, op, n), true
	case types.Null:
		if op != opEq && op != opNe {
			return nil, false
		}
		return func(a *vars) (bool, bool) {
			v, ok := g(a)
			if !ok {
				return false, false
			}
			if v == nil {
				return op == opEq, true
			}
			if !plain(v) {
				return false, false
			}
			return op == opNe, true
		}, true
	}
	return nil, false
}

// plain reports whether v is of a Go type cel-go reads as a value of a
// CEL type other than null.
func plain(v any) bool {
	switch v.(type) {
	case bool, int, int32, int64, uint, uint32, uint64, float32, float64, string, []byte, []any, map[string]any:
		return true
	}
	return false
}

func cmpInt(g getter, op cmpOp, lit int64) pred {
	return func(a *vars) (bool, bool) {
		v, ok := g(a)
		if !ok {
			return false, false
		}
		n, ok := asInt(v)
		if !ok {
			return false, false
		}
		return compare(op, n, lit), true
	}
}

func cmpUint(g getter, op cmpOp, lit uint64) pred {
	return func(a *vars) (bool, bool) {
		v, ok := g(a)
		if !ok {
			return false, false
		}
		var n uint64
		switch x := v.(type) {
		case uint:
			n = uint64(x)
		case uint32:
			n = uint64(x)
		case uint64:
			n = x
		default:
			return false, false
		}
		return compare(op, n, lit), true
	}
}

func cmpDouble(g getter, op cmpOp, lit float64) pred {
	return func(a *vars) (bool, bool) {
		v, ok := g(a)
		if !ok {
			return false, false
		}
		d, ok := asDouble(v)
		if !ok {
			return false, false
		}
		return compare(op, d, lit), true
	}
}

func cmpString(g getter, op cmpOp, lit string) pred {
	return func(a *vars) (bool, bool) {
		v, ok := g(a)
		if !ok {
			return false, false
		}
		s, ok := asString(v)
		if !ok {
			return false, false
		}
		return compare(op, s, lit), true
	}
}

// asInt is v as cel-go's types.Int, when cel-go reads v as one.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// asDouble is v as cel-go's types.Double, when cel-go reads v as one and
// it is not NaN.
func asDouble(v any) (float64, bool) {
	var d float64
	switch x := v.(type) {
	case float64:
		d = x
	case float32:
		d = float64(x)
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return 0, false // an int to cel-go
		}
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		d = f
	default:
		return 0, false
	}
	return d, !math.IsNaN(d)
}

// asString is v as cel-go's types.String, when cel-go reads v as one.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case *string: // how a string variable of the activation is passed
		if x != nil {
			return *x, true
		}
	}
	return "", false
}

// size compiles size(path) and path.size(): the getter yields the size as
// an int64.
func (c *fastCompiler) size(e celast.Expr) (getter, bool) {
	if e.Kind() != celast.CallKind {
		return nil, false
	}
	call := e.AsCall()
	if call.FunctionName() != "size" {
		return nil, false
	}
	var arg celast.Expr
	switch {
	case call.IsMemberFunction() && len(call.Args()) == 0:
		arg = call.Target()
	case !call.IsMemberFunction() && len(call.Args()) == 1:
		arg = call.Args()[0]
	default:
		return nil, false
	}
	g, ok := c.leaf(arg)
	if !ok {
		return nil, false
	}
	return func(a *vars) (any, bool) {
		v, ok := g(a)
		if !ok {
			return nil, false
		}
		switch x := v.(type) {
		case string:
			// cel-go counts code points as []rune does, an invalid byte
			// as one: so does RuneCountInString.
			return int64(utf8.RuneCountInString(x)), true
		case *string:
			if x != nil {
				return int64(utf8.RuneCountInString(*x)), true
			}
		case []byte:
			return int64(len(x)), true
		case []any:
			return int64(len(x)), true
		case map[string]any:
			return int64(len(x)), true
		}
		return nil, false
	}, true
}

// member compiles path.startsWith("s"), endsWith and contains.
func (c *fastCompiler) member(fn string, target celast.Expr, args []celast.Expr) (pred, bool) {
	var f func(s, sub string) bool
	switch fn {
	case "startsWith":
		f = strings.HasPrefix
	case "endsWith":
		f = strings.HasSuffix
	case "contains":
		f = strings.Contains
	default:
		return nil, false
	}
	if len(args) != 1 || args[0].Kind() != celast.LiteralKind {
		return nil, false
	}
	sub, ok := args[0].AsLiteral().(types.String)
	if !ok {
		return nil, false
	}
	g, ok := c.leaf(target)
	if !ok {
		return nil, false
	}
	return func(a *vars) (bool, bool) {
		v, ok := g(a)
		if !ok {
			return false, false
		}
		s, ok := asString(v)
		if !ok {
			return false, false
		}
		return f(s, string(sub)), true
	}, true
}

// in compiles path in [lit, ...], the constants all of one type.
func (c *fastCompiler) in(x, list celast.Expr) (pred, bool) {
	if list.Kind() != celast.ListKind {
		return nil, false
	}
	l := list.AsList()
	if len(l.OptionalIndices()) > 0 || len(l.Elements()) == 0 {
		return nil, false
	}
	var lits []ref.Val
	for _, e := range l.Elements() {
		if e.Kind() != celast.LiteralKind {
			return nil, false
		}
		v := e.AsLiteral()
		if len(lits) > 0 && v.Type() != lits[0].Type() {
			return nil, false
		}
		lits = append(lits, v)
	}
	g, ok := c.leaf(x)
	if !ok {
		return nil, false
	}
	switch lits[0].(type) {
	case types.Int:
		set := map[int64]bool{}
		for _, v := range lits {
			set[int64(v.(types.Int))] = true
		}
		return func(a *vars) (bool, bool) {
			v, ok := g(a)
			if !ok {
				return false, false
			}
			n, ok := asInt(v)
			return set[n], ok
		}, true
	case types.String:
		set := map[string]bool{}
		for _, v := range lits {
			set[string(v.(types.String))] = true
		}
		return func(a *vars) (bool, bool) {
			v, ok := g(a)
			if !ok {
				return false, false
			}
			s, ok := asString(v)
			return set[s], ok
		}, true
	case types.Double:
		var ds []float64
		for _, v := range lits {
			ds = append(ds, float64(v.(types.Double)))
		}
		return func(a *vars) (bool, bool) {
			v, ok := g(a)
			if !ok {
				return false, false
			}
			d, ok := asDouble(v)
			if !ok {
				return false, false
			}
			for _, x := range ds {
				if x == d {
					return true, true
				}
			}
			return false, true
		}, true
	}
	return nil, false
}

// leaf compiles a path whose value is compared: not a message, which the
// fast path never compares.
func (c *fastCompiler) leaf(e celast.Expr) (getter, bool) {
	if c.ast.GetType(e.ID()).Kind() == types.StructKind {
		return nil, false
	}
	return c.path(e)
}

// path compiles a variable of the activation followed by field selections.
func (c *fastCompiler) path(e celast.Expr) (getter, bool) {
	switch e.Kind() {
	case celast.IdentKind:
		r, ok := c.ast.ReferenceMap()[e.ID()]
		if !ok || r == nil || r.Value != nil || r.Name != e.AsIdent() {
			return nil, false
		}
		switch r.Name {
		case "message":
			return func(a *vars) (any, bool) { return a.message, true }, true
		case "this":
			return func(a *vars) (any, bool) { return a.this, true }, true
		case "value":
			return func(a *vars) (any, bool) { return a.value, true }, true
		case "name":
			return func(a *vars) (any, bool) { return &a.name, true }, true
		case "fullName":
			return func(a *vars) (any, bool) { return &a.fullName, true }, true
		case "typeName":
			return func(a *vars) (any, bool) { return &a.typeName, true }, true
		}
		return nil, false
	case celast.SelectKind:
	default:
		return nil, false
	}
	if _, ok := c.ast.ReferenceMap()[e.ID()]; ok {
		return nil, false // a qualified name the checker resolved
	}
	sel := e.AsSelect()
	if sel.IsTestOnly() {
		return nil, false
	}
	op := sel.Operand()
	g, ok := c.path(op)
	if !ok {
		return nil, false
	}
	name := sel.FieldName()
	t := c.ast.GetType(op.ID())
	if t == nil {
		return nil, false
	}
	switch t.Kind() {
	case types.StructKind:
		// cel-go selects with the field's getter (fieldQualifier).
		ft, found := c.env.CELTypeProvider().FindStructFieldType(t.TypeName(), name)
		if !found || ft.GetFrom == nil || ft.IsSet == nil {
			return nil, false
		}
		// A scalar (not a wrapper, which cel-go unwraps) or a message.
		switch rt := c.ast.GetType(e.ID()); rt.Kind() {
		case types.IntKind, types.UintKind, types.DoubleKind, types.StringKind, types.BytesKind, types.BoolKind:
			if rt.IsAssignableType(types.NullType) {
				return nil, false
			}
		case types.StructKind:
		default:
			return nil, false
		}
		return protoField(g, protoreflect.Name(name)), true
	case types.DynKind:
		// cel-go selects with a string qualifier, which reads a
		// map[string]any natively.
		return func(a *vars) (any, bool) {
			v, ok := g(a)
			if !ok {
				return nil, false
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			v, ok = m[name]
			return v, ok
		}, true
	}
	return nil, false
}

// protoField selects the field name of a message as cel-go's field getter
// does (by name in the value's own descriptor, the default when unset),
// for a scalar field, or a set message field of a type that is not a
// well-known one (which cel-go unwraps).
func protoField(g getter, name protoreflect.Name) getter {
	return func(a *vars) (any, bool) {
		v, ok := g(a)
		if !ok {
			return nil, false
		}
		var m protoreflect.Message
		switch x := v.(type) {
		case proto.Message:
			m = x.ProtoReflect()
		case protoreflect.Message:
			m = x
		default:
			return nil, false
		}
		if m == nil || !m.IsValid() {
			return nil, false
		}
		fd := m.Descriptor().Fields().ByName(name)
		if fd == nil || fd.IsList() || fd.IsMap() {
			return nil, false
		}
		switch fd.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			if !m.Has(fd) || strings.HasPrefix(string(fd.Message().FullName()), "google.protobuf.") {
				return nil, false
			}
			return m.Get(fd).Message(), true
		case protoreflect.EnumKind:
			return int64(m.Get(fd).Enum()), true
		}
		return m.Get(fd).Interface(), true
	}
}

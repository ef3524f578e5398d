package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// genericExprs are rules over generic values (Avro and JSON maps), every
// shape the fast path decides, alone and combined.
var genericExprs = []string{
	"message.a > 0", "message.a >= 0", "message.a == 5", "message.a != 5", "message.a < -3",
	"message.a <= 9223372036854775807", "0 < message.a", "-1 >= message.a",
	"message.d > 0.5", "message.d == 0.0", "message.d < -1.5", "message.d != 2.5", "1.0 <= message.d",
	"message.u > 3u", "message.u == 0u", "message.u <= 18446744073709551615u",
	"message.s == 'abc'", "message.s < 'm'", "message.s >= ''", "message.s != 'é'",
	"message.b == true", "message.b != false", "message.b", "!message.b", "message.b < true",
	"message.n == null", "message.n != null", "message.s == null", "null != message.a",
	"size(message.s) > 3", "message.s.size() <= 2", "size(message.l) == 0", "size(message.m) >= 1", "size(message.y) < 4",
	"message.s.startsWith('ab')", "message.s.endsWith('c')", "message.s.contains('é')", "message.s.contains('')",
	"message.a in [1, 2, 3]", "message.s in ['a', 'abc', 'é']", "message.d in [0.5, 1.0, -0.0]",
	"message.r.x > 0", "message.r.r.x == 1", "message.r.s.startsWith('a')",
	"message.a > 0 && message.s.startsWith('a')", "message.a > 0 || message.d < 0.0",
	"!(message.a > 0) && (message.b || message.s == 'x')", "message.b && message.r.x >= 1 || !(message.u == 2u)",
	"this > 0", "this == 'abc'", "this.x == 1", "this.s.endsWith('c')", "size(this) == 2",
	"value > 10", "value == 'x'", "value in [1, 2]", "size(value) > 1", "value.startsWith('a')",
	"typeName == 'STRING' && size(value) > 2", "name == 'id' || value != null", "fullName.endsWith('.id')",
}

// protoExprs are rules over a Protobuf message (message typed as t.M).
var protoExprs = []string{
	"message.i32 > 0", "message.i64 <= -5", "message.i64 == 0", "message.s32 < 3", "message.f64 != 7",
	"message.u32 > 3u", "message.u64 == 0u", "message.i64 > 0u",
	"message.f > 0.5", "message.d != 0.0", "message.d >= -1.5",
	"message.s.startsWith('a')", "message.s == ''", "size(message.s) > 2", "size(message.by) == 0",
	"message.b", "!message.b", "message.b == false",
	"message.oi == 0", "message.sub.x > 0", "message.sub.r.x == 1", "message.e == 1", "message.e in [0, 2]",
	"message.os == ''", "message.oi2 > 0", "message.i64 in [1, 2, 3]",
	"message.i32 > 0 && message.s.endsWith('c') || message.b",
	"value > 10", "value == 'abc'", "size(value) > 1",
}

const celfastProto = `syntax = "proto3";
package t;
import "google/protobuf/wrappers.proto";
enum E { E0 = 0; E1 = 1; E2 = 2; }
message Sub { int64 x = 1; Sub r = 2; }
message M {
  int32 i32 = 1; int64 i64 = 2; sint32 s32 = 3; sfixed64 f64 = 4;
  uint32 u32 = 5; uint64 u64 = 6; float f = 7; double d = 8;
  string s = 9; bytes by = 10; bool b = 11; optional int64 oi = 12;
  Sub sub = 13; E e = 14; repeated int64 li = 15; map<string, int64> mp = 16;
  google.protobuf.Int64Value w = 17;
  oneof o { string os = 18; int64 oi2 = 19; }
}`

// celfastProtoOther is another t.M: the same names, some of other types,
// as a generated type of another schema version would have them.
const celfastProtoOther = `syntax = "proto3";
package t;
message Sub { string x = 1; }
message M { string i64 = 2; int64 s = 9; Sub sub = 13; double i32 = 1; bool u64 = 6; }`

func compileProto(t testing.TB, text string) protoreflect.FileDescriptor {
	t.Helper()
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(p string) (protocompile.SearchResult, error) {
		if p == "t.proto" {
			return protocompile.SearchResult{Source: strings.NewReader(text)}, nil
		}
		return protocompile.SearchResult{}, protoregistry.NotFound
	}))}
	files, err := comp.Compile(context.Background(), "t.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

func genericEnv(t testing.TB) *cel.Env {
	t.Helper()
	env, err := cel.NewEnv(cel.Lib(library{}),
		cel.Variable("message", cel.DynType), cel.Variable("this", cel.DynType), cel.Variable("value", cel.DynType),
		cel.Variable("name", cel.StringType), cel.Variable("fullName", cel.StringType),
		cel.Variable("typeName", cel.StringType), cel.Variable("tags", cel.ListType(cel.StringType)))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func protoEnv(t testing.TB, fd protoreflect.FileDescriptor) *cel.Env {
	t.Helper()
	env, err := cel.NewEnv(cel.Lib(library{}), cel.TypeDescs(fd),
		cel.Variable("message", cel.ObjectType("t.M")), cel.Variable("value", cel.DynType))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// fastAndCelGo compiles expr as the contract does and returns its fast
// program (nil when the fast path does not take it) and cel-go's program.
func fastAndCelGo(t testing.TB, env *cel.Env, expr string) (*fastProgram, cel.Program) {
	t.Helper()
	p, err := compileBool(env, expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	if f, ok := p.(*fastProgram); ok {
		return f, f.Program
	}
	return nil, p
}

var (
	boundInts    = []int64{0, 1, -1, 2, 3, 5, -3, -4, -5, 9, 10, 11, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32}
	boundUints   = []uint64{0, 1, 2, 3, 4, math.MaxUint32, math.MaxUint64}
	boundDoubles = []float64{0, math.Copysign(0, -1), 0.5, 0.49999999999999994, 1, 2.5, -1.5, -2, 7, 10, 11,
		math.NaN(), math.Inf(1), math.Inf(-1), 1e300, math.SmallestNonzeroFloat64, math.MaxFloat64}
	boundStrings = []string{"", "a", "ab", "abc", "abcd", "m", "x", "id", "é", "aé", "abé", "日本語", "\xff\xfe", "ab\x80c", "o-1", "STRING", "c"}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// anyValue is a value of any Go type a rule might meet, cel-go's readable
// ones and not.
func anyValue(rng *rand.Rand, depth int) any {
	switch rng.IntN(24) {
	case 0:
		return nil
	case 1:
		return int(pick(rng, boundInts))
	case 2:
		return int32(pick(rng, boundInts))
	case 3:
		return pick(rng, boundInts)
	case 4:
		return uint(pick(rng, boundUints))
	case 5:
		return uint32(pick(rng, boundUints))
	case 6:
		return pick(rng, boundUints)
	case 7:
		return float32(pick(rng, boundDoubles))
	case 8:
		return pick(rng, boundDoubles)
	case 9:
		return jsonNumber(rng)
	case 10, 11:
		return pick(rng, boundStrings)
	case 12:
		return rng.IntN(2) == 0
	case 13:
		return []byte(pick(rng, boundStrings))
	case 14:
		return list(rng, depth)
	case 15, 16:
		return record(rng, depth, 2)
	case 17:
		return time.Unix(int64(rng.IntN(10)), 0)
	case 18:
		return int8(pick(rng, boundInts))
	case 19:
		s := pick(rng, boundStrings)
		return &s
	case 20:
		return map[string]string{"x": "1"}
	case 21:
		return []string{"a"}
	case 22:
		return struct{ X int }{1}
	}
	return json.Number(pick(rng, []string{"NaN", "abc", "1e999", "-0"}))
}

func jsonNumber(rng *rand.Rand) json.Number {
	switch rng.IntN(4) {
	case 0:
		return json.Number(fmt.Sprint(pick(rng, boundInts)))
	case 1:
		return json.Number(pick(rng, []string{"1.5", "0.5", "1e3", "-0.0", "2.5", "-1.5", "1.0", "9223372036854775808", "11"}))
	}
	d := pick(rng, boundDoubles)
	if math.IsNaN(d) || math.IsInf(d, 0) {
		d = 0.25
	}
	return json.Number(fmt.Sprint(d))
}

func list(rng *rand.Rand, depth int) []any {
	l := make([]any, rng.IntN(4))
	for i := range l {
		l[i] = leaf(rng, depth+1)
	}
	return l
}

func leaf(rng *rand.Rand, depth int) any {
	if depth > 2 {
		return pick(rng, boundStrings)
	}
	return anyValue(rng, depth)
}

// typed is a value of the type a key's rules expect, in one format's
// generic form: 0 Avro, 1 JSON.
func typed(rng *rand.Rand, key string, flavor, depth int) any {
	switch key {
	case "a", "x":
		if flavor == 1 {
			return jsonNumber(rng)
		}
		if rng.IntN(2) == 0 {
			return int32(pick(rng, boundInts))
		}
		return pick(rng, boundInts)
	case "d":
		if flavor == 1 {
			if rng.IntN(2) == 0 {
				return jsonNumber(rng)
			}
			return pick(rng, boundDoubles)
		}
		if rng.IntN(2) == 0 {
			return float32(pick(rng, boundDoubles))
		}
		return pick(rng, boundDoubles)
	case "u":
		return pick(rng, boundUints)
	case "s":
		return pick(rng, boundStrings)
	case "b":
		return rng.IntN(2) == 0
	case "n":
		return nil
	case "l":
		return list(rng, depth)
	case "m":
		return record(rng, depth, flavor)
	case "y":
		return []byte(pick(rng, boundStrings))
	case "r":
		if depth > 2 {
			return nil
		}
		return record(rng, depth+1, flavor)
	}
	return nil
}

// record is a generic record with the keys the rules read, each missing,
// of its type, or of any type.
func record(rng *rand.Rand, depth, flavor int) map[string]any {
	m := map[string]any{}
	for _, k := range []string{"a", "d", "u", "s", "b", "n", "l", "m", "y", "r", "x"} {
		switch p := rng.IntN(10); {
		case p == 0:
		case p < 7 && flavor < 2:
			m[k] = typed(rng, k, flavor, depth)
		default:
			m[k] = leaf(rng, depth+1)
		}
	}
	return m
}

// protoMessage fills a t.M (of either descriptor) with boundary values.
func protoMessage(rng *rand.Rand, md protoreflect.MessageDescriptor, depth int) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	fs := md.Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		if rng.IntN(4) == 0 {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for j := rng.IntN(3); j > 0; j-- {
				l.Append(protoreflect.ValueOfInt64(pick(rng, boundInts)))
			}
			continue
		case fd.IsMap():
			m.Mutable(fd).Map().Set(protoreflect.ValueOfString("k").MapKey(), protoreflect.ValueOfInt64(1))
			continue
		}
		var v protoreflect.Value
		switch fd.Kind() {
		case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
			v = protoreflect.ValueOfInt32(int32(pick(rng, boundInts)))
		case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
			v = protoreflect.ValueOfInt64(pick(rng, boundInts))
		case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
			v = protoreflect.ValueOfUint32(uint32(pick(rng, boundUints)))
		case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
			v = protoreflect.ValueOfUint64(pick(rng, boundUints))
		case protoreflect.FloatKind:
			v = protoreflect.ValueOfFloat32(float32(pick(rng, boundDoubles)))
		case protoreflect.DoubleKind:
			v = protoreflect.ValueOfFloat64(pick(rng, boundDoubles))
		case protoreflect.StringKind:
			v = protoreflect.ValueOfString(pick(rng, boundStrings))
		case protoreflect.BytesKind:
			v = protoreflect.ValueOfBytes([]byte(pick(rng, boundStrings)))
		case protoreflect.BoolKind:
			v = protoreflect.ValueOfBool(rng.IntN(2) == 0)
		case protoreflect.EnumKind:
			v = protoreflect.ValueOfEnum(protoreflect.EnumNumber(rng.IntN(4)))
		case protoreflect.MessageKind:
			if depth > 2 {
				continue
			}
			v = protoreflect.ValueOfMessage(protoMessage(rng, fd.Message(), depth+1))
		}
		m.Set(fd, v)
	}
	return m
}

func sameResult(o1 ref.Val, e1 error, o2 ref.Val, e2 error) bool {
	bad1 := e1 != nil || o1 == nil || types.IsError(o1)
	bad2 := e2 != nil || o2 == nil || types.IsError(o2)
	if bad1 || bad2 {
		return bad1 == bad2
	}
	if _, ok := o1.(types.Bool); ok {
		return o1 == o2
	}
	return o1.Type() == o2.Type() && fmt.Sprint(o1.Value()) == fmt.Sprint(o2.Value())
}

// diffStats counts a differential run.
type diffStats struct {
	evals, fast, delegated, mismatches int
	first                              string
}

func (s *diffStats) run(t testing.TB, exprs []string, f []*fastProgram, celgo []cel.Program, a *vars, show func() string) {
	for i, fp := range f {
		if fp == nil {
			t.Fatalf("%s: the fast path does not take it", exprs[i])
		}
		if _, ok := fp.pred(a); ok {
			s.fast++
		} else {
			s.delegated++
		}
		s.evals++
		o1, d1, e1 := fp.Eval(a)
		o2, _, e2 := celgo[i].Eval(a)
		if d1 != nil && e1 == nil {
			t.Errorf("%s: details from the fast path", exprs[i])
		}
		if !sameResult(o1, e1, o2, e2) {
			s.mismatches++
			if s.first == "" {
				what := show()
				if len(what) > 400 {
					what = what[:400] + "..."
				}
				s.first = fmt.Sprintf("%s on %s: fast %v %v, cel-go %v %v", exprs[i], what, o1, e1, o2, e2)
			}
		}
	}
}

func compileAll(t testing.TB, env *cel.Env, exprs []string) ([]*fastProgram, []cel.Program) {
	f := make([]*fastProgram, len(exprs))
	c := make([]cel.Program, len(exprs))
	for i, e := range exprs {
		f[i], c[i] = fastAndCelGo(t, env, e)
	}
	return f, c
}

// celfastDifferential evaluates every expression of both tables on n
// random activations per flavor (Avro maps, JSON maps, values of any
// type, Protobuf messages of the env's descriptor and of another).
func celfastDifferential(t testing.TB, n int) (s diffStats, fs [4]diffStats) {
	rng := rand.New(rand.NewPCG(10, 20))
	gf, gc := compileAll(t, genericEnv(t), genericExprs)
	for flavor := 0; flavor < 3; flavor++ {
		for i := 0; i < n; i++ {
			a := &vars{
				message:  record(rng, 0, flavor),
				name:     pick(rng, boundStrings),
				fullName: "r." + pick(rng, boundStrings),
				typeName: pick(rng, []string{"STRING", "INT", "RECORD"}),
			}
			if flavor == 2 {
				a.this, a.value = anyValue(rng, 0), anyValue(rng, 0)
			} else {
				a.this, a.value = typed(rng, pick(rng, []string{"a", "s", "r"}), flavor, 0), typed(rng, pick(rng, []string{"a", "s", "d"}), flavor, 0)
			}
			fs[flavor].run(t, genericExprs, gf, gc, a, func() string { return fmt.Sprintf("%#v", a) })
		}
	}
	fd, other := compileProto(t, celfastProto), compileProto(t, celfastProtoOther)
	pf, pc := compileAll(t, protoEnv(t, fd), protoExprs)
	mds := []protoreflect.MessageDescriptor{fd.Messages().ByName("M"), other.Messages().ByName("M"), fd.Messages().ByName("Sub")}
	for i := 0; i < n; i++ {
		md := mds[0]
		if p := rng.IntN(8); p < 2 {
			md = mds[1+p]
		}
		a := &vars{message: protoMessage(rng, md, 0), value: anyValue(rng, 0)}
		fs[3].run(t, protoExprs, pf, pc, a, func() string { return fmt.Sprintf("%v", a.message) })
	}
	for _, f := range fs {
		s.evals += f.evals
		s.fast += f.fast
		s.delegated += f.delegated
		s.mismatches += f.mismatches
		if s.first == "" {
			s.first = f.first
		}
	}
	return s, fs
}

var flavorNames = [4]string{"Avro maps", "JSON maps", "values of any Go type", "Protobuf messages"}

// TestCelFastDifferential: on every value, the fast path's verdict is
// cel-go's own, and it decides most of them.
func TestCelFastDifferential(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	s, fs := celfastDifferential(t, n)
	for i, f := range fs {
		t.Logf("%s: %d evaluations, %d decided in Go, %d delegated, %d mismatches", flavorNames[i], f.evals, f.fast, f.delegated, f.mismatches)
	}
	t.Logf("%d evaluations (%d generic and %d protobuf expressions, %d activations each of 4 flavors): %d decided in Go, %d delegated to cel-go, %d mismatches",
		s.evals, len(genericExprs), len(protoExprs), n, s.fast, s.delegated, s.mismatches)
	if s.mismatches > 0 {
		t.Fatalf("%d mismatches; first: %s", s.mismatches, s.first)
	}
	if s.fast < s.evals/3 {
		t.Fatalf("only %d of %d evaluations decided in Go", s.fast, s.evals)
	}
}

// TestCelFastNegativeControl: a fast path whose > is >= disagrees with
// cel-go, and the differential sees it.
func TestCelFastNegativeControl(t *testing.T) {
	fastOpHook = func(op string) string {
		if op == ">" || op == "_>_" {
			return "_>=_"
		}
		return op
	}
	defer func() { fastOpHook = nil }()
	s, _ := celfastDifferential(t, 200)
	t.Logf("mutated > to >=: %d mismatches of %d evaluations; first: %s", s.mismatches, s.evals, s.first)
	if s.mismatches == 0 {
		t.Fatal("the differential did not see the mutated operator")
	}
}

// TestCelFastEngages: the fast path takes the shapes it decides, and no
// other, in a rule compiled by New as in one compiled alone.
func TestCelFastEngages(t *testing.T) {
	env := genericEnv(t)
	for _, e := range genericExprs {
		if f, _ := fastAndCelGo(t, env, e); f == nil {
			t.Errorf("%s: not taken", e)
		}
	}
	for _, e := range []string{
		"message.a + 1 > 0", "message.a > message.d", "has(message.a)", "message.a > 0 ? true : false",
		"message.s.matches('x')", "message.a in [1, 'a']", "message.l.all(x, x > 0)", "message.a > -message.d",
		"message.a > 0 || true", "message.y == b'ab'", "message.s.isEmail()", "'a' in tags", "tags.exists(t, t == 'PII')",
		"message['a'] > 0", "message.l[0] == 1", "size(message.s) > 1.5", "message.s.lowerAscii() == 'a'",
		"int(message.d) > 0", "message.a == message.a", "message.n == dyn(null)",
	} {
		if f, _ := fastAndCelGo(t, env, e); f != nil {
			t.Errorf("%s: taken", e)
		}
	}
	penv := protoEnv(t, compileProto(t, celfastProto))
	for _, e := range protoExprs {
		if f, _ := fastAndCelGo(t, penv, e); f == nil {
			t.Errorf("%s: not taken", e)
		}
	}
	for _, e := range []string{"message.w == null", "message.mp.k == 1", "size(message.li) > 0", "message.sub == null", "has(message.sub)", "message.li[0] > 0"} {
		if f, _ := fastAndCelGo(t, penv, e); f != nil {
			t.Errorf("%s: taken", e)
		}
	}

	// Through New: a domain rule, its guard, a CEL_FIELD rule and an
	// inline rule.
	sch, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
	  {"name":"amount","type":"long","confluent:rules":[{"name":"pos","expr":"this > 0"}]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := New(sch, &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "amount", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.amount > 0"},
		{Name: "guarded", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.amount != null; message.amount < 100"},
		{Name: "field", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "typeName == 'LONG'; value >= 0"},
		{Name: "slow", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.amount + 1 > 0"},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ct.all {
		_, fast := p.expr.(*fastProgram)
		if fast != (p.rule.Name != "slow") {
			t.Errorf("rule %s: fast %v", p.rule.Name, fast)
		}
		if p.guard != nil {
			if _, ok := p.guard.(*fastProgram); !ok {
				t.Errorf("rule %s: guard not fast", p.rule.Name)
			}
		}
	}
	if err := ct.Check(map[string]any{"amount": int64(5)}, nil); err != nil {
		t.Fatal(err)
	}
	err = ct.Check(map[string]any{"amount": int64(0)}, nil)
	if err == nil || !strings.Contains(err.Error(), `"amount"`) || !strings.Contains(err.Error(), `"pos"`) {
		t.Fatalf("amount 0: %v", err)
	}
}

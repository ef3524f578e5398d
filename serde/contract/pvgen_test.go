package contract_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	pvgen "github.com/schemagen/schemagen/codegen/testdata/proto-bufvalidate/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// compileChecks compiles the text of a lab.checks.v1 message of the
// proto-bufvalidate golden as the registry would hand it over.
func compileChecks(t testing.TB, text, message string) *protobuf.Compiled {
	t.Helper()
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, nil,
		protobuf.FileName("lab/checks/v1/checks.proto"), protobuf.MessageName("lab.checks.v1."+message))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// violations renders err's violations, every field of each, one string each.
func violations(err error) []string {
	var out []string
	for _, v := range serde.Violations(err) {
		if v.Err != serde.ErrRule {
			out = append(out, "not ErrRule: "+v.Error())
			continue
		}
		out = append(out, fmt.Sprintf("%s | %s | %s | %s | %s", v.Path, v.Rule, v.RuleExpr, v.RuleDoc, v.Reason))
	}
	return out
}

// pvViolations renders protovalidate-go's violations as violations renders
// the contract's: serde/contract/protovalidate.go's mapping.
func pvViolations(err error) []string {
	var ve *protovalidate.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for _, v := range ve.Violations {
		p := v.Proto
		expr := protovalidate.FieldPathString(p.GetRule())
		if expr == "" {
			expr = "buf.validate " + p.GetRuleId()
		}
		out = append(out, fmt.Sprintf("%s | %s | %s | %s | %s", protovalidate.FieldPathString(p.GetField()), p.GetRuleId(),
			expr, p.GetMessage(), fmt.Sprintf("breaks rule %q: %s", p.GetRuleId(), p.GetMessage())))
	}
	return out
}

// checksGen makes random Checks messages from values on both sides of
// every bound of the schema.
type checksGen struct{ r *rand.Rand }

func pick[T any](g checksGen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

func (g checksGen) item(depth int) *pvgen.Item {
	it := &pvgen.Item{Sku: pick(g, "", "a-1", "A", "ok", "x y"), Qty: pick[uint32](g, 0, 1, 50, 99, 100)}
	if depth < 2 && g.r.IntN(3) == 0 {
		it.Child = g.item(depth + 1)
	}
	if depth < 2 && g.r.IntN(3) == 0 {
		it.Parts = map[string]*pvgen.Item{"p": g.item(depth + 1)}
	}
	return it
}

func (g checksGen) list(n int, f func() string) []string {
	var out []string
	for range g.r.IntN(n + 1) {
		out = append(out, f())
	}
	return out
}

// valid returns a Checks that breaks no rule.
func (g checksGen) valid() *pvgen.Checks {
	return &pvgen.Checks{
		U32: 1, U64: 5, S32: 7, F64: 3, Sf32: 2, Fl: 1, Dconst: 3.14159,
		Name: "ab", Code: "ABC", Sized: "ab", ExactBytes: "abcd", Greeting: "hello", Konst: "fixed", Tier: "gold",
		Id: "123e4567-e89b-12d3-a456-426614174000", Tid: "123e4567e89b12d3a456426614174000", Ulid: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
		Blob: []byte{1, 0xff}, Bconst: []byte{0, 1}, Blen: []byte("ab"), Ip: make([]byte, 4), Ip4: make([]byte, 4),
		Ip6: make([]byte, 16), Buuid: make([]byte, 16), Flag: true, Color: 1, ColorIn: 1, ColorConst: 2,
		Tags: []string{"a"}, Switches: map[bool]string{true: "ab"}, Main: &pvgen.Item{Sku: "ok", Qty: 1},
		Must: "x", Nonempty: []int32{1}, Maybe: proto.Bool(true), Contact: &pvgen.Checks_Phone{Phone: 1000},
	}
}

// message returns a random Checks: half of them valid but for up to two
// fields taken from a random one.
func (g checksGen) message() *pvgen.Checks {
	m := g.checks()
	if g.r.IntN(2) == 0 {
		return m
	}
	v := g.valid()
	src, dst := m.ProtoReflect(), v.ProtoReflect()
	fs := dst.Descriptor().Fields()
	for range g.r.IntN(3) {
		fd := fs.Get(g.r.IntN(fs.Len()))
		if src.Has(fd) {
			dst.Set(fd, src.Get(fd))
		} else {
			dst.Clear(fd)
		}
	}
	return v
}

func (g checksGen) checks() *pvgen.Checks {
	nan := math.NaN()
	inf := math.Inf(1)
	m := &pvgen.Checks{
		I32:        pick[int32](g, -11, -10, -9, 0, 99, 100, 101),
		I64:        pick[int64](g, -1, 0, 13, 666, 1000000, 1000001),
		U32:        pick[uint32](g, 0, 1, 2, 4, 5, 8, 9),
		U64:        pick[uint64](g, 9, 10, 500, 1000, 1001),
		S32:        pick[int32](g, 6, 7, 8),
		S64:        pick[int64](g, -6, -5, 5, 6),
		F32:        pick[uint32](g, 50, 51),
		F64:        pick[uint64](g, 2, 3),
		Sf32:       pick[int32](g, -2, -1, 0, 1, 2),
		Sf64:       pick[int64](g, -101, -100, 0, 99, 100, 150),
		Fl:         pick(g, float32(nan), float32(inf), 0.5, 0.50001, 99.75, 99.76, 50),
		Db:         pick(g, -1.5, -1.6, 0.25, 1e10, nan, math.Copysign(0, -1), 5),
		Dconst:     pick(g, 3.14159, 3.14),
		Fin:        pick(g, float32(inf), float32(-inf), float32(nan), 0),
		Ex:         pick[int32](g, 4, 5, 7, 10, 11),
		Name:       pick(g, "", "a", "ab", "abcdefgh", "abcdefghi", "héllo", "日本語"),
		Code:       pick(g, "ABC", "AB", "abc", "ABCD", "ÄBC"),
		Sized:      pick(g, "a", "ab", "abcdef", "abcdefg", "éé"),
		ExactBytes: pick(g, "abcd", "abc", "éé"),
		Greeting:   pick(g, "hello", "helo", "hexlo", "jello", "he", "lo"),
		Konst:      pick(g, "fixed", "Fixed", ""),
		Tier:       pick(g, "gold", "silver", "lead", "tin"),
		Id:         pick(g, "", "123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000", "not-a-uuid", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g"),
		Tid:        pick(g, "", "123e4567e89b12d3a456426614174000", "123e4567e89b12d3a45642661417400", strings.Repeat("g", 32)),
		Ulid:       pick(g, "", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "81ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAI", "01arz3ndektsv4rrffq69g5fav", "01ARZ3NDEKTSV4RRFFQ69G5FA"),
		Blob:       pick(g, nil, []byte{1}, []byte{1, 0xff}, []byte{1, 2, 3, 0xff}, []byte{1, 2, 3, 4, 0xff}, []byte{2, 0xff}),
		Bconst:     pick(g, []byte{0, 1}, []byte{0}, nil),
		Blen:       []byte(pick(g, "ab", "ba", "zz", "aa", "a", "abc")),
		Ip:         pick(g, nil, make([]byte, 4), make([]byte, 16), make([]byte, 5)),
		Ip4:        pick(g, nil, make([]byte, 4), make([]byte, 16)),
		Ip6:        pick(g, nil, make([]byte, 4), make([]byte, 16)),
		Buuid:      pick(g, nil, make([]byte, 16), make([]byte, 15)),
		Flag:       g.r.IntN(2) == 0,
		Color:      pvgen.Color(pick[int32](g, -1, 0, 1, 2, 3, 4)),
		ColorIn:    pvgen.Color(pick[int32](g, 0, 1, 2, 3)),
		ColorConst: pvgen.Color(pick[int32](g, 1, 2)),
		Tags:       pick(g, nil, []string{"a"}, []string{"a", "a"}, []string{"", "abcdef"}, []string{"a", "b", "c", "d", "e"}),
		Keys:       pick(g, nil, [][]byte{{1, 2}}, [][]byte{{1, 2}, {1, 2}}, [][]byte{{1}}),
		Colors:     pick(g, nil, []pvgen.Color{0, 1, 9}, []pvgen.Color{3}),
		Notes:      pick(g, nil, []string{"", "ab", "abc"}, []string{"abcd"}),
		Ratios:     pick(g, nil, []float64{0, 1, 1.5, nan, nan}, []float64{0.5, 0.5}, []float64{-0.1}),
		Weights:    pick(g, nil, []float32{0.5, 0, 1, float32(nan)}, []float32{0.25}),
		Counts:     pick(g, nil, map[string]int32{"a": 1}, map[string]int32{"": 1, "abcde": 0}, map[string]int32{"a": 1, "b": 2, "c": 3, "d": 4}),
		Labels:     pick(g, nil, map[uint32]string{1: "", 2: "lx", 3: "x"}),
		Switches:   pick(g, nil, map[bool]string{true: "ab"}, map[bool]string{false: "abc"}),
		Nick:       pick(g, "", "ab", "abc"),
		Must:       pick(g, "", "x"),
		Nonempty:   pick(g, nil, []int32{1}),
	}
	switch g.r.IntN(4) {
	case 0:
		m.Scores = []int32{0, 10}
	case 1:
		m.Scores = []int32{-1, 3, 3, 11}
	case 2, 3:
		// Longer than 16: the map path of the uniqueness check.
		for i := range 20 {
			m.Scores = append(m.Scores, int32(i%11))
		}
		if g.r.IntN(2) == 0 {
			m.Scores = m.Scores[:11]
		}
	}
	for range g.r.IntN(5) {
		m.Items = append(m.Items, g.item(1))
	}
	if g.r.IntN(2) == 0 {
		m.ById = map[int64]*pvgen.Item{pick[int64](g, -1, 0, 1, 7): g.item(1)}
	}
	if g.r.IntN(4) > 0 {
		m.Main = g.item(0)
	}
	if g.r.IntN(2) == 0 {
		m.Extra = g.item(0)
	}
	switch g.r.IntN(3) {
	case 1:
		m.Opt = proto.Int32(0)
	case 2:
		m.Opt = proto.Int32(5)
	}
	if g.r.IntN(2) == 0 {
		m.Maybe = proto.Bool(false)
	}
	switch g.r.IntN(6) {
	case 1:
		m.Contact = &pvgen.Checks_EmailAddr{EmailAddr: pick(g, "a@b.c", strings.Repeat("x", 21))}
	case 2:
		m.Contact = &pvgen.Checks_Phone{Phone: pick[int64](g, 999, 1000)}
	case 3, 4, 5:
		m.Contact = &pvgen.Checks_Delegate{Delegate: g.item(0)}
	}
	switch g.r.IntN(3) {
	case 1:
		m.Choice = &pvgen.Checks_A{A: pick(g, "x", "xy")}
	case 2:
		m.Choice = &pvgen.Checks_B{B: 5}
	}
	return m
}

// multiEntry reports whether m has a map of several entries: Go and
// protovalidate-go visit those in random order.
func multiEntry(m *pvgen.Checks) bool {
	n := func(l int) bool { return l > 1 }
	if n(len(m.Counts)) || n(len(m.Labels)) || n(len(m.Switches)) || n(len(m.ById)) {
		return true
	}
	var item func(*pvgen.Item) bool
	item = func(it *pvgen.Item) bool {
		return it != nil && (n(len(it.Parts)) || item(it.Child) || slices.ContainsFunc(mapsValues(it.Parts), item))
	}
	return item(m.Main) || item(m.Extra) || slices.ContainsFunc(m.Items, item) || slices.ContainsFunc(mapsValues(m.ById), item)
}

func mapsValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// bufDifferential runs n random messages through the generated checks and
// through protovalidate-go with the rules of text, and returns how many
// messages and violations it compared, the rule IDs it saw, and the
// mismatches.
func bufDifferential(t *testing.T, text string, n int) (invalid, compared int, ids map[string]bool, diffs []string) {
	t.Helper()
	c := compileChecks(t, text, "Checks")
	ids = map[string]bool{}
	g := checksGen{rand.New(rand.NewPCG(10, 10))}
	pv := map[bool]protovalidate.Validator{}
	for _, ff := range []bool{false, true} {
		var opts []protovalidate.ValidatorOption
		if ff {
			opts = append(opts, protovalidate.WithFailFast())
		}
		v, err := protovalidate.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		pv[ff] = v
	}
	for _, ff := range []bool{false, true} {
		var opts []contract.Opt
		if ff {
			opts = append(opts, contract.FailFast())
		}
		ct, err := contract.New(c, nil, nil, opts...)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			m := g.message()
			b, err := proto.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			dyn := dynamicpb.NewMessage(c.Message())
			if err := proto.Unmarshal(b, dyn); err != nil {
				t.Fatal(err)
			}
			// protovalidate-go on the generated message, as the
			// contract ran it before BufValidate existed (the rules the
			// type was generated with); and, with the rules of text, on
			// the dynamic message of the compiled schema, whose
			// canonical text puts map fields last: the same violations
			// in another order.
			want := pvViolations(pv[ff].Validate(m))
			got := violations(m.BufValidate(ff))
			if !ff {
				d := violations(ct.Check(dyn, b))
				slices.Sort(d)
				if s := slices.Sorted(slices.Values(got)); !slices.Equal(d, s) {
					diffs = append(diffs, fmt.Sprintf("message %d: protovalidate-go on the dynamic message with the rules of the text:\n  %q\n  generated:\n  %q", i, d, s))
				}
			}
			if !ff {
				if len(want) > 0 {
					invalid++
				}
				compared += len(want)
				for _, v := range want {
					ids[strings.Split(v, " | ")[1]] = true
				}
			}
			same := slices.Equal(got, want)
			if !same && multiEntry(m) {
				// Maps in random order: the same violations, and under
				// fail-fast one of those protovalidate-go finds.
				if ff {
					all := violations(m.BufValidate(false))
					same = len(got) == len(want) && (len(got) == 0 || slices.Contains(all, got[0]))
				} else {
					slices.Sort(got)
					slices.Sort(want)
					same = slices.Equal(got, want)
				}
			}
			if !same {
				diffs = append(diffs, fmt.Sprintf("message %d (failFast %v) %v:\n  generated:        %q\n  protovalidate-go: %q", i, ff, m, got, want))
			}
		}
	}
	return invalid, compared, ids, diffs
}

// TestBufValidateDifferential checks that the generated BufValidate of
// Checks, which has every standard rule codegen generates, reports what
// protovalidate-go reports on the same messages: verdicts, rule IDs, rule
// paths, field paths and messages, with and without fail-fast.
func TestBufValidateDifferential(t *testing.T) {
	const n = 400
	invalid, compared, ids, diffs := bufDifferential(t, pvgen.ChecksSchema, n)
	for _, d := range diffs[:min(len(diffs), 5)] {
		t.Error(d)
	}
	if len(diffs) > 0 {
		t.Fatalf("%d of %d checks differ", len(diffs), 2*n)
	}
	t.Logf("%d messages (x2: with and without fail-fast), %d invalid, %d violations compared, %d rule IDs", n, invalid, compared, len(ids))
	if invalid == n || invalid < n/4 {
		t.Errorf("%d of %d messages invalid: the generator should make both", invalid, n)
	}
	// Every rule the schema has was broken at least once.
	for _, id := range []string{
		"int32.gt_lt", "int64.gte_lte", "int64.not_in", "uint32.in", "uint64.gt_lt_exclusive", "sint32.const",
		"sint64.gte_lte", "fixed32.lte", "fixed64.gte", "sfixed32.gt_lte_exclusive", "sfixed64.in", "sfixed64.gte_lt",
		"float.finite", "float.gt_lte", "double.gte_lt", "double.not_in", "double.const", "sint32.gt_lt_exclusive",
		"string.min_len", "string.max_len", "string.len", "string.pattern", "string.min_bytes", "string.max_bytes",
		"string.len_bytes", "string.prefix", "string.suffix", "string.contains", "string.not_contains", "string.const",
		"string.in", "string.not_in", "string.uuid", "string.uuid_empty", "string.tuuid", "string.tuuid_empty",
		"string.ulid", "string.ulid_empty",
		"bytes.min_len", "bytes.max_len", "bytes.prefix", "bytes.suffix", "bytes.const", "bytes.len", "bytes.contains",
		"bytes.in", "bytes.not_in", "bytes.ip", "bytes.ip_empty", "bytes.ipv4", "bytes.ipv4_empty", "bytes.ipv6",
		"bytes.ipv6_empty", "bytes.uuid", "bytes.uuid_empty",
		"bool.const", "enum.defined_only", "enum.not_in", "enum.in", "enum.const",
		"repeated.min_items", "repeated.max_items", "repeated.unique", "int32.gte_lte", "double.gte_lte", "float.gt_lt",
		"map.max_pairs", "map.min_pairs", "int32.gt", "int64.gt", "uint32.gte_lte",
		"required",
	} {
		if !ids[id] {
			t.Errorf("rule %s never broken", id)
		}
	}
}

// TestBufValidateDifferentialControl is the differential's negative
// control: the generated checks against protovalidate-go with one bound
// moved (int32 i32 < 101, not < 100), as a wrong generated check would
// be. The differential must see it.
func TestBufValidateDifferentialControl(t *testing.T) {
	text := strings.Replace(pvgen.ChecksSchema, "int32: { lt: 100 gt: -10 }", "int32: { lt: 101 gt: -10 }", 1)
	if text == pvgen.ChecksSchema {
		t.Fatal("the bound to move is not in the schema text")
	}
	_, _, _, diffs := bufDifferential(t, text, 100)
	if len(diffs) == 0 {
		t.Fatal("a moved bound went unnoticed")
	}
	for _, d := range diffs {
		if !strings.Contains(d, "int32.gt_lt") {
			t.Fatalf("a difference other than the moved bound: %s", d)
		}
	}
	t.Logf("%d differences, all at i32", len(diffs))
}

// TestBufValidateWiring checks that a contract runs BufValidate for the
// generated type when the rules it compiled are the type's, and
// protovalidate-go otherwise (other rules, dynamic messages, a message
// whose rules include CEL).
func TestBufValidateWiring(t *testing.T) {
	bad := &pvgen.Checks{I32: 100}
	c := compileChecks(t, pvgen.ChecksSchema, "Checks")
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !contract.UsesGenerated(ct, bad) {
		t.Fatal("the contract does not use the generated checks of its own schema")
	}
	if contract.UsesGenerated(ct, dynamicpb.NewMessage(c.Message())) {
		t.Fatal("a dynamic message took the generated checks")
	}
	if got, want := violations(ct.Check(bad, nil)), violations(bad.BufValidate(false)); !slices.Equal(got, want) {
		t.Fatalf("Check = %q, BufValidate = %q", got, want)
	}
	s := ct.Stats()
	if len(s) != 1 || s[0].Executions != 1 || s[0].Failures != 1 {
		t.Fatalf("stats %+v, want one buf.validate execution, failed", s)
	}

	// Other rules: the generated checks do not apply.
	moved := compileChecks(t, strings.Replace(pvgen.ChecksSchema, "lt: 100 gt: -10", "lt: 101 gt: -10", 1), "Checks")
	ct, err = contract.New(moved, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if contract.UsesGenerated(ct, bad) {
		t.Fatal("the generated checks ran for other rules")
	}
}

// TestBufValidateFallback checks that messages with rules codegen does
// not generate get no BufValidate and are still checked, by
// protovalidate-go: a field CEL rule (Celled), and a message-level CEL
// rule in a message reached (Outer -> Inner).
func TestBufValidateFallback(t *testing.T) {
	if _, ok := any(&pvgen.Celled{}).(interface{ BufValidate(bool) error }); ok {
		t.Fatal("Celled has BufValidate")
	}
	if _, ok := any(&pvgen.Outer{}).(interface{ BufValidate(bool) error }); ok {
		t.Fatal("Outer has BufValidate")
	}
	tests := []struct {
		name    string
		schema  string
		message string
		v       proto.Message
		wants   []want
	}{
		{"field cel", pvgen.CelledSchema, "Celled", &pvgen.Celled{Name: "much too long", Item: &pvgen.Item{Sku: "ok", Qty: 0}},
			[]want{{"name", "name.short"}, {"item.qty", "uint32.gte_lte"}}},
		{"message cel below", pvgen.OuterSchema, "Outer", &pvgen.Outer{N: 0, Inner: &pvgen.Inner{X: 2, Y: 1}},
			[]want{{"inner", "inner.pair"}, {"n", "int32.gt"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compileChecks(t, tt.schema, tt.message)
			out, err := serialize(t, c, nil, nil, tt.v)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

// TestBufValidateRegisteredRulesWin: when the registered schema's rules
// differ from those the generated type was compiled from, the registered
// ones are enforced on the generated value (protovalidate-go alone would
// take the type's own), from the value and from its payload; and a value
// the registered rules allow is not refused by the type's.
func TestBufValidateRegisteredRulesWin(t *testing.T) {
	tighter := compileChecks(t, strings.Replace(pvgen.ChecksSchema, "lt: 100 gt: -10", "lt: 50 gt: -10", 1), "Checks")
	looser := compileChecks(t, strings.Replace(pvgen.ChecksSchema, "lt: 100 gt: -10", "lt: 200 gt: -10", 1), "Checks")
	own := compileChecks(t, pvgen.ChecksSchema, "Checks")
	v := checksGen{}.valid()
	i32 := func(ct *contract.Contract, n int32, payload bool) []string {
		v.I32 = n
		var p []byte
		if payload {
			var err error
			if p, err = proto.Marshal(v); err != nil {
				t.Fatal(err)
			}
		}
		var out []string
		for _, s := range violations(ct.Check(v, p)) {
			if strings.HasPrefix(s, "i32 |") {
				out = append(out, s)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		c       *protobuf.Compiled
		n       int32
		refused bool
	}{
		{"own rules, 75 allowed", own, 75, false},
		{"own rules, 150 refused", own, 150, true},
		{"registered lt 50, 75 refused", tighter, 75, true},
		{"registered lt 200, 150 allowed", looser, 150, false},
	} {
		ct, err := contract.New(tc.c, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, payload := range []bool{false, true} {
			got := i32(ct, tc.n, payload)
			if (len(got) > 0) != tc.refused {
				t.Errorf("%s (payload %v): violations %q, want refused=%v", tc.name, payload, got, tc.refused)
			}
		}
	}
}

package contract_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	probe "github.com/schemagen/schemagen/codegen/testdata/proto-bufvalidate-edges/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

func edgeCompile(t testing.TB, text, file, message string) *protobuf.Compiled {
	t.Helper()
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, nil,
		protobuf.FileName(file), protobuf.MessageName(message))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBufValidateCycleThroughRulelessMessage: a cycle through a message
// with no rules of its own (Cyc -> Loop -> Cyc) made the generator skip
// Cyc.b entirely, so a rule broken at b.a.n was never seen and the
// contract wrote the record (found by review; the probe schemas are the
// proto-bufvalidate-edges golden).
func TestBufValidateCycleThroughRulelessMessage(t *testing.T) {
	m := &probe.Cyc{N: 1, B: &probe.Loop{A: &probe.Cyc{N: -1}}}
	pv, _ := protovalidate.New()
	t.Logf("protovalidate-go: %v", pv.Validate(m))
	t.Logf("BufValidate:      %v", m.BufValidate(false))
	c := edgeCompile(t, probe.CycSchema, "lab/probe/v1/probe.proto", "lab.probe.v1.Cyc")
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("contract uses generated: %v", contract.UsesGenerated(ct, m))
	out, err := serialize(t, c, nil, nil, m)
	t.Logf("serialize: %d bytes, err %v", len(out), err)
	if pv.Validate(m) != nil && err == nil {
		t.Fatalf("record breaking int32.gt at b.a.n was serialized (%d bytes); protovalidate-go refuses it", len(out))
	}
}

// The registered schema's enum has an alias (E_ONE_B = 1) where the
// generated one has E_TWO = 2: same count, every registered number in the
// generated enum, so sameRules says "same" and BufValidate (which allows 2)
// stands in for the registered rules (which refuse 2).
func TestBufValidateEnumAliasNotSameRules(t *testing.T) {
	text := strings.Replace(probe.AlSchema, "E_TWO = 2;", "E_ONE_B = 1;", 1)
	text = strings.Replace(text, "enum E {", "enum E {\n  option allow_alias = true;", 1)
	if text == probe.AlSchema {
		t.Fatal("no replacement")
	}
	c := edgeCompile(t, text, "lab/probe/v1/probe.proto", "lab.probe.v1.Al")
	m := &probe.Al{E: 2}
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("contract uses generated: %v", contract.UsesGenerated(ct, m))
	b, _ := proto.Marshal(m)
	err = ct.Check(m, b)
	t.Logf("Check(generated value): %v", err)
	dyn := dynamicpb.NewMessage(c.Message())
	if err := proto.Unmarshal(b, dyn); err != nil {
		t.Fatal(err)
	}
	pv, _ := protovalidate.New()
	t.Logf("protovalidate-go on the registered message: %v", pv.Validate(dyn))
	t.Logf("Check(dynamic of the registered descriptor): %v", ct.Check(dyn, b))
	if err == nil {
		t.Fatalf("E=2 accepted, but the registered enum has no value 2 (defined_only)")
	}
}

func edgeSame(a, b []string) bool {
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Differential on Misc and Two: random values.
func TestBufValidateEdgesDifferential(t *testing.T) {
	nan := math.NaN()
	negz := math.Copysign(0, -1)
	r := rand.New(rand.NewPCG(1, 2))
	pk := func(n int) int { return r.IntN(n) }
	pv, _ := protovalidate.New()
	diffs := 0
	for i := 0; i < 3000; i++ {
		m := &probe.Misc{}
		switch pk(4) {
		case 0:
			m.Pats = []string{"abc", "a\xffc", "\xff\xfe\xfd", "abcd", "aé c"[:3]}[pk(5):]
		case 1:
			m.Pats = []string{"a\xffc"}
		}
		m.Ds = [][]float64{nil, {0}, {negz}, {nan}, {1.5, 2}}[pk(5)]
		m.Fs = [][]float32{nil, {0}, {float32(negz)}, {float32(nan)}}[pk(4)]
		m.Md = []map[string]float64{nil, {"a": nan}, {"a": math.Inf(1)}, {"a": negz}, {"a": 1}}[pk(5)]
		m.Es = [][]probe.E{nil, {0, 0}, {1, 2}, {5}, {0, 1}}[pk(5)]
		m.Us = [][]uint64{nil, {1 << 63}, {1<<63 + 1}, {math.MaxUint64}}[pk(4)]
		m.Dd = []float64{0, negz, nan, 1e-300}[pk(4)]
		m.S = []string{"", "a", "\xff", "é", "ab", "\xff\xfe"}[pk(6)]
		m.Bs = [][][]byte{nil, {nil}, {{}}, {{1}}, {{1, 2}}}[pk(5)]
		m.Mk = []map[int32]string{nil, {0: ""}, {1: ""}, {6: ""}}[pk(4)]
		m.Un = [][]float64{nil, {0, negz}, {nan, nan}, {1, 2}}[pk(4)]
		m.De = [][]probe.E{nil, {3}, {-1}, {2}}[pk(4)]
		m.Ix = [][]string{nil, {"\xff\xff"}, {"éé"}, {"a"}, {"abcd"}}[pk(5)]
		m.Dn = [][]float64{nil, {0.5}, {nan}, {1}, {0}, {2}, {-1}}[pk(7)]
		m.Mf = []map[string]float32{nil, {"a": 0}, {"a": float32(negz)}, {"a": float32(nan)}, {"a": 2}}[pk(5)]
		switch pk(4) {
		case 1:
			m.Od = proto.Float64(0)
		case 2:
			m.Od = proto.Float64(negz)
		case 3:
			m.Od = proto.Float64(nan)
		}
		m.Zd = []float64{0, negz, nan, 2}[pk(4)]
		m.Fin = [][]float32{nil, {float32(nan)}, {float32(math.Inf(-1))}, {1}}[pk(4)]
		m.Su = [][]string{nil, {""}, {"123e4567-e89b-12d3-a456-426614174000"}, {"x"}}[pk(4)]
		want := pvViolations(pv.Validate(m))
		got := violations(m.BufValidate(false))
		if (len(want) == 0) != (len(got) == 0) || !edgeSame(want, got) {
			diffs++
			if diffs <= 8 {
				t.Errorf("Misc %v\n  generated: %q\n  pv:        %q", m, got, want)
			}
		}
	}
	for i := 0; i < 500; i++ {
		m := &probe.Two{R: proto.Int32([]int32{0, 1}[pk(2)])}
		switch pk(3) {
		case 1:
			m.S = proto.String([]string{"\xff\xff", "ab", "é", "\xffa"}[pk(4)])
		}
		m.Rs = [][]string{nil, {"\xff\xff"}, {"\xffa"}, {"ab"}, {"é"}}[pk(5)]
		m.Ps = [][]probe.P{nil, {0}, {1}, {2}}[pk(4)]
		switch pk(3) {
		case 1:
			m.D = proto.Int32(5)
		case 2:
			m.D = proto.Int32(1)
		}
		switch pk(3) {
		case 1:
			m.P = probe.P(7).Enum()
		case 2:
			m.P = probe.P(1).Enum()
		}
		want := pvViolations(pv.Validate(m))
		got := violations(m.BufValidate(false))
		if !edgeSame(want, got) {
			diffs++
			if diffs <= 12 {
				t.Errorf("Two %v\n  generated: %q\n  pv:        %q", m, got, want)
			}
		}
	}
	if diffs > 0 {
		t.Fatalf("%d differ", diffs)
	}
}

// TestBufValidateCycleThroughUnsupported: LoopU reaches CycU, whose cel
// rule cannot be generated, through a cycle: neither may get generated
// checks, and both stay enforced by protovalidate-go.
func TestBufValidateCycleThroughUnsupported(t *testing.T) {
	for _, m := range []any{&probe.CycU{}, &probe.LoopU{}} {
		if _, ok := m.(interface{ BufValidate(bool) error }); ok {
			t.Errorf("%T has BufValidate, but reaches a cel rule", m)
		}
	}
	c := edgeCompile(t, probe.LoopUSchema, "lab/probe/v1/probe.proto", "lab.probe.v1.LoopU")
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := &probe.LoopU{N: 1, A: &probe.CycU{S: "much too long"}}
	if err := ct.Check(bad, nil); !errors.Is(err, serde.ErrRule) {
		t.Fatalf("Check of a broken cel rule two levels down: %v, want ErrRule", err)
	}
}

package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

func compileJSON(t *testing.T, schema string, opts ...jsonschema.Opt) serde.Compiled {
	t.Helper()
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// refChain is d levels of {kw: [{"$ref": next}, {"$ref": next}]} down to
// an object with a PII string s: both branches of every level are one
// schema, so a walk that follows each is 2^d walks of the leaf.
func refChain(kw string, d int) string {
	var b strings.Builder
	b.WriteString(`{"$ref":"#/$defs/L0","$defs":{`)
	for i := 0; i < d; i++ {
		fmt.Fprintf(&b, `"L%d":{"%s":[{"$ref":"#/$defs/L%d"},{"$ref":"#/$defs/L%d"}]},`, i, kw, i+1, i+1)
	}
	fmt.Fprintf(&b, `"L%d":{"type":"object","properties":{"s":{"type":"string","confluent:tags":["PII"]}}}}}`, d)
	return b.String()
}

// nestedArrays is {"a": ...} with d levels of arrays, each of w strings
// "x" and the next level.
func nestedArrays(w, d int) string {
	var b strings.Builder
	for i := 0; i < d; i++ {
		b.WriteByte('[')
		for j := 0; j < w; j++ {
			b.WriteString(`"x",`)
		}
	}
	b.WriteString(`"x"`)
	for i := 0; i < d; i++ {
		b.WriteByte(']')
	}
	return `{"a":` + b.String() + `}`
}

// recursiveAnyOf is T = anyOf[array of T, PII string], under property a.
const recursiveAnyOf = `{"type":"object","properties":{"a":{"$ref":"#/$defs/T","confluent:tags":["PII"]}},"$defs":{"T":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/T"}},{"type":"string","confluent:tags":["PII"]}]}}}`

func checkSteps(t *testing.T, c serde.Compiled, rs *serde.RuleSet, v string, budget int) (error, int) {
	t.Helper()
	ct, err := contract.New(c, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return contract.CheckSteps(ct, json.RawMessage(v), []byte(v), budget)
}

// TestCombinatorRefChainWalkedOnce: a chain of 20 allOf levels whose two
// branches $ref one schema was walked 2^20 times (26 ms at 16 levels,
// 0.4 s at 20); a place is now walked once per schema node, and the
// verdict is unchanged.
func TestCombinatorRefChainWalkedOnce(t *testing.T) {
	const d = 20
	// jsonschema.MaxFanout refuses this chain at compile by default (the
	// library's own validation of it is exponential); the walk is what is
	// tested here, so the limit is lifted.
	c := compileJSON(t, refChain("allOf", d), jsonschema.MaxFanout(1<<30))
	err, steps := checkSteps(t, c, piiRules, `{"s":"bad"}`, 0)
	if !errors.Is(err, serde.ErrRule) || errors.Is(err, serde.ErrLimit) {
		t.Errorf("s = \"bad\": got %v, want the rule's violation", err)
	}
	if steps > 10*d {
		t.Errorf("%d steps for %d levels: the walk is not linear", steps, d)
	}
	if err, _ := checkSteps(t, c, piiRules, `{"s":"ok"}`, 0); err != nil {
		t.Errorf("s = \"ok\": %v", err)
	}
}

// TestCombinatorAnyOfChainCost: the library tests a value against every
// anyOf branch, without memo, so testing the branches of 16 anyOf levels
// whose branches $ref one schema costs it 2^16 (5 s for an 11-byte value).
// The cost is counted before the test is made: a short chain is judged, a
// long one refused with ErrLimit at once, never passed unchecked.
func TestCombinatorAnyOfChainCost(t *testing.T) {
	c := compileJSON(t, refChain("anyOf", 6))
	err, steps := checkSteps(t, c, piiRules, `{"s":"bad"}`, 0)
	if !errors.Is(err, serde.ErrRule) || errors.Is(err, serde.ErrLimit) {
		t.Errorf("6 levels, s = \"bad\": got %v, want the rule's violation", err)
	}
	t.Logf("6 levels: %d steps", steps)
	if err, _ := checkSteps(t, c, piiRules, `{"s":"ok"}`, 0); err != nil {
		t.Errorf("6 levels, s = \"ok\": %v", err)
	}

	// jsonschema.MaxFanout refuses this chain at compile by default; the
	// walk's own budget is what is tested here, so the limit is lifted.
	if _, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: refChain("anyOf", 16)}, nil); !errors.Is(err, serde.ErrLimit) {
		t.Errorf("16 levels with the default MaxFanout: %v, want ErrLimit at compile", err)
	}
	c = compileJSON(t, refChain("anyOf", 16), jsonschema.MaxFanout(1<<30))
	for _, v := range []string{`{"s":"bad"}`, `{"s":"ok"}`} {
		err, steps := checkSteps(t, c, piiRules, v, 0)
		if !errors.Is(err, serde.ErrLimit) {
			t.Errorf("16 levels, %s: got %v, want ErrLimit", v, err)
		}
		// The refused test is counted, not made: the steps spent are
		// those of the walk and of the one test that passed the budget.
		if steps > 2*contract.MaxWalkSteps {
			t.Errorf("16 levels: %d steps", steps)
		}
	}
}

// TestCombinatorBudgetEdge: a Check that needs exactly its budget passes;
// one step less and the value is refused with ErrLimit.
func TestCombinatorBudgetEdge(t *testing.T) {
	c := compileJSON(t, recursiveAnyOf)
	for _, v := range []string{nestedArrays(20, 5), strings.Replace(nestedArrays(20, 5), `"x"]`, `"bad"]`, 1)} {
		want, need := checkSteps(t, c, piiRules, v, 1<<40)
		if errors.Is(want, serde.ErrLimit) {
			t.Fatalf("unlimited: %v", want)
		}
		err, steps := checkSteps(t, c, piiRules, v, need)
		if fmt.Sprint(err) != fmt.Sprint(want) || steps != need {
			t.Errorf("budget %d (the need): got %v in %d steps, want %v", need, err, steps, want)
		}
		err, _ = checkSteps(t, c, piiRules, v, need-1)
		if !errors.Is(err, serde.ErrLimit) {
			t.Errorf("budget %d (one less than the need): got %v, want ErrLimit", need-1, err)
		}
		var ve *serde.ValidationError
		if errors.As(err, &ve) && !errors.Is(ve, serde.ErrLimit) && want == nil {
			t.Errorf("budget %d: a rule violation of a value that breaks none: %v", need-1, err)
		}
	}
}

// TestCombinatorBranchTestsShared: each branch test is made once per
// Check, not once per rule: a second CEL_FIELD rule adds its walk, not
// the tests again.
func TestCombinatorBranchTestsShared(t *testing.T) {
	c := compileJSON(t, recursiveAnyOf)
	v := nestedArrays(50, 8)
	two := &serde.RuleSet{DomainRules: append(append([]serde.Rule{}, piiRules.DomainRules...),
		serde.Rule{Name: "short", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "size(value) < 10"})}
	err1, one := checkSteps(t, c, piiRules, v, 0)
	err2, both := checkSteps(t, c, two, v, 0)
	if err1 != nil || err2 != nil {
		t.Fatalf("%v; %v", err1, err2)
	}
	nodes := 50*8 + 8 + 2
	// The walk is a few steps a place; the tests, far more.
	if both-one > 8*nodes || both >= one*3/2 {
		t.Errorf("one rule %d steps, two %d: the second rule's walk made the branch tests again", one, both)
	}
}

// TestCombinatorNestedAnyOfBounded: under a recursive anyOf, testing each
// level's branches revalidates the level's subtree in the library (about
// a microsecond an application); a 128 KiB record of 40 levels took 13 s.
// The steps counted grow with the levels: a small record is judged, and
// any record's Check stops within MaxWalkSteps.
func TestCombinatorNestedAnyOfBounded(t *testing.T) {
	c := compileJSON(t, recursiveAnyOf)
	v := strings.Replace(nestedArrays(100, 10), `"x"]`, `"bad"]`, 1)
	err, steps := checkSteps(t, c, piiRules, v, 0)
	if !errors.Is(err, serde.ErrRule) || errors.Is(err, serde.ErrLimit) {
		t.Errorf("got %v, want the rule's violation", err)
	}
	nodes := 100*10 + 10 + 2
	if steps > contract.WalkStepsPerNode*nodes+contract.WalkStepsBase {
		t.Errorf("%d steps for %d nodes: past the default budget", steps, nodes)
	}
	t.Logf("%d nodes, %d steps", nodes, steps)
	// Past the budget: refused, at a small budget so the test is quick.
	if err, steps := checkSteps(t, c, piiRules, nestedArrays(100, 10), steps/2); !errors.Is(err, serde.ErrLimit) {
		t.Errorf("half the steps needed: got %v in %d steps, want ErrLimit", err, steps)
	}
}

// TestOnceKeyIsExact: under an allOf a visit was keyed by its printed
// path, and a property named "a.b" and property b of property a both
// print a.b: the second was skipped, and {"a.b":"ok","a":{"b":"bad"}}
// was written. Visits are keyed by the segments' kinds and exact names.
func TestOnceKeyIsExact(t *testing.T) {
	const s = `{"allOf":[
		{"type":"object","properties":{"a.b":{"type":"string","confluent:tags":["PII"]}}},
		{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"string","confluent:tags":["PII"]}}}}}]}`
	for _, tc := range []struct{ v, path string }{
		{`{"a.b":"ok","a":{"b":"bad"}}`, "a.b"},
		{`{"a.b":"bad","a":{"b":"ok"}}`, "a.b"},
	} {
		_, err := serialize(t, compileJSON(t, s), piiRules, nil, json.RawMessage(tc.v))
		var ve *serde.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, serde.ErrRule) || ve.Path != tc.path {
			t.Errorf("%s: got %v, want the rule's violation at %s", tc.v, err, tc.path)
		}
	}
	// A map key and a property of the same name are two places too.
	const m = `{"allOf":[
		{"type":"object","properties":{"a":{"type":"object","additionalProperties":{"type":"string"}}}},
		{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"string","confluent:tags":["PII"]}}}}}]}`
	if _, err := serialize(t, compileJSON(t, m), piiRules, nil, json.RawMessage(`{"a":{"b":"bad"}}`)); !errors.Is(err, serde.ErrRule) {
		t.Errorf("map key and property: got %v, want the rule's violation", err)
	}
}

package contract_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	jsonshapes "github.com/schemagen/schemagen/codegen/testdata/json-shapes/want"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// A rule doing integer arithmetic on a JSON Schema integer gets the same
// verdict for a generated type as for a map of json.Number, also past 2^53
// where a float64 would round.
func TestGeneratedJSONIntegers(t *testing.T) {
	src := jsonshapes.ShapesSide().Schema
	c, err := jsonschema.Compile(t.Context(), src.Local, src.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{cond("countOdd", "message.count % 2 == 1")}}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	typed := func(n int64) any {
		return &jsonshapes.Shapes{Name: "s", Grid: [][]int64{}, ByName: map[string]jsonshapes.Part{}, When: when, Count: n}
	}
	asMap := func(n int64) any {
		return map[string]any{"name": "s", "grid": []any{}, "byName": map[string]any{}, "when": when.Format(time.RFC3339),
			"ratio": json.Number("0"), "count": json.Number(strconv.FormatInt(n, 10)), "flag": false, "maybe": nil}
	}
	const big = 1<<53 + 1 // odd; as a float64 it rounds to 2^53, even
	tests := []struct {
		name  string
		n     int64
		wants []want
	}{
		{name: "small odd", n: 3},
		{name: "small even", n: 4, wants: []want{{"", "countOdd"}}},
		{name: "odd past 2^53", n: big},
		{name: "even past 2^53", n: big + 1, wants: []want{{"", "countOdd"}}},
	}
	for _, tt := range tests {
		for kind, v := range map[string]func(int64) any{"generated": typed, "map": asMap} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				out, err := serialize(t, c, rs, nil, v(tt.n))
				noEvalError(t, err)
				checkViolations(t, out, err, tt.wants)
			})
		}
	}
}

// A field rule on an ["integer","null"] property runs on a json.Number,
// from a map or from a decoded payload alike.
func TestJSONIntegerUnionFieldRule(t *testing.T) {
	c, err := jsonschema.Compile(t.Context(), serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"n":{"type":["integer","null"]}}}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "nOdd", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "name == 'n' ; value % 2 == 1"},
	}}
	tests := []struct {
		name  string
		v     any
		wants []want
	}{
		{name: "odd raw", v: json.RawMessage(`{"n":9007199254740993}`)},
		{name: "odd map", v: map[string]any{"n": json.Number("9007199254740993")}},
		{name: "even raw", v: json.RawMessage(`{"n":9007199254740994}`), wants: []want{{"n", "nOdd"}}},
		{name: "even map", v: map[string]any{"n": json.Number("9007199254740994")}, wants: []want{{"n", "nOdd"}}},
		{name: "null map", v: map[string]any{"n": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, rs, nil, tt.v)
			noEvalError(t, err)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

// noEvalError fails when err is a rule that could not be evaluated: a
// verdict, not an evaluation failure, is what the tests compare.
func noEvalError(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "could not be evaluated") {
		t.Fatalf("rule not evaluated: %v", err)
	}
}

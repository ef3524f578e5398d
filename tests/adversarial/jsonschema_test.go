package adversarial

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// defsChain is issue 13 item 3's input: n $defs, each with two properties
// that $ref the previous one; extra adds a property to the first.
func defsChain(n int, extra bool) string {
	var b strings.Builder
	b.WriteString(`{"$defs":{"d0":{"type":"object","properties":{"a":{"type":"string"}`)
	if extra {
		b.WriteString(`,"z":{"type":"string"}`)
	}
	b.WriteString(`}}`)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, `,"d%d":{"type":"object","properties":{"l":{"$ref":"#/$defs/d%d"},"r":{"$ref":"#/$defs/d%d"}}}`, i, i-1, i-1)
	}
	fmt.Fprintf(&b, `},"$ref":"#/$defs/d%d"}`, n-1)
	return b.String()
}

func TestJSONSchema(t *testing.T) {
	longFraction := "0." + strings.Repeat("0", 1_000_000) + "1"
	deep := func(n int) string { return strings.Repeat(`{"items":`, n) + "{}" + strings.Repeat("}", n) }
	props := func(n int) string {
		return `{"type":"object","properties":{` + repeatJoin(n, ",", func(i int) string { return fmt.Sprintf(`"p%d":{"type":"integer"}`, i) }) + `}}`
	}
	extRefs := func(n int) hostile {
		refs := map[string]serde.Schema{}
		for i := range n {
			refs[fmt.Sprintf("ref%d.json", i)] = serde.Schema{Format: serde.JSON, Text: `{"type":"integer"}`}
		}
		return hostile{schema: `{"type":"object","properties":{` + repeatJoin(n, ",", func(i int) string { return fmt.Sprintf(`"p%d":{"$ref":"ref%d.json"}`, i, i) }) + `}}`, refs: refs, noServer: true}
	}
	// limit is the schemas in one schema and its references.
	limit := jsonschema.DefaultMaxSubschemas
	// refChain is n $defs, each a $ref to the one before, then the root:
	// n+1 schemas.
	refChain := func(n int) string {
		return `{"$defs":{"d0":{"type":"integer"}` + repeatJoin(n-1, "", func(i int) string { return fmt.Sprintf(`,"d%d":{"$ref":"#/$defs/d%d"}`, i+1, i) }) + fmt.Sprintf(`},"$ref":"#/$defs/d%d"}`, n-1)
	}
	// patterns is n patternProperties, each format with its index: n+1
	// schemas.
	patterns := func(n int, format string) string {
		return `{"type":"object","patternProperties":{` + repeatJoin(n, ",", func(i int) string { return fmt.Sprintf(`"`+format+`":{"type":"integer"}`, i) }) + `}}`
	}
	// The fan-out: the root (201 schemas), 200 documents of one, and
	// big.json, together at the limit.
	bigProps := props(limit - 402)
	fan := map[string]serde.Schema{"big.json": {Format: serde.JSON, Text: bigProps}}
	for i := range 200 {
		fan[fmt.Sprintf("u%d.json", i)] = serde.Schema{Format: serde.JSON, Text: `{"$ref":"big.json"}`, References: []serde.Reference{{Name: "big.json", Subject: "big.json", Version: 1}}}
	}
	cases := []hostile{
		{name: "deep nesting at limit", schema: deep(jsonschema.DefaultMaxDepth - 1), compile: accept},
		{name: "deep nesting past limit", schema: deep(jsonschema.DefaultMaxDepth + 1), compile: refuse},
		// MaxSubschemas: the library's 2020-12 compilation is quadratic in
		// a document's schemas (35,000 properties took 72 s).
		{name: "wide properties", schema: props(35000), compile: refuse},
		{name: "wide properties at limit", schema: props(limit - 1), compile: accept, value: `{"p1":1}`},
		{name: "wide properties past limit", schema: props(limit), compile: refuse},
		{name: "long line", schema: `{"description":"` + strings.Repeat("x", maxInput-40) + `"}`, compile: accept},
		{name: "many $defs", schema: `{"$defs":{` + repeatJoin(20000, ",", func(i int) string { return fmt.Sprintf(`"d%d":{"$ref":"#/$defs/d%d"}`, i, max(0, i-1)) }) + `},"$ref":"#/$defs/d19999"}`, compile: refuse},
		{name: "$ref chain at limit", schema: refChain(limit - 1), compile: accept, value: `1`},
		{name: "$ref chain past limit", schema: refChain(limit), compile: refuse},
		{name: "many external references"},
		{name: "reference fan-out to one large schema", schema: `{"type":"object","properties":{` + repeatJoin(200, ",", func(i int) string { return fmt.Sprintf(`"u%d":{"$ref":"u%d.json"}`, i, i) }) + `}}`, refs: fan, noServer: true, compile: accept, value: `{"u1":{"p1":1}}`},
		{name: "self cycle", schema: `{"$ref":"#"}`, value: `{}`},
		{name: "reference cycle", schema: `{"$ref":"c1.json"}`, refs: map[string]serde.Schema{
			"c1.json": {Format: serde.JSON, Text: `{"$ref":"c2.json"}`, References: []serde.Reference{{Name: "c2.json", Subject: "c2.json", Version: 1}}},
			"c2.json": {Format: serde.JSON, Text: `{"$ref":"c1.json"}`, References: []serde.Reference{{Name: "c1.json", Subject: "c1.json", Version: 1}}},
		}},
		{name: "compat walk over shared $refs (issue 13 item 3)", schema: defsChain(41, false), next: defsChain(41, true), value: `{"l":{"r":{"a":"x"}}}`},
		{name: "huge exponent in schema", schema: `{"maximum":1e999999}`, compile: refuse},
		{name: "tiny multipleOf", schema: `{"multipleOf":1e-999}`, value: "1"},
		{name: "long fraction against minimum (issue 13 item 1)", schema: `{"minimum":0}`, value: longFraction},
		{name: "long fraction against maximum", schema: `{"maximum":1}`, value: longFraction},
		{name: "long fraction against multipleOf", schema: `{"multipleOf":0.5}`, value: longFraction},
		{name: "long fraction against numeric enum", schema: `{"enum":[1,2.5]}`, value: longFraction},
		{name: "long integer", schema: `{"type":"integer","maximum":10}`, value: "1" + strings.Repeat("0", maxInput-10)},
		{name: "many keys in value", schema: `{"type":"object","additionalProperties":{"type":"integer"}}`, value: "{" + repeatJoin(60000, ",", func(i int) string { return fmt.Sprintf(`"k%d":%d`, i, i) }) + "}"},
		{name: "duplicate keys in value", schema: `{"type":"object","properties":{"x":{"type":"integer"}}}`, value: "{" + strings.Repeat(`"x":1,`, 150000) + `"x":1}`},
		{name: "duplicate keys in schema", schema: "{" + strings.Repeat(`"type":"integer",`, 50000) + `"minimum":0}`},
		{name: "pathological pattern", schema: `{"type":"string","pattern":"^(a+)+$"}`, value: `"` + strings.Repeat("a", maxInput-20) + `!"`},
		{name: "nested repetition pattern", schema: `{"type":"string","pattern":"((a{100}){100}){100}"}`, value: `"aaa"`},
		{name: "many patterns", schema: patterns(5000, `^p%d(x|y)*$`), compile: refuse},
		{name: "many patterns at limit", schema: patterns(limit-1, `^p%d(x|y)*$`), compile: accept, value: `{"p1xy":1}`},
		{name: "many large patterns at limit", schema: patterns(limit-1, `p%d[ab]*a[ab]{6}$`), compile: accept, value: `{"p1abababab":1}`},
		{name: "many patterns past limit", schema: patterns(limit, `^p%d(x|y)*$`), compile: refuse},
		{name: "deep value", schema: `{}`, value: strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{name: "huge decode payload", schema: `{"type":"array","items":{"type":"integer"}}`, payload: []byte("[" + repeatJoin(200000, ",", func(i int) string { return "1" }) + "]")},
	}
	for i := range cases {
		if cases[i].name == "many external references" {
			// 999 documents of one schema, and the root of 1000: at the
			// limit of schemas.
			h := extRefs(limit/2 - 1)
			h.name, h.compile = cases[i].name, accept
			cases[i] = h
		}
		cases[i].format = serde.JSON
	}
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) { run(t, h) })
	}
}

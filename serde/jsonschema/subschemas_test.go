package jsonschema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// propsSchema is an object schema of n integer properties: n+1 schemas.
func propsSchema(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"object","properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"p%d":{"type":"integer"}`, i)
	}
	b.WriteString(`}}`)
	return b.String()
}

func TestCountSubschemas(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{name: "boolean root", text: `true`, want: 1},
		{name: "empty", text: `{}`, want: 1},
		{name: "properties", text: propsSchema(3), want: 4},
		{name: "values that are not schemas", text: `{"enum":[{"type":"x"}],"const":{"not":{}},"default":{"properties":{"a":{}}},"title":"x"}`, want: 1},
		{name: "every kind of keyword", text: `{"not":true,"allOf":[{},{}],"items":[{}],"additionalItems":false,
			"$defs":{"a":{"items":{}}},"definitions":{"b":{}},"patternProperties":{"^x":{}},"if":{},"then":{},"else":{},
			"dependentSchemas":{"c":{}},"dependencies":{"d":["e"]},"prefixItems":[{}],"contains":{},"propertyNames":{}}`, want: 18},
		{name: "nested", text: `{"properties":{"a":{"properties":{"b":{"anyOf":[{"items":{}}]}}}}}`, want: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decodeDoc([]byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if got := countSubschemas(v, 0); got != tc.want {
				t.Fatalf("countSubschemas = %d, want %d", got, tc.want)
			}
			// A limit stops the count just past it.
			if got := countSubschemas(v, 1); tc.want > 1 && got != 2 {
				t.Fatalf("countSubschemas with limit 1 = %d, want 2", got)
			}
		})
	}
}

// TestMaxSubschemas: Compile counts the schemas of the root and of every
// document it references, listed or loaded for a "$ref", before the
// library compiles.
func TestMaxSubschemas(t *testing.T) {
	ctx := context.Background()
	// half is a referenced document of 6 schemas; the root adds 1 and
	// its property 1 more.
	half := serde.Schema{Format: serde.JSON, Text: propsSchema(5)}
	r := serde.MapResolver{"half.json": half}
	ref := `{"type":"object","properties":{"h":{"$ref":"half.json"}}}`
	listed := []serde.Reference{{Name: "half.json", Subject: "half", Version: 1}}
	tests := []struct {
		name string
		s    serde.Schema
		opts []Opt
		ok   bool
	}{
		{name: "default at the limit", s: serde.Schema{Text: propsSchema(DefaultMaxSubschemas - 1)}, ok: true},
		{name: "default past the limit", s: serde.Schema{Text: propsSchema(DefaultMaxSubschemas)}},
		{name: "option at the limit", s: serde.Schema{Text: propsSchema(9)}, opts: []Opt{MaxSubschemas(10)}, ok: true},
		{name: "option past the limit", s: serde.Schema{Text: propsSchema(10)}, opts: []Opt{MaxSubschemas(10)}},
		{name: "n <= 0 keeps the default", s: serde.Schema{Text: propsSchema(DefaultMaxSubschemas)}, opts: []Opt{MaxSubschemas(0)}},
		{name: "listed reference at the limit", s: serde.Schema{Text: ref, References: listed}, opts: []Opt{MaxSubschemas(8)}, ok: true},
		{name: "listed reference past the limit", s: serde.Schema{Text: ref, References: listed}, opts: []Opt{MaxSubschemas(7)}},
		{name: "loaded reference at the limit", s: serde.Schema{Text: ref}, opts: []Opt{MaxSubschemas(8)}, ok: true},
		{name: "loaded reference past the limit", s: serde.Schema{Text: ref}, opts: []Opt{MaxSubschemas(7)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(ctx, tc.s, r, tc.opts...)
			if tc.ok && err != nil {
				t.Fatalf("got %v", err)
			}
			if !tc.ok && (!errors.Is(err, serde.ErrLimit) || !errors.Is(err, serde.ErrSchema)) {
				t.Fatalf("got %v, want ErrLimit", err)
			}
		})
	}
}

// BenchmarkCompileAtSubschemaLimit compiles schemas of DefaultMaxSubschemas
// schemas, of the shapes that cost the library most per schema: the
// default must keep each within issue 13's second of CPU.
func BenchmarkCompileAtSubschemaLimit(b *testing.B) {
	n := DefaultMaxSubschemas - 1
	join := func(f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, ",")
	}
	shapes := []struct{ name, text string }{
		{name: "properties", text: propsSchema(n)},
		{name: "patternProperties", text: `{"type":"object","patternProperties":{` + join(func(i int) string { return fmt.Sprintf(`"^p%d(x|y)*$":{"type":"integer"}`, i) }) + `}}`},
		{name: "large patterns", text: `{"type":"object","patternProperties":{` + join(func(i int) string { return fmt.Sprintf(`"p%d[ab]*a[ab]{6}$":{"type":"integer"}`, i) }) + `}}`},
		{name: "$ref chain", text: `{"$defs":{` + join(func(i int) string {
			if i == 0 {
				return `"d0":{"type":"integer"}`
			}
			return fmt.Sprintf(`"d%d":{"$ref":"#/$defs/d%d"}`, i, i-1)
		}) + fmt.Sprintf(`},"$ref":"#/$defs/d%d"}`, n-1)},
		{name: "anyOf", text: `{"anyOf":[` + join(func(i int) string { return fmt.Sprintf(`{"const":%d}`, i) }) + `]}`},
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			s := serde.Schema{Format: serde.JSON, Text: sh.text}
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := Compile(context.Background(), s, nil); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkValidateManyKeys validates objects of 6,000 and 60,000 keys no
// keyword names: the time per key must stay flat (it grew with the number
// of keys before unnamed keys went in a set past linearKeys).
func BenchmarkValidateManyKeys(b *testing.B) {
	s, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: `{"type":"object","additionalProperties":{"type":"integer"}}`}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{6_000, 60_000} {
		var t strings.Builder
		t.WriteString("{")
		for i := range n {
			if i > 0 {
				t.WriteString(",")
			}
			fmt.Fprintf(&t, `"k%d":%d`, i, i)
		}
		t.WriteString("}")
		v, err := FromJSON([]byte(t.String()))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if err := s.Validate(v); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}

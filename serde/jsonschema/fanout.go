package jsonschema

import (
	"fmt"

	js "github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagen/schemagen/serde"
)

// DefaultMaxFanout bounds the schemas one value may be checked against at
// one place (see MaxFanout).
const DefaultMaxFanout = 10_000

// MaxFanout limits how many schemas one place of a value is checked
// against, through the keywords that apply several schemas to the same
// value ($ref, allOf, anyOf, oneOf, not, if/then/else, dependentSchemas),
// overriding DefaultMaxFanout (10,000). A chain of $defs, each an allOf
// of two $refs to the next, is a 1.5 KB schema at 22 levels that makes
// the library check every value against 4 million schemas (half a
// second, and twice that per level more); real schemas stay in the tens.
// Compile counts it on the compiled schema, once, in time linear in its
// size; past the limit the schema wraps serde.ErrLimit. n <= 0 keeps the
// default.
func MaxFanout(n int) Opt {
	return optFunc(func(c *config) {
		if n <= 0 {
			n = DefaultMaxFanout
		}
		c.maxFanout = n
	})
}

// fanouts computes, for compiled schemas, how many schemas a value at
// their place is checked against (the schema included), counting past max
// no further. A cycle of such keywords (which the library refuses as an
// infinite loop when it meets one) adds nothing.
type fanouts struct {
	max     int
	memo    map[*js.Schema]int
	onStack map[*js.Schema]bool
}

func (fo *fanouts) of(s *js.Schema) int {
	if s == nil || fo.onStack[s] {
		return 0
	}
	if n, ok := fo.memo[s]; ok {
		return n
	}
	fo.onStack[s] = true
	n := 1
	for _, c := range sameplace(s) {
		if n > fo.max {
			break
		}
		n += fo.of(c)
	}
	if n > fo.max {
		n = fo.max + 1
	}
	fo.onStack[s] = false
	fo.memo[s] = n
	return n
}

// sameplace lists the schemas s applies to the value s itself checks.
func sameplace(s *js.Schema) []*js.Schema {
	out := []*js.Schema{s.Ref, s.RecursiveRef, s.DynamicRef, s.Not, s.If, s.Then, s.Else}
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	for _, c := range s.DependentSchemas {
		out = append(out, c)
	}
	for _, d := range s.Dependencies {
		if c, ok := d.(*js.Schema); ok {
			out = append(out, c)
		}
	}
	return out
}

// below lists the schemas s applies to parts of its value (members,
// items, names, contents).
func below(s *js.Schema) []*js.Schema {
	var out []*js.Schema
	for _, c := range s.Properties {
		out = append(out, c)
	}
	for _, c := range s.PatternProperties {
		out = append(out, c)
	}
	for _, v := range []any{s.AdditionalProperties, s.Items, s.AdditionalItems} {
		switch v := v.(type) {
		case *js.Schema:
			out = append(out, v)
		case []*js.Schema:
			out = append(out, v...)
		}
	}
	out = append(out, s.PrefixItems...)
	return append(out, s.PropertyNames, s.Items2020, s.Contains, s.UnevaluatedProperties, s.UnevaluatedItems, s.ContentSchema)
}

// checkFanout refuses a compiled schema where some place of a value would
// be checked against more than max schemas. It looks at every schema the
// library compiled that a value can reach, in time linear in their number.
func checkFanout(root *js.Schema, max int) error {
	if max <= 0 || root == nil {
		return nil
	}
	fo := &fanouts{max: max, memo: map[*js.Schema]int{}, onStack: map[*js.Schema]bool{}}
	seen := map[*js.Schema]bool{root: true}
	stack := []*js.Schema{root}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if fo.of(s) > max {
			return fmt.Errorf("jsonschema: %w: %w: one place of a value would be checked against more than %d schemas ($ref, allOf, anyOf, oneOf, not, if/then/else nest into each other too many times; see MaxFanout)", serde.ErrSchema, serde.ErrLimit, max)
		}
		for _, c := range append(sameplace(s), below(s)...) {
			if c != nil && !seen[c] {
				seen[c] = true
				stack = append(stack, c)
			}
		}
	}
	return nil
}

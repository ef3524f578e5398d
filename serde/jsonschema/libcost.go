package jsonschema

import (
	"encoding/json"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// The library validates every branch of an anyOf (and of an allOf, a
// oneOf), and a value reached by several of them once per branch, without
// memo: a schema of D levels of {"anyOf": [{"$ref": next}, {"$ref": next}]}
// costs it 2^D on an 11-byte value. libCost counts, without running the
// library, the schema applications it makes on a value (an upper bound:
// every applicator is counted, as if none short-circuited), with a
// multiset of schemas per value node, so the count itself costs the value's
// nodes times the schemas that distinct apply to them.

// maxCount caps the counts: past it a value is refused anyway.
const maxCount = 1 << 40

// libCoster counts for one value; closures memoizes each schema's in-place
// closure (itself, its $refs and combinator branches, with multiplicity).
type libCoster struct {
	closures map[*js.Schema]map[*js.Schema]int
	busy     map[*js.Schema]bool
	cost     int
	max      int
}

func satAdd(a, b int) int {
	if a+b > maxCount {
		return maxCount
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > maxCount/a {
		return maxCount
	}
	return a * b
}

// libCost returns the count for v (a plain JSON value) against s, or a
// count above max as soon as it passes max.
func libCost(s *js.Schema, v any, max int) int {
	c := &libCoster{closures: map[*js.Schema]map[*js.Schema]int{}, busy: map[*js.Schema]bool{}, max: max}
	c.value(map[*js.Schema]int{s: 1}, v, 0)
	return c.cost
}

// closure is s's in-place closure; an in-place cycle saturates it.
func (c *libCoster) closure(s *js.Schema) map[*js.Schema]int {
	if m, ok := c.closures[s]; ok {
		return m
	}
	if c.busy[s] {
		return map[*js.Schema]int{s: maxCount}
	}
	c.busy[s] = true
	m := map[*js.Schema]int{s: 1}
	add := func(t *js.Schema) {
		if t == nil {
			return
		}
		for u, k := range c.closure(t) {
			m[u] = satAdd(m[u], k)
		}
	}
	add(s.Ref)
	add(s.RecursiveRef)
	add(s.DynamicRef)
	add(s.Not)
	add(s.If)
	add(s.Then)
	add(s.Else)
	for _, l := range [][]*js.Schema{s.AllOf, s.AnyOf, s.OneOf} {
		for _, t := range l {
			add(t)
		}
	}
	for _, t := range s.DependentSchemas {
		add(t)
	}
	for _, d := range s.Dependencies {
		if t, ok := d.(*js.Schema); ok {
			add(t)
		}
	}
	delete(c.busy, s)
	c.closures[s] = m
	return m
}

// value counts the applications of the multiset applied at v and below.
func (c *libCoster) value(applied map[*js.Schema]int, v any, depth int) {
	if depth > maxRuleDepth {
		c.cost = maxCount
		return
	}
	// An application costs the library about twice a walk's step, and
	// more the deeper it is in v: it builds each one's locations.
	weight := 2 + depth/4
	all := map[*js.Schema]int{}
	for t, k := range applied {
		for u, j := range c.closure(t) {
			n := satMul(k, j)
			all[u] = satAdd(all[u], n)
			c.cost = satAdd(c.cost, satMul(n, weight))
		}
	}
	if c.cost > c.max || len(all) == 0 {
		return // past max, or no schema looks below v
	}
	child := func(m map[*js.Schema]int, t *js.Schema, k int) {
		if t != nil {
			m[t] = satAdd(m[t], k)
		}
	}
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			m := map[*js.Schema]int{}
			for t, k := range all {
				switch it := t.Items.(type) {
				case *js.Schema:
					child(m, it, k)
				case []*js.Schema:
					if i < len(it) {
						child(m, it[i], k)
					}
				}
				if i < len(t.PrefixItems) {
					child(m, t.PrefixItems[i], k)
				}
				if ai, ok := t.AdditionalItems.(*js.Schema); ok {
					child(m, ai, k)
				}
				child(m, t.Items2020, k)
				child(m, t.Contains, k)
				child(m, t.UnevaluatedItems, k)
			}
			if c.value(m, e, depth+1); c.cost > c.max {
				return
			}
		}
	case map[string]any:
		for key, e := range x {
			m := map[*js.Schema]int{}
			for t, k := range all {
				p, named := t.Properties[key]
				child(m, p, k)
				matched := false
				for re, ps := range t.PatternProperties {
					if re.MatchString(key) {
						child(m, ps, k)
						matched = true
					}
				}
				if ap, ok := t.AdditionalProperties.(*js.Schema); ok && !named && !matched {
					child(m, ap, k)
				}
				child(m, t.UnevaluatedProperties, k)
				if t.PropertyNames != nil {
					c.value(map[*js.Schema]int{t.PropertyNames: k}, key, depth+1)
				}
			}
			if c.value(m, e, depth+1); c.cost > c.max {
				return
			}
		}
	case string:
		for t, k := range all {
			if t.ContentSchema != nil {
				// The decoded content is unknown here: count it as
				// large as the string.
				c.cost = satAdd(c.cost, satMul(k, satMul(len(x)+1, len(c.closure(t.ContentSchema)))))
			}
		}
	case json.Number, nil, bool:
	}
}

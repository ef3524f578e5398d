package contract

import (
	"maps"
	"slices"

	"github.com/schemagen/schemagen/serde"
)

// bare returns v, described by n, with every Avro union member in hamba's
// generic form ({"branch name": value}) replaced by the bare value, and an
// empty union map (hamba's null) by nil, which is what Confluent's clients
// bind to message and this: a rule reads message.email, not
// message.email.string. Each union is read once, by member; the result
// says no more which branch a member was, so walk reads v, not the result,
// for that. Only the containers on the way
// to an unwrapped member are copied, and changed reports whether any was;
// the input is never written to.
func bare(n *serde.RuleNode, v any, depth int) (out any, changed bool) {
	if v == nil || n == nil || depth > maxDepth {
		return v, false
	}
	switch n.Kind {
	case serde.RuleCombined:
		b, x, wrapped := member(n, v)
		bx, ch := bare(b, x, depth+1)
		return bx, wrapped || ch
	case serde.RuleRecord:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		var cp map[string]any
		for i := range n.Fields {
			fl := &n.Fields[i]
			fv, ok := m[fl.Name]
			if !ok {
				continue
			}
			if bv, ch := bare(fl.Type, fv, depth+1); ch {
				if cp == nil {
					cp = maps.Clone(m)
				}
				cp[fl.Name] = bv
			}
		}
		if cp != nil {
			return cp, true
		}
	case serde.RuleArray:
		l, ok := v.([]any)
		if !ok {
			return v, false
		}
		var cp []any
		for i, x := range l {
			if bx, ch := bare(n.Items, x, depth+1); ch {
				if cp == nil {
					cp = slices.Clone(l)
				}
				cp[i] = bx
			}
		}
		if cp != nil {
			return cp, true
		}
	case serde.RuleMap:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		var cp map[string]any
		for k, x := range m {
			if bx, ch := bare(n.Items, x, depth+1); ch {
				if cp == nil {
					cp = maps.Clone(m)
				}
				cp[k] = bx
			}
		}
		if cp != nil {
			return cp, true
		}
	}
	return v, false
}

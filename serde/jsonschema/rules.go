package jsonschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	js "github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagen/schemagen/serde"
)

// This file gives serde/contract its view of a JSON Schema: the schema as
// a serde.RuleNode tree, with the inline "confluent:rules" and
// "confluent:tags" of objects and properties, and values as generic trees.

var _ serde.RuleTarget = (*Compiled)(nil)

// RuleTree returns the schema as rules see it. Objects with properties are
// records (their full names start at "$", as Confluent's clients name
// them), objects without are maps, and local "$ref"s are followed.
// "confluent:rules" on any schema apply to the value at that place;
// "confluent:tags" on a property tag the field. A malformed rules list is
// an error wrapping serde.ErrSchema.
//
// A schema with "allOf", "anyOf" or "oneOf" is a COMBINED node whose
// branches are its subschemas; RuleCombinator says which of them rules
// visit. Its own keywords ("type", "properties", "items") next to the
// combinators are one more branch, visited too. A "type" list is a COMBINED
// node of one branch per type, of which rules visit the one the value's
// type fits. "if"/"then"/"else", "not", "patternProperties" and
// "prefixItems" are not visited, as in Confluent's clients.
//
// The tree is built once; every call returns it, and callers must not
// modify it.
func (s *Compiled) RuleTree() (*serde.RuleNode, error) {
	m := s.ruleModel()
	return m.tree, m.err
}

// ruleModel is the rule tree of a schema and what rules need to walk its
// combinators.
type ruleModel struct {
	tree  *serde.RuleNode
	err   error
	combs map[*serde.RuleNode]*combinator
}

// combinator is a COMBINED node's keyword and, by branch, the compiled
// subschema a value is tested against (nil when the library holds none).
type combinator struct {
	kind string // "allOf", "anyOf", "oneOf"
	subs []*js.Schema
}

func (s *Compiled) ruleModel() *ruleModel {
	s.rulesOnce.Do(func() {
		b := &jsonRules{root: s.raw, refs: map[string]*serde.RuleNode{}, combs: map[*serde.RuleNode]*combinator{}}
		n := b.node(s.raw, s.lib, "$", true, 0)
		s.rules = ruleModel{tree: n, err: b.err, combs: b.combs}
	})
	return &s.rules
}

// RuleCombinator returns how rules visit the branches of n, a COMBINED
// node of the tree RuleTree returns, as Confluent's clients do
// (JsonSchema.toTransformedMessage, json_schema_util.go's transform):
//
//   - "allOf": every branch;
//   - "anyOf": every branch the value validates against (RuleBranchValid);
//   - "oneOf": the first branch the value validates against;
//   - "": a "type" list: the first branch whose type the value's fits.
//
// The branch made of a schema's own keywords next to its combinators is
// in an "allOf" node with them.
func (s *Compiled) RuleCombinator(n *serde.RuleNode) string {
	if c := s.ruleModel().combs[n]; c != nil {
		return c.kind
	}
	return ""
}

// RuleBranchValid reports whether v, a value in RuleValue's form, is valid
// against the subschema of branch i of n, an "anyOf" or "oneOf" node of
// the tree RuleTree returns. A branch with no compiled subschema is valid.
func (s *Compiled) RuleBranchValid(n *serde.RuleNode, i int, v any) bool {
	ok, _ := s.RuleBranchCheck(n, i, v, -1)
	return ok
}

// RuleBranchCheck is RuleBranchValid with its cost: an upper bound,
// counted before validating, of the schema applications the library makes
// on v's nodes (see libCost), plus a quarter of v's nodes (read to see
// whether v is made of the library's types). With max not negative, a
// check that would cost more than max is not made: it returns false and a
// cost above max, and the caller refuses the value.
func (s *Compiled) RuleBranchCheck(n *serde.RuleNode, i int, v any, max int) (valid bool, cost int) {
	c := s.ruleModel().combs[n]
	if c == nil || i < 0 || i >= len(c.subs) || c.subs[i] == nil {
		return true, 0
	}
	if max < 0 || max > maxCount {
		max = maxCount
	}
	plain, nodes := countPlainJSON(v, 0, 4*max+3)
	if cost = nodes / 4; cost > max {
		return false, cost
	}
	if !plain {
		v = reencode(v)
	}
	// The library's work, counted before it is spent.
	lc := libCost(c.subs[i], v, max-cost)
	if cost += lc; cost > max {
		return false, cost
	}
	return c.subs[i].Validate(v) == nil, cost
}

// plainJSON returns v in the types the library validates: v itself when
// it is made of them (as a value decoded from its payload is), else v
// encoded and decoded again.
func plainJSON(v any) any {
	if isPlainJSON(v, 0) {
		return v
	}
	return reencode(v)
}

func reencode(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v // the library reports the value invalid
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if dec.Decode(&out) != nil {
		return v
	}
	return out
}

func isPlainJSON(v any, depth int) bool {
	plain, _ := countPlainJSON(v, depth, int(^uint(0)>>1))
	return plain
}

// countPlainJSON reports whether v is made of the types the library
// validates, and counts v's nodes (a node of another type counts as one),
// stopping once it has counted more than max.
func countPlainJSON(v any, depth, max int) (plain bool, nodes int) {
	plain = true
	var count func(v any, depth int)
	count = func(v any, depth int) {
		if nodes++; nodes > max {
			return
		}
		if depth > maxRuleDepth {
			plain = false
			return
		}
		switch x := v.(type) {
		case nil, bool, string, json.Number, float64, float32, int, int8, int32, int64, uint, uint8, uint32, uint64:
		case []any:
			for _, e := range x {
				if count(e, depth+1); nodes > max {
					return
				}
			}
		case map[string]any:
			for _, e := range x {
				if count(e, depth+1); nodes > max {
					return
				}
			}
		default:
			plain = false
		}
	}
	count(v, depth)
	return plain, nodes
}

// RuleValue returns v as map[string]any, []any and scalars: v itself when
// it is a map, else payload decoded with numbers as json.Number, as maps
// carry them. CEL reads a json.Number as an int when it is one (exactly,
// past 2^53 too) and as a double otherwise, so a generated type, a
// json.RawMessage and a map of the same value get the same verdict.
//
// A map holding anything but map[string]any, []any and scalars (a struct,
// a []string, a pointer, a json.RawMessage) is not walked as given: its
// payload is decoded instead, so no place escapes the rules.
func (s *Compiled) RuleValue(v any, payload []byte) (any, error) {
	if m, ok := v.(map[string]any); ok && genericJSON(m, 0) {
		return m, nil
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("jsonschema: %w: %v", serde.ErrDecode, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("jsonschema: %w: data after the value", serde.ErrDecode)
	}
	return out, nil
}

type jsonRules struct {
	root  any
	refs  map[string]*serde.RuleNode
	combs map[*serde.RuleNode]*combinator
	err   error
	nodes int
}

// maxRuleDepth and maxRuleNodes bound the tree: a schema whose multi-type
// objects nest would otherwise cost twice as much per level.
const (
	maxRuleDepth = 256
	maxRuleNodes = 100_000
)

// node is the node of schema sch, whose compiled form is ls (nil when
// unknown: its combinators' branches are then all valid).
func (b *jsonRules) node(sch any, ls *js.Schema, name string, withRules bool, depth int) *serde.RuleNode {
	m, ok := sch.(map[string]any)
	if !ok || depth > maxRuleDepth {
		return &serde.RuleNode{}
	}
	if b.nodes++; b.nodes > maxRuleNodes {
		if b.err == nil {
			b.err = fmt.Errorf("%w: %s: more than %d schema nodes for rules", serde.ErrLimit, name, maxRuleNodes)
		}
		return &serde.RuleNode{}
	}
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		if n, ok := b.refs[ref]; ok {
			return n
		}
		n := &serde.RuleNode{}
		b.refs[ref] = n
		if target, ok := b.pointer(ref[1:]); ok {
			var lt *js.Schema
			if ls != nil {
				lt = ls.Ref
			}
			t := b.node(target, lt, "", true, depth+1)
			*n = *t
			if c := b.combs[t]; c != nil {
				b.combs[n] = c
			}
		}
		return n
	}
	var rules []serde.InlineRule
	if withRules {
		rules = b.rules(m["confluent:rules"], name)
	}
	var types []string
	switch t := m["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	own := b.own(m, ls, types, name, depth)
	var parts []*serde.RuleNode
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		l, ok := m[k].([]any)
		if !ok {
			continue
		}
		var subs []*js.Schema
		if ls != nil {
			switch k {
			case "allOf":
				subs = ls.AllOf
			case "anyOf":
				subs = ls.AnyOf
			case "oneOf":
				subs = ls.OneOf
			}
		}
		cn := &serde.RuleNode{Kind: serde.RuleCombined}
		c := &combinator{kind: k, subs: make([]*js.Schema, len(l))}
		for i, x := range l {
			if i < len(subs) {
				c.subs[i] = subs[i]
			}
			cn.Branches = append(cn.Branches, b.node(x, c.subs[i], name, true, depth+1))
		}
		b.combs[cn] = c
		parts = append(parts, cn)
	}
	if len(parts) == 0 {
		own.Rules = rules
		return own
	}
	// The schema's own keywords are visited after its combinators, as in
	// Confluent's Go client.
	if own.Kind != "" {
		parts = append(parts, own)
	}
	n := parts[0]
	if len(parts) > 1 {
		n = &serde.RuleNode{Kind: serde.RuleCombined, Branches: parts}
		b.combs[n] = &combinator{kind: "allOf", subs: make([]*js.Schema, len(parts))}
	}
	n.Rules = rules
	return n
}

// own is the node of schema m's own keywords, its combinators aside: a
// union of its types, an enum, or the node of its one type (an object
// when it has properties, an array when it has items).
func (b *jsonRules) own(m map[string]any, ls *js.Schema, types []string, name string, depth int) *serde.RuleNode {
	if len(types) > 1 {
		n := &serde.RuleNode{Kind: serde.RuleCombined}
		for _, t := range types {
			n.Branches = append(n.Branches, b.typed(m, ls, t, name, depth))
		}
		return n
	}
	if _, ok := m["enum"]; ok {
		return &serde.RuleNode{Kind: serde.RuleEnum}
	}
	if _, ok := m["const"]; ok {
		return &serde.RuleNode{Kind: serde.RuleEnum}
	}
	t := ""
	if len(types) == 1 {
		t = types[0]
	} else if _, ok := m["properties"]; ok {
		t = "object"
	} else if _, ok := m["items"].(map[string]any); ok {
		t = "array"
	}
	return b.typed(m, ls, t, name, depth)
}

// typed is the node of schema m, compiled as ls, read as type t.
func (b *jsonRules) typed(m map[string]any, ls *js.Schema, t, name string, depth int) *serde.RuleNode {
	switch t {
	case "object":
		props, _ := m["properties"].(map[string]any)
		if len(props) == 0 {
			n := &serde.RuleNode{Kind: serde.RuleMap}
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				var la *js.Schema
				if ls != nil {
					la, _ = ls.AdditionalProperties.(*js.Schema)
				}
				n.Items = b.node(ap, la, name, true, depth+1)
			}
			return n
		}
		n := &serde.RuleNode{Kind: serde.RuleRecord, Name: name}
		for _, k := range slices.Sorted(maps.Keys(props)) {
			p, _ := props[k].(map[string]any)
			var lp *js.Schema
			if ls != nil {
				lp = ls.Properties[k]
			}
			f := serde.RuleField{Name: k, Type: b.node(p, lp, "", false, depth+1)}
			if p != nil {
				f.Rules = b.rules(p["confluent:rules"], name+"."+k)
				f.Tags = b.tags(p["confluent:tags"], name+"."+k)
			}
			n.Fields = append(n.Fields, f)
		}
		return n
	case "array":
		n := &serde.RuleNode{Kind: serde.RuleArray}
		if it, ok := m["items"].(map[string]any); ok {
			var li *js.Schema
			if ls != nil {
				if li = ls.Items2020; li == nil {
					li, _ = ls.Items.(*js.Schema)
				}
			}
			n.Items = b.node(it, li, name, true, depth+1)
		}
		return n
	case "string":
		return &serde.RuleNode{Kind: serde.RuleString}
	case "integer":
		return &serde.RuleNode{Kind: serde.RuleInt}
	case "number":
		return &serde.RuleNode{Kind: serde.RuleDouble}
	case "boolean":
		return &serde.RuleNode{Kind: serde.RuleBoolean}
	case "null":
		return &serde.RuleNode{Kind: serde.RuleNull}
	}
	return &serde.RuleNode{}
}

// pointer resolves a JSON pointer in the root document.
func (b *jsonRules) pointer(p string) (any, bool) {
	cur := b.root
	if p == "" {
		return cur, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, cur != nil
}

func (b *jsonRules) rules(p any, where string) []serde.InlineRule {
	if p == nil {
		return nil
	}
	raw, err := json.Marshal(p)
	var rs []serde.InlineRule
	if err == nil {
		err = json.Unmarshal(raw, &rs)
	}
	if err == nil {
		for _, r := range rs {
			if r.Name == "" || r.Expr == "" {
				err = fmt.Errorf("a rule needs a name and an expr")
				break
			}
		}
	}
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("%w: %s: confluent:rules: %v", serde.ErrSchema, where, err)
	}
	return rs
}

func (b *jsonRules) tags(p any, where string) []string {
	if p == nil {
		return nil
	}
	raw, err := json.Marshal(p)
	var ts []string
	if err == nil {
		err = json.Unmarshal(raw, &ts)
	}
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("%w: %s: confluent:tags: %v", serde.ErrSchema, where, err)
	}
	return ts
}

// genericJSON reports whether v holds only the generic forms the rules walk:
// map[string]any, []any, strings, bools, numbers (json.Number and Go's
// number types) and nil.
func genericJSON(v any, depth int) bool {
	if depth > maxRuleDepth {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if !genericJSON(e, depth+1) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !genericJSON(e, depth+1) {
				return false
			}
		}
		return true
	case nil, string, bool, json.Number, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

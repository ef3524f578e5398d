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
func (s *Compiled) RuleTree() (*serde.RuleNode, error) {
	b := &jsonRules{root: s.raw, refs: map[string]*serde.RuleNode{}}
	n := b.node(s.raw, "$", true, 0)
	return n, b.err
}

// RuleValue returns v as map[string]any, []any and scalars: v itself when
// it is a map, else payload decoded with numbers as json.Number, as maps
// carry them. CEL reads a json.Number as an int when it is one (exactly,
// past 2^53 too) and as a double otherwise, so a generated type, a
// json.RawMessage and a map of the same value get the same verdict.
func (s *Compiled) RuleValue(v any, payload []byte) (any, error) {
	if m, ok := v.(map[string]any); ok {
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
	err   error
	nodes int
}

// maxRuleDepth and maxRuleNodes bound the tree: a schema whose multi-type
// objects nest would otherwise cost twice as much per level.
const (
	maxRuleDepth = 256
	maxRuleNodes = 100_000
)

func (b *jsonRules) node(sch any, name string, withRules bool, depth int) *serde.RuleNode {
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
			*n = *b.node(target, "", true, depth+1)
		}
		return n
	}
	n := &serde.RuleNode{}
	if withRules {
		n.Rules = b.rules(m["confluent:rules"], name)
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
	for _, k := range []string{"oneOf", "anyOf", "allOf"} {
		if l, ok := m[k].([]any); ok {
			n.Kind = serde.RuleCombined
			for _, x := range l {
				n.Branches = append(n.Branches, b.node(x, name, true, depth+1))
			}
		}
	}
	if n.Kind == serde.RuleCombined || len(types) > 1 {
		n.Kind = serde.RuleCombined
		for _, t := range types {
			n.Branches = append(n.Branches, b.typed(m, t, name, depth))
		}
		return n
	}
	if _, ok := m["enum"]; ok {
		n.Kind = serde.RuleEnum
		return n
	}
	if _, ok := m["const"]; ok {
		n.Kind = serde.RuleEnum
		return n
	}
	t := ""
	if len(types) == 1 {
		t = types[0]
	} else if _, ok := m["properties"]; ok {
		t = "object"
	}
	tn := b.typed(m, t, name, depth)
	tn.Rules = n.Rules
	return tn
}

// typed is the node of schema m read as type t.
func (b *jsonRules) typed(m map[string]any, t, name string, depth int) *serde.RuleNode {
	switch t {
	case "object":
		props, _ := m["properties"].(map[string]any)
		if len(props) == 0 {
			n := &serde.RuleNode{Kind: serde.RuleMap}
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				n.Items = b.node(ap, name, true, depth+1)
			}
			return n
		}
		n := &serde.RuleNode{Kind: serde.RuleRecord, Name: name}
		for _, k := range slices.Sorted(maps.Keys(props)) {
			p, _ := props[k].(map[string]any)
			f := serde.RuleField{Name: k, Type: b.node(p, "", false, depth+1)}
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
			n.Items = b.node(it, name, true, depth+1)
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

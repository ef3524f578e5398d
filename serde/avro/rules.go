package avro

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// This file gives serde/contract its view of an Avro schema: the schema as
// a serde.RuleNode tree, with the inline "confluent:rules" and
// "confluent:tags" of records and fields, and values as generic trees.

var _ serde.RuleTarget = (*Compiled)(nil)

// RuleTree returns the schema as rules see it. Records and fields carry
// their "confluent:rules" (a list of {"name", "doc", "expr"}) and fields
// their "confluent:tags"; a malformed list is an error wrapping
// serde.ErrSchema.
func (s *Compiled) RuleTree() (*serde.RuleNode, error) {
	b := ruleBuilder{named: map[string]*serde.RuleNode{}}
	n := b.node(s.sch)
	return n, b.err
}

// RuleValue returns v as hamba's generic form (map[string]any for records,
// []any, scalars, {"branch": value} for union members): v itself when it is
// a map, else payload decoded.
//
// A map holding other Go types (a struct, a []string, a pointer) is walked
// as given until the walk meets one; serde/contract then walks the payload
// decoded instead.
func (s *Compiled) RuleValue(v any, payload []byte) (any, error) {
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	var out any
	if err := ruleAPI.Unmarshal(s.sch, payload, &out); err != nil {
		return nil, fmt.Errorf("avro: %w: %v", serde.ErrDecode, err)
	}
	return out, nil
}

// ruleAPI decodes payloads for rules: with no types registered (UseSums
// registers generated ones with the schema's own API, and rules must see
// maps, not Go structs), and no size limits beyond the payload's, which is
// this package's own encoding of a validated value.
var ruleAPI = avro.Config{
	TagKey:            "avro",
	MaxByteSliceSize:  math.MaxInt32,
	MaxSliceAllocSize: math.MaxInt32,
}.Freeze()

type ruleBuilder struct {
	named map[string]*serde.RuleNode
	err   error
}

func (b *ruleBuilder) node(s avro.Schema) *serde.RuleNode {
	switch t := s.(type) {
	case *avro.RefSchema:
		return b.node(t.Schema())
	case *avro.RecordSchema:
		if n, ok := b.named[t.FullName()]; ok {
			return n
		}
		n := &serde.RuleNode{Kind: serde.RuleRecord, Name: t.FullName()}
		b.named[t.FullName()] = n
		n.Rules = b.rules(t.Prop("confluent:rules"), t.FullName())
		for _, f := range t.Fields() {
			n.Fields = append(n.Fields, serde.RuleField{
				Name:  f.Name(),
				Tags:  b.tags(f.Prop("confluent:tags"), t.FullName()+"."+f.Name()),
				Rules: b.rules(f.Prop("confluent:rules"), t.FullName()+"."+f.Name()),
				Type:  b.node(f.Type()),
			})
		}
		return n
	case *avro.ArraySchema:
		return &serde.RuleNode{Kind: serde.RuleArray, Items: b.node(t.Items())}
	case *avro.MapSchema:
		return &serde.RuleNode{Kind: serde.RuleMap, Items: b.node(t.Values())}
	case *avro.UnionSchema:
		n := &serde.RuleNode{Kind: serde.RuleCombined}
		for _, m := range t.Types() {
			bn := b.node(m)
			if bn.Name == "" {
				// hamba names a generic union branch by its type name.
				c := *bn
				c.Name = string(m.Type())
				if ls, ok := m.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
					c.Name += "." + string(ls.Logical().Type())
				}
				bn = &c
			}
			n.Branches = append(n.Branches, bn)
		}
		return n
	case *avro.EnumSchema:
		return &serde.RuleNode{Kind: serde.RuleEnum, Name: t.FullName()}
	case *avro.FixedSchema:
		return &serde.RuleNode{Kind: serde.RuleFixed, Name: t.FullName()}
	}
	kind := map[avro.Type]string{
		avro.String: serde.RuleString, avro.Bytes: serde.RuleBytes, avro.Int: serde.RuleInt,
		avro.Long: serde.RuleLong, avro.Float: serde.RuleFloat, avro.Double: serde.RuleDouble,
		avro.Boolean: serde.RuleBoolean, avro.Null: serde.RuleNull,
	}[s.Type()]
	return &serde.RuleNode{Kind: kind}
}

// rules reads a "confluent:rules" property through JSON, so any shape
// hamba kept it in decodes the same way.
func (b *ruleBuilder) rules(p any, where string) []serde.InlineRule {
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

func (b *ruleBuilder) tags(p any, where string) []string {
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

package registry

import (
	"encoding/json"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/serde"
)

// This file converts a schema's data contract (ruleSet and metadata)
// between franz-go's types and serde's, which keep Confluent's JSON shapes.
// franz-go's SchemaRuleSet has no encodingRules or enableAt: those two do
// not survive a round trip through the registry client.

func ruleSetFromSR(rs *sr.SchemaRuleSet) *serde.RuleSet {
	if rs == nil {
		return nil
	}
	conv := func(in []sr.SchemaRule) []serde.Rule {
		var out []serde.Rule
		for _, r := range in {
			out = append(out, serde.Rule{
				Name: r.Name, Doc: r.Doc, Kind: r.Kind.String(), Mode: r.Mode.String(), Type: r.Type,
				Tags: r.Tags, Params: r.Params, Expr: r.Expr, OnSuccess: r.OnSuccess, OnFailure: r.OnFailure,
				Disabled: r.Disabled,
			})
		}
		return out
	}
	return &serde.RuleSet{MigrationRules: conv(rs.MigrationRules), DomainRules: conv(rs.DomainRules)}
}

func ruleSetToSR(rs *serde.RuleSet) (*sr.SchemaRuleSet, error) {
	if rs == nil {
		return nil, nil
	}
	conv := func(in []serde.Rule) ([]sr.SchemaRule, error) {
		var out []sr.SchemaRule
		for _, r := range in {
			o := sr.SchemaRule{Name: r.Name, Doc: r.Doc, Type: r.Type, Tags: r.Tags, Params: r.Params,
				Expr: r.Expr, OnSuccess: r.OnSuccess, OnFailure: r.OnFailure, Disabled: r.Disabled}
			if err := o.Kind.UnmarshalText([]byte(r.Kind)); err != nil {
				return nil, err
			}
			if err := o.Mode.UnmarshalText([]byte(strings.ToUpper(r.Mode))); err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	}
	m, err := conv(rs.MigrationRules)
	if err != nil {
		return nil, err
	}
	d, err := conv(rs.DomainRules)
	if err != nil {
		return nil, err
	}
	return &sr.SchemaRuleSet{MigrationRules: m, DomainRules: d}, nil
}

func metadataFromSR(md *sr.SchemaMetadata) *serde.Metadata {
	if md == nil {
		return nil
	}
	return &serde.Metadata{Tags: md.Tags, Properties: md.Properties, Sensitive: md.Sensitive}
}

func metadataToSR(md *serde.Metadata) *sr.SchemaMetadata {
	if md == nil {
		return nil
	}
	return &sr.SchemaMetadata{Tags: md.Tags, Properties: md.Properties, Sensitive: md.Sensitive}
}

// sameRuleSet reports whether two rule sets hold the same rules; nil and
// empty are the same. Both sides are first normalized by the round trip
// through franz-go's types the client applies to what it registers and
// reads (no encodingRules or enableAt, upper-case kind and mode), so a
// local rule set holding those is not taken for drift from its own
// registration.
func sameRuleSet(a, b *serde.RuleSet) bool {
	a, b = normalizeRuleSet(a), normalizeRuleSet(b)
	if a.Empty() || b.Empty() {
		return a.Empty() == b.Empty()
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// normalizeRuleSet is rs after ruleSetToSR and ruleSetFromSR; rs itself
// when it does not convert (an unknown kind or mode), which registering
// would have refused.
func normalizeRuleSet(rs *serde.RuleSet) *serde.RuleSet {
	s, err := ruleSetToSR(rs)
	if err != nil {
		return rs
	}
	return ruleSetFromSR(s)
}

// contractKey is the part of a cache key that tells schemas with other
// rule sets or metadata apart: the same text registered with new rules is
// another registration.
func contractKey(s serde.Schema) string {
	if s.RuleSet.Empty() && s.Metadata == nil {
		return ""
	}
	j, _ := json.Marshal(struct {
		R *serde.RuleSet  `json:"r,omitempty"`
		M *serde.Metadata `json:"m,omitempty"`
	}{s.RuleSet, s.Metadata})
	return "\x00contract:" + string(j)
}

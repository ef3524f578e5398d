package codegen

import (
	"sort"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// This file writes an entry's data contract into its generated package:
// the rule set and metadata (Confluent's RuleSet and Metadata, from the
// config's rule_set: and metadata: files or the registered version) as Go
// values next to the schema text, and the rule engine's import when the
// schema has anything to enforce, so that a producer with a pinned ID and
// no registry enforces the contract as one bound through the registry
// does.

// writeContract writes <Name>RuleSet and <Name>Metadata, and imports the
// rule engine when the schema has a contract.
func (g *generator) writeContract(s *stubInfo) {
	f, e := s.f, s.e
	P := f.S
	if rs := e.Schema.RuleSet; rs != nil {
		P("// ", s.name, "RuleSet returns the rule set of ", s.name, "Schema (Confluent's RuleSet):")
		P("// the domain rules a producer enforces on every record, and the rules it")
		P("// keeps without enforcing (migration, encoding, transforms).")
		P("func ", s.name, "RuleSet() *", f.Q(serdePkg, "RuleSet"), " {")
		P("return &", f.Q(serdePkg, "RuleSet"), "{")
		writeRules(f, "MigrationRules", rs.MigrationRules)
		writeRules(f, "DomainRules", rs.DomainRules)
		writeRules(f, "EncodingRules", rs.EncodingRules)
		if rs.EnableAt != "" {
			P("EnableAt: ", strconv.Quote(rs.EnableAt), ",")
		}
		P("}")
		P("}")
		P()
	}
	if md := e.Schema.Metadata; md != nil {
		P("// ", s.name, "Metadata returns the metadata of ", s.name, "Schema (Confluent's Metadata):")
		P("// tags by field-name pattern, which CEL_FIELD rules select fields by.")
		P("func ", s.name, "Metadata() *", f.Q(serdePkg, "Metadata"), " {")
		P("return &", f.Q(serdePkg, "Metadata"), "{")
		if len(md.Tags) > 0 {
			P("Tags: map[string][]string{")
			for _, k := range sortedKeys(md.Tags) {
				P(strconv.Quote(k), ": ", strings.TrimPrefix(stringList(md.Tags[k]), "[]string"), ",")
			}
			P("},")
		}
		if len(md.Properties) > 0 {
			P("Properties: ", stringMap(md.Properties), ",")
		}
		if len(md.Sensitive) > 0 {
			P("Sensitive: ", stringList(md.Sensitive), ",")
		}
		P("}")
		P("}")
		P()
	}
	if hasContract(e, s.refs) {
		f.Blank(contractPkg)
	}
}

// hasContract reports whether a producer of e's schema has rules to
// enforce, and so needs the rule engine linked: a rule set or metadata,
// inline confluent:rules, buf.validate constraints (in the schema or a
// reference).
func hasContract(e *Entry, refs map[string]serde.Schema) bool {
	if e.Schema.RuleSet != nil || e.Schema.Metadata != nil {
		return true
	}
	texts := []string{e.Schema.Text}
	for _, r := range refs {
		texts = append(texts, r.Text)
	}
	for _, t := range texts {
		if strings.Contains(t, "confluent:rules") || strings.Contains(t, "buf/validate/validate.proto") {
			return true
		}
	}
	return false
}

func writeRules(f *goFile, field string, rules []serde.Rule) {
	if len(rules) == 0 {
		return
	}
	P := f.S
	P(field, ": []", f.Q(serdePkg, "Rule"), "{")
	for _, r := range rules {
		var parts []string
		add := func(k, v string) {
			if v != "" {
				parts = append(parts, k+": "+strconv.Quote(v))
			}
		}
		add("Name", r.Name)
		add("Doc", r.Doc)
		add("Kind", r.Kind)
		add("Mode", r.Mode)
		add("Type", r.Type)
		if len(r.Tags) > 0 {
			parts = append(parts, "Tags: "+stringList(r.Tags))
		}
		if len(r.Params) > 0 {
			parts = append(parts, "Params: "+stringMap(r.Params))
		}
		add("Expr", r.Expr)
		add("OnSuccess", r.OnSuccess)
		add("OnFailure", r.OnFailure)
		if r.Disabled {
			parts = append(parts, "Disabled: true")
		}
		P("{", strings.Join(parts, ", "), "},")
	}
	P("},")
}

func stringList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func stringMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kv := make([]string, len(keys))
	for i, k := range keys {
		kv[i] = strconv.Quote(k) + ": " + strconv.Quote(m[k])
	}
	return "map[string]string{" + strings.Join(kv, ", ") + "}"
}

// contractFields is the RuleSet and Metadata fields of the stub's
// serde.Schema literal.
func contractFields(s *stubInfo) string {
	var b strings.Builder
	if s.e.Schema.RuleSet != nil {
		b.WriteString(", RuleSet: " + s.name + "RuleSet()")
	}
	if s.e.Schema.Metadata != nil {
		b.WriteString(", Metadata: " + s.name + "Metadata()")
	}
	return b.String()
}

// contractDoc names what the stub's schema carries, for its doc comment.
func contractDoc(s *stubInfo) string {
	switch {
	case s.e.Schema.RuleSet != nil && s.e.Schema.Metadata != nil:
		return s.name + "RuleSet and " + s.name + "Metadata"
	case s.e.Schema.RuleSet != nil:
		return s.name + "RuleSet"
	}
	return s.name + "Metadata"
}

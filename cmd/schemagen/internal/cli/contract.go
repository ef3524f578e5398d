package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// The CLI enforces data contracts (rule sets, inline rules, buf.validate)
// in produce: it links the rule engine (importing serde/contract registers
// it with serde.CompileContract).

// withContract is s with the rule set and metadata an entry's rule_set:
// and metadata: files hold; s unchanged for files that are not entries or
// entries that name neither.
func withContract(s serde.Schema, e *config.Entry) serde.Schema {
	if e == nil {
		return s
	}
	s.RuleSet, s.Metadata = e.Contract.RuleSet, e.Contract.Metadata
	return s
}

// compileContract compiles f's contract (its rule set file's rules, its
// metadata, the inline rules in its text) with the rule engine a producer
// binds with: a rule that does not compile or cannot be enforced fails
// the load as a config error naming the file, the position of the rule and
// its name.
func (p *project) compileContract(ctx context.Context, f *file) error {
	c, err := p.compile(ctx, f)
	if err != nil {
		return p.compileErr(f, err)
	}
	rs, md := f.Schema.RuleSet, f.Schema.Metadata
	if rs == nil && md == nil {
		rs, md = &serde.RuleSet{}, &serde.Metadata{} // the inline rules only
	}
	_, err = contract.New(c, rs, md)
	if err == nil {
		return nil
	}
	var ce *contract.CompileError
	if !errors.As(err, &ce) {
		return fmt.Errorf("%w: %s: %v", config.ErrConfig, f.Path, err)
	}
	msg := ce.Err.Error()
	if ce.Expr != "" && !strings.Contains(msg, "\n") {
		msg += " (expr: " + ce.Expr + ")"
	}
	xe := &config.ContractError{File: f.Path, Rule: ce.Rule, Msg: msg}
	switch {
	case ce.Rule == "metadata.tags" && f.Entry.MetadataFile != "":
		xe.File, xe.Rule = f.Entry.MetadataFile, ""
		xe.Msg = "tags: " + msg
	case rs != nil && hasRule(rs, ce.Rule) && f.Entry.RuleSetFile != "":
		xe.File = f.Entry.RuleSetFile
		xe.Line, xe.Col = config.RulePosition(f.Entry.Contract.RuleSetText, ce.Rule)
	default: // an inline rule, in the schema text
		xe.Line, xe.Col = config.RulePosition(f.Schema.Text, ce.Rule)
	}
	return xe
}

func hasRule(rs *serde.RuleSet, name string) bool {
	for _, l := range [][]serde.Rule{rs.DomainRules, rs.MigrationRules, rs.EncodingRules} {
		for _, r := range l {
			if r.Name == name {
				return true
			}
		}
	}
	return false
}

// Rule-change finding IDs: what check reports when a rule set differs
// from the one it is compared with.
const (
	ruleAdded            = "RULE_ADDED"
	ruleRemoved          = "RULE_REMOVED"
	ruleExprChanged      = "RULE_EXPR_CHANGED"
	ruleKindChanged      = "RULE_KIND_CHANGED"
	ruleModeChanged      = "RULE_MODE_CHANGED"
	ruleTypeChanged      = "RULE_TYPE_CHANGED"
	ruleTagsChanged      = "RULE_TAGS_CHANGED"
	ruleParamsChanged    = "RULE_PARAMS_CHANGED"
	ruleOnFailureChanged = "RULE_ON_FAILURE_CHANGED"
	ruleOnSuccessChanged = "RULE_ON_SUCCESS_CHANGED"
	ruleDocChanged       = "RULE_DOC_CHANGED"
	ruleDisabled         = "RULE_DISABLED"
	ruleEnabled          = "RULE_ENABLED"
)

// ruleChange is one difference between two rule sets, for one rule.
type ruleChange struct {
	// ID is the finding ID (RULE_ADDED, ...).
	ID string
	// Name is the rule's name; List the rule set list it is in
	// (domainRules, migrationRules, encodingRules).
	Name, List string
	Message    string
	// Tightens says the change can make a producer refuse a record it
	// sends today: after it the rule is a condition enforced on writes,
	// and either it was not before (added, enabled, a write mode, a
	// failing action) or what it checks changed (expression, type, tags).
	Tightens bool
}

// enforcedOnWrite reports whether r, in list of a rule set enabled at
// enableAt, can refuse a record a producer writes: an enabled CONDITION
// domain rule with a write mode and a failing action (ERROR or DLQ).
func enforcedOnWrite(r *serde.Rule, list, enableAt string) bool {
	if r == nil || list != "domainRules" || r.Disabled || !strings.EqualFold(r.Kind, "CONDITION") {
		return false
	}
	switch strings.ToUpper(enableAt) {
	case "", "ALL", "CLIENT":
	default:
		return false
	}
	if m := strings.ToUpper(r.Mode); m != "WRITE" && m != "WRITEREAD" {
		return false
	}
	action := r.OnFailure
	if i := strings.IndexByte(action, ','); i >= 0 {
		action = action[:i]
	}
	return !strings.EqualFold(strings.TrimSpace(action), "NONE")
}

// diffRuleSets lists the changes from old to cur, rule by rule (matched
// by name within each list), in cur's order then old's. nil rule sets are
// empty.
func diffRuleSets(old, cur *serde.RuleSet) []ruleChange {
	if old == nil {
		old = &serde.RuleSet{}
	}
	if cur == nil {
		cur = &serde.RuleSet{}
	}
	var out []ruleChange
	lists := []struct {
		name     string
		old, cur []serde.Rule
	}{
		{"domainRules", old.DomainRules, cur.DomainRules},
		{"migrationRules", old.MigrationRules, cur.MigrationRules},
		{"encodingRules", old.EncodingRules, cur.EncodingRules},
	}
	for _, l := range lists {
		byName := map[string]*serde.Rule{}
		for i := range l.old {
			byName[l.old[i].Name] = &l.old[i]
		}
		seen := map[string]bool{}
		for i := range l.cur {
			c := &l.cur[i]
			seen[c.Name] = true
			o := byName[c.Name]
			curOn := enforcedOnWrite(c, l.name, cur.EnableAt)
			if o == nil {
				out = append(out, ruleChange{ID: ruleAdded, Name: c.Name, List: l.name, Tightens: curOn,
					Message: fmt.Sprintf("rule %q added to %s (%s)", c.Name, l.name, describeRule(c))})
				continue
			}
			oldOn := enforcedOnWrite(o, l.name, old.EnableAt)
			add := func(id string, checks bool, format string, args ...any) {
				out = append(out, ruleChange{ID: id, Name: c.Name, List: l.name, Tightens: curOn && (!oldOn || checks),
					Message: fmt.Sprintf("rule %q: ", c.Name) + fmt.Sprintf(format, args...)})
			}
			if o.Disabled != c.Disabled {
				if c.Disabled {
					add(ruleDisabled, false, "disabled")
				} else {
					add(ruleEnabled, true, "enabled (was disabled)")
				}
			}
			if !strings.EqualFold(o.Kind, c.Kind) {
				add(ruleKindChanged, true, "kind changed from %s to %s", o.Kind, c.Kind)
			}
			if !strings.EqualFold(o.Mode, c.Mode) {
				add(ruleModeChanged, false, "mode changed from %s to %s", o.Mode, c.Mode)
			}
			if !strings.EqualFold(o.Type, c.Type) {
				add(ruleTypeChanged, true, "type changed from %s to %s", o.Type, c.Type)
			}
			if o.Expr != c.Expr {
				add(ruleExprChanged, true, "expression changed from %q to %q", o.Expr, c.Expr)
			}
			if !slices.Equal(o.Tags, c.Tags) {
				add(ruleTagsChanged, true, "tags changed from %v to %v", o.Tags, c.Tags)
			}
			if !maps.Equal(o.Params, c.Params) {
				add(ruleParamsChanged, false, "params changed from %v to %v", o.Params, c.Params)
			}
			if !strings.EqualFold(actionOr(o.OnFailure, "ERROR"), actionOr(c.OnFailure, "ERROR")) {
				add(ruleOnFailureChanged, false, "onFailure changed from %s to %s", actionOr(o.OnFailure, "ERROR"), actionOr(c.OnFailure, "ERROR"))
			}
			if !strings.EqualFold(actionOr(o.OnSuccess, "NONE"), actionOr(c.OnSuccess, "NONE")) {
				add(ruleOnSuccessChanged, false, "onSuccess changed from %s to %s", actionOr(o.OnSuccess, "NONE"), actionOr(c.OnSuccess, "NONE"))
			}
			if o.Doc != c.Doc {
				add(ruleDocChanged, false, "doc changed from %q to %q", o.Doc, c.Doc)
			}
		}
		for i := range l.old {
			o := &l.old[i]
			if !seen[o.Name] {
				out = append(out, ruleChange{ID: ruleRemoved, Name: o.Name, List: l.name,
					Message: fmt.Sprintf("rule %q removed from %s (%s)", o.Name, l.name, describeRule(o))})
			}
		}
	}
	return out
}

func actionOr(a, def string) string {
	if a == "" {
		return def
	}
	return a
}

// describeRule is a rule's kind, mode, type and expression, for messages.
func describeRule(r *serde.Rule) string {
	s := strings.TrimSpace(strings.Join([]string{r.Kind, r.Mode, r.Type}, " "))
	if r.Expr != "" {
		s += ": " + r.Expr
	}
	if r.Disabled {
		s += ", disabled"
	}
	return s
}

// ruleSetsEqual reports whether two rule sets are the same
// once both went through the registry client, which keeps neither
// encodingRules nor enableAt and upper-cases kind and mode.
func ruleSetsEqual(a, b *serde.RuleSet) bool {
	return len(diffRuleSets(registered(a), registered(b))) == 0
}

// registered is rs as the registry client sends and reads it back.
func registered(rs *serde.RuleSet) *serde.RuleSet {
	if rs == nil {
		return nil
	}
	up := func(in []serde.Rule) []serde.Rule {
		out := slices.Clone(in)
		for i := range out {
			out[i].Kind, out[i].Mode = strings.ToUpper(out[i].Kind), strings.ToUpper(out[i].Mode)
		}
		return out
	}
	return &serde.RuleSet{DomainRules: up(rs.DomainRules), MigrationRules: up(rs.MigrationRules)}
}

func metadataEqual(a, b *serde.Metadata) bool {
	if a == nil {
		a = &serde.Metadata{}
	}
	if b == nil {
		b = &serde.Metadata{}
	}
	return maps.EqualFunc(a.Tags, b.Tags, slices.Equal) && maps.Equal(a.Properties, b.Properties) && slices.Equal(a.Sensitive, b.Sensitive)
}

// contractReason says why a schema whose text is registered already gets
// a new version: its rule set or metadata (those the config names) differ
// from the latest registered version's. changes lists the rule changes.
func contractReason(reg, local serde.Schema) (reason string, changes []string) {
	var why []string
	if local.RuleSet != nil && !ruleSetsEqual(reg.RuleSet, local.RuleSet) {
		why = append(why, "rule set changes")
		for _, c := range diffRuleSets(registered(reg.RuleSet), registered(local.RuleSet)) {
			changes = append(changes, c.Message)
		}
	}
	if local.Metadata != nil && !metadataEqual(reg.Metadata, local.Metadata) {
		why = append(why, "metadata changes")
	}
	if len(changes) > 0 {
		n := min(len(changes), 3)
		reason = strings.Join(why, ", ") + " (" + strings.Join(changes[:n], "; ")
		if len(changes) > n {
			reason += fmt.Sprintf("; %d more", len(changes)-n)
		}
		return reason + ")", changes
	}
	return strings.Join(why, ", "), nil
}

// ruleFindings are check's findings for the changes from the rule set
// old (the registered version's, or the rule set file at the compared
// ref) to f's rule_set: file, for an entry that names one (rules of
// entries that name none are not the config's to judge). Added and
// changed rules are placed at their "name" in the local file; removed ones
// in the old text when there is one (oldFile names it), else at the
// list's key in the local file. A change that tightens an enforced rule
// is an error; the others are warnings.
func ruleFindings(cfg *config.Config, f *file, subject string, old *serde.RuleSet, fromRegistry bool, oldText, oldFile string) []finding {
	if f.Entry == nil || f.Entry.RuleSetFile == "" {
		return nil
	}
	cur := f.Entry.Contract
	local := cfg.Path(f.Entry.RuleSetFile)
	rs := cur.RuleSet
	if fromRegistry && rs != nil {
		// The registry client sends no encodingRules: comparing them with
		// the registry's (none) would report what register cannot change.
		// enableAt stays: it says whether the local rules bind clients.
		cp := *rs
		cp.EncodingRules = nil
		rs = &cp
	}
	var out []finding
	for _, c := range diffRuleSets(old, rs) {
		fd := finding{File: local, Subject: subject, Kind: kindRule, RuleName: c.Name, Severity: severityWarning}
		if c.Tightens {
			fd.Severity = severityError
			c.Message += ": can refuse records producers send today"
		}
		fd.Rule, fd.Message, fd.Path = c.ID, c.Message, c.List+"/"+c.Name
		switch {
		case c.ID != ruleRemoved:
			fd.Line, fd.Col = config.RulePosition(cur.RuleSetText, c.Name)
		case oldText != "":
			fd.File = oldFile
			fd.Line, fd.Col = config.RulePosition(oldText, c.Name)
		default:
			fd.Message += " (in " + oldFile + ")"
			if i := strings.Index(cur.RuleSetText, `"`+c.List+`"`); i >= 0 {
				fd.Line, fd.Col = lineCol(cur.RuleSetText, i)
			}
		}
		out = append(out, fd)
	}
	return out
}

// ruleSetPath is the path of f's rule set file, relative to the config.
func ruleSetPath(f *file) string {
	if f.Entry == nil {
		return ""
	}
	return f.Entry.RuleSetFile
}

// oldContractText is the text of an old entry's rule set file.
func oldContractText(f *file) string {
	if f.Entry == nil {
		return ""
	}
	return f.Entry.Contract.RuleSetText
}

// inlineRule is an inline rule ("confluent:rules" in an Avro or JSON
// Schema text, confluent.Meta's rules in a .proto) at its place: a
// record's full name (Avro) or an object's JSON pointer (JSON Schema), with
// ".field" for a field's rules; a message's or field's full name
// (Protobuf).
type inlineRule struct {
	place string
	rule  serde.InlineRule
}

// inlineRules lists the inline rules of a compiled schema by place and
// name; nil for a compiled schema of a user's own type.
func inlineRules(c serde.Compiled) (map[string]inlineRule, error) {
	if pc, ok := c.(*protobuf.Compiled); ok {
		out := map[string]inlineRule{}
		for place, rs := range contract.ProtoInlineRules(pc.Message()) {
			for _, r := range rs {
				out[place+"\x00"+r.Name] = inlineRule{place: place, rule: r}
			}
		}
		return out, nil
	}
	t, ok := c.(serde.RuleTarget)
	if !ok {
		return nil, nil
	}
	root, err := t.RuleTree()
	if err != nil {
		return nil, err
	}
	out := map[string]inlineRule{}
	seen := map[*serde.RuleNode]bool{}
	var walk func(n *serde.RuleNode)
	walk = func(n *serde.RuleNode) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, r := range n.Rules {
			out[n.Name+"\x00"+r.Name] = inlineRule{place: n.Name, rule: r}
		}
		for _, f := range n.Fields {
			place := n.Name + "." + f.Name
			for _, r := range f.Rules {
				out[place+"\x00"+r.Name] = inlineRule{place: place, rule: r}
			}
			walk(f.Type)
		}
		walk(n.Items)
		for _, b := range n.Branches {
			walk(b)
		}
	}
	walk(root)
	return out, nil
}

// inlineFindings are check's findings for the inline rules that changed
// from old to cur, in f's schema file: added and changed rules placed at
// their "name" there, removed ones in the old text when there is one
// (oldFile names it). Inline rules are enforced on every write (ERROR), so
// an added rule and a changed expression fail the check; a removed rule
// and a changed doc are warnings.
func inlineFindings(cfg *config.Config, f *file, subject string, old, cur serde.Compiled, oldText, oldFile string) ([]finding, error) {
	was, err := inlineRules(old)
	if err != nil {
		return nil, err
	}
	is, err := inlineRules(cur)
	if err != nil {
		return nil, err
	}
	local := cfg.Path(f.Path)
	var out []finding
	add := func(id, name, place, msg string, tightens bool, file, text string) {
		fd := finding{File: file, Subject: subject, Kind: kindRule, RuleName: name, Severity: severityWarning,
			Finding: compat.Finding{Rule: id, Path: "inline/" + place + "/" + name, Message: msg}}
		if tightens {
			fd.Severity = severityError
			fd.Message += ": can refuse records producers send today"
		}
		fd.Line, fd.Col = config.RulePosition(text, name)
		out = append(out, fd)
	}
	for _, k := range sortedKeys(is) {
		c := is[k]
		o, ok := was[k]
		switch {
		case !ok:
			add(ruleAdded, c.rule.Name, c.place, fmt.Sprintf("inline rule %q added at %s (%s)", c.rule.Name, c.place, c.rule.Expr), true, local, f.Schema.Text)
		case o.rule.Expr != c.rule.Expr:
			add(ruleExprChanged, c.rule.Name, c.place, fmt.Sprintf("inline rule %q at %s: expression changed from %q to %q", c.rule.Name, c.place, o.rule.Expr, c.rule.Expr), true, local, f.Schema.Text)
		case o.rule.Doc != c.rule.Doc:
			add(ruleDocChanged, c.rule.Name, c.place, fmt.Sprintf("inline rule %q at %s: doc changed from %q to %q", c.rule.Name, c.place, o.rule.Doc, c.rule.Doc), false, local, f.Schema.Text)
		}
	}
	for _, k := range sortedKeys(was) {
		if _, ok := is[k]; ok {
			continue
		}
		o := was[k]
		file, text := oldFile, oldText
		msg := fmt.Sprintf("inline rule %q removed from %s (%s)", o.rule.Name, o.place, o.rule.Expr)
		if text == "" {
			file = local
			msg += " (in " + oldFile + ")"
		}
		add(ruleRemoved, o.rule.Name, o.place, msg, false, file, text)
	}
	return out, nil
}

// Metadata-change finding IDs.
const (
	metadataTagsChanged       = "METADATA_TAGS_CHANGED"
	metadataPropertiesChanged = "METADATA_PROPERTIES_CHANGED"
	metadataSensitiveChanged  = "METADATA_SENSITIVE_CHANGED"
)

// metadataFindings are check's findings for the changes from the metadata
// old to f's metadata: file, for an entry that names one. Tags select the
// fields CEL_FIELD rules judge, so new tags on a field pattern fail the
// check when an enforced CEL_FIELD rule of the entry's rule set selects
// one of them (it now judges fields it did not); every other change is a
// warning. A pattern's finding is placed at its key in the file that has
// it.
func metadataFindings(cfg *config.Config, f *file, subject string, old *serde.Metadata, oldText, oldFile string) []finding {
	if f.Entry == nil || f.Entry.MetadataFile == "" {
		return nil
	}
	cur := f.Entry.Contract.Metadata
	if cur == nil {
		cur = &serde.Metadata{}
	}
	if old == nil {
		old = &serde.Metadata{}
	}
	local := cfg.Path(f.Entry.MetadataFile)
	curText := f.Entry.Contract.MetadataText
	// The tags the enforced CEL_FIELD rules select by.
	selecting := map[string]bool{}
	if rs := f.Schema.RuleSet; rs != nil {
		for i := range rs.DomainRules {
			r := &rs.DomainRules[i]
			if strings.EqualFold(r.Type, "CEL_FIELD") && enforcedOnWrite(r, "domainRules", rs.EnableAt) {
				for _, t := range r.Tags {
					selecting[t] = true
				}
			}
		}
	}
	var out []finding
	add := func(id, msg string, tightens bool, file, text, key string) {
		fd := finding{File: file, Subject: subject, Kind: kindRule, Severity: severityWarning,
			Finding: compat.Finding{Rule: id, Path: "metadata/" + key, Message: msg}}
		if tightens {
			fd.Severity = severityError
			fd.Message += ": can refuse records producers send today"
		}
		if key != "" {
			if i := strings.Index(text, strconv.Quote(key)); i >= 0 {
				fd.Line, fd.Col = lineCol(text, i)
			}
		}
		out = append(out, fd)
	}
	patterns := map[string]bool{}
	for p := range old.Tags {
		patterns[p] = true
	}
	for p := range cur.Tags {
		patterns[p] = true
	}
	for _, p := range sortedKeys(patterns) {
		was, is := old.Tags[p], cur.Tags[p]
		if slices.Equal(was, is) {
			continue
		}
		var selected []string
		for _, t := range is {
			if selecting[t] && !slices.Contains(was, t) {
				selected = append(selected, t)
			}
		}
		msg := fmt.Sprintf("tags of fields matching %q changed from %v to %v", p, was, is)
		if len(selected) > 0 {
			msg += fmt.Sprintf(" (CEL_FIELD rules select %v)", selected)
		}
		file, text := local, curText
		if _, ok := cur.Tags[p]; !ok && oldText != "" {
			file, text = oldFile, oldText
		}
		add(metadataTagsChanged, msg, len(selected) > 0, file, text, p)
	}
	if !maps.Equal(old.Properties, cur.Properties) {
		add(metadataPropertiesChanged, fmt.Sprintf("properties changed from %v to %v", old.Properties, cur.Properties), false, local, curText, "properties")
	}
	if !slices.Equal(old.Sensitive, cur.Sensitive) {
		add(metadataSensitiveChanged, fmt.Sprintf("sensitive changed from %v to %v", old.Sensitive, cur.Sensitive), false, local, curText, "sensitive")
	}
	return out
}

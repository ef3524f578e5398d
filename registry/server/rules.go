package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// ruleError is a rule set that has Confluent's JSON shape but a rule
// that is not valid (an unknown kind or mode, a duplicate or malformed
// name, no type, an action pair outside WRITEREAD and UPDOWN, a mode of
// the wrong phase, CEL that does not compile). The answer is 422 with Confluent's INVALID_RULESET code.
type ruleError struct{ msg string }

func (e *ruleError) Error() string { return e.msg }

func ruleErr(format string, args ...any) error {
	return &ruleError{msg: fmt.Sprintf(format, args...)}
}

// invalidRuleSet answers err, from validateRuleSet, with 42210 when it is
// a ruleError and 42201 when the rule set's shape or size is wrong.
func invalidRuleSet(err error) *apiError {
	var re *ruleError
	if errors.As(err, &re) {
		return newAPIError(http.StatusUnprocessableEntity, CodeInvalidRuleSet, "invalid rule set: %s", re.msg)
	}
	return errInvalidSchema("invalid rule set: %w", err)
}

// ruleModes are Confluent's RuleMode values.
var ruleModes = []string{"UPGRADE", "DOWNGRADE", "UPDOWN", "WRITE", "READ", "WRITEREAD"}

// checkRules checks rs (raw decoded) as Confluent's registry does, and,
// with compileCEL, compiles every CEL and CEL_FIELD rule. Its errors are
// *ruleError, naming the list, the index and the rule.
//
// First what Confluent's JSON binding refuses before any check: a kind
// other than TRANSFORM or CONDITION, a mode other than one of RuleMode's
// six (here in any case, as serde and serde/contract read them). Then,
// rule by rule, migrationRules, domainRules, encodingRules, what
// RuleSet.validate checks, in its order: the name is not that of an
// earlier rule; Rule.validate (name, type, onSuccess, onFailure); the mode
// (WRITEREAD when none is given, as Rule's constructor sets it) belongs
// to the list.
func checkRules(rs *ruleSet, raw []byte, compileCEL bool) error {
	lists := []struct {
		name  string
		rules []rule
		modes []string
	}{
		{"migrationRules", rs.MigrationRules, []string{"UPGRADE", "DOWNGRADE", "UPDOWN"}},
		{"domainRules", rs.DomainRules, []string{"WRITE", "READ", "WRITEREAD"}},
		{"encodingRules", rs.EncodingRules, []string{"WRITE", "READ", "WRITEREAD"}},
	}
	for _, list := range lists {
		for i, r := range list.rules {
			switch {
			case r.Kind != "" && !slices.Contains([]string{"TRANSFORM", "CONDITION"}, upper(r.Kind)):
				return ruleErr("%s: kind %s is not TRANSFORM or CONDITION", ruleAt(list.name, i, r), quoteCut(r.Kind, 32))
			case r.Mode != "" && !slices.Contains(ruleModes, upper(r.Mode)):
				return ruleErr("%s: mode %s is not one of %s", ruleAt(list.name, i, r), quoteCut(r.Mode, 32), strings.Join(ruleModes, ", "))
			}
		}
	}
	seen := map[string]bool{}
	for _, list := range lists {
		for i, r := range list.rules {
			at := ruleAt(list.name, i, r)
			if r.Name != nil {
				if seen[*r.Name] {
					return ruleErr("%s: found rule with duplicate name %s", at, quoteCut(*r.Name, 64))
				}
				seen[*r.Name] = true
			}
			if err := validateRule(r); err != "" {
				return ruleErr("%s: %s", at, err)
			}
			if m := ruleMode(r); !slices.Contains(list.modes, m) {
				given := m
				if upper(r.Mode) == "" {
					given += " (the default when none is given)"
				}
				return ruleErr("%s: mode %s: %s can only be %s", at, given, list.name, joinOr(list.modes))
			}
		}
	}
	if !compileCEL {
		return nil
	}
	var srs serde.RuleSet
	if err := json.Unmarshal(raw, &srs); err != nil {
		return err // validateRuleSet decoded it already: unreachable
	}
	if err := contract.CompileRuleSet(&srs); err != nil {
		var ce *contract.CompileError
		if errors.As(err, &ce) {
			return ruleErr("rule %s does not compile: %s", quoteCut(ce.Rule, 64), cutText(ce.Err.Error(), 400))
		}
		return ruleErr("%s", cutText(err.Error(), 400))
	}
	return nil
}

// ruleAt names rule i of list: `domainRules[2] ("checkId")`, or
// `domainRules[2]` when it has no name.
func ruleAt(list string, i int, r rule) string {
	if r.Name == nil {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] (%s)", list, i, quoteCut(*r.Name, 64))
}

// ruleMode is r's mode, upper case; WRITEREAD when none is given.
func ruleMode(r rule) string {
	if m := upper(r.Mode); m != "" {
		return m
	}
	return "WRITEREAD"
}

// validateRule is Confluent's Rule.validate: it says what is wrong with
// r, or "". The name is required, at most 256 Java chars, a letter or '_'
// and then letters, digits, '_' and '-' (Character.isLetter and
// isLetterOrDigit, which see a character outside the BMP as two
// surrogates, neither a letter nor a digit); the type is required (empty
// is allowed); onSuccess and onFailure are free text (actions are
// pluggable and resolved by clients), but a comma, which pairs a WRITE (or
// UPGRADE) action with a READ (or DOWNGRADE) one, only with mode WRITEREAD
// or UPDOWN.
func validateRule(r rule) string {
	if r.Name == nil {
		return "missing rule name"
	}
	if p := serde.RuleNameProblem(*r.Name); p != "" {
		return p
	}
	if r.Type == nil {
		return "missing rule type"
	}
	for _, a := range []struct{ field, action string }{{"onSuccess", r.OnSuccess}, {"onFailure", r.OnFailure}} {
		if m := ruleMode(r); m != "WRITEREAD" && m != "UPDOWN" && strings.Contains(a.action, ",") {
			return fmt.Sprintf("%s %s: multiple actions only valid with WRITEREAD and UPDOWN, not %s", a.field, quoteCut(a.action, 64), m)
		}
	}
	return ""
}

// populate fills c's metadata and rule set as Confluent's registry does on
// registration (AbstractSchemaRegistry.maybeSetMetadataRuleSet): the
// schema's own, else the previous (latest live) version's; merged over
// the default of the config in force and under its override. Outside
// IMPORT mode only. Caller holds mu.
func (s *Server) populate(c *candidate, subject string, prev *schemaRec) error {
	defMD, ovrMD, defRS, ovrRS := s.st.rulesConfig(subject)
	md, rs := c.metadata, c.ruleSet
	if prev != nil {
		md = orRaw(md, prev.metadata)
		rs = orRaw(rs, prev.ruleSet)
	}
	var err error
	if md, err = mergeMetadata(defMD, md); err != nil {
		return err
	}
	if md, err = mergeMetadata(md, ovrMD); err != nil {
		return err
	}
	if rs, err = mergeRuleSets(defRS, rs); err != nil {
		return err
	}
	if rs, err = mergeRuleSets(rs, ovrRS); err != nil {
		return err
	}
	c.metadata, c.ruleSet = md, rs
	return nil
}

// mergeRuleSets is Confluent's RuleSet.mergeRuleSets: next's rules after
// old's, an old rule with the name of a next one left out, list by list;
// next's enableAt if it has one. Either nil gives the other unchanged.
func mergeRuleSets(old, next json.RawMessage) (json.RawMessage, error) {
	if old == nil {
		return next, nil
	}
	if next == nil {
		return old, nil
	}
	var o, n serde.RuleSet
	if err := json.Unmarshal(old, &o); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(next, &n); err != nil {
		return nil, err
	}
	out := serde.RuleSet{
		MigrationRules: mergeRules(o.MigrationRules, n.MigrationRules),
		DomainRules:    mergeRules(o.DomainRules, n.DomainRules),
		EncodingRules:  mergeRules(o.EncodingRules, n.EncodingRules),
		EnableAt:       n.EnableAt,
	}
	if out.EnableAt == "" {
		out.EnableAt = o.EnableAt
	}
	return json.Marshal(out)
}

func mergeRules(old, next []serde.Rule) []serde.Rule {
	if len(old) == 0 {
		return next
	}
	if len(next) == 0 {
		return old
	}
	out := slices.DeleteFunc(slices.Clone(old), func(r serde.Rule) bool {
		return slices.ContainsFunc(next, func(n serde.Rule) bool { return n.Name == r.Name })
	})
	return append(out, next...)
}

// mergeMetadata is Confluent's Metadata.mergeMetadata: tags and
// properties merged key by key (next's value wins), sensitive names
// united and sorted. Either nil gives the other unchanged.
func mergeMetadata(old, next json.RawMessage) (json.RawMessage, error) {
	if old == nil {
		return next, nil
	}
	if next == nil {
		return old, nil
	}
	var o, n serde.Metadata
	if err := json.Unmarshal(old, &o); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(next, &n); err != nil {
		return nil, err
	}
	out := serde.Metadata{Tags: mergeMap(o.Tags, n.Tags), Properties: mergeMap(o.Properties, n.Properties), Sensitive: n.Sensitive}
	if len(o.Sensitive) > 0 && len(n.Sensitive) > 0 {
		out.Sensitive = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(o.Sensitive), n.Sensitive...))))
	} else if len(n.Sensitive) == 0 {
		out.Sensitive = o.Sensitive
	}
	return json.Marshal(out)
}

func mergeMap[V any](old, next map[string]V) map[string]V {
	if len(old) == 0 {
		return next
	}
	if len(next) == 0 {
		return old
	}
	out := maps.Clone(old)
	maps.Copy(out, next)
	return out
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// joinOr spells a list as "A, B or C".
func joinOr(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " or " + l[len(l)-1]
}

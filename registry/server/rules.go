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

// ruleError is a rule set that has Confluent's shape but a rule that is
// not valid (a duplicate name, a mode of the wrong phase, CEL that does
// not compile). The answer is 422 with Confluent's INVALID_RULESET code.
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

// checkRules checks rs as Confluent's RuleSet.validate does (unique names
// across the three lists; migration rules UPGRADE, DOWNGRADE or UPDOWN;
// domain and encoding rules WRITE, READ or WRITEREAD, where a mode is
// given), and, with compileCEL, compiles every CEL and CEL_FIELD rule. Its errors are
// *ruleError.
func checkRules(raw []byte, compileCEL bool) error {
	if len(raw) == 0 {
		return nil
	}
	var rs serde.RuleSet
	if err := json.Unmarshal(raw, &rs); err != nil {
		return err // validateRuleSet decoded it already: unreachable
	}
	seen := map[string]bool{}
	for _, list := range []struct {
		name  string
		rules []serde.Rule
		modes []string
	}{
		{"migrationRules", rs.MigrationRules, []string{"UPGRADE", "DOWNGRADE", "UPDOWN"}},
		{"domainRules", rs.DomainRules, []string{"WRITE", "READ", "WRITEREAD"}},
		{"encodingRules", rs.EncodingRules, []string{"WRITE", "READ", "WRITEREAD"}},
	} {
		for i, r := range list.rules {
			if seen[r.Name] {
				return ruleErr("%s[%d]: found rule with duplicate name %s", list.name, i, quoteCut(r.Name, 64))
			}
			seen[r.Name] = true
			if m := upper(r.Mode); m != "" && !slices.Contains(list.modes, m) {
				return ruleErr("%s[%d] (%s): mode %s: %s can only be %s", list.name, i, quoteCut(r.Name, 64), m, list.name, joinOr(list.modes))
			}
		}
	}
	if !compileCEL {
		return nil
	}
	if err := contract.CompileRuleSet(&rs); err != nil {
		var ce *contract.CompileError
		if errors.As(err, &ce) {
			return ruleErr("rule %s does not compile: %s", quoteCut(ce.Rule, 64), cutText(ce.Err.Error(), 400))
		}
		return ruleErr("%s", cutText(err.Error(), 400))
	}
	return nil
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

package producer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/serde"
)

// Headers Confluent's Java DlqAction writes on a record a DLQ rule sent to
// the dead-letter topic; schemagen writes them too, besides its own.
const (
	HeaderRuleName      = "__rule.name"
	HeaderRuleMode      = "__rule.mode"
	HeaderRuleSubject   = "__rule.subject"
	HeaderRuleTopic     = "__rule.topic"
	HeaderRuleException = "__rule.exception"
)

// ParamDLQTopic is the rule parameter naming a DLQ rule's dead-letter
// topic, as Confluent's DlqAction reads it.
const ParamDLQTopic = "dlq.topic"

// ruleDeadLetter returns the policy for a record whose every violation is
// of a data-contract rule with onFailure DLQ: a dead letter to the first
// rule's dlq.topic, else to the policy's own dead-letter topic. A record
// with any other violation, or with no dead-letter topic to go to, keeps
// the policy it has (under ReturnError: the error, and nothing written).
//
// The rule's topic was checked at bind (checkDLQRules); a topic that
// fails the check anyway (the record's own topic) keeps the policy, so a
// rejected value is never written to topic itself unframed.
func ruleDeadLetter(err error, topic string, policy RejectPolicy) RejectPolicy {
	de, ok := onlyDLQ(err)
	if !ok {
		return policy
	}
	rule, _ := de.DeadLetterRule()
	if t := rule.Params[ParamDLQTopic]; t != "" && deadLetter(t).check(topic) == nil {
		return deadLetter(t)
	}
	return policy
}

// checkDLQRules checks the dead-letter topic of every rule in rs whose
// onFailure action names DLQ, as DeadLetter's policy is checked: a rule
// may not send rejected records to the producer's own topic, where they
// would land as plain JSON among framed records.
func checkDLQRules(rs *serde.RuleSet, topic string) error {
	if rs == nil {
		return nil
	}
	for _, rules := range [][]serde.Rule{rs.MigrationRules, rs.DomainRules, rs.EncodingRules} {
		for _, r := range rules {
			t, ok := r.Params[ParamDLQTopic]
			if !ok || !namesDLQ(r.OnFailure) {
				continue
			}
			if err := deadLetter(t).check(topic); err != nil {
				return fmt.Errorf("rule %q %s: %w", r.Name, ParamDLQTopic, err)
			}
		}
	}
	return nil
}

// namesDLQ reports whether an onFailure action list names DLQ.
func namesDLQ(actions string) bool {
	for a := range strings.SplitSeq(actions, ",") {
		if strings.EqualFold(strings.TrimSpace(a), "DLQ") {
			return true
		}
	}
	return false
}

// onlyDLQ returns the first serde.DeadLetterer (serde/contract's
// DLQError) when every error joined in err is one.
func onlyDLQ(err error) (serde.DeadLetterer, bool) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var first serde.DeadLetterer
	for _, e := range errs {
		de, ok := e.(serde.DeadLetterer)
		if !ok {
			return nil, false
		}
		if first == nil {
			first = de
		}
	}
	return first, first != nil
}

// ruleHeaders are Java DlqAction's headers for a record rejected by a DLQ
// rule; none for other rejections.
func ruleHeaders(r *Rejected) []kgo.RecordHeader {
	var de serde.DeadLetterer
	if !errors.As(r.Err, &de) {
		return nil
	}
	subject := ""
	if vs := serde.Violations(de); len(vs) > 0 {
		subject = vs[0].Subject
	}
	rule, mode := de.DeadLetterRule()
	return []kgo.RecordHeader{
		{Key: HeaderRuleName, Value: []byte(rule.Name)},
		{Key: HeaderRuleMode, Value: []byte(mode)},
		{Key: HeaderRuleSubject, Value: []byte(subject)},
		{Key: HeaderRuleTopic, Value: []byte(r.Topic)},
		{Key: HeaderRuleException, Value: []byte(r.Err.Error())},
	}
}

// Dead-letter redaction, as Confluent Java's DlqAction does by default
// (dlq.redact.rule.types = "ENCRYPT,ENCRYPT_PAYLOAD"; FieldRedactionExecutor):
// when the schema's domain rules include a rule of one of those types, every
// non-null STRING or BYTES field carrying one of those rules' tags is written
// as RedactedValue on the dead letter; fields of other types keep their value.
const RedactedValue = "<REDACTED>"

// redactRuleTypes are DlqAction's default dlq.redact.rule.types.
var redactRuleTypes = []string{"ENCRYPT", "ENCRYPT_PAYLOAD"}

// redactRuleName names the CEL_FIELD rule that finds the fields to redact.
const redactRuleName = "schemagen.dlq.redact"

// redactTags returns the union of the tags of rs's domain rules whose type
// is one of redactRuleTypes (as Java, disabled rules included: DlqAction
// reads the rule list, not the rules it ran).
func redactTags(rs *serde.RuleSet) []string {
	if rs == nil {
		return nil
	}
	var tags []string
	for _, r := range rs.DomainRules {
		for _, t := range redactRuleTypes {
			if strings.EqualFold(r.Type, t) {
				tags = append(tags, r.Tags...)
			}
		}
	}
	return tags
}

// redactPayload rewrites the JSON payload b of v (schema c) with every
// string or bytes field tagged for encryption replaced by RedactedValue.
// It returns b unchanged when c's rule set has no encryption rule. The
// tagged fields are found by serde/contract itself (inline confluent:tags,
// Protobuf field_meta tags, metadata tags), with a CEL_FIELD rule that
// fails on every selected STRING or BYTES field: its violations' paths are
// the fields to redact. A tagged field that cannot be found in the payload
// is an error: the caller then writes no payload rather than plaintext.
func redactPayload(b []byte, v any, c serde.Compiled, bound serde.Contract) ([]byte, error) {
	if c == nil {
		return b, nil
	}
	s := c.Schema()
	var tags []string
	if k, ok := bound.(interface{ Kept() []serde.Rule }); ok {
		// The bound contract's rules (the registered rule set when there
		// is a registry): ENCRYPT rules are TRANSFORM rules, kept.
		tags = redactTags(&serde.RuleSet{DomainRules: k.Kept()})
	} else {
		tags = redactTags(s.RuleSet)
	}
	if len(tags) == 0 {
		return b, nil
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{{
		Name: redactRuleName, Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: tags,
		Expr: "typeName == 'STRING' || typeName == 'BYTES' ; false", OnFailure: "ERROR",
	}}}
	ct, err := serde.CompileContract(c, rs, s.Metadata)
	if err != nil {
		return nil, fmt.Errorf("redaction: %w", err)
	}
	if ct == nil {
		return nil, errors.New("redaction: no contract compiler linked")
	}
	// The contract reads the value from its bare encoding, as on the
	// write path; a value its schema cannot encode (a type violation) has
	// no field to find, and its payload is not written.
	bare, err := c.AppendEncode(nil, v)
	if err != nil {
		return nil, fmt.Errorf("redaction: %w", err)
	}
	var paths []string
	for _, ve := range serde.Violations(ct.Check(v, bare)) {
		if ve.Rule == redactRuleName {
			paths = append(paths, ve.Path)
		}
	}
	if len(paths) == 0 {
		return b, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("redaction: %w", err)
	}
	for _, p := range paths {
		if !redactAt(doc, p) {
			return nil, fmt.Errorf("redaction: tagged field %s not found in the dead-letter payload", p)
		}
	}
	return json.Marshal(doc)
}

// redactAt replaces the value at path (like items[2].sku) in doc with
// RedactedValue. A name missing from an object is tried in protojson's
// lowerCamelCase too. It reports whether the path was found.
func redactAt(doc any, path string) bool {
	cur := doc
	segs := splitPath(path)
	for i, seg := range segs {
		last := i == len(segs)-1
		switch x := cur.(type) {
		case map[string]any:
			k := seg
			if _, ok := x[k]; !ok {
				k = lowerCamel(seg)
				if _, ok := x[k]; !ok {
					// encoding/json's names for untagged Go fields.
					if k = foldKey(x, seg); k == "" {
						return false
					}
				}
			}
			if last {
				x[k] = RedactedValue
				return true
			}
			cur = x[k]
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(x) {
				return false
			}
			if last {
				x[n] = RedactedValue
				return true
			}
			cur = x[n]
		default:
			return false
		}
	}
	return false
}

// splitPath splits a violation path (a.b[2].c, m["k"]) into its names and
// indexes.
func splitPath(p string) []string {
	var out []string
	for part := range strings.SplitSeq(p, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				out = append(out, part[i:])
				break
			}
			out = append(out, strings.Trim(part[i+1:i+j], `"`))
			part = part[i+j+1:]
		}
	}
	return out
}

func lowerCamel(s string) string {
	var sb strings.Builder
	up := false
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// foldKey returns the key of m equal to name under Unicode case folding
// (the match encoding/json's decoder makes), or "".
func foldKey(m map[string]any, name string) string {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return ""
}

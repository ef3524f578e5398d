package producer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/schemagen/schemagen/serde"
)

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

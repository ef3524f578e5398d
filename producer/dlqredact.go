package producer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/schemagen/schemagen/serde"
)

// Dead-letter redaction, as Confluent Java's DlqAction does it
// (dlq.redact.rule.types, by default "ENCRYPT,ENCRYPT_PAYLOAD";
// FieldRedactionExecutor): when the rule set has a rule of one of those
// types, every non-null STRING or BYTES field carrying one of those rules'
// tags is written as RedactedValue on the dead letter; fields of other types
// keep their value.
const RedactedValue = "<REDACTED>"

// DefaultRedactRuleTypes are Java DlqAction's default dlq.redact.rule.types:
// the rule types whose tags a dead letter redacts unless
// DeadLetterRedactRuleTypes says otherwise.
var DefaultRedactRuleTypes = []string{"ENCRYPT", "ENCRYPT_PAYLOAD"}

// DeadLetterRedactRuleTypes sets the rule types whose tags a dead letter
// redacts, Java DlqAction's dlq.redact.rule.types, overriding
// DefaultRedactRuleTypes. Each argument may be a comma-separated list, as
// Java's setting is; names are trimmed and matched against a rule's type
// without regard to case. With no names (or only empty ones) nothing is
// redacted: dead letters carry tagged fields in plaintext.
func DeadLetterRedactRuleTypes(types ...string) Opt {
	var out []string
	for _, t := range types {
		for s := range strings.SplitSeq(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return opt(func(c *cfg) { c.redactTypes, c.redactTypesSet = out, true })
}

// redactRuleName names the CEL_FIELD rule that finds the fields to redact.
const redactRuleName = "schemagen.dlq.redact"

// redaction is what one dead letter redacts: the fields carrying one of
// tags.
type redaction struct {
	tags []string
}

// redaction returns what r's dead letter redacts: the tags of the rules of
// the producer's redacted types in the value's and the key's bound rule
// sets. Java redacts the original key and value with the rule list of the
// failing rule's side; both sides' lists are used here, so a field tagged
// for encryption by either is redacted wherever it appears.
func (p *Producer) redaction(r *Rejected) redaction {
	types := DefaultRedactRuleTypes
	if p.cfg.redactTypesSet {
		types = p.cfg.redactTypes
	}
	return redaction{tags: redactTags(types, r.valueRules.RuleSet, r.keyRules.RuleSet)}
}

func (rd redaction) on() bool { return len(rd.tags) > 0 }

// redactTags returns the union of the tags of the domain rules in sets
// whose type is one of types (as Java, disabled rules included: DlqAction
// reads the rule list, not the rules it ran).
func redactTags(types []string, sets ...*serde.RuleSet) []string {
	var tags []string
	for _, rs := range sets {
		if rs == nil {
			continue
		}
		for _, r := range rs.DomainRules {
			if slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(r.Type, t) }) {
				for _, tag := range r.Tags {
					if !slices.Contains(tags, tag) {
						tags = append(tags, tag)
					}
				}
			}
		}
	}
	return tags
}

// form returns what a dead letter carries of v, a value of schema c whose
// bound metadata is md: with nothing to redact, encodePayload's encoding;
// else its JSON form ("json") with every tagged string or bytes field
// redacted, changed saying whether there was one. A []byte v is read first:
// as JSON text for JSON Schema, as the schema's bare encoding for Avro and
// Protobuf. A value whose tagged fields cannot be found (one that cannot be
// read, or breaks its types) has no form: "none", with the reason, and
// never the plaintext.
func (rd redaction) form(v any, c serde.Compiled, md *serde.Metadata) (b []byte, enc string, changed bool, err error) {
	if !rd.on() || c == nil {
		b, enc, err = encodePayload(v, c)
		return b, enc, false, err
	}
	raw, isRaw := v.([]byte)
	if isRaw && c.Format() != serde.JSON {
		if v, err = decodeRaw(raw, c); err != nil {
			return nil, "none", false, fmt.Errorf("redaction: the []byte payload is not %s's bare encoding: %w", c.Format(), err)
		}
	}
	if b, _, err = encodePayload(v, c); err != nil {
		return nil, "none", false, err
	}
	if b, changed, err = rd.redactJSON(b, v, c, md, isRaw); err != nil {
		return nil, "none", false, err
	}
	return b, "json", changed, nil
}

// decodeRaw decodes raw, an Avro or Protobuf value's bare encoding, into
// the value it encodes. For Avro the value must encode back to raw itself:
// bytes that happen to decode are not taken for a value whose fields hold
// what they say.
func decodeRaw(raw []byte, c serde.Compiled) (any, error) {
	var v any
	if err := c.Decode(raw, &v); err != nil {
		return nil, err
	}
	if c.Format() == serde.Protobuf {
		return v, nil // a dynamic message of the schema's type
	}
	back, err := c.AppendEncode(nil, v)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(back, raw) {
		return nil, errors.New("it does not encode back to the same bytes")
	}
	return v, nil
}

// redactJSON rewrites the JSON payload b of v (schema c, bound metadata md)
// with every string or bytes field carrying one of rd's tags replaced by
// RedactedValue, and reports whether there was one; b is returned as it is
// when there was none, unless normalize (then it is decoded and encoded
// again, so that nothing a JSON decoder would drop, like a duplicate name,
// is passed on). The tagged fields are found by serde/contract itself
// (inline confluent:tags, Protobuf field_meta tags, the tags of md and of
// c's own metadata), with a CEL_FIELD rule that fails on every selected
// STRING or BYTES field: its violations' paths are the fields to redact. A
// tagged field that cannot be found in the payload is an error: the caller
// then writes no payload rather than plaintext.
func (rd redaction) redactJSON(b []byte, v any, c serde.Compiled, md *serde.Metadata, normalize bool) ([]byte, bool, error) {
	rs := &serde.RuleSet{DomainRules: []serde.Rule{{
		Name: redactRuleName, Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: rd.tags,
		Expr: "typeName == 'STRING' || typeName == 'BYTES' ; false", OnFailure: "ERROR",
	}}}
	ct, err := serde.CompileContract(c, rs, mergeMetadata(md, c.Schema().Metadata))
	if err != nil {
		return nil, false, fmt.Errorf("redaction: %w", err)
	}
	if ct == nil {
		return nil, false, errors.New("redaction: no contract compiler linked")
	}
	// The contract reads the value from its bare encoding, as on the
	// write path; a value its schema cannot encode (a type violation) has
	// no field to find, and its payload is not written.
	bare, err := c.AppendEncode(nil, v)
	if err != nil {
		return nil, false, fmt.Errorf("redaction: %w", err)
	}
	var paths []string
	for _, ve := range serde.Violations(ct.Check(v, bare)) {
		if ve.Rule == redactRuleName {
			paths = append(paths, ve.Path)
		}
	}
	if len(paths) == 0 && !normalize {
		return b, false, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, false, fmt.Errorf("redaction: %w", err)
	}
	for _, p := range paths {
		if !redactAt(doc, p) {
			return nil, false, fmt.Errorf("redaction: tagged field %s not found in the dead-letter payload", p)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, false, fmt.Errorf("redaction: %w", err)
	}
	return out, len(paths) > 0, nil
}

// mergeMetadata returns a metadata whose tags are the union of a's and
// b's, path by path (nil when neither has tags). The registered metadata
// (a) is the contract's; a compiled schema's own (b) may tag more.
func mergeMetadata(a, b *serde.Metadata) *serde.Metadata {
	if a == nil || len(a.Tags) == 0 {
		if b == nil || len(b.Tags) == 0 {
			return nil
		}
		return &serde.Metadata{Tags: b.Tags}
	}
	if b == nil || len(b.Tags) == 0 {
		return &serde.Metadata{Tags: a.Tags}
	}
	tags := make(map[string][]string, len(a.Tags)+len(b.Tags))
	for _, m := range []*serde.Metadata{a, b} {
		for p, ts := range m.Tags {
			for _, t := range ts {
				if !slices.Contains(tags[p], t) {
					tags[p] = append(tags[p], t)
				}
			}
		}
	}
	return &serde.Metadata{Tags: tags}
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

package producer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/schemagen/schemagen/serde"
)

// Dead-letter redaction, as Confluent Java's DlqAction does it
// (dlq.redact.rule.types, by default "ENCRYPT,ENCRYPT_PAYLOAD";
// FieldRedactionExecutor): when the rule set has a rule of one of those
// types, every non-null STRING or BYTES field carrying one of those rules'
// tags (every one, when such a rule has no tags) is written as
// RedactedValue on the dead letter; fields of other types keep their value.
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

// redaction is what one dead letter redacts: nothing unless active; else
// the fields carrying one of tags, or every field when all.
type redaction struct {
	active bool
	all    bool
	tags   []string
}

// redaction returns what r's dead letter redacts: the fields the rules of
// the producer's redacted types in the value's and the key's bound rule
// sets select. Java redacts the original key and value with the rule list
// of the failing rule's side; both sides' lists are used here, so a field
// tagged for encryption by either is redacted wherever it appears.
func (p *Producer) redaction(r *Rejected) redaction {
	types := DefaultRedactRuleTypes
	if p.cfg.redactTypesSet {
		types = p.cfg.redactTypes
	}
	return redactRules(types, r.valueRules.RuleSet, r.keyRules.RuleSet)
}

func (rd redaction) on() bool { return rd.active }

// redactRules returns what the domain rules in sets whose type is one of
// types redact (as Java, disabled rules included: DlqAction reads the rule
// list, not the rules it ran): the union of their tags, or every field
// when one of them has no tags. Java's empty tag list selects every field
// (RuleContext's empty ruleTags), and an ENCRYPT rule with no tags
// encrypts every field on the write path; Java unions the tags first, so
// there a tagged rule beside an untagged one narrows it: here it does not,
// the safer reading.
func redactRules(types []string, sets ...*serde.RuleSet) redaction {
	var rd redaction
	for _, rs := range sets {
		if rs == nil {
			continue
		}
		for _, r := range rs.DomainRules {
			if !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(r.Type, t) }) {
				continue
			}
			rd.active = true
			if len(r.Tags) == 0 {
				rd.all = true
			}
			for _, tag := range r.Tags {
				if !slices.Contains(rd.tags, tag) {
					rd.tags = append(rd.tags, tag)
				}
			}
		}
	}
	if rd.all {
		rd.tags = nil
	}
	return rd
}

// form returns what a dead letter carries of v, a value of schema c whose
// bound metadata is md: with nothing to redact, encodePayload's encoding;
// else its JSON form ("json") with every tagged string or bytes field
// redacted, changed saying whether there was one. A []byte v is read first:
// as JSON text for JSON Schema, as the schema's bare encoding for Avro and
// Protobuf. A value whose tagged fields cannot be found (one that cannot be
// read, or breaks its types) has no form: "none", with the reason, and
// never the plaintext. Errors never carry a value's text: only serde's
// sentinels (a format's own message may quote the value).
func (rd redaction) form(v any, c serde.Compiled, md *serde.Metadata) (b []byte, enc string, changed bool, err error) {
	if !rd.on() || c == nil {
		b, enc, err = encodePayload(v, c)
		return b, enc, false, err
	}
	raw, isRaw := v.([]byte)
	if isRaw && c.Format() != serde.JSON {
		if v, err = decodeRaw(raw, c); err != nil {
			return nil, "none", false, quiet(fmt.Sprintf("the []byte payload is not %s's bare encoding", c.Format()), err)
		}
	}
	if b, _, err = encodePayload(v, c); err != nil {
		return nil, "none", false, quiet("the value has no JSON form", err)
	}
	if b, changed, err = rd.redactJSON(b, v, c, md, isRaw); err != nil {
		return nil, "none", false, err
	}
	return b, "json", changed, nil
}

// quiet returns an error saying what failed, wrapping the serde sentinel
// err wraps, if any, but not err's text, which may quote the value.
func quiet(what string, err error) error {
	for _, s := range []error{serde.ErrNoRuleEngine, serde.ErrDecode, serde.ErrEncode, serde.ErrTruncated,
		serde.ErrType, serde.ErrRequired, serde.ErrEnum, serde.ErrRange, serde.ErrFormat, serde.ErrUnion,
		serde.ErrUnknownField, serde.ErrConstraint, serde.ErrRule} {
		if errors.Is(err, s) {
			return fmt.Errorf("redaction: %s: %w", what, s)
		}
	}
	return fmt.Errorf("redaction: %s", what)
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

// redactJSON returns the JSON payload b of v (schema c, bound metadata md)
// with every string or bytes field rd selects replaced by RedactedValue,
// and reports whether there was one; b is returned as it is when there was
// none, unless normalize (then it is decoded and encoded again, so that
// nothing a JSON decoder would drop, like a duplicate name, is passed on).
//
// The tagged fields are found by serde/contract itself (inline
// confluent:tags, Protobuf field_meta tags, the tags of md and of c's own
// metadata), with a CEL_FIELD rule that fails on every selected STRING or
// BYTES field, in the very tree it walks: for Avro and JSON Schema the
// generic value (serde.RuleTarget's RuleValue) of v's bare encoding, whose
// names are the schema's by construction. Each violation's path is found
// in that tree by a parser that reads map keys as the path printer quotes
// them and tries every reading the tree allows, redacting each place the
// path can denote (see places). The payload is then b's own shape (a Go
// struct's encoding/json names) when b is shown to hold what the tree
// holds, place for place (see transfer), and the redacted tree itself
// otherwise. For Protobuf the tree is b, protojson. A tagged field that
// cannot be found is an error: the caller then writes no payload rather
// than plaintext. So is, for JSON Schema, a tag the walk may not read or
// a tagged field holding a place it does not judge (unreadTags). An
// untagged rule does not use the walk (redactAllJSON).
func (rd redaction) redactJSON(b []byte, v any, c serde.Compiled, md *serde.Metadata, normalize bool) ([]byte, bool, error) {
	if rd.all {
		return redactAllJSON(b, v, c, normalize)
	}
	if c.Format() == serde.JSON {
		if err := unreadTags(c, rd.tags, mergeMetadata(md, c.Schema().Metadata)); err != nil {
			return nil, false, err
		}
	}
	// The rule fails (or errs) on every selected STRING or BYTES field;
	// for Protobuf not on an empty one, which protojson leaves out of
	// the payload (a proto3 field holding its default): it has nothing
	// to hide, and looking for it would lose the payload.
	expr := "typeName == 'STRING' || typeName == 'BYTES' ; false"
	if c.Format() == serde.Protobuf {
		expr = "typeName == 'STRING' || typeName == 'BYTES' ; size(value) == 0"
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{{
		Name: redactRuleName, Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: rd.tags,
		Expr: expr, OnFailure: "ERROR",
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
		return nil, false, quiet("the value does not encode with its schema", err)
	}
	var tree any
	form := protoPaths
	rt, generic := c.(serde.RuleTarget)
	generic = generic && c.Format() != serde.Protobuf
	if generic {
		// nil: RuleValue decodes bare, never returning v itself.
		if tree, err = rt.RuleValue(nil, bare); err != nil {
			return nil, false, quiet("the value's encoding does not decode", err)
		}
		form = jsonPaths
		if c.Format() == serde.Avro {
			form = avroPaths
		}
	}
	checked := v
	if generic {
		checked = tree
	}
	// Every violation is a rule's (this one's, or an inline rule's of
	// the schema, ignored); anything else (the value could not be read)
	// means the fields were not looked for.
	var paths []string
	cerr := ct.Check(checked, bare)
	vs := serde.Violations(cerr)
	if cerr != nil && len(vs) == 0 {
		return nil, false, quiet("the contract could not read the value", cerr)
	}
	for _, ve := range vs {
		switch {
		case ve.Rule == redactRuleName:
			paths = append(paths, ve.Path)
		case !errors.Is(ve, serde.ErrRule):
			return nil, false, quiet("the contract could not read the value", ve)
		}
	}
	if len(paths) == 0 && !normalize {
		return b, false, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, false, quiet("the value's JSON form does not decode", err)
	}
	if !generic {
		tree = doc
	}
	red := deepCopy(tree, 0)
	if red, err = redactPaths(red, paths, form); err != nil {
		return nil, false, err
	}
	out := red
	if generic {
		if t, ok := transfer(doc, tree, red, 0); ok {
			out = t
		}
	}
	ob, err := json.Marshal(out)
	if err != nil {
		return nil, false, quiet("the redacted value has no JSON form", err)
	}
	return ob, len(paths) > 0, nil
}

// pathForm says how a violation path's field names read in a tree.
type pathForm uint8

const (
	// jsonPaths: a field is the object member of exactly that name, which
	// may hold any character (JSON Schema property names).
	jsonPaths pathForm = iota
	// avroPaths: as jsonPaths, and a union member may be wrapped in a map
	// naming its branch ({"string": "x"}, hamba's generic form), which
	// the path does not mention.
	avroPaths
	// protoPaths: a field is a Protobuf field name (letters, digits and
	// '_'), a member of protojson's object under its JSON name: its
	// lowerCamelCase, the name itself, or a name equal to either but for
	// case. Every one present is redacted.
	protoPaths
)

// maxPathSteps bounds the work of finding one path: a tree whose names make
// a path readable in very many ways is not searched without end, and its
// payload is not written.
const maxPathSteps = 1 << 16

// place is a location in a tree: a map's member or a list's element.
type place struct {
	m map[string]any
	k string
	l []any
	i int
	// root: the tree itself.
	root bool
}

// redactPaths replaces, in tree, every place each of paths can denote by
// RedactedValue and returns the tree (RedactedValue itself for a path
// denoting the root). A path that denotes no place is an error.
func redactPaths(tree any, paths []string, form pathForm) (any, error) {
	var all []place
	for _, p := range paths {
		f := finder{form: form}
		f.find(tree, p, true, place{root: true}, 0)
		switch {
		case f.steps > maxPathSteps:
			return nil, fmt.Errorf("redaction: tagged field %s: too many readings in the dead-letter payload", p)
		case len(f.out) == 0:
			return nil, fmt.Errorf("redaction: tagged field %s not found in the dead-letter payload", p)
		}
		all = append(all, f.out...)
	}
	// Found first and replaced after: a place holds a primitive (or a
	// union wrapping one), so replacing one never moves another.
	for _, at := range all {
		switch {
		case at.root:
			tree = RedactedValue
		case at.m != nil:
			at.m[at.k] = RedactedValue
		default:
			at.l[at.i] = RedactedValue
		}
	}
	return tree, nil
}

// finder reads one violation path in a tree. The path is what
// serde/contract prints: a field name as it is (after '.', unless it comes
// first), an index as [2], a map key as [strconv.Quote(key)]. A field name
// may itself hold '.', '[' or '"' (a JSON Schema property), so the path is
// not split: every reading that the tree has places for is followed, and
// each place one reaches at the path's end is kept. The place the path was
// printed from is one of them; the others are redacted too.
type finder struct {
	form  pathForm
	out   []place
	steps int
}

func (f *finder) find(x any, p string, first bool, at place, depth int) {
	if f.steps++; f.steps > maxPathSteps || depth > maxRedactDepth {
		return
	}
	if p == "" {
		f.out = append(f.out, at)
		return
	}
	switch n := x.(type) {
	case map[string]any:
		// A map key: ["..."], exactly as strconv.Quote wrote it.
		if strings.HasPrefix(p, `["`) {
			if q, err := strconv.QuotedPrefix(p[1:]); err == nil && strings.HasPrefix(p[1+len(q):], "]") {
				if k, err := strconv.Unquote(q); err == nil {
					if y, ok := n[k]; ok {
						f.find(y, p[1+len(q)+1:], false, place{m: n, k: k}, depth+1)
					}
				}
			}
		}
		// A field: '.' and its name, or its name alone first.
		rest, ok := p, first
		if !first {
			rest, ok = strings.CutPrefix(p, ".")
		}
		if ok {
			if f.form == protoPaths {
				name := rest[:protoNameLen(rest)]
				for _, k := range protoKeys(n, name) {
					f.find(n[k], rest[len(name):], false, place{m: n, k: k}, depth+1)
				}
			} else {
				for k, y := range n {
					if strings.HasPrefix(rest, k) {
						f.find(y, rest[len(k):], false, place{m: n, k: k}, depth+1)
					}
				}
			}
		}
		// An Avro union member wrapped in its branch's name.
		if f.form == avroPaths && len(n) == 1 {
			for k, y := range n {
				f.find(y, p, first, place{m: n, k: k}, depth+1)
			}
		}
	case []any:
		if !strings.HasPrefix(p, "[") {
			return
		}
		j := strings.IndexByte(p, ']')
		if j < 2 || strings.Trim(p[1:j], "0123456789") != "" {
			return
		}
		if i, err := strconv.Atoi(p[1:j]); err == nil && i < len(n) {
			f.find(n[i], p[j+1:], false, place{l: n, i: i}, depth+1)
		}
	}
}

// protoNameLen is the length of the Protobuf field name p starts with.
func protoNameLen(p string) int {
	for i, r := range p {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return i
		}
	}
	return len(p)
}

// protoKeys returns the members of m that can be the Protobuf field name's
// in protojson: its lowerCamelCase (protojson's default JSON name), the
// name itself, and any member equal to either but for case.
func protoKeys(m map[string]any, name string) []string {
	if name == "" {
		return nil
	}
	camel := lowerCamel(name)
	var out []string
	for k := range m {
		if k == name || k == camel || strings.EqualFold(k, name) || strings.EqualFold(k, camel) {
			out = append(out, k)
		}
	}
	return out
}

// maxRedactDepth bounds the walks of a tree; its format decoded it within
// its own limits.
const maxRedactDepth = 10_000

// deepCopy copies the maps and lists of a tree, so that redacting it
// leaves the value the caller gave (and the tree it is compared with)
// as it was.
func deepCopy(x any, depth int) any {
	if depth > maxRedactDepth {
		return x
	}
	switch n := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, y := range n {
			out[k] = deepCopy(y, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, y := range n {
			out[i] = deepCopy(y, depth+1)
		}
		return out
	}
	return x
}

// transfer returns doc, the payload's own JSON form (a Go struct's
// encoding/json names), with the places red redacted in tree redacted in
// it too, when doc holds what tree holds: members paired one to one
// (by the same name, or else by the only name equal but for case and
// '_'), lists of the same length element by element, an Avro union's
// wrapper in tree matching its member in doc, and every pair of leaves
// alike in JSON. Then doc says nothing that red does not, but for names;
// ok is false otherwise, and the caller writes red itself. Nothing in
// doc is taken on its name alone.
func transfer(doc, tree, red any, depth int) (any, bool) {
	if s, ok := red.(string); ok && s == RedactedValue {
		return RedactedValue, true
	}
	if depth > maxRedactDepth {
		return nil, false
	}
	switch t := tree.(type) {
	case map[string]any:
		r, ok := red.(map[string]any)
		if !ok {
			return nil, false
		}
		if d, ok := doc.(map[string]any); ok && len(d) == len(t) {
			if out, ok := transferMap(d, t, r, depth); ok {
				return out, true
			}
		}
		if len(t) == 1 { // an Avro union's wrapper: {"branch": member}
			for k := range t {
				return transfer(doc, t[k], r[k], depth+1)
			}
		}
		return nil, false
	case []any:
		r, ok := red.([]any)
		d, ok2 := doc.([]any)
		if !ok || !ok2 || len(r) != len(t) || len(d) != len(t) {
			return nil, false
		}
		out := make([]any, len(d))
		for i := range d {
			if out[i], ok = transfer(d[i], t[i], r[i], depth+1); !ok {
				return nil, false
			}
		}
		return out, true
	}
	// A leaf: doc's and tree's JSON alike.
	db, err1 := json.Marshal(doc)
	tb, err2 := json.Marshal(tree)
	if err1 != nil || err2 != nil || !bytes.Equal(db, tb) {
		return nil, false
	}
	return doc, true
}

func transferMap(d, t, r map[string]any, depth int) (map[string]any, bool) {
	pair := make(map[string]string, len(t)) // tree name -> doc name
	used := make(map[string]bool, len(d))
	for k := range t {
		if _, ok := d[k]; ok {
			pair[k], used[k] = k, true
		}
	}
	for k := range t {
		if _, ok := pair[k]; ok {
			continue
		}
		match := ""
		for dk := range d {
			if !used[dk] && looseName(dk) == looseName(k) {
				if match != "" {
					return nil, false // two candidates: no guess
				}
				match = dk
			}
		}
		if match == "" {
			return nil, false
		}
		pair[k], used[match] = match, true
	}
	out := make(map[string]any, len(d))
	for k, dk := range pair {
		v, ok := transfer(d[dk], t[k], r[k], depth+1)
		if !ok {
			return nil, false
		}
		out[dk] = v
	}
	return out, true
}

// looseName folds case and drops '_': HomeEmail and home_email agree.
func looseName(s string) string {
	var sb strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r != '_' {
			sb.WriteRune(unicode.ToLower(unicode.ToUpper(r)))
		}
	}
	return sb.String()
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

// redactAllJSON is redactJSON for an untagged rule (every string or bytes
// field): every string leaf of the value's JSON form is replaced by
// RedactedValue, structurally, wherever it is (a map's value, an array's
// item, the root itself, a place no schema describes); numbers, bools,
// null and map keys stay. The rule walk is not used: it never selects a
// string it reaches with no field, or whose schema names no type.
//
// For Avro and JSON Schema the leaves are those of the generic tree of
// v's bare encoding (its bytes, logical values and anything else that is
// not a number or a bool are redacted too), and the payload is b's own
// shape only where transfer shows b holds what the tree holds; for
// Protobuf they are b's, protojson (whose 64-bit integers, enums and
// well-known types are strings: redacted too).
func redactAllJSON(b []byte, v any, c serde.Compiled, normalize bool) ([]byte, bool, error) {
	bare, err := c.AppendEncode(nil, v)
	if err != nil {
		return nil, false, quiet("the value does not encode with its schema", err)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, false, quiet("the value's JSON form does not decode", err)
	}
	tree := doc
	rt, generic := c.(serde.RuleTarget)
	generic = generic && c.Format() != serde.Protobuf
	if generic {
		if tree, err = rt.RuleValue(nil, bare); err != nil {
			return nil, false, quiet("the value's encoding does not decode", err)
		}
	}
	n := 0
	red, ok := redactLeaves(deepCopy(tree, 0), 0, &n)
	if !ok {
		return nil, false, errors.New("redaction: the value is nested too deep to redact")
	}
	out, same := red, !generic
	if generic {
		if t, ok := transfer(doc, tree, red, 0); ok {
			out, same = t, true
		}
	}
	if n == 0 && !normalize && same {
		return b, false, nil // nothing to hide, and b holds what the tree holds
	}
	ob, err := json.Marshal(out)
	if err != nil {
		return nil, false, quiet("the redacted value has no JSON form", err)
	}
	return ob, n > 0, nil
}

// redactLeaves replaces, in x (a tree it may modify), every leaf that is
// not a number, a bool or null by RedactedValue, counting them in n. It
// returns false for a tree deeper than maxRedactDepth.
func redactLeaves(x any, depth int, n *int) (any, bool) {
	if depth > maxRedactDepth {
		return nil, false
	}
	switch t := x.(type) {
	case nil, bool, json.Number:
		return x, true
	case map[string]any:
		for k, y := range t {
			r, ok := redactLeaves(y, depth+1, n)
			if !ok {
				return nil, false
			}
			t[k] = r
		}
		return t, true
	case []any:
		for i, y := range t {
			r, ok := redactLeaves(y, depth+1, n)
			if !ok {
				return nil, false
			}
			t[i] = r
		}
		return t, true
	}
	switch reflect.ValueOf(x).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return x, true
	}
	*n++ // a string, bytes, or anything else
	return RedactedValue, true
}

// ---- Tags the rule walk does not read (JSON Schema) ------------------------

// jsonTagReach is what a JSON Schema's text tags beyond serde/jsonschema's
// rule walk (RuleTree): the walk reads "confluent:tags" only on a property
// schema (properties/NAME) of an object it visits, and visits objects,
// arrays' "items", a property-less object's "additionalProperties",
// "allOf"/"anyOf"/"oneOf" branches and local "$ref" targets; tags anywhere
// else (additionalProperties, patternProperties, items, the root, a schema
// the walk does not visit) select nothing there.
type jsonTagReach struct {
	// unread: the tags of every "confluent:tags" the walk does not read.
	unread []string
	// unreadAny: one of them is not a list of strings.
	unreadAny bool
	// unreadProp: a property schema the walk does not visit, which a
	// metadata tag path could name.
	unreadProp bool
	// hole: the tags of every field holding a place whose strings the
	// walk visits but never selects (a schema with no type, a map with no
	// values schema, an array with no items schema, a $ref that does not
	// resolve); holeInField: there is one, which metadata could tag.
	hole        []string
	holeInField bool
	// opaque: the walk cannot be followed (a "$ref" to another document,
	// whose tags are not read; nesting past tagWalkDepth; text that is
	// not JSON): every tag is taken as unread.
	opaque bool
}

// tagWalkDepth bounds jsonTagReach's walks; a schema nested deeper is
// opaque (serde/jsonschema's own walk stops at 256).
const tagWalkDepth = 200

// unreadTags returns an error when a field carrying one of tags (by the
// schema's inline tags or by md's tag paths) may be one the rule walk of
// c, a JSON Schema, does not visit: redaction cannot find it, so the dead
// letter gets no payload rather than the plaintext. The schema is read
// once per text (tagReachCache).
func unreadTags(c serde.Compiled, tags []string, md *serde.Metadata) error {
	tr := tagReachOf(c.Schema().Text)
	meets := func(ts []string) bool {
		return slices.ContainsFunc(ts, func(t string) bool {
			return slices.ContainsFunc(tags, func(r string) bool { return strings.EqualFold(r, t) })
		})
	}
	metaTagged := false
	if md != nil {
		for _, ts := range md.Tags {
			metaTagged = metaTagged || meets(ts)
		}
	}
	switch {
	case tr.opaque:
		return errors.New("redaction: the schema's tags cannot all be followed (a $ref to another document, or nesting too deep)")
	case tr.unreadAny || meets(tr.unread):
		return errors.New("redaction: the schema tags a place the rule walk does not visit (additionalProperties, patternProperties, items, ...)")
	case metaTagged && tr.unreadProp:
		return errors.New("redaction: a metadata tag path may name a property the rule walk does not visit")
	case meets(tr.hole) || metaTagged && tr.holeInField:
		return errors.New("redaction: a tagged field holds a value the rule walk does not judge (no type, or no items or values schema)")
	}
	return nil
}

// tagReachCache holds jsonTagReach by schema text; it is emptied when it
// reaches maxTagReachCache entries.
var (
	tagReachMu    sync.Mutex
	tagReachCache = map[string]*jsonTagReach{}
)

const maxTagReachCache = 256

func tagReachOf(text string) *jsonTagReach {
	tagReachMu.Lock()
	tr, ok := tagReachCache[text]
	tagReachMu.Unlock()
	if ok {
		return tr
	}
	tr = readTagReach(text)
	tagReachMu.Lock()
	if len(tagReachCache) >= maxTagReachCache {
		clear(tagReachCache)
	}
	tagReachCache[text] = tr
	tagReachMu.Unlock()
	return tr
}

func readTagReach(text string) *jsonTagReach {
	tr := &jsonTagReach{}
	var root any
	if err := json.Unmarshal([]byte(text), &root); err != nil {
		tr.opaque = true
		return tr
	}
	w := &tagWalk{root: root, seen: map[string]bool{}, props: map[uintptr]bool{}}
	w.node(root, 0, nil)
	tr.opaque = w.opaque
	tr.hole, tr.holeInField = w.hole, w.holeInField
	// Every "confluent:tags" and every property schema in the text, the
	// walk's or not (a "properties" member that is not one, in "default"
	// or "examples", is taken for one: unread, never missed).
	var scan func(x any, depth int)
	scan = func(x any, depth int) {
		if depth > tagWalkDepth {
			tr.opaque = true
			return
		}
		switch t := x.(type) {
		case map[string]any:
			if tv, ok := t["confluent:tags"]; ok && !w.props[mapID(t)] {
				l, ok := tv.([]any)
				for _, e := range l {
					s, isStr := e.(string)
					ok = ok && isStr
					tr.unread = append(tr.unread, s)
				}
				tr.unreadAny = tr.unreadAny || !ok
			}
			if props, ok := t["properties"].(map[string]any); ok {
				for _, p := range props {
					if pm, ok := p.(map[string]any); ok && !w.props[mapID(pm)] {
						tr.unreadProp = true
					}
				}
			}
			for _, y := range t {
				scan(y, depth+1)
			}
		case []any:
			for _, y := range t {
				scan(y, depth+1)
			}
		}
	}
	scan(root, 0)
	return tr
}

// tagWalk follows the schemas serde/jsonschema's rule walk visits
// (jsonRules.node), marking the property schemas whose tags it reads.
type tagWalk struct {
	root   any
	seen   map[string]bool  // schemas visited, with their field's tags
	props  map[uintptr]bool // property schemas: their tags are read
	opaque bool
	// hole, holeInField: as jsonTagReach's.
	hole        []string
	holeInField bool
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func mapID(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// node visits schema x; field is the tags of the property x is (or is
// inside, records aside), nil outside any property.
func (w *tagWalk) node(x any, depth int, field []string) {
	m, ok := x.(map[string]any)
	if !ok {
		return
	}
	if depth > tagWalkDepth {
		w.opaque = true
		return
	}
	key := fmt.Sprint(mapID(m), field == nil, field)
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	if ref, ok := m["$ref"].(string); ok {
		if strings.HasPrefix(ref, "#") {
			// The walk reads the target alone, not the keywords beside
			// the $ref.
			if t, ok := w.pointer(ref[1:]); ok {
				w.node(t, depth+1, field)
			} else {
				w.holed(field)
			}
			return
		}
		w.opaque = true // another document: its tags are not read
	}
	var types []string
	switch t := m["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				types = append(types, s)
			}
		}
	}
	switch {
	case len(types) > 1:
		for _, t := range types {
			w.typed(m, t, depth, field)
		}
	case hasKey(m, "enum") || hasKey(m, "const"):
		// An enum: nothing below it is visited.
	default:
		t := ""
		if len(types) == 1 {
			t = types[0]
		} else if _, ok := m["properties"]; ok {
			t = "object"
		} else if _, ok := m["items"].(map[string]any); ok {
			t = "array"
		}
		w.typed(m, t, depth, field)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		l, _ := m[k].([]any)
		for _, b := range l {
			w.node(b, depth+1, field)
		}
	}
}

// holed notes a place below a field whose strings the walk does not
// judge.
func (w *tagWalk) holed(field []string) {
	if field != nil {
		w.holeInField = true
		w.hole = append(w.hole, field...)
	}
}

func (w *tagWalk) typed(m map[string]any, t string, depth int, field []string) {
	switch t {
	case "object":
		props, _ := m["properties"].(map[string]any)
		if len(props) == 0 {
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				w.node(ap, depth+1, field)
			} else {
				w.holed(field) // a map whose values are not visited
			}
			return
		}
		for _, p := range props {
			pm, ok := p.(map[string]any)
			if !ok {
				w.holed([]string{}) // true or false: the walk judges nothing
				continue
			}
			w.props[mapID(pm)] = true
			tags := []string{}
			if l, ok := pm["confluent:tags"].([]any); ok {
				for _, e := range l {
					s, _ := e.(string)
					tags = append(tags, s)
				}
			}
			w.node(pm, depth+1, tags)
		}
	case "array":
		if it, ok := m["items"].(map[string]any); ok {
			w.node(it, depth+1, field)
		} else {
			w.holed(field)
		}
	case "string", "integer", "number", "boolean", "null":
	default:
		w.holed(field) // no type: the walk judges nothing here
	}
}

// pointer resolves a JSON pointer in the root document, as the walk does.
func (w *tagWalk) pointer(p string) (any, bool) {
	cur := w.root
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

package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// A plan is a tree (a graph, with $ref) of nodes built once from the
// schema's Model, after the library compiled it (so the schema is valid). It validates JSON text in one pass over the
// bytes: no decoding into maps, no big.Rat unless a number sits exactly on
// a bound. It implements a subset of the keywords; buildPlan declines the
// rest, and the library validates those schemas.

// JSON types as bits.
const (
	tNull uint8 = 1 << iota
	tBool
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBool, "object": tObject, "array": tArray,
	"number": tNumber, "integer": tInteger, "string": tString,
}

type node struct {
	always int8 // 1: true schema, -1: false schema
	types  uint8
	tnames string // the allowed types, for messages

	consts   []scalar // const (one) or enum values; only scalars
	hasEnum  bool     // consts came from enum, not const
	constKW  string   // "const" or "enum"
	enumText string   // the allowed values, for messages

	format     func(any) bool
	fastFormat func([]byte) bool // accepts a subset of what format accepts
	formatName string

	minLen, maxLen int
	pattern        *regexp.Regexp
	match          *matcher
	strChecks      bool // any check that needs the string's value

	min, max, exMin, exMax, multipleOf *bound
	numChecks                          bool

	// Objects: every key in properties or required has an index.
	keys      map[string]int
	table     *keyTable
	keyNodes  []*node // nil for required-only keys
	inProps   []bool
	required  []int
	keyNames  []string
	addlFalse bool
	addl      *node
	patterns  []patternProp
	propNames *node
	depReq    []dependency // dependentRequired, dependencies with names
	depSchema []dependency // dependentSchemas, dependencies with a schema
	minProps  int
	maxProps  int
	objChecks bool

	items     *node
	prefix    []*node
	contains  *node
	minCont   int
	maxCont   int
	unique    bool
	minItems  int
	maxItems  int
	arrChecks bool

	ref          *node
	allOf        []*node
	anyOf        []*node
	oneOf        []*node
	not          *node
	ifn, th, els *node
	applies      bool // any applicator above
	onlyRef      bool // nothing but $ref: validate as the target
	leafString   bool // "type": "string" and string keywords only
}

// dependency is one entry of dependentRequired or dependentSchemas: when
// the key with index ifIdx is present, the keys in need must be, or the
// object must validate against node.
type dependency struct {
	name  string
	ifIdx int
	need  []int
	node  *node
}

// patternProp is one entry of patternProperties.
type patternProp struct {
	re    string
	match *matcher
	node  *node
}

// scalar is a const or enum value.
type scalar struct {
	kind uint8 // tNull, tBool, tNumber, tString
	s    string
	b    bool
	n    *bound
}

// bound is a number from the schema, exact and in the forms the fast
// comparisons use.
type bound struct {
	lit   string
	rat   *big.Rat
	f     float64
	i     int64
	isInt bool // i holds the value exactly
}

func newBound(r *big.Rat, lit string) *bound {
	if r == nil {
		return nil
	}
	b := &bound{lit: lit, rat: r}
	b.f, _ = r.Float64()
	if r.IsInt() && r.Num().IsInt64() {
		b.i, b.isInt = r.Num().Int64(), true
	}
	return b
}

// planBuilder builds the plan from the Model's documents of one
// compilation: docs holds each under the URL the library loaded it from,
// so a "$ref" resolves to the same document as in the library. Keywords are
// read as the library reads them for the document's draft; what the plan
// cannot match exactly (embedded "$id"s and anchors, custom meta-schemas,
// the keywords below) it declines, and the library validates.
type planBuilder struct {
	docs   loadedDocs
	draft  string // for documents without "$schema"
	memo   map[nodeKey]*node
	bases  map[*Document]*url.URL
	reason string
	// dfaStates is the DFA states the plan's patterns may still build
	// (see newMatcherWithin).
	dfaStates int
}

type nodeKey struct {
	doc *Document
	ptr string
}

// planDFAStates bounds the DFA states one plan builds for its patterns,
// over all of them: a state costs some 25 µs and 3 KB to build (measured:
// 500 patterns of 128 states each took 1.3 s and 180 MB without this
// bound), so 4096 cost some 100 ms and 12 MB; 16 of the largest DFAs fit.
const planDFAStates = 4096

// buildPlan builds the plan for the schema at rootURL in docs, or returns
// nil and the reason it cannot.
func buildPlan(docs loadedDocs, draft string) (*node, string) {
	b := &planBuilder{docs: docs, draft: draft, memo: map[nodeKey]*node{}, bases: map[*Document]*url.URL{}, dfaStates: planDFAStates}
	root, ok := docs[rootURL]
	if !ok || root.Root == nil {
		return nil, "root document unreadable"
	}
	n := b.build(&Node{Doc: root, Value: root.Root})
	if b.reason != "" {
		return nil, b.reason
	}
	return n, ""
}

func (b *planBuilder) decline(s *Node, what string) {
	if b.reason == "" {
		b.reason = fmt.Sprintf("%s at %s#%s", what, s.Doc.Name, s.Pointer)
	}
}

// version is the draft of s's document, as a year or draft number; 0 for
// a "$schema" that names no draft the library knows.
func (b *planBuilder) version(s *Node) int {
	d := b.draft
	if root, ok := s.Doc.Root.(map[string]any); ok {
		if sch, ok := root["$schema"].(string); ok {
			d = sch
		}
	}
	return draftVersion(d)
}

// draftVersion reads a meta-schema URI as the library does: http or https,
// with or without a trailing "#".
func draftVersion(uri string) int {
	if rest, ok := strings.CutPrefix(uri, "http://"); ok {
		uri = "https://" + rest
	}
	if strings.HasSuffix(uri, "#") || strings.HasSuffix(uri, "#/") {
		uri = uri[:strings.IndexByte(uri, '#')]
	}
	switch uri {
	case "https://json-schema.org/schema", "https://json-schema.org/draft/2020-12/schema":
		return 2020
	case "https://json-schema.org/draft/2019-09/schema":
		return 2019
	case "https://json-schema.org/draft-07/schema":
		return 7
	case "https://json-schema.org/draft-06/schema":
		return 6
	case "https://json-schema.org/draft-04/schema":
		return 4
	}
	return 0
}

// child builds the schema under s at the given reference tokens.
func (b *planBuilder) child(s *Node, tokens ...string) *node {
	c, ok := s.Child(tokens...)
	if !ok {
		return nil
	}
	return b.build(c)
}

func (b *planBuilder) build(s *Node) *node {
	key := nodeKey{s.Doc, s.Pointer}
	if n, ok := b.memo[key]; ok {
		return n
	}
	n := &node{minLen: -1, maxLen: -1, minProps: -1, maxProps: -1, minItems: -1, maxItems: -1}
	b.memo[key] = n
	if a, ok := s.Value.(bool); ok {
		n.always = -1
		if a {
			n.always = 1
		}
		return n
	}
	m := s.Object()
	v := b.version(s)
	if b.declineUnsupported(s, m, v); b.reason != "" {
		return n
	}
	if ref, ok := m["$ref"].(string); ok {
		n.ref = b.resolve(s, ref)
		if v < 2019 {
			// The keywords beside $ref are ignored up to draft 7.
			b.applicators(n, s, m, v)
			return n
		}
	}
	n.tnames = strings.Join(typeNames(m["type"]), " or ")
	for _, t := range typeNames(m["type"]) {
		n.types |= typeBits[t]
	}
	if !b.constants(n, s, m, v) {
		return n
	}
	b.scalarChecks(n, s, m)
	b.objectChecks(n, s, m, v)
	b.arrayChecks(n, s, m, v)
	b.applicators(n, s, m, v)
	return n
}

func typeNames(t any) []string {
	switch t := t.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// declineUnsupported declines the keywords the plan does not implement,
// and the documents it cannot resolve in the library's way.
func (b *planBuilder) declineUnsupported(s *Node, m map[string]any, v int) {
	_, hasRecursive := m["$recursiveRef"]
	_, hasDynamic := m["$dynamicRef"]
	_, content := m["contentEncoding"]
	if _, ok := m["contentMediaType"]; ok {
		content = true
	}
	switch {
	case v == 0:
		b.decline(s, "a custom meta-schema")
	case b.embeddedIDs(s.Doc):
		b.decline(s, "embedded $id or anchor")
	case v >= 2019 && hasRecursive:
		b.decline(s, "$recursiveRef")
	case v >= 2020 && hasDynamic:
		b.decline(s, "$dynamicRef")
	case m["regexProperties"] == true:
		b.decline(s, "regexProperties")
	case v >= 2019 && m["unevaluatedProperties"] != nil:
		b.decline(s, "unevaluatedProperties")
	case v >= 2019 && m["unevaluatedItems"] != nil:
		b.decline(s, "unevaluatedItems")
	case content && v == 7:
		b.decline(s, "contentEncoding/contentMediaType")
	}
}

// embeddedIDs reports whether d declares an "$id" below its root or an
// anchor: the library resolves against those; the plan does not.
func (b *planBuilder) embeddedIDs(d *Document) bool {
	for id, ptr := range d.IDs() {
		if ptr != "" || strings.HasPrefix(id, "#") {
			return true
		}
	}
	if root, ok := d.Root.(map[string]any); ok {
		for _, k := range []string{"$dynamicAnchor", "$recursiveAnchor"} {
			if _, ok := root[k]; ok {
				return true
			}
		}
	}
	return false
}

// resolve builds the schema a "$ref" in s names, in the document the
// library loaded from the URL the reference resolves to against the
// document's base URI.
func (b *planBuilder) resolve(s *Node, ref string) *node {
	u, err := url.Parse(ref)
	if err != nil {
		b.decline(s, "unparsable $ref")
		return nil
	}
	abs := b.base(s.Doc).ResolveReference(u)
	frag := abs.Fragment
	abs.Fragment, abs.RawFragment = "", ""
	doc, ok := b.docs[abs.String()]
	if !ok || doc.Root == nil {
		b.decline(s, "$ref to a document the plan does not hold")
		return nil
	}
	if frag != "" && frag[0] != '/' {
		b.decline(s, "$ref to an anchor")
		return nil
	}
	if b.embeddedIDs(doc) {
		b.decline(s, "embedded $id or anchor")
		return nil
	}
	t, ok := doc.Node(frag)
	if !ok {
		b.decline(s, "$ref to nothing")
		return nil
	}
	return b.build(t)
}

// base is a document's base URI: its URL, moved by its root "$id" ("id"
// in draft 4).
func (b *planBuilder) base(d *Document) *url.URL {
	if u, ok := b.bases[d]; ok {
		return u
	}
	u, _ := url.Parse(d.Name)
	if root, ok := d.Root.(map[string]any); ok {
		idKey := "$id"
		if b.version(&Node{Doc: d, Value: d.Root}) == 4 {
			idKey = "id"
		}
		if id, ok := root[idKey].(string); ok {
			if iu, err := url.Parse(id); err == nil {
				u = u.ResolveReference(iu)
				u.Fragment, u.RawFragment = "", ""
			}
		}
	}
	b.bases[d] = u
	return u
}

// constants sets const and enum; false when the plan declines them.
func (b *planBuilder) constants(n *node, s *Node, m map[string]any, v int) bool {
	if c, ok := m["const"]; ok && v >= 6 {
		n.constKW = "const"
		n.consts = b.scalars(s, []any{c})
		n.enumText = fmt.Sprintf("%v", c)
	}
	if e, ok := m["enum"].([]any); ok {
		if n.consts != nil {
			b.decline(s, "const with enum")
			return false
		}
		n.constKW, n.hasEnum = "enum", true
		n.consts = b.scalars(s, e)
		if n.consts == nil {
			n.consts = []scalar{} // enum of nothing: nothing matches
		}
		var parts []string
		for _, x := range e {
			parts = append(parts, fmt.Sprintf("%v", x))
		}
		n.enumText = strings.Join(parts, ", ")
	}
	return true
}

// intKW reads a count keyword as the library does; -1 when absent.
func intKW(m map[string]any, k string) int {
	num, ok := m[k].(json.Number)
	if !ok {
		return -1
	}
	f, _ := num.Float64()
	return int(f)
}

func ratKW(m map[string]any, k string) *big.Rat {
	num, ok := m[k].(json.Number)
	if !ok {
		return nil
	}
	r, _ := new(big.Rat).SetString(string(num))
	return r
}

// scalarChecks sets the string and number keywords.
func (b *planBuilder) scalarChecks(n *node, s *Node, m map[string]any) {
	if name, ok := m["format"].(string); ok {
		if f, ok := js.Formats[name]; ok {
			n.format, n.formatName = f, name
			n.fastFormat = fastFormats[name]
		}
	}
	n.minLen, n.maxLen = intKW(m, "minLength"), intKW(m, "maxLength")
	if p, ok := m["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			b.decline(s, "pattern")
			return
		}
		n.pattern = re
	}
	n.match = newMatcherWithin(n.pattern, &b.dfaStates)
	n.strChecks = n.format != nil || n.minLen >= 0 || n.maxLen >= 0 || n.pattern != nil || n.consts != nil

	min, max := ratKW(m, "minimum"), ratKW(m, "maximum")
	var exMin, exMax *big.Rat
	switch x := m["exclusiveMinimum"].(type) {
	case bool:
		if x {
			min, exMin = nil, min
		}
	case json.Number:
		exMin = ratKW(m, "exclusiveMinimum")
	}
	switch x := m["exclusiveMaximum"].(type) {
	case bool:
		if x {
			max, exMax = nil, max
		}
	case json.Number:
		exMax = ratKW(m, "exclusiveMaximum")
	}
	mult := ratKW(m, "multipleOf")
	n.min, n.max = newBound(min, ratText(min)), newBound(max, ratText(max))
	n.exMin, n.exMax = newBound(exMin, ratText(exMin)), newBound(exMax, ratText(exMax))
	n.multipleOf = newBound(mult, ratText(mult))
	n.numChecks = n.min != nil || n.max != nil || n.exMin != nil || n.exMax != nil || n.multipleOf != nil
}

// objectChecks sets the object keywords. Every key a keyword names
// (properties, required, the dependencies) gets an index, so one pass over
// the object records which are present.
func (b *planBuilder) objectChecks(n *node, s *Node, m map[string]any, v int) {
	props, _ := m["properties"].(map[string]any)
	required := typeNames(m["required"])
	deps := map[string]any{}
	if d, ok := m["dependencies"].(map[string]any); ok {
		for k, x := range d {
			deps[k] = x
		}
	}
	if v >= 2019 {
		if d, ok := m["dependentRequired"].(map[string]any); ok {
			for k, x := range d {
				deps["r\x00"+k] = x
			}
		}
		if d, ok := m["dependentSchemas"].(map[string]any); ok {
			for k := range d {
				deps["s\x00"+k] = nil
			}
		}
	}
	if len(props) > 0 || len(required) > 0 || len(deps) > 0 {
		b.keyedProperties(n, s, props, required, deps)
	}
	if v >= 6 {
		n.propNames = b.child(s, "propertyNames")
	}
	switch a := m["additionalProperties"].(type) {
	case bool:
		n.addlFalse = !a
	case map[string]any:
		n.addl = b.child(s, "additionalProperties")
	}
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		for re := range pp {
			rx, err := regexp.Compile(re)
			if err != nil {
				b.decline(s, "patternProperties")
				return
			}
			n.patterns = append(n.patterns, patternProp{re: re, match: newMatcherWithin(rx, &b.dfaStates), node: b.child(s, "patternProperties", re)})
		}
	}
	sort.Slice(n.patterns, func(i, j int) bool { return n.patterns[i].re < n.patterns[j].re })
	n.minProps, n.maxProps = intKW(m, "minProperties"), intKW(m, "maxProperties")
	n.objChecks = n.keys != nil || n.addlFalse || n.addl != nil || n.patterns != nil || n.propNames != nil || n.minProps >= 0 || n.maxProps >= 0
}

// keyedProperties indexes the keys of properties (in the text's order),
// required and the dependencies (deps: "name" for dependencies,
// "r\x00name" for dependentRequired and "s\x00name" for dependentSchemas).
func (b *planBuilder) keyedProperties(n *node, s *Node, props map[string]any, required []string, deps map[string]any) {
	n.keys = map[string]int{}
	names := s.Properties()
	if len(names) != len(props) {
		names = sortedNames(props)
	}
	index := func(k string, inProps bool) int {
		i, ok := n.keys[k]
		if !ok {
			i = len(n.keyNames)
			n.keys[k] = i
			n.keyNames = append(n.keyNames, k)
			n.keyNodes = append(n.keyNodes, nil)
			n.inProps = append(n.inProps, inProps)
		}
		return i
	}
	for _, k := range names {
		index(k, true)
	}
	for _, k := range required {
		n.required = append(n.required, index(k, false))
	}
	for _, dk := range sortedNames(deps) {
		name, kw := dk, "dependencies"
		if len(dk) > 1 && dk[1] == 0 {
			name = dk[2:]
			kw = map[byte]string{'r': "dependentRequired", 's': "dependentSchemas"}[dk[0]]
		}
		d := dependency{name: name, ifIdx: index(name, false)}
		switch x := deps[dk].(type) {
		case []any:
			for _, y := range typeNames(x) {
				d.need = append(d.need, index(y, false))
			}
			n.depReq = append(n.depReq, d)
		default:
			d.node = b.child(s, kw, name)
			n.depSchema = append(n.depSchema, d)
		}
	}
	for _, k := range names {
		n.keyNodes[n.keys[k]] = b.child(s, "properties", k)
	}
	n.table = newKeyTable(n.keyNames)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// arrayChecks sets the array keywords.
func (b *planBuilder) arrayChecks(n *node, s *Node, m map[string]any, v int) {
	if v >= 2020 {
		if _, ok := m["items"]; ok {
			n.items = b.child(s, "items")
		}
		if p, ok := m["prefixItems"].([]any); ok {
			for i := range p {
				n.prefix = append(n.prefix, b.child(s, "prefixItems", strconv.Itoa(i)))
			}
		}
	} else {
		switch m["items"].(type) {
		case []any:
			b.decline(s, "items as an array")
		case nil:
		default:
			n.items = b.child(s, "items")
		}
	}
	n.minCont, n.maxCont = 1, -1
	if v >= 2019 {
		if n.minCont = intKW(m, "minContains"); n.minCont == -1 {
			n.minCont = 1
		}
		n.maxCont = intKW(m, "maxContains")
	}
	if _, ok := m["contains"]; ok && v >= 6 {
		n.contains = b.child(s, "contains")
	}
	n.unique = m["uniqueItems"] == true
	n.minItems, n.maxItems = intKW(m, "minItems"), intKW(m, "maxItems")
	n.arrChecks = n.items != nil || n.prefix != nil || n.contains != nil || n.unique || n.minItems >= 0 || n.maxItems >= 0
}

// applicators sets the combinators, and the flags the run reads to skip
// what a node does not have.
func (b *planBuilder) applicators(n *node, s *Node, m map[string]any, v int) {
	if n.ref == nil || v >= 2019 {
		for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
			list, _ := m[kw].([]any)
			var out []*node
			for i := range list {
				out = append(out, b.child(s, kw, strconv.Itoa(i)))
			}
			switch kw {
			case "allOf":
				n.allOf = out
			case "anyOf":
				n.anyOf = out
			case "oneOf":
				n.oneOf = out
			}
		}
		if _, ok := m["not"]; ok {
			n.not = b.child(s, "not")
		}
		if _, ok := m["if"]; ok && v >= 7 && m["if"] != nil {
			n.ifn, n.th, n.els = b.child(s, "if"), b.child(s, "then"), b.child(s, "else")
		}
	}
	n.applies = n.ref != nil || n.allOf != nil || n.anyOf != nil || n.oneOf != nil || n.not != nil || n.ifn != nil
	n.onlyRef = n.ref != nil && n.types == 0 && n.consts == nil && n.format == nil && !n.strChecks && !n.numChecks &&
		!n.objChecks && !n.arrChecks && n.allOf == nil && n.anyOf == nil && n.oneOf == nil && n.not == nil && n.ifn == nil
	n.leafString = n.types == tString && !n.applies && n.always == 0
}

func ratText(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return fmt.Sprint(f)
}

// scalars converts const or enum values; objects and arrays decline.
func (b *planBuilder) scalars(s *Node, vs []any) []scalar {
	var out []scalar
	for _, v := range vs {
		switch v := v.(type) {
		case nil:
			out = append(out, scalar{kind: tNull})
		case bool:
			out = append(out, scalar{kind: tBool, b: v})
		case string:
			out = append(out, scalar{kind: tString, s: v})
		case json.Number:
			r, ok := new(big.Rat).SetString(string(v))
			if !ok {
				b.decline(s, "unreadable number in enum")
				return nil
			}
			out = append(out, scalar{kind: tNumber, n: newBound(r, string(v))})
		default:
			b.decline(s, "object or array in enum or const")
			return nil
		}
	}
	return out
}

// keyTable finds a property's index from its key bytes with one cheap hash
// of the length and three bytes, chosen at compile time to have no
// collisions among the schema's keys; a miss is one comparison.
type keyTable struct {
	seed  uint32
	mask  uint32
	slots []int32 // index+1; 0 is empty
	names []string
}

func keyHash(k []byte, seed uint32) uint32 {
	h := uint32(len(k))*0x9E3779B1 ^ seed
	if len(k) > 0 {
		h ^= uint32(k[0])*0x85EBCA77 ^ uint32(k[len(k)-1])*0xC2B2AE3D ^ uint32(k[len(k)/2])*0x27D4EB2F
	}
	h *= 0x165667B1
	return h ^ h>>15
}

// newKeyTable returns nil when no small collision-free table turns up; the
// map serves then.
func newKeyTable(names []string) *keyTable {
	size := uint32(8)
	for size < uint32(2*len(names)) {
		size <<= 1
	}
	for ; size <= 1024; size <<= 1 {
	seeds:
		for seed := uint32(0); seed < 64; seed++ {
			t := &keyTable{seed: seed * 0x01000193, mask: size - 1, slots: make([]int32, size), names: names}
			for i, n := range names {
				h := keyHash([]byte(n), t.seed) & t.mask
				if t.slots[h] != 0 {
					continue seeds
				}
				t.slots[h] = int32(i + 1)
			}
			return t
		}
	}
	return nil
}

func (t *keyTable) lookup(k []byte) (int, bool) {
	i := t.slots[keyHash(k, t.seed)&t.mask] - 1
	if i < 0 || t.names[i] != string(k) {
		return 0, false
	}
	return int(i), true
}

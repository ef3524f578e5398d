package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// A plan is a tree (a graph, with $ref) of nodes built once from the
// library's compiled schema. It validates JSON text in one pass over the
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

type planBuilder struct {
	orders propertyOrders
	memo   map[*js.Schema]*node
	reason string
}

// buildPlan builds the plan for a compiled schema, or returns nil and the
// reason it cannot.
func buildPlan(s *js.Schema, orders propertyOrders) (*node, string) {
	b := &planBuilder{orders: orders, memo: map[*js.Schema]*node{}}
	n := b.build(s)
	if b.reason != "" {
		return nil, b.reason
	}
	return n, ""
}

func (b *planBuilder) decline(s *js.Schema, what string) {
	if b.reason == "" {
		b.reason = fmt.Sprintf("%s at %s", what, s.Location)
	}
}

func (b *planBuilder) build(s *js.Schema) *node {
	if s == nil {
		return nil
	}
	if n, ok := b.memo[s]; ok {
		return n
	}
	n := &node{minLen: -1, maxLen: -1, minProps: -1, maxProps: -1, minItems: -1, maxItems: -1}
	b.memo[s] = n
	if s.Always != nil {
		n.always = -1
		if *s.Always {
			n.always = 1
		}
		return n
	}
	if b.declineUnsupported(s); b.reason != "" {
		return n
	}
	for _, t := range s.Types {
		n.types |= typeBits[t]
	}
	n.tnames = strings.Join(s.Types, " or ")
	if !b.constants(n, s) {
		return n
	}
	b.scalarChecks(n, s)
	b.objectChecks(n, s)
	b.arrayChecks(n, s)
	b.applicators(n, s)
	return n
}

// declineUnsupported declines the keywords the plan does not implement.
func (b *planBuilder) declineUnsupported(s *js.Schema) {
	switch {
	case s.RecursiveRef != nil:
		b.decline(s, "$recursiveRef")
	case s.DynamicRef != nil:
		b.decline(s, "$dynamicRef")
	case s.RegexProperties:
		b.decline(s, "regexProperties")
	case s.UnevaluatedProperties != nil:
		b.decline(s, "unevaluatedProperties")
	case s.UnevaluatedItems != nil:
		b.decline(s, "unevaluatedItems")
	case s.AdditionalItems != nil:
		b.decline(s, "additionalItems")
	case len(s.Extensions) > 0:
		b.decline(s, "extension keywords")
	case s.ContentEncoding != "" || s.ContentMediaType != "" || s.ContentSchema != nil:
		if s.Draft == js.Draft4 || s.Draft == js.Draft6 || s.Draft == js.Draft7 {
			b.decline(s, "contentEncoding/contentMediaType")
		}
	}
}

// constants sets const and enum; false when the plan declines them.
func (b *planBuilder) constants(n *node, s *js.Schema) bool {
	if len(s.Constant) > 0 {
		n.constKW = "const"
		n.consts = b.scalars(s, s.Constant[:1])
		n.enumText = fmt.Sprintf("%v", s.Constant[0])
	}
	if len(s.Enum) > 0 {
		if n.consts != nil {
			b.decline(s, "const with enum")
			return false
		}
		n.constKW, n.hasEnum = "enum", true
		n.consts = b.scalars(s, s.Enum)
		if n.consts == nil {
			n.consts = []scalar{} // enum of nothing: nothing matches
		}
		var parts []string
		for _, e := range s.Enum {
			parts = append(parts, fmt.Sprintf("%v", e))
		}
		n.enumText = strings.Join(parts, ", ")
	}
	return true
}

// scalarChecks sets the string and number keywords.
func (b *planBuilder) scalarChecks(n *node, s *js.Schema) {
	if s.Format != "" {
		if f, ok := js.Formats[s.Format]; ok {
			n.format, n.formatName = f, s.Format
			n.fastFormat = fastFormats[s.Format]
		}
	}
	n.minLen, n.maxLen, n.pattern = s.MinLength, s.MaxLength, s.Pattern
	n.match = newMatcher(s.Pattern)
	n.strChecks = n.format != nil || n.minLen >= 0 || n.maxLen >= 0 || n.pattern != nil || n.consts != nil

	n.min, n.max = newBound(s.Minimum, ratText(s.Minimum)), newBound(s.Maximum, ratText(s.Maximum))
	n.exMin, n.exMax = newBound(s.ExclusiveMinimum, ratText(s.ExclusiveMinimum)), newBound(s.ExclusiveMaximum, ratText(s.ExclusiveMaximum))
	n.multipleOf = newBound(s.MultipleOf, ratText(s.MultipleOf))
	n.numChecks = n.min != nil || n.max != nil || n.exMin != nil || n.exMax != nil || n.multipleOf != nil
}

// objectChecks sets the object keywords. Every key a keyword names
// (properties, required, the dependencies) gets an index, so one pass over
// the object records which are present.
func (b *planBuilder) objectChecks(n *node, s *js.Schema) {
	deps := map[string]any{}
	for k, v := range s.Dependencies {
		deps[k] = v
	}
	for k, v := range s.DependentRequired {
		deps["r\x00"+k] = v
	}
	for k, v := range s.DependentSchemas {
		deps["s\x00"+k] = v
	}
	if len(s.Properties) > 0 || len(s.Required) > 0 || len(deps) > 0 {
		b.keyedProperties(n, s, deps)
	}
	n.propNames = b.build(s.PropertyNames)
	switch a := s.AdditionalProperties.(type) {
	case bool:
		n.addlFalse = !a
	case *js.Schema:
		n.addl = b.build(a)
	}
	for re, sch := range s.PatternProperties {
		n.patterns = append(n.patterns, patternProp{re: re.String(), match: newMatcher(re), node: b.build(sch)})
	}
	sort.Slice(n.patterns, func(i, j int) bool { return n.patterns[i].re < n.patterns[j].re })
	n.minProps, n.maxProps = s.MinProperties, s.MaxProperties
	n.objChecks = n.keys != nil || n.addlFalse || n.addl != nil || n.patterns != nil || n.propNames != nil || n.minProps >= 0 || n.maxProps >= 0
}

// keyedProperties indexes the keys of properties, required and the
// dependencies (deps, keyed "r\x00name" for dependentRequired and
// "s\x00name" for dependentSchemas).
func (b *planBuilder) keyedProperties(n *node, s *js.Schema, deps map[string]any) {
	n.keys = map[string]int{}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	if o := b.orders.ordered(s.Location, names); o != nil {
		names = o
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
	for _, k := range s.Required {
		n.required = append(n.required, index(k, false))
	}
	dnames := make([]string, 0, len(deps))
	for k := range deps {
		dnames = append(dnames, k)
	}
	sort.Strings(dnames)
	for _, dk := range dnames {
		name := dk
		if len(dk) > 1 && dk[1] == 0 {
			name = dk[2:]
		}
		d := dependency{name: name, ifIdx: index(name, false)}
		switch v := deps[dk].(type) {
		case []string:
			for _, x := range v {
				d.need = append(d.need, index(x, false))
			}
			n.depReq = append(n.depReq, d)
		case *js.Schema:
			d.node = b.build(v)
			n.depSchema = append(n.depSchema, d)
		}
	}
	for _, k := range names {
		n.keyNodes[n.keys[k]] = b.build(s.Properties[k])
	}
	n.table = newKeyTable(n.keyNames)
}

// arrayChecks sets the array keywords.
func (b *planBuilder) arrayChecks(n *node, s *js.Schema) {
	switch it := s.Items.(type) {
	case *js.Schema:
		n.items = b.build(it)
	case []*js.Schema:
		b.decline(s, "items as an array")
	}
	if s.Items2020 != nil {
		n.items = b.build(s.Items2020)
	}
	for _, x := range s.PrefixItems {
		n.prefix = append(n.prefix, b.build(x))
	}
	if s.Contains != nil {
		n.contains = b.build(s.Contains)
		n.minCont, n.maxCont = s.MinContains, s.MaxContains
	}
	n.unique = s.UniqueItems
	n.minItems, n.maxItems = s.MinItems, s.MaxItems
	n.arrChecks = n.items != nil || n.prefix != nil || n.contains != nil || n.unique || n.minItems >= 0 || n.maxItems >= 0
}

// applicators sets $ref and the combinators, and the flags the run reads
// to skip what a node does not have.
func (b *planBuilder) applicators(n *node, s *js.Schema) {
	n.ref = b.build(s.Ref)
	for _, x := range s.AllOf {
		n.allOf = append(n.allOf, b.build(x))
	}
	for _, x := range s.AnyOf {
		n.anyOf = append(n.anyOf, b.build(x))
	}
	for _, x := range s.OneOf {
		n.oneOf = append(n.oneOf, b.build(x))
	}
	n.not = b.build(s.Not)
	if s.If != nil {
		n.ifn, n.th, n.els = b.build(s.If), b.build(s.Then), b.build(s.Else)
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
func (b *planBuilder) scalars(s *js.Schema, vs []any) []scalar {
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

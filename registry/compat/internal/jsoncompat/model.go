package jsoncompat

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// Limits that bound the work one comparison may do. Schemas beyond them
// are refused with an error wrapping serde.ErrLimit rather than compared
// slowly.
const (
	// MaxSchemaBytes bounds the text of one schema document.
	MaxSchemaBytes = 4 << 20
	// MaxDepth bounds the nesting of JSON values in one schema document.
	MaxDepth = 128
	// MaxNodes bounds the sub-schemas loaded for one comparison, over all
	// documents (the schemas and everything they reference).
	MaxNodes = 100_000
	// MaxDocuments bounds the referenced documents loaded for one comparison.
	MaxDocuments = 256
	// MaxSubschemas bounds the sub-schemas of one document (see
	// jsonschema.MaxSubschemas). The walk is linear in them, unlike the
	// library's compilation, so it is looser than Compile's default: a
	// subject may hold versions registered under larger limits. (A 1 MiB
	// document of 35,000 properties took 0.9 s and 199 MB to compare.)
	MaxSubschemas = 10_000
	// MaxPairs bounds the distinct (writer, reader) sub-schema pairs one
	// check compares; each is compared once and remembered.
	MaxPairs = 100_000
	// MaxSteps bounds the sub-schema comparisons of one check, including
	// those answered from memory (recursive unions ask for the same pairs
	// many times).
	MaxSteps = 5_000_000
	// MaxDifferences bounds the differences Compare lists: a definition
	// reached along many paths has its own listed once per path, and the
	// paths double with each level of a definition used twice. The walk
	// compares each pair of sub-schemas once whatever the paths (MaxSteps
	// and MaxPairs bound it); only the listing is refused.
	MaxDifferences = 100_000
	// MaxFindings bounds the findings CanRead lists; past it, one last
	// finding of type MoreFindings says how many more there are.
	MaxFindings = 1000
)

// kind is the class of a loaded schema, as Confluent's schema model
// (everit-json-schema) classifies it; the diff compares schemas of the same
// kind attribute by attribute and calls any other pair a type change.
type kind uint8

const (
	kindEmpty kind = iota // {} or true
	kindFalse
	kindRef
	kindCombined
	kindNot
	kindEnum
	kindConst
	kindString
	kindNumber
	kindBoolean
	kindNull
	kindObject
	kindArray
	kindConditional
)

var kindNames = [...]string{
	kindEmpty: "any", kindFalse: "nothing (false)", kindRef: "$ref", kindCombined: "combined",
	kindNot: "not", kindEnum: "enum", kindConst: "const", kindString: "string", kindNumber: "number",
	kindBoolean: "boolean", kindNull: "null", kindObject: "object", kindArray: "array",
	kindConditional: "if/then/else",
}

// node is one loaded schema. Keyword mixes that Confluent's model splits
// (type plus enum, type plus allOf, a list of types) load as a synthetic
// allOf or anyOf of single-kind nodes, as there.
type node struct {
	kind kind
	// key tags the part of a keyword mix this node is, and src is the
	// schema it came from; identity combines them, lazily, to tell equal
	// schemas apart when de-duplicating combined members.
	key      string
	src      any
	identity string

	id, title, description, def *string
	connectType                 string
	hasDefault                  bool

	// kindRef
	ref    string
	doc    *document
	target *node

	// kindCombined
	criterion string // allOf, anyOf, oneOf
	subs      []*node

	// kindNot
	not *node

	// kindEnum, kindConst
	values   map[string]bool
	constVal string

	// kindString
	minLength, maxLength *float64
	pattern              *string

	// kindNumber
	integer                        bool
	minimum, maximum, exMin, exMax *float64
	multipleOf                     *big.Rat
	multipleOfText                 string

	// kindObject
	props         map[string]*node
	propNames     []string // sorted keys of props
	required      map[string]bool
	addlForbidden bool
	addl          *node
	patterns      []patternProp
	propDeps      map[string][]string
	schemaDeps    map[string]*node
	unevalProps   *node
	minProps      *float64
	maxProps      *float64

	// kindArray
	items              *node
	tuple              []*node
	addlItemsForbidden bool
	addlItems          *node
	unevalItems        *node
	minItems, maxItems *float64
	minContains        *float64
	maxContains        *float64
	unique             bool
}

type patternProp struct {
	source string
	re     *regexp.Regexp
	schema *node
}

// document is one parsed schema text (serde/jsonschema's model) with the
// drafts' differences the loader needs and the nodes loaded from it.
type document struct {
	*jsonschema.Document
	modern bool             // draft 2019-09 or 2020-12
	draft4 bool             // draft-04: "id", not "$id"; no const, contains, propertyNames
	draft6 bool             // draft-06: no if/then/else
	nodes  map[string]*node // by JSON pointer
}

// loader loads schema documents through serde/jsonschema's Model, which
// resolves their references, and classifies their schemas.
type loader struct {
	ctx     context.Context
	model   *jsonschema.Model
	docs    map[*jsonschema.Document]*document
	pending []*node // $ref nodes to resolve
	created []*node // every node, in creation order
	count   int
}

func newLoader(ctx context.Context, r serde.Resolver) *loader {
	m := jsonschema.NewModel(ctx, r, jsonschema.MaxSchemaBytes(MaxSchemaBytes), jsonschema.MaxDepth(MaxDepth),
		jsonschema.MaxDocuments(MaxDocuments), jsonschema.MaxSubschemas(MaxSubschemas))
	return &loader{ctx: ctx, model: m, docs: map[*jsonschema.Document]*document{}}
}

// parseDocument decodes schema text into a document.
func (l *loader) parseDocument(name string, s serde.Schema) (*document, error) {
	d, err := l.model.Parse(name, s)
	if err != nil {
		return nil, err
	}
	return l.document(d), nil
}

// document wraps a model document, once.
func (l *loader) document(d *jsonschema.Document) *document {
	if w, ok := l.docs[d]; ok {
		return w
	}
	draft := d.Draft()
	w := &document{Document: d, nodes: map[string]*node{},
		modern: draft == jsonschema.Draft2019 || draft == jsonschema.Draft2020,
		draft4: draft == jsonschema.Draft4, draft6: draft == jsonschema.Draft6}
	l.docs[d] = w
	return w
}

// load loads the root of doc and every schema its references reach.
func (l *loader) load(doc *document) (*node, error) {
	n, err := l.parse(doc, doc.Root, "")
	if err != nil {
		return nil, err
	}
	if err := l.resolvePending(); err != nil {
		return nil, err
	}
	return n, nil
}

func (l *loader) resolvePending() error {
	for len(l.pending) > 0 {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		r := l.pending[len(l.pending)-1]
		l.pending = l.pending[:len(l.pending)-1]
		t, err := l.resolveRef(r.doc, r.ref)
		if err != nil {
			return err
		}
		r.target = t
	}
	return nil
}

func (l *loader) newNode(k kind, key string) (*node, error) {
	l.count++
	if l.count > MaxNodes {
		return nil, fmt.Errorf("jsoncompat: more than %d sub-schemas: %w", MaxNodes, serde.ErrLimit)
	}
	n := &node{kind: k, key: key}
	l.created = append(l.created, n)
	return n, nil
}

// identityKey is the node's identity for de-duplication: equal source text and
// the same part of it.
func (n *node) identityKey() string {
	if n.identity == "" {
		n.identity = n.key + "|" + canonical(n.src)
	}
	return n.identity
}

// parse loads the schema v found at pointer ptr of doc. Nodes are cached by
// pointer, so a $ref and the inline schema it names share one node.
func (l *loader) parse(doc *document, v any, ptr string) (*node, error) {
	if n, ok := doc.nodes[ptr]; ok {
		return n, nil
	}
	var n *node
	var err error
	switch v := v.(type) {
	case bool:
		k := kindEmpty
		if !v {
			k = kindFalse
		}
		if n, err = l.newNode(k, ""); err == nil {
			n.src = v
		}
	case map[string]any:
		n, err = l.parseObject(doc, v, ptr)
	default:
		return nil, fmt.Errorf("jsoncompat: %s at %s: %w: a schema must be an object or a boolean", doc.Name, pointerText(ptr), serde.ErrSchema)
	}
	if err != nil {
		return nil, err
	}
	doc.nodes[ptr] = n
	return n, nil
}

// Keyword families: keywords that make a schema of that kind even without
// "type".
var (
	stringKeywords = []string{"minLength", "maxLength", "pattern", "format"}
	numberKeywords = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
	objectKeywords = []string{"properties", "required", "additionalProperties", "patternProperties",
		"dependencies", "minProperties", "maxProperties", "propertyNames"}
	objectKeywordsModern = []string{"dependentRequired", "dependentSchemas", "unevaluatedProperties"}
	arrayKeywords        = []string{"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"}
	arrayKeywordsModern  = []string{"prefixItems", "unevaluatedItems"}
)

func hasAny(m map[string]any, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// parseObject loads an object schema: one node per part Confluent's model
// splits it into ($ref, enum, each combinator, not, const, each type, the
// keyword families without their type, if/then/else), combined with allOf
// when there are several.
func (l *loader) parseObject(doc *document, m map[string]any, ptr string) (*node, error) {
	first := len(l.created)
	defer func() {
		// Every node made for this object (not its children, which
		// already have theirs) comes from m.
		for _, c := range l.created[first:] {
			if c.src == nil {
				c.src = m
			}
		}
	}()
	var parts []*node
	if ref, ok := m["$ref"].(string); ok {
		r, err := l.newNode(kindRef, "")
		if err != nil {
			return nil, err
		}
		r.ref, r.doc = ref, doc
		l.pending = append(l.pending, r)
		if !doc.modern {
			// Drafts up to 7 ignore the keywords beside $ref but for
			// annotations (a default beside $ref still counts).
			annotate(doc, r, m)
			return r, nil
		}
		parts = append(parts, r)
	}
	for _, add := range []func(*document, map[string]any, string) ([]*node, error){
		l.enumPart, l.combinedParts, l.notAndConstParts, l.typedParts,
	} {
		ps, err := add(doc, m, ptr)
		if err != nil {
			return nil, err
		}
		parts = append(parts, ps...)
	}
	return l.joinParts(doc, m, parts)
}

// joinParts makes the node of an object schema from its parts.
func (l *loader) joinParts(doc *document, m map[string]any, parts []*node) (*node, error) {
	var n *node
	var err error
	switch len(parts) {
	case 0:
		if n, err = l.newNode(kindEmpty, ""); err != nil {
			return nil, err
		}
	case 1:
		n = parts[0]
		n.key = "" // the whole object, not a part of it
	default:
		if n, err = l.newNode(kindCombined, ""); err != nil {
			return nil, err
		}
		n.criterion, n.subs = "allOf", parts
	}
	annotate(doc, n, m)
	return n, nil
}

func (l *loader) enumPart(doc *document, m map[string]any, ptr string) ([]*node, error) {
	e, ok := m["enum"]
	if !ok {
		return nil, nil
	}
	arr, ok := e.([]any)
	if !ok {
		return nil, schemaErr(doc, ptr, "enum must be an array")
	}
	n, err := l.newNode(kindEnum, "enum")
	if err != nil {
		return nil, err
	}
	n.values = map[string]bool{}
	for _, x := range arr {
		n.values[canonical(x)] = true
	}
	return []*node{n}, nil
}

// combinedParts loads allOf, anyOf and oneOf: each combinator is its own
// part, as in Confluent's model.
func (l *loader) combinedParts(doc *document, m map[string]any, ptr string) ([]*node, error) {
	var combined []*node
	for _, crit := range []string{"allOf", "anyOf", "oneOf"} {
		raw, ok := m[crit]
		if !ok {
			continue
		}
		arr, ok := raw.([]any)
		if !ok || len(arr) == 0 {
			return nil, schemaErr(doc, ptr, crit+" must be a non-empty array")
		}
		c, err := l.newNode(kindCombined, crit)
		if err != nil {
			return nil, err
		}
		c.criterion = crit
		for i, x := range arr {
			s, err := l.parse(doc, x, ptr+"/"+crit+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			c.subs = append(c.subs, s)
		}
		combined = append(combined, c)
	}
	return combined, nil
}

func (l *loader) notAndConstParts(doc *document, m map[string]any, ptr string) ([]*node, error) {
	var parts []*node
	if x, ok := m["not"]; ok {
		n, err := l.newNode(kindNot, "not")
		if err != nil {
			return nil, err
		}
		if n.not, err = l.parse(doc, x, ptr+"/not"); err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	if x, ok := m["const"]; ok && !doc.draft4 {
		n, err := l.newNode(kindConst, "const")
		if err != nil {
			return nil, err
		}
		n.constVal = canonical(x)
		parts = append(parts, n)
	}
	return parts, nil
}

// typedParts loads the typed schemas: each type in "type" takes its
// family's keywords; a family's keywords without its type make an untyped
// schema of that kind; then if/then/else.
func (l *loader) typedParts(doc *document, m map[string]any, ptr string) ([]*node, error) {
	covered := map[kind]bool{}
	var parts []*node
	if t, ok := m["type"]; ok {
		typed, err := l.typeList(doc, m, ptr, t, covered)
		if err != nil {
			return nil, err
		}
		parts = append(parts, typed...)
	}
	sniffed, err := l.sniffed(doc, m, ptr, covered)
	if err != nil {
		return nil, err
	}
	parts = append(parts, sniffed...)
	if hasAny(m, []string{"if", "then", "else"}) && !doc.draft4 && !doc.draft6 {
		n, err := l.newNode(kindConditional, "if")
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	return parts, nil
}

// typeList loads the types "type" names (t), marking their kinds covered;
// a list of types is an anyOf of them.
func (l *loader) typeList(doc *document, m map[string]any, ptr string, t any, covered map[kind]bool) ([]*node, error) {
	var names []string
	switch t := t.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, schemaErr(doc, ptr, "type must be a string or an array of strings")
			}
			names = append(names, s)
		}
	default:
		return nil, schemaErr(doc, ptr, "type must be a string or an array of strings")
	}
	var typed []*node
	for _, name := range names {
		n, err := l.typed(doc, m, ptr, name, "")
		if err != nil {
			return nil, err
		}
		covered[n.kind] = true
		typed = append(typed, n)
	}
	if _, isList := t.([]any); !isList {
		return typed, nil
	}
	c, err := l.newNode(kindCombined, "type")
	if err != nil {
		return nil, err
	}
	c.criterion, c.subs = "anyOf", typed
	return []*node{c}, nil
}

// sniffed loads the keyword families present without their type.
func (l *loader) sniffed(doc *document, m map[string]any, ptr string, covered map[kind]bool) ([]*node, error) {
	families := []struct {
		k    kind
		name string
		keys []string
	}{
		{kindArray, "array", arrayKeywords},
		{kindObject, "object", objectKeywords},
		{kindNumber, "number", numberKeywords},
		{kindString, "string", stringKeywords},
	}
	var parts []*node
	for _, s := range families {
		if covered[s.k] {
			continue
		}
		keys := s.keys
		if doc.draft4 {
			keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "contains" || k == "propertyNames" })
		}
		has := hasAny(m, keys)
		if doc.modern && !has {
			switch s.k {
			case kindArray:
				has = hasAny(m, arrayKeywordsModern)
			case kindObject:
				has = hasAny(m, objectKeywordsModern)
			}
		}
		if !has {
			continue
		}
		n, err := l.typed(doc, m, ptr, s.name, "sniffed")
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	return parts, nil
}

// annotate sets the annotations the diff compares, and connect.type.
func annotate(doc *document, n *node, m map[string]any) {
	n.title = stringAt(m, "title")
	n.description = stringAt(m, "description")
	if !doc.modern {
		idKey := "$id"
		if doc.draft4 {
			idKey = "id"
		}
		n.id = stringAt(m, idKey)
	}
	if d, ok := m["default"]; ok {
		s := canonical(d)
		n.def, n.hasDefault = &s, true
	}
	if ct, ok := m["connect.type"].(string); ok {
		n.connectType = ct
	}
}

func schemaErr(doc *document, ptr, msg string) error {
	return fmt.Errorf("jsoncompat: %s at %s: %w: %s", doc.Name, pointerText(ptr), serde.ErrSchema, msg)
}

func stringAt(m map[string]any, k string) *string {
	v, ok := m[k]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		s = canonical(v)
	}
	return &s
}

// typed builds the schema of one type from its family's keywords.
func (l *loader) typed(doc *document, m map[string]any, ptr, typ, tag string) (*node, error) {
	var n *node
	var err error
	switch typ {
	case "string":
		if n, err = l.newNode(kindString, "string"+tag); err != nil {
			return nil, err
		}
		if n.minLength, err = numberAt(doc, m, ptr, "minLength"); err != nil {
			return nil, err
		}
		if n.maxLength, err = numberAt(doc, m, ptr, "maxLength"); err != nil {
			return nil, err
		}
		if p, ok := m["pattern"]; ok {
			s, ok := p.(string)
			if !ok {
				return nil, schemaErr(doc, ptr, "pattern must be a string")
			}
			n.pattern = &s
		}
	case "integer", "number":
		if n, err = l.newNode(kindNumber, typ+tag); err != nil {
			return nil, err
		}
		n.integer = typ == "integer"
		for _, f := range []struct {
			name string
			dst  **float64
		}{{"minimum", &n.minimum}, {"maximum", &n.maximum}, {"exclusiveMinimum", &n.exMin}, {"exclusiveMaximum", &n.exMax}} {
			if _, isBool := m[f.name].(bool); isBool {
				continue // draft-04 modifier of minimum/maximum
			}
			if *f.dst, err = numberAt(doc, m, ptr, f.name); err != nil {
				return nil, err
			}
		}
		if x, ok := m["multipleOf"]; ok {
			num, ok := x.(json.Number)
			if !ok {
				return nil, schemaErr(doc, ptr, "multipleOf must be a number")
			}
			r, err := parseRat(num.String())
			if err != nil {
				return nil, schemaErr(doc, ptr, "multipleOf: "+err.Error())
			}
			n.multipleOf, n.multipleOfText = r, num.String()
		}
	case "boolean":
		n, err = l.newNode(kindBoolean, "boolean"+tag)
	case "null":
		n, err = l.newNode(kindNull, "null"+tag)
	case "object":
		n, err = l.object(doc, m, ptr, tag)
	case "array":
		n, err = l.array(doc, m, ptr, tag)
	default:
		return nil, schemaErr(doc, ptr, fmt.Sprintf("unknown type %q", typ))
	}
	return n, err
}

func (l *loader) object(doc *document, m map[string]any, ptr, tag string) (*node, error) {
	n, err := l.newNode(kindObject, "object"+tag)
	if err != nil {
		return nil, err
	}
	n.props = map[string]*node{}
	n.required = map[string]bool{}
	if p, ok := m["properties"]; ok {
		pm, ok := p.(map[string]any)
		if !ok {
			return nil, schemaErr(doc, ptr, "properties must be an object")
		}
		n.propNames = sortedKeys(pm)
		for _, name := range n.propNames {
			if n.props[name], err = l.parse(doc, pm[name], ptr+"/properties/"+escapePointer(name)); err != nil {
				return nil, err
			}
		}
	}
	if r, ok := m["required"].([]any); ok {
		for _, x := range r {
			if s, ok := x.(string); ok {
				n.required[s] = true
			}
		}
	}
	if a, ok := m["additionalProperties"]; ok {
		switch a := a.(type) {
		case bool:
			n.addlForbidden = !a
		default:
			if n.addl, err = l.parse(doc, a, ptr+"/additionalProperties"); err != nil {
				return nil, err
			}
		}
	}
	if p, ok := m["patternProperties"]; ok {
		pm, ok := p.(map[string]any)
		if !ok {
			return nil, schemaErr(doc, ptr, "patternProperties must be an object")
		}
		for _, src := range sortedKeys(pm) {
			s, err := l.parse(doc, pm[src], ptr+"/patternProperties/"+escapePointer(src))
			if err != nil {
				return nil, err
			}
			re, _ := regexp.Compile(src) // an ECMA-only pattern matches nothing here
			n.patterns = append(n.patterns, patternProp{source: src, re: re, schema: s})
		}
	}
	if err := l.dependencies(doc, m, ptr, n, "dependencies", true, true); err != nil {
		return nil, err
	}
	if doc.modern {
		if err := l.dependencies(doc, m, ptr, n, "dependentRequired", true, false); err != nil {
			return nil, err
		}
		if err := l.dependencies(doc, m, ptr, n, "dependentSchemas", false, true); err != nil {
			return nil, err
		}
		if u, ok := m["unevaluatedProperties"]; ok {
			if n.unevalProps, err = l.parse(doc, u, ptr+"/unevaluatedProperties"); err != nil {
				return nil, err
			}
		}
	}
	if n.minProps, err = numberAt(doc, m, ptr, "minProperties"); err != nil {
		return nil, err
	}
	if n.maxProps, err = numberAt(doc, m, ptr, "maxProperties"); err != nil {
		return nil, err
	}
	return n, nil
}

// dependencies loads the dependency keyword kw of object n: lists of
// property names (allowArrays) and schemas (allowSchemas).
func (l *loader) dependencies(doc *document, m map[string]any, ptr string, n *node, kw string, allowArrays, allowSchemas bool) error {
	d, ok := m[kw]
	if !ok {
		return nil
	}
	dm, ok := d.(map[string]any)
	if !ok {
		return schemaErr(doc, ptr, kw+" must be an object")
	}
	for _, name := range sortedKeys(dm) {
		switch x := dm[name].(type) {
		case []any:
			if !allowArrays {
				return schemaErr(doc, ptr, kw+" values must be schemas")
			}
			if n.propDeps == nil {
				n.propDeps = map[string][]string{}
			}
			list := []string{}
			for _, y := range x {
				if s, ok := y.(string); ok {
					list = append(list, s)
				}
			}
			n.propDeps[name] = list
		default:
			if !allowSchemas {
				return schemaErr(doc, ptr, kw+" values must be arrays")
			}
			if n.schemaDeps == nil {
				n.schemaDeps = map[string]*node{}
			}
			s, err := l.parse(doc, x, ptr+"/"+kw+"/"+escapePointer(name))
			if err != nil {
				return err
			}
			n.schemaDeps[name] = s
		}
	}
	return nil
}

func (l *loader) array(doc *document, m map[string]any, ptr, tag string) (*node, error) {
	n, err := l.newNode(kindArray, "array"+tag)
	if err != nil {
		return nil, err
	}
	tuple := func(kw string, arr []any) error {
		for i, x := range arr {
			s, err := l.parse(doc, x, ptr+"/"+kw+"/"+strconv.Itoa(i))
			if err != nil {
				return err
			}
			n.tuple = append(n.tuple, s)
		}
		return nil
	}
	prefix, hasPrefix := m["prefixItems"].([]any)
	if doc.modern && hasPrefix {
		if err := tuple("prefixItems", prefix); err != nil {
			return nil, err
		}
	}
	if it, ok := m["items"]; ok {
		switch it := it.(type) {
		case []any:
			if err := tuple("items", it); err != nil {
				return nil, err
			}
		case bool:
			switch {
			case !doc.modern:
				if n.items, err = l.parse(doc, it, ptr+"/items"); err != nil {
					return nil, err
				}
			case !it:
				n.addlItemsForbidden = true
			}
		default:
			s, err := l.parse(doc, it, ptr+"/items")
			if err != nil {
				return nil, err
			}
			if doc.modern && hasPrefix {
				n.addlItems = s
			} else {
				n.items = s
			}
		}
	}
	if a, ok := m["additionalItems"]; ok && !(doc.modern && hasPrefix) {
		switch a := a.(type) {
		case bool:
			if !a {
				n.addlItemsForbidden = true
			}
		default:
			if n.addlItems, err = l.parse(doc, a, ptr+"/additionalItems"); err != nil {
				return nil, err
			}
		}
	}
	if u, ok := m["unevaluatedItems"]; ok && doc.modern {
		if n.unevalItems, err = l.parse(doc, u, ptr+"/unevaluatedItems"); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		dst  **float64
	}{{"minItems", &n.minItems}, {"maxItems", &n.maxItems}, {"minContains", &n.minContains}, {"maxContains", &n.maxContains}} {
		if *f.dst, err = numberAt(doc, m, ptr, f.name); err != nil {
			return nil, err
		}
	}
	if u, ok := m["uniqueItems"].(bool); ok {
		n.unique = u
	}
	return n, nil
}

func numberAt(doc *document, m map[string]any, ptr, k string) (*float64, error) {
	x, ok := m[k]
	if !ok {
		return nil, nil
	}
	num, ok := x.(json.Number)
	if !ok {
		return nil, schemaErr(doc, ptr, k+" must be a number")
	}
	f, err := strconv.ParseFloat(num.String(), 64)
	if err != nil {
		// Out of float64 range: ParseFloat returns ±Inf, which still orders.
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return nil, schemaErr(doc, ptr, k+": "+err.Error())
		}
	}
	return &f, nil
}

// parseRat parses a JSON number exactly, refusing exponents that would make
// big.Rat allocate without bound.
func parseRat(s string) (*big.Rat, error) {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 1000 || e < -1000 {
			return nil, fmt.Errorf("exponent out of range in %s", s)
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("bad number %s", s)
	}
	return r, nil
}

// resolveRef loads the schema a $ref in doc names (see jsonschema.Model).
func (l *loader) resolveRef(doc *document, ref string) (*node, error) {
	n, err := l.model.Resolve(doc.Document, ref)
	if err != nil {
		return nil, err
	}
	return l.parse(l.document(n.Doc), n.Value, n.Pointer)
}

func escapePointer(s string) string { return jsonschema.EscapePointer(s) }

func pointerText(ptr string) string { return "#" + ptr }

// canonical encodes a JSON value with sorted keys and numbers as written.
func canonical(v any) string { return jsonschema.Canonical(v) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deref follows $ref chains to a schema that is not a reference. A chain
// that loops (a $ref to itself) stands for any value, as nothing constrains it.
var loopNode = &node{kind: kindEmpty, src: true, identity: "|true"}

func deref(n *node) *node {
	for i := 0; n != nil && n.kind == kindRef; i++ {
		if n.target == nil || i > 64 {
			return loopNode
		}
		n = n.target
	}
	return n
}

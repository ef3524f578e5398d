package codegen

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
	serdejson "github.com/schemagen/schemagen/serde/jsonschema"
)

const (
	jsonLib = "github.com/santhosh-tekuri/jsonschema/v5"
	// jsonRT is the runtime of generated Validate methods (Path, MultipleOf).
	jsonRT = "github.com/schemagen/schemagen/serde/jsonschema"
)

// JSON Schema support, and its limits. Keywords that generated types
// cannot honour fail generation with an error naming the keyword and the
// JSON pointer of the schema that uses it:
//
//   - oneOf and anyOf are generated only in the form [S, {"type": "null"}]
//     (a nullable S); other combinations, allOf, not, if/then/else,
//     patternProperties, dependencies, tuple items and prefixItems,
//     unevaluated*, contains and propertyNames are refused.
//   - A property listed in required but absent from properties is refused
//     (a struct cannot carry it).
//   - additionalProperties: false needs nothing (a struct has no extra
//     fields). A schema or true beside properties is accepted, but the
//     struct carries only the declared properties; an object with no
//     properties and an additionalProperties schema becomes
//     map[string]T, and with none map[string]json.RawMessage.
//   - $ref resolves within the document (#/$defs/X, #/definitions/X) and to
//     other documents through the entry's Resolver, relative to the
//     referring document; a $ref with sibling constraints is refused.
//   - enum must list strings (a typed string with constants) or numbers;
//     const must be a string, number or boolean.
//   - format date-time on a string with no other constraint becomes
//     time.Time; other formats are checked with the library's own
//     checkers (jsonschema.Formats), as serde/jsonschema does.

type jsKind uint8

const (
	kStruct jsKind = iota + 1
	kEnum
	kString
	kInt
	kNum
	kBool
	kTime
	kArray
	kMap
	kRaw
)

// jsType is the Go type of one schema node.
type jsType struct {
	kind     jsKind
	expr     string // Go type, not nullable
	node     *jobj  // the node with the constraints (after $ref)
	where    string // doc#pointer, for errors
	elem     *jsType
	nullable bool
	draft4   bool
}

// jobj is a schema object of serde/jsonschema's Model: its node, its
// keywords and their order in the text.
type jobj struct {
	n    *serdejson.Node
	keys []string
	m    map[string]any
}

// objOf returns the keywords of an object schema, nil for a boolean one.
func objOf(n *serdejson.Node) *jobj {
	m := n.Object()
	if m == nil {
		return nil
	}
	return &jobj{n: n, keys: n.Keys(), m: m}
}

type jsonGen struct {
	ctx    context.Context
	g      *generator
	e      *Entry
	rec    *recorder
	root   string           // the entry's document name
	model  *serdejson.Model // the documents, parsed once; $refs resolve through it
	types  map[string]*jsType
	draft4 bool
	// emitErr is the first constraint Validate cannot check.
	emitErr error
}

// jsonPkgState is what the JSON entries of a package share: the helpers
// file is written once, with the format checkers and helpers used.
type jsonPkgState struct {
	formats map[string]bool
}

func (g *generator) jsonEntry(ctx context.Context, e *Entry) error {
	rec := newRecorder(e.Resolver)
	s := e.Schema
	s.Format = serde.JSON
	c, err := serdejson.Compile(ctx, s, rec)
	if err != nil {
		return err
	}
	// The root document's name: refs resolve relative to it, and it keys
	// the named types generated from it (subject@version sources use the
	// subject).
	rootName := "schema.json"
	if src := strings.ReplaceAll(e.Source, "\\", "/"); src != "" {
		if i := strings.LastIndexByte(src, '@'); i > 0 {
			rootName = path.Base(src[:i]) + ".json"
		} else {
			rootName = path.Base(src)
		}
	}
	model := serdejson.NewModel(ctx, rec)
	doc, err := model.Parse(rootName, e.Schema)
	if err != nil {
		return fmt.Errorf("json schema: %w", err)
	}
	root, _ := doc.Node("")
	j := &jsonGen{ctx: ctx, g: g, e: e, rec: rec, root: rootName, model: model, types: map[string]*jsType{}}
	j.draft4 = doc.Draft() == serdejson.Draft4
	if g.json == nil {
		g.json = &jsonPkgState{formats: map[string]bool{}}
	}
	hint, _ := root.Object()["title"].(string)
	if hint == "" {
		hint = strings.TrimSuffix(rootName, path.Ext(rootName))
	}
	t, err := j.typeOf(root, goName(hint))
	if err != nil {
		return err
	}
	if t.kind != kStruct || t.nullable {
		return fmt.Errorf("json schema: %s#: the top-level schema must be an object", rootName)
	}
	title := ""
	if t.node != nil {
		title, _ = t.node.m["title"].(string)
	}
	return g.addStub(&stubInfo{
		e: e, f: j.fileOf(rootName), name: t.expr, valueType: "*" + t.expr, recordName: title,
		canonical: c.Canonical(), fp: serde.Fingerprint(c), refs: rec.seen,
	})
}

func (j *jsonGen) fileOf(doc string) *goFile {
	if doc == j.root {
		return j.g.file(fileName(j.e, goName(doc), "json"), j.e.Source)
	}
	return j.g.file(snake(strings.TrimSuffix(path.Base(doc), path.Ext(doc)))+".json.go", doc)
}

var annotations = map[string]bool{
	"$schema": true, "$id": true, "id": true, "title": true, "description": true, "$comment": true,
	"examples": true, "default": true, "readOnly": true, "writeOnly": true, "deprecated": true,
	"contentEncoding": true, "contentMediaType": true, "$defs": true, "definitions": true,
	// Confluent's inline rules and tags: the data contract, which the
	// runtime's rule engine enforces after the types (serde/contract).
	"confluent:rules": true, "confluent:tags": true,
}

var supported = map[string]bool{
	"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"$ref": true, "enum": true, "const": true, "format": true, "pattern": true, "minLength": true,
	"maxLength": true, "minimum": true, "maximum": true, "exclusiveMinimum": true,
	"exclusiveMaximum": true, "multipleOf": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "minProperties": true, "maxProperties": true, "oneOf": true, "anyOf": true,
}

func ptrEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// resolveRef finds the schema a $ref in n's document names, relative to
// that document: only the schema's own documents, which the entry's
// Resolver serves.
func (j *jsonGen) resolveRef(n *serdejson.Node, ref string) (*serdejson.Node, error) {
	base, _ := url.Parse("mem:///" + n.Doc.Name)
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad $ref %q: %w", ref, err)
	}
	if abs := base.ResolveReference(u); abs.Scheme != "mem" || abs.Host != "" {
		return nil, fmt.Errorf("$ref %q: only references to the schema's own documents are generated", ref)
	}
	return j.model.Resolve(n.Doc, ref)
}

// typeOf maps the schema node n to a Go type, generating named types
// (structs, enums) once.
func (j *jsonGen) typeOf(n *serdejson.Node, hint string) (*jsType, error) {
	where := n.Where()
	if b, ok := n.Value.(bool); ok {
		if !b {
			return nil, fmt.Errorf("json schema: %s: the false schema has no Go type", where)
		}
		return &jsType{kind: kRaw, expr: "json.RawMessage", where: where}, nil
	}
	o := objOf(n)
	if o == nil {
		return nil, fmt.Errorf("json schema: %s: not a schema", where)
	}
	if t, ok := j.g.jsonTypes[where]; ok {
		return t, nil
	}
	for _, k := range o.keys {
		if !annotations[k] && !supported[k] {
			return nil, fmt.Errorf("json schema: %s: keyword %q is not supported by the generator", where, k)
		}
	}
	if ref, ok := n.String("$ref"); ok {
		return j.refType(o, ref, where)
	}
	for _, comb := range []string{"oneOf", "anyOf"} {
		if _, ok := o.m[comb]; ok {
			return j.nullableType(o, comb, where, hint)
		}
	}
	types, nullable, err := typeList(o, where)
	if err != nil {
		return nil, err
	}
	typ, err := inferType(o, types, where)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		return &jsType{kind: kRaw, expr: "json.RawMessage", node: o, where: where, nullable: nullable}, nil
	}
	t := &jsType{node: o, where: where, nullable: nullable, draft4: j.draft4}
	switch typ {
	case "object":
		return j.objectType(o, hint, t)
	case "array":
		return j.arrayType(o, hint, t)
	case "string":
		if ev, ok := o.m["enum"]; ok {
			if !allStrings(ev) {
				return nil, fmt.Errorf("json schema: %s: a string enum must list strings", where)
			}
			return j.enumType(o, hint, t)
		}
		if o.m["format"] == "date-time" && onlyKeys(o, "type", "format") {
			t.kind, t.expr = kTime, "time.Time"
			return t, nil
		}
		t.kind, t.expr = kString, "string"
	case "integer":
		t.kind, t.expr = kInt, "int64"
	case "number":
		t.kind, t.expr = kNum, "float64"
	case "boolean":
		t.kind, t.expr = kBool, "bool"
	default:
		return nil, fmt.Errorf("json schema: %s: type %q has no Go type", where, typ)
	}
	return t, scalarValues(o, t)
}

// refType is the type of the schema a $ref names; nothing may stand
// beside the $ref.
func (j *jsonGen) refType(o *jobj, ref, where string) (*jsType, error) {
	for _, k := range o.keys {
		if supported[k] && k != "$ref" {
			return nil, fmt.Errorf("json schema: %s: $ref with sibling keyword %q is not supported", where, k)
		}
	}
	target, err := j.resolveRef(o.n, ref)
	if err != nil {
		return nil, fmt.Errorf("json schema: %s: %w", where, err)
	}
	p2 := target.Pointer
	h := p2[strings.LastIndexByte(p2, '/')+1:]
	if p2 == "" {
		h, _ = target.Object()["title"].(string)
		if h == "" {
			d2 := target.Doc.Name
			h = strings.TrimSuffix(path.Base(d2), path.Ext(d2))
		}
	}
	return j.typeOf(target, goName(h))
}

// nullableType is the type of [S, {"type": "null"}] under oneOf or anyOf
// (comb): S's type, nullable.
func (j *jsonGen) nullableType(o *jobj, comb, where, hint string) (*jsType, error) {
	branches, _ := o.m[comb].([]any)
	if len(branches) != 2 || !onlyKeys(o, comb) {
		return nil, fmt.Errorf("json schema: %s: %s is supported only as [S, {\"type\": \"null\"}]", where, comb)
	}
	other := -1
	for i, b := range branches {
		if bo, ok := b.(map[string]any); ok && len(bo) == 1 && bo["type"] == "null" {
			other = 1 - i
		}
	}
	if other < 0 {
		return nil, fmt.Errorf("json schema: %s: %s is supported only as [S, {\"type\": \"null\"}]", where, comb)
	}
	sub, _ := o.n.Child(comb, strconv.Itoa(other))
	t, err := j.typeOf(sub, hint)
	if err != nil {
		return nil, err
	}
	c := *t
	c.nullable = true
	return &c, nil
}

// inferType picks the one JSON type of a schema: from "type", or from its
// keywords; "" (and no error) for a schema with no constraint, raw JSON.
func inferType(o *jobj, types []string, where string) (string, error) {
	typ := ""
	switch len(types) {
	case 0:
		switch {
		case o.m["properties"] != nil || o.m["additionalProperties"] != nil || o.m["required"] != nil:
			typ = "object"
		case o.m["items"] != nil:
			typ = "array"
		case allStrings(o.m["enum"]):
			typ = "string"
		case onlyKeys(o):
			return "", nil
		default:
			return "", fmt.Errorf("json schema: %s: cannot infer a Go type: add \"type\"", where)
		}
	case 1:
		typ = types[0]
	default:
		return "", fmt.Errorf("json schema: %s: several types %v are not supported", where, types)
	}
	if typ == "object" || typ == "array" {
		for _, k := range []string{"enum", "const"} {
			if _, ok := o.m[k]; ok {
				return "", fmt.Errorf("json schema: %s: %s on an %s is not supported", where, k, typ)
			}
		}
	}
	return typ, nil
}

// objectType is a struct, or a map for an object with no properties.
func (j *jsonGen) objectType(o *jobj, hint string, t *jsType) (*jsType, error) {
	props, _ := o.m["properties"].(map[string]any)
	ap, hasAP := o.m["additionalProperties"]
	if props != nil || !hasAP && o.m["required"] != nil {
		return j.structType(o, hint, t)
	}
	if o.m["required"] != nil {
		return nil, fmt.Errorf("json schema: %s: required without properties is not supported", t.where)
	}
	t.kind, t.expr = kMap, ""
	var elem *jsType
	if _, ok := ap.(map[string]any); ok {
		sub, _ := o.n.Child("additionalProperties")
		var err error
		if elem, err = j.typeOf(sub, hint+"Value"); err != nil {
			return nil, err
		}
	} else if ap == false {
		return nil, fmt.Errorf("json schema: %s: an object with no properties and additionalProperties false has no Go type", t.where)
	} else {
		elem = &jsType{kind: kRaw, expr: "json.RawMessage"}
	}
	t.elem = elem
	t.expr = "map[string]" + j.fieldType(elem)
	return t, nil
}

// arrayType is a slice of the items' type.
func (j *jsonGen) arrayType(o *jobj, hint string, t *jsType) (*jsType, error) {
	if _, ok := o.m["items"].([]any); ok {
		return nil, fmt.Errorf("json schema: %s: tuple items are not supported", t.where)
	}
	t.kind = kArray
	if it, ok := o.n.Child("items"); ok {
		var err error
		if t.elem, err = j.typeOf(it, hint+"Item"); err != nil {
			return nil, err
		}
	} else {
		t.elem = &jsType{kind: kRaw, expr: "json.RawMessage"}
	}
	t.expr = "[]" + j.fieldType(t.elem)
	return t, nil
}

// scalarValues checks the enum and const of a scalar type.
func scalarValues(o *jobj, t *jsType) error {
	if ev, ok := o.m["enum"].([]any); ok {
		for _, v := range ev {
			if _, ok := v.(json.Number); !ok || t.kind == kBool || t.kind == kString {
				return fmt.Errorf("json schema: %s: enum values must be strings or numbers of the schema's type", t.where)
			}
		}
	}
	if cv, ok := o.m["const"]; ok {
		switch cv.(type) {
		case string, json.Number, bool:
		default:
			return fmt.Errorf("json schema: %s: const must be a string, number or boolean", t.where)
		}
	}
	return nil
}

func onlyKeys(o *jobj, allowed ...string) bool {
	for _, k := range o.keys {
		if supported[k] && !contains(allowed, k) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func allStrings(v any) bool {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return false
	}
	for _, x := range a {
		if _, ok := x.(string); !ok {
			return false
		}
	}
	return true
}

func typeList(o *jobj, where string) (types []string, nullable bool, err error) {
	switch v := o.m["type"].(type) {
	case nil:
	case string:
		types = []string{v}
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false, fmt.Errorf("json schema: %s: bad type list", where)
			}
			types = append(types, s)
		}
	default:
		return nil, false, fmt.Errorf("json schema: %s: bad type", where)
	}
	out := types[:0:0]
	for _, t := range types {
		if t == "null" {
			nullable = true
		} else {
			out = append(out, t)
		}
	}
	if nullable && len(out) == 0 {
		return nil, false, fmt.Errorf("json schema: %s: a null-only schema has no Go type", where)
	}
	return out, nullable, nil
}

// fieldType is the unqualified Go type that holds a value of t (a pointer
// for nullable values; slices, maps and raw JSON are nil-able already),
// used in jsType.expr; files write types with goTypeIn, which qualifies.
func (j *jsonGen) fieldType(t *jsType) string {
	if t.nullable && !nilable(t) {
		return "*" + t.expr
	}
	return t.expr
}

func nilable(t *jsType) bool { return t.kind == kArray || t.kind == kMap || t.kind == kRaw }

func (j *jsonGen) declareType(where, name string) error {
	return j.g.declare(name, "json schema "+where)
}

func (j *jsonGen) enumType(o *jobj, hint string, t *jsType) (*jsType, error) {
	t.kind, t.expr = kEnum, hint
	if err := j.declareType(t.where, hint); err != nil {
		return nil, err
	}
	j.g.jsonTypes[t.where] = t
	f := j.fileOf(o.n.Doc.Name)
	vals := o.m["enum"].([]any)
	f.P()
	f.P("// ", hint, " is the string enum at ", t.where, ": one of the ", hint, " constants.")
	if d, _ := o.m["description"].(string); d != "" {
		f.P("//")
		docLines(f, d)
	}
	f.P("type ", hint, " string")
	f.P()
	f.P("// The values of ", hint, ".")
	f.P("const (")
	consts := make([]string, len(vals))
	for i, v := range vals {
		consts[i] = hint + symbolName(v.(string))
		if err := j.g.declare(consts[i], "json schema "+t.where); err != nil {
			return nil, err
		}
		f.P(consts[i], " ", hint, " = ", strconv.Quote(v.(string)))
	}
	f.P(")")
	f.P()
	f.P("// IsValid reports whether v is one of the values of ", hint, ".")
	f.P("func (v ", hint, ") IsValid() bool {")
	f.P("switch v {")
	f.P("case ", strings.Join(consts, ", "), ":")
	f.P("return true")
	f.P("}")
	f.P("return false")
	f.P("}")
	return t, nil
}

type jsField struct {
	name, goName, typ string
	t                 *jsType
	required          bool
	doc               string
}

func (j *jsonGen) structType(o *jobj, hint string, t *jsType) (*jsType, error) {
	t.kind, t.expr = kStruct, hint
	if err := j.declareType(t.where, hint); err != nil {
		return nil, err
	}
	j.g.jsonTypes[t.where] = t
	props, _ := o.m["properties"].(map[string]any)
	required := map[string]bool{}
	if rl, ok := o.m["required"].([]any); ok {
		for _, r := range rl {
			s, _ := r.(string)
			required[s] = true
			if props == nil || props[s] == nil {
				return nil, fmt.Errorf("json schema: %s: required property %q is not in properties", t.where, s)
			}
		}
	}
	if o.m["minProperties"] != nil || o.m["maxProperties"] != nil {
		return nil, fmt.Errorf("json schema: %s: minProperties and maxProperties are supported on maps only", t.where)
	}
	var fields []jsField
	seen := map[string]bool{}
	if props != nil {
		for _, k := range o.n.Properties() {
			pn, _ := o.n.Child("properties", k)
			ft, err := j.typeOf(pn, hint+goName(k))
			if err != nil {
				return nil, err
			}
			fn := goName(k)
			if seen[fn] {
				return nil, fmt.Errorf("json schema: %s: two properties map to the Go name %s", t.where, fn)
			}
			seen[fn] = true
			d, _ := pn.Object()["description"].(string)
			fields = append(fields, jsField{name: k, goName: fn, t: ft, required: required[k], doc: d})
		}
	}
	f := j.fileOf(o.n.Doc.Name)
	f.P()
	title, _ := o.m["title"].(string)
	if title != "" && goName(title) != hint {
		f.P("// ", hint, " is ", title, ", the object at ", t.where, ".")
	} else {
		f.P("// ", hint, " is the object at ", t.where, ".")
	}
	if d, _ := o.m["description"].(string); d != "" {
		f.P("//")
		docLines(f, d)
	}
	f.P("type ", hint, " struct {")
	for _, fl := range fields {
		typ := j.goTypeIn(f, fl.t)
		tag := fl.name
		if !fl.required {
			tag += ",omitempty"
			if !nilable(fl.t) && !strings.HasPrefix(typ, "*") {
				typ = "*" + typ
			}
		}
		if fl.doc != "" {
			docLines(f, fl.doc)
		} else {
			req := "optional"
			if fl.required {
				req = "required"
			}
			f.P("// ", fl.goName, " is the ", req, " property ", fl.name, ".")
		}
		f.P(fl.goName, " ", typ, " `json:", strconv.Quote(tag), "`")
	}
	f.P("}")
	j.writeValidate(f, hint, fields)
	if j.emitErr != nil {
		return nil, j.emitErr
	}
	j.writeAppendJSON(f, hint, fields) // codegen/jsonenc.go
	return t, nil
}

// goTypeIn writes t's Go type for use in f, qualifying time.Time and
// json.RawMessage through f's import tracker.
func (j *jsonGen) goTypeIn(f *goFile, t *jsType) string {
	var base string
	switch t.kind {
	case kTime:
		base = f.Q("time", "Time")
	case kRaw:
		base = f.Q("encoding/json", "RawMessage")
	case kArray:
		base = "[]" + j.goTypeIn(f, t.elem)
	case kMap:
		base = "map[string]" + j.goTypeIn(f, t.elem)
	default:
		base = t.expr
	}
	if t.nullable && !nilable(t) {
		return "*" + base
	}
	return base
}

// ---- Validate ----

type emitter struct {
	j     *jsonGen
	f     *goFile
	owner string // struct name, for package-level var names
	lines []string
}

func (m *emitter) p(args ...any) {
	var b strings.Builder
	for _, a := range args {
		fmt.Fprint(&b, a)
	}
	m.lines = append(m.lines, b.String())
}

// fail emits a violation. Reasons use serde/jsonschema's words and, like
// them, never quote the value at fault (it may be a credential or personal
// data): the rule, the schema's facts, at most the value's length.
func (m *emitter) fail(sentinel, format string, args ...string) {
	m.p("errs = append(errs, ", m.f.Q(serdePkg, "Violation"), "(p.String(), ", m.f.Q(serdePkg, sentinel), ", ",
		strconv.Quote(format), strings.Join(append([]string{""}, args...), ", "), "))")
}

func (j *jsonGen) writeValidate(f *goFile, name string, fields []jsField) {
	m := &emitter{j: j, f: f, owner: name}
	for _, fl := range fields {
		m.field(fl)
	}
	f.P()
	f.P("// Validate checks v against its schema without reflection or encoding:")
	f.P("// nil, or errors.Join of one *serde.ValidationError per violation, with")
	f.P("// paths like items[2].sku (the serde.Validatable seam).")
	f.P("func (v *", name, ") Validate() error {")
	f.P("if v == nil {")
	f.P("return ", f.Q(serdePkg, "Violation"), "(\"\", ", f.Q(serdePkg, "ErrType"), ", \"expected object, but got null\")")
	f.P("}")
	f.P("return ", f.Q("errors", "Join"), "(v.validate(nil, nil)...)")
	f.P("}")
	f.P()
	f.P("func (v *", name, ") validate(p *", f.Q(jsonRT, "Path"), ", errs []error) []error {")
	for _, l := range m.lines {
		f.P(l)
	}
	f.P("return errs")
	f.P("}")
}

// field emits the checks of one struct field, under the field's path.
func (m *emitter) field(fl jsField) {
	expr := "v." + fl.goName
	t := fl.t
	sub := &emitter{j: m.j, f: m.f, owner: m.owner + fl.goName}
	ptr := !nilable(t) && (t.nullable || !fl.required)
	val := expr
	switch {
	case ptr && (t.kind == kEnum || t.kind == kTime): // methods are called on it
		val = "(*" + expr + ")"
	case ptr && t.kind != kStruct:
		val = "*" + expr
	}
	sub.checks(t, val, 0)
	key := "p.Key(" + strconv.Quote(fl.name) + ")"
	switch {
	case ptr:
		if len(sub.lines) == 0 {
			return
		}
		m.p("if ", expr, " != nil {")
	case nilable(t) && t.kind != kRaw && fl.required && !t.nullable:
		m.p("{")
		m.p("p := ", key)
		m.p("if ", expr, " == nil {")
		kind := map[jsKind]string{kArray: "array", kMap: "object"}[t.kind]
		m.fail("ErrType", "expected "+kind+", but got null")
		if len(sub.lines) > 0 {
			m.p("} else {")
			m.lines = append(m.lines, sub.lines...)
		}
		m.p("}")
		m.p("}")
		return
	case nilable(t):
		if len(sub.lines) == 0 {
			return
		}
		m.p("if len(", expr, ") != 0 {")
	default:
		if len(sub.lines) == 0 {
			return
		}
		m.p("{")
	}
	m.p("p := ", key)
	m.lines = append(m.lines, sub.lines...)
	m.p("}")
}

// checks emits the checks of a value of t held in expr (not a pointer),
// at path p. depth names loop variables.
func (m *emitter) checks(t *jsType, expr string, depth int) {
	o := t.node
	switch t.kind {
	case kStruct:
		m.p("errs = ", expr, ".validate(p, errs)")
	case kEnum:
		vals := o.m["enum"].([]any)
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(v.(string))
		}
		m.p("if !", expr, ".IsValid() {")
		m.fail("ErrEnum", "value must be one of "+strings.ReplaceAll(strings.Join(q, ", "), "%", "%%"))
		m.p("}")
		m.stringChecks(o, "string("+expr+")")
	case kString:
		m.stringChecks(o, expr)
	case kInt, kNum:
		if t.kind == kNum {
			// encoding/json has no encoding for NaN or infinities.
			m.p("if ", m.f.Q("math", "IsNaN"), "(float64(", expr, ")) || ", m.f.Q("math", "IsInf"), "(float64(", expr, "), 0) {")
			m.fail("ErrType", "expected number, but got %v", expr)
			m.p("}")
		}
		m.numberChecks(t, expr)
	case kTime:
		// time.Time.MarshalJSON refuses years outside 0..9999.
		m.p("if y := ", expr, ".Year(); y < 0 || y > 9999 {")
		m.fail("ErrRange", "year outside 0..9999 cannot be written as date-time")
		m.p("}")
	case kBool:
		if c, ok := o.m["const"].(bool); ok {
			m.p("if ", expr, " != ", c, " {")
			m.fail("ErrEnum", fmt.Sprintf("value must be %v", c))
			m.p("}")
		}
	case kArray:
		m.arrayChecks(t, expr, depth)
	case kMap:
		m.mapChecks(t, expr, depth)
	}
}

// arrayChecks emits the checks of a slice and of its items.
func (m *emitter) arrayChecks(t *jsType, expr string, depth int) {
	o := t.node
	if n, ok := intKW(o, "minItems"); ok {
		m.p("if len(", expr, ") < ", n, " {")
		m.fail("ErrRange", "minimum "+n+" items required, but found %d items", "len("+expr+")")
		m.p("}")
	}
	if n, ok := intKW(o, "maxItems"); ok {
		m.p("if len(", expr, ") > ", n, " {")
		m.fail("ErrRange", "maximum "+n+" items required, but found %d items", "len("+expr+")")
		m.p("}")
	}
	if o.m["uniqueItems"] == true {
		switch t.elem.kind {
		case kString, kEnum, kInt, kNum, kBool:
			if t.elem.nullable {
				m.j.emitErr = fmt.Errorf("json schema: %s: uniqueItems is supported on arrays of non-null strings, numbers and booleans only", t.where)
			} else {
				i := "i" + strconv.Itoa(depth)
				m.p("if len(", expr, ") > 1 {")
				m.p("seen := make(map[", t.elem.expr, "]int, len(", expr, "))")
				m.p("for ", i, ", x := range ", expr, " {")
				m.p("if j, dup := seen[x]; dup {")
				m.fail("ErrConstraint", "items at %d and %d are equal", "j", i)
				m.p("}")
				m.p("seen[x] = ", i)
				m.p("}")
				m.p("}")
			}
		default:
			m.j.emitErr = fmt.Errorf("json schema: %s: uniqueItems is supported on arrays of non-null strings, numbers and booleans only", t.where)
		}
	}
	sub := &emitter{j: m.j, f: m.f, owner: m.owner + "Item"}
	i := "i" + strconv.Itoa(depth)
	elem := expr + "[" + i + "]"
	ptr := t.elem.nullable && !nilable(t.elem)
	if ptr {
		elem = "(*" + elem + ")"
	}
	sub.nilItem(t.elem, elem)
	sub.checks(t.elem, elem, depth+1)
	if len(sub.lines) > 0 {
		m.p("for ", i, " := range ", expr, " {")
		if ptr {
			m.p("if ", expr, "[", i, "] == nil {")
			m.p("continue")
			m.p("}")
		}
		m.p("p := p.Index(", i, ")")
		m.lines = append(m.lines, sub.lines...)
		m.p("}")
	}
}

// mapChecks emits the checks of a map and of its values.
// nilItem refuses a nil slice or map where the schema wants a non-null
// array or object (encoding/json would write null there).
func (m *emitter) nilItem(t *jsType, expr string) {
	if (t.kind == kArray || t.kind == kMap) && !t.nullable {
		m.p("if ", expr, " == nil {")
		m.fail("ErrType", "expected "+map[jsKind]string{kArray: "array", kMap: "object"}[t.kind]+", but got null")
		m.p("}")
	}
}

func (m *emitter) mapChecks(t *jsType, expr string, depth int) {
	o := t.node
	if n, ok := intKW(o, "minProperties"); ok {
		m.p("if len(", expr, ") < ", n, " {")
		m.fail("ErrRange", "minimum "+n+" properties allowed, but found %d properties", "len("+expr+")")
		m.p("}")
	}
	if n, ok := intKW(o, "maxProperties"); ok {
		m.p("if len(", expr, ") > ", n, " {")
		m.fail("ErrRange", "maximum "+n+" properties allowed, but found %d properties", "len("+expr+")")
		m.p("}")
	}
	sub := &emitter{j: m.j, f: m.f, owner: m.owner + "Value"}
	k, x := "k"+strconv.Itoa(depth), "x"+strconv.Itoa(depth)
	val := x
	ptr := t.elem.nullable && !nilable(t.elem)
	if ptr {
		val = "(*" + x + ")"
	}
	sub.nilItem(t.elem, val)
	sub.checks(t.elem, val, depth+1)
	if len(sub.lines) > 0 {
		m.p("for ", k, ", ", x, " := range ", expr, " {")
		if ptr {
			m.p("if ", x, " == nil {")
			m.p("continue")
			m.p("}")
		}
		m.p("p := p.Key(", k, ")")
		m.lines = append(m.lines, sub.lines...)
		m.p("}")
	}

}

func intKW(o *jobj, k string) (string, bool) {
	n, ok := o.m[k].(json.Number)
	if !ok {
		return "", false
	}
	if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
		if r, ok := new(big.Rat).SetString(string(n)); ok && r.IsInt() {
			return r.Num().String(), true
		}
		return "", false
	}
	return string(n), true
}

func (m *emitter) stringChecks(o *jobj, expr string) {
	minL, hasMin := intKW(o, "minLength")
	maxL, hasMax := intKW(o, "maxLength")
	if hasMin || hasMax {
		count := m.f.Q("unicode/utf8", "RuneCountInString") + "(" + expr + ")"
		if hasMin {
			m.p("if ", count, " < ", minL, " {")
			m.fail("ErrRange", "length must be >= "+minL+", but got %d", count)
			m.p("}")
		}
		if hasMax {
			m.p("if ", count, " > ", maxL, " {")
			m.fail("ErrRange", "length must be <= "+maxL+", but got %d", count)
			m.p("}")
		}
	}
	if pat, ok := o.m["pattern"].(string); ok {
		name := lowerFirst(m.owner) + "Pattern"
		for i := 2; m.j.g.names[name] != ""; i++ {
			name = lowerFirst(m.owner) + "Pattern" + strconv.Itoa(i)
		}
		_ = m.j.g.declare(name, "pattern")
		m.j.g.patterns = append(m.j.g.patterns, patternVar{f: m.f, name: name, re: pat})
		m.p("if !", name, ".MatchString(", expr, ") {")
		m.fail("ErrFormat", "does not match pattern "+strings.ReplaceAll(strconv.Quote(pat), "%", "%%"))
		m.p("}")
	}
	if fm, ok := o.m["format"].(string); ok && knownFormats[fm] {
		m.j.g.json.formats[fm] = true
		m.p("if !", formatVar(fm), "(", expr, ") {")
		m.fail("ErrFormat", "not a valid "+fm+" (string of length %d)", m.f.Q("unicode/utf8", "RuneCountInString")+"("+expr+")")
		m.p("}")
	}
	if c, ok := o.m["const"].(string); ok {
		m.p("if ", expr, " != ", strconv.Quote(c), " {")
		m.fail("ErrEnum", "value must be "+strings.ReplaceAll(strconv.Quote(c), "%", "%%"))
		m.p("}")
	}
}

// knownFormats are the formats the library checks (jsonschema.Formats);
// others are annotations, as in serde/jsonschema.
var knownFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "duration": true, "period": true, "hostname": true,
	"email": true, "ip-address": true, "ipv4": true, "ipv6": true, "uri": true, "iri": true,
	"uri-reference": true, "uriref": true, "iri-reference": true, "uri-template": true, "regex": true,
	"json-pointer": true, "relative-json-pointer": true, "uuid": true,
}

func formatVar(name string) string { return "jsonFormat" + goName(name) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func (m *emitter) numberChecks(t *jsType, expr string) {
	o := t.node
	lit := func(n json.Number) (string, string) {
		// The literal and the expression to compare it with.
		r, ok := new(big.Rat).SetString(string(n))
		if t.kind == kInt && ok && !r.IsInt() {
			return string(n), "float64(" + expr + ")"
		}
		if t.kind == kInt && ok {
			return r.Num().String(), expr
		}
		return string(n), expr
	}
	cmp := func(kw, op, words string) {
		n, ok := o.m[kw].(json.Number)
		if !ok {
			return
		}
		l, e := lit(n)
		m.p("if ", e, " ", op, " ", l, " {")
		m.fail("ErrRange", "must be "+words+" "+string(n))
		m.p("}")
	}
	exMin, exMax := o.m["exclusiveMinimum"] == true, o.m["exclusiveMaximum"] == true
	if exMin && t.draft4 {
		cmp("minimum", "<=", ">")
	} else {
		cmp("minimum", "<", ">=")
	}
	if exMax && t.draft4 {
		cmp("maximum", ">=", "<")
	} else {
		cmp("maximum", ">", "<=")
	}
	cmp("exclusiveMinimum", "<=", ">")
	cmp("exclusiveMaximum", ">=", "<")
	if n, ok := o.m["multipleOf"].(json.Number); ok {
		r, _ := new(big.Rat).SetString(string(n))
		if t.kind == kInt && r != nil && r.IsInt() {
			m.p("if ", expr, "%", r.Num().String(), " != 0 {")
		} else {
			mant, exp, ok := decimalParts(string(n))
			if !ok {
				m.j.emitErr = fmt.Errorf("json schema: %s: multipleOf %s: more than 19 significant digits are not supported", t.where, n)
				return
			}
			m.p("if !", m.f.Q(jsonRT, "MultipleOf"), "(float64(", expr, "), ", mant, ", ", exp, ") {")
		}
		m.fail("ErrRange", "not a multiple of "+string(n))
		m.p("}")
	}
	if ev, ok := o.m["enum"].([]any); ok {
		var lits []string
		for _, v := range ev {
			l, e := lit(v.(json.Number))
			if e != expr {
				continue // a fraction never equals an integer
			}
			lits = append(lits, l)
		}
		if len(lits) == 0 {
			m.fail("ErrEnum", "no value fits the enum")
		} else {
			m.p("switch ", expr, " {")
			m.p("case ", strings.Join(lits, ", "), ":")
			m.p("default:")
			m.fail("ErrEnum", "value must be one of "+strings.Join(lits, ", "))
			m.p("}")
		}
	}
	if c, ok := o.m["const"].(json.Number); ok {
		l, e := lit(c)
		m.p("if ", e, " != ", l, " {")
		m.fail("ErrEnum", "value must be "+string(c))
		m.p("}")
	}
}

// decimalParts writes a positive decimal literal as mant * 10^exp.
func decimalParts(lit string) (mant uint64, exp int, ok bool) {
	r, ok := new(big.Rat).SetString(lit)
	if !ok || r.Sign() <= 0 {
		return 0, 0, false
	}
	// Scale by 10 until the value is an integer, then drop trailing zeros.
	ten := big.NewRat(10, 1)
	for !r.IsInt() {
		if exp < -340 {
			return 0, 0, false
		}
		r.Mul(r, ten)
		exp--
	}
	n := new(big.Int).Set(r.Num())
	tenI, rem := big.NewInt(10), new(big.Int)
	for n.Sign() != 0 {
		q, m := new(big.Int).QuoRem(n, tenI, rem)
		if m.Sign() != 0 {
			break
		}
		n = q
		exp++
	}
	if !n.IsUint64() {
		return 0, 0, false
	}
	return n.Uint64(), exp, true
}

type patternVar struct {
	f        *goFile
	name, re string
}

// writeJSONHelpers writes the package-level values the generated Validate
// methods share: format checkers and compiled patterns. The path type and
// multipleOf live in the runtime (serde/jsonschema), not in each package.
func (g *generator) writeJSONHelpers() error {
	if g.json == nil || len(g.json.formats) == 0 && len(g.patterns) == 0 {
		return nil
	}
	f := g.file("schemagen_json.go", "")
	P := f.P
	fms := sortedKeys(g.json.formats)
	if len(fms) > 0 {
		P("// Format checkers: the library's own, the ones serde/jsonschema applies.")
		P("var (")
		for _, fm := range fms {
			P(formatVar(fm), " = ", f.Q(jsonLib, "Formats"), "[", strconv.Quote(fm), "]")
		}
		P(")")
	}
	if len(g.patterns) > 0 {
		sort.SliceStable(g.patterns, func(a, b int) bool { return g.patterns[a].name < g.patterns[b].name })
		P()
		P("// Patterns, compiled once.")
		P("var (")
		for _, pv := range g.patterns {
			P(pv.name, " = ", f.Q("regexp", "MustCompile"), "(", strconv.Quote(pv.re), ")")
		}
		P(")")
	}
	return nil
}

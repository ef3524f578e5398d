package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/internal/jsonpos"
	"github.com/schemagen/schemagen/serde"
)

// Model is a JSON Schema parsed once, as the code generator and the
// compatibility checker read it: the documents it spans (the schema and
// those its "$ref"s reach, loaded through a serde.Resolver, never from a
// file or the network), each decoded with the order of its keys and the
// position of every value, and the resolution of "$ref" between them.
//
// A schema is a Node: a place in a Document holding a boolean or an
// object of keywords. Nodes are light (a document and a JSON pointer); the
// keywords are the decoded JSON (map[string]any, []any, string,
// json.Number, bool, nil) with Keys giving an object's keys in the text's
// order and Pos the line and column of any value, for findings.
//
// Resolution follows the rules Compile gives the library: a pointer or
// plain-name fragment ("$anchor", or "$id": "#name" up to draft 7) in the
// document, an embedded "$id", or another document asked of the resolver
// (see refCandidates for the names it is asked by); a name a document
// lists among its serde.References is asked with that reference's subject
// and version.
//
// A Model is not safe for concurrent use; the Documents it returns are
// read-only and may be shared once loaded.
type Model struct {
	ctx      context.Context
	resolver serde.Resolver
	cfg      config
	docs     map[string]*Document // external documents by name, subject and version
}

// Document is one schema text, decoded.
type Document struct {
	// Name is the name the document was parsed or asked under.
	Name string
	// Schema is its text and references.
	Schema serde.Schema
	// Root is the decoded text.
	Root any

	draft string
	ids   map[string]string
	index *jsonpos.Index
}

// Node is one schema: the value at Pointer in Doc, a boolean or an object.
type Node struct {
	Doc     *Document
	Pointer string
	Value   any
}

// DefaultMaxDocuments bounds the documents one Model loads (see
// MaxDocuments).
const DefaultMaxDocuments = 256

// NewModel starts a model that loads referenced documents through r. The
// options bound each document (MaxSchemaBytes, MaxDepth, MaxNumberDigits,
// MaxSubschemas) and their number (MaxDocuments).
func NewModel(ctx context.Context, r serde.Resolver, opts ...Opt) *Model {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	return &Model{ctx: ctx, resolver: r, cfg: cfg, docs: map[string]*Document{}}
}

// Parse decodes s as a document named name. It does not load what s
// references: Resolve does, when asked. Errors wrap serde.ErrSchema, and
// serde.ErrLimit past a limit.
func (m *Model) Parse(name string, s serde.Schema) (*Document, error) {
	return parseDocument(name, s, m.cfg)
}

func parseDocument(name string, s serde.Schema, cfg config) (*Document, error) {
	what := "schema " + name
	if err := serde.CheckUTF8(what, s.Text); err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	if cfg.maxBytes > 0 && len(s.Text) > cfg.maxBytes {
		return nil, fmt.Errorf("jsonschema: %w: %w: %s is %d bytes, over the limit of %d", serde.ErrSchema, serde.ErrLimit, what, len(s.Text), cfg.maxBytes)
	}
	if cfg.maxDepth > 0 && depth(s.Text) > cfg.maxDepth {
		return nil, fmt.Errorf("jsonschema: %w: %w: %s nests deeper than %d", serde.ErrSchema, serde.ErrLimit, what, cfg.maxDepth)
	}
	if why := longNumberIn(s.Text, cfg.maxDigits); why != "" {
		return nil, fmt.Errorf("jsonschema: %w: %w: %s has a number with %s", serde.ErrSchema, serde.ErrLimit, what, why)
	}
	v, err := decodeDoc([]byte(s.Text))
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %w: %s: %v", serde.ErrSchema, what, err)
	}
	if cfg.maxSubs > 0 && countSubschemas(v, cfg.maxSubs) > cfg.maxSubs {
		return nil, errTooManySubschemas(what, cfg.maxSubs)
	}
	d := &Document{Name: name, Schema: s, Root: v}
	switch v := v.(type) {
	case bool:
	case map[string]any:
		d.draft, _ = v["$schema"].(string)
	default:
		return nil, fmt.Errorf("jsonschema: %w: %s: expected an object or a boolean at the root", serde.ErrSchema, what)
	}
	return d, nil
}

// longNumberIn is hugeNumberIn for the digits only: the compatibility
// checker orders numbers with huge exponents (as ±Inf), so only their
// length is refused here.
func longNumberIn(text string, maxDigits int) string {
	if maxDigits <= 0 || len(text) <= maxDigits {
		return ""
	}
	run := 0
	in, esc := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case in:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				in = false
			}
		case c == '"':
			in, run = true, 0
		case isDigit(c):
			if run++; run > maxDigits {
				return fmt.Sprintf("more than %d digits", maxDigits)
			}
		case c == '.' || c == '-' || c == '+':
		default:
			run = 0
		}
	}
	return ""
}

// Draft is the meta-schema the document names in "$schema" (one of Draft4
// ... Draft2020, by its draft's name in the URI), or "" when it names none
// or another.
func (d *Document) Draft() string {
	switch s := d.draft; {
	case strings.Contains(s, "draft-04"):
		return Draft4
	case strings.Contains(s, "draft-06"):
		return Draft6
	case strings.Contains(s, "draft-07"):
		return Draft7
	case strings.Contains(s, "2019-09"):
		return Draft2019
	case strings.Contains(s, "2020-12"):
		return Draft2020
	}
	return ""
}

// Node returns the schema at ptr.
func (d *Document) Node(ptr string) (*Node, bool) {
	v, ok := Lookup(d.Root, ptr)
	if !ok {
		return nil, false
	}
	return &Node{Doc: d, Pointer: ptr, Value: v}, true
}

// Lookup finds the value at a JSON pointer ("" is the root) in a decoded
// document.
func Lookup(root any, ptr string) (any, bool) {
	if ptr == "" {
		return root, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	cur := root
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
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
	return cur, true
}

// EscapePointer escapes one reference token of a JSON pointer.
func EscapePointer(s string) string { return jsonpos.Escape(s) }

func (d *Document) positions() *jsonpos.Index {
	if d.index == nil {
		d.index = jsonpos.Scan(d.Schema.Text)
	}
	return d.index
}

// Keys returns the keys of the object at ptr in the order the text writes
// them (a key written twice, once, where first written), or nil.
func (d *Document) Keys(ptr string) []string { return d.positions().Members(ptr) }

// Pos returns the line and column of the value at ptr: of the member name
// for an object member. ok is false when the text has no value there.
func (d *Document) Pos(ptr string) (line, col int, ok bool) {
	p, ok := d.positions().Member(ptr)
	return p.Line, p.Col, ok
}

// Locate finds a path that follows a schema model rather than the text (it
// may name parts the text lacks, and pass through in-document "$ref"s): it
// skips the segments the text lacks, follows "$ref"s, and returns the
// position of the deepest part it found; 0, 0 when not even the root is.
func (d *Document) Locate(ptr string) (line, col int) {
	ix := d.positions()
	best, ok := ix.Member("")
	if !ok {
		return 0, 0
	}
	ptr = strings.TrimPrefix(strings.TrimPrefix(ptr, "#"), "/")
	if ptr == "" {
		return best.Line, best.Col
	}
	cur, hops := "", 0
	for _, seg := range strings.Split(ptr, "/") {
		next := cur + "/" + seg
		if !ix.Has(next) {
			target, isRef := ix.Ref(cur)
			if !isRef || hops >= 32 {
				continue
			}
			hops++
			if !ix.Has(target + "/" + seg) {
				continue
			}
			next = target + "/" + seg
		}
		cur = next
		best, _ = ix.Member(cur)
	}
	return best.Line, best.Col
}

// IDs maps the identifiers declared inside the document ("$id", "id", and
// "$anchor" as "#name") to their JSON pointers; the root's own "$id" maps
// to "". The first declaration of an identifier wins.
func (d *Document) IDs() map[string]string {
	if d.ids != nil {
		return d.ids
	}
	d.ids = map[string]string{}
	d.collectIDs(d.Root, "", 0)
	return d.ids
}

func (d *Document) collectIDs(v any, ptr string, depth int) {
	if depth > DefaultMaxDepth*8 {
		return
	}
	add := func(id, ptr string) {
		if _, dup := d.ids[id]; !dup {
			d.ids[id] = ptr
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"$id", "id"} {
			if s, ok := v[k].(string); ok && s != "" {
				add(s, ptr)
				if i := strings.LastIndexByte(s, '#'); i > 0 && i < len(s)-1 {
					add(s[i:], ptr)
				}
			}
		}
		if s, ok := v["$anchor"].(string); ok && s != "" {
			add("#"+s, ptr)
		}
		for k, x := range v {
			switch k {
			case "enum", "const", "default", "examples":
				continue
			}
			d.collectIDs(x, ptr+"/"+EscapePointer(k), depth+1)
		}
	case []any:
		for i, x := range v {
			d.collectIDs(x, ptr+"/"+strconv.Itoa(i), depth+1)
		}
	}
}

// Where names the node for messages: document#pointer.
func (n *Node) Where() string { return n.Doc.Name + "#" + n.Pointer }

// Object returns the node's keywords, or nil for a boolean schema (or a
// value that is no schema).
func (n *Node) Object() map[string]any {
	m, _ := n.Value.(map[string]any)
	return m
}

// Keys returns the node's keywords in the text's order.
func (n *Node) Keys() []string { return n.Doc.Keys(n.Pointer) }

// Pos returns the node's line and column in its document's text.
func (n *Node) Pos() (line, col int, ok bool) { return n.Doc.Pos(n.Pointer) }

// String returns the string keyword kw ("$ref", "format", "title", ...).
func (n *Node) String(kw string) (string, bool) {
	s, ok := n.Object()[kw].(string)
	return s, ok
}

// Number returns the number keyword kw ("minimum", "multipleOf", ...) as
// written.
func (n *Node) Number(kw string) (json.Number, bool) {
	v, ok := n.Object()[kw].(json.Number)
	return v, ok
}

// Types returns the "type" keyword as a list; nil when it is absent or
// not a string or a list of strings.
func (n *Node) Types() []string {
	switch t := n.Object()["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	return nil
}

// Properties returns the names under "properties" in the text's order.
func (n *Node) Properties() []string {
	if _, ok := n.Object()["properties"].(map[string]any); !ok {
		return nil
	}
	return n.Doc.Keys(n.Pointer + "/properties")
}

// Child returns the value under the node at the given reference tokens
// (unescaped), as a node.
func (n *Node) Child(tokens ...string) (*Node, bool) {
	ptr := n.Pointer
	for _, t := range tokens {
		ptr += "/" + EscapePointer(t)
	}
	return n.Doc.Node(ptr)
}

// Resolve finds the schema a "$ref" in doc names (see Model): its
// document, its pointer there and its value. Errors wrap
// serde.ErrReference; a document over the limits serde.ErrLimit.
func (m *Model) Resolve(doc *Document, ref string) (*Node, error) {
	base, frag, _ := strings.Cut(ref, "#")
	target := doc
	if base != "" {
		if ptr, ok := doc.IDs()[base]; ok {
			// A sub-schema of this document with that $id.
			if frag != "" {
				return nil, fmt.Errorf("jsonschema: %s: %w: $ref %q: fragments of embedded schemas are not supported", doc.Name, serde.ErrReference, ref)
			}
			n, _ := doc.Node(ptr)
			return n, nil
		}
		var err error
		if target, err = m.External(doc, base); err != nil {
			return nil, err
		}
	}
	frag, err := url.PathUnescape(frag)
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %s: %w: bad $ref %q", doc.Name, serde.ErrReference, ref)
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		// A plain-name fragment: an anchor.
		ptr, ok := target.IDs()["#"+frag]
		if !ok {
			return nil, fmt.Errorf("jsonschema: %s: %w: $ref %q: no such anchor", doc.Name, serde.ErrReference, ref)
		}
		frag = ptr
	}
	n, ok := target.Node(frag)
	if !ok {
		return nil, fmt.Errorf("jsonschema: %s: %w: $ref %q points at nothing", doc.Name, serde.ErrReference, ref)
	}
	return n, nil
}

// External loads the document named name, as a "$ref" in from names it
// (without its fragment), through the resolver; each document is loaded
// once per model.
func (m *Model) External(from *Document, name string) (*Document, error) {
	// The two sides of a comparison may name the same document at
	// different registered versions: the cache key includes the
	// reference's subject and version.
	candidates := refCandidates(from, name)
	cacheKey := candidates[0]
	for _, r := range from.Schema.References {
		if r.Name == name {
			cacheKey += "\x00" + r.Subject + "\x00" + strconv.Itoa(r.Version)
			break
		}
	}
	if d, ok := m.docs[cacheKey]; ok {
		return d, nil
	}
	if len(m.docs) >= m.cfg.maxDocs {
		return nil, fmt.Errorf("jsonschema: more than %d referenced documents: %w", m.cfg.maxDocs, serde.ErrLimit)
	}
	if m.resolver == nil {
		return nil, fmt.Errorf("jsonschema: %s: %w: $ref %q needs a resolver", from.Name, serde.ErrReference, name)
	}
	var s serde.Schema
	var err error
	found := name
	for _, c := range candidates {
		ref := serde.Reference{Name: c}
		for _, r := range from.Schema.References {
			if r.Name == c {
				ref = r
				break
			}
		}
		if s, err = m.resolver.Resolve(m.ctx, ref); err == nil {
			found = c
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %s: $ref %q: %w", from.Name, name, err)
	}
	d, err := parseDocument(found, s, m.cfg)
	if err != nil {
		return nil, err
	}
	m.docs[cacheKey] = d
	return d, nil
}

// refCandidates lists the names a document may be registered under:
// relative to the referring document's name (as Compile's base URI makes
// it: "common/address.json" names "zip.json" as "common/zip.json"), as
// written, as resolved against the referring document's "$id", and
// relative to that "$id"'s directory (registries record any of these
// spellings). The first is the name the document is cached under.
func refCandidates(from *Document, name string) []string {
	out := []string{name}
	if base, err := url.Parse("mem:///" + from.Name); err == nil {
		if r, err := url.Parse(name); err == nil && !r.IsAbs() && r.Host == "" {
			if rel := strings.TrimPrefix(base.ResolveReference(r).Path, "/"); rel != name && rel != "" {
				out = []string{rel, name}
			}
		}
	}
	root, ok := from.Root.(map[string]any)
	if !ok {
		return out
	}
	id, ok := root["$id"].(string)
	if !ok {
		return out
	}
	b, err := url.Parse(id)
	if err != nil {
		return out
	}
	r, err := url.Parse(name)
	if err != nil {
		return out
	}
	if abs := b.ResolveReference(r).String(); abs != name {
		out = append(out, abs)
	}
	if r.IsAbs() && r.Host == b.Host && r.Scheme == b.Scheme {
		dir := b.Path[:strings.LastIndexByte(b.Path, '/')+1]
		if rel, ok := strings.CutPrefix(r.Path, dir); ok && rel != "" {
			out = append(out, rel)
		}
	}
	return out
}

// Canonical encodes a decoded JSON value with sorted keys, numbers as
// written and no HTML escaping: equal text for equal values as decoded.
func Canonical(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

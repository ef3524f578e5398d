package avro

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
)

// canon writes a schema in one of two forms.
//
// The Parsing Canonical Form (pcf) follows the Avro specification: full
// names, only the attributes name, type, fields, symbols, items, values and
// size, in that order, no whitespace, and a named type written out only the
// first time it appears.
//
// The normalized form follows Confluent Schema Registry's
// AvroSchemaUtils.toNormalizedString (used for normalize=true): the parsing
// canonical form plus logicalType (with precision, and scale when not 0),
// doc, aliases (sorted), enum defaults, field order, doc, aliases and
// defaults, and every custom property sorted by key. Top-level types that a
// reference defines are written by name only, as Confluent does.
type canon struct {
	b          strings.Builder
	normalized bool
	seen       map[string]bool
	// work estimates what hamba's String (behind its fingerprints, which
	// every encode and decode needs) will copy: it concatenates the members
	// of records, enums and unions one by one, so each container costs its
	// member count times its text length.
	work int
}

// parsingCanonicalForm returns the PCF and the work estimate above.
func parsingCanonicalForm(s avro.Schema) (string, int) {
	c := &canon{seen: map[string]bool{}}
	c.write(s)
	return c.b.String(), c.work
}

// charge adds the cost of a container of k members whose text starts at
// start and ends at the builder's end.
func (c *canon) charge(k, start int) {
	if c.normalized {
		return
	}
	if w := k * (c.b.Len() - start); w > 0 {
		c.work += w
	}
}

func normalizedForm(s avro.Schema, refTop map[string]bool) string {
	c := &canon{normalized: true, seen: map[string]bool{}}
	for n := range refTop {
		c.seen[n] = true
	}
	c.write(s)
	return c.b.String()
}

func (c *canon) str(s string) {
	c.b.WriteString(jsonString(s))
}

func jsonString(s string) string { return jsonValue(s) }

// jsonValue writes v as compact JSON without HTML escapes. Invalid UTF-8
// becomes U+FFFD written raw, so the text reads back to the same text.
func jsonValue(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sanitizeUTF8(v)); err != nil {
		return "null"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func (c *canon) props(p map[string]any) {
	if !c.normalized || len(p) == 0 {
		return
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.b.WriteByte(',')
		c.str(k)
		c.b.WriteByte(':')
		c.b.WriteString(jsonValue(p[k]))
	}
}

func (c *canon) logical(l avro.LogicalSchema) {
	if !c.normalized || l == nil {
		return
	}
	c.b.WriteString(`,"logicalType":`)
	c.str(string(l.Type()))
	if d, ok := l.(*avro.DecimalLogicalSchema); ok {
		c.b.WriteString(`,"precision":`)
		c.b.WriteString(strconv.Itoa(d.Precision()))
		if d.Scale() != 0 {
			c.b.WriteString(`,"scale":`)
			c.b.WriteString(strconv.Itoa(d.Scale()))
		}
	}
}

func (c *canon) aliases(a []string) {
	if !c.normalized || len(a) == 0 {
		return
	}
	s := slices.Clone(a)
	slices.Sort(s)
	s = slices.Compact(s)
	c.b.WriteString(`,"aliases":[`)
	for i, x := range s {
		if i > 0 {
			c.b.WriteByte(',')
		}
		c.str(x)
	}
	c.b.WriteByte(']')
}

func (c *canon) doc(d string) {
	if c.normalized && d != "" {
		c.b.WriteString(`,"doc":`)
		c.str(d)
	}
}

// named writes the name of a named type seen before and reports true, or
// marks it seen, opens its object and reports false.
func (c *canon) named(n avro.NamedSchema, typ string) bool {
	full := n.FullName()
	if c.seen[full] {
		c.str(full)
		return true
	}
	c.seen[full] = true
	c.b.WriteString(`{"name":`)
	c.str(full)
	c.b.WriteString(`,"type":"` + typ + `"`)
	return false
}

func (c *canon) write(s avro.Schema) {
	switch s := s.(type) {
	case *avro.RefSchema:
		c.write(s.Schema())
	case *avro.NullSchema:
		c.b.WriteString(`"null"`)
	case *avro.PrimitiveSchema:
		if c.normalized && (s.Logical() != nil || len(s.Props()) > 0) {
			c.b.WriteString(`{"type":"` + string(s.Type()) + `"`)
			c.logical(s.Logical())
			c.props(s.Props())
			c.b.WriteByte('}')
			return
		}
		c.b.WriteString(`"` + string(s.Type()) + `"`)
	case *avro.UnionSchema:
		start := c.b.Len()
		defer func() { c.charge(len(s.Types()), start) }()
		c.b.WriteByte('[')
		for i, t := range s.Types() {
			if i > 0 {
				c.b.WriteByte(',')
			}
			c.write(t)
		}
		c.b.WriteByte(']')
	case *avro.ArraySchema:
		c.b.WriteString(`{"type":"array","items":`)
		c.write(s.Items())
		c.props(s.Props())
		c.b.WriteByte('}')
	case *avro.MapSchema:
		c.b.WriteString(`{"type":"map","values":`)
		c.write(s.Values())
		c.props(s.Props())
		c.b.WriteByte('}')
	case *avro.EnumSchema:
		start := c.b.Len()
		if c.named(s, "enum") {
			return
		}
		defer func() { c.charge(len(s.Symbols()), start) }()
		c.b.WriteString(`,"symbols":[`)
		for i, sym := range s.Symbols() {
			if i > 0 {
				c.b.WriteByte(',')
			}
			c.str(sym)
		}
		c.b.WriteByte(']')
		c.doc(s.Doc())
		c.aliases(s.Aliases())
		if c.normalized && s.Default() != "" {
			c.b.WriteString(`,"default":`)
			c.str(s.Default())
		}
		c.props(s.Props())
		c.b.WriteByte('}')
	case *avro.FixedSchema:
		if c.named(s, "fixed") {
			return
		}
		c.b.WriteString(`,"size":` + strconv.Itoa(s.Size()))
		c.logical(s.Logical())
		c.aliases(s.Aliases())
		c.props(s.Props())
		c.b.WriteByte('}')
	case *avro.RecordSchema:
		typ := "record"
		if s.IsError() {
			typ = "error"
		}
		start := c.b.Len()
		if c.named(s, typ) {
			return
		}
		defer func() { c.charge(len(s.Fields()), start) }()
		c.b.WriteString(`,"fields":[`)
		for i, f := range s.Fields() {
			if i > 0 {
				c.b.WriteByte(',')
			}
			c.b.WriteString(`{"name":`)
			c.str(f.Name())
			c.b.WriteString(`,"type":`)
			c.write(f.Type())
			if c.normalized {
				order := f.Order()
				if order == "" {
					order = avro.Asc
				}
				c.b.WriteString(`,"order":`)
				c.str(string(order))
				c.doc(f.Doc())
				c.aliases(f.Aliases())
				if f.HasDefault() {
					c.b.WriteString(`,"default":`)
					c.b.WriteString(defaultJSON(f.Default()))
				}
				c.props(f.Props())
			}
			c.b.WriteByte('}')
		}
		c.b.WriteByte(']')
		c.doc(s.Doc())
		c.aliases(s.Aliases())
		c.props(s.Props())
		c.b.WriteByte('}')
	default:
		// Every hamba schema type is handled above; a new one is written
		// the way hamba writes it rather than dropped.
		c.b.WriteString(s.String())
	}
}

// defaultJSON writes a field default the way Avro's JSON form does: bytes
// and fixed defaults as strings of code points 0-255.
func defaultJSON(v any) string {
	switch v := v.(type) {
	case []byte:
		r := make([]rune, len(v))
		for i, b := range v {
			r[i] = rune(b)
		}
		return jsonString(string(r))
	case [16]byte:
		return defaultJSON(v[:])
	}
	return jsonValue(v)
}

func sanitizeUTF8(v any) any {
	switch v := v.(type) {
	case string:
		return strings.ToValidUTF8(v, "\uFFFD")
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = sanitizeUTF8(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[strings.ToValidUTF8(k, "\uFFFD")] = sanitizeUTF8(e)
		}
		return out
	}
	return v
}

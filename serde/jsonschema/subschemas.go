package jsonschema

import (
	"fmt"

	"github.com/schemagen/schemagen/serde"
)

// Where the keywords of any draft hold schemas: the value itself (self),
// each item of an array (items), each member of an object (members). The
// count follows the library's list of subschemas, over all drafts, so
// that it counts what the library compiles.
const (
	self = 1 << iota
	items
	members
)

var subschemaKeywords = map[string]int{
	"definitions": members, "$defs": members,
	"not": self, "allOf": items, "anyOf": items, "oneOf": items,
	"properties": members, "additionalProperties": self, "patternProperties": members,
	"dependencies": members, "dependentSchemas": members,
	"propertyNames": self, "unevaluatedProperties": self,
	"items": self | items, "additionalItems": self, "prefixItems": items,
	"contains": self, "unevaluatedItems": self,
	"if": self, "then": self, "else": self, "contentSchema": self,
}

// countSubschemas counts the schemas in a decoded document, the root
// included, as the library lists them; it stops counting past limit (when
// limit > 0), so that its cost is bounded by the limit and the size of
// the text.
func countSubschemas(root any, limit int) int {
	n := 0
	over := func() bool { return limit > 0 && n > limit }
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		n++
		m, ok := v.(map[string]any)
		if !ok || depth > DefaultMaxDepth*8 || over() {
			return
		}
		for kw, v := range m {
			pos, ok := subschemaKeywords[kw]
			if !ok {
				continue
			}
			switch v := v.(type) {
			case map[string]any:
				if pos&self != 0 {
					walk(v, depth+1)
				}
				if pos&members != 0 {
					for _, x := range v {
						if over() {
							return
						}
						walk(x, depth+1)
					}
				}
			case bool:
				if pos&self != 0 {
					n++
				}
			case []any:
				if pos&items != 0 {
					for _, x := range v {
						if over() {
							return
						}
						walk(x, depth+1)
					}
				}
			}
			if over() {
				return
			}
		}
	}
	walk(root, 0)
	return n
}

// subschemaBudget adds up the schemas of the documents of one compilation
// (the root and everything it references) against MaxSubschemas.
type subschemaBudget struct {
	max, n int
}

// add counts d's schemas, and fails past the limit.
func (b *subschemaBudget) add(what string, d *Document) error {
	if b.max <= 0 {
		return nil
	}
	b.n += countSubschemas(d.Root, b.max-b.n)
	if b.n > b.max {
		return errTooManySubschemas(what+" and what it references", b.max)
	}
	return nil
}

func errTooManySubschemas(what string, max int) error {
	return fmt.Errorf("jsonschema: %w: %w: %s: more than %d subschemas", serde.ErrSchema, serde.ErrLimit, what, max)
}

package jsoncompat

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
)

// MoreFindings is the rule of the finding CanRead ends with when it lists
// only the first MaxFindings: a definition reached along many paths has
// its differences listed once per path, and the paths can double with each
// level. It is not one of Confluent's difference types.
const MoreFindings = "MORE_FINDINGS"

// Difference is one change from an original schema to an update, as
// Confluent's SchemaDiff reports it.
type Difference struct {
	Type Type
	// Path is a JSON pointer such as #/properties/total, following the
	// structure of Confluent's schema model (a "type" list is an anyOf, a
	// "type" beside "enum" an allOf).
	Path string
	// Message says what changed, in words.
	Message string
}

func (d Difference) String() string { return string(d.Type) + " " + d.Path }

// CanRead reports whether a consumer using schema reader can read data
// written with schema writer, under Confluent's default (STRICT) policy. It
// returns one finding per incompatible difference; none means compatible.
//
// In Confluent's terms the writer is the original and the reader the
// update: BACKWARD compares (old → new) and so asks CanRead(new, old);
// FORWARD asks CanRead(old, new).
func CanRead(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]report.Finding, error) {
	return CanReadPolicy(ctx, Strict, reader, writer, r)
}

// CanReadPolicy is CanRead under the given policy.
func CanReadPolicy(ctx context.Context, p Policy, reader, writer serde.Schema, r serde.Resolver) ([]report.Finding, error) {
	c, ds, err := compare(ctx, p, writer, reader, r)
	if err != nil || c == nil {
		return nil, err
	}
	bad, truncated := c.flatten(ds, true, MaxFindings)
	var out []report.Finding
	var pos *positions
	for _, d := range toDifferences(bad) {
		if pos == nil {
			pos = scanPositions(reader.Text)
		}
		line, col := pos.locate(d.Path)
		out = append(out, report.Finding{Rule: string(d.Type), Path: d.Path, Line: line, Col: col, Message: d.Message})
	}
	if truncated {
		more := c.newResult(ds).incompatible - len(bad)
		out = append(out, report.Finding{Rule: MoreFindings, Path: "#",
			Message: fmt.Sprintf("%d more incompatible differences, on other paths to the same definitions, are not listed", more)})
	}
	return out, nil
}

// Compare lists every difference from original to update, compatible or
// not, as Confluent's SchemaDiff.compare(original, update) does.
//
// A definition reached along many paths has its differences listed once
// per path, as Confluent lists them; more than MaxDifferences in all is
// refused with an error wrapping serde.ErrLimit (the walk itself stays
// linear in the schemas' size).
func Compare(ctx context.Context, original, update serde.Schema, r serde.Resolver) ([]Difference, error) {
	c, ds, err := compare(ctx, Strict, original, update, r)
	if err != nil || c == nil {
		return nil, err
	}
	if c.newResult(ds).total > MaxDifferences {
		return nil, fmt.Errorf("jsoncompat: more than %d differences: %w", MaxDifferences, serde.ErrLimit)
	}
	all, truncated := c.flatten(ds, false, MaxDifferences)
	if truncated {
		return nil, fmt.Errorf("jsoncompat: more than %d differences: %w", MaxDifferences, serde.ErrLimit)
	}
	return toDifferences(all), nil
}

// compare diffs under a policy: the policy decides which nested
// comparisons count as compatible (the cover of a partially open content
// model, a matching of combined members, a not), and so which types the
// diff emits, as in Confluent.
// It returns the comparer of the last pass (nil when the documents are the
// same) and the differences as links into its results.
func compare(ctx context.Context, p Policy, original, update serde.Schema, r serde.Resolver) (*comparer, []diff, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	l := newLoader(ctx, r)
	od, err := l.parseDocument("original", original)
	if err != nil {
		return nil, nil, err
	}
	ud, err := l.parseDocument("update", update)
	if err != nil {
		return nil, nil, err
	}
	on, err := l.load(od)
	if err != nil {
		return nil, nil, err
	}
	un, err := l.load(ud)
	if err != nil {
		return nil, nil, err
	}
	if original.Text == update.Text && slices.Equal(original.References, update.References) {
		// The same document: nothing differs (it was still loaded, so an
		// invalid or unresolvable schema is still an error).
		return nil, nil, nil
	}
	steps := 0
	var seed map[pair]*result
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		c := &comparer{policy: p, memo: map[pair]*result{}, inProgress: map[pair]bool{}, seed: seed, steps: &steps}
		ds := c.compare(on, un)
		if c.err != nil {
			return nil, nil, c.err
		}
		incompatible := map[pair]*result{}
		for k, v := range c.memo {
			if !v.compatible {
				incompatible[k] = v
			}
		}
		if !c.optimistic || sameKeys(incompatible, seed) {
			return c, ds, nil
		}
		seed = incompatible
	}
}

func sameKeys(a, b map[pair]*result) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func toDifferences(ds []diff) []Difference {
	out := make([]Difference, 0, len(ds))
	for _, d := range ds {
		path := "#/" + strings.Join(escapeAll(d.path), "/")
		out = append(out, Difference{Type: d.typ, Path: path, Message: message(d)})
	}
	return out
}

func escapeAll(p []string) []string {
	out := make([]string, len(p))
	for i, s := range p {
		out[i] = escapePointer(s)
	}
	return out
}

// message names what the difference is about (from its path) and says
// what changed.
func message(d diff) string {
	p := d.path
	// Drop the trailing keyword the detail already names.
	if n := len(p); n > 0 {
		switch p[n-1] {
		case "maxLength", "minLength", "pattern", "maximum", "minimum", "exclusiveMaximum",
			"exclusiveMinimum", "multipleOf", "maxProperties", "minProperties", "maxItems",
			"minItems", "uniqueItems", "maxContains", "minContains", "enum", "const",
			"additionalProperties", "unevaluatedProperties", "additionalItems",
			"unevaluatedItems", "not":
			p = p[:n-1]
		}
	}
	subject := ""
	if strings.HasPrefix(d.detail, "changed") {
		subject = "schema"
	}
	switch n := len(p); {
	case n >= 2 && (p[n-2] == "properties" || p[n-2] == "required" || p[n-2] == "dependencies"):
		if strings.HasPrefix(d.detail, "property ") || strings.Contains(d.detail, fmt.Sprintf("%q", p[n-1])) {
			subject = ""
			if n > 2 {
				subject = "in #/" + strings.Join(escapeAll(p[:n-2]), "/") + ":"
			}
		} else {
			subject = fmt.Sprintf("property %q", p[n-1])
		}
	case n >= 2 && p[n-2] == "items":
		subject = "tuple item " + p[n-1]
		if strings.HasPrefix(d.detail, "tuple item") {
			subject = ""
		}
	case n == 1 && p[0] == "items":
		subject = "array items"
	case n > 0:
		subject = "schema at #/" + strings.Join(escapeAll(p), "/")
	}
	if subject == "" {
		return d.detail
	}
	return subject + " " + d.detail
}

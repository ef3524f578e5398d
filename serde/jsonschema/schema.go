package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

	js "github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagen/schemagen/serde"
)

// rootURL is the base URL the root schema is compiled under when it has no
// absolute "$id". Relative "$ref"s resolve against it, and the part after
// the directory is the name asked of the resolver. Nothing ever loads it.
const (
	rootDir = "mem://schemagen/"
	rootURL = rootDir + "schema.json"
)

// Compiled is a compiled JSON Schema. It implements serde.Compiled and is safe
// for concurrent use.
type Compiled struct {
	src serde.Schema

	fpOnce sync.Once // guards fp, see fingerprint
	fp     string

	raw       any
	canonical string
	fpText    string // see FingerprintText
	lib       *js.Schema
	plan      *node  // nil when the schema needs the library's validator
	reason    string // why plan is nil
	maxDigits int    // of a number in a value, see MaxNumberDigits

	rulesOnce sync.Once // guards rules, see RuleTree
	rules     ruleModel
}

var _ serde.Compiled = (*Compiled)(nil)

// Compile parses s, resolves its references through r and compiles it.
//
// The draft comes from "$schema" (default 2020-12, see Draft), and format
// assertions are on for every draft. A "$ref" to another document is served
// only by r: first the references s lists (by Name, absolute or relative to
// the schema's base URI), then r.Resolve(Reference{Name: url}). Nothing is
// ever read from a file or the network. An unresolvable reference wraps
// serde.ErrReference; a schema over the limits (MaxSchemaBytes, MaxDepth,
// MaxNumberDigits, MaxSubschemas, MaxFanout, a number with an exponent beyond ±1000) wraps
// serde.ErrLimit; every
// error wraps serde.ErrSchema.
func Compile(ctx context.Context, s serde.Schema, r serde.Resolver, opts ...Opt) (_ *Compiled, err error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	if s.Format != "" && s.Format != serde.JSON {
		return nil, fmt.Errorf("jsonschema: %w: schema type is %s, not JSON", serde.ErrSchema, s.Format)
	}
	draft := libDraft(cfg.draft)
	if draft == nil {
		return nil, fmt.Errorf("jsonschema: %w: unknown draft %q", serde.ErrSchema, cfg.draft)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkLimits("schema", s.Text, cfg); err != nil {
		return nil, err
	}
	raw, err := decodeDoc([]byte(s.Text))
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %w: %v", serde.ErrSchema, err)
	}

	baseURL := baseURI(raw, cfg)
	base := baseURL.String()
	docs := loadedDocs{}
	subs := &subschemaBudget{max: cfg.maxSubs}
	if err := subs.add("schema", docs.add(rootURL, s.Text)); err != nil {
		return nil, err
	}
	if base != rootURL {
		docs.add(base, s.Text)
	}

	c := js.NewCompiler()
	c.Draft = draft
	c.AssertFormat = true
	if err := c.AddResource(rootURL, strings.NewReader(s.Text)); err != nil {
		return nil, fmt.Errorf("jsonschema: %w: %v", serde.ErrSchema, err)
	}
	if err := addReferences(ctx, c, s.References, r, baseURL, docs, subs, cfg); err != nil {
		return nil, err
	}
	var refErr error
	c.LoadURL = loadURL(ctx, r, docs, subs, cfg, &refErr)

	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jsonschema: %w: %v", serde.ErrSchema, p)
		}
	}()
	lib, err := c.Compile(rootURL)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonschema "+rootURL+" compilation failed: ")
		if refErr != nil {
			return nil, fmt.Errorf("jsonschema: %w: %w", serde.ErrSchema, refErr)
		}
		return nil, fmt.Errorf("jsonschema: %w: %s", serde.ErrSchema, msg)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkFanout(lib, cfg.maxFanout); err != nil {
		return nil, err
	}
	out := &Compiled{src: s, raw: raw, canonical: canonical(raw), lib: lib, maxDigits: cfg.maxDigits}
	out.fpText = fingerprintText(out.canonical, docs, base)
	draftURI := cfg.draft
	out.plan, out.reason = buildPlan(docs, draftURI)
	return out, nil
}

// baseURI is the root schema's base URI: its "$id" ("id" in draft 4),
// resolved against the root URL when relative.
func baseURI(raw any, cfg config) *url.URL {
	baseURL, _ := url.Parse(rootURL)
	m, ok := raw.(map[string]any)
	if !ok {
		return baseURL
	}
	idKey := "$id"
	if sch, _ := m["$schema"].(string); sch == Draft4 || sch == "" && cfg.draft == Draft4 {
		idKey = "id" // draft 4 spells it without the dollar
	}
	if id, ok := m[idKey].(string); ok {
		if u, err := url.Parse(id); err == nil {
			u = baseURL.ResolveReference(u)
			u.Fragment = ""
			baseURL = u
		}
	}
	return baseURL
}

// addReferences fetches every listed reference now and adds it under its
// name and under the URL its name resolves to against the base.
func addReferences(ctx context.Context, c *js.Compiler, refs []serde.Reference, r serde.Resolver, baseURL *url.URL, docs loadedDocs, subs *subschemaBudget, cfg config) error {
	for _, ref := range refs {
		if r == nil {
			return fmt.Errorf("jsonschema: %w: %w: %q: no resolver", serde.ErrSchema, serde.ErrReference, ref.Name)
		}
		rs, err := r.Resolve(ctx, ref)
		if err != nil {
			return fmt.Errorf("jsonschema: %w: %w: %q: %v", serde.ErrSchema, serde.ErrReference, ref.Name, err)
		}
		if err := checkLimits("reference "+ref.Name, rs.Text, cfg); err != nil {
			return err
		}
		for i, u := range refURLs(baseURL, ref.Name) {
			d := docs.add(u, rs.Text)
			if i == 0 {
				if err := subs.add("reference "+ref.Name, d); err != nil {
					return err
				}
			}
			if err := c.AddResource(u, strings.NewReader(rs.Text)); err != nil {
				return fmt.Errorf("jsonschema: %w: reference %q: %v", serde.ErrSchema, ref.Name, err)
			}
		}
	}
	return nil
}

// loadURL is the library's loader for "$ref"s to documents not listed: the
// resolver serves them by their name under the root directory. The first
// failure is kept in *refErr, for Compile's error.
func loadURL(ctx context.Context, r serde.Resolver, docs loadedDocs, subs *subschemaBudget, cfg config, refErr *error) func(string) (io.ReadCloser, error) {
	return func(u string) (io.ReadCloser, error) {
		name := strings.TrimPrefix(u, rootDir)
		if r == nil {
			*refErr = fmt.Errorf("%w: $ref %q: no resolver", serde.ErrReference, name)
			return nil, *refErr
		}
		rs, err := r.Resolve(ctx, serde.Reference{Name: name})
		if err != nil {
			if errors.Is(err, serde.ErrReference) {
				*refErr = fmt.Errorf("$ref %q: %w", name, err)
			} else {
				*refErr = fmt.Errorf("%w: $ref %q: %v", serde.ErrReference, name, err)
			}
			return nil, *refErr
		}
		if err := checkLimits("reference "+name, rs.Text, cfg); err != nil {
			*refErr = err
			return nil, err
		}
		if err := subs.add("reference "+name, docs.add(u, rs.Text)); err != nil {
			*refErr = err
			return nil, err
		}
		return io.NopCloser(strings.NewReader(rs.Text)), nil
	}
}

// refURLs lists the URLs a reference is added under: its name if absolute,
// and the name resolved against base. Fragments are dropped.
func refURLs(base *url.URL, name string) []string {
	var out []string
	add := func(u *url.URL) {
		u.Fragment = ""
		s := u.String()
		for _, x := range out {
			if x == s {
				return
			}
		}
		out = append(out, s)
	}
	if u, err := url.Parse(name); err == nil {
		if u.IsAbs() {
			add(u)
		}
		add(base.ResolveReference(u))
	}
	return out
}

// checkLimits enforces the size and depth limits on schema text.
func checkLimits(what, text string, cfg config) error {
	if err := serde.CheckUTF8(what, text); err != nil {
		return fmt.Errorf("jsonschema: %w", err)
	}
	if cfg.maxBytes > 0 && len(text) > cfg.maxBytes {
		return fmt.Errorf("jsonschema: %w: %w: %s is %d bytes, over the limit of %d", serde.ErrSchema, serde.ErrLimit, what, len(text), cfg.maxBytes)
	}
	if why := hugeNumberIn(text, cfg.maxDigits); why != "" {
		return fmt.Errorf("jsonschema: %w: %w: %s has a number with %s", serde.ErrSchema, serde.ErrLimit, what, why)
	}
	if cfg.maxDepth > 0 {
		if d := depth(text); d > cfg.maxDepth {
			return fmt.Errorf("jsonschema: %w: %w: %s nests deeper than %d", serde.ErrSchema, serde.ErrLimit, what, cfg.maxDepth)
		}
	}
	return nil
}

// depth returns the deepest nesting of objects and arrays in JSON text,
// ignoring brackets inside strings. It stops counting once past 1<<20.
func depth(text string) int {
	d, max := 0, 0
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
			in = true
		case c == '{' || c == '[':
			d++
			if d > max {
				max = d
			}
		case c == '}' || c == ']':
			d--
		}
	}
	return max
}

// hugeNumberIn finds a number, outside strings, beyond the exponent limit
// (see numberBeyond) or with more than maxDigits digits, and says what is
// wrong with it; "" when there is none.
func hugeNumberIn(text string, maxDigits int) string {
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
			in = true
		case c == '-' || isDigit(c):
			j := i
			for j < len(text) && strings.IndexByte("+-.eE0123456789", text[j]) >= 0 {
				j++
			}
			if numberBeyond(text[i:j]) {
				return fmt.Sprintf("an exponent beyond ±%d", maxExponent)
			}
			if tooManyDigits(text[i:j], maxDigits) {
				return fmt.Sprintf("more than %d digits", maxDigits)
			}
			i = j - 1
		}
	}
	return ""
}

// tooManyDigits reports whether the number literal has more than max
// digits before its exponent.
func tooManyDigits[T string | []byte](lit T, max int) bool {
	if len(lit) <= max {
		return false
	}
	n := 0
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == 'e' || c == 'E' {
			break
		}
		if isDigit(c) {
			n++
		}
	}
	return n > max
}

// numberBeyond reports whether a number literal in a schema has an
// exponent beyond ±maxExponent, as written (the library's exact
// arithmetic pays for 10^exponent) or in scientific notation (so that the
// canonical text, which writes 1000e1 as 1e+1001, passes the same check).
func numberBeyond(lit string) bool {
	p := strings.IndexAny(lit, "eE")
	mant, exp := lit, 0
	if p >= 0 {
		if hugeExponent(lit[p+1:]) {
			return true
		}
		e := lit[p+1:]
		neg := strings.HasPrefix(e, "-")
		e = strings.TrimLeft(e, "+-")
		for i := 0; i < len(e) && isDigit(e[i]); i++ {
			exp = exp*10 + int(e[i]-'0')
		}
		if neg {
			exp = -exp
		}
		mant = lit[:p]
	}
	mant = strings.TrimPrefix(mant, "-")
	intPart, frac, _ := strings.Cut(mant, ".")
	if k := strings.IndexFunc(intPart, func(r rune) bool { return r != '0' }); k >= 0 {
		exp += len(intPart) - k - 1
	} else if k := strings.IndexFunc(frac, func(r rune) bool { return r != '0' }); k >= 0 {
		exp -= k + 1
	} else {
		return false // zero
	}
	return exp > maxExponent || exp < -maxExponent
}

// decodeDoc decodes exactly one JSON value, keeping numbers as json.Number.
func decodeDoc(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the top-level value")
	}
	return v, nil
}

// Format reports serde.JSON.
func (s *Compiled) Format() serde.Format { return serde.JSON }

// Schema returns the text and references s was compiled from.
func (s *Compiled) Schema() serde.Schema { return s.src }

// Canonical returns the schema as canonical JSON: object keys sorted, no
// insignificant whitespace, numbers in one normal form, strings escaped
// minimally. The same schema written two ways gives the same text.
func (s *Compiled) Canonical() string { return s.canonical }

// Raw returns the decoded schema document (maps, slices, json.Number,
// strings, bools, nil). It is shared: do not modify it.
func (s *Compiled) Raw() any { return s.raw }

// FastPath reports whether values are validated by the compiled plan (true)
// or by the jsonschema library, and if not, why.
func (s *Compiled) FastPath() (ok bool, reason string) { return s.plan != nil, s.reason }

// FromJSON decodes one JSON value, as a line of a file or a CLI argument
// holds it, into a value Validate and AppendEncode accept. Numbers stay
// json.Number so big integers keep every digit. It does not validate.
func FromJSON(line []byte) (any, error) {
	v, err := decodeDoc(line)
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %w: %v", serde.ErrDecode, err)
	}
	return v, nil
}

// FromJSON is the package function FromJSON, as a method for callers that
// hold a schema.
func (s *Compiled) FromJSON(line []byte) (any, error) { return FromJSON(line) }

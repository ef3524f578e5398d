package avro

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// Compile parses Avro schema text (.avsc) into a Schema. Every reference in
// s.References is resolved through r, its own references first, and parsed
// into a cache private to this call, so the named types it defines are
// visible to the text that refers to them; hamba's process-wide schema cache
// is never used. Size, depth and reference-count limits are checked before
// any text reaches the parser.
//
// Errors wrap serde.ErrSchema (the text does not parse), serde.ErrReference
// (a reference cannot be resolved, or the references form a cycle) or
// serde.ErrLimit.
func Compile(ctx context.Context, s serde.Schema, r serde.Resolver, opts ...Opt) (*Compiled, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	if f, err := serde.ParseFormat(string(s.Format)); err != nil || f != serde.Avro {
		return nil, fmt.Errorf("avro: %w: schema type is %s, not AVRO", serde.ErrSchema, s.Format)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	c := &compiler{
		ctx:    ctx,
		r:      r,
		cfg:    cfg,
		cache:  &avro.SchemaCache{},
		state:  map[string]refState{},
		refTop: map[string]bool{},
	}
	if err := c.account(s.Text, "schema"); err != nil {
		return nil, err
	}
	for _, ref := range s.References {
		if err := c.resolve(ref, 1); err != nil {
			return nil, err
		}
	}
	if err := c.parseRefs(); err != nil {
		return nil, err
	}
	parsed, err := avro.ParseWithCache(s.Text, "", c.cache)
	if err != nil {
		return nil, fmt.Errorf("avro: %w: %v", serde.ErrSchema, err)
	}
	return newSchema(s, parsed, c.refTop, cfg)
}

type refState uint8

const (
	refActive refState = iota + 1
	refDone
)

type compiler struct {
	ctx    context.Context
	r      serde.Resolver
	cfg    config
	cache  *avro.SchemaCache
	state  map[string]refState
	refTop map[string]bool // full names of the top-level types references define
	bytes  int
	// pending are the references' texts, each after the references it
	// needs, for parseRefs.
	pending []pendingRef
}

type pendingRef struct {
	name, text string
}

// parseRefs parses the references' texts into the cache. hamba copies the
// whole cache on every parse, so parsing n references one by one costs
// n^2/2 copies (1000 references: 80 MB); parsed together, as one union of
// their named types in dependency order, they cost one. A reference that
// is not a named type, or a union that does not parse, falls back to one
// parse per reference, for errors that name the reference.
func (c *compiler) parseRefs() error {
	if len(c.pending) == 0 {
		return nil
	}
	if len(c.pending) > 1 {
		var b strings.Builder
		b.WriteByte('[')
		for i, p := range c.pending {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p.text)
		}
		b.WriteByte(']')
		trial := &avro.SchemaCache{}
		if u, err := avro.ParseWithCache(b.String(), "", trial); err == nil {
			if us, ok := u.(*avro.UnionSchema); ok && len(us.Types()) == len(c.pending) && allNamed(us.Types()) {
				for _, t := range us.Types() {
					c.refTop[t.(avro.NamedSchema).FullName()] = true
				}
				c.cache = trial
				return nil
			}
		}
	}
	for _, p := range c.pending {
		parsed, err := avro.ParseWithCache(p.text, "", c.cache)
		if err != nil {
			return fmt.Errorf("avro: %w: reference %q: %w: %v", serde.ErrReference, p.name, serde.ErrSchema, err)
		}
		if n, ok := parsed.(avro.NamedSchema); ok {
			c.refTop[n.FullName()] = true
		}
	}
	return nil
}

func allNamed(ts []avro.Schema) bool {
	for _, t := range ts {
		if _, ok := t.(avro.NamedSchema); !ok {
			return false
		}
		if _, ok := t.(*avro.RefSchema); ok {
			return false
		}
	}
	return true
}

// account checks one schema text against the limits before it is parsed.
func (c *compiler) account(text, what string) error {
	if err := serde.CheckUTF8(what, text); err != nil {
		return fmt.Errorf("avro: %w", err)
	}
	c.bytes += len(text)
	if c.bytes > c.cfg.maxSchemaBytes {
		return fmt.Errorf("avro: %w: %s text brings the total to %d bytes, more than %d", serde.ErrLimit, what, c.bytes, c.cfg.maxSchemaBytes)
	}
	if d, ok := jsonDepth(text, c.cfg.maxDepth); !ok {
		return fmt.Errorf("avro: %w: %s nests deeper than %d levels", serde.ErrLimit, what, d-1)
	}
	return nil
}

func refKey(ref serde.Reference) string {
	return ref.Name + "\x00" + ref.Subject + "\x00" + strconv.Itoa(ref.Version)
}

// resolve parses ref and, before it, every reference ref's schema lists.
func (c *compiler) resolve(ref serde.Reference, depth int) error {
	key := refKey(ref)
	switch c.state[key] {
	case refDone:
		return nil
	case refActive:
		return fmt.Errorf("avro: %w: reference cycle through %q", serde.ErrReference, ref.Name)
	}
	if depth > c.cfg.maxDepth {
		return fmt.Errorf("avro: %w: references nest deeper than %d", serde.ErrLimit, c.cfg.maxDepth)
	}
	if len(c.state) >= c.cfg.maxRefs {
		return fmt.Errorf("avro: %w: more than %d references", serde.ErrLimit, c.cfg.maxRefs)
	}
	if err := c.ctx.Err(); err != nil {
		return fmt.Errorf("avro: %w: resolving %q: %w", serde.ErrReference, ref.Name, err)
	}
	if c.r == nil {
		return fmt.Errorf("avro: %w: %q: no resolver", serde.ErrReference, ref.Name)
	}
	c.state[key] = refActive
	rs, err := c.r.Resolve(c.ctx, ref)
	if err != nil {
		if errors.Is(err, serde.ErrReference) {
			return fmt.Errorf("avro: resolving %q: %w", ref.Name, err)
		}
		return fmt.Errorf("avro: %w: resolving %q: %w", serde.ErrReference, ref.Name, err)
	}
	if f, err := serde.ParseFormat(string(rs.Format)); err != nil || f != serde.Avro {
		return fmt.Errorf("avro: %w: %q is %s, not AVRO", serde.ErrReference, ref.Name, rs.Format)
	}
	if err := c.account(rs.Text, fmt.Sprintf("reference %q", ref.Name)); err != nil {
		return err
	}
	for _, sub := range rs.References {
		if err := c.resolve(sub, depth+1); err != nil {
			return err
		}
	}
	c.pending = append(c.pending, pendingRef{name: ref.Name, text: rs.Text})
	c.state[key] = refDone
	return nil
}

// jsonDepth reports whether text's JSON nesting (objects and arrays) stays
// within max. It does not validate the JSON; it stops at the first level
// past max and returns that level.
func jsonDepth(text string, max int) (int, bool) {
	depth, inStr, esc := 0, false, false
	for i := 0; i < len(text); i++ {
		b := text[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case b == '\\':
				esc = true
			case b == '"':
				inStr = false
			}
			continue
		}
		switch b {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > max {
				return depth, false
			}
		case '}', ']':
			depth--
		}
	}
	return depth, true
}

package avrocompat

import (
	"context"
	"fmt"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// Limits that bound what one CanRead call parses. They guard the checker
// against hostile schema text sent to the registry server.
const (
	// MaxTextBytes bounds the text of one schema or referenced schema.
	MaxTextBytes = 1 << 20
	// MaxDepth bounds the JSON nesting depth of one schema text.
	MaxDepth = 256
	// MaxReferences bounds how many referenced schemas one schema may pull in.
	MaxReferences = 256
	// MaxSteps bounds how many reader/writer type pairs one check compares.
	MaxSteps = 1 << 20
)

// parse compiles s with a fresh name cache, after its references (depth
// first, each name once).
//
// TODO: switch to serde/avro.Compile once it lands, so that reference
// resolution and limits live in one place.
func parse(ctx context.Context, s serde.Schema, r serde.Resolver) (avro.Schema, error) {
	cache := &avro.SchemaCache{}
	p := parser{ctx: ctx, r: r, cache: cache, seen: map[string]bool{}}
	if err := p.refs(s.References, 0); err != nil {
		return nil, err
	}
	return p.text(s.Text)
}

type parser struct {
	ctx   context.Context
	r     serde.Resolver
	cache *avro.SchemaCache
	seen  map[string]bool
	n     int
}

func (p *parser) refs(refs []serde.Reference, depth int) error {
	for _, ref := range refs {
		if p.seen[ref.Name] {
			continue
		}
		p.seen[ref.Name] = true
		p.n++
		if p.n > MaxReferences || depth > MaxDepth {
			return fmt.Errorf("%w: more than %d references", serde.ErrLimit, MaxReferences)
		}
		if p.r == nil {
			return fmt.Errorf("%w: %q: no resolver", serde.ErrReference, ref.Name)
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
		rs, err := p.r.Resolve(p.ctx, ref)
		if err != nil {
			return fmt.Errorf("reference %q: %w", ref.Name, err)
		}
		if err := p.refs(rs.References, depth+1); err != nil {
			return err
		}
		if _, err := p.text(rs.Text); err != nil {
			return fmt.Errorf("reference %q: %w", ref.Name, err)
		}
	}
	return nil
}

func (p *parser) text(text string) (s avro.Schema, err error) {
	if len(text) > MaxTextBytes {
		return nil, fmt.Errorf("%w: schema text is %d bytes, more than %d", serde.ErrLimit, len(text), MaxTextBytes)
	}
	if d := jsonDepth(text); d > MaxDepth {
		return nil, fmt.Errorf("%w: schema nests deeper than %d", serde.ErrLimit, MaxDepth)
	}
	defer func() {
		// hamba/avro is not known to panic on bad input, but a checker in
		// a server must not take the process down if it does.
		if v := recover(); v != nil {
			s, err = nil, fmt.Errorf("%w: parser panicked: %v", serde.ErrSchema, v)
		}
	}()
	s, err = avro.ParseWithCache(text, "", p.cache)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", serde.ErrSchema, err)
	}
	return s, nil
}

// jsonDepth returns the deepest nesting of arrays and objects in text,
// ignoring brackets inside strings. It stops counting past MaxDepth.
func jsonDepth(text string) int {
	depth, max := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				max = depth
				if max > MaxDepth {
					return max
				}
			}
		case '}', ']':
			depth--
		}
	}
	return max
}

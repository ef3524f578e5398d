package avrocompat

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

// MaxSteps bounds how many reader/writer type pairs one check compares, so
// that hostile schemas sent to the registry server cannot make the checker
// run long. The size, depth and reference limits of the text itself are
// serde/avro's (1 MiB, nesting 128, 1000 references, decimal precision
// 1000 by default).
const MaxSteps = 1 << 18

// recent remembers the last schemas parsed: a FULL check asks CanRead
// twice with the same two schemas swapped, a transitive one keeps the new
// schema across versions, and each parse of a large schema costs tens of
// megabytes. Two entries hold the reader and the writer of one check.
var recent struct {
	sync.Mutex
	entries [2]parsedEntry
	next    int
}

type parsedEntry struct {
	text string
	refs []serde.Reference
	r    serde.Resolver
	sch  avro.Schema
}

func (e *parsedEntry) matches(s serde.Schema, r serde.Resolver) bool {
	if e.sch == nil || e.text != s.Text || len(e.refs) != len(s.References) {
		return false
	}
	for i := range e.refs {
		if e.refs[i] != s.References[i] {
			return false
		}
	}
	// With references, the same resolver must answer them: only when it
	// is comparable can that be known.
	return len(s.References) == 0 || comparable(r) && comparable(e.r) && any(r) == any(e.r)
}

func comparable(r serde.Resolver) bool {
	return r == nil || reflect.TypeOf(r).Comparable()
}

// parse compiles s with serde/avro, which resolves references and enforces
// the size and depth limits.
func parse(ctx context.Context, s serde.Schema, r serde.Resolver) (sch avro.Schema, err error) {
	recent.Lock()
	for i := range recent.entries {
		if e := &recent.entries[i]; e.matches(s, r) {
			sch = e.sch
			break
		}
	}
	recent.Unlock()
	if sch != nil {
		return sch, nil
	}
	defer func() {
		// A checker in a server must not take the process down if the
		// parser panics on some input.
		if v := recover(); v != nil {
			sch, err = nil, fmt.Errorf("%w: parser panicked: %v", serde.ErrSchema, v)
		}
	}()
	c, err := serdeavro.Compile(ctx, s, r)
	if err != nil {
		return nil, err
	}
	sch = c.Avro()
	if len(s.References) == 0 || comparable(r) {
		recent.Lock()
		recent.entries[recent.next] = parsedEntry{text: s.Text, refs: append([]serde.Reference(nil), s.References...), r: r, sch: sch}
		recent.next = (recent.next + 1) % len(recent.entries)
		recent.Unlock()
	}
	return sch, nil
}

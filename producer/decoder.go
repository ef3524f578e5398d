package producer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// ErrDecode means a record could not be read back: its frame is malformed,
// the registry does not know the schema it names, the reader's schema
// cannot read the writer's, or the payload does not decode. The error also
// wraps the cause (serde.ErrDecode, serde.ErrSchemaMismatch, a registry
// error).
var ErrDecode = errors.New("decode failed")

// maxWriterSchemas bounds the writer schemas one Decoder keeps: a topic
// sees a handful of versions; records naming thousands are an attack or
// a bug, and each new one costs a registry call rather than memory.
const maxWriterSchemas = 1024

// Decoder reads records back into typed values: it reads the frame (schema
// ID or GUID in the prefix, or the schema header), fetches the writer's
// schema from the registry once per schema, and resolves it against the
// reader's schema, the Side's (for generated code, the schema the type was
// generated from). So records written with an earlier compatible version
// decode into the current type: Avro by schema resolution (missing fields
// take their defaults), Protobuf by field number (unknown fields kept),
// JSON Schema validated against the writer's schema.
//
// A Decoder is safe for concurrent use.
type Decoder[V any] struct {
	reg     *registry.Client
	role    serde.Role
	reader  serde.Compiled
	compile serde.CompileFunc

	mu      sync.RWMutex
	writers map[string]*writerPlan // "id:N" or "guid:HEX"
}

type writerPlan struct {
	format  serde.Format
	indexes []int // Protobuf message indexes of the writer's message
	decode  func(data []byte, v any) error
}

// writerResolver is implemented by each format's compiled schema
// (avro.Compiled, protobuf.Compiled, jsonschema.Compiled): the decoder of
// payloads written with another schema of the same format.
type writerResolver interface {
	ResolveWriter(writer serde.Compiled) (func(data []byte, v any) error, error)
}

// NewDecoder returns a Decoder of the role's side of records (serde.Value
// or serde.Key) into V, reading with side's schema. Generated packages
// wrap it: orders.NewOrderDecoder(ctx, reg). V is the type the side's
// schema decodes into: a pointer to a generated struct or message, or a
// generated enum type.
func NewDecoder[V any](ctx context.Context, reg *registry.Client, side Side, role serde.Role) (*Decoder[V], error) {
	if reg == nil {
		return nil, fmt.Errorf("producer: %w: NewDecoder needs a registry client", ErrInvalidOption)
	}
	reader, err := side.Schema.compiled(ctx, reg)
	if err != nil {
		return nil, fmt.Errorf("producer: %w: reader schema: %w", ErrInvalidOption, err)
	}
	compile := side.Schema.Compile
	if compile == nil || reader.Format() == serde.Avro {
		// The generated Avro compile also registers the generated union
		// types, which a writer's schema need not have: compile writers
		// plainly (the reader's schema carries the types).
		compile = serde.Compile
	}
	return &Decoder[V]{reg: reg, role: role, reader: reader, compile: compile, writers: map[string]*writerPlan{}}, nil
}

// Decode decodes the record's value (or key, for a key Decoder).
func (d *Decoder[V]) Decode(ctx context.Context, r *kgo.Record) (V, error) {
	b := r.Value
	if d.role == serde.Key {
		b = r.Key
	}
	var hs []serde.Header
	if len(r.Headers) > 0 {
		hs = make([]serde.Header, len(r.Headers))
		for i, h := range r.Headers {
			hs[i] = serde.Header{Key: h.Key, Value: h.Value}
		}
	}
	return d.DecodeBytes(ctx, b, hs)
}

// DecodeBytes decodes a framed payload; headers carry the schema GUID
// under header framing and may be nil otherwise.
func (d *Decoder[V]) DecodeBytes(ctx context.Context, b []byte, headers []serde.Header) (V, error) {
	var zero V
	ds := serde.Deserializer{Role: d.role, Lookup: func(f serde.Frame) (serde.Compiled, error) {
		return d.writer(ctx, f)
	}}
	v, target := newTarget[V]()
	if _, err := ds.Decode(b, headers, target); err != nil {
		return zero, fmt.Errorf("producer: %w: %w", ErrDecode, err)
	}
	return v, nil
}

func newTarget[V any]() (V, any) {
	var v V
	if rt := reflect.TypeFor[V](); rt.Kind() == reflect.Pointer {
		p := reflect.New(rt.Elem()).Interface().(V)
		return p, p
	}
	return v, &v
}

// writer returns the plan and compiled writer schema of a frame, from the
// cache or the registry.
func (d *Decoder[V]) writer(ctx context.Context, f serde.Frame) (serde.Compiled, error) {
	key := "id:" + strconv.Itoa(f.ID)
	if f.HasGUID {
		key = "guid:" + hex.EncodeToString(f.GUID[:])
	}
	d.mu.RLock()
	p := d.writers[key]
	d.mu.RUnlock()
	if p != nil {
		return planCompiled{p}, nil
	}
	var sch serde.Schema
	if f.HasGUID {
		g := f.GUID
		ss, err := d.reg.SchemaByGUID(ctx, fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16]))
		if err != nil {
			return nil, fmt.Errorf("writer schema: %w", err)
		}
		sch = ss.Schema
	} else {
		s, err := d.reg.SchemaByID(ctx, f.ID)
		if err != nil {
			return nil, fmt.Errorf("writer schema: %w", err)
		}
		sch = s
	}
	if sch.Format == "" {
		sch.Format = serde.Avro
	}
	if sch.Format != d.reader.Format() {
		return nil, fmt.Errorf("%w: the writer's schema is %s, the reader's %s", serde.ErrSchemaMismatch, sch.Format, d.reader.Format())
	}
	w, err := d.compile(ctx, sch, d.reg)
	if err != nil {
		return nil, fmt.Errorf("writer schema: %w", err)
	}
	p = &writerPlan{format: w.Format()}
	if ix, ok := w.(serde.Indexed); ok {
		p.indexes = ix.MessageIndexes()
	}
	switch rr, ok := d.reader.(writerResolver); {
	case ok:
		if p.decode, err = rr.ResolveWriter(w); err != nil {
			return nil, err
		}
	case w.Canonical() == d.reader.Canonical():
		p.decode = d.reader.Decode
	default:
		p.decode = w.Decode
	}
	d.mu.Lock()
	if len(d.writers) < maxWriterSchemas {
		d.writers[key] = p
	}
	d.mu.Unlock()
	return planCompiled{p}, nil
}

// planCompiled is the serde.Compiled the Deserializer sees: it reports the
// writer's format and message indexes and decodes with the plan.
type planCompiled struct{ p *writerPlan }

func (c planCompiled) Format() serde.Format  { return c.p.format }
func (c planCompiled) MessageIndexes() []int { return c.p.indexes }
func (planCompiled) Schema() serde.Schema    { return serde.Schema{} }
func (planCompiled) Canonical() string       { return "" }
func (planCompiled) Validate(any) error      { return nil }
func (planCompiled) AppendEncode([]byte, any) ([]byte, error) {
	return nil, errors.New("decode only")
}
func (c planCompiled) Decode(data []byte, v any) error { return c.p.decode(data, v) }

package producer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/formats"
)

// Serde says where a key's or value's schema comes from: a prebuilt
// Compiled, or a local Schema compiled once by NewTyped with Compile.
type Serde struct {
	// Compiled is the compiled schema; when set, Schema and Compile are
	// ignored.
	Compiled serde.Compiled
	// Schema is the local schema text, compiled with Compile.
	Schema serde.Schema
	// Compile compiles Schema (and, under a drift policy that accepts a
	// different registered schema, the registered one); nil means
	// formats.Compile, which picks the format from the schema.
	Compile func(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error)
	// Resolver resolves references; nil means the producer's registry
	// client, if any.
	Resolver serde.Resolver
}

func (s *Serde) compile(ctx context.Context, sch serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	if s.Resolver != nil {
		r = s.Resolver
	}
	if r == nil {
		r = serde.MapResolver{}
	}
	compile := s.Compile
	if compile == nil {
		compile = formats.Compile
	}
	c, err := compile(ctx, sch, r)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("compile returned a nil schema")
	}
	return c, nil
}

func (s *Serde) compiled(ctx context.Context, r serde.Resolver) (serde.Compiled, error) {
	if s.Compiled != nil {
		return s.Compiled, nil
	}
	if s.Schema.Text == "" {
		return nil, errors.New("no schema: set Serde.Compiled or Serde.Schema")
	}
	return s.compile(ctx, s.Schema, r)
}

// Spec describes a typed producer: where its records go, their schemas, how
// the schema IDs are found, and what happens to a record that does not fit.
type Spec[K, V any] struct {
	// Topic the records go to. Required.
	Topic string
	// Subject is the value subject; empty means SubjectStrategy's choice.
	Subject string
	// KeySubject is the key subject, used with Key; empty means
	// SubjectStrategy's choice.
	KeySubject string
	// SubjectStrategy names the subjects not given above; nil means
	// registry.TopicName ("<Topic>-value", "<Topic>-key").
	SubjectStrategy registry.SubjectNameStrategy
	// RecordName and KeyRecordName are the value's and key's full record
	// names, for registry.RecordName and registry.TopicRecordName.
	RecordName    string
	KeyRecordName string

	// Value is the value schema. Required.
	Value Serde
	// Key is the key schema; nil sends keys as they are, which needs K
	// to be []byte (nil is the null key) or string.
	Key *Serde

	// Source says how the registry finds the value schema's ID
	// (registry.PinID, UseLatest, LookupBySchema, AutoRegister); nil
	// means PinID(SchemaID) when SchemaID is set, else LookupBySchema.
	// KeySource is the same for the key.
	Source    registry.Source
	KeySource registry.Source
	// Drift is what to do when the registered schema found is not the
	// local one; the zero value is registry.DriftFail.
	Drift registry.Drift

	// SchemaID pins the value schema ID. Without a registry client on the
	// producer, it is used as is, with no registry call (tests, offline
	// use); SchemaGUID is then the schema's GUID for the GUID and header
	// framings. With a registry client, the ID is checked through
	// registry.PinID unless Source says otherwise.
	SchemaID   int
	SchemaGUID [16]byte
	// KeySchemaID and KeySchemaGUID pin the key schema the same way.
	KeySchemaID   int
	KeySchemaGUID [16]byte

	// Framing is how records name their schema: serde.FramePrefix (the
	// default, magic byte and 4-byte ID), FrameGUIDPrefix or FrameHeader.
	Framing serde.Framing

	// Reject is what happens to a record whose key or value does not
	// fit; nil means ReturnError.
	Reject RejectPolicy
}

// Typed produces records whose keys are K and values are V, validated and
// serialized against the schemas bound at construction. It is safe for
// concurrent use; a value that does not fit never reaches franz-go.
type Typed[K, V any] struct {
	p       *Producer
	topic   string
	val     *serde.Serializer
	key     *serde.Serializer // nil: raw []byte or string keys
	valueID int
	keyID   int
	headers []kgo.RecordHeader // framing headers, clipped: appending copies
	reject  RejectPolicy
	hint    atomic.Int64 // last value size, to size the next buffer
}

// NewTyped binds spec's schemas to their subjects and IDs and returns the
// typed producer. It fails at once, with an error wrapping ErrSchemaBinding
// or ErrInvalidOption, when a schema does not compile or cannot be bound.
func NewTyped[K, V any](ctx context.Context, p *Producer, spec Spec[K, V]) (*Typed[K, V], error) {
	if p == nil {
		return nil, fmt.Errorf("producer: %w: nil producer", ErrInvalidOption)
	}
	if spec.Topic == "" {
		return nil, fmt.Errorf("producer: %w: spec has no topic", ErrInvalidOption)
	}
	t := &Typed[K, V]{p: p, topic: spec.Topic, reject: spec.Reject}
	if t.reject == nil {
		t.reject = ReturnError()
	}
	if err := t.reject.check(spec.Topic); err != nil {
		return nil, err
	}
	strategy := spec.SubjectStrategy
	if strategy == nil {
		strategy = registry.TopicName
	}
	subject := spec.Subject
	if subject == "" {
		s, err := strategy(spec.Topic, serde.Value, spec.RecordName)
		if err != nil {
			return nil, fmt.Errorf("producer: %w: value subject: %w", ErrInvalidOption, err)
		}
		subject = s
	}
	val, err := bind(ctx, p.cfg.reg, binding{
		topic: spec.Topic, subject: subject, serde: &spec.Value, id: spec.SchemaID, guid: spec.SchemaGUID,
		src: spec.Source, drift: spec.Drift, role: serde.Value, framing: spec.Framing,
	})
	if err != nil {
		return nil, err
	}
	t.val, t.valueID = val, val.SchemaID()
	if h, ok := val.Header(); ok {
		t.headers = append(t.headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	if spec.Key != nil {
		ks := spec.KeySubject
		if ks == "" {
			s, err := strategy(spec.Topic, serde.Key, spec.KeyRecordName)
			if err != nil {
				return nil, fmt.Errorf("producer: %w: key subject: %w", ErrInvalidOption, err)
			}
			ks = s
		}
		key, err := bind(ctx, p.cfg.reg, binding{
			topic: spec.Topic, subject: ks, serde: spec.Key, id: spec.KeySchemaID, guid: spec.KeySchemaGUID,
			src: spec.KeySource, drift: spec.Drift, role: serde.Key, framing: spec.Framing,
		})
		if err != nil {
			return nil, err
		}
		t.key, t.keyID = key, key.SchemaID()
		if h, ok := key.Header(); ok {
			t.headers = append(t.headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
		}
	} else {
		switch any(*new(K)).(type) {
		case []byte, string:
		default:
			return nil, fmt.Errorf("producer: %w: key type %T needs a key schema (Spec.Key), or use []byte or string keys", ErrInvalidOption, *new(K))
		}
	}
	t.headers = slices.Clip(t.headers)
	return t, nil
}

type binding struct {
	topic, subject string
	serde          *Serde
	id             int
	guid           [16]byte
	src            registry.Source
	drift          registry.Drift
	role           serde.Role
	framing        serde.Framing
}

// bind compiles the schema, finds its ID (pinned, or through the registry)
// and builds the serializer.
func bind(ctx context.Context, reg *registry.Client, b binding) (*serde.Serializer, error) {
	fail := func(err error) error {
		return fmt.Errorf("producer: %w: %s %s: %w", ErrSchemaBinding, b.subject, b.role, err)
	}
	var res serde.Resolver
	if reg != nil {
		res = reg
	}
	c, err := b.serde.compiled(ctx, res)
	if err != nil {
		return nil, fail(err)
	}
	id, guid := b.id, b.guid
	rules := c.Schema() // the data contract: the registered one when there is a registry
	if reg == nil {
		if id <= 0 && guid == ([16]byte{}) {
			return nil, fail(fmt.Errorf("no schema ID: pin one with Spec.%sSchemaID or give the producer a Registry", rolePrefix(b.role)))
		}
	} else {
		src := b.src
		if src == nil {
			if id > 0 {
				src = registry.PinID(id)
			} else {
				src = registry.LookupBySchema()
			}
		}
		local := b.serde.Schema
		if b.serde.Compiled != nil {
			local = c.Schema()
		}
		ss, err := reg.Bind(ctx, b.subject, local, src, b.drift)
		if err != nil {
			return nil, fail(err)
		}
		id = ss.ID
		if ss.Schema.RuleSet != nil || ss.Schema.Metadata != nil {
			rules = ss.Schema
		}
		if ss.GUID != "" {
			if guid, err = parseGUID(ss.GUID); err != nil {
				return nil, fail(err)
			}
		}
		// Under DriftWarn and DriftAllowIfCompatible the registered
		// schema may differ from the local one; the ID names the
		// registered one, so encode with it. (Under DriftFail, and for
		// LookupBySchema and AutoRegister, they are the same schema,
		// whatever the registry's spelling of it.)
		if b.drift != registry.DriftFail && ss.Schema.Text != "" && ss.Schema.Text != local.Text {
			rc, err := b.serde.compile(ctx, ss.Schema, reg)
			if err != nil {
				return nil, fail(fmt.Errorf("compile registered schema id %d: %w", ss.ID, err))
			}
			if rc.Canonical() != c.Canonical() {
				c = rc
			}
		}
	}
	ct, err := contract.New(c, rules.RuleSet, rules.Metadata)
	if err != nil {
		return nil, fail(err)
	}
	cfg := serde.SerializerConfig{
		Topic: b.topic, Subject: b.subject, ID: id, GUID: guid, Role: b.role, Framing: b.framing,
	}
	if ct.Len() > 0 {
		cfg.Contract = ct
	}
	ser, err := serde.NewSerializer(c, cfg)
	if err != nil {
		return nil, fail(err)
	}
	return ser, nil
}

// parseGUID parses a registry GUID, a UUID in its 8-4-4-4-12 hex form.
func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	h := make([]byte, 0, 32)
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			h = append(h, s[i])
		}
	}
	if len(h) != 32 {
		return g, fmt.Errorf("malformed schema guid %q", s)
	}
	if _, err := hex.Decode(g[:], h); err != nil {
		return g, fmt.Errorf("malformed schema guid %q: %w", s, err)
	}
	return g, nil
}

func rolePrefix(r serde.Role) string {
	if r == serde.Key {
		return "Key"
	}
	return ""
}

// Topic returns the topic the records go to.
func (t *Typed[K, V]) Topic() string { return t.topic }

// Subject returns the value subject.
func (t *Typed[K, V]) Subject() string { return t.val.Subject() }

// SchemaID returns the value schema ID the records are framed with.
func (t *Typed[K, V]) SchemaID() int { return t.valueID }

// KeySchemaID returns the key schema ID, 0 when keys have no schema.
func (t *Typed[K, V]) KeySchemaID() int { return t.keyID }

// Validate checks value against the value schema without producing it.
// The error is nil, a *serde.ValidationError, or errors.Join of several.
func (t *Typed[K, V]) Validate(value V) error { return t.val.Validate(value) }

// Producer returns the producer t sends through.
func (t *Typed[K, V]) Producer() *Producer { return t.p }

// Produce validates and serializes key and value and hands the record to
// franz-go. It returns at once with the record's Future; it blocks only
// while the buffer is full with the Block policy, until ctx is done.
//
// A non-nil error means the record was not handed over: a *RejectError
// (wrapping ErrRejected and the *serde.ValidationError) when key or value
// does not fit, or an error wrapping ErrClosed or ErrBufferFull. The Future
// is never nil and fails with the same error (for a rejected record with a
// dead-letter policy, once the dead-letter write has its outcome).
//
// ctx also bounds the record's delivery: when it is done before the record
// is sent, the record fails with ctx's error.
func (t *Typed[K, V]) Produce(ctx context.Context, key K, value V, opts ...RecordOpt) (*Future, error) {
	pd, err := t.build(ctx, key, value, opts)
	if err != nil {
		return &pd.fut, err
	}
	return &pd.fut, t.p.send(ctx, pd)
}

// build validates and serializes one record; on a rejection it runs the
// reject policy and returns the error.
func (t *Typed[K, V]) build(ctx context.Context, key K, value V, opts []RecordOpt) (*pending, error) {
	// The hint is the largest value so far: most values of one schema fit
	// it, and a larger one grows the buffer once and raises the hint.
	size := t.hint.Load()
	pd, buf := newPending(int(size) + 8)
	return pd, t.fill(ctx, pd, buf, size, key, value, opts)
}

// fill serializes key and value into pd, the value appended to buf.
func (t *Typed[K, V]) fill(ctx context.Context, pd *pending, buf []byte, size int64, key K, value V, opts []RecordOpt) error {
	pd.valueID, pd.keyID = t.valueID, t.keyID
	pd.rec.Topic = t.topic
	if err := t.encodeKey(pd, key); err != nil {
		return t.rejected(ctx, pd, key, value, err, opts)
	}
	buf, err := t.val.AppendSerialize(buf, value)
	if err != nil {
		return t.rejected(ctx, pd, key, value, err, opts)
	}
	if n := int64(len(buf)); n > size && n <= 64<<10 {
		t.hint.Store(n) // grows only: no shared write per record
	}
	pd.rec.Value = buf
	pd.rec.Headers = t.headers
	for _, o := range opts {
		o.applyRecord(pd)
	}
	return nil
}

func (t *Typed[K, V]) encodeKey(pd *pending, key K) error {
	if t.key == nil {
		switch k := any(key).(type) {
		case []byte:
			pd.rec.Key = k
		case string:
			pd.rec.Key = []byte(k)
		}
		return nil
	}
	b, err := t.key.AppendSerialize(nil, key)
	if err != nil {
		return err
	}
	pd.rec.Key = b
	return nil
}

// ProduceFunc is Produce with a callback: fn is called exactly once with
// the record's outcome (see Future for where it runs). The returned error is
// the one Produce returns; fn gets it too.
func (t *Typed[K, V]) ProduceFunc(ctx context.Context, key K, value V, fn func(RecordMetadata, error), opts ...RecordOpt) error {
	pd, err := t.build(ctx, key, value, opts)
	if fn != nil {
		if err != nil {
			pd.fut.Then(fn)
		} else {
			pd.fut.cb = fn // not handed over yet: no lock needed
		}
	}
	if err != nil {
		return err
	}
	return t.p.send(ctx, pd)
}

// ProduceSync produces one record and waits for its outcome; ctx bounds the
// wait and the record's delivery alike. Through franz-go's ProduceSync, the
// record's partition is sent without waiting for the linger, except for the
// very first records to a topic whose partitions the client has not loaded
// yet.
func (t *Typed[K, V]) ProduceSync(ctx context.Context, key K, value V, opts ...RecordOpt) (RecordMetadata, error) {
	pd, err := t.build(ctx, key, value, opts)
	if err != nil {
		return RecordMetadata{Topic: t.topic, Partition: -1, Offset: -1}, err
	}
	return t.p.sendSync(ctx, pd)
}

// Delete writes a tombstone for key: a record with a null value, which
// compaction uses to delete the key. Nothing is validated but the key.
func (t *Typed[K, V]) Delete(ctx context.Context, key K, opts ...RecordOpt) (*Future, error) {
	pd := &pending{keyID: t.keyID}
	pd.rec.Topic = t.topic
	if err := t.encodeKey(pd, key); err != nil {
		return &pd.fut, t.rejected(ctx, pd, key, nil, err, opts)
	}
	if pd.rec.Key == nil {
		err := fmt.Errorf("producer: %s: %w: a tombstone needs a key", t.topic, ErrInvalidOption)
		pd.fut.complete(RecordMetadata{Topic: t.topic, Offset: -1}, err)
		return &pd.fut, err
	}
	if t.key != nil {
		if h, ok := t.key.Header(); ok {
			pd.rec.Headers = []kgo.RecordHeader{{Key: h.Key, Value: h.Value}}
		}
	}
	for _, o := range opts {
		o.applyRecord(pd)
	}
	return &pd.fut, t.p.send(ctx, pd)
}

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
)

// SchemaSource says where a side's schema comes from: a prebuilt Compiled
// schema, or the Local schema text, compiled once by NewTyped with Compile.
type SchemaSource struct {
	// Compiled is the compiled schema; when set, Local and Compile are
	// ignored.
	Compiled serde.Compiled
	// Local is the schema text, compiled with Compile.
	Local serde.Schema
	// Compile compiles Local (and, under a drift policy that accepts a
	// different registered schema, the registered one): avro.Compiler,
	// protobuf.Compiler, jsonschema.Compiler or a closure over one with
	// options. Generated code names its format's compiler. nil means
	// serde.Compile, which picks the compiler of the schema's format among
	// the format packages the program imports (serde/formats imports all).
	Compile serde.CompileFunc
	// Resolver resolves references; nil means the producer's registry
	// client, if any.
	Resolver serde.Resolver
}

func (s *SchemaSource) compile(ctx context.Context, sch serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	if s.Resolver != nil {
		r = s.Resolver
	}
	if r == nil {
		r = serde.MapResolver{}
	}
	compile := s.Compile
	if compile == nil {
		compile = serde.Compile
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

// compileRegistered compiles a schema the registry returned: references
// that name a subject come from the registry, as the schema ID means them;
// others (Protobuf imports and JSON Schema $refs it does not list) from the
// source's Resolver, then the registry.
func (s *SchemaSource) compileRegistered(ctx context.Context, subject string, sch serde.Schema, reg *registry.Client) (serde.Compiled, error) {
	local := s.Resolver
	regRes := reg.ResolverIn(registry.ContextOf(subject))
	r := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		if ref.Subject == "" && local != nil {
			return local.Resolve(ctx, ref)
		}
		return regRes.Resolve(ctx, ref)
	})
	compile := s.Compile
	if compile == nil {
		compile = serde.Compile
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

func (s *SchemaSource) compiled(ctx context.Context, r serde.Resolver) (serde.Compiled, error) {
	if s.Compiled != nil {
		return s.Compiled, nil
	}
	if s.Local.Text == "" {
		return nil, errors.New("no schema: set SchemaSource.Compiled or SchemaSource.Local")
	}
	return s.compile(ctx, s.Local, r)
}

// Side is the key or the value of a typed producer's records: its schema,
// the subject it is bound to, and how its schema ID is found.
type Side struct {
	// Schema is the side's schema. Required.
	Schema SchemaSource
	// Subject is the side's subject; empty means Strategy's choice.
	Subject string
	// Strategy names the subject when Subject is empty; nil means
	// registry.TopicName ("<topic>-value", "<topic>-key").
	Strategy registry.SubjectNameStrategy
	// RecordName is the full record name, for registry.RecordName and
	// registry.TopicRecordName.
	RecordName string
	// IDSource says how the registry finds the schema's ID
	// (registry.PinID, UseLatest, LookupBySchema, AutoRegister); nil
	// means PinID(ID) when ID is set, else LookupBySchema.
	IDSource registry.Source
	// ID pins the schema ID. Without a registry client on the producer, it
	// is used as is, with no registry call (tests, offline use); GUID is
	// then the schema's GUID for the GUID and header framings. With a
	// registry client, the ID is checked through registry.PinID unless
	// IDSource says otherwise.
	ID   int
	GUID [16]byte
	// Drift is what to do when the registered schema found is not the
	// local one; the zero value is registry.DriftFail.
	Drift registry.Drift
}

// Spec describes a typed producer: where its records go, the schemas of
// their values and keys, and what happens to a record that does not fit.
type Spec[K, V any] struct {
	// Topic the records go to. Required.
	Topic string
	// Value is the value side. Required.
	Value Side
	// Key is the key side; nil sends keys as they are, which needs K to
	// be []byte (nil is the null key) or string.
	Key *Side
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
	// The bound rule sets and metadata of the value and key (the
	// registered ones when there is a registry), which say what a dead
	// letter redacts.
	valRules, keyRules serde.Schema
	hint               atomic.Int64 // last value size, to size the next buffer
	// pendings holds the pendings of records kgo has promised, each with
	// its value buffer, for the next records (see pending.recycle); unused
	// when the client has hooks other than the producer's own.
	pendings freeList
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
	t.pendings.max = min(p.cfg.maxBufRecords, maxFree)
	if t.reject == nil {
		t.reject = ReturnError()
	}
	if err := t.reject.check(spec.Topic); err != nil {
		return nil, err
	}
	val, valRules, err := bind(ctx, p.cfg.reg, spec.Topic, serde.Value, &spec.Value, spec.Framing)
	if err != nil {
		return nil, err
	}
	t.val, t.valueID, t.valRules = val, val.SchemaID(), valRules
	if h, ok := val.Header(); ok {
		t.headers = append(t.headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	if spec.Key != nil {
		key, keyRules, err := bind(ctx, p.cfg.reg, spec.Topic, serde.Key, spec.Key, spec.Framing)
		if err != nil {
			return nil, err
		}
		t.key, t.keyID, t.keyRules = key, key.SchemaID(), keyRules
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
	p.c.rules.track(t.val) // the contracts' counts, for Metrics
	if t.key != nil {
		p.c.rules.track(t.key)
	}
	return t, nil
}

// subject returns the side's subject: Subject, or Strategy's choice.
func (s *Side) subject(topic string, role serde.Role) (string, error) {
	if s.Subject != "" {
		return s.Subject, nil
	}
	strategy := s.Strategy
	if strategy == nil {
		strategy = registry.TopicName
	}
	subject, err := strategy(topic, role, s.RecordName)
	if err != nil {
		return "", fmt.Errorf("producer: %w: %s subject: %w", ErrInvalidOption, role, err)
	}
	return subject, nil
}

// bind compiles the side's schema, finds its ID (pinned, or through the
// registry) and builds the serializer. It returns the data contract's rule
// set and metadata too: the registered ones when there is a registry.
func bind(ctx context.Context, reg *registry.Client, topic string, role serde.Role, side *Side, framing serde.Framing) (*serde.Serializer, serde.Schema, error) {
	subject, err := side.subject(topic, role)
	if err != nil {
		return nil, serde.Schema{}, err
	}
	fail := func(err error) error {
		if errors.Is(err, registry.ErrSubjectNotFound) || errors.Is(err, registry.ErrSchemaNotFound) {
			// The first thing a new user meets: say what to do.
			return fmt.Errorf("producer: %w: %s %s: %w (the schema is not registered: run `schemagen register`, or bind with registry.AutoRegister())", ErrSchemaBinding, subject, role, err)
		}
		return fmt.Errorf("producer: %w: %s %s: %w", ErrSchemaBinding, subject, role, err)
	}
	var res serde.Resolver
	if reg != nil {
		res = reg.ResolverIn(registry.ContextOf(subject))
	}
	c, err := side.Schema.compiled(ctx, res)
	if err != nil {
		return nil, serde.Schema{}, fail(err)
	}
	id, guid := side.ID, side.GUID
	rules := c.Schema() // the data contract: the registered one when there is a registry
	if reg == nil {
		if id <= 0 && guid == ([16]byte{}) {
			return nil, serde.Schema{}, fail(fmt.Errorf("no schema ID: pin one with Spec.%s.ID or give the producer a Registry", sideName(role)))
		}
	} else {
		var registered serde.Schema
		if c, id, guid, registered, err = resolve(ctx, reg, subject, side, c); err != nil {
			return nil, serde.Schema{}, fail(err)
		}
		if registered.RuleSet != nil || registered.Metadata != nil {
			rules = registered
		}
	}
	if err := checkDLQRules(rules.RuleSet, topic); err != nil {
		return nil, serde.Schema{}, fail(err)
	}
	ct, err := serde.CompileContract(c, rules.RuleSet, rules.Metadata)
	if err != nil {
		return nil, serde.Schema{}, fail(err)
	}
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{
		Topic: topic, Subject: subject, ID: id, GUID: guid, Role: role, Framing: framing, Contract: ct,
	})
	if err != nil {
		return nil, serde.Schema{}, fail(err)
	}
	return ser, rules, nil
}

// resolve binds the side's compiled schema c to subject through the
// registry and returns the schema to encode with, its ID and GUID, and the
// registered schema (whose rule set and metadata are the contract).
func resolve(ctx context.Context, reg *registry.Client, subject string, side *Side, c serde.Compiled) (serde.Compiled, int, [16]byte, serde.Schema, error) {
	guid := side.GUID // kept when the registry has no GUIDs
	src := side.IDSource
	if src == nil {
		if side.ID > 0 {
			src = registry.PinID(side.ID)
		} else {
			src = registry.LookupBySchema()
		}
	}
	local := side.Schema.Local
	if side.Schema.Compiled != nil {
		local = c.Schema()
	}
	ss, err := reg.Bind(ctx, subject, local, src, side.Drift)
	if err != nil {
		return nil, 0, guid, serde.Schema{}, err
	}
	if ss.GUID != "" {
		if guid, err = parseGUID(ss.GUID); err != nil {
			return nil, 0, guid, serde.Schema{}, err
		}
	}
	// Under DriftWarn and DriftAllowIfCompatible the registered schema may
	// differ from the local one; the ID names the registered one, so
	// encode with it. (Under DriftFail, and for LookupBySchema and
	// AutoRegister, they are the same schema, whatever the registry's
	// spelling of it.)
	//
	// The registered schema can differ in its references alone (another
	// subject or version, or another text behind the same one), so it is
	// compiled whenever either side has references, with the references
	// that name a subject resolved by the registry, and replaces the local
	// one when their fingerprints (which cover every resolved reference)
	// differ.
	// Under DriftFail a difference there (the local resolver serving
	// another text for the same subject and version) is drift.
	refs := len(ss.Schema.References) > 0 || len(local.References) > 0
	if ss.Schema.Text != "" && (refs || !side.Drift.Strict() && ss.Schema.Text != local.Text) {
		rc, err := side.Schema.compileRegistered(ctx, subject, ss.Schema, reg)
		if err != nil {
			return nil, 0, guid, serde.Schema{}, fmt.Errorf("compile registered schema id %d: %w", ss.ID, err)
		}
		if serde.Fingerprint(rc) != serde.Fingerprint(c) {
			if side.Drift.Strict() {
				return nil, 0, guid, serde.Schema{}, fmt.Errorf("%w: subject %q: schema id %d resolves its references to other texts than the local schema's", registry.ErrDrift, subject, ss.ID)
			}
			c = rc
		}
	}
	return c, ss.ID, guid, ss.Schema, nil
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

func sideName(r serde.Role) string {
	if r == serde.Key {
		return "Key"
	}
	return "Value"
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
	pd, err := t.build(ctx, key, value, opts, withFuture|pooled)
	fut := pd.fut // pd may be recycled once handed over
	if err != nil {
		return fut, err
	}
	return fut, t.p.send(ctx, pd)
}

// How build makes a record's pending: with a Future or not, from the
// pool (recycled after its promise) or not.
const (
	withFuture = 1 << iota
	pooled
)

// build validates and serializes one record; on a rejection it runs the
// reject policy and returns the error (pd then is not recycled).
func (t *Typed[K, V]) build(ctx context.Context, key K, value V, opts []RecordOpt, how int) (*pending, error) {
	// The hint is the largest value so far: most values of one schema fit
	// it, and a larger one grows the buffer once and raises the hint.
	size := t.hint.Load()
	var pd *pending
	if how&pooled != 0 && t.p.recycle {
		pd = t.pendings.get()
		if pd == nil {
			pd = &pending{}
		}
		pd.pool = &t.pendings
	} else {
		pd = &pending{}
	}
	if how&withFuture != 0 {
		pd.fut = new(Future)
	}
	buf := pd.vbuf
	pd.vbuf = nil
	if int64(cap(buf)) < size+8 {
		buf = make([]byte, 0, size+8)
	}
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
	return t.p.tooLarge(pd)
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
	pd, err := t.build(ctx, key, value, opts, pooled)
	if err != nil {
		if fn != nil {
			pd.future().Then(fn)
		}
		return err
	}
	pd.fn = fn // the outcome goes to fn alone: no Future
	return t.p.send(ctx, pd)
}

// ProduceSync produces one record and waits for its outcome; ctx bounds the
// wait and the record's delivery alike. Through franz-go's ProduceSync, the
// record's partition is sent without waiting for the linger, except for the
// very first records to a topic whose partitions the client has not loaded
// yet.
func (t *Typed[K, V]) ProduceSync(ctx context.Context, key K, value V, opts ...RecordOpt) (RecordMetadata, error) {
	pd, err := t.build(ctx, key, value, opts, withFuture)
	if err != nil {
		return RecordMetadata{Topic: t.topic, Partition: -1, Offset: -1}, err
	}
	return t.p.sendSync(ctx, pd)
}

// Delete writes a tombstone for key: a record with a null value, which
// compaction uses to delete the key. Nothing is validated but the key.
func (t *Typed[K, V]) Delete(ctx context.Context, key K, opts ...RecordOpt) (*Future, error) {
	pd := &pending{keyID: t.keyID, fut: new(Future)}
	pd.rec.Topic = t.topic
	if err := t.encodeKey(pd, key); err != nil {
		return pd.fut, t.rejected(ctx, pd, key, nil, err, opts)
	}
	if pd.rec.Key == nil {
		err := fmt.Errorf("producer: %s: %w: a tombstone needs a key", t.topic, ErrInvalidOption)
		pd.fut.complete(RecordMetadata{Topic: t.topic, Offset: -1}, err)
		return pd.fut, err
	}
	if t.key != nil {
		if h, ok := t.key.Header(); ok {
			pd.rec.Headers = []kgo.RecordHeader{{Key: h.Key, Value: h.Value}}
		}
	}
	for _, o := range opts {
		o.applyRecord(pd)
	}
	return pd.fut, t.p.send(ctx, pd)
}

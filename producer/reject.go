package producer

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/serde"
)

// Headers on dead-letter records. The reason, rule and path headers repeat
// once per violation, in the same order.
const (
	// HeaderDLTTopic is the topic the record was meant for.
	HeaderDLTTopic = "schemagen.dlt.topic"
	// HeaderDLTSubject and HeaderDLTSchemaID name the schema it failed.
	HeaderDLTSubject  = "schemagen.dlt.subject"
	HeaderDLTSchemaID = "schemagen.dlt.schema-id"
	// HeaderDLTPath is a violation's field path ("" for the value itself).
	HeaderDLTPath = "schemagen.dlt.path"
	// HeaderDLTRule is the violated rule (the sentinel's text: "required",
	// "wrong type", ...).
	HeaderDLTRule = "schemagen.dlt.rule"
	// HeaderDLTReason is a violation's reason in words.
	HeaderDLTReason = "schemagen.dlt.reason"
	// HeaderDLTError is the whole error text.
	HeaderDLTError = "schemagen.dlt.error"
	// HeaderDLTRole says whether the key or the value failed.
	HeaderDLTRole = "schemagen.dlt.role"
	// HeaderDLTEncoding says what the dead-letter value holds: "json"
	// (the value marshaled with encoding/json, or protojson; redacted
	// when the rules say so, see DeadLetterRedactRuleTypes), "raw" (the
	// value was []byte, with nothing to redact), or "none" (it could not
	// be encoded or redacted; the value is null and HeaderDLTEncodeError
	// says why).
	HeaderDLTEncoding    = "schemagen.dlt.payload-encoding"
	HeaderDLTEncodeError = "schemagen.dlt.payload-error"
	// HeaderDLTKey carries the key that failed its key schema, encoded
	// like the payload (the record's key is null then).
	HeaderDLTKey = "schemagen.dlt.key"
	// HeaderDLTKeyEncoding is set when a dead letter's key is not the
	// serialized key because it has fields to redact: "json" (the key's
	// JSON form, those fields redacted) or "none" (it could not be
	// redacted: the key is null and HeaderDLTKeyError says why).
	HeaderDLTKeyEncoding = "schemagen.dlt.key-encoding"
	// HeaderDLTKeyError says why a dead letter's key could not be
	// redacted.
	HeaderDLTKeyError = "schemagen.dlt.key-error"
)

// Rejected describes a record that did not fit its schema, for a reject
// hook.
type Rejected struct {
	Topic string
	// Role says whether the key or the value failed.
	Role serde.Role
	// Key is the serialized key, or the raw key for []byte and string
	// keys; nil when the key itself failed.
	Key []byte
	// Value is the value that failed (nil for a tombstone whose key
	// failed).
	Value any
	// KeyValue is the typed key when the key failed its schema (Role is
	// serde.Key); nil otherwise.
	KeyValue any
	// Headers are the record's headers from its RecordOpts.
	Headers []kgo.RecordHeader
	// Err is the validation or serialization error.
	Err error

	// The key's and value's compiled schemas, which may encode a value as
	// JSON for a dead-letter record (valueJSONer).
	keySchema, valueSchema serde.Compiled
	// The value's and key's data contracts as bound (the registered rule
	// set and metadata when there is a registry), whose encryption rules
	// and tags say which fields a dead letter redacts.
	valueRules, keyRules serde.Schema
	// typedKey is the key as given to Produce when there is a key schema
	// (Key then holds its serialization), for a dead letter to redact.
	typedKey any
}

// valueJSONer is a compiled schema that encodes its own values as JSON
// (serde/protobuf's Schema, with protojson), so the producer needs no
// format's JSON encoding of its own.
type valueJSONer interface {
	MarshalValueJSON(v any) ([]byte, bool, error)
}

// RejectPolicy says what happens to a record whose key or value does not
// fit its schema, besides the error Produce returns and the failed Future
// (which happen under every policy). Build one with ReturnError,
// RejectHook or DeadLetter.
type RejectPolicy interface {
	check(topic string) error
	handle(ctx context.Context, p *Producer, r *Rejected, err *RejectError, fut *Future, md RecordMetadata)
}

type returnError struct{}

func (returnError) check(string) error { return nil }
func (returnError) handle(_ context.Context, _ *Producer, _ *Rejected, err *RejectError, fut *Future, md RecordMetadata) {
	fut.complete(md, err)
}

// ReturnError is the default policy: the error is returned and the Future
// fails; nothing else happens.
func ReturnError() RejectPolicy { return returnError{} }

type hook func(context.Context, Rejected)

func (h hook) check(string) error {
	if h == nil {
		return fmt.Errorf("producer: %w: nil reject hook", ErrInvalidOption)
	}
	return nil
}

func (h hook) handle(ctx context.Context, _ *Producer, r *Rejected, err *RejectError, fut *Future, md RecordMetadata) {
	h(ctx, *r)
	fut.complete(md, err)
}

// RejectHook calls fn, in the goroutine calling Produce, for every rejected
// record before Produce returns the error.
func RejectHook(fn func(ctx context.Context, r Rejected)) RejectPolicy { return hook(fn) }

type deadLetter string

func (d deadLetter) check(topic string) error {
	if d == "" {
		return fmt.Errorf("producer: %w: empty dead-letter topic", ErrInvalidOption)
	}
	if string(d) == topic {
		return fmt.Errorf("producer: %w: dead-letter topic %q is the topic itself", ErrInvalidOption, topic)
	}
	return nil
}

// DeadLetter writes every rejected record to topic, exactly once: its key,
// its value as JSON (protojson for Protobuf messages, as is when it is
// []byte) and headers saying why (HeaderDLT*). When the value's or key's
// rule set has an ENCRYPT rule (DeadLetterRedactRuleTypes), the fields its
// tags select are redacted in the value and key, and a []byte value is
// read and written as its redacted JSON form: never in plaintext (see
// docs/CONTRACTS.md). The rejected record's Future completes once the
// dead-letter record has its outcome, with a *RejectError whose DeadLetter
// or DeadLetterErr says which; a failed dead-letter write also counts in
// Metrics.DeadLetterFailed and is logged.
func DeadLetter(topic string) RejectPolicy { return deadLetter(topic) }

func (d deadLetter) handle(ctx context.Context, p *Producer, r *Rejected, rerr *RejectError, fut *Future, md RecordMetadata) {
	pd := &pending{}
	pd.rec.Topic = string(d)
	pd.rec.Key = r.Key
	pd.rec.Headers = dltHeaders(r)
	rd := p.redaction(r)
	if r.Key != nil && r.typedKey != nil && rd.on() {
		// The serialized key carries its tagged fields as they were:
		// the dead letter's key is its redacted JSON form when it has
		// any, and null when it cannot be redacted.
		b, _, changed, err := rd.form(r.typedKey, r.keySchema, r.keyRules.Metadata)
		switch {
		case err != nil:
			pd.rec.Key = nil
			pd.rec.Headers = append(pd.rec.Headers,
				kgo.RecordHeader{Key: HeaderDLTKeyEncoding, Value: []byte("none")},
				kgo.RecordHeader{Key: HeaderDLTKeyError, Value: []byte(err.Error())})
		case changed:
			pd.rec.Key = b
			pd.rec.Headers = append(pd.rec.Headers, kgo.RecordHeader{Key: HeaderDLTKeyEncoding, Value: []byte("json")})
		}
	}
	if r.Value != nil {
		b, enc, _, err := rd.form(r.Value, r.valueSchema, r.valueRules.Metadata)
		pd.rec.Value = b
		pd.rec.Headers = append(pd.rec.Headers, kgo.RecordHeader{Key: HeaderDLTEncoding, Value: []byte(enc)})
		if err != nil {
			pd.rec.Headers = append(pd.rec.Headers, kgo.RecordHeader{Key: HeaderDLTEncodeError, Value: []byte(err.Error())})
		}
	}
	if r.Role == serde.Key && r.KeyValue != nil {
		if b, _, _, err := rd.form(r.KeyValue, r.keySchema, r.keyRules.Metadata); err == nil {
			pd.rec.Headers = append(pd.rec.Headers, kgo.RecordHeader{Key: HeaderDLTKey, Value: b})
		}
	}
	pd.onDone = func(dmd RecordMetadata, err error) {
		out := &RejectError{Topic: rerr.Topic, Err: rerr.Err}
		if err != nil {
			p.c.deadLetterKO.Add(1)
			out.DeadLetterErr = fmt.Errorf("producer: %w to %s: %w", ErrDeadLetter, string(d), err)
			p.log.Error("producer: dead-letter write failed", "topic", r.Topic, "dead_letter_topic", string(d), "err", err)
		} else {
			p.c.deadLettered.Add(1)
			out.DeadLetter = &dmd
		}
		fut.complete(md, out)
	}
	// The dead-letter record outlives the caller's context (a deferred
	// cancel right after Produce is usual); DeliveryTimeout bounds it. Its
	// outcome, failure included, goes through onDone.
	_ = p.send(context.WithoutCancel(ctx), pd)
}

// encodePayload encodes what a dead-letter record can carry of a value:
// []byte as is ("raw"), a value its schema encodes as JSON (a Protobuf
// message, with protojson), anything else with encoding/json ("json");
// "none" and a nil payload when that fails.
func encodePayload(v any, schema serde.Compiled) ([]byte, string, error) {
	if b, ok := v.([]byte); ok {
		return b, "raw", nil
	}
	if j, ok := schema.(valueJSONer); ok {
		if b, ok, err := j.MarshalValueJSON(v); ok {
			if err != nil {
				return nil, "none", err
			}
			return b, "json", nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, "none", err
	}
	return b, "json", nil
}

func dltHeaders(r *Rejected) []kgo.RecordHeader {
	hs := append([]kgo.RecordHeader(nil), r.Headers...)
	hs = append(hs, ruleHeaders(r)...)
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderDLTTopic, Value: []byte(r.Topic)},
		kgo.RecordHeader{Key: HeaderDLTError, Value: []byte(r.Err.Error())},
		kgo.RecordHeader{Key: HeaderDLTRole, Value: []byte(r.Role.String())},
	)
	vs := serde.Violations(r.Err)
	if len(vs) > 0 {
		hs = append(hs,
			kgo.RecordHeader{Key: HeaderDLTSubject, Value: []byte(vs[0].Subject)},
			kgo.RecordHeader{Key: HeaderDLTSchemaID, Value: []byte(strconv.Itoa(vs[0].SchemaID))},
		)
	}
	for _, v := range vs {
		rule := ""
		if v.Err != nil {
			rule = v.Err.Error()
		}
		hs = append(hs,
			kgo.RecordHeader{Key: HeaderDLTPath, Value: []byte(v.Path)},
			kgo.RecordHeader{Key: HeaderDLTRule, Value: []byte(rule)},
			kgo.RecordHeader{Key: HeaderDLTReason, Value: []byte(v.Reason)},
		)
	}
	return hs
}

// rejected handles a record whose key or value failed: it counts it, runs
// the policy and returns the error for Produce to return.
func (t *Typed[K, V]) rejected(ctx context.Context, pd *pending, key, value any, err error, opts []RecordOpt) error {
	t.p.c.rejected.Add(1)
	for _, o := range opts {
		o.applyRecord(pd)
	}
	r := &Rejected{Topic: t.topic, Role: serde.Value, Key: pd.rec.Key, Value: value, Headers: pd.rec.Headers, Err: err,
		valueSchema: t.val.Compiled(), valueRules: t.valRules}
	if t.key != nil {
		r.keySchema, r.keyRules, r.typedKey = t.key.Compiled(), t.keyRules, key
	}
	if t.key != nil && pd.rec.Key == nil {
		r.Role, r.KeyValue = serde.Key, key
	}
	md := RecordMetadata{Topic: t.topic, Partition: -1, Offset: -1, KeySchemaID: t.keyID, ValueSchemaID: t.valueID}
	rerr := &RejectError{Topic: t.topic, Err: err}
	ruleDeadLetter(err, t.topic, t.reject).handle(ctx, t.p, r, rerr, pd.future(), md)
	return &RejectError{Topic: t.topic, Err: err}
}

package producer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Leak tests for dead letters under an ENCRYPT rule: the Kafka key, a raw
// ([]byte) value or key, and fields tagged only in the registered
// metadata. Each secret below must appear nowhere in the dead letter (key,
// value, any header) unless redaction is switched off, which the negative
// controls do to show that the detector sees the plaintext when it is
// there.
const (
	valueSecret = "078-05-1120"
	keySecret   = "123-45-6789"
)

// leaks returns where r carries secret: "key", "value" or "header NAME".
func leaks(r *kgo.Record, secret string) []string {
	var out []string
	if bytes.Contains(r.Key, []byte(secret)) {
		out = append(out, "key")
	}
	if bytes.Contains(r.Value, []byte(secret)) {
		out = append(out, "value")
	}
	for _, h := range r.Headers {
		if bytes.Contains(h.Value, []byte(secret)) {
			out = append(out, "header "+h.Key)
		}
	}
	return out
}

// noLeak fails t when r carries any of secrets.
func noLeak(t *testing.T, r *kgo.Record, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if where := leaks(r, s); len(where) > 0 {
			t.Errorf("dead letter carries %q in %v (key %q, value %q)", s, where, r.Key, r.Value)
		}
	}
}

// oneDeadLetter flushes p and returns the one record on topic.
func oneDeadLetter(t *testing.T, c *kfake.Cluster, p *producer.Producer, topic string) *kgo.Record {
	t.Helper()
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs := consumeAll(t, c, topic)
	if len(recs) != 1 {
		t.Fatalf("%d records on %s, want 1", len(recs), topic)
	}
	return recs[0]
}

// jsonField decodes b as a JSON object and returns its field name.
func jsonField(t *testing.T, b []byte, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return m[name]
}

func wantHeader(t *testing.T, r *kgo.Record, key, want string) {
	t.Helper()
	if got := header(r, key); len(got) != 1 || got[0] != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

func adultRule() serde.Rule {
	return serde.Rule{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18", OnFailure: "DLQ",
		Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}}
}

// ---- Keys ------------------------------------------------------------

const avroKeyPII = `{"type":"record","name":"PersonKey","namespace":"test","fields":[
{"name":"id","type":"string"},
{"name":"ssn","type":"string","confluent:tags":["PII"]}]}`

type personKey struct {
	ID  string `avro:"id"`
	SSN string `avro:"ssn"`
}

// avroKeyDeadLetter registers personPII (value: DLQ rule, and an ENCRYPT
// rule when valueEncrypt) and avroKeyPII (key, with keyRules) and returns
// the dead letter of a value that breaks the DLQ rule.
func avroKeyDeadLetter(t *testing.T, valueEncrypt bool, keyRules *serde.RuleSet, opts ...producer.Opt) *kgo.Record {
	t.Helper()
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule()}}
	if valueEncrypt {
		rules.DomainRules = append(rules.DomainRules, encryptRule("PII"))
	}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: personPII, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Register(ctx, "people-key", serde.Schema{Format: serde.Avro, Text: avroKeyPII, RuleSet: keyRules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c, append([]producer.Opt{producer.Registry(rc)}, opts...)...)
	typed, err := producer.NewTyped(ctx, p, producer.Spec[*personKey, *person]{Topic: "people",
		Key:   &producer.Side{Schema: avroSchema(avroKeyPII), IDSource: registry.UseLatest(nil)},
		Value: producer.Side{Schema: avroSchema(personPII), IDSource: registry.UseLatest(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.ProduceSync(ctx, &personKey{ID: "k1", SSN: keySecret}, &person{Name: "kid", SSN: valueSecret, Pin: 4321, Age: 7})
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, c, p, "people-dlq")
}

// wantRedactedKey checks that r's key is the key's JSON form with field
// ssnName redacted and idName as sent (encoding/json's names for a Go
// struct key, as for values).
func wantRedactedKey(t *testing.T, r *kgo.Record, idName, ssnName string) {
	t.Helper()
	noLeak(t, r, keySecret, valueSecret)
	if len(leaks(r, keySecret)) > 0 {
		return
	}
	if got := jsonField(t, r.Key, ssnName); got != producer.RedactedValue {
		t.Errorf("key %s = %v, want %s (key %q)", ssnName, got, producer.RedactedValue, r.Key)
	}
	if got := jsonField(t, r.Key, idName); got != "k1" {
		t.Errorf("key %s = %v, want k1 (key %q)", idName, got, r.Key)
	}
	wantHeader(t, r, producer.HeaderDLTKeyEncoding, "json")
}

// The key subject has an ENCRYPT rule of its own (and no other rule, so
// its bound contract enforces nothing); the value's has none. The dead
// letter's key is redacted, not the serialized key copied as is (and the
// value's field tagged PII too: both sides' rules apply to both).
func TestDLQKeyRedactedAvro(t *testing.T) {
	r := avroKeyDeadLetter(t, false, &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}})
	wantRedactedKey(t, r, "ID", "SSN")
}

// The key subject has no rules; the value's ENCRYPT rule names the tag the
// key's field carries. As Java's DlqAction redacts the original key with
// the failing rule's rule list, the key is redacted.
func TestDLQKeyRedactedByValueRules(t *testing.T) {
	r := avroKeyDeadLetter(t, true, nil)
	wantRedactedKey(t, r, "ID", "SSN")
}

// Neither subject has an ENCRYPT rule: the key is the serialized key, as
// before, with no key-encoding header.
func TestDLQKeyNoEncryptRuleSerialized(t *testing.T) {
	r := avroKeyDeadLetter(t, false, nil)
	if len(r.Key) == 0 || r.Key[0] != 0 || !bytes.Contains(r.Key, []byte(keySecret)) {
		t.Errorf("key %q, want the framed Avro key", r.Key)
	}
	if got := header(r, producer.HeaderDLTKeyEncoding); len(got) != 0 {
		t.Errorf("key encoding %q, want none", got)
	}
}

const jsonKeyPII = `{"type":"object","properties":{
"id":{"type":"string"},
"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["id","ssn"]}`

// jsonKeyProducer builds a typed producer of JSON keys K (jsonKeyPII, with
// keyRules) and personJSON values (DLQ rule, ENCRYPT rule), no registry.
func jsonKeyProducer[K any](t *testing.T, c *kfake.Cluster, keyRules *serde.RuleSet, opts ...producer.Opt) (*producer.Producer, *producer.Typed[K, map[string]any]) {
	t.Helper()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule(), encryptRule("PII")}}
	p := newProducer(t, c, opts...)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[K, map[string]any]{
		Topic:  "people",
		Key:    &producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: jsonKeyPII, RuleSet: keyRules}}, ID: 2},
		Value:  producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: personJSON, RuleSet: rules}}, ID: 1},
		Reject: producer.DeadLetter("people.dlt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, typed
}

var kid = map[string]any{"name": "kid", "ssn": valueSecret, "age": 7}

// JSON Schema key, a map: redacted.
func TestDLQKeyRedactedJSON(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt"))
	p, typed := jsonKeyProducer[map[string]any](t, c, nil)
	_, err := typed.ProduceSync(context.Background(), map[string]any{"id": "k1", "ssn": keySecret}, kid)
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	wantRedactedKey(t, oneDeadLetter(t, c, p, "people-dlq"), "id", "ssn")
}

// JSON Schema key given as raw JSON text ([]byte): redacted.
func TestDLQRawKeyRedactedJSON(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt"))
	p, typed := jsonKeyProducer[[]byte](t, c, nil)
	_, err := typed.ProduceSync(context.Background(), []byte(`{"id":"k1","ssn":"`+keySecret+`"}`), kid)
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	wantRedactedKey(t, oneDeadLetter(t, c, p, "people-dlq"), "id", "ssn")
}

// A raw JSON key that fails its own DLQ rule: the key goes in the
// schemagen.dlt.key header, redacted there.
func TestDLQFailedRawKeyHeaderRedacted(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt", "keys-dlq"))
	keyRules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "hasID", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.id != ''", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "keys-dlq"}},
		encryptRule("PII"),
	}}
	p, typed := jsonKeyProducer[[]byte](t, c, keyRules)
	adult := map[string]any{"name": "grown", "ssn": valueSecret, "age": 40}
	_, err := typed.ProduceSync(context.Background(), []byte(`{"id":"","ssn":"`+keySecret+`"}`), adult)
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "keys-dlq")
	noLeak(t, r, keySecret, valueSecret)
	hk := header(r, producer.HeaderDLTKey)
	if len(hk) != 1 {
		t.Fatalf("key header %q", hk)
	}
	if got := jsonField(t, []byte(hk[0]), "ssn"); got != producer.RedactedValue {
		t.Errorf("key header ssn = %v (header %q)", got, hk[0])
	}
}

const protoKey = `syntax = "proto3";
package acme.v1;
message UserKey {
  string id = 1;
  string home_email = 2;
}
`

// Protobuf key, tagged in its metadata, with its own ENCRYPT rule; the
// key's JSON form is protojson.
func TestDLQKeyRedactedProtobuf(t *testing.T) {
	ctx := context.Background()
	kc, err := protobuf.Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: protoKey,
		RuleSet:  &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}},
		Metadata: &serde.Metadata{Tags: map[string][]string{"acme.v1.UserKey.home_email": {"PII"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule()}}
	p := newProducer(t, c)
	typed, err := producer.NewTyped(ctx, p, producer.Spec[*dynamicpb.Message, map[string]any]{
		Topic: "people",
		Key:   &producer.Side{Schema: producer.SchemaSource{Compiled: kc}, ID: 2},
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: personJSON, RuleSet: rules}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	k := dynamicpb.NewMessage(kc.Message())
	k.Set(kc.Message().Fields().ByName("id"), protoreflect.ValueOfString("k1"))
	k.Set(kc.Message().Fields().ByName("home_email"), protoreflect.ValueOfString(keySecret))
	if _, err := typed.ProduceSync(ctx, k, map[string]any{"name": "kid", "ssn": "x", "age": 7}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "people-dlq")
	noLeak(t, r, keySecret)
	if got := jsonField(t, r.Key, "homeEmail"); got != producer.RedactedValue {
		t.Errorf("key homeEmail = %v (key %q)", got, r.Key)
	}
	wantHeader(t, r, producer.HeaderDLTKeyEncoding, "json")
}

// ---- Raw values --------------------------------------------------------

// rawJSONDeadLetter sends a raw JSON value that breaks personJSON's DLQ
// rule (with an ENCRYPT rule of type encryptType) and returns the dead
// letter.
func rawJSONDeadLetter(t *testing.T, encryptType string, opts ...producer.Opt) *kgo.Record {
	t.Helper()
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	enc := encryptRule("PII")
	enc.Type = encryptType
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule(), enc}}
	p := newProducer(t, c, opts...)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, []byte]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: personJSON, RuleSet: rules}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.ProduceSync(context.Background(), nil, []byte(`{"name":"kid","ssn":"`+valueSecret+`","age":7}`))
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, c, p, "people-dlq")
}

// JSON Schema value given as raw JSON text: the DLQ rule's dead letter is
// the redacted JSON form, not the bytes as given.
func TestDLQRawValueRedactedJSON(t *testing.T) {
	r := rawJSONDeadLetter(t, "ENCRYPT")
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "json")
	if got := jsonField(t, r.Value, "ssn"); got != producer.RedactedValue {
		t.Errorf("ssn = %v (value %q)", got, r.Value)
	}
	if got := jsonField(t, r.Value, "name"); got != "kid" {
		t.Errorf("name = %v (value %q)", got, r.Value)
	}
}

// rawValueDeadLetter sends raw as a []byte value of schema c (with an
// ENCRYPT rule on PII): a type error for Avro and Protobuf, so the
// DeadLetter policy's dead letter.
func rawValueDeadLetter(t *testing.T, c serde.Compiled, raw []byte, opts ...producer.Opt) *kgo.Record {
	t.Helper()
	kc := cluster(t, kfake.SeedTopics(1, "people", "people.dlt"))
	p := newProducer(t, kc, opts...)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, []byte]{
		Topic:  "people",
		Value:  producer.Side{Schema: producer.SchemaSource{Compiled: c}, ID: 1},
		Reject: producer.DeadLetter("people.dlt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, raw); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, kc, p, "people.dlt")
}

func avroPersonPII(t *testing.T) *avro.Compiled {
	t.Helper()
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: personPII,
		RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Avro, a []byte value holding the value's bare Avro encoding: decoded
// with the schema and written as its redacted JSON form.
func TestDLQRawValueRedactedAvro(t *testing.T) {
	c := avroPersonPII(t)
	raw, err := c.AppendEncode(nil, &person{Name: "kid", SSN: valueSecret, Pin: 4321, Age: 7})
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, c, raw)
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "json")
	if got := jsonField(t, r.Value, "ssn"); got != producer.RedactedValue {
		t.Errorf("ssn = %v (value %q)", got, r.Value)
	}
	if got := jsonField(t, r.Value, "name"); got != "kid" {
		t.Errorf("name = %v (value %q)", got, r.Value)
	}
}

// Avro, a []byte value that is not the schema's encoding (JSON text here):
// it cannot be read, so no payload is written.
func TestDLQRawValueUnparsedAvro(t *testing.T) {
	r := rawValueDeadLetter(t, avroPersonPII(t), []byte(`{"name":"kid","ssn":"`+valueSecret+`","pin":1,"age":7}`))
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "none")
	if r.Value != nil {
		t.Errorf("value %q, want none", r.Value)
	}
}

const protoUser = `syntax = "proto3";
package acme.v1;
message User {
  string home_email = 1;
  string nick = 2;
  int32 age = 3;
}
`

// Protobuf, a []byte value holding the message's wire encoding: decoded
// and written as redacted protojson.
func TestDLQRawValueRedactedProtobuf(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protoUser,
		RuleSet:  &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}},
		Metadata: &serde.Metadata{Tags: map[string][]string{"acme.v1.User.home_email": {"PII"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	m.Set(pc.Message().Fields().ByName("home_email"), protoreflect.ValueOfString(valueSecret))
	m.Set(pc.Message().Fields().ByName("nick"), protoreflect.ValueOfString("kiddo"))
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, pc, raw)
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "json")
	if got := jsonField(t, r.Value, "homeEmail"); got != producer.RedactedValue {
		t.Errorf("homeEmail = %v (value %q)", got, r.Value)
	}
	if got := jsonField(t, r.Value, "nick"); got != "kiddo" {
		t.Errorf("nick = %v (value %q)", got, r.Value)
	}
}

// ---- Registered metadata -------------------------------------------------

// personUntagged is personPII without inline tags: ssn is tagged PII by the
// registered schema's metadata alone.
const personUntagged = `{"type":"record","name":"Person","namespace":"test","fields":[
{"name":"name","type":"string"},
{"name":"ssn","type":"string"},
{"name":"pin","type":"int"},
{"name":"age","type":"int"}]}`

// The registered schema's metadata tags ssn; the local schema has no
// metadata. Redaction uses the registered metadata, as the contract does.
func TestDLQRedactsRegisteredMetadataTags(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule(), encryptRule("PII")}}
	md := &serde.Metadata{Tags: map[string][]string{"test.Person.ssn": {"PII"}}}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: personUntagged, RuleSet: rules, Metadata: md}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c, producer.Registry(rc))
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *person]{Topic: "people",
		Value: producer.Side{Schema: avroSchema(personUntagged), IDSource: registry.UseLatest(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(ctx, nil, &person{Name: "kid", SSN: valueSecret, Pin: 4321, Age: 7}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "people-dlq")
	noLeak(t, r, valueSecret)
	if got := jsonField(t, r.Value, "SSN"); got != producer.RedactedValue {
		t.Errorf("SSN = %v (value %q)", got, r.Value)
	}
}

// ---- dlq.redact.rule.types -------------------------------------------------

// Negative control: with no redacted rule types (Java's
// dlq.redact.rule.types set empty) the dead letters carry the plaintext,
// raw value as given, serialized key as is, and the leak detector sees it.
func TestDLQRedactRuleTypesNoneLeaks(t *testing.T) {
	r := rawJSONDeadLetter(t, "ENCRYPT", producer.DeadLetterRedactRuleTypes())
	if where := leaks(r, valueSecret); len(where) != 1 || where[0] != "value" {
		t.Errorf("raw value: plaintext in %v, want [value] (value %q)", where, r.Value)
	}
	wantHeader(t, r, producer.HeaderDLTEncoding, "raw")

	r = avroKeyDeadLetter(t, true, &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}}, producer.DeadLetterRedactRuleTypes(" , "))
	if where := leaks(r, keySecret); len(where) != 1 || where[0] != "key" {
		t.Errorf("key: plaintext in %v, want [key] (key %q)", where, r.Key)
	}
	if where := leaks(r, valueSecret); len(where) != 1 || where[0] != "value" {
		t.Errorf("value: plaintext in %v, want [value] (value %q)", where, r.Value)
	}
	if got := header(r, producer.HeaderDLTKeyEncoding); len(got) != 0 {
		t.Errorf("key encoding %q, want none", got)
	}
}

// Other rule types: a rule of a type named in the setting redacts (names
// trimmed, a comma-separated list as Java's), and ENCRYPT, no longer named,
// does not.
func TestDLQRedactRuleTypesCustom(t *testing.T) {
	r := rawJSONDeadLetter(t, "MASK", producer.DeadLetterRedactRuleTypes("TOKENIZE, mask"))
	noLeak(t, r, valueSecret)
	if got := jsonField(t, r.Value, "ssn"); got != producer.RedactedValue {
		t.Errorf("ssn = %v (value %q)", got, r.Value)
	}
	// Under the default types a MASK rule redacts nothing.
	r = rawJSONDeadLetter(t, "MASK")
	if where := leaks(r, valueSecret); len(where) == 0 {
		t.Errorf("MASK under the default types: no plaintext (value %q)", r.Value)
	}
	r = rawJSONDeadLetter(t, "ENCRYPT", producer.DeadLetterRedactRuleTypes("MASK"))
	if where := leaks(r, valueSecret); len(where) == 0 {
		t.Errorf("ENCRYPT when only MASK is redacted: no plaintext (value %q)", r.Value)
	}
}

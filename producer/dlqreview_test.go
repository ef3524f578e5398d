package producer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Review findings on dead-letter redaction: rules with no tags, map keys
// that a stringified path cannot carry, and Go structs whose JSON names are
// not the schema's.

// jsonDeadLetter sends v, which breaks the DLQ rule "adult", as a value of
// the JSON Schema schema with the rules adult and extra, and returns its
// dead letter.
func jsonDeadLetter(t *testing.T, schema string, v map[string]any, extra ...serde.Rule) *kgo.Record {
	t.Helper()
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	rules := &serde.RuleSet{DomainRules: append([]serde.Rule{adultRule()}, extra...)}
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: schema, RuleSet: rules}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, v); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, c, p, "people-dlq")
}

// wantPayload fails t unless r carries a JSON payload.
func wantPayload(t *testing.T, r *kgo.Record) {
	t.Helper()
	if r.Value == nil {
		t.Fatalf("no payload: encoding %q error %q", header(r, producer.HeaderDLTEncoding), header(r, producer.HeaderDLTEncodeError))
	}
	wantHeader(t, r, producer.HeaderDLTEncoding, "json")
}

// ---- Rules with no tags ----------------------------------------------------

// As Java (an empty ruleTags selects every field), an ENCRYPT rule with no
// tags redacts every string field; others keep their value.
func TestDLQUntaggedEncryptRuleJSON(t *testing.T) {
	r := jsonDeadLetter(t, personJSON, map[string]any{"name": "kid", "ssn": valueSecret, "age": 7}, encryptRule())
	noLeak(t, r, valueSecret, "kid")
	wantPayload(t, r)
	for _, f := range []string{"name", "ssn"} {
		if got := jsonField(t, r.Value, f); got != producer.RedactedValue {
			t.Errorf("%s = %v (value %q)", f, got, r.Value)
		}
	}
	if got := jsonField(t, r.Value, "age"); got != float64(7) {
		t.Errorf("age = %v (value %q)", got, r.Value)
	}
}

// A tagged rule does not narrow an untagged one: with both, every string
// field is redacted.
func TestDLQUntaggedAndTaggedEncryptRules(t *testing.T) {
	payload := encryptRule()
	payload.Name, payload.Type = "encryptAll", "ENCRYPT_PAYLOAD"
	r := jsonDeadLetter(t, personJSON, map[string]any{"name": "kid", "ssn": valueSecret, "age": 7}, encryptRule("PII"), payload)
	noLeak(t, r, valueSecret, "kid")
	wantPayload(t, r)
}

// A disabled untagged rule counts too, as disabled rules always have
// (DlqAction reads the rule list).
func TestDLQUntaggedDisabledEncryptRule(t *testing.T) {
	enc := encryptRule()
	enc.Disabled = true
	r := jsonDeadLetter(t, personJSON, map[string]any{"name": "kid", "ssn": valueSecret, "age": 7}, enc)
	noLeak(t, r, valueSecret, "kid")
}

// Avro, a Go struct: the untagged rule redacts name and ssn, keeps pin and
// age; the payload keeps encoding/json's names.
func TestDLQUntaggedEncryptRuleAvro(t *testing.T) {
	m := dlqPayload(t, encryptRule())
	want := map[string]any{"Name": producer.RedactedValue, "SSN": producer.RedactedValue, "Pin": float64(4321), "Age": float64(7)}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (payload %v)", k, m[k], v, m)
		}
	}
}

// Protobuf, a raw value, no tags anywhere: every string field redacted.
func TestDLQUntaggedEncryptRuleProtobuf(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protoUser,
		RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{encryptRule()}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	m.Set(pc.Message().Fields().ByName("home_email"), protoreflect.ValueOfString(valueSecret))
	m.Set(pc.Message().Fields().ByName("nick"), protoreflect.ValueOfString("kiddo"))
	m.Set(pc.Message().Fields().ByName("age"), protoreflect.ValueOfInt32(7))
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, pc, raw)
	noLeak(t, r, valueSecret, "kiddo")
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "age"); got != float64(7) {
		t.Errorf("age = %v (value %q)", got, r.Value)
	}
}

// A key that fails its own DLQ rule, under an untagged ENCRYPT rule: the
// schemagen.dlt.key header has every string field redacted.
func TestDLQFailedKeyHeaderUntaggedRule(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt", "keys-dlq"))
	keyRules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "hasID", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.id == 'ok'", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "keys-dlq"}},
		encryptRule(),
	}}
	p, typed := jsonKeyProducer[map[string]any](t, c, keyRules)
	adult := map[string]any{"name": "grown", "ssn": valueSecret, "age": 40}
	_, err := typed.ProduceSync(context.Background(), map[string]any{"id": "k-secret-id", "ssn": keySecret}, adult)
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "keys-dlq")
	noLeak(t, r, keySecret, valueSecret, "k-secret-id")
	hk := header(r, producer.HeaderDLTKey)
	if len(hk) != 1 {
		t.Fatalf("key header %q", hk)
	}
	if got := jsonField(t, []byte(hk[0]), "id"); got != producer.RedactedValue {
		t.Errorf("key header id = %v (header %q)", got, hk[0])
	}
}

// ---- Map keys --------------------------------------------------------------

// A tagged map entry whose key holds the path syntax's characters: the
// entry is redacted, in place, and the payload is written.
func TestDLQMapKeyWithDot(t *testing.T) {
	const schema = `{"type":"object","properties":{
"age":{"type":"integer"},
"m":{"type":"object","additionalProperties":{"type":"string"},"confluent:tags":["PII"]}}}`
	keys := []string{"alice@example.com", "a.b", `a"b`, "]", `["`, `\`, "x[0]", `["a.b"]`, ""}
	m := map[string]any{}
	for _, k := range keys {
		m[k] = valueSecret
	}
	r := jsonDeadLetter(t, schema, map[string]any{"age": 7, "m": m}, encryptRule("PII"))
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	got, _ := jsonField(t, r.Value, "m").(map[string]any)
	if len(got) != len(keys) {
		t.Fatalf("m = %v", got)
	}
	for _, k := range keys {
		if got[k] != producer.RedactedValue {
			t.Errorf("m[%q] = %v", k, got[k])
		}
	}
}

// A value whose map keys make the tagged entry's path read as another
// place that exists: the tagged entry is redacted, and the decoy (not
// tagged) is not.
func TestDLQMapKeyPathConfusion(t *testing.T) {
	const schema = `{"type":"object","properties":{
"age":{"type":"integer"},
"m":{"type":"object","additionalProperties":{"type":"object","properties":{"s":{"type":"string","confluent:tags":["PII"]}}}}}}`
	v := map[string]any{"age": 7, "m": map[string]any{
		"a.b": map[string]any{"s": valueSecret},
		`["a`: map[string]any{`b"]`: map[string]any{"s": "decoy"}},
	}}
	r := jsonDeadLetter(t, schema, v, encryptRule("PII"))
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if !strings.Contains(string(r.Value), `"decoy"`) {
		t.Errorf("the untagged decoy was redacted too: %q", r.Value)
	}
}

// A JSON Schema property whose name holds '.' and '[': found as it is.
func TestDLQPropertyNameWithPathSyntax(t *testing.T) {
	const schema = `{"type":"object","properties":{
"age":{"type":"integer"},
"a.b[0]":{"type":"string","confluent:tags":["PII"]},
"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"string"}}}}}}`
	v := map[string]any{"age": 7, "a.b[0]": valueSecret, "a": map[string]any{"b": []any{"decoy"}}}
	r := jsonDeadLetter(t, schema, v, encryptRule("PII"))
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "a.b[0]"); got != producer.RedactedValue {
		t.Errorf("a.b[0] = %v (value %q)", got, r.Value)
	}
}

const protoAttrs = `syntax = "proto3";
package acme.v1;
message User {
  map<string, string> attrs = 1;
  int32 age = 2;
}
`

// Protobuf, a tagged map whose keys hold '.', '"' and ']'.
func TestDLQProtobufMapKeyWithDot(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protoAttrs,
		RuleSet:  &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}},
		Metadata: &serde.Metadata{Tags: map[string][]string{"acme.v1.User.attrs": {"PII"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	fd := pc.Message().Fields().ByName("attrs")
	mp := m.Mutable(fd).Map()
	for _, k := range []string{"alice@example.com", `a"].b`} {
		mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(valueSecret))
	}
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, pc, raw)
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
}

// ---- Go structs whose JSON names are not the schema's --------------------

const avroSnake = `{"type":"record","name":"P","namespace":"test","fields":[
{"name":"home_email","type":"string","confluent:tags":["PII"]},
{"name":"age","type":"int"}]}`

// generated-style: only avro tags.
type snake struct {
	HomeEmail string `avro:"home_email"`
	Age       int    `avro:"age"`
}

func avroDeadLetter[V any](t *testing.T, schema string, v V) *kgo.Record {
	t.Helper()
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	rules := &serde.RuleSet{DomainRules: []serde.Rule{adultRule(), encryptRule("PII")}}
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, V]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: schema, RuleSet: rules}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, v); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, c, p, "people-dlq")
}

// A snake_case Avro name (home_email) on a Go field HomeEmail: the dead
// letter has its payload, home_email redacted.
func TestDLQAvroSnakeCaseStruct(t *testing.T) {
	r := avroDeadLetter(t, avroSnake, &snake{HomeEmail: valueSecret, Age: 7})
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	got := jsonField(t, r.Value, "HomeEmail")
	if got == nil {
		got = jsonField(t, r.Value, "home_email")
	}
	if got != producer.RedactedValue {
		t.Errorf("home_email = %v (value %q)", got, r.Value)
	}
}

const avroSwap = `{"type":"record","name":"P","namespace":"test","fields":[
{"name":"ssn","type":"string","confluent:tags":["PII"]},
{"name":"nick","type":"string"},
{"name":"age","type":"int"}]}`

// Go names that are the other field's Avro name, up to case: Nick holds
// ssn. Guessing by name redacted Ssn (nick's value) and wrote the secret.
type swapped struct {
	Nick string `avro:"ssn"`
	Ssn  string `avro:"nick"`
	Age  int    `avro:"age"`
}

func TestDLQAvroStructNameSwap(t *testing.T) {
	r := avroDeadLetter(t, avroSwap, &swapped{Nick: valueSecret, Ssn: "kiddo", Age: 7})
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if !strings.Contains(string(r.Value), `"kiddo"`) {
		t.Errorf("value %q: the untagged field was redacted", r.Value)
	}
}

// Two Go fields whose names differ only in case, one of them tagged.
type cased struct {
	SSN string `avro:"ssn"`
	Ssn string `avro:"nick"`
	Age int    `avro:"age"`
}

func TestDLQAvroStructCaseCollision(t *testing.T) {
	r := avroDeadLetter(t, avroSwap, &cased{SSN: valueSecret, Ssn: "kiddo", Age: 7})
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
}

// ---- Headers ---------------------------------------------------------------

// A value that cannot be redacted (it breaks its schema's format): the
// payload-error header says so without the value (the validation error's
// own text, schemagen.dlt.error, is the format package's).
func TestDLQRedactionErrorHeaderNoPlaintext(t *testing.T) {
	const schema = `{"type":"object","properties":{"age":{"type":"integer"},
"ssn":{"type":"string","format":"email","confluent:tags":["PII"]}}}`
	c := cluster(t, kfake.SeedTopics(1, "people", "people.dlt"))
	rules := &serde.RuleSet{DomainRules: []serde.Rule{encryptRule("PII")}}
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic:  "people",
		Value:  producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: schema, RuleSet: rules}}, ID: 1},
		Reject: producer.DeadLetter("people.dlt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, map[string]any{"age": 7, "ssn": valueSecret}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "people.dlt")
	wantHeader(t, r, producer.HeaderDLTEncoding, "none")
	for _, h := range []string{producer.HeaderDLTEncodeError, producer.HeaderDLTKey, producer.HeaderDLTKeyError} {
		for _, v := range header(r, h) {
			if strings.Contains(v, valueSecret) {
				t.Errorf("header %s carries the plaintext: %q", h, v)
			}
		}
	}
	if r.Value != nil {
		t.Errorf("value %q", r.Value)
	}
}

const avroUnions = `{"type":"record","name":"P","namespace":"test","fields":[
{"name":"email","type":["null","string"],"confluent:tags":["PII"]},
{"name":"alt","type":["null","string","long"],"confluent:tags":["PII"]},
{"name":"attrs","type":{"type":"map","values":["null","string"]},"confluent:tags":["PII"]},
{"name":"list","type":{"type":"array","items":"string"},"confluent:tags":["PII"]},
{"name":"blob","type":"bytes","confluent:tags":["PII"]},
{"name":"nick","type":["null","string"]},
{"name":"age","type":"int"}]}`

type unions struct {
	Email *string        `avro:"email"`
	Alt   any            `avro:"alt"`
	Attrs map[string]any `avro:"attrs"`
	List  []string       `avro:"list"`
	Blob  []byte         `avro:"blob"`
	Nick  *string        `avro:"nick"`
	Age   int            `avro:"age"`
}

// Avro unions, maps (a key with '.'), arrays and bytes, as a Go struct and
// as a generic map: every tagged member redacted, the untagged one kept.
func TestDLQAvroUnionsMapsLists(t *testing.T) {
	s, nick := valueSecret, "kiddo"
	for name, v := range map[string]any{
		"struct": &unions{Email: &s, Attrs: map[string]any{"a.b": s, "n": nil}, List: []string{s}, Blob: []byte(s), Nick: &nick, Age: 7},
		"map": map[string]any{"email": s, "alt": map[string]any{"string": s}, "attrs": map[string]any{"a.b": s},
			"list": []any{s}, "blob": []byte(s), "nick": nick, "age": 7},
	} {
		t.Run(name, func(t *testing.T) {
			r := avroDeadLetter(t, avroUnions, v)
			noLeak(t, r, valueSecret)
			wantPayload(t, r)
			if !strings.Contains(string(r.Value), `"kiddo"`) {
				t.Errorf("value %q: the untagged nick was redacted", r.Value)
			}
		})
	}
}

// Protobuf under an untagged rule, a proto3 string left empty: protojson
// leaves it out, and the payload is written, the set strings redacted.
func TestDLQUntaggedEncryptRuleProtobufEmptyField(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protoUser,
		RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{encryptRule()}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	m.Set(pc.Message().Fields().ByName("home_email"), protoreflect.ValueOfString(valueSecret))
	m.Set(pc.Message().Fields().ByName("age"), protoreflect.ValueOfInt32(7))
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, pc, raw)
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "homeEmail"); got != producer.RedactedValue {
		t.Errorf("homeEmail = %v (value %q)", got, r.Value)
	}
}

package producer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// personPII tags ssn (a string) and pin (an int) PII inline.
const personPII = `{"type":"record","name":"Person","namespace":"test","fields":[
{"name":"name","type":"string"},
{"name":"ssn","type":"string","confluent:tags":["PII"]},
{"name":"pin","type":"int","confluent:tags":["PII"]},
{"name":"age","type":"int"}]}`

// person has no json tags: the dead-letter payload is encoding/json's
// (Name, SSN, Pin, Age), which redaction must still find.
type person struct {
	Name string `avro:"name"`
	SSN  string `avro:"ssn"`
	Pin  int    `avro:"pin"`
	Age  int    `avro:"age"`
}

// dlqPayload registers personPII with rules, sends a person that breaks the
// DLQ rule "adult" and returns the dead letter's value decoded.
func dlqPayload(t *testing.T, extra ...serde.Rule) map[string]any {
	t.Helper()
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: append([]serde.Rule{
		{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}},
	}, extra...)}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: personPII, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c, producer.Registry(rc))
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *person]{Topic: "people", Value: producer.Side{Schema: avroSchema(personPII), IDSource: registry.UseLatest(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.ProduceSync(ctx, nil, &person{Name: "kid", SSN: "078-05-1120", Pin: 4321, Age: 7})
	var de *contract.DLQError
	if !errors.As(err, &de) || de.Rule.Name != "adult" {
		t.Fatalf("DLQ rule: %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	dlq := consumeAll(t, c, "people-dlq")
	if len(dlq) != 1 {
		t.Fatalf("%d records on people-dlq, want 1", len(dlq))
	}
	if got := header(dlq[0], producer.HeaderDLTEncoding); len(got) != 1 || got[0] != "json" {
		t.Fatalf("payload encoding %q, error %q", got, header(dlq[0], producer.HeaderDLTEncodeError))
	}
	var m map[string]any
	if err := json.Unmarshal(dlq[0].Value, &m); err != nil {
		t.Fatalf("dead-letter value %q: %v", dlq[0].Value, err)
	}
	return m
}

func encryptRule(tags ...string) serde.Rule {
	return serde.Rule{Name: "encryptPII", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT", Tags: tags,
		Params: map[string]string{"encrypt.kek.name": "kek1"}}
}

// Issue 10: as Java's DlqAction (dlq.redact.rule.types ENCRYPT,
// ENCRYPT_PAYLOAD; FieldRedactionExecutor), a dead letter carries
// "<REDACTED>" for the string fields an ENCRYPT rule's tags select; a
// tagged int keeps its value, untagged fields are untouched.
func TestDLQRedactsEncryptTagged(t *testing.T) {
	m := dlqPayload(t, encryptRule("PII"))
	want := map[string]any{"Name": "kid", "SSN": producer.RedactedValue, "Pin": float64(4321), "Age": float64(7)}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (payload %v)", k, m[k], v, m)
		}
	}
}

// Without an ENCRYPT rule the dead letter is the value as it was.
func TestDLQNoEncryptRuleUnredacted(t *testing.T) {
	m := dlqPayload(t)
	if m["SSN"] != "078-05-1120" {
		t.Errorf("SSN = %v, want the plaintext (payload %v)", m["SSN"], m)
	}
}

// Negative control: an ENCRYPT rule whose tags select no field redacts
// nothing, so the redaction above comes from the tag match.
func TestDLQEncryptOtherTagUnredacted(t *testing.T) {
	m := dlqPayload(t, encryptRule("SECRET"))
	if m["SSN"] != "078-05-1120" {
		t.Errorf("SSN = %v, want the plaintext (payload %v)", m["SSN"], m)
	}
}

// personJSON tags ssn PII inline (JSON Schema's confluent:tags).
const personJSON = `{"type":"object","properties":{
"name":{"type":"string"},
"ssn":{"type":"string","confluent:tags":["PII"]},
"age":{"type":"integer"}},"required":["name","ssn","age"]}`

func jsonPersonProducer(t *testing.T, c *kfake.Cluster) (*producer.Producer, *producer.Typed[[]byte, map[string]any]) {
	t.Helper()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}},
		encryptRule("PII"),
	}}
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic:  "people",
		Value:  producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: personJSON, RuleSet: rules}}, ID: 1},
		Reject: producer.DeadLetter("people.dlt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, typed
}

// JSON Schema, pinned ID, the rule set in the local schema: the DLQ rule's
// dead letter carries ssn redacted.
func TestDLQRedactsJSONSchema(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt"))
	p, typed := jsonPersonProducer(t, c)
	ctx := context.Background()
	_, err := typed.ProduceSync(ctx, nil, map[string]any{"name": "kid", "ssn": "078-05-1120", "age": 7})
	var de *contract.DLQError
	if !errors.As(err, &de) {
		t.Fatalf("DLQ rule: %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	dlq := consumeAll(t, c, "people-dlq")
	if len(dlq) != 1 {
		t.Fatalf("%d records on people-dlq, want 1", len(dlq))
	}
	var m map[string]any
	if err := json.Unmarshal(dlq[0].Value, &m); err != nil {
		t.Fatal(err)
	}
	if m["ssn"] != producer.RedactedValue || m["name"] != "kid" || m["age"] != float64(7) {
		t.Errorf("dead letter %v, want ssn redacted and the rest as sent", m)
	}
}

// A value that breaks its types (no rule runs, so its tagged fields cannot
// be found) goes to the policy's dead-letter topic without a payload
// rather than with the plaintext: schemagen's own choice (Java never
// dead-letters a type error), stated in docs/CONTRACTS.md.
func TestDLQTypeErrorUnderEncryptNoPlaintext(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq", "people.dlt"))
	p, typed := jsonPersonProducer(t, c)
	ctx := context.Background()
	_, err := typed.ProduceSync(ctx, nil, map[string]any{"name": "kid", "ssn": "078-05-1120", "age": "seven"})
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	dlt := consumeAll(t, c, "people.dlt")
	if len(dlt) != 1 {
		t.Fatalf("%d records on people.dlt, want 1", len(dlt))
	}
	if dlt[0].Value != nil {
		t.Errorf("dead letter value %q, want none", dlt[0].Value)
	}
	if got := header(dlt[0], producer.HeaderDLTEncoding); len(got) != 1 || got[0] != "none" {
		t.Errorf("payload encoding %q", got)
	}
	for _, h := range dlt[0].Headers {
		if bytes.Contains(h.Value, []byte("078-05-1120")) {
			t.Errorf("header %s carries the plaintext: %q", h.Key, h.Value)
		}
	}
}

// Protobuf, metadata tags, a dynamic message: the dead letter is
// protojson (field home_email appears as homeEmail), redacted there.
func TestDLQRedactsProtobuf(t *testing.T) {
	const text = `syntax = "proto3";
package acme.v1;
message User {
  string home_email = 1;
  string nick = 2;
  int32 age = 3;
}
`
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}},
		encryptRule("PII"),
	}}
	md := &serde.Metadata{Tags: map[string][]string{"acme.v1.User.home_email": {"PII"}}}
	ctx := context.Background()
	pc, err := protobuf.Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: text, RuleSet: rules, Metadata: md}, nil, protobuf.MessageName("acme.v1.User"))
	if err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *dynamicpb.Message]{
		Topic: "people", Value: producer.Side{Schema: producer.SchemaSource{Compiled: pc}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	fs := pc.Message().Fields()
	m.Set(fs.ByName("home_email"), protoreflect.ValueOfString("kid@example.com"))
	m.Set(fs.ByName("nick"), protoreflect.ValueOfString("kiddo"))
	m.Set(fs.ByName("age"), protoreflect.ValueOfInt32(7))
	_, err = typed.ProduceSync(ctx, nil, m)
	var de *contract.DLQError
	if !errors.As(err, &de) {
		t.Fatalf("DLQ rule: %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	dlq := consumeAll(t, c, "people-dlq")
	if len(dlq) != 1 {
		t.Fatalf("%d records on people-dlq, want 1", len(dlq))
	}
	var got map[string]any
	if err := json.Unmarshal(dlq[0].Value, &got); err != nil {
		t.Fatalf("dead letter %q: %v", dlq[0].Value, err)
	}
	if got["homeEmail"] != producer.RedactedValue || got["nick"] != "kiddo" {
		t.Errorf("dead letter %v, want homeEmail redacted, nick as sent", got)
	}
}

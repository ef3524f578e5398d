package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
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

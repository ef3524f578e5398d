package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// combinedSchemas put a PII-tagged ssn where the JSON rule walk used to
// miss it: in a second allOf branch, in the oneOf branch the value
// validates against (not the first), in an anyOf branch, next to allOf,
// and in a oneOf nested in a $ref'd allOf.
var combinedSchemas = map[string]string{
	"allOf": `{"type":"object","properties":{"age":{"type":"integer"},"c":{"allOf":[
		{"type":"object","properties":{"id":{"type":"string"}}},
		{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}]}}}`,
	"oneOf": `{"type":"object","properties":{"age":{"type":"integer"},"c":{"oneOf":[
		{"type":"object","properties":{"id":{"type":"string"}},"required":["id","x"]},
		{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn"]}]}}}`,
	"anyOf": `{"type":"object","properties":{"age":{"type":"integer"},"c":{"anyOf":[
		{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]},
		{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn"]}]}}}`,
	"sibling": `{"type":"object","properties":{"age":{"type":"integer"},"c":{"type":"object",
		"properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},
		"allOf":[{"type":"object","properties":{"id":{"type":"string"}}}]}}}`,
	"ref": `{"type":"object","properties":{"age":{"type":"integer"},"c":{"$ref":"#/$defs/C"}},"$defs":{
		"C":{"allOf":[{"type":"object","properties":{"id":{"type":"string"}}},{"oneOf":[
			{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]},
			{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},"required":["ssn"]}]}]}}}`,
}

func combinedProducer(t *testing.T, c *kfake.Cluster, schema string, rules ...serde.Rule) *producer.Typed[[]byte, map[string]any] {
	t.Helper()
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: schema,
			RuleSet: &serde.RuleSet{DomainRules: rules}}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Flush(context.Background()) })
	return typed
}

// A CEL_FIELD rule on PII fields sees the tagged field wherever the value
// takes it: an ERROR rule refuses the record, nothing reaches the topic.
func TestCombinedFieldRuleRefuses(t *testing.T) {
	rule := serde.Rule{Name: "ssnShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
		Expr: "value.matches('^[0-9]{9}$')"}
	for name, schema := range combinedSchemas {
		t.Run(name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "people"))
			typed := combinedProducer(t, c, schema, rule)
			_, err := typed.ProduceSync(context.Background(), nil, map[string]any{"age": 30, "c": map[string]any{"ssn": valueSecret}})
			vs := serde.Violations(err)
			if !errors.Is(err, serde.ErrRule) || len(vs) != 1 || vs[0].Path != "c.ssn" || vs[0].Rule != "ssnShape" {
				t.Fatalf("err = %v, want one ssnShape violation at c.ssn", err)
			}
			if recs := consumeAll(t, c, "people"); len(recs) != 0 {
				t.Errorf("%d records reached the topic", len(recs))
			}
		})
	}
}

// The same rule with onFailure DLQ dead-letters the record, and with an
// ENCRYPT rule tagging PII the dead letter carries ssn redacted.
func TestCombinedFieldRuleDeadLetterRedacted(t *testing.T) {
	rule := serde.Rule{Name: "ssnShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
		Expr: "value.matches('^[0-9]{9}$')", OnFailure: "DLQ", Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}}
	for name, schema := range combinedSchemas {
		t.Run(name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
			typed := combinedProducer(t, c, schema, rule, encryptRule("PII"))
			v := map[string]any{"age": 30, "c": map[string]any{"ssn": valueSecret}}
			if name == "anyOf" || name == "allOf" {
				v["c"].(map[string]any)["id"] = "x" // both branches validate
			}
			_, err := typed.ProduceSync(context.Background(), nil, v)
			var de *contract.DLQError
			if !errors.As(err, &de) || de.Rule.Name != "ssnShape" {
				t.Fatalf("err = %v, want the ssnShape DLQ violation", err)
			}
			p := typed.Producer()
			r := oneDeadLetter(t, c, p, "people-dlq")
			noLeak(t, r, valueSecret)
			var m map[string]any
			if err := json.Unmarshal(r.Value, &m); err != nil {
				t.Fatalf("dead letter %q: %v", r.Value, err)
			}
			cm, _ := m["c"].(map[string]any)
			if cm["ssn"] != producer.RedactedValue || m["age"] != float64(30) {
				t.Errorf("dead letter %v, want c.ssn redacted and age as sent", m)
			}
			if recs := consumeAll(t, c, "people"); len(recs) != 0 {
				t.Errorf("%d records reached the topic", len(recs))
			}
		})
	}
}

// A record dead-lettered by a message-level rule has the tagged field in
// the second allOf branch (and the other combinator places) redacted.
func TestCombinedDeadLetterRedactsTagged(t *testing.T) {
	for name, schema := range combinedSchemas {
		t.Run(name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
			typed := combinedProducer(t, c, schema, adultRule(), encryptRule("PII"))
			_, err := typed.ProduceSync(context.Background(), nil, map[string]any{"age": 7, "c": map[string]any{"ssn": valueSecret}})
			if !errors.Is(err, producer.ErrRejected) {
				t.Fatalf("err = %v", err)
			}
			r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
			noLeak(t, r, valueSecret)
			if r.Value == nil {
				t.Errorf("no payload: encoding %q error %q", header(r, producer.HeaderDLTEncoding), header(r, producer.HeaderDLTEncodeError))
			}
		})
	}
}

package producer_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

// A CEL_FIELD DLQ rule whose evaluation errs: cel-go's error text quoted
// the tagged value and landed in the dead letter's headers (and the error
// Produce returns), though the payload redacted it. No longer.
func TestDLQCELErrorNotInHeaders(t *testing.T) {
	schema := `{"type":"object","properties":{"age":{"type":"integer"},"ssn":{"type":"string","confluent:tags":["PII"]}}}`
	for _, expr := range []string{"timestamp(value) > timestamp('2000-01-01T00:00:00Z')", "{'a': true}[value]"} {
		c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
		rule := serde.Rule{Name: "ssnShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: expr, OnFailure: "DLQ", Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}}
		typed := combinedProducer(t, c, schema, rule, encryptRule("PII"))
		_, err := typed.ProduceSync(context.Background(), nil, map[string]any{"age": 30, "ssn": valueSecret})
		t.Logf("Produce error: %v", err)
		r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
		t.Logf("dead letter value %s; leaks in %v", r.Value, leaks(r, valueSecret))
		noLeak(t, r, valueSecret)
	}
}

package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
)

// A value nesting deeper than serde/contract's walk cap (1000) in a
// recursive schema: the redaction walk never reached the PII field, and
// the dead letter carried it in plaintext; now the record is refused.
func TestDLQDeepTaggedFieldDoesNotLeak(t *testing.T) {
	schema := `{"type":"object","properties":{"age":{"type":"integer"},"ssn":{"type":"string","confluent:tags":["PII"]},"next":{"$ref":"#"}}}`
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	typed := combinedProducer(t, c, schema, adultRule(), encryptRule("PII"))
	raw := `{"age":7,"next":` + strings.Repeat(`{"next":`, 1100) + `{"ssn":"` + valueSecret + `"}` + strings.Repeat(`}`, 1101)
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	_, err := typed.ProduceSync(context.Background(), nil, v)
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %.200v", err)
	}
	r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
	t.Logf("dead letter: %d bytes, leaks in %v", len(r.Value), leaks(r, valueSecret))
	noLeak(t, r, valueSecret)
}

package producer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// A record that breaks the rule set registered with its schema never
// reaches the topic; the caller gets ErrRule with the rule's name.
func TestContractFromRegistry(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}}}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people"))
	p := newProducer(t, c, producer.Registry(rc))
	// The local schema carries no rules: the registered ones apply.
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "people", Value: avroSerde(userV1), Source: registry.UseLatest(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(ctx, nil, &user{Name: "ann", Age: 30}); err != nil {
		t.Fatal(err)
	}
	_, err = typed.ProduceSync(ctx, nil, &user{Name: "kid", Age: 7})
	vs := serde.Violations(err)
	if !errors.Is(err, serde.ErrRule) || !errors.Is(err, producer.ErrRejected) || len(vs) != 1 || vs[0].Rule != "adult" || vs[0].Subject != "people-value" {
		t.Fatalf("err = %v", err)
	}
	if recs := consumeAll(t, c, "people"); len(recs) != 1 {
		t.Fatalf("%d records on the topic, want 1", len(recs))
	}
}

// A rule that does not compile fails NewTyped, naming the rule.
func TestContractBindFails(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "broken", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >"}}}
	if _, err := rc.Register(ctx, "broken-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "broken"))
	p := newProducer(t, c, producer.Registry(rc))
	_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "broken", Value: avroSerde(userV1), Source: registry.UseLatest(nil)})
	var ce *contract.CompileError
	if !errors.As(err, &ce) || ce.Rule != "broken" || !errors.Is(err, producer.ErrSchemaBinding) {
		t.Fatalf("err = %v", err)
	}
}

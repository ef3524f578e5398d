package kotel_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kotel"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	_ "github.com/schemagen/schemagen/serde/contract" // the rule engine
)

// A data-contract rule's counts reach OpenTelemetry.
func TestRuleMetrics(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	meter := &fakeMeter{}
	if _, err := kotel.RegisterMetrics(meter, p); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "positive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL",
		Expr: "message > 0 ; true"}}}
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
		Topic: "t",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"long"`, RuleSet: rules}, Compile: avro.Compiler}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{1, 2, -1} {
		if _, err := typed.ProduceSync(ctx, nil, v); err != nil {
			t.Fatal(err)
		}
	}
	o := &observer{got: map[string]int64{}}
	if err := meter.callback(ctx, o); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{kotel.RuleExecutions: 2, kotel.RuleSuccesses: 2, kotel.RuleFailures: 0, kotel.RuleSkips: 1} {
		if v, ok := o.got[name]; !ok || v != want {
			t.Errorf("%s = %d (present %v), want %d", name, v, ok, want)
		}
	}
}

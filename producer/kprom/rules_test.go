package kprom_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kprom"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	_ "github.com/schemagen/schemagen/serde/contract" // the rule engine
)

// A data-contract rule's counts reach Prometheus, labelled by rule.
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
	reg := prometheus.NewRegistry()
	if err := reg.Register(kprom.NewCollector("app", p)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "positive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message > 0"}}}
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
		Topic: "t",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"long"`, RuleSet: rules}, Compile: avro.Compiler}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{1, 2} {
		if _, err := typed.ProduceSync(ctx, nil, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := typed.ProduceSync(ctx, nil, int64(-1)); err == nil {
		t.Fatal("a record breaking the rule was sent")
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "rule" && l.GetValue() == "positive" {
					got[mf.GetName()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	for name, want := range map[string]float64{"app_rule_executions_total": 3, "app_rule_successes_total": 2, "app_rule_failures_total": 1, "app_rule_skips_total": 0} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v; have %v", name, v, ok, want, got)
		}
	}
}

// Two typed producers for one topic and subject, whose rule sets hold two
// rules of one name, give one label set per metric: Gather succeeds and
// the counts are summed.
func TestRuleMetricsDuplicates(t *testing.T) {
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
	reg := prometheus.NewRegistry()
	if err := reg.Register(kprom.NewCollector("app", p)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "positive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message > 0"},
		{Name: "positive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message < 100"},
	}}
	spec := producer.Spec[[]byte, any]{
		Topic: "t",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"long"`, RuleSet: rules}, Compile: avro.Compiler}, ID: 1},
	}
	for range 2 {
		typed, err := producer.NewTyped(ctx, p, spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := typed.ProduceSync(ctx, nil, int64(5)); err != nil {
			t.Fatal(err)
		}
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "app_rule_executions_total" {
			continue
		}
		if ms := mf.GetMetric(); len(ms) != 1 || ms[0].GetCounter().GetValue() != 4 {
			t.Fatalf("%s = %v, want one series of 4", mf.GetName(), ms)
		}
		return
	}
	t.Fatal("no app_rule_executions_total")
}

package producer

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// counter is a Contract counting one fixed set of stats.
type counter []serde.RuleStats

func (counter) Check(any, []byte) error    { return nil }
func (c counter) Stats() []serde.RuleStats { return c }

func counted(t *testing.T, topic, subject string, c counter) *serde.Serializer {
	t.Helper()
	comp, err := avro.Compiler(context.Background(), serde.Schema{Format: serde.Avro, Text: `"long"`}, serde.MapResolver{})
	if err != nil {
		t.Fatal(err)
	}
	ser, err := serde.NewSerializer(comp, serde.SerializerConfig{Topic: topic, Subject: subject, ID: 1, Role: serde.Value, Contract: c})
	if err != nil {
		t.Fatal(err)
	}
	return ser
}

// Two contracts for one subject, or two rules of one name, give one
// RuleMetrics with the counts summed.
func TestRuleSourcesSum(t *testing.T) {
	var r ruleSources
	a := counted(t, "t", "t-value", counter{{Name: "r", Executions: 2, Successes: 1, Failures: 1}, {Name: "r", Executions: 1, Skips: 1}})
	b := counted(t, "t", "t-value", counter{{Name: "r", Executions: 3, Successes: 3}})
	o := counted(t, "u", "u-value", counter{{Name: "r", Executions: 5, Successes: 5}})
	r.track(a)
	r.track(b)
	r.track(o)
	got := r.snapshot()
	want := []RuleMetrics{
		{Topic: "t", Subject: "t-value", Rule: "r", Executions: 6, Successes: 4, Failures: 1, Skips: 1},
		{Topic: "u", Subject: "u-value", Rule: "r", Executions: 5, Successes: 5},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("snapshot = %+v, want %+v", got, want)
	}
	runtime.KeepAlive([]*serde.Serializer{a, b, o})
}

// Binding again and again does not grow the sources: a collected
// serializer's counts are folded in and its source dropped, and the
// totals stay.
func TestRuleSourcesRetire(t *testing.T) {
	var r ruleSources
	const n = 50
	for range n {
		r.track(counted(t, "t", "t-value", counter{{Name: "r", Executions: 1, Successes: 1}}))
	}
	keep := counted(t, "t", "t-value", counter{{Name: "r", Executions: 1, Failures: 1}})
	r.track(keep)
	deadline := time.Now().Add(10 * time.Second)
	for r.sources() > 1 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := r.sources(); got != 1 {
		t.Fatalf("%d sources after the serializers were dropped, want 1", got)
	}
	want := RuleMetrics{Topic: "t", Subject: "t-value", Rule: "r", Executions: n + 1, Successes: n, Failures: 1}
	if got := r.snapshot(); len(got) != 1 || got[0] != want {
		t.Fatalf("snapshot = %+v, want [%+v]", got, want)
	}
	runtime.KeepAlive(keep)
}

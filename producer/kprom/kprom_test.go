package kprom_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	fkprom "github.com/twmb/franz-go/plugin/kprom"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kprom"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

func TestPrometheus(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg := prometheus.NewRegistry()
	m := fkprom.NewMetrics("app", fkprom.Registry(reg))
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...), kprom.Hooks(m))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if err := reg.Register(kprom.NewCollector("app", p)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
		Topic: "t",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"long"`}, Compile: avro.Compiler}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := typed.ProduceSync(ctx, nil, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := typed.Produce(ctx, nil, "not a long"); err == nil {
		t.Fatal("invalid value accepted")
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		var sum float64
		for _, m := range mf.GetMetric() {
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			}
		}
		got[mf.GetName()] = sum
	}
	tests := []struct {
		name    string
		want    float64
		atLeast bool
	}{
		{name: "app_records_sent_total", want: 5},
		{name: "app_records_rejected_total", want: 1},
		{name: "app_records_failed_total", want: 0},
		{name: "app_bytes_sent_total", want: 30}, // 5 x (5-byte frame + 1-byte long)
		{name: "app_buffered_records", want: 0},
		// franz-go's kprom, fed by the hooks.
		{name: "app_write_bytes_total", want: 1, atLeast: true},
		{name: "app_connects_total", want: 1, atLeast: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := got[tt.name]
			if !ok || (v != tt.want && !(tt.atLeast && v >= tt.want)) {
				t.Errorf("%s = %v (present %v), want %v; have %v", tt.name, v, ok, tt.want, got)
			}
		})
	}
}

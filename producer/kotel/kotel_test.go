package kotel_test

import (
	"context"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	fkotel "github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kotel"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// fakeMeter records the instruments it creates and the callback, so the
// test can collect like an SDK would.
type fakeMeter struct {
	noop.Meter
	mu       sync.Mutex
	callback metric.Callback
}

type named struct {
	noop.Int64ObservableCounter
	name string
}

func (m *fakeMeter) Int64ObservableCounter(name string, _ ...metric.Int64ObservableCounterOption) (metric.Int64ObservableCounter, error) {
	return &named{name: name}, nil
}

type namedGauge struct {
	noop.Int64ObservableGauge
	name string
}

func (m *fakeMeter) Int64ObservableGauge(name string, _ ...metric.Int64ObservableGaugeOption) (metric.Int64ObservableGauge, error) {
	return &namedGauge{name: name}, nil
}

func (m *fakeMeter) RegisterCallback(f metric.Callback, _ ...metric.Observable) (metric.Registration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.callback = f
	return noop.Registration{}, nil
}

type observer struct {
	embedded.Observer
	got map[string]int64
}

func (o *observer) ObserveFloat64(metric.Float64Observable, float64, ...metric.ObserveOption) {}
func (o *observer) ObserveInt64(inst metric.Int64Observable, v int64, _ ...metric.ObserveOption) {
	switch i := inst.(type) {
	case *named:
		o.got[i.name] = v
	case *namedGauge:
		o.got[i.name] = v
	}
}

func TestOpenTelemetry(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	k := fkotel.NewKotel(fkotel.WithMeter(fkotel.NewMeter(fkotel.MeterProvider(noop.NewMeterProvider()))))
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...), kotel.Hooks(k))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	meter := &fakeMeter{}
	if _, err := kotel.RegisterMetrics(meter, p); err != nil {
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
	for i := range 3 {
		if _, err := typed.ProduceSync(ctx, nil, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = typed.Produce(ctx, nil, "x")
	o := &observer{got: map[string]int64{}}
	if err := meter.callback(ctx, o); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want int64
	}{
		{kotel.RecordsSent, 3},
		{kotel.RecordsRejected, 1},
		{kotel.RecordsFailed, 0},
		{kotel.BytesSent, 18},
		{kotel.BufferedRecords, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, ok := o.got[tt.name]; !ok || v != tt.want {
				t.Errorf("%s = %d (present %v), want %d", tt.name, v, ok, tt.want)
			}
		})
	}
}

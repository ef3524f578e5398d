package kotel_test

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
	fkotel "github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kotel"
)

// Wire a producer to OpenTelemetry: franz-go's client metrics through its
// kotel plugin, schemagen's counters through RegisterMetrics. Use your
// SDK's MeterProvider where this uses the no-op one.
func ExampleRegisterMetrics() {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()

	provider := noop.NewMeterProvider()
	k := fkotel.NewKotel(fkotel.WithMeter(fkotel.NewMeter(fkotel.MeterProvider(provider))))
	p, err := producer.New(producer.SeedBrokers(cluster.ListenAddrs()...), kotel.Hooks(k))
	if err != nil {
		panic(err)
	}
	defer p.Close(context.Background())

	reg, err := kotel.RegisterMetrics(provider.Meter("shop"), p)
	if err != nil {
		panic(err)
	}
	defer reg.Unregister()
	fmt.Println("instruments:", kotel.RecordsSent, kotel.RecordsRejected)
	// Output:
	// instruments: schemagen.producer.records.sent schemagen.producer.records.rejected
}

package kprom_test

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	fkprom "github.com/twmb/franz-go/plugin/kprom"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/producer/kprom"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

func ExampleNewCollector() {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()

	reg := prometheus.NewRegistry()
	p, err := producer.New(producer.SeedBrokers(cluster.ListenAddrs()...), kprom.Hooks(fkprom.NewMetrics("shop", fkprom.Registry(reg))))
	if err != nil {
		panic(err)
	}
	defer p.Close(context.Background())
	reg.MustRegister(kprom.NewCollector("shop", p))

	ctx := context.Background()
	events, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
		Topic: "events",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"long"`}, Compile: avro.Compiler}, ID: 1}, // pinned: no registry in this example
	})
	if err != nil {
		panic(err)
	}
	for i := range 3 {
		if _, err := events.ProduceSync(ctx, nil, int64(i)); err != nil {
			panic(err)
		}
	}
	_, err = events.Produce(ctx, nil, "not a long")
	fmt.Println("rejected:", err != nil)

	mfs, err := reg.Gather()
	if err != nil {
		panic(err)
	}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "shop_records_sent_total", "shop_records_rejected_total":
			fmt.Println(mf.GetName(), mf.GetMetric()[0].GetCounter().GetValue())
		}
	}
	// Output:
	// rejected: true
	// shop_records_rejected_total 1
	// shop_records_sent_total 3
}

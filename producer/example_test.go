package producer_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// Payment is what generated code for the schema below looks like.
type Payment struct {
	ID     string `avro:"id"`
	Amount int64  `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"shop",
 "fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`

func Example() {
	// An in-process 3-broker Kafka cluster.
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(3, "payments"))
	if err != nil {
		panic(err)
	}
	defer c.Close()

	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...), producer.LowLatency())
	if err != nil {
		panic(err)
	}
	defer p.Close(context.Background())

	ctx := context.Background()
	// Offline: the schema ID is pinned. With producer.Registry, it is
	// looked up (or registered) at construction instead.
	payments, err := producer.NewTyped(ctx, p, producer.Spec[string, *Payment]{
		Topic: "payments",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: paymentSchema}, Compile: avro.Compiler}, ID: 7},
	})
	if err != nil {
		panic(err)
	}

	md, err := payments.ProduceSync(ctx, "order-1", &Payment{ID: "pay-1", Amount: 1250})
	if err != nil {
		panic(err)
	}
	fmt.Printf("sent to %s, offset %d, schema id %d, %d value bytes\n", md.Topic, md.Offset, md.ValueSchemaID, md.ValueSize)

	// A value that does not fit never reaches Kafka.
	_, err = payments.Produce(ctx, "order-2", nil)
	var verr *serde.ValidationError
	fmt.Println(errors.Is(err, producer.ErrRejected), errors.As(err, &verr) && verr.Subject == "payments-value")
	fmt.Println("rejected:", p.Metrics().RecordsRejected)
	// Output:
	// sent to payments, offset 0, schema id 7, 13 value bytes
	// true true
	// rejected: 1
}

func ExampleDeadLetter() {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "payments", "payments.dlt"))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		panic(err)
	}
	defer p.Close(context.Background())

	ctx := context.Background()
	payments, err := producer.NewTyped(ctx, p, producer.Spec[string, any]{
		Topic:  "payments",
		Value:  producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: paymentSchema}, Compile: avro.Compiler}, ID: 7},
		Reject: producer.DeadLetter("payments.dlt"),
	})
	if err != nil {
		panic(err)
	}
	f, err := payments.Produce(ctx, "order-3", map[string]any{"id": "pay-3", "amount": "ten"})
	fmt.Println("rejected:", err != nil)
	_, err = f.Get(ctx)
	var rerr *producer.RejectError
	if errors.As(err, &rerr) && rerr.DeadLetter != nil {
		fmt.Println("dead letter at", rerr.DeadLetter.Topic, rerr.DeadLetter.Offset)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("payments.dlt"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	r := cl.PollFetches(ctx).Records()[0]
	for _, h := range r.Headers {
		switch h.Key {
		case producer.HeaderDLTPath, producer.HeaderDLTRule, producer.HeaderDLTSubject, producer.HeaderDLTSchemaID:
			fmt.Printf("%s: %s\n", h.Key, h.Value)
		}
	}
	fmt.Printf("payload: %s\n", r.Value)
	// Output:
	// rejected: true
	// dead letter at payments.dlt 0
	// schemagen.dlt.subject: payments-value
	// schemagen.dlt.schema-id: 7
	// schemagen.dlt.path: amount
	// schemagen.dlt.rule: wrong type
	// payload: {"amount":"ten","id":"pay-3"}
}

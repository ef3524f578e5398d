package main

import (
	"context"
	"fmt"
	"log"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"

	"example.com/shop/gen/users"
)

func main() {
	ctx := context.Background()
	reg, err := registry.New(registry.URLs("http://127.0.0.1:8081"))
	check(err)
	p, err := producer.New(producer.SeedBrokers("127.0.0.1:9092"), producer.Registry(reg))
	check(err)
	defer p.Close(ctx)

	// Produce: the schema's ID is looked up once; a value the schema
	// forbids never leaves the process.
	up, err := users.NewUserProducer[string](ctx, p)
	check(err)
	name := "Ada"
	md, err := up.ProduceSync(ctx, "user-1", &users.User{ID: 1, Email: "ada@example.com", Name: &name})
	check(err)
	fmt.Printf("produced %s[%d]@%d\n", md.Topic, md.Partition, md.Offset)

	// Read back: the decoder fetches the writer's schema by the record's
	// schema ID and decodes into the generated type.
	dec, err := users.NewUserDecoder(ctx, reg)
	check(err)
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:9092"), kgo.ConsumeTopics("users"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	check(err)
	defer cl.Close()
	fetches := cl.PollRecords(ctx, 1)
	check(fetches.Err())
	u, err := dec.Decode(ctx, fetches.Records()[0])
	check(err)
	fmt.Printf("read back user %d <%s>\n", u.ID, u.Email)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// Command oneformat produces through one generated Avro package.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/schemas/gen/orders"
)

func main() {
	ctx := context.Background()
	p, err := producer.New(producer.SeedBrokers(os.Args[1:]...))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer p.Close(ctx)
	if _, err := orders.NewOrderProducer[string](ctx, p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

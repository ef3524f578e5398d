// Command schemagen generates typed Kafka producers from Avro, Protobuf and
// JSON Schema schemas and manages their schema lifecycle: init, generate,
// register, check, fetch, config, dev, registry, produce, consume, version
// and completion. Run schemagen help; docs/cli.md describes each.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

package cli

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// dev creates a topic on a client's first produce to it, even for a
// franz-go client that does not ask for auto-creation (as the library
// producer does not), with the registry on a file or on Kafka.
func TestDevAutoCreatesTopics(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "file store"},
		{name: "kafka store", args: []string{"--kafka-store"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokers, _, stop := startDev(t, tt.args...)
			defer stop()
			kc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("first-use"))
			if err != nil {
				t.Fatal(err)
			}
			defer kc.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := kc.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr(); err != nil {
				t.Fatalf("produce to a new topic on dev: %v", err)
			}
		})
	}
}

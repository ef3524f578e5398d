package producer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// MaxRecordBytes refuses a record over it, on its serialized and framed
// bytes, with a typed error from Produce and the Future; one at the limit
// is sent.
func TestMaxRecordBytes(t *testing.T) {
	// An Avro string of 100 bytes: 5 bytes of framing, a 2-byte length,
	// the text; key "k"; the batch overhead 61+6*10.
	const size = 61 + 60 + 1 + 5 + 2 + 100
	for _, tt := range []struct {
		name  string
		limit int
		sent  bool
	}{
		{name: "at the limit", limit: size, sent: true},
		{name: "one byte over", limit: size - 1},
		{name: "no limit", limit: 0, sent: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "t"))
			p := newProducer(t, c, producer.MaxRecordBytes(tt.limit))
			ctx := context.Background()
			typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{Topic: "t",
				Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `"string"`}, Compile: avro.Compiler}, ID: 1}})
			if err != nil {
				t.Fatal(err)
			}
			f, err := typed.Produce(ctx, []byte("k"), strings.Repeat("x", 100))
			_, ferr := f.Get(ctx)
			if tt.sent {
				if err != nil || ferr != nil {
					t.Fatalf("Produce %v, future %v", err, ferr)
				}
				return
			}
			var te *producer.RecordTooLargeError
			if !errors.As(err, &te) || te.Size != size || te.Max != tt.limit || !errors.Is(err, producer.ErrRecordTooLarge) {
				t.Fatalf("Produce err = %v, want a RecordTooLargeError of %d over %d", err, size, tt.limit)
			}
			if !errors.Is(ferr, producer.ErrRecordTooLarge) {
				t.Fatalf("future err = %v", ferr)
			}
			if m := p.Metrics(); m.RecordsFailed != 1 || m.RecordsSent != 0 {
				t.Fatalf("metrics %+v", m)
			}
			if recs := consumeAll(t, c, "t"); len(recs) != 0 {
				t.Fatalf("%d records on the topic", len(recs))
			}
		})
	}
	if _, err := producer.New(producer.SeedBrokers("127.0.0.1:1"), producer.MaxRecordBytes(-1)); !errors.Is(err, producer.ErrInvalidOption) {
		t.Fatalf("negative limit: %v", err)
	}
}

// Command bench produces the same Avro records to a real Kafka broker with
// schemagen's typed producer and with confluent-kafka-go v2's producer
// (librdkafka, cgo) and its avrov2 serializer, with the same acks,
// idempotence, linger, batch size, buffer limit and compression, and
// reports records per second for each and their ratio. Both serializers
// register their schema in one schemagen embedded registry, started
// in-process on 127.0.0.1.
//
//	bash tests/interop/kafka.sh start
//	cd bench && go run . -brokers 127.0.0.1:19092
//
// See docs/perf/interop.md for recorded results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	csr "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/server"
	"github.com/schemagen/schemagen/serde"
)

const orderSchema = `{"type":"record","name":"Order","namespace":"bench","fields":[
 {"name":"id","type":"string"},{"name":"seq","type":"long"},{"name":"amount","type":"double"},
 {"name":"tags","type":{"type":"array","items":"string"}}]}`

// Order is what generated code for orderSchema looks like.
type Order struct {
	ID     string   `avro:"id"`
	Seq    int64    `avro:"seq"`
	Amount float64  `avro:"amount"`
	Tags   []string `avro:"tags"`
}

var parsed = avro.MustParse(orderSchema)

// Schema gives confluent-kafka-go's avrov2 serializer the parsed schema,
// its fast path (otherwise it derives a schema from the struct by
// reflection for every record).
func (*Order) Schema() avro.Schema { return parsed }

type settings struct {
	brokers     []string
	n           int
	linger      time.Duration
	batchBytes  int
	maxBuffered int
	compression string
}

func main() {
	var (
		brokers = flag.String("brokers", "127.0.0.1:19092", "bootstrap brokers")
		n       = flag.Int("n", 300_000, "records per run")
		rounds  = flag.Int("rounds", 5, "runs per client, interleaved")
		linger  = flag.Duration("linger", 5*time.Millisecond, "linger (both clients)")
		batch   = flag.Int("batch-bytes", 64<<10, "max batch bytes (both clients)")
		buf     = flag.Int("max-buffered", 100_000, "max buffered records (both clients)")
		codec   = flag.String("compression", "lz4", "compression codec (both clients)")
	)
	flag.Parse()
	s := settings{strings.Split(*brokers, ","), *n, *linger, *batch, *buf, *codec}
	if err := run(s, *rounds); err != nil {
		log.Fatal(err)
	}
}

func run(s settings, rounds int) error {
	ctx := context.Background()
	srv, err := server.New()
	if err != nil {
		return err
	}
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l)
	url := "http://" + l.Addr().String()

	records := make([]Order, 10_000)
	for i := range records {
		records[i] = Order{ID: fmt.Sprintf("order-%08d", i), Seq: int64(i), Amount: float64(i) / 4, Tags: []string{"a", "bb", "ccc"}[:i%4]}
	}

	_, lv := kafka.LibraryVersion()
	fmt.Printf("bench: %d records per run, %d rounds, acks=all, idempotence on, linger %v, batch %d bytes, buffer %d records, compression %s\n",
		s.n, rounds, s.linger, s.batchBytes, s.maxBuffered, s.compression)
	fmt.Printf("bench: confluent-kafka-go v2 with librdkafka %s; schemagen producer on franz-go\n", lv)

	var sg, cf, raw []float64
	for r := range rounds {
		// One topic per client and round; all three share the subject
		// name strategy, so each topic gets its own subject.
		ts := make([]string, 3)
		for i := range ts {
			ts[i] = fmt.Sprintf("bench-%d-%d-%d", time.Now().UnixNano(), r, i)
		}
		if err := createTopics(ctx, s.brokers, ts...); err != nil {
			return err
		}
		a, err := runSchemagen(ctx, s, url, ts[0], records)
		if err != nil {
			return fmt.Errorf("schemagen: %w", err)
		}
		b, err := runConfluent(s, url, ts[1], records, false)
		if err != nil {
			return fmt.Errorf("confluent-kafka-go: %w", err)
		}
		c, err := runConfluent(s, url, ts[2], records, true)
		if err != nil {
			return fmt.Errorf("confluent-kafka-go (pre-serialized): %w", err)
		}
		fmt.Printf("round %d: schemagen %8.0f records/s   confluent-kafka-go+avrov2 %8.0f records/s   (librdkafka alone, pre-serialized: %8.0f records/s)\n", r+1, a, b, c)
		sg, cf, raw = append(sg, a), append(cf, b), append(raw, c)
	}
	ma, mb, mc := median(sg), median(cf), median(raw)
	fmt.Printf("median:  schemagen %8.0f records/s   confluent-kafka-go+avrov2 %8.0f records/s   (librdkafka alone: %8.0f records/s)\n", ma, mb, mc)
	fmt.Printf("ratio:   schemagen / confluent-kafka-go+avrov2 = %.2f\n", ma/mb)
	return nil
}

func median(xs []float64) float64 {
	ys := slices.Clone(xs)
	slices.Sort(ys)
	return ys[len(ys)/2]
}

func createTopics(ctx context.Context, brokers []string, topics ...string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).CreateTopics(ctx, 3, 1, nil, topics...)
	if err != nil {
		return err
	}
	return resp.Error()
}

// runSchemagen produces s.n records with a typed producer and returns
// records per second, from the first Produce to the last acknowledgement.
func runSchemagen(ctx context.Context, s settings, url, topic string, records []Order) (float64, error) {
	rc, err := registry.New(registry.URLs(url))
	if err != nil {
		return 0, err
	}
	codec, err := producer.ParseCodec(s.compression)
	if err != nil {
		return 0, err
	}
	p, err := producer.New(producer.SeedBrokers(s.brokers...), producer.Registry(rc),
		producer.Acks(producer.AcksAll), producer.Idempotence(true), producer.Linger(s.linger),
		producer.MaxBatchBytes(int32(s.batchBytes)), producer.Compression(codec),
		producer.MaxBufferedRecords(s.maxBuffered))
	if err != nil {
		return 0, err
	}
	defer p.Close(ctx)
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *Order]{
		Topic: topic,
		Value: producer.Side{
			Schema:   producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: orderSchema}},
			IDSource: registry.AutoRegister(),
		},
	})
	if err != nil {
		return 0, err
	}
	var failed error
	start := time.Now()
	for i := range s.n {
		if err := typed.ProduceFunc(ctx, nil, &records[i%len(records)], func(_ producer.RecordMetadata, err error) {
			if err != nil && failed == nil {
				failed = err
			}
		}); err != nil {
			return 0, err
		}
	}
	if err := p.Flush(ctx); err != nil {
		return 0, err
	}
	el := time.Since(start)
	if m := p.Metrics(); m.RecordsSent != int64(s.n) || failed != nil {
		return 0, fmt.Errorf("%d of %d acknowledged: %v", m.RecordsSent, s.n, failed)
	}
	return float64(s.n) / el.Seconds(), nil
}

// runConfluent produces s.n records with confluent-kafka-go and its avrov2
// serializer and returns records per second, from the first Produce to the
// last delivery report.
//
// With pre set, the records are serialized before the clock starts and
// only the bytes are produced: librdkafka's transport alone.
func runConfluent(s settings, url, topic string, records []Order, pre bool) (float64, error) {
	sr, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	if err != nil {
		return 0, err
	}
	ser, err := avrov2.NewSerializer(sr, csr.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		return 0, err
	}
	var payloads [][]byte
	if pre {
		for i := range records {
			b, err := ser.Serialize(topic, &records[i])
			if err != nil {
				return 0, err
			}
			payloads = append(payloads, b)
		}
	}
	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers":            strings.Join(s.brokers, ","),
		"acks":                         "all",
		"enable.idempotence":           true,
		"linger.ms":                    int(s.linger / time.Millisecond),
		"batch.size":                   s.batchBytes,
		"compression.type":             s.compression,
		"queue.buffering.max.messages": s.maxBuffered,
		"go.logs.channel.enable":       false,
	})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	done := make(chan error, 1)
	go func() {
		acked := 0
		var first error
		for ev := range p.Events() {
			m, ok := ev.(*kafka.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil && first == nil {
				first = m.TopicPartition.Error
			}
			acked++
			if acked == s.n {
				done <- first
				return
			}
		}
	}()
	start := time.Now()
	for i := range s.n {
		var payload []byte
		if pre {
			payload = payloads[i%len(payloads)]
		} else if payload, err = ser.Serialize(topic, &records[i%len(records)]); err != nil {
			return 0, err
		}
		msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Value: payload}
		for {
			err := p.Produce(msg, nil)
			var kerr kafka.Error
			if errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull {
				time.Sleep(time.Millisecond) // the buffer is full: wait, as schemagen's Block policy does
				continue
			}
			if err != nil {
				return 0, err
			}
			break
		}
	}
	handedOver := time.Since(start)
	select {
	case err := <-done:
		if err != nil {
			return 0, err
		}
	case <-time.After(2 * time.Minute):
		return 0, errors.New("delivery reports did not arrive within 2m")
	}
	el := time.Since(start)
	if *verbose {
		fmt.Printf("  confluent-kafka-go: handed over in %v, last delivery report after %v\n", handedOver.Round(time.Millisecond), el.Round(time.Millisecond))
	}
	return float64(s.n) / el.Seconds(), nil
}

var verbose = flag.Bool("v", false, "print timings within each run")

func init() { log.SetFlags(0); log.SetOutput(os.Stderr) }

// Command demo is schemagen's end-to-end demo, what `make demo` runs: an
// embedded Kafka cluster (franz-go's kfake, 3 brokers) and schema registry
// (registry/server); the example schemas registered, references first;
// typed producers from the packages schemagen generated from schemas/
// (schemas/gen) for Avro, Protobuf and JSON Schema; invalid values rejected
// before they reach Kafka, with typed errors; every record consumed back and
// decoded with the schema the registry has for the ID in its frame.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/server"
	"github.com/schemagen/schemagen/schemas/gen/orders"
	"github.com/schemagen/schemagen/schemas/gen/payments"
	"github.com/schemagen/schemagen/schemas/gen/users"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
	"github.com/schemagen/schemagen/serde/protobuf"
)

func main() {
	n := flag.Int("n", 10000, "valid records to produce per topic")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "demo: -n must be at least 1")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, *n); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// topics are the topics of the example schemas in schemagen.yaml.
var topics = []string{"orders", "users", "payments"}

// summary is what the demo counted.
type summary struct {
	Produced, Rejected, Consumed, Decoded int
	WantRejected                          int
	ProduceTime, ConsumeTime              time.Duration
}

func (s summary) ok() bool {
	return s.Produced > 0 && s.Consumed == s.Produced && s.Decoded == s.Produced && s.Rejected == s.WantRejected
}

func run(ctx context.Context, out io.Writer, n int) error {
	// 1. The embedded broker and registry.
	cluster, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.DefaultNumPartitions(3), kfake.SeedTopics(3, topics...))
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	defer cluster.Close()
	url, stop, err := startRegistry()
	if err != nil {
		return err
	}
	defer stop()
	brokers := cluster.ListenAddrs()
	fmt.Fprintf(out, "kafka:    kfake, 3 brokers at %s\n", strings.Join(brokers, ","))
	fmt.Fprintf(out, "registry: %s (registry/server)\n", url)

	// 2. Register the example schemas, references first.
	cl, err := registry.New(registry.URLs(url))
	if err != nil {
		return err
	}
	if err := register(ctx, cl, out); err != nil {
		return err
	}

	// 3. Typed producers from the generated packages. Their specs name
	// references by name only; Bind pins them to the subjects registered
	// above and their latest versions.
	prod, err := producer.New(producer.SeedBrokers(brokers...), producer.Registry(cl), producer.Linger(5*time.Millisecond))
	if err != nil {
		return err
	}
	defer prod.Close(context.Background())
	tp, err := newProducers(ctx, prod)
	if err != nil {
		return err
	}

	// 4. Invalid values: rejected before the accumulator, with typed errors.
	fmt.Fprintln(out, "\ninvalid values, rejected before reaching Kafka:")
	rejects := tp.produceInvalid(ctx)
	sum := summary{WantRejected: len(rejects)}
	for _, err := range rejects {
		if !errors.Is(err, producer.ErrRejected) {
			return fmt.Errorf("an invalid value was not rejected: %v", err)
		}
		sum.Rejected++
		for _, v := range serde.Violations(err) {
			fmt.Fprintf(out, "  %s: %s: %s  [rule %q, subject %s, schema id %d]\n", v.Topic, fieldOrValue(v.Path), v.Reason, v.Err, v.Subject, v.SchemaID)
		}
	}

	// 5. Valid records.
	sink := &sink{}
	start := time.Now()
	for i := range n {
		if err := tp.produceValid(ctx, i, sink); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
	}
	if err := prod.Flush(ctx); err != nil {
		return err
	}
	sum.ProduceTime = time.Since(start)
	sum.Produced = int(sink.sent.Load())
	if sink.failed.Load() > 0 {
		return fmt.Errorf("%d records failed: %w", sink.failed.Load(), sink.firstErr)
	}

	// 6. Consume everything back and decode it with the schemas the
	// registry returns for the IDs in the frames.
	start = time.Now()
	sum.Consumed, sum.Decoded, err = consumeAndDecode(ctx, brokers, cl, sum.Produced, out)
	sum.ConsumeTime = time.Since(start)
	if err != nil {
		return err
	}
	printSummary(out, sum, len(topics))
	if !sum.ok() {
		return errors.New("counts do not match")
	}
	return nil
}

// startRegistry serves registry/server on a free loopback port.
func startRegistry() (url string, stop func(), err error) {
	reg, err := server.New()
	if err != nil {
		return "", nil, fmt.Errorf("registry: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		reg.Close()
		return "", nil, fmt.Errorf("registry: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- reg.Serve(l) }()
	return "http://" + l.Addr().String(), func() {
		reg.Close()
		<-served
	}, nil
}

// register registers the schemas the generated packages embed, each after
// the schemas it references, and prints what it registered.
func register(ctx context.Context, cl *registry.Client, out io.Writer) error {
	var named []registry.NamedSchema
	seen := map[string]bool{}
	for _, s := range []struct {
		subject string
		side    producer.Side
	}{
		{"orders-value", orders.OrderSide()},
		{"users-value", users.UserSide()},
		{"payments-value", payments.PaymentSide()},
	} {
		src := s.side.Schema
		for _, ref := range src.Local.References {
			if seen[ref.Name] {
				continue
			}
			seen[ref.Name] = true
			text, err := src.Resolver.Resolve(ctx, serde.Reference{Name: ref.Name})
			if err != nil {
				return err
			}
			named = append(named, registry.NamedSchema{Name: ref.Name, Schema: text})
		}
		named = append(named, registry.NamedSchema{Subject: s.subject, Schema: src.Local})
	}
	got, err := cl.RegisterAll(ctx, named, registry.Normalize())
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nregistered (references first):")
	for _, ss := range got {
		fmt.Fprintf(out, "  %-22s %-8s id %d\n", ss.Subject, strings.ToLower(string(ss.Schema.Format)), ss.ID)
	}
	return nil
}

// sink counts the outcomes of produced records.
type sink struct {
	sent, failed atomic.Int64
	mu           sync.Mutex
	firstErr     error
}

func (d *sink) done(_ producer.RecordMetadata, err error) {
	if err == nil {
		d.sent.Add(1)
		return
	}
	d.failed.Add(1)
	d.mu.Lock()
	if d.firstErr == nil {
		d.firstErr = err
	}
	d.mu.Unlock()
}

// producers produces through the generated packages.
type producers struct {
	orders   *producer.Typed[string, *orders.Order]
	users    *producer.Typed[string, *users.User]
	payments *producer.Typed[string, *payments.Payment]
}

func newProducers(ctx context.Context, p *producer.Producer) (*producers, error) {
	var (
		tp  producers
		err error
	)
	if tp.orders, err = orders.NewOrderProducer[string](ctx, p); err != nil {
		return nil, err
	}
	if tp.users, err = users.NewUserProducer[string](ctx, p); err != nil {
		return nil, err
	}
	if tp.payments, err = payments.NewPaymentProducer[string](ctx, p); err != nil {
		return nil, err
	}
	return &tp, nil
}

func (tp *producers) produceValid(ctx context.Context, i int, sink *sink) error {
	note := "gift wrap"
	o := &orders.Order{
		ID:       fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		Customer: fmt.Sprintf("customer-%d", i%100),
		Status:   orders.StatusPlaced,
		Quantity: int32(1 + i%5),
		Total:    orders.Money{Currency: "EUR", Cents: int64(999 + i)},
	}
	if i%10 == 0 {
		o.Note = &note
	}
	key := fmt.Sprint(i)
	if err := tp.orders.ProduceFunc(ctx, key, o, sink.done); err != nil {
		return err
	}
	u := &users.User{Id: int64(i), Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %d", i),
		Address: &users.Address{Street: "1 Main St", City: "Springfield", Country: "US"}}
	if err := tp.users.ProduceFunc(ctx, key, u, sink.done); err != nil {
		return err
	}
	methods := []payments.PaymentMethod{payments.PaymentMethodCard, payments.PaymentMethodTransfer, payments.PaymentMethodVoucher}
	pay := &payments.Payment{OrderID: o.ID, AmountCents: o.Total.Cents, Method: methods[i%3]}
	return tp.payments.ProduceFunc(ctx, key, pay, sink.done)
}

func (tp *producers) produceInvalid(ctx context.Context) []error {
	var errs []error
	_, err := tp.orders.Produce(ctx, "bad-1", &orders.Order{ID: "not-a-uuid", Customer: "c", Status: orders.StatusPaid, Quantity: 1, Total: orders.Money{Currency: "EUR", Cents: 1}})
	errs = append(errs, err)
	_, err = tp.orders.Produce(ctx, "bad-2", &orders.Order{ID: "00000000-0000-4000-8000-000000000000", Customer: "c", Status: orders.Status("LOST"), Quantity: 1})
	errs = append(errs, err)
	_, err = tp.users.Produce(ctx, "bad-3", &users.User{Id: 1, Email: "x@example.com", Name: "bad \xff utf-8"})
	errs = append(errs, err)
	_, err = tp.payments.Produce(ctx, "bad-4", &payments.Payment{OrderID: "o-1", AmountCents: 0, Method: payments.PaymentMethodCard})
	errs = append(errs, err)
	_, err = tp.payments.Produce(ctx, "bad-5", &payments.Payment{OrderID: "o-2", AmountCents: 5, Method: payments.PaymentMethod("cash")})
	errs = append(errs, err)
	return errs
}

func fieldOrValue(path string) string {
	if path == "" {
		return "(value)"
	}
	return path
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func printSummary(w io.Writer, s summary, topics int) {
	fmt.Fprintln(w, "\nsummary:")
	fmt.Fprintf(w, "  produced: %d records to %d topics in %s (%.0f records/s)\n", s.Produced, topics, s.ProduceTime.Round(time.Millisecond), rate(s.Produced, s.ProduceTime))
	fmt.Fprintf(w, "  rejected: %d invalid values (never sent)\n", s.Rejected)
	fmt.Fprintf(w, "  consumed: %d records in %s (%.0f records/s)\n", s.Consumed, s.ConsumeTime.Round(time.Millisecond), rate(s.Consumed, s.ConsumeTime))
	fmt.Fprintf(w, "  decoded:  %d records with schemas looked up by ID\n", s.Decoded)
	if s.ok() {
		fmt.Fprintln(w, "  result:   OK (produced = consumed = decoded; every invalid value rejected)")
	} else {
		fmt.Fprintln(w, "  result:   MISMATCH")
	}
}

// consumeAndDecode reads want records from the demo topics and decodes
// each with the schema its frame names.
func consumeAndDecode(ctx context.Context, brokers []string, cl *registry.Client, want int, out io.Writer) (consumed, decoded int, err error) {
	kc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topics...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return 0, 0, err
	}
	defer kc.Close()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cache := map[int]serde.Compiled{}
	shown := map[string]bool{}
	var firstErr error
	fmt.Fprintln(out, "\nconsumed back, decoded with the schema the registry has for the frame's ID (one per topic):")
	for consumed < want {
		fetches := kc.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return consumed, decoded, fmt.Errorf("consumed %d of %d records: %w", consumed, want, err)
		}
		fetches.EachError(func(t string, p int32, err error) {
			if firstErr == nil {
				firstErr = fmt.Errorf("fetch %s/%d: %w", t, p, err)
			}
		})
		if firstErr != nil {
			return consumed, decoded, firstErr
		}
		fetches.EachRecord(func(r *kgo.Record) {
			consumed++
			v, err := decodeRecord(ctx, cl, cache, r)
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("%s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
				}
				return
			}
			decoded++
			if !shown[r.Topic] {
				shown[r.Topic] = true
				fmt.Fprintf(out, "  %s/%d@%d: %s\n", r.Topic, r.Partition, r.Offset, v)
			}
		})
	}
	return consumed, decoded, firstErr
}

// decodeRecord reads the frame, looks the schema up by ID (once per ID),
// and decodes the payload into a generic value.
func decodeRecord(ctx context.Context, cl *registry.Client, cache map[int]serde.Compiled, r *kgo.Record) (string, error) {
	f, rest, err := serde.ParseFrame(r.Value)
	if err != nil {
		return "", err
	}
	c, ok := cache[f.ID]
	if !ok {
		s, err := cl.SchemaByID(ctx, f.ID)
		if err != nil {
			return "", err
		}
		if c, err = formats.Compile(ctx, s, cl); err != nil {
			return "", err
		}
		cache[f.ID] = c
	}
	if pc, ok := c.(*protobuf.Compiled); ok {
		if _, rest, err = serde.ParseIndexes(rest); err != nil {
			return "", err
		}
		msg := pc.New()
		if err := c.Decode(rest, msg); err != nil {
			return "", err
		}
		return fmt.Sprintf("id %d %v", f.ID, msg), nil
	}
	var v any
	if err := c.Decode(rest, &v); err != nil {
		return "", err
	}
	return fmt.Sprintf("id %d %v", f.ID, v), nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// demoTopics are the topics of the example schemas in schemagen.yaml.
var demoTopics = []string{"orders", "users", "payments"}

// demoSummary is what the demo counted.
type demoSummary struct {
	Produced, Rejected, Consumed, Decoded int
	WantRejected                          int
	ProduceTime, ConsumeTime              time.Duration
}

func (s demoSummary) ok() bool {
	return s.Produced > 0 && s.Consumed == s.Produced && s.Decoded == s.Produced && s.Rejected == s.WantRejected
}

// demoSink counts the outcomes of produced records.
type demoSink struct {
	sent, failed atomic.Int64
	mu           sync.Mutex
	firstErr     error
}

func (d *demoSink) done(_ producer.RecordMetadata, err error) {
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

// demoProducers produces n valid records per topic through the typed
// producers and returns the invalid values' errors.
type demoProducers interface {
	produceValid(ctx context.Context, i int, sink *demoSink) error
	produceInvalid(ctx context.Context) []error
}

func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "")
	var c conn
	fs.StringVar(&c.configPath, "config", "schemagen.yaml", "config file of the example schemas (run from the repository root)")
	n := fs.Int("n", 10000, "valid records to produce per topic")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 {
		return usageErr("-n must be at least 1")
	}
	cfg, err := e.loadConfig(&c, false)
	if err != nil {
		return fmt.Errorf("%w (the demo runs from the repository root: make demo)", err)
	}
	ctx := e.ctx
	out := e.stdout

	// 1. The embedded broker and registry.
	m, err := startEmbedded("127.0.0.1:0", "", nil, kfake.SeedTopics(3, demoTopics...))
	if err != nil {
		return err
	}
	defer m.close()
	fmt.Fprintf(out, "kafka:    kfake, 3 brokers at %s\n", strings.Join(m.brokers(), ","))
	fmt.Fprintf(out, "registry: %s (registry/server)\n", m.url)

	// 2. Register the example schemas, references first.
	cl, err := registry.New(registry.URLs(m.url))
	if err != nil {
		return err
	}
	p, err := loadProject(ctx, cfg, diskReader(cfg.Dir))
	if err != nil {
		return err
	}
	files, err := p.order()
	if err != nil {
		return err
	}
	items, err := register(e, p, cl, files, []registry.RegisterOpt{registry.Normalize()}, func(int, string) {})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nregistered (references first):")
	for _, it := range items {
		fmt.Fprintf(out, "  %-22s %-8s id %d  (%s)\n", it.Subject, p.byPathFormat(it.File), it.ID, it.File)
	}

	// 3. Typed producers from the generated packages.
	prod, err := producer.New(producer.SeedBrokers(m.brokers()...), producer.Registry(cl), producer.Linger(5*time.Millisecond))
	if err != nil {
		return err
	}
	defer prod.Close(context.Background())
	registered := map[string]registry.SubjectSchema{}
	for _, f := range p.files {
		for _, it := range items {
			if it.File == f.Path {
				registered[f.Name] = registry.SubjectSchema{Subject: it.Subject, Version: it.Version, ID: it.ID}
			}
		}
	}
	dp, err := newDemoProducers(ctx, prod, p, registered)
	if err != nil {
		return err
	}

	// 4. Invalid values: rejected before the accumulator, with typed errors.
	fmt.Fprintln(out, "\ninvalid values, rejected before reaching Kafka:")
	rejects := dp.produceInvalid(ctx)
	sum := demoSummary{WantRejected: len(rejects)}
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
	sink := &demoSink{}
	start := time.Now()
	for i := 0; i < *n; i++ {
		if err := dp.produceValid(ctx, i, sink); err != nil {
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
	sum.Consumed, sum.Decoded, err = consumeAndDecode(ctx, m.brokers(), cl, sum.Produced, out)
	sum.ConsumeTime = time.Since(start)
	if err != nil {
		return err
	}
	printSummary(out, sum, len(demoTopics))
	if !sum.ok() {
		return fmt.Errorf("counts do not match")
	}
	return nil
}

func fieldOrValue(path string) string {
	if path == "" {
		return "(value)"
	}
	return path
}

func (p *project) byPathFormat(path string) string {
	for _, f := range p.files {
		if f.Path == path {
			return strings.ToLower(string(f.Schema.Format))
		}
	}
	return ""
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func printSummary(w interface{ Write([]byte) (int, error) }, s demoSummary, topics int) {
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
func consumeAndDecode(ctx context.Context, brokers []string, cl *registry.Client, want int, out interface{ Write([]byte) (int, error) }) (consumed, decoded int, err error) {
	kc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(demoTopics...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
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
		if c, err = compileSchema(ctx, s, cl, "", ""); err != nil {
			return "", err
		}
		cache[f.ID] = c
	}
	if pc, ok := c.(*protobuf.Schema); ok {
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

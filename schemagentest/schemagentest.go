// Package schemagentest runs what a test of a schemagen producer needs in
// process: a Kafka cluster (franz-go's kfake, topics created on first use)
// and schemagen's schema registry (registry/server), with the generated
// packages' schemas registered, a producer and a registry client over them,
// and ConsumeN to read the records back as typed values. Everything closes
// with the test.
//
//	env := schemagentest.New(t, schemagentest.Side("payments", payments.PaymentSide()))
//	pay, _ := payments.NewPaymentProducer[string](ctx, env.Producer)
//	pay.ProduceSync(ctx, "o-1", &payments.Payment{...})
//	dec, _ := payments.NewPaymentDecoder(ctx, env.Registry)
//	got := schemagentest.ConsumeN(t, env, "payments", 1, dec)
package schemagentest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// Env is a running cluster and registry with a producer and a registry
// client connected to them.
type Env struct {
	// Brokers are the cluster's addresses.
	Brokers []string
	// RegistryURL is the registry's address.
	RegistryURL string
	// Registry is a client of the registry.
	Registry *registry.Client
	// Producer produces to the cluster with Registry as its registry.
	Producer *producer.Producer
	// Registered is what New registered, references first.
	Registered []registry.SubjectSchema

	cluster *kfake.Cluster
}

// Opt configures New.
type Opt interface{ apply(*config) }

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

type config struct {
	sides    []sideOf
	schemas  []registry.NamedSchema
	brokers  int
	prodOpts []producer.Opt
	timeout  time.Duration
}

type sideOf struct {
	topic string
	role  serde.Role
	side  producer.Side
}

// Side registers a generated side (orders.OrderSide()) as the value schema
// of topic: under its Subject when set, else "<topic>-value"; the schemas it
// references (embedded in the generated package) first, under their names.
func Side(topic string, s producer.Side) Opt {
	return optFunc(func(c *config) { c.sides = append(c.sides, sideOf{topic, serde.Value, s}) })
}

// KeySide is Side for the key schema of topic ("<topic>-key").
func KeySide(topic string, s producer.Side) Opt {
	return optFunc(func(c *config) { c.sides = append(c.sides, sideOf{topic, serde.Key, s}) })
}

// Schemas registers schemas as registry.RegisterAll does (references by
// name, in dependency order).
func Schemas(s ...registry.NamedSchema) Opt {
	return optFunc(func(c *config) { c.schemas = append(c.schemas, s...) })
}

// Brokers sets the number of brokers (default 1).
func Brokers(n int) Opt { return optFunc(func(c *config) { c.brokers = n }) }

// ProducerOpts adds options to the producer.
func ProducerOpts(o ...producer.Opt) Opt {
	return optFunc(func(c *config) { c.prodOpts = append(c.prodOpts, o...) })
}

// New starts the cluster and the registry, registers the schemas the
// options name and returns the environment; t.Cleanup closes it all. Any
// failure fails the test.
func New(t testing.TB, opts ...Opt) *Env {
	t.Helper()
	cfg := config{brokers: 1, timeout: 30 * time.Second}
	for _, o := range opts {
		o.apply(&cfg)
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(cfg.brokers), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatalf("schemagentest: kfake: %v", err)
	}
	t.Cleanup(cluster.Close)
	autoCreate(cluster)
	srv := registrytest.New(t)
	reg, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatalf("schemagentest: registry client: %v", err)
	}
	env := &Env{Brokers: cluster.ListenAddrs(), RegistryURL: srv.URL(), Registry: reg, cluster: cluster}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	named, err := sideSchemas(ctx, cfg.sides)
	if err != nil {
		t.Fatalf("schemagentest: %v", err)
	}
	named = append(cfg.schemas, named...)
	if len(named) > 0 {
		if env.Registered, err = reg.RegisterAll(ctx, named, registry.Normalize()); err != nil {
			t.Fatalf("schemagentest: register: %v", err)
		}
	}
	popts := append([]producer.Opt{producer.SeedBrokers(env.Brokers...), producer.Registry(reg)}, cfg.prodOpts...)
	p, err := producer.New(popts...)
	if err != nil {
		t.Fatalf("schemagentest: producer: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Close(ctx)
	})
	env.Producer = p
	return env
}

// autoCreate makes the cluster create a topic on a client's first request
// for it, as a local Kafka does for its producers (Java clients ask for
// auto-creation; franz-go asks only with kgo.AllowAutoTopicCreation).
func autoCreate(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.Metadata), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if m, ok := r.(*kmsg.MetadataRequest); ok {
			m.AllowAutoTopicCreation = true
		}
		return nil, nil, false
	})
}

// sideSchemas lists the sides' schemas for RegisterAll, each side's
// references (and theirs) before it, each reference once.
func sideSchemas(ctx context.Context, sides []sideOf) ([]registry.NamedSchema, error) {
	var named []registry.NamedSchema
	seen := map[string]bool{}
	var refs func(src producer.SchemaSource, rs []serde.Reference) error
	refs = func(src producer.SchemaSource, rs []serde.Reference) error {
		for _, ref := range rs {
			if seen[ref.Name] {
				continue
			}
			seen[ref.Name] = true
			if src.Resolver == nil {
				return fmt.Errorf("reference %q: the side has no resolver to read it from", ref.Name)
			}
			s, err := src.Resolver.Resolve(ctx, serde.Reference{Name: ref.Name})
			if err != nil {
				return fmt.Errorf("reference %q: %w", ref.Name, err)
			}
			if err := refs(src, s.References); err != nil {
				return err
			}
			named = append(named, registry.NamedSchema{Name: ref.Name, Subject: ref.Subject, Schema: s})
		}
		return nil
	}
	for _, s := range sides {
		src := s.side.Schema
		if src.Local.Text == "" {
			return nil, fmt.Errorf("topic %s: the side has no Local schema text to register", s.topic)
		}
		if err := refs(src, src.Local.References); err != nil {
			return nil, fmt.Errorf("topic %s: %w", s.topic, err)
		}
		subject := s.side.Subject
		if subject == "" {
			var err error
			strategy := s.side.Strategy
			if strategy == nil {
				strategy = registry.TopicName
			}
			if subject, err = strategy(s.topic, s.role, s.side.RecordName); err != nil {
				return nil, fmt.Errorf("topic %s: %w", s.topic, err)
			}
		}
		named = append(named, registry.NamedSchema{Subject: subject, Schema: src.Local})
	}
	return named, nil
}

// ConsumeN reads n records of topic from its beginning and decodes each
// with dec (a generated New<Type>Decoder). It fails the test on a decode
// error, or when fewer than n records arrive within 30 seconds.
func ConsumeN[V any](t testing.TB, env *Env, topic string, n int, dec *producer.Decoder[V]) []V {
	t.Helper()
	recs := ConsumeRecords(t, env, topic, n)
	out := make([]V, 0, len(recs))
	for _, r := range recs {
		v, err := dec.Decode(context.Background(), r)
		if err != nil {
			t.Fatalf("schemagentest: %s[%d]@%d: %v", r.Topic, r.Partition, r.Offset, err)
		}
		out = append(out, v)
	}
	return out
}

// ConsumeRecords reads n raw records of topic from its beginning, in
// partition order (records of one partition in offset order).
func ConsumeRecords(t testing.TB, env *Env, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(env.Brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatalf("schemagentest: consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("schemagentest: %d of %d records of %s within 30s", len(out), n, topic)
		}
		var errs []string
		fs.EachError(func(t string, p int32, err error) { errs = append(errs, fmt.Sprintf("%s[%d]: %v", t, p, err)) })
		if len(errs) > 0 {
			t.Fatalf("schemagentest: fetch: %s", strings.Join(errs, "; "))
		}
		out = append(out, fs.Records()...)
	}
	if len(out) > n {
		t.Fatalf("schemagentest: %d records of %s, want %d", len(out), topic, n)
	}
	return out
}

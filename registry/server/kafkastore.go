package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/schemagen/schemagen/serde"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DefaultKafkaTopic is the topic KafkaStore uses unless told otherwise,
// the name Confluent's registry uses.
const DefaultKafkaTopic = "_schemas"

// ErrBadRecord is wrapped by errors about a record of the Kafka store's
// topic that cannot be read as Confluent's registry writes them.
var ErrBadRecord = errors.New("server: bad record on the schemas topic")

// kafkaOpTimeout bounds one Kafka operation of the store: creating the
// topic, the first replay, one append.
const kafkaOpTimeout = 30 * time.Second

type kafkaConfig struct {
	topic string
	opts  []kgo.Opt
}

// kafkaStore keeps the events on one partition of a compacted topic, as
// Confluent's records. It replays the topic when it opens and then
// follows it, so that records other instances wrote reach the state.
type kafkaStore struct {
	s     *Server
	topic string
	cl    *kgo.Client

	// applied is the offset of the last record in the state; -1 before
	// any. Guarded by s.mu. The writer sets it past its own records when
	// it applies them directly, and the follower skips them.
	applied int64

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// openKafkaStore makes sure the topic exists, replays it into s.st up to
// its end, and starts following it.
func openKafkaStore(s *Server) (*kafkaStore, error) {
	kc := s.cfg.kafka
	opts := append([]kgo.Opt{
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{kc.topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.DefaultProduceTopic(kc.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	}, kc.opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("server: kafka store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ks := &kafkaStore{s: s, topic: kc.topic, cl: cl, applied: -1, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	fail := func(err error) (*kafkaStore, error) {
		cancel()
		cl.Close()
		return nil, err
	}
	octx, ocancel := context.WithTimeout(ctx, kafkaOpTimeout)
	defer ocancel()
	if err := ensureTopic(octx, kadm.NewClient(cl), kc.topic); err != nil {
		return fail(err)
	}
	// A topic just created may take a moment to be known everywhere.
	end, err := ks.endOffset(octx)
	for errors.Is(err, kerr.UnknownTopicOrPartition) && octx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		end, err = ks.endOffset(octx)
	}
	if err != nil {
		return fail(err)
	}
	for ks.appliedOffset() < end-1 {
		fs := cl.PollFetches(octx)
		if err := octx.Err(); err != nil {
			return fail(fmt.Errorf("server: kafka store: replay %s to offset %d: %w", kc.topic, end, err))
		}
		if err := ks.applyFetches(fs); err != nil {
			return fail(err)
		}
	}
	go ks.follow()
	return ks, nil
}

// ensureTopic creates the topic when it is missing: one partition,
// compacted, replication factor 3 (or the number of brokers when there
// are fewer), min.insync.replicas 2 with replication factor 3.
func ensureTopic(ctx context.Context, adm *kadm.Client, topic string) error {
	md, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return fmt.Errorf("server: kafka store: metadata: %w", err)
	}
	rf := int16(min(3, len(md.Brokers)))
	if rf < 1 {
		return errors.New("server: kafka store: the cluster reported no brokers")
	}
	configs := map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}
	if rf == 3 {
		configs["min.insync.replicas"] = kadm.StringPtr("2")
	}
	resp, err := adm.CreateTopic(ctx, 1, rf, configs, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("server: kafka store: create topic %s: %w", topic, err)
	}
	return nil
}

// endOffset returns the offset after the last committed record.
func (ks *kafkaStore) endOffset(ctx context.Context) (int64, error) {
	adm := kadm.NewClient(ks.cl)
	offs, err := adm.ListEndOffsets(ctx, ks.topic)
	if err == nil {
		err = offs.Error()
	}
	if err != nil {
		return 0, fmt.Errorf("server: kafka store: end offset of %s: %w", ks.topic, err)
	}
	o, ok := offs.Lookup(ks.topic, 0)
	if !ok {
		return 0, fmt.Errorf("server: kafka store: topic %s has no partition 0", ks.topic)
	}
	return o.Offset, nil
}

func (ks *kafkaStore) appliedOffset() int64 {
	ks.s.mu.RLock()
	defer ks.s.mu.RUnlock()
	return ks.applied
}

// follow applies what others write until the store closes.
func (ks *kafkaStore) follow() {
	defer close(ks.done)
	for {
		fs := ks.cl.PollFetches(ks.ctx)
		if ks.ctx.Err() != nil || fs.IsClientClosed() {
			return
		}
		if err := ks.applyFetches(fs); err != nil {
			ks.s.cfg.logger.Error("server: kafka store: follow", "topic", ks.topic, "err", err)
		}
	}
}

// applyFetches applies the records it has not applied yet. A record it
// cannot read is logged and skipped; fetch errors are returned.
func (ks *kafkaStore) applyFetches(fs kgo.Fetches) error {
	var errs []error
	fs.EachError(func(t string, p int32, err error) {
		if !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("server: kafka store: fetch %s/%d: %w", t, p, err))
		}
	})
	fs.EachRecord(func(r *kgo.Record) { ks.applyRecord(r) })
	return errors.Join(errs...)
}

func (ks *kafkaStore) applyRecord(r *kgo.Record) {
	s := ks.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Offset <= ks.applied {
		return
	}
	ks.applied = r.Offset
	evs, err := decodeRecord(r.Key, r.Value, s.st)
	if err == nil {
		for _, ev := range evs {
			if ev.Op == opRegister {
				ev.Canonical = canonicalOf(s, ev)
				s.serializedCache.Delete(ev.ID)
			}
			if err = s.st.apply(ev); err != nil {
				break
			}
		}
	}
	if err != nil {
		s.cfg.logger.Error("server: kafka store: skipping a record", "topic", ks.topic, "offset", strconv.FormatInt(r.Offset, 10), "err", err)
	}
}

// canonicalOf compiles a replayed schema for its canonical text, which
// Confluent's records do not carry. References resolve from the state,
// whose lock the caller holds. A schema that does not compile gets none:
// it is then found by its exact text only.
func canonicalOf(s *Server, ev *event) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sch := (&schemaRec{format: ev.Format, text: ev.Schema, refs: ev.References}).schema()
	cs, err := s.cfg.compile(ctx, sch, stateResolver(s.st))
	if err != nil {
		return ""
	}
	return cs.Canonical()
}

// append writes ev's records and waits until every in-sync replica has
// them; then the caller applies ev and the follower skips them.
func (ks *kafkaStore) append(ev *event, st *state) error {
	recs, err := encodeEvent(ev, st)
	if err != nil {
		return err
	}
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = &kgo.Record{Topic: ks.topic, Partition: 0, Key: r.key, Value: r.value}
	}
	ctx, cancel := context.WithTimeout(ks.ctx, kafkaOpTimeout)
	defer cancel()
	if err := ks.cl.ProduceSync(ctx, krs...).FirstErr(); err != nil {
		return fmt.Errorf("kafka store: produce to %s: %w", ks.topic, err)
	}
	for _, r := range krs {
		ks.applied = max(ks.applied, r.Offset)
	}
	return nil
}

func (ks *kafkaStore) close() error {
	ks.cancel()
	ks.cl.Close()
	return nil
}

// stateResolver resolves references from st without locking: for callers
// that hold the Server's lock already.
func stateResolver(st *state) serde.Resolver {
	return serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		var v *versionRec
		if sub := st.subjects[ref.Subject]; sub != nil {
			if ref.Version <= 0 {
				v = sub.latest(false)
			} else {
				v = sub.find(ref.Version, true)
			}
		}
		if v == nil {
			return serde.Schema{}, fmt.Errorf("%w: %q: subject %q has no version %d", serde.ErrReference, ref.Name, ref.Subject, ref.Version)
		}
		return st.schemas[v.id].schema(), nil
	})
}

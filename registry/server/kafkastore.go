package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/schemagen/schemagen/serde"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DefaultKafkaTopic is the topic KafkaStore uses unless told otherwise,
// the name Confluent's registry uses.
const DefaultKafkaTopic = "_schemas"

// kafkaOpTimeout bounds one Kafka operation of the store: creating the
// topic, the first replay, one append.
const kafkaOpTimeout = 30 * time.Second

type kafkaConfig struct {
	topic   string
	opts    []kgo.Opt
	session time.Duration // group session timeout, transaction timeout
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

	// tick is closed and replaced whenever applied grows. Guarded by s.mu.
	tick chan struct{}
	// seen mirrors applied for readers that must not take s.mu (the
	// leader's answers, which carry it in hdrOffset).
	seen atomic.Int64

	// gate, when set (by tests), holds the replay until it is closed.
	gate atomic.Pointer[chan struct{}]

	// failCommit, when set (by tests), is the error of a transaction that
	// committed: the commit landed, the writer is told it failed.
	failCommit atomic.Pointer[func() error]

	// abortCommit, when set (by tests) and true, ends a transaction with
	// an abort where a commit was asked, and reports it committed: what
	// kgo's EndTransaction once did under load (it found no partition
	// added though the produce had succeeded, aborted, returned nil).
	abortCommit atomic.Pointer[func() bool]

	// stall is the catch-up's catchUpStall, in nanoseconds (tests
	// shorten it).
	stall atomic.Int64

	group *kgo.Client // the election's group member
	lead  leaderState

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
	ks := &kafkaStore{s: s, topic: kc.topic, cl: cl, applied: -1, tick: make(chan struct{}), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	ks.seen.Store(-1)
	ks.stall.Store(int64(catchUpStall))
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
	// Find the end as Confluent's registry does: write a NOOP record and
	// replay up to it. (The end offset of the partition would not do: the
	// last offsets may be transaction markers, which a reader never sees.)
	noop := &kgo.Record{Topic: kc.topic, Partition: 0, Key: mustJSON(crKey{KeyType: keyNoop})}
	if err := cl.ProduceSync(octx, noop).FirstErr(); err != nil {
		return fail(fmt.Errorf("server: kafka store: write to %s: %w", kc.topic, err))
	}
	for ks.appliedOffset() < noop.Offset {
		fs := cl.PollFetches(octx)
		if err := octx.Err(); err != nil {
			return fail(fmt.Errorf("server: kafka store: replay %s to offset %d: %w", kc.topic, noop.Offset, err))
		}
		if err := ks.applyFetches(fs); err != nil {
			return fail(err)
		}
	}
	go ks.follow()
	if err := ks.startElection(); err != nil {
		ks.cancel()
		cl.Close()
		return nil, err
	}
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
	if g := ks.gate.Load(); g != nil {
		<-*g
	}
	s := ks.s
	pre := ks.precompile(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Offset <= ks.applied {
		return
	}
	ks.setApplied(r.Offset)
	evs, err := decodeRecord(r.Key, r.Value, s.st)
	if err == nil {
		for _, ev := range evs {
			if ev.Op == opRegister {
				if pre != nil && pre.format == ev.Format && pre.text == ev.Schema && refsEqual(pre.refs, ev.References) {
					ev.Canonical = pre.canonical
				} else {
					ev.Canonical = canonicalOf(s, ev, stateResolver(s.st, contextOf(ev.Subject)))
				}
				s.serializedCache.Delete(sid{contextOf(ev.Subject), ev.ID})
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

// precompiled is a schema record's canonical text, computed before the
// record is applied.
type precompiled struct {
	format    serde.Format
	text      string
	refs      []serde.Reference
	canonical string
}

// precompile compiles the schema of a SCHEMA record for its canonical
// text without holding the Server's lock (references resolve through
// s.resolver, which takes it for each), so that a slow compile does not
// stop the instance's reads. It returns nil for other records, records
// already applied (the writer's own) and records it cannot read; the
// caller then compiles under the lock if it must.
func (ks *kafkaStore) precompile(r *kgo.Record) *precompiled {
	if r.Value == nil || ks.appliedOffset() >= r.Offset {
		return nil
	}
	var k crKey
	if json.Unmarshal(r.Key, &k) != nil || k.KeyType != keySchema {
		return nil
	}
	var v crSchema
	if json.Unmarshal(r.Value, &v) != nil || v.Schema == "" {
		return nil
	}
	f, err := serde.ParseFormat(v.SchemaType)
	if err != nil {
		return nil
	}
	p := &precompiled{format: f, text: v.Schema, refs: v.References}
	p.canonical = canonicalOf(ks.s, &event{Format: f, Schema: v.Schema, References: v.References}, ks.s.resolver(contextOf(k.Subject)))
	return p
}

// canonicalOf compiles a replayed schema for its canonical text, which
// Confluent's records do not carry; references resolve through res. A
// schema that does not compile gets none: it is then found by its exact
// text only.
func canonicalOf(s *Server, ev *event, res serde.Resolver) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sch := (&schemaRec{format: ev.Format, text: ev.Schema, refs: ev.References}).schema()
	cs, err := s.cfg.compile(ctx, sch, res)
	if err != nil {
		return ""
	}
	return cs.Canonical()
}

// setApplied records that the state holds the topic up to off and wakes
// waitApplied. Caller holds s.mu for writing.
func (ks *kafkaStore) setApplied(off int64) {
	if off <= ks.applied {
		return
	}
	ks.applied = off
	ks.seen.Store(off)
	close(ks.tick)
	ks.tick = make(chan struct{})
}

// waitApplied waits until the state holds the topic up to off. With a
// stall above zero it also gives up when the replay made no progress for
// that long.
func (ks *kafkaStore) waitApplied(ctx context.Context, off int64, stall time.Duration) error {
	var stalled <-chan time.Time // nil: never
	var t *time.Timer
	if stall > 0 {
		t = time.NewTimer(stall)
		defer t.Stop()
		stalled = t.C
	}
	for {
		ks.s.mu.RLock()
		applied, tick := ks.applied, ks.tick
		ks.s.mu.RUnlock()
		if applied >= off {
			return nil
		}
		select {
		case <-tick:
			if t != nil {
				t.Reset(stall)
			}
		case <-stalled:
			return fmt.Errorf("replay reached offset %d, waiting for %d: no progress for %v", applied, off, stall)
		case <-ctx.Done():
			return fmt.Errorf("replay reached offset %d, waiting for %d: %w", applied, off, ctx.Err())
		}
	}
}

// append writes ev's records in one transaction of the leader and
// returns once it committed, that is once every in-sync replica has them;
// then the caller applies ev and the follower skips them. It fails on an
// instance that is not the ready leader (route forwards writes before
// they get here; this is the race where the leadership moved meanwhile).
func (ks *kafkaStore) append(ev *event, st *state) error {
	recs, err := encodeEvent(ev, st)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ks.ctx)
	cancel() // do not wait for a catch-up here: it needs s.mu, held by our caller
	prod, leader, err := ks.writer(ctx)
	if !leader || err != nil {
		return fmt.Errorf("kafka store: %w", ErrNotLeader)
	}
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = &kgo.Record{Topic: ks.topic, Partition: 0, Key: r.key, Value: r.value}
	}
	off, err := ks.produceTxn(prod, krs)
	if err != nil {
		// The records may have landed: the follower applies them if so,
		// and no write goes on before the replay passed them.
		ks.recatch(prod)
		return fmt.Errorf("kafka store: write to %s (it may have landed): %w", ks.topic, err)
	}
	ks.setApplied(off)
	return nil
}

// close leaves the election (another instance takes over at once) and
// stops following the topic. The caller holds s.mu.
func (ks *kafkaStore) close() error {
	ks.cancel()
	if ks.group != nil {
		ks.group.Close()
	}
	ks.stepDown()
	ks.cl.Close()
	return nil
}

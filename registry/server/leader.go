package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Several instances on one topic elect one writer. Election is by a Kafka
// consumer group: every instance joins the group "schemagen-registry-" +
// topic with an interest in the store's one partition, and the member the
// group assigns that partition is the leader. Each member puts its URL in
// its join metadata, so that the others find where to forward writes by
// describing the group.
//
// Election alone does not stop a deposed leader that has not noticed yet
// (paused, cut off) from writing. So the leader writes through a
// transactional producer whose transactional ID is the same for every
// instance: a new leader's first transaction bumps the producer epoch and
// fences the old one, whose next write fails instead of landing, and whose
// open transaction is aborted, so readers (read_committed) never see it.
// A write is acknowledged only after its transaction commits.
//
// A new leader writes a NOOP record and replays up to it before it takes
// writes: then its state holds every write ever acknowledged, and the IDs
// it hands out follow the highest one on the topic.

// leaderState is what an instance knows of the election.
type leaderState struct {
	mu     sync.Mutex
	term   int           // bumped on every assignment and revocation
	prod   *kgo.Client   // the transactional producer while leader
	ready  chan struct{} // closed once the leader replayed its NOOP
	leader bool
	// catchUpErr is why the term's last catch-up attempt failed, for
	// the answer to a write that waited in vain.
	catchUpErr error
}

// catchUpStall is how long a leader's catch-up waits for a replay that
// makes no progress before it writes another NOOP. A fetch of a stable
// partition returns within kgo's FetchMaxWait (5 s by default).
const catchUpStall = 12 * time.Second

func groupName(topic string) string { return "schemagen-registry-" + topic }

func txnID(topic string) string { return "schemagen-registry-" + topic }

// urlBalancer is the range balancer with the instance's URL as the user
// data of its join metadata.
type urlBalancer struct {
	kgo.GroupBalancer
	url string
}

func (b urlBalancer) JoinGroupMetadata(interests []string, _ map[string][]int32, _ int32) []byte {
	m := kmsg.NewConsumerMemberMetadata()
	m.Topics = interests
	m.UserData = []byte(b.url)
	return m.AppendTo(nil)
}

// startElection joins the group. It fetches nothing: the group only says
// who the leader is.
func (ks *kafkaStore) startElection() error {
	kc := ks.s.cfg.kafka
	opts := append([]kgo.Opt{
		kgo.ConsumerGroup(groupName(ks.topic)),
		kgo.ConsumeTopics(ks.topic),
		kgo.Balancers(urlBalancer{kgo.RangeBalancer(), ks.s.cfg.advertised}),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(kc.session),
		kgo.HeartbeatInterval(kc.session / 10),
		kgo.RebalanceTimeout(kc.session),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			if slices.Contains(m[ks.topic], 0) {
				ks.becomeLeader()
			}
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			if slices.Contains(m[ks.topic], 0) {
				ks.stepDown()
			}
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			if slices.Contains(m[ks.topic], 0) {
				ks.stepDown()
			}
		}),
	}, kc.opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("server: kafka store: election: %w", err)
	}
	cl.PauseFetchTopics(ks.topic)
	ks.group = cl
	return nil
}

// becomeLeader starts a term: a transactional producer (which fences the
// previous leader's) writes a NOOP, and the term is ready once the
// replay reached it.
func (ks *kafkaStore) becomeLeader() {
	kc := ks.s.cfg.kafka
	ls := &ks.lead
	ls.mu.Lock()
	ls.term++
	term := ls.term
	if ls.prod != nil {
		ls.prod.Close()
	}
	ready := make(chan struct{})
	ls.ready, ls.leader, ls.catchUpErr = ready, true, nil
	prod, err := kgo.NewClient(append([]kgo.Opt{
		kgo.TransactionalID(txnID(ks.topic)),
		kgo.TransactionTimeout(kc.session),
		kgo.DefaultProduceTopic(ks.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	}, kc.opts...)...)
	ls.prod = prod
	ls.mu.Unlock()
	if err != nil {
		ks.s.cfg.logger.Error("server: kafka store: leader producer", "err", err)
		ks.stepDown()
		return
	}
	go func() {
		ks.warmUp(prod)
		ks.catchUp(prod, term, ready)
	}()
}

// warmUp spends a new producer's first transaction on a NOOP it aborts.
// franz-go v1.22.2 (and v1.22.3) publishes the partitions of a topic a
// client produces to for the first time only after the first produce can
// have finished; EndTransaction then finds no partition added and, on a
// broker with KIP-890 part 2, aborts a commit and returns nil (on an
// older one it ends nothing and the next transaction carries the
// record). Seen under load, about once in 350 elections. Keeping that
// first transaction off the catch-up's NOOP spares the term the stall
// (catchUpStall) that such a NOOP costs. Its outcome does not matter.
func (ks *kafkaStore) warmUp(prod *kgo.Client) {
	ctx, cancel := context.WithTimeout(ks.ctx, kafkaOpTimeout)
	defer cancel()
	if prod.BeginTransaction() != nil {
		return // catchUp meets the error again and retries
	}
	_ = prod.ProduceSync(ctx, &kgo.Record{Topic: ks.topic, Key: mustJSON(crKey{KeyType: keyNoop})}).FirstErr()
	_ = prod.EndTransaction(ctx, kgo.TryAbort)
}

// catchUp writes a NOOP through prod and closes ready once the replay
// reached it: then the state holds every record written before, ours
// included, and the term's writes may go on. It retries until it succeeds
// or the term ends.
func (ks *kafkaStore) catchUp(prod *kgo.Client, term int, ready chan struct{}) {
	ls := &ks.lead
	for ks.ctx.Err() == nil {
		off, err := ks.produceTxn(prod, []*kgo.Record{{Topic: ks.topic, Key: mustJSON(crKey{KeyType: keyNoop})}})
		if err == nil {
			// A NOOP that was aborted after all is never replayed (a
			// read_committed reader skips it): wait while the replay
			// moves, and write another when it stalls short of it.
			err = ks.waitApplied(ks.ctx, off, time.Duration(ks.stall.Load()))
		}
		if err == nil {
			ls.mu.Lock()
			if ls.term == term {
				ls.catchUpErr = nil
				close(ready)
				ks.s.cfg.logger.Info("server: kafka store: leader", "topic", ks.topic, "offset", off)
			}
			ls.mu.Unlock()
			return
		}
		ls.mu.Lock()
		stale := ls.term != term
		if !stale {
			ls.catchUpErr = err
		}
		ls.mu.Unlock()
		if stale {
			return
		}
		ks.s.cfg.logger.Warn("server: kafka store: leader catch-up, retrying", "err", err)
		time.Sleep(200 * time.Millisecond)
	}
}

// recatch drops the ready state of prod's term after a write whose outcome
// is unknown (its commit may have landed though it failed): the term takes
// no write until the replay reached a fresh NOOP, so that the record, if it
// landed, is in the state before the next ID is handed out, and the
// writer's setApplied never moves past a record not applied.
func (ks *kafkaStore) recatch(prod *kgo.Client) {
	ls := &ks.lead
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if !ls.leader || ls.prod != prod {
		return // the term ended; the next one catches up anyway
	}
	select {
	case <-ls.ready:
	default:
		return // not ready: a catch-up runs already
	}
	ready := make(chan struct{})
	ls.ready, ls.catchUpErr = ready, nil
	go ks.catchUp(prod, ls.term, ready)
}

func (ks *kafkaStore) stepDown() {
	ls := &ks.lead
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.term++
	ls.leader = false
	if ls.prod != nil {
		ls.prod.Close()
		ls.prod = nil
	}
}

// writer returns the producer of a ready term, waiting for the catch-up;
// ok is false when the instance is not the leader.
func (ks *kafkaStore) writer(ctx context.Context) (*kgo.Client, bool, error) {
	ls := &ks.lead
	ls.mu.Lock()
	leader, ready, prod := ls.leader, ls.ready, ls.prod
	ls.mu.Unlock()
	if !leader {
		return nil, false, nil
	}
	select {
	case <-ready:
		return prod, true, nil
	default:
	}
	select {
	case <-ready:
		return prod, true, nil
	case <-ctx.Done():
		ls.mu.Lock()
		last := ls.catchUpErr
		ls.mu.Unlock()
		if last != nil {
			return nil, true, fmt.Errorf("leader catch-up: %w (last attempt: %v)", ctx.Err(), last)
		}
		return nil, true, fmt.Errorf("leader catch-up: %w", ctx.Err())
	}
}

// isLeader reports whether this instance holds the election now.
func (ks *kafkaStore) isLeader() bool {
	ks.lead.mu.Lock()
	defer ks.lead.mu.Unlock()
	return ks.lead.leader
}

// produceTxn writes recs in one transaction and returns the offset of the
// last one once the transaction committed.
func (ks *kafkaStore) produceTxn(prod *kgo.Client, recs []*kgo.Record) (int64, error) {
	ctx, cancel := context.WithTimeout(ks.ctx, kafkaOpTimeout)
	defer cancel()
	if err := prod.BeginTransaction(); err != nil {
		return 0, err
	}
	perr := prod.ProduceSync(ctx, recs...).FirstErr()
	commit := kgo.TryCommit
	if perr != nil {
		commit = kgo.TryAbort
	} else if f := ks.abortCommit.Load(); f != nil && (*f)() {
		commit = kgo.TryAbort
	}
	err := prod.EndTransaction(ctx, commit)
	if err == nil {
		if f := ks.failCommit.Load(); f != nil && perr == nil {
			err = (*f)()
		}
	}
	if err != nil {
		// The outcome is unknown (a commit may have landed): abort to
		// leave the producer out of the transaction, as kgo advises.
		_ = prod.EndTransaction(ctx, kgo.TryAbort)
		return 0, errors.Join(perr, err)
	}
	if perr != nil {
		return 0, perr
	}
	var last int64
	for _, r := range recs {
		last = max(last, r.Offset)
	}
	return last, nil
}

// leaderURL finds the URL of the member assigned the partition.
func (ks *kafkaStore) leaderURL(ctx context.Context) (string, error) {
	gs, err := kadm.NewClient(ks.cl).DescribeGroups(ctx, groupName(ks.topic))
	if err == nil {
		err = gs.Error()
	}
	if err != nil {
		return "", fmt.Errorf("describe group: %w", err)
	}
	for _, g := range gs {
		for _, m := range g.Members {
			a, ok := m.Assigned.AsConsumer()
			if !ok {
				continue
			}
			for _, t := range a.Topics {
				if t.Topic == ks.topic && slices.Contains(t.Partitions, 0) {
					if j, ok := m.Join.AsConsumer(); ok && len(j.UserData) > 0 {
						return string(j.UserData), nil
					}
				}
			}
		}
	}
	return "", errNoLeader
}

var errNoLeader = errors.New("no leader elected")

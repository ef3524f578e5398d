//go:build interop

package interop

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// seqCheck checks records numbered 0..n-1 (the key), record i written to
// partition i%parts, against what a consumer read: each at most once
// (dup), in increasing order within its partition (disorder), on its
// partition (wrongPart). lost counts acknowledged records never read.
type seqCheck struct {
	parts                    int
	seen                     []uint8
	last                     []int64
	order                    [][]int32 // per partition, as read
	read                     int
	dup, disorder, wrongPart int
	bad                      int // key not a record number of this run
}

func newSeqCheck(n, parts int) *seqCheck {
	c := &seqCheck{parts: parts, seen: make([]uint8, n), last: make([]int64, parts), order: make([][]int32, parts)}
	for p := range c.last {
		c.last[p] = -1
	}
	return c
}

func (c *seqCheck) observe(partition int32, i int64) {
	c.read++
	if i < 0 || i >= int64(len(c.seen)) || partition < 0 || int(partition) >= c.parts {
		c.bad++
		return
	}
	c.order[partition] = append(c.order[partition], int32(i))
	if int(i%int64(c.parts)) != int(partition) {
		c.wrongPart++
	}
	if c.seen[i] > 0 {
		c.dup++
	}
	if c.seen[i] < 255 {
		c.seen[i]++
	}
	if i <= c.last[partition] {
		if c.seen[i] == 1 { // a repeat is counted as a duplicate only
			c.disorder++
		}
		return
	}
	c.last[partition] = i
}

// lost counts the acknowledged records that were never read.
func (c *seqCheck) lost(acked func(i int) bool) int {
	n := 0
	for i, s := range c.seen {
		if s == 0 && acked(i) {
			n++
		}
	}
	return n
}

func recordNumber(r *kgo.Record) int64 {
	i, err := strconv.ParseInt(string(r.Key), 10, 64)
	if err != nil {
		return -1
	}
	return i
}

// clusterTyped is the typed Avro producer of the cluster tests: raw
// []byte keys (the record number), Order values, the schema registered
// on first use.
func clusterTyped(t testing.TB, ctx context.Context, p *producer.Producer, topic string, vc serde.Compiled) *producer.Typed[[]byte, map[string]any] {
	t.Helper()
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, map[string]any]{
		Topic: topic, Value: producer.Side{Schema: producer.SchemaSource{Compiled: vc}, IDSource: registry.AutoRegister()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return typed
}

func orderValue(i int) map[string]any {
	return map[string]any{"id": "order-" + strconv.Itoa(i), "seq": int64(i), "amount": float64(i) / 4, "tags": []any{}}
}

// outcomes counts what the futures of a run said.
type outcomes struct {
	acked          []atomic.Bool
	ok, failed     atomic.Int64
	syncErrs       atomic.Int64
	futureMissing  atomic.Int64 // Produce returned no future
	mu             sync.Mutex
	reasons        map[string]int
	firstFailedIdx atomic.Int64
}

func newOutcomes(n int) *outcomes {
	o := &outcomes{acked: make([]atomic.Bool, n), reasons: map[string]int{}}
	o.firstFailedIdx.Store(-1)
	return o
}

// produce hands record i to typed and records its outcome when its future
// completes.
func (o *outcomes) produce(ctx context.Context, typed *producer.Typed[[]byte, map[string]any], i, parts int) {
	f, err := typed.Produce(ctx, []byte(strconv.Itoa(i)), orderValue(i), producer.ToPartition(int32(i%parts)))
	if err != nil {
		o.syncErrs.Add(1)
	}
	if f == nil {
		o.futureMissing.Add(1)
		return
	}
	f.Then(func(_ producer.RecordMetadata, err error) {
		if err != nil {
			o.failed.Add(1)
			o.firstFailedIdx.CompareAndSwap(-1, int64(i))
			o.mu.Lock()
			if len(o.reasons) < 20 {
				o.reasons[err.Error()]++
			} else {
				o.reasons["(other reasons)"]++
			}
			o.mu.Unlock()
			return
		}
		o.acked[i].Store(true)
		o.ok.Add(1)
	})
}

func (o *outcomes) wait(ctx context.Context, n int) error {
	for o.ok.Load()+o.failed.Load()+o.futureMissing.Load() < int64(n) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d futures completed: %w", o.ok.Load()+o.failed.Load(), n, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

func (o *outcomes) log(t testing.TB) {
	t.Logf("futures: %d acknowledged, %d failed, %d without a future; %d Produce calls returned an error", o.ok.Load(), o.failed.Load(), o.futureMissing.Load(), o.syncErrs.Load())
	o.mu.Lock()
	defer o.mu.Unlock()
	for e, n := range o.reasons {
		t.Logf("failure x%d: %s", n, e)
	}
}

// check consumes topic and runs seqCheck on it; it also checks that each
// value decodes and carries its key's number.
func (c *kcluster) check(t testing.TB, topic string, n, parts int, vc serde.Compiled) (*seqCheck, int) {
	t.Helper()
	sc := newSeqCheck(n, parts)
	d := &serde.Deserializer{Role: serde.Value, Lookup: func(serde.Frame) (serde.Compiled, error) { return vc, nil }}
	mismatch := 0
	start := time.Now()
	c.consumeEach(t, topic, func(r *kgo.Record) {
		i := recordNumber(r)
		var v any
		if _, err := d.Decode(r.Value, nil, &v); err != nil {
			mismatch++
		} else if m, ok := v.(map[string]any); !ok || m["seq"] != i {
			mismatch++
		}
		sc.observe(r.Partition, i)
	})
	t.Logf("consumed %d records of %s in %v", sc.read, topic, time.Since(start).Round(time.Millisecond))
	return sc, mismatch
}

// TestClusterProducerFaults: a typed Avro producer (acks=all, idempotent,
// 5 requests in flight per broker) writes 1,000,000 records over 6
// partitions (replication factor 3, min.insync.replicas=2) of the
// three-node cluster. Mid-stream the node leading the busiest partitions
// is killed with SIGKILL three times and restarted each time, then the
// busiest leader is paused with SIGSTOP for 20s (past the 5s produce
// request timeout and franz-go's 15s read deadline) and resumed. Every
// record's future completes; reading the topic back, no acknowledged
// record is missing, none is there twice, each partition is in order.
func TestClusterProducerFaults(t *testing.T) {
	const (
		total = 1_000_000
		parts = 6
		pause = 20 * time.Second
	)
	kc := clusterEnv(t)
	_, rc := newRegistry(t)
	topic := topicName("cluster-faults")
	kc.createTopic(t, topic, parts, nil)
	t.Cleanup(func() { kc.heal(t) })

	var dataLoss atomic.Int32
	p, err := producer.New(producer.SeedBrokers(kc.brokers...), producer.Registry(rc),
		producer.HighDurability(), producer.MaxInFlight(5),
		producer.Linger(5*time.Millisecond), producer.MaxBufferedRecords(50_000),
		producer.RequestTimeout(5*time.Second), producer.DeliveryTimeout(4*time.Minute),
		producer.OnDataLoss(func(string, int32) { dataLoss.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	vc := compile(t, serde.Schema{Format: serde.Avro, Text: avroValue}, "")
	typed := clusterTyped(t, ctx, p, topic, vc)

	type fault struct {
		at       int // records handed over when it is armed
		kind     string
		node     int32
		parts    []int32
		handed   int64 // records handed over when the node was hit
		acked    int64 // of which acknowledged
		moved    int   // SIGSTOP: partitions it led that other nodes lead 15s into the pause
		midPause []partState
		down     time.Duration // kill to restart, or pause to resume
		recover  time.Duration // restart/resume to all partitions in sync again
		err      error
	}
	faults := []*fault{{at: 150_000, kind: "kill -9"}, {at: 350_000, kind: "kill -9"}, {at: 550_000, kind: "kill -9"}, {at: 750_000, kind: "SIGSTOP"}}
	var handedOver atomic.Int64
	run := func(f *fault, o *outcomes) {
		fctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
		defer cancel()
		// Strike mid-stream: 20,000 more records handed over first.
		for handedOver.Load() < int64(f.at+20_000) && fctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		f.node, f.parts, f.err = kc.busiestLeader(fctx, topic)
		if f.err != nil {
			return
		}
		start := time.Now()
		f.handed, f.acked = handedOver.Load(), o.ok.Load()
		if f.kind == "SIGSTOP" {
			kc.ctl(t, "pause", f.node)
			time.Sleep(pause - 5*time.Second)
			other := f.node%3 + 1
			if ps, err := kc.view(fctx, other, topic); err == nil {
				f.midPause = ps
				for _, p := range ps {
					if slices.Contains(f.parts, p.partition) && p.leader != f.node && p.leader >= 0 {
						f.moved++
					}
				}
			}
			time.Sleep(5 * time.Second)
			kc.ctl(t, "resume", f.node)
		} else {
			kc.ctl(t, "kill", f.node)
			time.Sleep(3 * time.Second) // the stream goes on with two nodes
			kc.ctl(t, "restart", f.node)
		}
		f.down = time.Since(start)
		f.err = kc.waitInSync(fctx, topic, 3)
		f.recover = time.Since(start) - f.down
	}

	o := newOutcomes(total)
	done := make([]chan struct{}, len(faults))
	start := time.Now()
	next := 0
	for i := range total {
		if next < len(faults) && i == faults[next].at {
			if next > 0 {
				// One fault at a time: the cluster is whole again
				// before the next one.
				<-done[next-1]
			}
			done[next] = make(chan struct{})
			go func(f *fault, d chan struct{}) { defer close(d); run(f, o) }(faults[next], done[next])
			next++
		}
		o.produce(ctx, typed, i, parts)
		handedOver.Store(int64(i + 1))
	}
	handed := time.Since(start)
	for _, d := range done {
		<-d
	}
	if err := p.Flush(ctx); err != nil {
		t.Errorf("flush: %v", err)
	}
	if err := o.wait(ctx, total); err != nil {
		t.Error(err)
	}
	elapsed := time.Since(start)
	t.Logf("%d records handed over in %v, every outcome after %v (%.0f records/s)", total, handed.Round(time.Millisecond), elapsed.Round(time.Millisecond), total/elapsed.Seconds())
	for k, f := range faults {
		t.Logf("fault %d: %s node %d (leader of partitions %v) when %d records were handed over and %d acknowledged; down %v, every partition on every node back in sync %v later; err %v",
			k+1, f.kind, f.node, f.parts, f.handed, f.acked, f.down.Round(time.Millisecond), f.recover.Round(time.Millisecond), f.err)
		if f.kind == "SIGSTOP" {
			t.Logf("fault %d: %ds into the pause, node %d shows %+v: %d of the paused node's %d partitions led by another node",
				k+1, int((pause - 5*time.Second).Seconds()), f.node%3+1, f.midPause, f.moved, len(f.parts))
		}
	}
	o.log(t)
	m := p.Metrics()
	t.Logf("metrics: sent %d, failed %d, produce requests %d, request errors %d; franz-go data-loss reports %d",
		m.RecordsSent, m.RecordsFailed, m.ProduceRequests, m.RequestErrors, dataLoss.Load())

	sc, mismatch := kc.check(t, topic, total, parts, vc)
	acked := func(i int) bool { return o.acked[i].Load() }
	lost := sc.lost(acked)
	failedPresent := 0
	for i, s := range sc.seen {
		if s > 0 && !o.acked[i].Load() {
			failedPresent++
		}
	}
	t.Logf("on the topic: %d records; acknowledged but missing %d, duplicated %d, out of order %d, wrong partition %d, bad key %d, value mismatch %d; failed futures whose record is there anyway %d",
		sc.read, lost, sc.dup, sc.disorder, sc.wrongPart, sc.bad, mismatch, failedPresent)
	kills, pauses, inFlight, moved := 0, 0, 0, 0
	for _, f := range faults {
		if f.err != nil {
			continue
		}
		if f.handed > f.acked {
			inFlight++
		}
		moved += f.moved
		if f.kind == "SIGSTOP" {
			pauses++
		} else {
			kills++
		}
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"records handed over", total, 1_000_000},
		{"kills with restart and resync", kills, 3},
		{"pauses past the request timeout, resumed and resynced", pauses, 1},
		{"faults striking with records unacknowledged", inFlight, len(faults)},
		{"the pause moved leadership off the paused node", boolInt(moved > 0), 1},
		{"every record has an outcome through its future", int(o.ok.Load() + o.failed.Load()), total},
		{"records without a future", int(o.futureMissing.Load()), 0},
		{"acknowledged records lost", lost, 0},
		{"duplicates", sc.dup, 0},
		{"out of order within a partition", sc.disorder, 0},
		{"on the wrong partition", sc.wrongPart, 0},
		{"keys not of this run", sc.bad, 0},
		{"values not matching their key", mismatch, 0},
		{"acknowledged records all read", sc.read - sc.dup - failedPresent, int(o.ok.Load())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}

	// Negative control: the same records read in a shuffled order. If
	// the order check does not fire on it, "out of order 0" above proves
	// nothing.
	t.Run("negative control: shuffled read shows disorder", func(t *testing.T) {
		shuffled := newSeqCheck(total, parts)
		r := rand.New(rand.NewPCG(1, 2))
		for part, ids := range sc.order {
			ids = slices.Clone(ids)
			r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			for _, i := range ids {
				shuffled.observe(int32(part), int64(i))
			}
		}
		t.Logf("shuffled read: %d records, out of order %d, duplicated %d, lost %d", shuffled.read, shuffled.disorder, shuffled.dup, shuffled.lost(acked))
		if shuffled.disorder == 0 {
			t.Error("the order check saw no disorder in a shuffled read")
		}
		if shuffled.dup != sc.dup || shuffled.lost(acked) != lost {
			t.Errorf("shuffling changed the duplicate or loss counts: %d/%d, want %d/%d", shuffled.dup, shuffled.lost(acked), sc.dup, lost)
		}
	})
}

// TestClusterIdempotenceOffDuplicates is the duplicate check's negative
// control on real brokers: idempotence off (so one request in flight),
// acks=all, a 1s produce request timeout, and a follower of the one
// partition paused for 12s. The leader appends each request but cannot
// complete it while the paused follower is still in the ISR (10s, the
// cluster's replica.lag.time.max.ms), answers REQUEST_TIMED_OUT after 1s,
// and franz-go resends the same records: the checker must count
// duplicates.
func TestClusterIdempotenceOffDuplicates(t *testing.T) {
	const (
		pause = 12 * time.Second
	)
	kc := clusterEnv(t)
	_, rc := newRegistry(t)
	topic := topicName("cluster-dups")
	kc.createTopic(t, topic, 1, nil)
	t.Cleanup(func() { kc.heal(t) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	lead, err := kc.leaders(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	follower := int32(1)
	for follower == lead[0] {
		follower++
	}
	p, err := producer.New(producer.SeedBrokers(kc.brokers...), producer.Registry(rc),
		producer.Acks(producer.AcksAll), producer.Idempotence(false),
		producer.Linger(5*time.Millisecond), producer.RequestTimeout(time.Second),
		producer.DeliveryTimeout(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	vc := compile(t, serde.Schema{Format: serde.Avro, Text: avroValue}, "")
	typed := clusterTyped(t, ctx, p, topic, vc)

	const n = 400_000
	o := newOutcomes(n)
	pauseDone := make(chan struct{})
	sent := 0
	for ; sent < 5_000; sent++ {
		o.produce(ctx, typed, sent, 1)
	}
	go func() {
		defer close(pauseDone)
		kc.ctl(t, "pause", follower)
		time.Sleep(pause)
		kc.ctl(t, "resume", follower)
	}()
	// A steady stream across the pause, then 20,000 more records.
	for paused := true; paused && sent < n-20_000; {
		select {
		case <-pauseDone:
			paused = false
		default:
			for range 200 {
				o.produce(ctx, typed, sent, 1)
				sent++
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for end := sent + 20_000; sent < end; sent++ {
		o.produce(ctx, typed, sent, 1)
	}
	<-pauseDone
	if err := p.Flush(ctx); err != nil {
		t.Errorf("flush: %v", err)
	}
	if err := o.wait(ctx, sent); err != nil {
		t.Error(err)
	}
	if err := kc.waitInSync(ctx, topic, 3); err != nil {
		t.Error(err)
	}
	o.log(t)
	sc, _ := kc.check(t, topic, n, 1, vc)
	t.Logf("idempotence off, follower %d paused %v: %d sent, %d read, duplicated %d, out of order %d, lost %d",
		follower, pause, sent, sc.read, sc.dup, sc.disorder, sc.lost(func(i int) bool { return o.acked[i].Load() }))
	if sc.dup == 0 {
		t.Error("no duplicates with idempotence off while requests timed out: the duplicate check cannot be shown to fire")
	}
}

// TestClusterAcksOneUncleanLoss is the loss check's negative control:
// acks=1 on a partition with replicas [1 2], min.insync.replicas=1 and
// unclean.leader.election.enable=true. Node 2 is paused until it leaves
// the ISR; records then acknowledged by node 1 alone; node 1 is killed
// and node 2 resumed and elected (an unclean election: it is not in the
// ISR); node 1 restarts and truncates to node 2's log. The checker must
// count the acknowledged records that are gone.
func TestClusterAcksOneUncleanLoss(t *testing.T) {
	kc := clusterEnv(t)
	_, rc := newRegistry(t)
	topic := topicName("cluster-unclean")
	t.Cleanup(func() { kc.heal(t) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, -1, -1
	ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
	ra.Partition, ra.Replicas = 0, []int32{1, 2}
	rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
	for k, v := range map[string]string{"min.insync.replicas": "1", "unclean.leader.election.enable": "true"} {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		rt.Configs = append(rt.Configs, c)
	}
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 30_000
	resp, err := req.RequestWith(ctx, kc.cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.Topics[0].ErrorCode)
	}
	if err != nil {
		t.Fatalf("create %s: %v", topic, err)
	}
	if err := kc.waitInSync(ctx, topic, 2); err != nil {
		t.Fatal(err)
	}
	waitLeader := func(want int32, d time.Duration) (kadm.PartitionDetail, bool) {
		wctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		var last kadm.PartitionDetail
		for wctx.Err() == nil {
			if s, err := kc.topicState(wctx, topic); err == nil && len(s.Partitions) == 1 {
				last = s.Partitions[0]
				if last.Leader == want {
					return last, true
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		return last, false
	}
	if pd, ok := waitLeader(1, 30*time.Second); !ok {
		t.Fatalf("partition leader %d, want 1 (isr %v)", pd.Leader, pd.ISR)
	}

	p, err := producer.New(producer.SeedBrokers(kc.brokers...), producer.Registry(rc),
		producer.Acks(producer.AcksLeader), producer.Linger(time.Millisecond),
		producer.DeliveryTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	vc := compile(t, serde.Schema{Format: serde.Avro, Text: avroValue}, "")
	typed := clusterTyped(t, ctx, p, topic, vc)

	const half = 5_000
	o := newOutcomes(2 * half)
	for i := range half {
		o.produce(ctx, typed, i, 1)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Node 2 fetches the first half (it is in the ISR and fetches
	// continuously), then stops fetching; node 1 drops it from the ISR
	// after 10s.
	time.Sleep(3 * time.Second)
	kc.ctl(t, "pause", 2)
	shrunk := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if s, err := kc.topicState(ctx, topic); err == nil && len(s.Partitions) == 1 && slices.Equal(s.Partitions[0].ISR, []int32{1}) {
			shrunk = true
			break
		}
	}
	if !shrunk {
		kc.ctl(t, "resume", 2)
		t.Fatal("node 2 never left the ISR while paused")
	}
	for i := half; i < 2*half; i++ {
		o.produce(ctx, typed, i, 1)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.wait(ctx, 2*half); err != nil {
		t.Fatal(err)
	}
	p.Close(context.Background())
	kc.ctl(t, "kill", 1)
	kc.ctl(t, "resume", 2)
	how := "by the controller (unclean.leader.election.enable)"
	pd, ok := waitLeader(2, 20*time.Second)
	if !ok {
		how = "by an unclean ElectLeaders request"
		res, err := kc.adm.ElectLeaders(ctx, kadm.ElectLiveReplica, kadm.TopicsSet{topic: {0: {}}})
		t.Logf("ElectLeaders(live replica): %v %v", res, err)
		pd, ok = waitLeader(2, 30*time.Second)
	}
	if !ok {
		t.Fatalf("node 2 not elected: leader %d, isr %v", pd.Leader, pd.ISR)
	}
	kc.ctl(t, "restart", 1)
	if err := kc.waitInSync(ctx, topic, 2); err != nil {
		t.Fatal(err)
	}
	sc, _ := kc.check(t, topic, 2*half, 1, vc)
	lost := sc.lost(func(i int) bool { return o.acked[i].Load() })
	lostFirst := sc.lost(func(i int) bool { return i < half && o.acked[i].Load() })
	t.Logf("acks=1, node 2 elected %s: %d acknowledged, %d read, lost %d (%d written before the pause, %d while node 1 was alone in the ISR), duplicated %d, out of order %d",
		how, o.ok.Load(), sc.read, lost, lostFirst, lost-lostFirst, sc.dup, sc.disorder)
	if lost == 0 {
		t.Error("no acknowledged record lost after an unclean election with acks=1: the loss check cannot be shown to fire")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

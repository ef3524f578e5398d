package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

var faultRecords = flag.Int("faults.records", 200_000, "records TestFaults produces (at least 200,000 for the acceptance run)")

const faultParts = 6

// faultRun is what one run of the fault harness saw.
type faultRun struct {
	valid, invalid         int
	syncRejects            int
	futureOK, futureFailed int
	dltOutcomes            int
	lost, dup, misordered  int
	wrongPartition         int
	invalidOnTopic         int
	dltRecords, dltDup     int
	dltMissing             int
	faults                 map[string]int
	metrics                producer.Metrics
	elapsed                time.Duration
}

// injectFault installs the k-th fault of the cycle.
func injectFault(c *kfake.Cluster, k int, run *faultRun) {
	produce := []kmsg.Key{kmsg.Produce}
	switch k % 5 {
	case 0: // applied by the broker, then answered with an error
		c.Fault(kfake.Fault{Keys: produce, Err: kerr.RequestTimedOut, Count: 3})
		run.faults["REQUEST_TIMED_OUT (applied)"]++
	case 1: // applied by the broker, then answered with an error
		c.Fault(kfake.Fault{Keys: produce, Err: kerr.NotEnoughReplicasAfterAppend, Count: 3})
		run.faults["NOT_ENOUGH_REPLICAS_AFTER_APPEND (applied)"]++
	case 2:
		c.Fault(kfake.Fault{Keys: produce, Err: kerr.NotLeaderForPartition, Count: 3})
		run.faults["NOT_LEADER_OR_FOLLOWER"]++
	case 3:
		c.ShufflePartitionLeaders()
		run.faults["leader shuffle"]++
	case 4: // the broker closes the connection instead of answering
		c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
			return nil, errors.New("connection killed by test"), true
		})
		run.faults["connection kill"]++
	}
}

// runFaults produces n records (every 8th invalid) to a 3-broker kfake
// cluster while injecting faults every step records, then consumes the
// topic and the dead-letter topic and checks every record.
func runFaults(t *testing.T, n, step int, opts ...producer.Opt) faultRun {
	t.Helper()
	run := faultRun{faults: map[string]int{}}
	c := cluster(t, kfake.SeedTopics(faultParts, "faults", "faults.dlt"))
	var lossReported atomic.Int32
	base := []producer.Opt{
		producer.Linger(time.Millisecond),
		producer.MaxBufferedRecords(20_000),
		producer.OnDataLoss(func(string, int32) { lossReported.Add(1) }),
		producer.KgoOpts(kgo.RetryBackoffFn(func(int) time.Duration { return 10 * time.Millisecond })),
	}
	p := newProducer(t, c, append(base, opts...)...)
	typed := newOrders(t, p, "faults", producer.DeadLetter("faults.dlt"))
	ctx := context.Background()
	if err := p.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	var futureOK, futureFailed, dltOutcomes atomic.Int64
	var firstErr atomic.Value
	seq := make([]int, faultParts)
	start := time.Now()
	for i := range n {
		if i%step == 0 {
			injectFault(c, i/step, &run)
		}
		part := int32(i % faultParts)
		v := &order{Qty: 1}
		if i%8 == 7 {
			v.ID, v.Qty = "", 1+i%1000 // missing id: rejected
			run.invalid++
		} else {
			v.ID = strconv.Itoa(int(part)) + ":" + strconv.Itoa(seq[part])
			seq[part]++
			run.valid++
		}
		key := []byte("k" + strconv.Itoa(i))
		f, err := typed.Produce(ctx, key, v, producer.ToPartition(part))
		if err != nil {
			if !errors.Is(err, producer.ErrRejected) || v.ID != "" {
				t.Fatalf("record %d: %v", i, err)
			}
			run.syncRejects++
		}
		invalid := v.ID == ""
		f.Then(func(md producer.RecordMetadata, err error) {
			var rerr *producer.RejectError
			switch {
			case invalid && errors.As(err, &rerr) && rerr.DeadLetter != nil && errors.Is(err, serde.ErrRequired):
				dltOutcomes.Add(1)
			case !invalid && err == nil:
				futureOK.Add(1)
			default:
				futureFailed.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Errorf("record %d (invalid %v): %w", i, invalid, err))
			}
		})
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	run.elapsed = time.Since(start)
	eventually(t, func() bool { return futureOK.Load()+futureFailed.Load()+dltOutcomes.Load() == int64(n) })
	run.futureOK, run.futureFailed, run.dltOutcomes = int(futureOK.Load()), int(futureFailed.Load()), int(dltOutcomes.Load())
	if e := firstErr.Load(); e != nil {
		t.Logf("first failed future: %v", e)
	}
	run.metrics = p.Metrics()
	if lossReported.Load() > 0 {
		t.Errorf("franz-go reported data loss %d times", lossReported.Load())
	}

	// Consume the topic: per partition, ids must be p:0, p:1, ... exactly.
	next := make([]int, faultParts)
	for _, r := range consumeAll(t, c, "faults") {
		var o order
		if len(r.Value) < 5 || json.Unmarshal(r.Value[5:], &o) != nil || o.ID == "" {
			run.invalidOnTopic++
			continue
		}
		ps, ss, _ := strings.Cut(o.ID, ":")
		p, _ := strconv.Atoi(ps)
		s, _ := strconv.Atoi(ss)
		if int32(p) != r.Partition {
			run.wrongPartition++
			continue
		}
		switch {
		case s == next[p]:
			next[p]++
		case s < next[p]:
			run.dup++
		default:
			run.misordered++
			run.lost += s - next[p]
			next[p] = s + 1
		}
	}
	for p := range faultParts {
		run.lost += seq[p] - next[p]
	}
	// The dead-letter topic: every invalid record exactly once, by key.
	seen := map[string]int{}
	for _, r := range consumeAll(t, c, "faults.dlt") {
		run.dltRecords++
		seen[string(r.Key)]++
		if header(r, producer.HeaderDLTRule)[0] != "required" || header(r, producer.HeaderDLTPath)[0] != "id" {
			t.Errorf("dead-letter headers %v", r.Headers)
		}
	}
	for i := 7; i < n; i += 8 {
		switch seen["k"+strconv.Itoa(i)] {
		case 0:
			run.dltMissing++
		case 1:
		default:
			run.dltDup++
		}
	}
	return run
}

func TestFaults(t *testing.T) {
	n := *faultRecords
	run := runFaults(t, n, n/40) // 40 injections, 8 of each kind
	t.Logf("%d records (%d valid, %d invalid) in %v (%.0f records/s) with faults %v",
		n, run.valid, run.invalid, run.elapsed, float64(n)/run.elapsed.Seconds(), run.faults)
	t.Logf("consumed: lost %d, duplicated %d, misordered %d; dead letters %d (missing %d, duplicated %d)",
		run.lost, run.dup, run.misordered, run.dltRecords, run.dltMissing, run.dltDup)
	t.Logf("metrics: %+v", run.metrics)
	tests := []struct {
		name      string
		got, want int
	}{
		// From the futures, not the loop's counters (which add to n by
		// construction): each record acknowledged, or rejected with its
		// dead letter written.
		{"every record acknowledged or dead-lettered", run.futureOK + run.dltOutcomes, n},
		{"at least 200000 records unless -faults.records is set", boolInt(n >= 200_000 || faultRecordsSet()), 1},
		{"invalid share at least 10%", boolInt(run.invalid*10 >= n), 1},
		{"every invalid record rejected synchronously", run.syncRejects, run.invalid},
		{"every valid future succeeded", run.futureOK, run.valid},
		{"no future failed", run.futureFailed, 0},
		{"every invalid future names its dead letter", run.dltOutcomes, run.invalid},
		{"lost", run.lost, 0},
		{"duplicated", run.dup, 0},
		{"out of order", run.misordered, 0},
		{"wrong partition", run.wrongPartition, 0},
		{"invalid on the topic", run.invalidOnTopic, 0},
		{"dead letters", run.dltRecords, run.invalid},
		{"dead letters missing", run.dltMissing, 0},
		{"dead letters duplicated", run.dltDup, 0},
		{"metrics sent", int(run.metrics.RecordsSent), run.valid},
		{"metrics rejected", int(run.metrics.RecordsRejected), run.invalid},
		{"metrics dead lettered", int(run.metrics.DeadLettered), run.invalid},
		{"metrics failed", int(run.metrics.RecordsFailed), 0},
		{"every fault kind injected", len(run.faults), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
}

// TestFaultsNegativeControl runs the same harness with idempotence off and
// only the faults a broker applies before answering with an error: the
// client's retries then write records twice, and the checker must see it.
// If this test fails, TestFaults's "duplicated 0" proves nothing.
func TestFaultsNegativeControl(t *testing.T) {
	const n = 20_000
	run := runFaults(t, n, n/40, producer.Idempotence(false))
	t.Logf("idempotence off: lost %d, duplicated %d, misordered %d, faults %v", run.lost, run.dup, run.misordered, run.faults)
	if run.dup == 0 {
		t.Fatal("no duplicates with idempotence off under applied-then-failed produce requests: the duplicate check cannot fail")
	}
}

// faultRecordsSet reports whether -faults.records was given on the command
// line (a smaller run on purpose); without it the default must be used.
func faultRecordsSet() bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "faults.records" })
	return set
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

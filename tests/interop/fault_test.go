//go:build interop

package interop

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// runKafkaSh runs kafka.sh with one command; it marks the test failed on
// error (it may run outside the test goroutine, so it does not stop it).
func runKafkaSh(t *testing.T, sh, cmd string) time.Duration {
	start := time.Now()
	out, err := exec.Command("bash", sh, cmd).CombinedOutput()
	if err != nil {
		t.Errorf("kafka.sh %s: %v\n%s", cmd, err, out)
	}
	return time.Since(start)
}

// TestBrokerKillMidStream: a typed Avro producer with acks=all and
// idempotence writes 200,000 records; after 60,000 are acknowledged the
// broker is killed with SIGKILL (kafka.sh kill), and restarted on the same
// storage 2s later while the producer keeps going and retries. Afterwards
// every record has an outcome (acked + failed = sent), every acknowledged
// record is on the topic exactly once, and no record is there twice.
func TestBrokerKillMidStream(t *testing.T) {
	_, cl := newRegistry(t)
	topic := topicName("fault")
	createTopics(t, partitions, topic)
	bs, sh := brokers(t), kafkaSh(t)
	// Whatever happens, leave a running broker for the tests after this.
	t.Cleanup(func() { runKafkaSh(t, sh, "start") })

	p, err := producer.New(producer.SeedBrokers(bs...), producer.Registry(cl),
		producer.HighDurability(), // acks=all, idempotence, 5 in flight
		producer.Linger(5*time.Millisecond),
		producer.DeliveryTimeout(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	vc := compile(t, serde.Schema{Format: serde.Avro, Text: avroValue}, "")
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, map[string]any]{
		Topic: topic, Value: producer.Side{Schema: producer.SchemaSource{Compiled: vc}, IDSource: registry.AutoRegister()},
	})
	if err != nil {
		t.Fatal(err)
	}

	const (
		total  = 200_000
		killAt = 60_000
	)
	acked := make([]atomic.Bool, total)
	var nAcked, nFailed atomic.Int64
	var errMu sync.Mutex
	failures := map[string]int{}
	killed := make(chan struct{})
	var killOnce sync.Once
	var killedAtAcked, sentAtKill atomic.Int64
	var sent atomic.Int64

	var faultWG sync.WaitGroup
	faultWG.Add(1)
	var killTook, restartTook time.Duration
	go func() {
		defer faultWG.Done()
		<-killed
		sentAtKill.Store(sent.Load())
		killTook = runKafkaSh(t, sh, "kill")
		time.Sleep(2 * time.Second)
		restartTook = runKafkaSh(t, sh, "start")
	}()

	start := time.Now()
	for i := range total {
		v := map[string]any{"id": fmt.Sprintf("order-%d", i), "seq": int64(i), "amount": float64(i) / 4, "tags": []any{}}
		err := typed.ProduceFunc(ctx, nil, v, func(_ producer.RecordMetadata, err error) {
			if err != nil {
				nFailed.Add(1)
				errMu.Lock()
				failures[err.Error()]++
				errMu.Unlock()
				return
			}
			acked[i].Store(true)
			if nAcked.Add(1) == killAt {
				killedAtAcked.Store(killAt)
				killOnce.Do(func() { close(killed) })
			}
		})
		sent.Add(1)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			// Reported through the callback too; counted there.
			t.Logf("record %d: Produce: %v", i, err)
		}
	}
	produced := time.Since(start)
	killOnce.Do(func() { close(killed) }) // never fewer acks than killAt, but do not hang
	faultWG.Wait()
	if t.Failed() {
		return
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatalf("flush: %v (acked %d, failed %d)", err, nAcked.Load(), nFailed.Load())
	}
	elapsed := time.Since(start)
	a, f := nAcked.Load(), nFailed.Load()
	t.Logf("%d records handed over in %v, all outcomes after %v; broker killed when %d were acked and %d handed over (kill %v, restart to ready %v + 2s down)",
		total, produced.Round(time.Millisecond), elapsed.Round(time.Millisecond), killedAtAcked.Load(), sentAtKill.Load(), killTook.Round(time.Millisecond), restartTook.Round(time.Millisecond))
	t.Logf("acked %d, failed %d, sent %d", a, f, total)
	for e, n := range failures {
		t.Logf("failure x%d: %s", n, e)
	}
	if a+f != total {
		t.Errorf("acked %d + failed %d = %d, want every one of the %d records to have an outcome", a, f, a+f, total)
	}
	m := p.Metrics()
	t.Logf("metrics: sent %d, failed %d, produce requests %d, request errors %d", m.RecordsSent, m.RecordsFailed, m.ProduceRequests, m.RequestErrors)

	// Consume everything: each acknowledged record exactly once, nothing
	// twice.
	recs := consumeAll(t, topic)
	count := make([]int, total)
	d := &serde.Deserializer{Role: serde.Value, Lookup: func(serde.Frame) (serde.Compiled, error) { return vc, nil }}
	for _, r := range recs {
		var v any
		if _, err := d.Decode(r.Value, nil, &v); err != nil {
			t.Fatalf("offset %d: %v", r.Offset, err)
		}
		seq, ok := v.(map[string]any)["seq"].(int64)
		if !ok || seq < 0 || seq >= total {
			t.Fatalf("offset %d: bad seq in %v", r.Offset, v)
		}
		count[seq]++
	}
	var missing, dups, failedPresent int
	for i := range total {
		switch {
		case count[i] > 1:
			dups++
		case acked[i].Load() && count[i] == 0:
			missing++
		}
		if !acked[i].Load() && count[i] > 0 {
			failedPresent++
		}
	}
	t.Logf("on the topic: %d records; acked missing %d, duplicated %d, failed but present %d", len(recs), missing, dups, failedPresent)
	if missing != 0 {
		t.Errorf("%d acknowledged records are not on the topic", missing)
	}
	if dups != 0 {
		t.Errorf("%d records are on the topic more than once", dups)
	}
	if killedAtAcked.Load() != killAt {
		t.Errorf("the broker was never killed mid-stream (acked %d)", a)
	}

	if t.Failed() {
		return
	}

	// Part two: the broker stays down longer than the delivery timeout.
	// Every record must then fail through its future (none is lost
	// silently, none is acknowledged), and none reaches the topic.
	runKafkaSh(t, sh, "kill")
	p2, err := producer.New(producer.SeedBrokers(bs...), producer.HighDurability(),
		producer.DeliveryTimeout(4*time.Second), producer.RequestTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	typed2, err := producer.NewTyped(ctx, p2, producer.Spec[[]byte, map[string]any]{
		Topic: topic, Value: producer.Side{Schema: producer.SchemaSource{Compiled: vc}, ID: typed.SchemaID()},
	})
	if err != nil {
		t.Fatal(err)
	}
	const down = 5_000
	var futs []*producer.Future
	for i := range down {
		v := map[string]any{"id": "down", "seq": int64(total + i), "amount": 0.0, "tags": []any{}}
		f, err := typed2.Produce(ctx, nil, v)
		if err != nil {
			t.Logf("record %d: Produce: %v", i, err)
		}
		futs = append(futs, f)
	}
	var ok2, failed2 int
	reasons := map[string]int{}
	for _, f := range futs {
		if _, err := f.Get(ctx); err != nil {
			failed2++
			reasons[err.Error()]++
		} else {
			ok2++
		}
	}
	p2.Close(context.Background())
	restart2 := runKafkaSh(t, sh, "start")
	t.Logf("broker down: %d records sent, %d acked, %d failed through their futures (broker back after %v)", down, ok2, failed2, restart2.Round(time.Millisecond))
	for e, n := range reasons {
		t.Logf("failure x%d: %s", n, e)
	}
	if ok2+failed2 != down || failed2 != down {
		t.Errorf("with the broker down: %d acked + %d failed, want all %d failed", ok2, failed2, down)
	}
	if after := consumeAll(t, topic); len(after) != len(recs) {
		t.Errorf("%d records on the topic after the failed batch, want %d (failed records must not appear)", len(after), len(recs))
	}
}

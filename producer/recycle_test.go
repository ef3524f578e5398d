package producer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
)

// hookNoop is a client hook of the user's own (through KgoOpts); with it,
// records are not recycled, since a hook may keep a *kgo.Record.
type hookNoop struct{}

func (hookNoop) OnProduceRecordBuffered(*kgo.Record) {}

// allocsPerRecord measures, on one client, the heap allocations per record
// of raw kgo producing pre-encoded bytes (a fresh *kgo.Record each) and of
// the typed producer through Produce and ProduceFunc.
func allocsPerRecord(t *testing.T, opts ...producer.Opt) (raw, typed, typedFunc float64) {
	c := cluster(t, kfake.SeedTopics(3, "allocs"), kfake.BlackholeProduce())
	p := newProducer(t, c, opts...)
	orders := newOrders(t, p, "allocs", nil)
	ctx := context.Background()
	v := &order{ID: "evt-1" + strings.Repeat("n", 150), Qty: 7}
	key := []byte("key-1")
	value, _ := orderSchema{}.AppendEncode([]byte{0, 0, 0, 0, 42}, v)
	if _, err := orders.ProduceSync(ctx, key, v); err != nil {
		t.Fatal(err)
	}
	flush := func() {
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const n = 2000
	cl := p.Client()
	raw = testing.AllocsPerRun(n, func() {
		cl.Produce(ctx, &kgo.Record{Topic: "allocs", Key: key, Value: value}, nil)
	})
	flush()
	// Warm-up: records are recycled once acknowledged, so the first n
	// records of a producer fill its pool; the pool then holds as many
	// records as are in flight at once.
	for range n + 1 {
		if _, err := orders.Produce(ctx, key, v); err != nil {
			t.Fatal(err)
		}
	}
	flush()
	typed = testing.AllocsPerRun(n, func() {
		if _, err := orders.Produce(ctx, key, v); err != nil {
			t.Fatal(err)
		}
	})
	flush()
	typedFunc = testing.AllocsPerRun(n, func() {
		if err := orders.ProduceFunc(ctx, key, v, nil); err != nil {
			t.Fatal(err)
		}
	})
	flush()
	return raw, typed, typedFunc
}

// TestTypedAllocatesNoMoreThanRaw: a typed record costs no heap allocation
// beyond what raw kgo allocates for the same record (its *kgo.Record), as
// the typed producer's pending record and value buffer are recycled once
// kgo has promised them: Produce allocates its Future alone, ProduceFunc
// nothing. With a hook of the user's on the client, recycling is off and
// the count goes up: the negative control, showing the check can fire.
func TestTypedAllocatesNoMoreThanRaw(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	raw, typed, typedFunc := allocsPerRecord(t)
	t.Logf("allocations per record: raw kgo %v, Produce %v, ProduceFunc %v", raw, typed, typedFunc)
	if typed > raw || typedFunc > raw {
		t.Errorf("typed records allocate more than raw kgo's: Produce %v, ProduceFunc %v, raw %v", typed, typedFunc, raw)
	}
	if typedFunc >= typed {
		t.Errorf("ProduceFunc allocates %v per record, Produce %v: the Future should be ProduceFunc's only saving", typedFunc, typed)
	}

	raw, typed, _ = allocsPerRecord(t, producer.KgoOpts(kgo.WithHooks(hookNoop{})))
	t.Logf("with a user hook (no recycling): raw kgo %v, Produce %v", raw, typed)
	if typed <= raw {
		t.Errorf("negative control: without recycling Produce allocates %v per record, raw kgo %v; the check above cannot fire", typed, raw)
	}
}

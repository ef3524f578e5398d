package producer_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	avroevent "github.com/schemagen/schemagen/codegen/testdata/avro-event/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

// BenchmarkRatioProduce measures, on one kfake cluster that acknowledges
// without storing (kfake.BlackholeProduce) and one kgo.Client, in
// interleaved blocks of records:
//
//   - typed: producer.Typed over the generated avroevent.Event (validated
//     and encoded by its generated AppendAvro, framed);
//   - raw-kgo: kgo.Client.Produce of the very bytes typed sends,
//     pre-encoded;
//   - kgo-sr-serde: what a user writes without schemagen: franz-go's
//     sr.Serde with hamba's avro.Marshal, then kgo.Client.Produce.
//
// It reports typed/raw-kgo and typed/kgo-sr-serde as records-per-second
// ratios (`make bench-ratios`).
func BenchmarkRatioProduce(b *testing.B) {
	c := cluster(b, kfake.SeedTopics(6, "bench"), kfake.BlackholeProduce())
	p := newProducer(b, c)
	ctx := context.Background()
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *avroevent.Event]{
		Topic: "bench",
		Value: producer.Side{Schema: avroevent.EventSide().Schema, ID: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	values := make([]*avroevent.Event, benchRing)
	keys := make([][]byte, benchRing)
	raw := make([][]byte, benchRing)
	for i := range values {
		values[i] = &avroevent.Event{
			ID: "evt-" + strconv.Itoa(100000+i), User: "user-" + strconv.Itoa(i%97),
			Amount: int64(i * 37), Currency: "EUR", Note: strings.Repeat("n", 150),
		}
		keys[i] = []byte("key-" + strconv.Itoa(i))
		if raw[i], err = values[i].AppendAvro(serde.AppendPrefix(nil, 1)); err != nil {
			b.Fatal(err)
		}
	}
	sch := avro.MustParse(avroevent.EventSchema)
	var srs sr.Serde
	srs.Register(1, &avroevent.Event{}, sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(sch, v) }))
	if b, err := srs.Encode(values[0]); err != nil || string(b) != string(raw[0]) {
		panic("sr.Serde and the generated encoder disagree: " + strconv.Quote(string(b)) + " " + strconv.Quote(string(raw[0])))
	}
	if _, err := typed.ProduceSync(ctx, keys[0], values[0]); err != nil {
		b.Fatal(err)
	}
	cl := p.Client()
	var failed atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	sides := []func(i int){
		func(i int) { // typed
			if _, err := typed.Produce(ctx, keys[i], values[i]); err != nil {
				b.Fatal(err)
			}
		},
		func(i int) { // raw-kgo
			cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: keys[i], Value: raw[i]}, promise)
		},
		func(i int) { // kgo-sr-serde
			v, err := srs.Encode(values[i])
			if err != nil {
				b.Fatal(err)
			}
			cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: keys[i], Value: v}, promise)
		},
	}
	const block = 20000
	var spent, cpu [3]time.Duration
	n := 0
	for b.Loop() {
		for s, side := range sides {
			start, cpu0 := time.Now(), processCPU()
			for i := range block {
				side(i % benchRing)
			}
			if err := p.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			spent[s] += time.Since(start)
			cpu[s] += processCPU() - cpu0
		}
		n += block
	}
	if failed.Load() > 0 {
		b.Fatalf("%d records failed", failed.Load())
	}
	rate := func(s int) float64 { return float64(n) / spent[s].Seconds() }
	b.ReportMetric(rate(0), "typed-records/s")
	b.ReportMetric(rate(1), "raw-kgo-records/s")
	b.ReportMetric(rate(2), "kgo-sr-serde-records/s")
	b.ReportMetric(rate(0)/rate(1), "typed/raw-kgo")
	b.ReportMetric(rate(0)/rate(2), "typed/kgo-sr-serde")
	// CPU of the whole process (client and in-process brokers) per
	// record: steadier than wall time on a shared machine.
	perRec := func(s int) float64 { return float64(cpu[s].Nanoseconds()) / float64(n) }
	b.ReportMetric(perRec(0), "typed-cpu-ns/rec")
	b.ReportMetric(perRec(1), "raw-kgo-cpu-ns/rec")
	b.ReportMetric(perRec(2), "kgo-sr-serde-cpu-ns/rec")
}

// BenchmarkTypedProduceAllocs is the typed side alone, for its
// allocations per record.
func BenchmarkTypedProduceAllocs(b *testing.B) {
	c := cluster(b, kfake.SeedTopics(6, "bench"), kfake.BlackholeProduce())
	p := newProducer(b, c)
	ctx := context.Background()
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *avroevent.Event]{
		Topic: "bench", Value: producer.Side{Schema: avroevent.EventSide().Schema, ID: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	v := &avroevent.Event{ID: "evt-1", User: "user-1", Amount: 37, Currency: "EUR", Note: strings.Repeat("n", 150)}
	key := []byte("key-1")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := typed.Produce(ctx, key, v); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRawProduceAllocs is the raw-kgo side of BenchmarkRatioProduce
// alone (the same pre-encoded bytes, a fresh *kgo.Record per record), for
// its allocations per record: what TypedProduceAllocs is measured against.
func BenchmarkRawProduceAllocs(b *testing.B) {
	c := cluster(b, kfake.SeedTopics(6, "bench"), kfake.BlackholeProduce())
	p := newProducer(b, c)
	ctx := context.Background()
	v := &avroevent.Event{ID: "evt-1", User: "user-1", Amount: 37, Currency: "EUR", Note: strings.Repeat("n", 150)}
	raw, err := v.AppendAvro(serde.AppendPrefix(nil, 1))
	if err != nil {
		b.Fatal(err)
	}
	key := []byte("key-1")
	cl := p.Client()
	var failed atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: key, Value: raw}, promise)
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if failed.Load() > 0 {
		b.Fatalf("%d records failed", failed.Load())
	}
}

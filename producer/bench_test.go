package producer_test

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/formats"
)

// The benchmarks compare, on the same 3-broker kfake cluster and the same
// kgo.Client settings in one run:
//
//   - raw: kgo.Client.Produce of pre-encoded, pre-framed bytes;
//   - typed: producer.Typed.Produce of the Go values those bytes came from
//     (Avro validation, encoding and framing on every record).
//
// Run (numbers in docs/perf/producer.md):
//
//	go test ./producer -run '^$' -bench 'Produce' -benchtime 200000x -count 5

const benchSchema = `{"type":"record","name":"Event","namespace":"bench","fields":[
 {"name":"id","type":"string"},
 {"name":"user","type":"string"},
 {"name":"amount","type":"long"},
 {"name":"currency","type":"string"},
 {"name":"note","type":"string"}]}`

type benchEvent struct {
	ID       string `avro:"id"`
	User     string `avro:"user"`
	Amount   int64  `avro:"amount"`
	Currency string `avro:"currency"`
	Note     string `avro:"note"`
}

const benchRing = 1024 // distinct values, reused round the ring

func benchValues() []*benchEvent {
	out := make([]*benchEvent, benchRing)
	for i := range out {
		out[i] = &benchEvent{
			ID:       "evt-" + strconv.Itoa(100000+i),
			User:     "user-" + strconv.Itoa(i%97),
			Amount:   int64(i * 37),
			Currency: "EUR",
			Note:     strings.Repeat("n", 150),
		}
	}
	return out
}

type benchEnv struct {
	p      *producer.Producer
	typed  *producer.Typed[[]byte, *benchEvent]
	values []*benchEvent
	keys   [][]byte
	raw    [][]byte // the typed producer's own framed bytes for values[i]
}

func newBenchEnv(b *testing.B, kopts ...kfake.Opt) *benchEnv {
	b.Helper()
	c := cluster(b, append([]kfake.Opt{kfake.SeedTopics(6, "bench")}, kopts...)...)
	p := newProducer(b, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, *benchEvent]{
		Topic: "bench",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: benchSchema}, Compile: avro.Compiler}, ID: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	env := &benchEnv{p: p, typed: typed, values: benchValues()}
	// Pre-encode through a one-off serializer on the same schema: the raw
	// side sends exactly these bytes.
	ser, err := serde.NewSerializer(mustCompile(b), serde.SerializerConfig{Topic: "bench", Subject: "bench-value", ID: 1})
	if err != nil {
		b.Fatal(err)
	}
	for i, v := range env.values {
		buf, err := ser.AppendSerialize(nil, v)
		if err != nil {
			b.Fatal(err)
		}
		env.raw = append(env.raw, buf)
		env.keys = append(env.keys, []byte("key-"+strconv.Itoa(i)))
	}
	if err := p.Ping(context.Background()); err != nil {
		b.Fatal(err)
	}
	// Warm up: topic metadata and producer ID.
	if _, err := typed.ProduceSync(context.Background(), env.keys[0], env.values[0]); err != nil {
		b.Fatal(err)
	}
	return env
}

func mustCompile(b *testing.B) serde.Compiled {
	c, err := formats.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: benchSchema}, serde.MapResolver{})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func report(b *testing.B, env *benchEnv, bytes int64) {
	if err := env.p.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "records/s")
	b.SetBytes(bytes / int64(max(b.N, 1)))
}

func BenchmarkProduce(b *testing.B) {
	b.Run("raw", func(b *testing.B) {
		env := newBenchEnv(b)
		cl := env.p.Client()
		var failed atomic.Int64
		promise := func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
			}
		}
		ctx := context.Background()
		var bytes int64
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			j := i % benchRing
			cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: env.keys[j], Value: env.raw[j]}, promise)
			bytes += int64(len(env.raw[j]))
		}
		report(b, env, bytes)
		if failed.Load() > 0 {
			b.Fatalf("%d records failed", failed.Load())
		}
	})
	b.Run("typed", func(b *testing.B) {
		env := newBenchEnv(b)
		ctx := context.Background()
		var bytes int64
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			j := i % benchRing
			if _, err := env.typed.Produce(ctx, env.keys[j], env.values[j]); err != nil {
				b.Fatal(err)
			}
			bytes += int64(len(env.raw[j]))
		}
		report(b, env, bytes)
		if m := env.p.Metrics(); m.RecordsFailed > 0 {
			b.Fatalf("%d records failed", m.RecordsFailed)
		}
	})
}

func BenchmarkProduceParallel(b *testing.B) {
	b.Run("raw", func(b *testing.B) {
		env := newBenchEnv(b)
		cl := env.p.Client()
		var failed atomic.Int64
		promise := func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
			}
		}
		ctx := context.Background()
		var next atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				j := int(next.Add(1)) % benchRing
				cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: env.keys[j], Value: env.raw[j]}, promise)
			}
		})
		report(b, env, int64(b.N)*int64(len(env.raw[0])))
		if failed.Load() > 0 {
			b.Fatalf("%d records failed", failed.Load())
		}
	})
	b.Run("typed", func(b *testing.B) {
		env := newBenchEnv(b)
		ctx := context.Background()
		var next atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				j := int(next.Add(1)) % benchRing
				if _, err := env.typed.Produce(ctx, env.keys[j], env.values[j]); err != nil {
					b.Error(err)
					return
				}
			}
		})
		report(b, env, int64(b.N)*int64(len(env.raw[0])))
		if m := env.p.Metrics(); m.RecordsFailed > 0 {
			b.Fatalf("%d records failed", m.RecordsFailed)
		}
	})
}

// BenchmarkSerialize is the serde part of the typed path alone: validate,
// encode and frame one value.
func BenchmarkSerialize(b *testing.B) {
	ser, err := serde.NewSerializer(mustCompile(b), serde.SerializerConfig{Topic: "bench", Subject: "bench-value", ID: 1})
	if err != nil {
		b.Fatal(err)
	}
	vals := benchValues()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ser.AppendSerialize(make([]byte, 0, 256), vals[i%benchRing]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTypedVsRaw alternates blocks of raw and typed records on one
// client, so that load from other processes on the machine hits both sides
// alike, and reports each side's rate and their ratio. b.N is the records
// of each side. The parallel variants produce from GOMAXPROCS goroutines.
func BenchmarkTypedVsRaw(b *testing.B) {
	for _, bc := range []struct {
		name  string
		par   int
		kopts []kfake.Opt
	}{
		{"sequential", 1, nil},
		{"parallel-" + strconv.Itoa(2*runtime.GOMAXPROCS(0)), 2 * runtime.GOMAXPROCS(0), nil},
		// kfake acknowledges without storing: the brokers' copy of
		// the records leaves the measurement, as with a remote cluster.
		{"blackhole-sequential", 1, []kfake.Opt{kfake.BlackholeProduce()}},
		{"blackhole-parallel-" + strconv.Itoa(2*runtime.GOMAXPROCS(0)), 2 * runtime.GOMAXPROCS(0), []kfake.Opt{kfake.BlackholeProduce()}},
	} {
		par := bc.par
		b.Run(bc.name, func(b *testing.B) {
			env := newBenchEnv(b, bc.kopts...)
			cl := env.p.Client()
			ctx := context.Background()
			promise := func(_ *kgo.Record, err error) {
				if err != nil {
					b.Error(err)
				}
			}
			const block = 20000
			var rawT, typedT, rawCPU, typedCPU time.Duration
			run := func(n int, typed bool) (time.Duration, time.Duration) {
				start, cpu0 := time.Now(), processCPU()
				var wg sync.WaitGroup
				var next atomic.Int64
				for range par {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= n {
								return
							}
							j := i % benchRing
							if typed {
								if _, err := env.typed.Produce(ctx, env.keys[j], env.values[j]); err != nil {
									b.Error(err)
									return
								}
							} else {
								cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: env.keys[j], Value: env.raw[j]}, promise)
							}
						}
					}()
				}
				wg.Wait()
				if err := env.p.Flush(ctx); err != nil {
					b.Fatal(err)
				}
				return time.Since(start), processCPU() - cpu0
			}
			b.ResetTimer()
			for done := 0; done < b.N; done += block {
				n := min(block, b.N-done)
				w, c := run(n, false)
				rawT, rawCPU = rawT+w, rawCPU+c
				w, c = run(n, true)
				typedT, typedCPU = typedT+w, typedCPU+c
			}
			b.StopTimer()
			rawRate := float64(b.N) / rawT.Seconds()
			typedRate := float64(b.N) / typedT.Seconds()
			b.ReportMetric(rawRate, "raw-records/s")
			b.ReportMetric(typedRate, "typed-records/s")
			b.ReportMetric(typedRate/rawRate, "typed/raw")
			// CPU of the whole process (client and in-process brokers)
			// per record: what bounds throughput on a dedicated machine,
			// and steadier than wall time on a shared one.
			b.ReportMetric(float64(rawCPU)/float64(b.N), "raw-cpu-ns/record")
			b.ReportMetric(float64(typedCPU)/float64(b.N), "typed-cpu-ns/record")
			b.ReportMetric(float64(rawCPU)/float64(typedCPU), "cpu-raw/typed")
		})
	}
}

// BenchmarkProducerOverhead isolates this package's per-record cost: a
// typed producer whose schema's encoding is a few appends (orderSchema),
// against raw kgo sending the same bytes, interleaved like TypedVsRaw.
func BenchmarkProducerOverhead(b *testing.B) { benchOverhead(b, false) }

// BenchmarkProducerOverheadFunc is BenchmarkProducerOverhead through
// ProduceFunc (a callback, no Future) instead of Produce.
func BenchmarkProducerOverheadFunc(b *testing.B) { benchOverhead(b, true) }

func benchOverhead(b *testing.B, useFunc bool) {
	var failed atomic.Int64
	onDone := func(_ producer.RecordMetadata, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	c := cluster(b, kfake.SeedTopics(6, "bench"))
	p := newProducer(b, c)
	typed := newOrders(b, p, "bench", nil)
	ctx := context.Background()
	vals := make([]*order, benchRing)
	raw := make([][]byte, benchRing)
	keys := make([][]byte, benchRing)
	for i := range vals {
		vals[i] = &order{ID: "evt-" + strconv.Itoa(i) + strings.Repeat("n", 170), Qty: i % 1000}
		buf, _ := orderSchema{}.AppendEncode([]byte{0, 0, 0, 0, 42}, vals[i])
		raw[i] = buf
		keys[i] = []byte("key-" + strconv.Itoa(i))
	}
	if _, err := typed.ProduceSync(ctx, keys[0], vals[0]); err != nil {
		b.Fatal(err)
	}
	cl := p.Client()
	const block = 20000
	var rawT, typedT, rawCPU, typedCPU time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		start, cpu0 := time.Now(), processCPU()
		for i := range n {
			j := i % benchRing
			cl.Produce(ctx, &kgo.Record{Topic: "bench", Key: keys[j], Value: raw[j]}, nil)
		}
		if err := p.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		rawT += time.Since(start)
		rawCPU += processCPU() - cpu0
		start, cpu0 = time.Now(), processCPU()
		for i := range n {
			j := i % benchRing
			if useFunc {
				if err := typed.ProduceFunc(ctx, keys[j], vals[j], onDone); err != nil {
					b.Fatal(err)
				}
			} else if _, err := typed.Produce(ctx, keys[j], vals[j]); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		typedT += time.Since(start)
		typedCPU += processCPU() - cpu0
	}
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d records failed", failed.Load())
	}
	b.ReportMetric(float64(typedCPU-rawCPU)/float64(b.N), "overhead-cpu-ns/record")
	b.ReportMetric(float64(b.N)/rawT.Seconds(), "raw-records/s")
	b.ReportMetric(float64(b.N)/typedT.Seconds(), "typed-records/s")
	b.ReportMetric(rawT.Seconds()/typedT.Seconds(), "typed/raw")
	b.ReportMetric(float64(typedT-rawT)/float64(b.N), "overhead-ns/record")
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

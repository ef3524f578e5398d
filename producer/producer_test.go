package producer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
)

func TestNewValidation(t *testing.T) {
	seed := producer.SeedBrokers("127.0.0.1:1")
	tests := []struct {
		name string
		opts []producer.Opt
		want []string // every fragment must be in the one error
	}{
		{name: "no seeds", opts: nil, want: []string{"no seed brokers"}},
		{name: "bad acks", opts: []producer.Opt{seed, producer.Acks(5)}, want: []string{"acks 5"}},
		{name: "idempotence with acks 1", opts: []producer.Opt{seed, producer.Acks(producer.AcksLeader), producer.Idempotence(true)}, want: []string{"idempotence needs acks=all"}},
		{name: "in flight over 5 with idempotence", opts: []producer.Opt{seed, producer.MaxInFlight(6)}, want: []string{"keeps 5 in flight"}},
		{name: "negative linger", opts: []producer.Opt{seed, producer.Linger(-time.Second)}, want: []string{"linger"}},
		{name: "tiny batch", opts: []producer.Opt{seed, producer.MaxBatchBytes(10)}, want: []string{"max batch bytes 10"}},
		{name: "bad codec", opts: []producer.Opt{seed, producer.Compression(99)}, want: []string{"compression codec 99"}},
		{name: "zero buffer", opts: []producer.Opt{seed, producer.MaxBufferedRecords(0)}, want: []string{"max buffered records 0"}},
		{name: "empty sasl user", opts: []producer.Opt{seed, producer.SASLPlain("", "x")}, want: []string{"sasl plain: empty user"}},
		{name: "short delivery timeout", opts: []producer.Opt{seed, producer.DeliveryTimeout(time.Millisecond)}, want: []string{"delivery timeout 1ms"}},
		{name: "nil tls", opts: []producer.Opt{seed, producer.TLS(nil)}, want: []string{"nil tls config"}},
		{name: "all at once", opts: []producer.Opt{producer.Retries(-1), producer.RequestTimeout(-1), producer.MaxBufferedBytes(-1)},
			want: []string{"no seed brokers", "retries -1", "request timeout", "max buffered bytes -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := producer.New(tt.opts...)
			if err == nil {
				_ = p.Close(context.Background())
				t.Fatal("New succeeded, want an error")
			}
			if !errors.Is(err, producer.ErrInvalidOption) {
				t.Errorf("error %v does not wrap ErrInvalidOption", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestAcksWithoutIdempotenceTurnsItOff(t *testing.T) {
	// Java's rule: a weaker acks with idempotence unset turns it off.
	p, err := producer.New(producer.SeedBrokers("127.0.0.1:1"), producer.Acks(producer.AcksLeader))
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Close(context.Background())
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		codec   producer.Codec
		wantErr bool
	}{
		{name: "none", in: "none", codec: producer.NoCompression},
		{name: "gzip", in: "gzip", codec: producer.Gzip},
		{name: "snappy", in: "snappy", codec: producer.Snappy},
		{name: "lz4", in: "LZ4", codec: producer.LZ4},
		{name: "zstd", in: "zstd", codec: producer.Zstd},
		{name: "bad", in: "brotli", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := producer.ParseCodec(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && c != tt.codec {
				t.Fatalf("codec = %v, want %v", c, tt.codec)
			}
		})
	}
	for _, tt := range []struct {
		name string
		in   string
		want producer.AckLevel
	}{{"0", "0", producer.AcksNone}, {"1", "1", producer.AcksLeader}, {"all", "all", producer.AcksAll}, {"-1", "-1", producer.AcksAll}} {
		t.Run("acks "+tt.name, func(t *testing.T) {
			a, err := producer.ParseAcks(tt.in)
			if err != nil || a != tt.want {
				t.Fatalf("ParseAcks(%q) = %v, %v", tt.in, a, err)
			}
		})
	}
	if _, err := producer.ParseAcks("2"); err == nil {
		t.Fatal("ParseAcks(2) succeeded")
	}
}

// batchHook records what the client wrote in its produce batches.
type batchHook struct {
	mu          sync.Mutex
	compression map[uint8]int
	maxBytes    int
	records     int
}

func (h *batchHook) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.compression == nil {
		h.compression = map[uint8]int{}
	}
	h.compression[m.CompressionType]++
	h.maxBytes = max(h.maxBytes, m.UncompressedBytes)
	h.records += m.NumRecords
}

func (h *batchHook) recordCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.records
}

// produceReqs records the produce requests the cluster sees.
type produceReqs struct {
	mu   sync.Mutex
	acks map[int16]int
	tmo  map[int32]int
}

func observeProduce(c *kfake.Cluster) *produceReqs {
	o := &produceReqs{acks: map[int16]int{}, tmo: map[int32]int{}}
	c.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.ProduceRequest)
		o.mu.Lock()
		o.acks[req.Acks]++
		o.tmo[req.TimeoutMillis]++
		o.mu.Unlock()
		return nil, nil, false
	})
	return o
}

func TestOptionsReachTheWire(t *testing.T) {
	tests := []struct {
		name            string
		opts            []producer.Opt
		wantCompression uint8
		wantAcks        int16
		wantTimeoutMs   int32
		wantIdempotent  bool
		wantMaxBatch    int
	}{
		{name: "defaults", wantCompression: 0, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "gzip", opts: []producer.Opt{producer.Compression(producer.Gzip)}, wantCompression: 1, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "snappy", opts: []producer.Opt{producer.Compression(producer.Snappy)}, wantCompression: 2, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "zstd", opts: []producer.Opt{producer.Compression(producer.Zstd)}, wantCompression: 4, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "acks 1", opts: []producer.Opt{producer.Acks(producer.AcksLeader)}, wantAcks: 1, wantTimeoutMs: 10000},
		{name: "request timeout", opts: []producer.Opt{producer.RequestTimeout(3 * time.Second)}, wantAcks: -1, wantTimeoutMs: 3000, wantIdempotent: true},
		{name: "idempotence off", opts: []producer.Opt{producer.Idempotence(false)}, wantAcks: -1, wantTimeoutMs: 10000},
		{name: "high throughput preset", opts: []producer.Opt{producer.HighThroughput()}, wantCompression: 3, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true, wantMaxBatch: 64 << 10},
		{name: "high durability preset alone is the defaults", opts: []producer.Opt{producer.HighDurability()}, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "high durability preset", opts: []producer.Opt{producer.Acks(producer.AcksLeader), producer.Idempotence(false), producer.HighDurability()}, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "preset overridden", opts: []producer.Opt{producer.HighThroughput(), producer.Compression(producer.NoCompression)}, wantCompression: 0, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true},
		{name: "durability preset then acks 1", opts: []producer.Opt{producer.HighDurability(), producer.Acks(producer.AcksLeader)}, wantAcks: 1, wantTimeoutMs: 10000},
		{name: "durability preset then no idempotence", opts: []producer.Opt{producer.HighDurability(), producer.Idempotence(false)}, wantAcks: -1, wantTimeoutMs: 10000},
		{name: "max batch bytes", opts: []producer.Opt{producer.MaxBatchBytes(4096), producer.Linger(time.Minute)}, wantAcks: -1, wantTimeoutMs: 10000, wantIdempotent: true, wantMaxBatch: 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(3, "t"))
			reqs := observeProduce(c)
			hook := &batchHook{}
			p := newProducer(t, c, append(tt.opts, producer.KgoOpts(kgo.WithHooks(hook)))...)
			typed := newOrders(t, p, "t", nil)
			ctx := context.Background()
			for i := range 300 {
				if _, err := typed.Produce(ctx, nil, &order{ID: strings.Repeat("x", 100), Qty: i % 1000}); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			// franz-go runs batch hooks on their own goroutine, one hook
			// after another: wait for this test's hook to see every record,
			// not only the producer's own metrics hook.
			eventually(t, func() bool { return p.Metrics().BatchRecords == 300 && hook.recordCount() == 300 })
			hook.mu.Lock()
			if len(hook.compression) != 1 || hook.compression[tt.wantCompression] == 0 {
				t.Errorf("batch compression types %v, want only %d", hook.compression, tt.wantCompression)
			}
			if tt.wantMaxBatch > 0 && hook.maxBytes > tt.wantMaxBatch {
				t.Errorf("largest batch %d bytes, limit %d", hook.maxBytes, tt.wantMaxBatch)
			}
			hook.mu.Unlock()
			reqs.mu.Lock()
			if len(reqs.acks) != 1 || reqs.acks[tt.wantAcks] == 0 {
				t.Errorf("acks on the wire %v, want only %d", reqs.acks, tt.wantAcks)
			}
			if len(reqs.tmo) != 1 || reqs.tmo[tt.wantTimeoutMs] == 0 {
				t.Errorf("timeouts on the wire %v, want only %d", reqs.tmo, tt.wantTimeoutMs)
			}
			reqs.mu.Unlock()
			recs := consumeAll(t, c, "t")
			if len(recs) != 300 {
				t.Fatalf("consumed %d records, want 300", len(recs))
			}
			if idem := recs[0].ProducerID >= 0; idem != tt.wantIdempotent {
				t.Errorf("producer ID %d: idempotent %v, want %v", recs[0].ProducerID, idem, tt.wantIdempotent)
			}
		})
	}
}

func TestFutureCallbacks(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(3, "t"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()

	tests := []struct {
		name    string
		value   *order
		wantErr bool
	}{
		{name: "success", value: &order{ID: "a", Qty: 1}},
		{name: "failure", value: &order{Qty: 1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := typed.Produce(ctx, []byte("k"), tt.value)
			var before, success, failure atomic.Int32
			f.Then(func(producer.RecordMetadata, error) { before.Add(1) })
			f.OnSuccess(func(producer.RecordMetadata) { success.Add(1) })
			f.OnFailure(func(error) { failure.Add(1) })
			md, err := f.Get(ctx)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Get error %v, wantErr %v", err, tt.wantErr)
			}
			<-f.Done()
			// Registered after completion: runs at once, here.
			var after int
			f.Then(func(producer.RecordMetadata, error) { after++ })
			if after != 1 {
				t.Errorf("late Then ran %d times", after)
			}
			// Callbacks registered before completion may still be
			// running on the promise goroutine: wait via one more.
			done := make(chan struct{})
			f.Then(func(producer.RecordMetadata, error) { close(done) })
			<-done
			if before.Load() != 1 {
				t.Errorf("Then ran %d times", before.Load())
			}
			wantS, wantF := int32(1), int32(0)
			if tt.wantErr {
				wantS, wantF = 0, 1
			}
			if success.Load() != wantS || failure.Load() != wantF {
				t.Errorf("OnSuccess %d OnFailure %d, want %d %d", success.Load(), failure.Load(), wantS, wantF)
			}
			if !tt.wantErr && (md.Topic != "t" || md.Offset < 0 || md.ValueSchemaID != 42 || md.KeySize != 1 || md.ValueSize == 0 || md.Timestamp.IsZero()) {
				t.Errorf("metadata %+v", md)
			}
		})
	}
}

func TestProduceFuncAndSync(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(3, "t"))
	p := newProducer(t, c, producer.LowLatency())
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()

	md, err := typed.ProduceSync(ctx, []byte("k"), &order{ID: "a", Qty: 2})
	if err != nil || md.Offset != 0 {
		t.Fatalf("ProduceSync = %+v, %v", md, err)
	}
	got := make(chan error, 1)
	err = typed.ProduceFunc(ctx, []byte("k"), &order{ID: "b"}, func(_ producer.RecordMetadata, err error) { got <- err })
	if err != nil || <-got != nil {
		t.Fatalf("ProduceFunc: %v", err)
	}
	err = typed.ProduceFunc(ctx, []byte("k"), &order{Qty: -1}, func(_ producer.RecordMetadata, err error) { got <- err })
	cbErr := <-got
	if err == nil || cbErr == nil || !errors.Is(cbErr, producer.ErrRejected) {
		t.Fatalf("rejected ProduceFunc: returned %v, callback %v", err, cbErr)
	}
	if _, err := typed.ProduceSync(ctx, nil, &order{}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("ProduceSync of invalid: %v", err)
	}
}

func TestRecordOptions(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(4, "t"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()
	ts := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	f, err := typed.Produce(ctx, []byte("key"), &order{ID: "a"},
		producer.Header("trace", []byte("abc")),
		producer.Headers(kgo.RecordHeader{Key: "h2", Value: []byte("v2")}),
		producer.Timestamp(ts),
		producer.ToPartition(3),
	)
	if err != nil {
		t.Fatal(err)
	}
	md, err := f.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if md.Partition != 3 || !md.Timestamp.Equal(ts) {
		t.Fatalf("metadata %+v", md)
	}
	df, err := typed.Delete(ctx, []byte("key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := df.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := typed.Delete(ctx, nil); !errors.Is(err, producer.ErrInvalidOption) {
		t.Fatalf("Delete(nil key) = %v", err)
	}
	recs := consumeAll(t, c, "t")
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	byVal := map[bool]*kgo.Record{}
	for _, r := range recs {
		byVal[r.Value == nil] = r
	}
	r := byVal[false]
	if r == nil || r.Partition != 3 || !r.Timestamp.Equal(ts) || len(header(r, "trace")) != 1 || header(r, "h2")[0] != "v2" {
		t.Fatalf("record %+v", r)
	}
	if tomb := byVal[true]; tomb == nil || string(tomb.Key) != "key" {
		t.Fatalf("no tombstone for key: %+v", recs)
	}
}

func TestPingPartitionsForAndClosed(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(5, "t"))
	p := newProducer(t, c)
	ctx := context.Background()
	if err := p.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	parts, err := p.PartitionsFor(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 5 {
		t.Fatalf("%d partitions", len(parts))
	}
	for i, pi := range parts {
		if pi.Partition != int32(i) || pi.Leader < 0 || len(pi.Replicas) == 0 {
			t.Errorf("partition %d: %+v", i, pi)
		}
	}
	if _, err := p.PartitionsFor(ctx, "missing"); err == nil {
		t.Error("PartitionsFor(missing) succeeded")
	}

	typed := newOrders(t, p, "t", nil)
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(ctx); !errors.Is(err, producer.ErrClosed) {
		t.Fatalf("second Close = %v", err)
	}
	f, err := typed.Produce(ctx, nil, &order{ID: "a"})
	if !errors.Is(err, producer.ErrClosed) {
		t.Fatalf("Produce after Close = %v", err)
	}
	if _, ferr := f.Get(ctx); !errors.Is(ferr, producer.ErrClosed) {
		t.Fatalf("future after Close = %v", ferr)
	}
}

func TestPingUnreachable(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	addrs := c.ListenAddrs()
	c.Close()
	p, err := producer.New(producer.SeedBrokers(addrs...))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed cluster succeeded")
	}
}

// hangProduce makes the cluster swallow every produce request without an
// answer, so records stay buffered in the client.
func hangProduce(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return nil, nil, true
	})
}

func TestBufferFull(t *testing.T) {
	tests := []struct {
		name   string
		policy producer.BufferFullPolicy
	}{
		{name: "fail fast", policy: producer.FailFast},
		{name: "block until deadline", policy: producer.Block},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "t"))
			p := newProducer(t, c, producer.MaxBufferedRecords(3), producer.BufferFull(tt.policy), producer.LowLatency())
			typed := newOrders(t, p, "t", nil)
			ctx := context.Background()
			if err := p.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			hangProduce(c)
			var futs []*producer.Future
			for range 3 {
				f, err := typed.Produce(ctx, nil, &order{ID: "a"})
				if err != nil {
					t.Fatal(err)
				}
				futs = append(futs, f)
			}
			if got := p.Metrics().BufferedRecords; got != 3 {
				t.Fatalf("buffered %d, want 3", got)
			}
			var f *producer.Future
			var err error
			if tt.policy == producer.FailFast {
				f, err = typed.Produce(ctx, nil, &order{ID: "b"})
				if !errors.Is(err, producer.ErrBufferFull) {
					t.Fatalf("Produce on a full buffer = %v, want ErrBufferFull", err)
				}
			} else {
				bctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
				f, err = typed.Produce(bctx, nil, &order{ID: "b"})
				cancel()
				if err != nil {
					t.Fatalf("blocking Produce returned %v synchronously", err)
				}
			}
			_, ferr := f.Get(ctx)
			if tt.policy == producer.Block && !errors.Is(ferr, context.DeadlineExceeded) {
				t.Fatalf("blocked record failed with %v, want the deadline", ferr)
			}
			if tt.policy == producer.FailFast && !errors.Is(ferr, producer.ErrBufferFull) {
				t.Fatalf("future = %v", ferr)
			}

			// Flush with a deadline gives up and keeps the records.
			fctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			if err := p.Flush(fctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Flush = %v, want the deadline", err)
			}
			// Close with a deadline fails the hung records through
			// their futures.
			cctx, cancel2 := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel2()
			if err := p.Close(cctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Close = %v, want the deadline", err)
			}
			for i, f := range futs {
				select {
				case <-f.Done():
				default:
					t.Fatalf("future %d not completed after Close", i)
				}
				if _, err := f.Get(ctx); !errors.Is(err, producer.ErrClosed) {
					t.Errorf("future %d = %v, want ErrClosed", i, err)
				}
			}
			m := p.Metrics()
			if m.RecordsFailed != 4 || m.RecordsSent != 0 {
				t.Errorf("metrics sent %d failed %d, want 0 and 4", m.RecordsSent, m.RecordsFailed)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(3, "t"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()
	for i := range 100 {
		v := &order{ID: "a", Qty: i}
		if i%10 == 0 {
			v.Qty = -1
		}
		_, _ = typed.Produce(ctx, nil, v)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return p.Metrics().BatchRecords == 90 })
	m := p.Metrics()
	tests := []struct {
		name string
		ok   bool
	}{
		{"sent", m.RecordsSent == 90},
		{"rejected", m.RecordsRejected == 10},
		{"failed", m.RecordsFailed == 0},
		{"bytes", m.BytesSent > 90*10},
		{"batch records", m.BatchRecords == 90 && m.Batches > 0 && m.MaxBatchRecords > 0 && m.MeanBatchRecords() > 0},
		{"batch bytes", m.BatchBytes > 0 && m.CompressedBatchBytes > 0},
		{"requests", m.ProduceRequests > 0 && m.RequestLatency > 0 && m.RequestLatencyMax > 0 && m.MeanRequestLatency() > 0},
		{"buffer drained", m.BufferedRecords == 0 && m.BufferedBytes == 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("metrics %+v", m)
			}
		})
	}
}

func TestDataLossHook(t *testing.T) {
	// The option is wired to franz-go: it must build and not fire on a
	// healthy cluster.
	c := cluster(t, kfake.SeedTopics(1, "t"))
	var fired atomic.Bool
	p := newProducer(t, c, producer.OnDataLoss(func(string, int32) { fired.Store(true) }))
	typed := newOrders(t, p, "t", nil)
	if _, err := typed.ProduceSync(context.Background(), nil, &order{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if fired.Load() {
		t.Fatal("data loss reported on a healthy cluster")
	}
}

// eventually waits for cond, for what franz-go reports from its own
// goroutines (batch hooks) after Flush has returned.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met")
}

// FailFast refuses a record synchronously when the buffered bytes would
// pass MaxBufferedBytes, for Produce and ProduceSync alike (found in
// review: only the record count was checked, and ProduceSync blocked).
func TestFailFastByBytes(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c, producer.MaxBufferedBytes(600), producer.BufferFull(producer.FailFast), producer.LowLatency())
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()
	if err := p.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	hangProduce(c)
	// Close with a deadline before the test's cleanup, also when it fails:
	// hung records would make an unbounded Close wait forever.
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = p.Close(cctx)
	}()
	big := &order{ID: strings.Repeat("x", 150)}
	var accepted int
	var refused error
	for range 10 {
		_, err := typed.Produce(ctx, nil, big)
		if err != nil {
			refused = err
			break
		}
		accepted++
	}
	if !errors.Is(refused, producer.ErrBufferFull) {
		t.Fatalf("after %d records Produce = %v, want ErrBufferFull", accepted, refused)
	}
	if accepted == 0 || p.Metrics().BufferedBytes > 600 {
		t.Fatalf("accepted %d records, %d bytes buffered (limit 600)", accepted, p.Metrics().BufferedBytes)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := typed.ProduceSync(sctx, nil, big)
	if !errors.Is(err, producer.ErrBufferFull) {
		t.Fatalf("ProduceSync on a full buffer = %v, want ErrBufferFull", err)
	}
	if sctx.Err() != nil {
		t.Fatalf("ProduceSync waited %v for its deadline instead of failing fast", time.Since(start))
	}
}

package producer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kslog"
)

// Producer owns one franz-go client and, optionally, the registry client
// its typed producers bind schemas with. It is safe for concurrent use. Make
// typed producers over it with NewTyped; close it once with Close.
type Producer struct {
	cl  *kgo.Client
	cfg cfg
	log *slog.Logger
	c   counters

	// recycle: typed producers reuse a record's pending once kgo has
	// promised it. Off when the client has hooks besides p's own (through
	// KgoOpts: a hook may keep the *kgo.Record it was given).
	recycle bool

	closed    atomic.Bool
	closing   atomic.Bool
	inflight  atomic.Int64
	drained   chan struct{}
	drainOnce sync.Once
}

// New validates every option at once, failing with all the problems joined,
// and builds the producer. It does not connect: use Ping to check the
// brokers are reachable.
func New(opts ...Opt) (*Producer, error) {
	c := defaultCfg()
	for _, o := range opts {
		if o == nil {
			c.fail("nil option")
			continue
		}
		o.apply(&c)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	p := &Producer{cfg: c, drained: make(chan struct{})}
	p.log = c.logger
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	cl, err := kgo.NewClient(c.kgoOpts(p)...)
	if err != nil {
		return nil, fmt.Errorf("producer: %w: %w", ErrInvalidOption, err)
	}
	p.cl = cl
	p.recycle = onlyOwnHooks(cl, &p.c)
	return p, nil
}

// onlyOwnHooks reports whether cl's hooks are just own.
func onlyOwnHooks(cl *kgo.Client, own kgo.Hook) bool {
	// kgo's hook list has an unexported slice type: read it by
	// reflection, once per producer.
	v := reflect.ValueOf(cl.OptValue(kgo.WithHooks))
	if v.Kind() != reflect.Slice {
		return false
	}
	for i := range v.Len() {
		if h, ok := v.Index(i).Interface().(kgo.Hook); !ok || h != own {
			return false
		}
	}
	return true
}

// kgoOpts translates the settings into franz-go's options, the KgoOpts
// passthrough last so that it overrides them. The hooks, the data-loss
// callback and the log are p's.
func (c *cfg) kgoOpts(p *Producer) []kgo.Opt {
	part := c.partitioner
	if part == nil {
		part = kgo.StickyKeyPartitioner(nil)
	}
	codec, _ := c.compression.kgo()
	kopts := []kgo.Opt{
		kgo.SeedBrokers(c.seeds...),
		kgo.RecordPartitioner(wrapPartitioner(part)),
		kgo.MaxBufferedRecords(c.maxBufRecords),
		kgo.ProducerBatchCompression(codec),
		kgo.WithHooks(&p.c),
	}
	switch c.acks {
	case AcksNone:
		kopts = append(kopts, kgo.RequiredAcks(kgo.NoAck()))
	case AcksLeader:
		kopts = append(kopts, kgo.RequiredAcks(kgo.LeaderAck()))
	default:
		kopts = append(kopts, kgo.RequiredAcks(kgo.AllISRAcks()))
	}
	if !c.idempotence {
		kopts = append(kopts, kgo.DisableIdempotentWrite())
	}
	if c.maxInFlight > 0 && !c.idempotence {
		kopts = append(kopts, kgo.MaxProduceRequestsInflightPerBroker(c.maxInFlight))
	}
	if c.retries > 0 {
		kopts = append(kopts, kgo.RecordRetries(c.retries))
	}
	if c.deliveryTimeout > 0 {
		kopts = append(kopts, kgo.RecordDeliveryTimeout(c.deliveryTimeout))
	}
	if c.requestTimeout > 0 {
		kopts = append(kopts, kgo.ProduceRequestTimeout(c.requestTimeout))
	}
	if c.lingerSet {
		kopts = append(kopts, kgo.ProducerLinger(c.linger))
	}
	if c.maxBatchBytes > 0 {
		kopts = append(kopts, kgo.ProducerBatchMaxBytes(c.maxBatchBytes))
	}
	if c.maxBufBytes > 0 {
		kopts = append(kopts, kgo.MaxBufferedBytes(c.maxBufBytes))
	}
	if c.clientID != "" {
		kopts = append(kopts, kgo.ClientID(c.clientID))
	}
	if len(c.sasls) > 0 {
		kopts = append(kopts, kgo.SASL(c.sasls...))
	}
	if c.tls != nil {
		kopts = append(kopts, kgo.DialTLSConfig(c.tls))
	}
	if c.logger != nil {
		kopts = append(kopts, kgo.WithLogger(kslog.New(c.logger)))
	}
	onLoss := c.onDataLoss
	kopts = append(kopts, kgo.ProducerOnDataLossDetected(func(topic string, partition int32) {
		p.log.Error("producer: data loss detected", "topic", topic, "partition", partition)
		if onLoss != nil {
			onLoss(topic, partition)
		}
	}))
	return append(kopts, c.kopts...)
}

// Client returns the underlying franz-go client, for what this package does
// not wrap. Producing through it bypasses validation and the counters.
func (p *Producer) Client() *kgo.Client { return p.cl }

// pending is one record on its way: the kgo record, and its future or
// callback.
//
// rec is the first field, so that a *kgo.Record kgo hands back to
// recordPromise is a *pending: one promise function serves every record,
// with no closure allocated per record (see recordPromise).
//
// A pending from a typed producer's free list (pool set) goes back to it,
// with its value buffer, once kgo has promised its record and its outcome
// has been delivered (recycle). Nothing may touch such a pending after
// handing it to send: its future or callback is all that is left of it.
type pending struct {
	rec kgo.Record
	p   *Producer
	// fut is the record's future; nil for ProduceFunc, whose callback is
	// fn, until an early failure needs one (future).
	fut *Future
	fn  func(RecordMetadata, error)
	// pool, when set, takes pd back after its promise (recycle).
	pool *freeList
	// vbuf is the value buffer of a recycled pending, kept for the next
	// record (capacity only).
	vbuf     []byte
	explicit bool
	keyID    int
	valueID  int
	// onDone, when set, runs instead of completing fut directly
	// (dead-letter records report to the rejected record's future).
	onDone func(RecordMetadata, error)
}

// future returns pd's future, making one if pd has none yet.
func (pd *pending) future() *Future {
	if pd.fut == nil {
		pd.fut = new(Future)
	}
	return pd.fut
}

// complete delivers the outcome of a record that kgo never had: to its
// future, or to its callback.
func (pd *pending) complete(md RecordMetadata, err error) {
	switch {
	case pd.fut != nil:
		pd.fut.complete(md, err)
	case pd.fn != nil:
		fn := pd.fn
		pd.fn = nil
		fn(md, err)
	}
}

// maxPooledValue is the largest value buffer kept for reuse; a larger
// value's buffer is left to the garbage collector.
const maxPooledValue = 64 << 10

// recycle returns pd, with its value buffer, to its pool. Only
// recordPromise calls it, after kgo has promised pd's record: kgo reads a
// record (its value, its context) only while it is buffered or being
// written into a request, under its batch's lock, which the promise path
// takes the records out of first, and never after the promise.
func (pd *pending) recycle() {
	pool, v := pd.pool, pd.rec.Value
	*pd = pending{}
	if cap(v) <= maxPooledValue {
		pd.vbuf = v[:0]
	}
	pool.put(pd)
}

// freeList holds recycled pendings for one typed producer. Unlike a
// sync.Pool it is not emptied by every garbage collection (measured: with
// a sync.Pool, about one record in four still allocated in
// BenchmarkRatioProduce), and its get and put are a short critical section
// each: the producing goroutines get, kgo's promise goroutine puts. It
// keeps at most max pendings (the producer's MaxBufferedRecords, the most
// records it has in flight, up to maxFree) and maxFreeBytes of value
// buffers.
type freeList struct {
	mu    sync.Mutex
	items []*pending
	bytes int // capacity of the value buffers held
	max   int
}

const (
	// maxFree bounds max.
	maxFree = 1 << 16
	// maxFreeBytes bounds the value buffers kept; past it a recycled
	// pending is kept without its buffer.
	maxFreeBytes = 4 << 20
)

func (l *freeList) get() *pending {
	l.mu.Lock()
	n := len(l.items)
	if n == 0 {
		l.mu.Unlock()
		return nil
	}
	pd := l.items[n-1]
	l.items[n-1] = nil
	l.items = l.items[:n-1]
	l.bytes -= cap(pd.vbuf)
	l.mu.Unlock()
	return pd
}

func (l *freeList) put(pd *pending) {
	l.mu.Lock()
	if len(l.items) < l.max {
		if l.bytes+cap(pd.vbuf) > maxFreeBytes {
			pd.vbuf = nil
		}
		l.bytes += cap(pd.vbuf)
		l.items = append(l.items, pd)
	}
	l.mu.Unlock()
}

// explicitKey marks, in a record's context, a record produced with
// ToPartition (see partition.go).
type explicitKey struct{}

// recordPromise is kgo's promise of every record this package hands it:
// r is &pd.rec of the pending pd, which starts at pd's address (rec is
// pending's first field; recOffsetZero fails to compile otherwise). kgo
// calls a record's promise with the very *Record it was given.
func recordPromise(r *kgo.Record, err error) {
	pd := (*pending)(unsafe.Pointer(r))
	pd.p.finish(pd, err)
	if pd.pool != nil {
		pd.recycle()
	}
}

// recOffsetZero compiles only while rec is pending's first field.
var _ = [1]struct{}{}[unsafe.Offsetof(pending{}.rec)]

// Record batch overhead for recordBatchSize: a batch's header, and the
// varints of a record's length, attributes, offset and timestamp deltas
// and key and value lengths (at most 10 bytes each), and per header its
// key and value lengths.
const (
	batchHeaderBytes = 61
	varintMax        = 10
)

// recordBatchSize is what a record batch must hold for r: its key, value
// and headers and their framing, uncompressed.
func recordBatchSize(r *kgo.Record) int {
	n := batchHeaderBytes + 6*varintMax + len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += 2*varintMax + len(h.Key) + len(h.Value)
	}
	return n
}

// tooLarge refuses pd, failing its future with a *RecordTooLargeError,
// when MaxRecordBytes is set and pd's serialized record is over it.
func (p *Producer) tooLarge(pd *pending) error {
	limit := p.cfg.maxRecordBytes
	if limit <= 0 {
		return nil
	}
	n := recordBatchSize(&pd.rec)
	if n <= limit {
		return nil
	}
	err := &RecordTooLargeError{Topic: pd.rec.Topic, Size: n, Max: limit}
	md := pd.metadata()
	md.Partition, md.Offset = -1, -1
	p.c.failed.Add(1)
	pd.future().complete(md, err)
	return err
}

func (pd *pending) metadata() RecordMetadata {
	var md RecordMetadata
	pd.fillMetadata(&md)
	return md
}

func (pd *pending) fillMetadata(md *RecordMetadata) {
	r := &pd.rec
	*md = RecordMetadata{
		Topic:         r.Topic,
		Partition:     r.Partition,
		Offset:        r.Offset,
		Timestamp:     r.Timestamp,
		KeySize:       len(r.Key),
		ValueSize:     len(r.Value),
		KeySchemaID:   pd.keyID,
		ValueSchemaID: pd.valueID,
	}
}

func (p *Producer) finish(pd *pending, err error) {
	if err != nil {
		err = p.wrapErr(pd.rec.Topic, err)
	}
	switch {
	case pd.onDone != nil: // dead-letter records have their own counters
		md := pd.metadata()
		if err != nil {
			md.Offset = -1
		}
		pd.onDone(md, err)
	default:
		if err != nil {
			p.c.failed.Add(1)
		} else {
			p.c.sent.Add(1)
			p.c.bytesSent.Add(int64(len(pd.rec.Key) + len(pd.rec.Value)))
		}
		if pd.fut == nil { // ProduceFunc: the callback, once
			if fn := pd.fn; fn != nil {
				pd.fn = nil
				var md RecordMetadata
				pd.fillMetadata(&md)
				if err != nil {
					md.Offset = -1
				}
				fn(md, err)
			}
			break
		}
		// The metadata goes straight into the future, not copied
		// on the way.
		f := pd.fut
		f.mu.Lock()
		if f.completed {
			f.mu.Unlock()
			break
		}
		pd.fillMetadata(&f.md)
		if err != nil {
			f.md.Offset = -1
		}
		f.finishLocked(err)
	}
	if p.inflight.Add(-1) == 0 && p.closing.Load() {
		p.drainOnce.Do(func() { close(p.drained) })
	}
}

func (p *Producer) wrapErr(topic string, err error) error {
	switch {
	case errors.Is(err, kgo.ErrMaxBuffered):
		return fmt.Errorf("producer: %s: %w: %w", topic, ErrBufferFull, err)
	case errors.Is(err, kgo.ErrClientClosed), errors.Is(err, kgo.ErrAborting):
		return fmt.Errorf("producer: %s: %w before delivery: %w", topic, ErrClosed, err)
	}
	return fmt.Errorf("producer: %s: %w", topic, err)
}

// admit readies pd for kgo, or refuses it, completing its future with the
// error, when the producer is closed or, with FailFast, the buffer has no
// room for it (by record count or, with MaxBufferedBytes, by bytes).
func (p *Producer) admit(ctx context.Context, pd *pending) (context.Context, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if pd.explicit {
		ctx = context.WithValue(ctx, explicitKey{}, true)
	}
	pd.p = p
	pd.rec.Context = ctx
	p.inflight.Add(1)
	if p.closed.Load() {
		return ctx, p.notSent(pd, fmt.Errorf("producer: %s: %w", pd.rec.Topic, ErrClosed))
	}
	if p.cfg.bufferFull == FailFast {
		if n := p.cl.BufferedProduceRecords(); n >= int64(p.cfg.maxBufRecords) {
			return ctx, p.notSent(pd, fmt.Errorf("producer: %s: %w (%d records buffered)", pd.rec.Topic, ErrBufferFull, n))
		}
		if p.cfg.maxBufBytes > 0 {
			if n := p.cl.BufferedProduceBytes(); n+int64(len(pd.rec.Key)+len(pd.rec.Value)) > int64(p.cfg.maxBufBytes) {
				return ctx, p.notSent(pd, fmt.Errorf("producer: %s: %w (%d bytes buffered)", pd.rec.Topic, ErrBufferFull, n))
			}
		}
	}
	return ctx, nil
}

// send hands pd to kgo. It returns an error, and completes pd's future,
// only when the record was not handed over (closed, or buffer full with
// FailFast); otherwise the outcome comes through the future.
func (p *Producer) send(ctx context.Context, pd *pending) error {
	ctx, err := p.admit(ctx, pd)
	if err != nil {
		return err
	}
	if p.cfg.bufferFull == FailFast {
		p.cl.TryProduce(ctx, &pd.rec, recordPromise)
		return nil
	}
	p.cl.Produce(ctx, &pd.rec, recordPromise)
	return nil
}

// sendSync is send through kgo's ProduceSync, which does not wait for the
// linger, and returns the record's outcome. With FailFast it hands the
// record over with TryProduce and waits for its future, so a full buffer
// fails at once instead of blocking.
func (p *Producer) sendSync(ctx context.Context, pd *pending) (RecordMetadata, error) {
	pd.pool = nil // read below after its promise: not recycled
	fut := pd.future()
	ctx, err := p.admit(ctx, pd)
	if err != nil {
		return fut.md, err
	}
	if p.cfg.bufferFull == FailFast {
		p.cl.TryProduce(ctx, &pd.rec, recordPromise)
		return fut.Get(context.Background())
	}
	// kgo's ProduceSync calls its own promise; ours runs after it, once.
	res := p.cl.ProduceSync(ctx, &pd.rec)
	p.finish(pd, res[0].Err)
	return fut.Get(context.Background())
}

func (p *Producer) notSent(pd *pending, err error) error {
	md := pd.metadata()
	md.Offset = -1
	if pd.onDone != nil {
		pd.onDone(md, err)
	} else {
		p.c.failed.Add(1)
		pd.complete(md, err)
	}
	if p.inflight.Add(-1) == 0 && p.closing.Load() {
		p.drainOnce.Do(func() { close(p.drained) })
	}
	return err
}

// Flush waits until every record produced before the call has its outcome,
// or until ctx is done (then it returns ctx's error and records stay
// buffered). Linger does not delay a flush.
func (p *Producer) Flush(ctx context.Context) error {
	if err := p.cl.Flush(ctx); err != nil {
		return fmt.Errorf("producer: flush: %w", err)
	}
	return nil
}

// Close stops new records (Produce then fails with ErrClosed), flushes until
// ctx is done, then closes the client. A record still buffered when ctx is
// done is failed through its future with an error wrapping ErrClosed, never
// dropped silently; Close returns after every future has completed, and
// returns ctx's error when it had to fail records. Close more than once
// returns ErrClosed.
func (p *Producer) Close(ctx context.Context) error {
	if !p.closed.CompareAndSwap(false, true) {
		return fmt.Errorf("producer: close: %w", ErrClosed)
	}
	ferr := p.cl.Flush(ctx)
	p.closing.Store(true)
	p.cl.Close() // fails what is still buffered with kgo.ErrClientClosed
	if p.inflight.Load() == 0 {
		p.drainOnce.Do(func() { close(p.drained) })
	}
	<-p.drained
	if ferr != nil {
		return fmt.Errorf("producer: close: records still buffered were failed: %w", ferr)
	}
	return nil
}

// Ping checks that a broker answers, trying discovered brokers and then the
// seed brokers.
func (p *Producer) Ping(ctx context.Context) error {
	if err := p.cl.Ping(ctx); err != nil {
		return fmt.Errorf("producer: ping: %w", err)
	}
	return nil
}

// PartitionInfo describes one partition of a topic.
type PartitionInfo struct {
	Topic     string
	Partition int32
	// Leader is the leader's broker ID, -1 when there is none.
	Leader   int32
	Replicas []int32
	ISR      []int32
}

// PartitionsFor asks the brokers for topic's partitions, in partition order.
func (p *Producer) PartitionsFor(ctx context.Context, topic string) ([]PartitionInfo, error) {
	tds, err := kadm.NewClient(p.cl).ListTopics(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("producer: partitions for %s: %w", topic, err)
	}
	td, ok := tds[topic]
	if !ok {
		return nil, fmt.Errorf("producer: partitions for %s: topic missing from metadata", topic)
	}
	if td.Err != nil {
		return nil, fmt.Errorf("producer: partitions for %s: %w", topic, td.Err)
	}
	out := make([]PartitionInfo, 0, len(td.Partitions))
	for _, pd := range td.Partitions {
		out = append(out, PartitionInfo{
			Topic:     topic,
			Partition: pd.Partition,
			Leader:    pd.Leader,
			Replicas:  slices.Clone(pd.Replicas),
			ISR:       slices.Clone(pd.ISR),
		})
	}
	slices.SortFunc(out, func(a, b PartitionInfo) int { return int(a.Partition) - int(b.Partition) })
	return out, nil
}

// RecordOpt sets a per-record property: headers, timestamp, partition.
type RecordOpt interface {
	applyRecord(*pending)
}

type recordOpt func(*pending)

func (o recordOpt) applyRecord(pd *pending) { o(pd) }

// Headers adds headers to the record, after any framing header.
func Headers(hs ...kgo.RecordHeader) RecordOpt {
	return recordOpt(func(pd *pending) { pd.rec.Headers = append(pd.rec.Headers, hs...) })
}

// Header adds one header to the record.
func Header(key string, value []byte) RecordOpt {
	return recordOpt(func(pd *pending) {
		pd.rec.Headers = append(pd.rec.Headers, kgo.RecordHeader{Key: key, Value: value})
	})
}

// Timestamp sets the record's timestamp, overriding the time of Produce.
func Timestamp(t time.Time) RecordOpt {
	return recordOpt(func(pd *pending) { pd.rec.Timestamp = t })
}

// ToPartition sends the record to partition n whatever the partitioner would
// choose. A partition the topic lacks fails the record.
func ToPartition(n int32) RecordOpt {
	return recordOpt(func(pd *pending) { pd.rec.Partition, pd.explicit = n, true })
}

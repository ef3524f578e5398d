package producer

import (
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Metrics is a snapshot of a producer's counters since New. Counters only
// grow; BufferedRecords and BufferedBytes are the buffer's use right now.
type Metrics struct {
	// RecordsSent counts records the broker acknowledged (dead-letter
	// records count in DeadLettered instead).
	RecordsSent int64
	// RecordsFailed counts valid records that were not delivered:
	// failed by franz-go (timeouts, retries exhausted, cancel) or refused
	// before it (buffer full with FailFast, producer closed, over
	// MaxRecordBytes).
	RecordsFailed int64
	// RecordsRejected counts records that failed validation or
	// serialization and never reached franz-go.
	RecordsRejected int64
	// DeadLettered counts rejected records written to the dead-letter
	// topic; DeadLetterFailed counts those whose write failed.
	DeadLettered     int64
	DeadLetterFailed int64
	// BytesSent is the serialized key and value bytes of acknowledged
	// records, framing included.
	BytesSent int64

	// Batches counts record batches the brokers acknowledged (franz-go
	// reports them from its own goroutine, so they may lag Flush a little), with the
	// records in them, their bytes before and after compression and the
	// largest batch in records (franz-go's HookProduceBatchWritten).
	Batches              int64
	BatchRecords         int64
	BatchBytes           int64
	CompressedBatchBytes int64
	MaxBatchRecords      int64

	// ProduceRequests counts produce requests with a response or an
	// error; RequestLatency sums their write-to-response time and
	// RequestLatencyMax is the longest (franz-go's HookBrokerE2E).
	ProduceRequests   int64
	RequestErrors     int64
	RequestLatency    time.Duration
	RequestLatencyMax time.Duration

	// BufferedRecords and BufferedBytes are what the client buffers now,
	// in flight included.
	BufferedRecords int64
	BufferedBytes   int64

	// Rules counts the evaluations of every data-contract rule the
	// producer's typed producers enforce, per subject (see RuleMetrics).
	Rules []RuleMetrics
}

// MeanBatchRecords is BatchRecords / Batches, 0 before the first batch.
func (m Metrics) MeanBatchRecords() float64 {
	if m.Batches == 0 {
		return 0
	}
	return float64(m.BatchRecords) / float64(m.Batches)
}

// MeanRequestLatency is RequestLatency / ProduceRequests.
func (m Metrics) MeanRequestLatency() time.Duration {
	if m.ProduceRequests == 0 {
		return 0
	}
	return m.RequestLatency / time.Duration(m.ProduceRequests)
}

type counters struct {
	sent, failed, rejected     atomic.Int64
	deadLettered, deadLetterKO atomic.Int64
	bytesSent                  atomic.Int64

	batches, batchRecords, batchBytes, compressed, maxBatch atomic.Int64
	requests, requestErrs, latency, maxLatency              atomic.Int64

	rules ruleSources
}

var (
	_ kgo.HookProduceBatchWritten = (*counters)(nil)
	_ kgo.HookBrokerE2E           = (*counters)(nil)
)

// OnProduceBatchWritten implements kgo.HookProduceBatchWritten.
func (c *counters) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	c.batches.Add(1)
	c.batchRecords.Add(int64(m.NumRecords))
	c.batchBytes.Add(int64(m.UncompressedBytes))
	c.compressed.Add(int64(m.CompressedBytes))
	storeMax(&c.maxBatch, int64(m.NumRecords))
}

// OnBrokerE2E implements kgo.HookBrokerE2E for produce requests.
func (c *counters) OnBrokerE2E(_ kgo.BrokerMetadata, key int16, e2e kgo.BrokerE2E) {
	if key != 0 { // kmsg.Produce
		return
	}
	c.requests.Add(1)
	if e2e.Err() != nil {
		c.requestErrs.Add(1)
	}
	d := int64(e2e.DurationE2E())
	c.latency.Add(d)
	storeMax(&c.maxLatency, d)
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// Metrics returns a snapshot of the producer's counters.
func (p *Producer) Metrics() Metrics {
	c := &p.c
	return Metrics{
		RecordsSent:          c.sent.Load(),
		RecordsFailed:        c.failed.Load(),
		RecordsRejected:      c.rejected.Load(),
		DeadLettered:         c.deadLettered.Load(),
		DeadLetterFailed:     c.deadLetterKO.Load(),
		BytesSent:            c.bytesSent.Load(),
		Batches:              c.batches.Load(),
		BatchRecords:         c.batchRecords.Load(),
		BatchBytes:           c.batchBytes.Load(),
		CompressedBatchBytes: c.compressed.Load(),
		MaxBatchRecords:      c.maxBatch.Load(),
		ProduceRequests:      c.requests.Load(),
		RequestErrors:        c.requestErrs.Load(),
		RequestLatency:       time.Duration(c.latency.Load()),
		RequestLatencyMax:    time.Duration(c.maxLatency.Load()),
		BufferedRecords:      p.cl.BufferedProduceRecords(),
		BufferedBytes:        p.cl.BufferedProduceBytes(),
		Rules:                c.rules.snapshot(),
	}
}

package producer_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
)

// TestDeliveryBounds checks the options that bound how long and how often a
// record is tried, against a partition whose leader keeps answering
// NOT_LEADER_OR_FOLLOWER.
func TestDeliveryBounds(t *testing.T) {
	tests := []struct {
		name string
		opt  producer.Opt
		want error
	}{
		{name: "retries", opt: producer.Retries(2), want: kerr.NotLeaderForPartition},
		{name: "delivery timeout", opt: producer.DeliveryTimeout(time.Second), want: kgo.ErrRecordTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "t"))
			p := newProducer(t, c, tt.opt, producer.KgoOpts(kgo.RetryBackoffFn(func(int) time.Duration { return 20 * time.Millisecond })))
			typed := newOrders(t, p, "t", nil)
			ctx := context.Background()
			if err := p.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.NotLeaderForPartition, Count: -1})
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			_, err := typed.ProduceSync(wctx, nil, &order{ID: "a"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("ProduceSync = %v, want %v", err, tt.want)
			}
			if m := p.Metrics(); m.RecordsFailed != 1 {
				t.Errorf("failed %d, want 1", m.RecordsFailed)
			}
		})
	}
}

func TestMaxBufferedBytes(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c, producer.MaxBufferedBytes(64))
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()
	if _, err := typed.ProduceSync(ctx, nil, &order{ID: "small"}); err != nil {
		t.Fatal(err)
	}
	_, err := typed.ProduceSync(ctx, nil, &order{ID: strings.Repeat("x", 100)})
	if !errors.Is(err, kerr.MessageTooLarge) {
		t.Fatalf("record over MaxBufferedBytes: %v", err)
	}
}

// captureHandler keeps the messages logged through it.
type captureHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func TestLogger(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	h := &captureHandler{}
	p := newProducer(t, c, producer.Logger(slog.New(h)))
	typed := newOrders(t, p, "t", nil)
	if _, err := typed.ProduceSync(context.Background(), nil, &order{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.msgs) == 0 {
		t.Fatal("nothing logged through the slog logger")
	}
	for _, m := range h.msgs {
		if strings.Contains(m, "opening connection") || strings.Contains(m, "metadata") {
			return
		}
	}
	t.Fatalf("no franz-go client message among %q", h.msgs)
}

// TestProduceSyncSkipsLinger: with a minute of linger, ProduceSync still
// returns at once (its partition is flushed), while Produce waits.
func TestProduceSyncSkipsLinger(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c, producer.Linger(time.Minute))
	typed := newOrders(t, p, "t", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The client learns the topic's partitions with its first record.
	if _, err := typed.Produce(ctx, nil, &order{ID: "warm-up"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	md, err := typed.ProduceSync(ctx, nil, &order{ID: "a"})
	if err != nil || md.Offset != 1 {
		t.Fatalf("ProduceSync = %+v, %v", md, err)
	}
	f, err := typed.Produce(ctx, nil, &order{ID: "b"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Done():
		t.Fatal("a lingering record completed without a flush")
	default:
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if md, err := f.Get(ctx); err != nil || md.Offset != 2 {
		t.Fatalf("after Flush: %+v, %v", md, err)
	}
	if m := p.Metrics(); m.RecordsSent != 3 {
		t.Fatalf("sent %d", m.RecordsSent)
	}
}

// TestCloseWhileProducing closes the producer under load from several
// goroutines: when Close returns, every future handed out has completed,
// each either acknowledged or failed with a reason; none is left hanging.
func TestCloseWhileProducing(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		hang    bool
	}{
		{name: "brokers answering", timeout: 5 * time.Second},
		{name: "brokers hung, close deadline", timeout: 200 * time.Millisecond, hang: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(3, "t"))
			p := newProducer(t, c, producer.MaxBufferedRecords(500))
			typed := newOrders(t, p, "t", nil)
			ctx := context.Background()
			if _, err := typed.ProduceSync(ctx, nil, &order{ID: "warm"}); err != nil {
				t.Fatal(err)
			}
			if tt.hang {
				hangProduce(c)
			}
			var mu sync.Mutex
			var futs []*producer.Future
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// A record keeps its Produce context: one canceled
					// when this goroutine ends would fail its records.
					pctx := ctx
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						f, err := typed.Produce(pctx, []byte{byte(g)}, &order{ID: "x", Qty: i % 1000})
						mu.Lock()
						futs = append(futs, f)
						mu.Unlock()
						if errors.Is(err, producer.ErrClosed) {
							return
						}
					}
				}()
			}
			for {
				mu.Lock()
				n := len(futs)
				mu.Unlock()
				if n >= 2000 || (tt.hang && n >= 500) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			cctx, cancel := context.WithTimeout(ctx, tt.timeout)
			defer cancel()
			closeErr := p.Close(cctx)
			close(stop)
			wg.Wait()
			if tt.hang != (closeErr != nil) {
				t.Errorf("Close = %v", closeErr)
			}
			ok, failed := 0, 0
			for i, f := range futs {
				select {
				case <-f.Done():
				default:
					t.Fatalf("future %d of %d still pending after Close", i, len(futs))
				}
				if _, err := f.Get(ctx); err == nil {
					ok++
				} else if errors.Is(err, producer.ErrClosed) || errors.Is(err, context.DeadlineExceeded) {
					failed++
				} else {
					t.Fatalf("future %d: unexpected error %v", i, err)
				}
			}
			m := p.Metrics()
			t.Logf("%d futures: %d acknowledged, %d failed; metrics sent %d failed %d", len(futs), ok, failed, m.RecordsSent, m.RecordsFailed)
			if int(m.RecordsSent) != ok+1 || int(m.RecordsFailed) != failed {
				t.Errorf("metrics disagree with the futures")
			}
			if tt.hang && failed == 0 {
				t.Error("hung brokers, yet no record failed")
			}
		})
	}
}

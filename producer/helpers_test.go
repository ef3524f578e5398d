package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

// order is the value type of the tests' schema.
type order struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

// orderSchema is a small stand-in for a compiled schema: JSON payloads,
// id required, qty in [0, 1000]. It keeps this package's tests independent
// of the format packages' progress; typed_avro_test.go uses the real Avro.
type orderSchema struct{}

var _ serde.Compiled = orderSchema{}

func (orderSchema) Format() serde.Format { return serde.JSON }
func (orderSchema) Schema() serde.Schema {
	return serde.Schema{Format: serde.JSON, Text: `{"type":"object"}`}
}
func (orderSchema) Canonical() string { return `{"type":"object"}` }

func (orderSchema) Validate(v any) error {
	o, ok := v.(*order)
	if !ok || o == nil {
		return serde.Violation("", serde.ErrType, "expected *order, got %T", v)
	}
	var errs []error
	if o.ID == "" {
		errs = append(errs, serde.Violation("id", serde.ErrRequired, "id is required"))
	}
	if o.Qty < 0 || o.Qty > 1000 {
		errs = append(errs, serde.Violation("qty", serde.ErrRange, "%d not in [0, 1000]", o.Qty))
	}
	return errors.Join(errs...)
}

func (s orderSchema) AppendEncode(dst []byte, v any) ([]byte, error) {
	if err := s.Validate(v); err != nil {
		return dst, err
	}
	o := v.(*order)
	dst = append(dst, `{"id":`...)
	if plainASCII(o.ID) {
		dst = append(append(append(dst, '"'), o.ID...), '"')
	} else {
		dst = strconv.AppendQuote(dst, o.ID)
	}
	dst = append(dst, `,"qty":`...)
	dst = strconv.AppendInt(dst, int64(o.Qty), 10)
	return append(dst, '}'), nil
}

// plainASCII reports whether s needs no escaping in JSON.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (orderSchema) Decode(data []byte, v any) error { return json.Unmarshal(data, v) }

// cluster starts an in-process kfake cluster, closed with the test.
func cluster(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// newProducer builds a producer on c and closes it with the test.
func newProducer(t testing.TB, c *kfake.Cluster, opts ...producer.Opt) *producer.Producer {
	t.Helper()
	base := []producer.Opt{
		producer.SeedBrokers(c.ListenAddrs()...),
		producer.KgoOpts(kgo.MetadataMinAge(50 * time.Millisecond)),
	}
	p, err := producer.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// newOrders builds a typed producer of orders on topic with a pinned ID.
func newOrders(t testing.TB, p *producer.Producer, topic string, reject producer.RejectPolicy) *producer.Typed[[]byte, *order] {
	t.Helper()
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, *order]{
		Topic:  topic,
		Value:  producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 42},
		Reject: reject,
	})
	if err != nil {
		t.Fatal(err)
	}
	return typed
}

// consumeAll reads every record in topic up to the end offsets seen when it
// starts.
func consumeAll(t testing.TB, c *kfake.Cluster, topic string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(100*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]int64{}
	total := int64(0)
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
			total += o.Offset
		}
	})
	var out []*kgo.Record
	got := map[int32]int64{}
	for len(want) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consume %s: %v (have %d records, want about %d)", topic, err, len(out), total)
		}
		fs.EachError(func(_ string, _ int32, err error) { t.Logf("fetch error: %v", err) })
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, r)
			got[r.Partition] = r.Offset + 1
			if got[r.Partition] >= want[r.Partition] {
				delete(want, r.Partition)
			}
		})
	}
	return out
}

func header(r *kgo.Record, key string) []string {
	var out []string
	for _, h := range r.Headers {
		if h.Key == key {
			out = append(out, string(h.Value))
		}
	}
	return out
}

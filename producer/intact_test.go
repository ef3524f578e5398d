package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
)

// TestRecordsIntact produces many records through Produce and ProduceFunc
// from several goroutines, with values of changing sizes (every value buffer
// size, the record's own inline buffers and beyond), some rejected and some
// with per-record options, and checks that every callback gets its own
// record's outcome once and every stored record is the one produced: no
// record's key, value, headers or partition leak into another's.
func TestRecordsIntact(t *testing.T) {
	for _, useFunc := range []bool{false, true} {
		name := "Produce"
		if useFunc {
			name = "ProduceFunc"
		}
		t.Run(name, func(t *testing.T) { testRecordsIntact(t, useFunc) })
	}
}

func testRecordsIntact(t *testing.T, useFunc bool) {
	c := cluster(t, kfake.SeedTopics(4, "t"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", nil)
	ctx := context.Background()
	const workers, per = 4, 1500
	var calls, rejected atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				n := w*per + i
				o := &order{ID: "id-" + strconv.Itoa(n) + strings.Repeat("x", (n*37)%1500), Qty: n % 1000}
				bad := n%11 == 0
				if bad {
					o.Qty = -1
				}
				var opts []producer.RecordOpt
				if n%7 == 0 {
					opts = append(opts, producer.Header("n", []byte(strconv.Itoa(n))), producer.ToPartition(3))
				}
				key := []byte("k-" + strconv.Itoa(n))
				wantSize := 5 + len(`{"id":"","qty":}`) + len(o.ID) + len(strconv.Itoa(o.Qty))
				var once atomic.Int32
				cb := func(md producer.RecordMetadata, err error) {
					calls.Add(1)
					if once.Add(1) != 1 {
						t.Errorf("record %d: callback called twice", n)
					}
					if bad {
						if !errors.Is(err, producer.ErrRejected) {
							t.Errorf("record %d: err %v, want a rejection", n, err)
						}
						return
					}
					if err != nil || md.Topic != "t" || md.KeySize != len(key) || md.ValueSize != wantSize || md.Offset < 0 {
						t.Errorf("record %d: %+v, %v (want value size %d)", n, md, err, wantSize)
					}
					if n%7 == 0 && md.Partition != 3 {
						t.Errorf("record %d: partition %d, want 3", n, md.Partition)
					}
				}
				var err error
				if useFunc {
					err = typed.ProduceFunc(ctx, key, o, cb, opts...)
				} else {
					var f *producer.Future
					f, err = typed.Produce(ctx, key, o, opts...)
					f.Then(cb)
				}
				if bad != (err != nil) {
					t.Errorf("record %d: ProduceFunc returned %v", n, err)
				}
				if bad {
					rejected.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != workers*per {
		t.Fatalf("%d callbacks, want %d", got, workers*per)
	}
	recs := consumeAll(t, c, "t")
	if want := workers*per - int(rejected.Load()); len(recs) != want {
		t.Fatalf("consumed %d records, want %d", len(recs), want)
	}
	seen := map[int]bool{}
	for _, r := range recs {
		var o order
		if err := json.Unmarshal(r.Value[5:], &o); err != nil {
			t.Fatalf("value %q: %v", r.Value, err)
		}
		n, err := strconv.Atoi(strings.TrimRight(strings.TrimPrefix(o.ID, "id-"), "x"))
		if err != nil {
			t.Fatalf("id %q", o.ID)
		}
		if seen[n] {
			t.Errorf("record %d stored twice", n)
		}
		seen[n] = true
		if string(r.Key) != "k-"+strconv.Itoa(n) || o.Qty != n%1000 || o.ID != "id-"+strconv.Itoa(n)+strings.Repeat("x", (n*37)%1500) {
			t.Errorf("record %d: key %q value %q", n, r.Key, r.Value)
		}
		hs := header(r, "n")
		if n%7 == 0 {
			if len(hs) != 1 || hs[0] != strconv.Itoa(n) || r.Partition != 3 {
				t.Errorf("record %d: headers %q partition %d", n, hs, r.Partition)
			}
		} else if len(r.Headers) != 0 {
			t.Errorf("record %d: unexpected headers %v", n, r.Headers)
		}
	}
}

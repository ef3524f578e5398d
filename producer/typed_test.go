package producer_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

func TestRejectPolicies(t *testing.T) {
	var hooked atomic.Int32
	var hookErr atomic.Value
	tests := []struct {
		name   string
		policy producer.RejectPolicy
		dlt    bool
		hook   bool
	}{
		{name: "return error", policy: nil},
		{name: "hook", policy: producer.RejectHook(func(_ context.Context, r producer.Rejected) {
			hooked.Add(1)
			hookErr.Store(r.Err)
		}), hook: true},
		{name: "dead letter", policy: producer.DeadLetter("t.dlt"), dlt: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(3, "t", "t.dlt"))
			p := newProducer(t, c)
			typed := newOrders(t, p, "t", tt.policy)
			ctx := context.Background()

			bad := &order{ID: "", Qty: 5000} // two violations
			f, err := typed.Produce(ctx, []byte("k1"), bad, producer.Header("trace", []byte("x")))
			if !errors.Is(err, producer.ErrRejected) {
				t.Fatalf("Produce = %v, want ErrRejected", err)
			}
			var verr *serde.ValidationError
			if !errors.As(err, &verr) || verr.Subject != "t-value" || verr.SchemaID != 42 || verr.Topic != "t" {
				t.Fatalf("validation error %+v", verr)
			}
			vs := serde.Violations(err)
			if len(vs) != 2 || vs[0].Path != "id" || !errors.Is(vs[0], serde.ErrRequired) || vs[1].Path != "qty" || !errors.Is(vs[1], serde.ErrRange) {
				t.Fatalf("violations %v", vs)
			}
			if !strings.Contains(err.Error(), "t-value (id 42): qty: 5000 not in [0, 1000]") {
				t.Errorf("error text %q", err)
			}
			_, ferr := f.Get(ctx)
			if !errors.Is(ferr, producer.ErrRejected) || len(serde.Violations(ferr)) != 2 {
				t.Fatalf("future error %v", ferr)
			}
			var rerr *producer.RejectError
			if !errors.As(ferr, &rerr) {
				t.Fatalf("future error %T is no *RejectError", ferr)
			}
			if tt.dlt && (rerr.DeadLetter == nil || rerr.DeadLetterErr != nil) {
				t.Fatalf("dead letter outcome %+v / %v", rerr.DeadLetter, rerr.DeadLetterErr)
			}
			if !tt.dlt && rerr.DeadLetter != nil {
				t.Fatal("dead letter written without the policy")
			}
			if tt.hook && (hooked.Load() != 1 || !errors.Is(hookErr.Load().(error), serde.ErrRange)) {
				t.Fatalf("hook ran %d times with %v", hooked.Load(), hookErr.Load())
			}
			if _, err := typed.ProduceSync(ctx, []byte("k2"), &order{ID: "ok", Qty: 1}); err != nil {
				t.Fatal(err)
			}
			if err := p.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			m := p.Metrics()
			if m.RecordsRejected != 1 || m.RecordsSent != 1 {
				t.Errorf("metrics rejected %d sent %d", m.RecordsRejected, m.RecordsSent)
			}
			recs := consumeAll(t, c, "t")
			if len(recs) != 1 || string(recs[0].Key) != "k2" {
				t.Fatalf("topic holds %d records, want only the valid one", len(recs))
			}
			dlt := consumeAll(t, c, "t.dlt")
			if !tt.dlt {
				if len(dlt) != 0 {
					t.Fatalf("dead-letter topic holds %d records", len(dlt))
				}
				return
			}
			if len(dlt) != 1 || m.DeadLettered != 1 {
				t.Fatalf("dead-letter topic holds %d records, metrics %d", len(dlt), m.DeadLettered)
			}
			r := dlt[0]
			var got order
			if err := json.Unmarshal(r.Value, &got); err != nil || got != *bad {
				t.Errorf("dead-letter payload %s (%v)", r.Value, err)
			}
			checks := []struct {
				key  string
				want []string
			}{
				{producer.HeaderDLTTopic, []string{"t"}},
				{producer.HeaderDLTSubject, []string{"t-value"}},
				{producer.HeaderDLTSchemaID, []string{"42"}},
				{producer.HeaderDLTPath, []string{"id", "qty"}},
				{producer.HeaderDLTRule, []string{"required", "out of range"}},
				{producer.HeaderDLTReason, []string{"id is required", "5000 not in [0, 1000]"}},
				{producer.HeaderDLTRole, []string{"value"}},
				{producer.HeaderDLTEncoding, []string{"json"}},
				{"trace", []string{"x"}},
			}
			for _, ch := range checks {
				if got := header(r, ch.key); strings.Join(got, "|") != strings.Join(ch.want, "|") {
					t.Errorf("header %s = %q, want %q", ch.key, got, ch.want)
				}
			}
			if string(r.Key) != "k1" {
				t.Errorf("dead-letter key %q", r.Key)
			}
		})
	}
}

func TestDeadLetterFailureIsReported(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t", "t.dlt"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", producer.DeadLetter("t.dlt"))
	ctx := context.Background()
	if err := p.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "t.dlt", Err: kerr.TopicAuthorizationFailed, Count: -1})
	f, err := typed.Produce(ctx, nil, &order{Qty: 1})
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatal(err)
	}
	_, ferr := f.Get(ctx)
	var rerr *producer.RejectError
	if !errors.As(ferr, &rerr) || !errors.Is(ferr, producer.ErrDeadLetter) || !errors.Is(ferr, kerr.TopicAuthorizationFailed) || rerr.DeadLetter != nil {
		t.Fatalf("future error %v", ferr)
	}
	if !errors.Is(ferr, serde.ErrRequired) {
		t.Fatalf("future error %v lost the validation error", ferr)
	}
	if m := p.Metrics(); m.DeadLetterFailed != 1 || m.DeadLettered != 0 || m.RecordsRejected != 1 {
		t.Fatalf("metrics %+v", m)
	}
}

func TestDeadLetterOfABadKey(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t", "t.dlt"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[*order, *order]{
		Topic:  "t",
		Value:  producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 42},
		Key:    &producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 7},
		Reject: producer.DeadLetter("t.dlt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := typed.Produce(ctx, &order{Qty: -5}, &order{ID: "fine"})
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatal(err)
	}
	if _, err := f.Get(ctx); !errors.Is(err, serde.ErrRequired) {
		t.Fatal(err)
	}
	dlt := consumeAll(t, c, "t.dlt")
	if len(dlt) != 1 {
		t.Fatalf("%d dead letters", len(dlt))
	}
	r := dlt[0]
	checks := []struct{ key, want string }{
		{producer.HeaderDLTRole, "key"},
		{producer.HeaderDLTSubject, "t-key"},
		{producer.HeaderDLTSchemaID, "7"},
		{producer.HeaderDLTKey, `{"id":"","qty":-5}`},
	}
	for _, ch := range checks {
		if got := header(r, ch.key); len(got) != 1 || got[0] != ch.want {
			t.Errorf("header %s = %q, want %q", ch.key, got, ch.want)
		}
	}
	if r.Key != nil || string(r.Value) != `{"id":"fine","qty":0}` {
		t.Errorf("dead letter key %q value %q", r.Key, r.Value)
	}
}

func TestKeySchemaAndFraming(t *testing.T) {
	guid := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	tests := []struct {
		name    string
		framing serde.Framing
	}{
		{name: "prefix", framing: serde.FramePrefix},
		{name: "header", framing: serde.FrameHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(2, "t"))
			p := newProducer(t, c)
			var role serde.Role = 99
			typed, err := producer.NewTyped(context.Background(), p, producer.Spec[*order, *order]{
				Topic:   "t",
				Value:   producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 42, GUID: guid},
				Key:     &producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 7, GUID: guid},
				Framing: tt.framing,
				Reject:  producer.RejectHook(func(_ context.Context, r producer.Rejected) { role = r.Role }),
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			md, err := typed.ProduceSync(ctx, &order{ID: "key"}, &order{ID: "v", Qty: 3})
			if err != nil {
				t.Fatal(err)
			}
			if md.KeySchemaID != 7 || md.ValueSchemaID != 42 || typed.KeySchemaID() != 7 || typed.SchemaID() != 42 {
				t.Errorf("schema IDs %+v", md)
			}
			if _, err := typed.Produce(ctx, &order{}, &order{ID: "v"}); !errors.Is(err, producer.ErrRejected) || role != serde.Key {
				t.Fatalf("bad key: %v, role %v", err, role)
			}
			recs := consumeAll(t, c, "t")
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			r := recs[0]
			switch tt.framing {
			case serde.FramePrefix:
				if r.Key[0] != 0 || binary.BigEndian.Uint32(r.Key[1:5]) != 7 || r.Value[0] != 0 || binary.BigEndian.Uint32(r.Value[1:5]) != 42 {
					t.Errorf("frames key %x value %x", r.Key[:5], r.Value[:5])
				}
				if len(r.Headers) != 0 {
					t.Errorf("headers %v", r.Headers)
				}
			case serde.FrameHeader:
				if r.Value[0] != '{' || r.Key[0] != '{' {
					t.Errorf("payloads not bare: key %q value %q", r.Key, r.Value)
				}
				if len(header(r, serde.HeaderValueSchemaID)) != 1 || len(header(r, serde.HeaderKeySchemaID)) != 1 {
					t.Errorf("headers %v", r.Headers)
				}
			}
		})
	}
}

func TestNewTypedErrors(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c)
	ctx := context.Background()
	val := producer.Side{Schema: producer.SchemaSource{Compiled: orderSchema{}}, ID: 1}
	unpinned := producer.Side{Schema: val.Schema}
	tests := []struct {
		name string
		make func() error
		want error
		frag string
	}{
		{"nil producer", func() error {
			_, err := producer.NewTyped(ctx, nil, producer.Spec[[]byte, *order]{Topic: "t", Value: unpinned})
			return err
		}, producer.ErrInvalidOption, "nil producer"},
		{"no topic", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Value: val})
			return err
		}, producer.ErrInvalidOption, "no topic"},
		{"no schema id without registry", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t", Value: unpinned})
			return err
		}, producer.ErrSchemaBinding, "t-value value: no schema ID"},
		{"no schema", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t", Value: producer.Side{ID: 1}})
			return err
		}, producer.ErrSchemaBinding, "no schema"},
		{"schema does not compile", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t",
				Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: `{"type":"nope"}`}}, ID: 1}})
			return err
		}, serde.ErrSchema, ""},
		{"key type needs a schema", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[int, *order]{Topic: "t", Value: val})
			return err
		}, producer.ErrInvalidOption, "key type int"},
		{"guid framing without guid", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t", Value: val, Framing: serde.FrameGUIDPrefix})
			return err
		}, producer.ErrSchemaBinding, "GUID"},
		{"dead letter to itself", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t", Value: val, Reject: producer.DeadLetter("t")})
			return err
		}, producer.ErrInvalidOption, "is the topic itself"},
		{"nil hook", func() error {
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *order]{Topic: "t", Value: val, Reject: producer.RejectHook(nil)})
			return err
		}, producer.ErrInvalidOption, "nil reject hook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.make()
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.frag) {
				t.Fatalf("err %q lacks %q", err, tt.frag)
			}
		})
	}
}

// The dead-letter record outlives the caller's context: cancelling right
// after Produce, as a deferred cancel does, must not lose it (found in
// review).
func TestDeadLetterOutlivesCallerContext(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t", "t.dlt"))
	p := newProducer(t, c)
	typed := newOrders(t, p, "t", producer.DeadLetter("t.dlt"))
	if err := p.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f, err := typed.Produce(ctx, nil, &order{Qty: 1})
	cancel()
	if !errors.Is(err, producer.ErrRejected) {
		t.Fatal(err)
	}
	_, ferr := f.Get(context.Background())
	var rerr *producer.RejectError
	if !errors.As(ferr, &rerr) || rerr.DeadLetter == nil || errors.Is(ferr, producer.ErrDeadLetter) {
		t.Fatalf("future error %v, want a rejection with its dead-letter metadata", ferr)
	}
	if got := len(consumeAll(t, c, "t.dlt")); got != 1 {
		t.Fatalf("%d records on the dead-letter topic, want 1", got)
	}
}

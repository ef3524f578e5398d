//go:build !codegen_update

package codegen_test

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	avrobasic "github.com/schemagen/schemagen/codegen/testdata/avro-basic/want"
	avrorefs "github.com/schemagen/schemagen/codegen/testdata/avro-refs/want"
	avrorules "github.com/schemagen/schemagen/codegen/testdata/avro-rules/want"
	avrounion "github.com/schemagen/schemagen/codegen/testdata/avro-union/want"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	jsonrefs "github.com/schemagen/schemagen/codegen/testdata/json-refs/want"
	jsonrules "github.com/schemagen/schemagen/codegen/testdata/json-rules/want"
	protobasic "github.com/schemagen/schemagen/codegen/testdata/proto-basic/want"
	protoimports "github.com/schemagen/schemagen/codegen/testdata/proto-imports/want"
	protorules "github.com/schemagen/schemagen/codegen/testdata/proto-rules/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// env is one end-to-end run: a kfake cluster, an embedded registry, a
// registry client and a producer with both.
type env struct {
	cluster *kfake.Cluster
	reg     *registry.Client
	p       *producer.Producer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	srv := registrytest.New(t)
	reg, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...), producer.Registry(reg),
		producer.KgoOpts(kgo.MetadataMinAge(50*time.Millisecond), kgo.AllowAutoTopicCreation()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return &env{cluster: c, reg: reg, p: p}
}

// register registers s under subject, for producers that look their schema up.
func (e *env) register(t *testing.T, subject string, s serde.Schema) {
	t.Helper()
	if _, err := e.reg.Register(context.Background(), subject, s); err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
}

// consume reads n records from topic.
func (e *env) consume(t *testing.T, topic string, n int) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consume %s: %v (have %d of %d records)", topic, ctx.Err(), len(out), n)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// decode decodes a consumed record's value with an independently compiled
// schema (the serde decoders), checking its frame names wantID.
func decode(t *testing.T, s producer.SchemaSource, rec *kgo.Record, wantID int, into any) {
	t.Helper()
	sch := s.Local
	c, err := func() (serde.Compiled, error) {
		if s.Compile != nil {
			return s.Compile(context.Background(), sch, s.Resolver)
		}
		r := s.Resolver
		if r == nil {
			r = serde.MapResolver{}
		}
		return formats.Compile(context.Background(), sch, r)
	}()
	if err != nil {
		t.Fatal(err)
	}
	_, isProto := c.(serde.Indexed)
	fr, payload, err := serde.ReadFrame(rec.Value, nil, serde.Value, isProto)
	if err != nil {
		t.Fatal(err)
	}
	if fr.ID != wantID {
		t.Fatalf("frame schema id %d, want %d", fr.ID, wantID)
	}
	if err := c.Decode(payload, into); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

// wantRejected checks err is a rejection carrying a *serde.ValidationError
// with the path and sentinel.
func wantRejected(t *testing.T, err error, path string, sentinel error) {
	t.Helper()
	if err == nil {
		t.Fatal("invalid value accepted")
	}
	for _, v := range serde.Violations(err) {
		if v.Path == path && errors.Is(v, sentinel) {
			return
		}
	}
	t.Fatalf("error %v has no violation at %q wrapping %v", err, path, sentinel)
}

func TestE2EAvroBasic(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.register(t, "orders-value", avrobasic.OrderSide().Schema.Local)
	typed, err := avrobasic.NewOrderProducer[string](ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	note := "leave at the door"
	placed := time.UnixMilli(1_700_000_000_123).UTC()
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	in := &avrobasic.Order{
		ID: "6f1c1b6e-2f4e-4a53-9a57-0d1b3b1f6a01", Status: avrobasic.StatusPaid,
		PlacedAt: placed, ShipBy: day, Total: big.NewRat(12345, 100), Note: &note,
		Items:      []avrobasic.Item{{SKU: "A-1", Quantity: 2, Price: 9.5}},
		Attributes: map[string]string{"channel": "web"},
		Gift:       &avrobasic.Item{SKU: "G-1", Quantity: 1},
		Priority:   true, Weight: 1.5, Sequence: 7, Checksum: avrobasic.MD5{1, 2, 3}, Raw: []byte{0xff},
	}
	if _, err := typed.ProduceSync(ctx, "k1", in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	tests := []struct {
		name     string
		mutate   func(o *avrobasic.Order)
		path     string
		sentinel error
	}{
		{name: "bad enum", mutate: func(o *avrobasic.Order) { o.Status = "LOST" }, path: "status", sentinel: serde.ErrEnum},
		{name: "bad uuid", mutate: func(o *avrobasic.Order) { o.ID = "nope" }, path: "id", sentinel: serde.ErrFormat},
		{name: "decimal scale", mutate: func(o *avrobasic.Order) { o.Total = big.NewRat(1, 3) }, path: "total", sentinel: serde.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := *in
			tt.mutate(&bad)
			_, err := typed.Produce(ctx, "k2", &bad)
			wantRejected(t, err, tt.path, tt.sentinel)
			var ve *serde.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not a *serde.ValidationError", err)
			}
		})
	}
	recs := e.consume(t, "orders", 1)
	var out avrobasic.Order
	decode(t, avrobasic.OrderSide().Schema, recs[0], typed.SchemaID(), &out)
	if out.Total.Cmp(in.Total) != 0 || !out.PlacedAt.Equal(in.PlacedAt) || !out.ShipBy.Equal(in.ShipBy) {
		t.Fatalf("decoded total %v placed %v ship %v, want %v %v %v", out.Total, out.PlacedAt, out.ShipBy, in.Total, in.PlacedAt, in.ShipBy)
	}
	out.Total, out.PlacedAt, out.ShipBy = in.Total, in.PlacedAt, in.ShipBy
	if !reflect.DeepEqual(&out, in) {
		t.Fatalf("decoded %+v\nwant %+v", out, *in)
	}
}

func TestE2EProtoBasic(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.register(t, "proto-orders-value", protobasic.OrderSide().Schema.Local)
	typed, err := protobasic.NewOrderProducer[[]byte](ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	note := "fragile"
	in := &protobasic.Order{
		Id: "o-1", Status: protobasic.Status_STATUS_PAID, Note: &note, Sequence: 3,
		Items:      []*protobasic.Order_Item{{Sku: "A-1", Quantity: 2}},
		Attributes: map[string]string{"channel": "web"},
	}
	if _, err := typed.ProduceSync(ctx, []byte("k"), in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	_, err = typed.Produce(ctx, nil, &protobasic.Order{Id: "\xff\xfe"})
	wantRejected(t, err, "id", serde.ErrFormat)

	recs := e.consume(t, "proto-orders", 1)
	fr, _, err := serde.ReadFrame(recs[0].Value, nil, serde.Value, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fr.Indexes, protobasic.OrderMessageIndexes()) && !(len(fr.Indexes) == 0 && reflect.DeepEqual(protobasic.OrderMessageIndexes(), []int{0})) {
		t.Fatalf("frame message indexes %v, want %v", fr.Indexes, protobasic.OrderMessageIndexes())
	}
	out := new(protobasic.Order)
	decode(t, protobasic.OrderSide().Schema, recs[0], typed.SchemaID(), out)
	if !proto.Equal(out, in) {
		t.Fatalf("decoded %v, want %v", out, in)
	}
}

func TestE2EProtoImports(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sd := protoimports.PaymentSide().Schema
	money, err := sd.Resolver.Resolve(ctx, serde.Reference{Name: "common/money.proto"})
	if err != nil {
		t.Fatal(err)
	}
	e.register(t, "common/money.proto", money)
	e.register(t, "payments-value", sd.Local)
	typed, err := protoimports.NewPaymentProducer[string](ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	in := &protoimports.Payment{
		OrderId: "o-1",
		Amount:  &protoimports.Money{Currency: "EUR", Units: 12, Nanos: 500_000_000},
		PaidAt:  timestamppb.New(time.Unix(1_700_000_000, 0)),
	}
	if _, err := typed.ProduceSync(ctx, "o-1", in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	recs := e.consume(t, "payments", 1)
	out := new(protoimports.Payment)
	decode(t, sd, recs[0], typed.SchemaID(), out)
	if !proto.Equal(out, in) {
		t.Fatalf("decoded %v, want %v", out, in)
	}
}

func TestE2EJSONBasic(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.register(t, "invoices-value", jsonbasic.InvoiceSide().Schema.Local)
	typed, err := jsonbasic.NewInvoiceProducer[string](ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	in := validInvoice()
	if _, err := typed.ProduceSync(ctx, "i-1", in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	bad := validInvoice()
	bad.Lines[1].SKU = "nope"
	_, err = typed.Produce(ctx, "i-2", bad)
	wantRejected(t, err, "lines[1].sku", serde.ErrFormat)
	recs := e.consume(t, "invoices", 1)
	var out jsonbasic.Invoice
	decode(t, jsonbasic.InvoiceSide().Schema, recs[0], typed.SchemaID(), &out)
	if !reflect.DeepEqual(&out, in) {
		t.Fatalf("decoded %+v\nwant %+v", out, *in)
	}
}

func TestE2EJSONRefs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sd := jsonrefs.CustomerSide().Schema
	addr, err := sd.Resolver.Resolve(ctx, serde.Reference{Name: "common/address.json"})
	if err != nil {
		t.Fatal(err)
	}
	e.register(t, "common-address", addr)
	// This producer registers its schema itself.
	spec := jsonrefs.CustomerSpec[[]byte]()
	spec.Value.IDSource = registry.AutoRegister()
	typed, err := producer.NewTyped(ctx, e.p, spec)
	if err != nil {
		t.Fatal(err)
	}
	in := validCustomer()
	if _, err := typed.ProduceSync(ctx, []byte("c-7"), in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	bad := validCustomer()
	bad.Shipping.Country = "nl"
	_, err = typed.Produce(ctx, nil, bad)
	wantRejected(t, err, "shipping.country", serde.ErrFormat)
	recs := e.consume(t, "customers", 1)
	var out jsonrefs.Customer
	decode(t, sd, recs[0], typed.SchemaID(), &out)
	if !reflect.DeepEqual(&out, in) {
		t.Fatalf("decoded %+v\nwant %+v", out, *in)
	}
}

func TestE2EAvroRefs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	vs, ks := avrorefs.RefundSide().Schema, avrorefs.RefundKeySide().Schema
	money, err := vs.Resolver.Resolve(ctx, serde.Reference{Name: "shop.common.Money"})
	if err != nil {
		t.Fatal(err)
	}
	e.register(t, "shop.common.Money", money)
	e.register(t, "refunds-value", vs.Local)
	e.register(t, "refunds-key", ks.Local)
	typed, err := avrorefs.NewRefundProducer(ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	eur := func(cents int64) avrorefs.Money {
		return avrorefs.Money{Currency: avrorefs.CurrencyEur, Amount: big.NewRat(cents, 100)}
	}
	fee := eur(150)
	key := &avrorefs.RefundKey{OrderID: "o-1", Total: eur(10000)}
	in := &avrorefs.Refund{OrderID: "o-1", Amount: eur(2500), Fee: &fee, CurrencyHint: avrorefs.CurrencyEur}
	if _, err := typed.ProduceSync(ctx, key, in); err != nil {
		t.Fatalf("produce: %v", err)
	}
	bad := *in
	bad.Amount.Currency = "JPY"
	_, err = typed.Produce(ctx, key, &bad)
	wantRejected(t, err, "amount.currency", serde.ErrEnum)

	recs := e.consume(t, "refunds", 1)
	var out avrorefs.Refund
	decode(t, vs, recs[0], typed.SchemaID(), &out)
	if out.Amount.Amount.Cmp(in.Amount.Amount) != 0 || out.Fee.Amount.Cmp(fee.Amount) != 0 {
		t.Fatalf("decoded amounts %v %v, want %v %v", out.Amount.Amount, out.Fee.Amount, in.Amount.Amount, fee.Amount)
	}
	out.Amount.Amount, out.Fee.Amount = in.Amount.Amount, fee.Amount
	if !reflect.DeepEqual(&out, in) {
		t.Fatalf("decoded %+v\nwant %+v", out, *in)
	}
	// The key is framed and encoded with its own schema.
	var gotKey avrorefs.RefundKey
	kc, err := formats.Compile(ctx, ks.Local, ks.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	fr, payload, err := serde.ParseFrame(recs[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	if fr.ID != typed.KeySchemaID() {
		t.Fatalf("key frame id %d, want %d", fr.ID, typed.KeySchemaID())
	}
	if err := kc.Decode(payload, &gotKey); err != nil {
		t.Fatal(err)
	}
	if gotKey.OrderID != key.OrderID || gotKey.Total.Amount.Cmp(key.Total.Amount) != 0 {
		t.Fatalf("decoded key %+v, want %+v", gotKey, *key)
	}
}

func TestE2EAvroUnion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const tok = "0b8e6c1e-6a43-4c59-a7a9-6f0c1e2d3b4a"
	// PaymentSpec registers its schema (id_source: register).
	typed, err := avrounion.NewPaymentProducer[string](ctx, e.p)
	if err != nil {
		t.Fatal(err)
	}
	values := []*avrounion.Payment{
		{
			ID:        "p-1",
			Method:    &avrounion.PaymentMethod{Value: avrounion.Card{Last4: "4242", ExpiryMonth: 12, Token: tok}},
			Reference: &avrounion.PaymentReference{Value: avrounion.PaymentReferenceLong(77)},
			History: []*avrounion.PaymentHistoryItem{
				{Value: avrounion.PaymentHistoryItemInt(3)},
				{Value: avrounion.Card{Last4: "0000", ExpiryMonth: 1, Token: tok}},
			},
		},
		{
			ID:        "p-2",
			Method:    &avrounion.PaymentMethod{Value: avrounion.BankTransfer{Iban: "NL00BANK0123456789"}},
			Reference: &avrounion.PaymentReference{Value: avrounion.ChannelStore},
			History:   []*avrounion.PaymentHistoryItem{},
		},
		{
			ID:      "p-3",
			Method:  &avrounion.PaymentMethod{Value: avrounion.PaymentMethodString("voucher")},
			History: []*avrounion.PaymentHistoryItem{},
		},
	}
	for _, v := range values {
		if _, err := typed.ProduceSync(ctx, v.ID, v); err != nil {
			t.Fatalf("produce %s: %v", v.ID, err)
		}
	}
	tests := []struct {
		name     string
		value    *avrounion.Payment
		path     string
		sentinel error
	}{
		{name: "nil union", value: &avrounion.Payment{ID: "x"}, path: "method", sentinel: serde.ErrRequired},
		{name: "no branch", value: &avrounion.Payment{ID: "x", Method: &avrounion.PaymentMethod{}}, path: "method", sentinel: serde.ErrRequired},
		{name: "bad enum branch", value: &avrounion.Payment{
			ID: "x", Method: &avrounion.PaymentMethod{Value: avrounion.PaymentMethodString("v")},
			Reference: &avrounion.PaymentReference{Value: avrounion.Channel("MAIL")},
		}, path: "reference", sentinel: serde.ErrEnum},
		{name: "bad field in a record branch", value: &avrounion.Payment{
			ID: "x", Method: &avrounion.PaymentMethod{Value: avrounion.Card{Last4: "1", Token: "not-a-uuid"}},
		}, path: "method.token", sentinel: serde.ErrFormat},
		{name: "bad field in a branch in an array", value: &avrounion.Payment{
			ID: "x", Method: &avrounion.PaymentMethod{Value: avrounion.PaymentMethodString("v")},
			History: []*avrounion.PaymentHistoryItem{{Value: avrounion.PaymentHistoryItemInt(1)}, {Value: avrounion.Card{Token: "x"}}},
		}, path: "history[1].token", sentinel: serde.ErrFormat},
		{name: "nullable with no branch", value: &avrounion.Payment{
			ID: "x", Method: &avrounion.PaymentMethod{Value: avrounion.PaymentMethodString("v")},
			Reference: &avrounion.PaymentReference{},
		}, path: "reference", sentinel: serde.ErrUnion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := typed.Produce(ctx, "bad", tt.value)
			wantRejected(t, err, tt.path, tt.sentinel)
		})
	}
	recs := e.consume(t, "payments", len(values))
	byID := map[string]*avrounion.Payment{}
	for _, v := range values {
		byID[v.ID] = v
	}
	for _, rec := range recs {
		var out avrounion.Payment
		decode(t, avrounion.PaymentSide().Schema, rec, typed.SchemaID(), &out)
		if want := byID[string(rec.Key)]; !reflect.DeepEqual(&out, want) {
			t.Fatalf("record %s: decoded %#v\nwant %#v", rec.Key, out, want)
		}
	}
}

// A typed producer built from a generated package whose schema carries a
// rule set, metadata and inline rules, with a pinned ID and no registry,
// enforces the contract: every rule breaker is refused with serde.ErrRule
// (nothing reaches the topic) and a valid record lands. The generated
// package links the rule engine itself.
func TestE2EContractPinnedNoRegistry(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	p, err := producer.New(producer.SeedBrokers(c.ListenAddrs()...), // no producer.Registry
		producer.KgoOpts(kgo.MetadataMinAge(50*time.Millisecond), kgo.AllowAutoTopicCreation()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	ctx := context.Background()
	spec := avrorules.PersonSpec[string]()
	spec.Value.ID = 42
	typed, err := producer.NewTyped(ctx, p, spec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		v     avrorules.Person
		rules []string
		paths []string
	}{
		{name: "domain CEL rule", v: avrorules.Person{Name: "kid", Email: "kid@example.com", Age: 7}, rules: []string{"adult"}, paths: []string{""}},
		{name: "CEL_FIELD rule on a field tagged by the metadata", v: avrorules.Person{Name: "ann", Email: "not-an-email", Age: 30}, rules: []string{"piiIsEmail"}, paths: []string{"email"}},
		{name: "inline rule", v: avrorules.Person{Name: "old", Email: "old@example.com", Age: 200}, rules: []string{"ageInRange"}, paths: []string{"age"}},
		{name: "every violation", v: avrorules.Person{Name: "x", Email: "x", Age: -1}, rules: []string{"adult", "piiIsEmail", "ageInRange"}, paths: []string{"", "email", "age"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			_, err := typed.ProduceSync(ctx, "k", &v)
			if !errors.Is(err, serde.ErrRule) {
				t.Fatalf("err = %v, want serde.ErrRule", err)
			}
			vs := serde.Violations(err)
			if len(vs) != len(tt.rules) {
				t.Fatalf("%d violations (%v), want %d", len(vs), err, len(tt.rules))
			}
			for i, want := range tt.rules {
				found := false
				for _, ve := range vs {
					if ve.Rule == want && ve.Path == tt.paths[i] && ve.SchemaID == 42 && errors.Is(ve, serde.ErrRule) {
						found = true
					}
				}
				if !found {
					t.Errorf("no violation of %q at %q in %v", want, tt.paths[i], err)
				}
			}
		})
	}
	good := &avrorules.Person{Name: "ann", Email: "ann@example.com", Age: 30}
	if _, err := typed.ProduceSync(ctx, "k", good); err != nil {
		t.Fatalf("valid record: %v", err)
	}
	// Only the valid record is on the topic: read until it, then check
	// nothing else came before it.
	e := &env{cluster: c}
	recs := e.consume(t, "people", 1)
	var out avrorules.Person
	decode(t, avrorules.PersonSide().Schema, recs[0], 42, &out)
	if out != *good {
		t.Fatalf("first record on the topic is %+v, want the valid %+v", out, *good)
	}
}

// The same through a JSON Schema package whose only contract is an inline
// rule (no rule set): the package links the engine, the rule holds.
func TestE2EContractJSONInline(t *testing.T) {
	p, err := producer.New(producer.SeedBrokers("127.0.0.1:1")) // never contacted: rejected records are not sent
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	spec := jsonrules.AccountSpec[string]()
	spec.Value.ID = 7
	typed, err := producer.NewTyped(context.Background(), p, spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.Produce(context.Background(), "k", &jsonrules.Account{ID: "a-1", Balance: -5})
	var ve *serde.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, serde.ErrRule) || ve.Rule != "notOverdrawn" || ve.Path != "balance" {
		t.Fatalf("err = %v, want a violation of notOverdrawn at balance", err)
	}
}

// The same for a Protobuf package: its rule set's CEL rules run on the
// generated message with a pinned ID and no registry, and the registry
// path agrees (a registered version with the same rules binds; with
// other rules it is drift).
func TestE2EContractProto(t *testing.T) {
	ctx := context.Background()
	p, err := producer.New(producer.SeedBrokers("127.0.0.1:1")) // never contacted: rejected records are not sent
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	spec := protorules.PaymentSpec[string]()
	spec.Value.ID = 9
	typed, err := producer.NewTyped(ctx, p, spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.Produce(ctx, "k", &protorules.Payment{Id: "p-1", AmountCents: -5, Currency: "XXX"})
	vs := serde.Violations(err)
	if !errors.Is(err, serde.ErrRule) || len(vs) != 2 || vs[0].Rule != "positive" || vs[1].Rule != "knownCurrency" || vs[0].SchemaID != 9 {
		t.Fatalf("err = %v, want violations of positive and knownCurrency", err)
	}

	// Through a registry: registered with its rules, the package binds;
	// registered with other rules, the embedded ones are drift.
	e := newEnv(t)
	e.register(t, "payments-value", protorules.PaymentSide().Schema.Local)
	if _, err := protorules.NewPaymentProducer[string](ctx, e.p); err != nil {
		t.Fatalf("bind with the same rules: %v", err)
	}
	other := protorules.PaymentSide().Schema.Local
	other.RuleSet = &serde.RuleSet{DomainRules: []serde.Rule{{Name: "positive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.amount_cents > 100"}}}
	e.register(t, "payments-value", other)
	spec = protorules.PaymentSpec[string]()
	spec.Value.IDSource = registry.UseLatest(nil)
	if _, err := producer.NewTyped(ctx, e.p, spec); !errors.Is(err, registry.ErrDrift) {
		t.Fatalf("bind to a version with other rules: err = %v, want registry.ErrDrift", err)
	}
}

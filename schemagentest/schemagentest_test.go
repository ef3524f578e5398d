package schemagentest_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	avrorefs "github.com/schemagen/schemagen/codegen/testdata/avro-refs/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/schemagentest"
	"github.com/schemagen/schemagen/schemas/gen/orders"
	"github.com/schemagen/schemagen/schemas/gen/payments"
)

// A user's test: produce through the generated packages, read back typed.
func TestProduceAndConsume(t *testing.T) {
	ctx := context.Background()
	env := schemagentest.New(t,
		schemagentest.Side("orders", orders.OrderSide()), // with its Money reference
		schemagentest.Side("payments", payments.PaymentSide()))
	if len(env.Registered) != 3 {
		t.Fatalf("registered %v, want money, orders-value, payments-value", env.Registered)
	}

	op, err := orders.NewOrderProducer[string](ctx, env.Producer)
	if err != nil {
		t.Fatal(err)
	}
	note := "gift"
	want := &orders.Order{ID: "7b0f8b44-5a2c-4a53-9d1e-1d7e5c1d2a10", Customer: "ada", Status: orders.StatusPlaced, Quantity: 2,
		Total: orders.Money{Currency: "EUR", Cents: 999}, Note: &note}
	if _, err := op.ProduceSync(ctx, "ada", want); err != nil {
		t.Fatal(err)
	}
	pp, err := payments.NewPaymentProducer[string](ctx, env.Producer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pp.ProduceSync(ctx, "o-1", &payments.Payment{OrderID: "o-1", AmountCents: 0, Method: payments.PaymentMethodCard}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("amount 0: err = %v, want ErrRejected", err)
	}
	if _, err := pp.ProduceSync(ctx, "o-1", &payments.Payment{OrderID: "o-1", AmountCents: 5, Method: payments.PaymentMethodCard}); err != nil {
		t.Fatal(err)
	}

	od, err := orders.NewOrderDecoder(ctx, env.Registry)
	if err != nil {
		t.Fatal(err)
	}
	got := schemagentest.ConsumeN(t, env, "orders", 1, od)
	if g := got[0]; g.Customer != "ada" || g.Total != want.Total || g.Note == nil || *g.Note != "gift" {
		t.Fatalf("orders: got %+v", g)
	}
	pd, err := payments.NewPaymentDecoder(ctx, env.Registry)
	if err != nil {
		t.Fatal(err)
	}
	// The rejected payment never reached Kafka: exactly one record.
	pays := schemagentest.ConsumeN(t, env, "payments", 1, pd)
	if pays[0].AmountCents != 5 {
		t.Fatalf("payments: got %+v", pays[0])
	}
}

// A producer whose schema nobody registered says how to register it.
func TestUnregisteredSchemaSaysRegister(t *testing.T) {
	env := schemagentest.New(t)
	_, err := payments.NewPaymentProducer[string](context.Background(), env.Producer)
	if !errors.Is(err, producer.ErrSchemaBinding) || !strings.Contains(err.Error(), "run `schemagen register`") || !strings.Contains(err.Error(), "registry.AutoRegister") {
		t.Fatalf("err = %v, want ErrSchemaBinding telling to run schemagen register", err)
	}
}

// Keys and values with a shared reference: both sides registered (the
// reference once), both read back with their generated decoders.
func TestKeyAndValue(t *testing.T) {
	ctx := context.Background()
	env := schemagentest.New(t,
		schemagentest.KeySide("refunds", avrorefs.RefundKeySide()),
		schemagentest.Side("refunds", avrorefs.RefundSide()))
	if len(env.Registered) != 3 {
		t.Fatalf("registered %v, want shop.common.Money, refunds-key, refunds-value", env.Registered)
	}
	eur := func(cents int64) avrorefs.Money {
		return avrorefs.Money{Currency: avrorefs.CurrencyEur, Amount: big.NewRat(cents, 100)}
	}
	typed, err := avrorefs.NewRefundProducer(ctx, env.Producer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(ctx, &avrorefs.RefundKey{OrderID: "o-1", Total: eur(10000)},
		&avrorefs.Refund{OrderID: "o-1", Amount: eur(2500), CurrencyHint: avrorefs.CurrencyEur}); err != nil {
		t.Fatal(err)
	}
	recs := schemagentest.ConsumeRecords(t, env, "refunds", 1)
	kd, err := avrorefs.NewRefundKeyDecoder(ctx, env.Registry)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kd.Decode(ctx, recs[0])
	if err != nil {
		t.Fatal(err)
	}
	vd, err := avrorefs.NewRefundDecoder(ctx, env.Registry)
	if err != nil {
		t.Fatal(err)
	}
	v, err := vd.Decode(ctx, recs[0])
	if err != nil {
		t.Fatal(err)
	}
	if k.OrderID != "o-1" || k.Total.Amount.Cmp(big.NewRat(100, 1)) != 0 || v.Amount.Amount.Cmp(big.NewRat(25, 1)) != 0 || v.Fee != nil {
		t.Fatalf("key %+v value %+v", k, v)
	}
	// The key decoder reads the key: the value's bytes are another record.
	if _, err := kd.DecodeBytes(ctx, recs[0].Value, nil); err == nil {
		t.Fatal("the key decoder read a value payload as a key")
	}
}

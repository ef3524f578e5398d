//go:build !schemagen_nodemo

package cli

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/schemas/gen/orders"
	"github.com/schemagen/schemagen/schemas/gen/payments"
	"github.com/schemagen/schemagen/schemas/gen/users"
)

// genProducers produces through the packages schemagen generated from
// schemas/ (schemas/gen, kept fresh by generate --check).
type genProducers struct {
	orders   *producer.Typed[string, *orders.Order]
	users    *producer.Typed[string, *users.User]
	payments *producer.Typed[string, *payments.Payment]
}

func newDemoProducers(ctx context.Context, p *producer.Producer, proj *project, registered map[string]registry.SubjectSchema) (demoProducers, error) {
	var (
		g   genProducers
		err error
	)
	// The generated specs name their references by name only; Bind pins
	// them to the subjects register used and their latest versions.
	if g.orders, err = orders.NewOrderProducer[string](ctx, p); err != nil {
		return nil, err
	}
	if g.users, err = users.NewUserProducer[string](ctx, p); err != nil {
		return nil, err
	}
	if g.payments, err = payments.NewPaymentProducer[string](ctx, p); err != nil {
		return nil, err
	}
	return &g, nil
}

func (g *genProducers) produceValid(ctx context.Context, i int, sink *demoSink) error {
	note := "gift wrap"
	o := &orders.Order{
		ID:       fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		Customer: fmt.Sprintf("customer-%d", i%100),
		Status:   orders.StatusPlaced,
		Quantity: int32(1 + i%5),
		Total:    orders.Money{Currency: "EUR", Cents: int64(999 + i)},
	}
	if i%10 == 0 {
		o.Note = &note
	}
	key := fmt.Sprint(i)
	if err := g.orders.ProduceFunc(ctx, key, o, sink.done); err != nil {
		return err
	}
	u := &users.User{Id: int64(i), Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %d", i),
		Address: &users.Address{Street: "1 Main St", City: "Springfield", Country: "US"}}
	if err := g.users.ProduceFunc(ctx, key, u, sink.done); err != nil {
		return err
	}
	methods := []payments.PaymentMethod{payments.PaymentMethodCard, payments.PaymentMethodTransfer, payments.PaymentMethodVoucher}
	pay := &payments.Payment{OrderID: o.ID, AmountCents: o.Total.Cents, Method: methods[i%3]}
	return g.payments.ProduceFunc(ctx, key, pay, sink.done)
}

func (g *genProducers) produceInvalid(ctx context.Context) []error {
	var errs []error
	_, err := g.orders.Produce(ctx, "bad-1", &orders.Order{ID: "not-a-uuid", Customer: "c", Status: orders.StatusPaid, Quantity: 1, Total: orders.Money{Currency: "EUR", Cents: 1}})
	errs = append(errs, err)
	_, err = g.orders.Produce(ctx, "bad-2", &orders.Order{ID: "00000000-0000-4000-8000-000000000000", Customer: "c", Status: orders.Status("LOST"), Quantity: 1})
	errs = append(errs, err)
	_, err = g.users.Produce(ctx, "bad-3", &users.User{Id: 1, Email: "x@example.com", Name: "bad \xff utf-8"})
	errs = append(errs, err)
	_, err = g.payments.Produce(ctx, "bad-4", &payments.Payment{OrderID: "o-1", AmountCents: 0, Method: payments.PaymentMethodCard})
	errs = append(errs, err)
	_, err = g.payments.Produce(ctx, "bad-5", &payments.Payment{OrderID: "o-2", AmountCents: 5, Method: payments.PaymentMethod("cash")})
	errs = append(errs, err)
	return errs
}

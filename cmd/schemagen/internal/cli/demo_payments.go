package cli

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/producer"
)

// paymentsProducer produces payments as generic values until codegen
// writes JSON Schema packages.
func paymentsProducer(ctx context.Context, p *producer.Producer, proj *project) (*producer.Typed[string, any], error) {
	for _, f := range proj.entries() {
		if f.Entry.Topic == "payments" {
			return producer.NewTyped(ctx, p, producer.Spec[string, any]{Topic: "payments", Value: producer.Serde{Schema: f.Schema}})
		}
	}
	return nil, fmt.Errorf("no payments entry in the config")
}

func validPayment(i int) any {
	methods := []string{"card", "transfer", "voucher"}
	return map[string]any{"order_id": fmt.Sprintf("order-%d", i), "amount_cents": int64(999 + i), "method": methods[i%3]}
}

func invalidPayments() []any {
	return []any{
		map[string]any{"order_id": "o-1", "amount_cents": int64(0), "method": "card"},
		map[string]any{"order_id": "o-2", "amount_cents": int64(5), "method": "cash"},
	}
}

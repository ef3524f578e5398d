package jsonschema

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

// Order is the realistic record of the tests and benchmarks: twelve
// fields with a nested object, an array of objects, an enum, optional
// fields, a date-time and decimals as strings with a pattern. It has no
// Validate method, so the plan validates it.
type Order struct {
	OrderID         string    `json:"order_id"`
	CustomerID      int64     `json:"customer_id"`
	Email           string    `json:"email"`
	Status          string    `json:"status"`
	CreatedAt       time.Time `json:"created_at"`
	Total           string    `json:"total"`
	Currency        string    `json:"currency"`
	Items           []Item    `json:"items"`
	ShippingAddress Address   `json:"shipping_address"`
	Note            *string   `json:"note,omitempty"`
	Gift            *bool     `json:"gift,omitempty"`
	Tags            []string  `json:"tags,omitempty"`
}

type Item struct {
	SKU       string `json:"sku"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"`
}

type Address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

func sampleOrder() *Order {
	note := "leave at the door"
	return &Order{
		OrderID:    "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33",
		CustomerID: 4211,
		Email:      "ada@example.com",
		Status:     "PAID",
		CreatedAt:  time.Date(2026, 11, 23, 6, 25, 0, 0, time.UTC),
		Total:      "129.90",
		Currency:   "EUR",
		Items: []Item{
			{SKU: "BOOK-0001", Quantity: 2, UnitPrice: "39.95"},
			{SKU: "PEN-0042", Quantity: 5, UnitPrice: "10.00"},
		},
		ShippingAddress: Address{Street: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"},
		Note:            &note,
		Tags:            []string{"priority", "gift-wrap"},
	}
}

func orderSchema(tb testing.TB) *Compiled {
	tb.Helper()
	text, err := os.ReadFile("testdata/order.schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: string(text)}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if ok, reason := s.FastPath(); !ok {
		tb.Fatalf("order schema has no plan: %s", reason)
	}
	return s
}

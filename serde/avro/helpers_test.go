package avro

import (
	"context"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

type Status string

type Address struct {
	Street string `avro:"street"`
	Zip    string `avro:"zip"`
}

type Item struct {
	SKU   string   `avro:"sku"`
	Qty   int64    `avro:"qty"`
	Price *big.Rat `avro:"price"`
}

type Order struct {
	ID       string            `avro:"id"`
	Customer string            `avro:"customer"`
	Status   Status            `avro:"status"`
	Created  time.Time         `avro:"created"`
	Day      time.Time         `avro:"day"`
	Total    *big.Rat          `avro:"total"`
	Note     *string           `avro:"note"`
	Quantity int32             `avro:"quantity"`
	Weight   float64           `avro:"weight"`
	Ratio    float32           `avro:"ratio"`
	Flag     bool              `avro:"flag"`
	Hash     [16]byte          `avro:"hash"`
	Address  Address           `avro:"address"`
	Items    []Item            `avro:"items"`
	Tags     map[string]string `avro:"tags"`
	Micros   *time.Time        `avro:"micros"`
	Payload  any               `avro:"payload"`
}

func orderSchema(t testing.TB) *Compiled {
	t.Helper()
	text, err := os.ReadFile("testdata/order.avsc")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(context.Background(), serde.Schema{Text: string(text)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

var created = time.Date(2026, 11, 23, 6, 25, 0, 123_000_000, time.UTC)

func sampleOrder() *Order {
	note := "leave at door"
	micros := created.Add(456 * time.Microsecond)
	return &Order{
		ID:       "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60",
		Customer: "ada",
		Status:   "PAID",
		Created:  created,
		Day:      time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Total:    rat("123.45"),
		Note:     &note,
		Quantity: 3,
		Weight:   1.5,
		Ratio:    0.25,
		Flag:     true,
		Hash:     [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Address:  Address{Street: "1 Main St", Zip: "12345"},
		Items: []Item{
			{SKU: "A-1", Qty: 1, Price: rat("100.00")},
			{SKU: "B-2", Qty: 2, Price: rat("11.72")},
		},
		Tags:    map[string]string{"gift": "yes"},
		Micros:  &micros,
		Payload: "hello",
	}
}

// sampleOrderMap is sampleOrder as generic values, the way FromJSON or a
// caller without generated types builds it.
func sampleOrderMap() map[string]any {
	o := sampleOrder()
	items := []any{}
	for _, it := range o.Items {
		items = append(items, map[string]any{"sku": it.SKU, "qty": it.Qty, "price": it.Price})
	}
	return map[string]any{
		"id":       o.ID,
		"customer": o.Customer,
		"status":   string(o.Status),
		"created":  o.Created,
		"day":      o.Day,
		"total":    o.Total,
		"note":     *o.Note,
		"quantity": int32(3),
		"weight":   1.5,
		"ratio":    float32(0.25),
		"flag":     true,
		"hash":     o.Hash,
		"address":  map[string]any{"street": "1 Main St", "zip": "12345"},
		"items":    items,
		"tags":     map[string]any{"gift": "yes"},
		"micros":   *o.Micros,
		"payload":  "hello",
	}
}

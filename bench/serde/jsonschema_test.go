package serde_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"

	sg "github.com/schemagen/schemagen/serde"
	sgjson "github.com/schemagen/schemagen/serde/jsonschema"
)

// The JSON record is serde/jsonschema's benchmark order
// (serde/jsonschema/order_test.go, docs/perf/jsonschema.md): the same
// schema file (draft 2020-12) and values, 12 fields with a nested object,
// an array of objects, an enum, optional fields, a date-time and decimals
// as strings with a pattern.

const jsonSchemaFile = "../../serde/jsonschema/testdata/order.schema.json"

type JSONOrder struct {
	OrderID         string      `json:"order_id"`
	CustomerID      int64       `json:"customer_id"`
	Email           string      `json:"email"`
	Status          string      `json:"status"`
	CreatedAt       time.Time   `json:"created_at"`
	Total           string      `json:"total"`
	Currency        string      `json:"currency"`
	Items           []JSONItem  `json:"items"`
	ShippingAddress JSONAddress `json:"shipping_address"`
	Note            *string     `json:"note,omitempty"`
	Gift            *bool       `json:"gift,omitempty"`
	Tags            []string    `json:"tags,omitempty"`
}

type JSONItem struct {
	SKU       string `json:"sku"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"`
}

type JSONAddress struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

func sampleJSONOrder() *JSONOrder {
	note := "leave at the door"
	return &JSONOrder{
		OrderID:    "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33",
		CustomerID: 4211,
		Email:      "ada@example.com",
		Status:     "PAID",
		CreatedAt:  time.Date(2026, 11, 23, 6, 25, 0, 0, time.UTC),
		Total:      "129.90",
		Currency:   "EUR",
		Items: []JSONItem{
			{SKU: "BOOK-0001", Quantity: 2, UnitPrice: "39.95"},
			{SKU: "PEN-0042", Quantity: 5, UnitPrice: "10.00"},
		},
		ShippingAddress: JSONAddress{Street: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"},
		Note:            &note,
		Tags:            []string{"priority", "gift-wrap"},
	}
}

// jsonPair builds the JSON sides. validate sets confluent's
// EnableValidation: off by default in confluent-kafka-go (the record is
// then only json.Marshal'ed, never checked), on for a like-for-like
// comparison with schemagen, which always validates.
func jsonPair(tb testing.TB, m mode, validate bool) pair {
	tb.Helper()
	text, err := os.ReadFile(jsonSchemaFile)
	if err != nil {
		tb.Fatal(err)
	}
	const topic = "orders-json"
	client, cconf, id := registerMock(tb, "mock://bench-json", topic+"-value", "JSON", string(text), m)

	conf := jsonschema.NewSerializerConfig()
	conf.SerializerConfig = cconf
	conf.EnableValidation = validate
	cs, err := jsonschema.NewSerializer(client, serde.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}

	schema, err := sgjson.Compile(context.Background(), sg.Schema{Format: sg.JSON, Text: string(text)}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := sg.NewSerializer(schema, sg.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: id})
	if err != nil {
		tb.Fatal(err)
	}

	o := sampleJSONOrder()
	buf := make([]byte, 0, 1024)
	return pair{
		confluent: func() (err error) { lastOutput, err = cs.Serialize(topic, o); return err },
		schemagen: func() (err error) { buf, err = ss.AppendSerialize(buf[:0], o); lastOutput = buf; return err },
	}
}

// BenchmarkJSONSchema/validate compares like with like (both sides check
// the record against the schema); BenchmarkJSONSchema/novalidate is
// confluent's default configuration, which does not validate.
func BenchmarkJSONSchema(b *testing.B) {
	for _, m := range modes {
		b.Run("validate/"+m.String(), func(b *testing.B) { run(b, jsonPair(b, m, true)) })
	}
	for _, m := range modes {
		b.Run("novalidate/"+m.String(), func(b *testing.B) { run(b, jsonPair(b, m, false)) })
	}
}

func TestJSONSchemaSameBytes(t *testing.T) {
	for _, m := range modes {
		t.Run("validate/"+m.String(), func(t *testing.T) { sameBytes(t, jsonPair(t, m, true)) })
		t.Run("novalidate/"+m.String(), func(t *testing.T) { sameBytes(t, jsonPair(t, m, false)) })
	}
}

// TestJSONSchemaBothReject checks that with EnableValidation confluent's
// side does validate: both sides refuse a record the schema forbids.
func TestJSONSchemaBothReject(t *testing.T) {
	text, err := os.ReadFile(jsonSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	client, cconf, id := registerMock(t, "mock://bench-json-reject", "orders-json-value", "JSON", string(text), byID)
	conf := jsonschema.NewSerializerConfig()
	conf.SerializerConfig = cconf
	conf.EnableValidation = true
	cs, err := jsonschema.NewSerializer(client, serde.ValueSerde, conf)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := sgjson.Compile(context.Background(), sg.Schema{Format: sg.JSON, Text: string(text)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := sg.NewSerializer(schema, sg.SerializerConfig{Topic: "orders-json", Subject: "orders-json-value", ID: id})
	if err != nil {
		t.Fatal(err)
	}
	bad := sampleJSONOrder()
	bad.Currency = "euro"
	if _, err := cs.Serialize("orders-json", bad); err == nil {
		t.Error("confluent accepted currency \"euro\"")
	}
	if _, err := ss.AppendSerialize(nil, bad); err == nil {
		t.Error("schemagen accepted currency \"euro\"")
	}
}

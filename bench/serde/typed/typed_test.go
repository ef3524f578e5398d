// Package typed_test puts confluent-kafka-go v2's serializers next to
// schemagen's Serializer over schemagen-generated types (internal/typedavro,
// internal/typedproto: AppendAvro / AppendProto, validation fused into
// encoding), on the records of the parent package's benchmarks. It is a
// package of its own because the generated Protobuf order registers the
// same message name as ../internal/benchpb.
//
//	cd bench/serde && go test ./typed -run '^$' -bench . -benchtime 400x
package typed_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	csr "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	cjson "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	cproto "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/schemagen/schemagen/bench/serde/internal/typedavro"
	"github.com/schemagen/schemagen/bench/serde/internal/typedjson"
	"github.com/schemagen/schemagen/bench/serde/internal/typedproto"
	"github.com/schemagen/schemagen/producer"
	sg "github.com/schemagen/schemagen/serde"
)

type side func() ([]byte, error)

// confluentConf registers text in a mock registry and returns a client and
// a serializer config in the given mode: "useSchemaID" (Confluent's
// default when the ID is pinned) or "useLatest" (its cheapest path).
func confluentConf(tb testing.TB, url, subject, schemaType, text, mode string) (schemaregistry.Client, csr.SerializerConfig, int) {
	tb.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	if err != nil {
		tb.Fatal(err)
	}
	id, err := c.Register(subject, schemaregistry.SchemaInfo{Schema: text, SchemaType: schemaType}, false)
	if err != nil {
		tb.Fatal(err)
	}
	conf := csr.NewSerializerConfig()
	conf.AutoRegisterSchemas = false
	if mode == "useSchemaID" {
		conf.UseSchemaID = id
	} else {
		// As the parent package does: the latest version cached, so the
		// mock registry's lookup does not count against Confluent.
		conf.UseLatestVersion = true
		latest, err := c.GetLatestSchemaMetadata(subject)
		if err != nil {
			tb.Fatal(err)
		}
		c = &latestCached{Client: c, subject: subject, latest: latest}
	}
	return c, *conf, id
}

type latestCached struct {
	schemaregistry.Client
	subject string
	latest  schemaregistry.SchemaMetadata
}

func (c *latestCached) GetLatestSchemaMetadata(subject string) (schemaregistry.SchemaMetadata, error) {
	if subject == c.subject {
		return c.latest, nil
	}
	return c.Client.GetLatestSchemaMetadata(subject)
}

func typedSerializer(tb testing.TB, src producer.SchemaSource, topic string, id int) *sg.Serializer {
	tb.Helper()
	compile := src.Compile
	if compile == nil {
		compile = sg.Compile
	}
	c, err := compile(context.Background(), src.Local, sg.MapResolver{})
	if err != nil {
		tb.Fatal(err)
	}
	ser, err := sg.NewSerializer(c, sg.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: id})
	if err != nil {
		tb.Fatal(err)
	}
	return ser
}

func avroOrder() *typedavro.Order {
	created := time.Date(2026, 11, 23, 6, 25, 0, 123_000_000, time.UTC)
	note := "leave at door"
	micros := created.Add(456 * time.Microsecond)
	return &typedavro.Order{
		ID: "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60", Customer: "ada", Status: typedavro.StatusPaid,
		Created: created, Day: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Total: big.NewRat(12345, 100), Note: &note, Quantity: 3, Weight: 1.5, Ratio: 0.25, Flag: true,
		Hash:    typedavro.MD5{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Address: typedavro.Address{Street: "1 Main St", Zip: "12345"},
		Items: []typedavro.Item{
			{SKU: "A-1", Qty: 1, Price: big.NewRat(100, 1)},
			{SKU: "B-2", Qty: 2, Price: big.NewRat(1172, 100)},
		},
		Tags: map[string]string{"gift": "yes"}, Micros: &micros,
		Payload: &typedavro.OrderPayload{Value: typedavro.OrderPayloadString("hello")},
	}
}

func avroSides(tb testing.TB, mode string) (confluent, typed side) {
	text, err := os.ReadFile("../../../serde/avro/testdata/order.avsc")
	if err != nil {
		tb.Fatal(err)
	}
	const topic = "orders-avro"
	client, cconf, id := confluentConf(tb, "mock://typed-avro-"+mode, topic+"-value", "AVRO", string(text), mode)
	conf := avrov2.NewSerializerConfig()
	conf.SerializerConfig = cconf
	cs, err := avrov2.NewSerializer(client, csr.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}
	ss := typedSerializer(tb, typedavro.OrderSide().Schema, topic, id)
	o := avroOrder()
	buf := make([]byte, 0, 1024)
	return func() ([]byte, error) { return cs.Serialize(topic, o) },
		func() (b []byte, err error) { buf, err = ss.AppendSerialize(buf[:0], o); return buf, err }
}

func protoOrder() *typedproto.Order {
	money := func(units int64, nanos int32) *typedproto.Money {
		return &typedproto.Money{CurrencyCode: "EUR", Units: units, Nanos: nanos}
	}
	item := func(sku string, q int32) *typedproto.LineItem {
		return &typedproto.LineItem{Sku: sku, Quantity: q, UnitPrice: money(12, 500000000)}
	}
	return &typedproto.Order{
		OrderId: "ord-2024-000123", CustomerId: "cust-98765", Status: typedproto.Status_STATUS_PAID,
		Items: []*typedproto.LineItem{item("SKU-RED-42", 2), item("SKU-BLUE-7", 1), item("SKU-GREEN-3", 5)},
		Total: money(87, 500000000), Discount: "12.50",
		CreatedAt: &timestamppb.Timestamp{Seconds: 1732345678, Nanos: 123000000},
		Coupon:    proto.String("WINTER24"), Tags: []string{"priority", "gift-wrap"},
		Shipping: &typedproto.Order_Address{Line1: "1 Main St", City: "Lyon", Country: "FR"},
		Gift:     true, Version: 7,
	}
}

func protoSides(tb testing.TB, mode string) (confluent, typed side) {
	const topic = "orders-proto"
	src := typedproto.OrderSide().Schema
	client, cconf, id := confluentConf(tb, "mock://typed-proto-"+mode, topic+"-value", "PROTOBUF", src.Local.Text, mode)
	conf := cproto.NewSerializerConfig()
	conf.SerializerConfig = cconf
	cs, err := cproto.NewSerializer(client, csr.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}
	ss := typedSerializer(tb, src, topic, id)
	o := protoOrder()
	buf := make([]byte, 0, 1024)
	return func() ([]byte, error) { return cs.Serialize(topic, o) },
		func() (b []byte, err error) { buf, err = ss.AppendSerialize(buf[:0], o); return buf, err }
}

func jsonOrder() *typedjson.Order {
	note := "leave at the door"
	return &typedjson.Order{
		OrderID: "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33", CustomerID: 4211, Email: "ada@example.com",
		Status: typedjson.OrderStatusPaid, CreatedAt: time.Date(2026, 11, 23, 6, 25, 0, 0, time.UTC),
		Total: "129.90", Currency: "EUR",
		Items: []typedjson.OrderItemsItem{
			{SKU: "BOOK-0001", Quantity: 2, UnitPrice: "39.95"},
			{SKU: "PEN-0042", Quantity: 5, UnitPrice: "10.00"},
		},
		ShippingAddress: typedjson.Address{Street: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"},
		Note:            &note, Tags: []string{"priority", "gift-wrap"},
	}
}

// jsonSides puts confluent-kafka-go's jsonschema serializer with
// EnableValidation on (like for like: the typed path always validates;
// Confluent's default, off, only json.Marshals) next to the typed JSON
// path (generated AppendJSON, validation fused), on the parent package's
// JSON order (serde/jsonschema/testdata/order.schema.json).
func jsonSides(tb testing.TB, mode string) (confluent, typed side) {
	text, err := os.ReadFile("../../../serde/jsonschema/testdata/order.schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	const topic = "orders-json"
	client, cconf, id := confluentConf(tb, "mock://typed-json-"+mode, topic+"-value", "JSON", string(text), mode)
	conf := cjson.NewSerializerConfig()
	conf.SerializerConfig = cconf
	conf.EnableValidation = true
	cs, err := cjson.NewSerializer(client, csr.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}
	ss := typedSerializer(tb, typedjson.OrderSide().Schema, topic, id)
	o := jsonOrder()
	buf := make([]byte, 0, 1024)
	return func() ([]byte, error) { return cs.Serialize(topic, o) },
		func() (b []byte, err error) { buf, err = ss.AppendSerialize(buf[:0], o); return buf, err }
}

// BenchmarkConfluentTyped interleaves blocks of Confluent's serializer and
// schemagen's typed path and reports confluent/typed: Confluent's time per
// record over schemagen's, over all blocks.
func BenchmarkConfluentTyped(b *testing.B) {
	for _, f := range []struct {
		name  string
		sides func(testing.TB, string) (side, side)
	}{{"avro", avroSides}, {"protobuf", protoSides}, {"json", jsonSides}} {
		for _, mode := range []string{"useSchemaID", "useLatest"} {
			b.Run(f.name+"/"+mode, func(b *testing.B) {
				c, t := f.sides(b, mode)
				for _, s := range []side{c, t} {
					if _, err := s(); err != nil {
						b.Fatal(err)
					}
				}
				const block = 50
				var sumC, sumT time.Duration
				bestC, bestT := math.Inf(1), math.Inf(1)
				for b.Loop() {
					t0 := time.Now()
					for range block {
						if _, err := c(); err != nil {
							b.Fatal(err)
						}
					}
					t1 := time.Now()
					for range block {
						if _, err := t(); err != nil {
							b.Fatal(err)
						}
					}
					t2 := time.Now()
					sumC, sumT = sumC+t1.Sub(t0), sumT+t2.Sub(t1)
					bestC = min(bestC, float64(t1.Sub(t0).Nanoseconds())/block)
					bestT = min(bestT, float64(t2.Sub(t1).Nanoseconds())/block)
				}
				b.ReportMetric(float64(sumC)/float64(sumT), "confluent/typed")
				b.ReportMetric(bestC/bestT, "best-confluent/typed")
				b.ReportMetric(bestC, "confluent-best-ns/rec")
				b.ReportMetric(bestT, "typed-best-ns/rec")
			})
		}
	}
}

// TestSameRecords checks that both sides write the same record (Avro:
// the same bytes; Protobuf: the same header and a proto.Equal message).
func TestSameRecords(t *testing.T) {
	for _, mode := range []string{"useSchemaID", "useLatest"} {
		c, ty := avroSides(t, mode)
		a, err := c()
		if err != nil {
			t.Fatal(err)
		}
		a = bytes.Clone(a)
		b, err := ty()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("avro %s: outputs differ:\nconfluent %x\ntyped     %x", mode, a, b)
		}
		c, ty = protoSides(t, mode)
		if a, err = c(); err != nil {
			t.Fatal(err)
		}
		a = bytes.Clone(a)
		if b, err = ty(); err != nil {
			t.Fatal(err)
		}
		const header = 6
		if len(a) != len(b) || !bytes.Equal(a[:header], b[:header]) {
			t.Fatalf("protobuf %s: outputs differ:\nconfluent %x\ntyped     %x", mode, a, b)
		}
		var ma, mb typedproto.Order
		if err := proto.Unmarshal(a[header:], &ma); err != nil {
			t.Fatal(err)
		}
		if err := proto.Unmarshal(b[header:], &mb); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&ma, &mb) {
			t.Fatalf("protobuf %s: messages differ", mode)
		}
		c, ty = jsonSides(t, mode)
		if a, err = c(); err != nil {
			t.Fatal(err)
		}
		a = bytes.Clone(a)
		if b, err = ty(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("json %s: outputs differ:\nconfluent %s\ntyped     %s", mode, a, b)
		}
	}
}

// TestJSONBothValidate is the negative control for the JSON sides: both
// refuse an order whose status is not in the enum, so neither side is
// timed without its validation.
func TestJSONBothValidate(t *testing.T) {
	text, err := os.ReadFile("../../../serde/jsonschema/testdata/order.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	const topic = "orders-json"
	client, cconf, id := confluentConf(t, "mock://typed-json-reject", topic+"-value", "JSON", string(text), "useSchemaID")
	conf := cjson.NewSerializerConfig()
	conf.SerializerConfig = cconf
	conf.EnableValidation = true
	cs, err := cjson.NewSerializer(client, csr.ValueSerde, conf)
	if err != nil {
		t.Fatal(err)
	}
	ss := typedSerializer(t, typedjson.OrderSide().Schema, topic, id)
	o := jsonOrder()
	o.Status = "LOST"
	if _, err := cs.Serialize(topic, o); err == nil {
		t.Error("confluent serialized an order with status LOST")
	}
	if _, err := ss.AppendSerialize(nil, o); !errors.Is(err, sg.ErrEnum) {
		t.Errorf("typed path: err = %v, want sg.ErrEnum", err)
	}
}

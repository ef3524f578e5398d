package serde_test

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	sg "github.com/schemagen/schemagen/serde"
	sgavro "github.com/schemagen/schemagen/serde/avro"
)

// The Avro record is serde/avro's benchmark order (serde/avro/bench_test.go,
// docs/perf/avro.md): the same schema file and the same values, 17 fields
// with a nested record, an array of records holding decimals, an enum, an
// optional string, timestamps, a date, a uuid, a fixed, a map and a
// four-branch union.

const avroSchemaFile = "../../serde/avro/testdata/order.avsc"

type AvroAddress struct {
	Street string `avro:"street"`
	Zip    string `avro:"zip"`
}

type AvroItem struct {
	SKU   string   `avro:"sku"`
	Qty   int64    `avro:"qty"`
	Price *big.Rat `avro:"price"`
}

type AvroOrder struct {
	ID       string            `avro:"id"`
	Customer string            `avro:"customer"`
	Status   string            `avro:"status"`
	Created  time.Time         `avro:"created"`
	Day      time.Time         `avro:"day"`
	Total    *big.Rat          `avro:"total"`
	Note     *string           `avro:"note"`
	Quantity int32             `avro:"quantity"`
	Weight   float64           `avro:"weight"`
	Ratio    float32           `avro:"ratio"`
	Flag     bool              `avro:"flag"`
	Hash     [16]byte          `avro:"hash"`
	Address  AvroAddress       `avro:"address"`
	Items    []AvroItem        `avro:"items"`
	Tags     map[string]string `avro:"tags"`
	Micros   *time.Time        `avro:"micros"`
	Payload  any               `avro:"payload"`
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

func sampleAvroOrder() *AvroOrder {
	created := time.Date(2026, 11, 23, 6, 25, 0, 123_000_000, time.UTC)
	note := "leave at door"
	micros := created.Add(456 * time.Microsecond)
	return &AvroOrder{
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
		Address:  AvroAddress{Street: "1 Main St", Zip: "12345"},
		Items: []AvroItem{
			{SKU: "A-1", Qty: 1, Price: rat("100.00")},
			{SKU: "B-2", Qty: 2, Price: rat("11.72")},
		},
		Tags:    map[string]string{"gift": "yes"},
		Micros:  &micros,
		Payload: "hello",
	}
}

func avroPair(tb testing.TB, m mode) pair {
	tb.Helper()
	text, err := os.ReadFile(avroSchemaFile)
	if err != nil {
		tb.Fatal(err)
	}
	const topic = "orders-avro"
	client, cconf, id := registerMock(tb, "mock://bench-avro", topic+"-value", "AVRO", string(text), m)

	conf := avrov2.NewSerializerConfig()
	conf.SerializerConfig = cconf
	cs, err := avrov2.NewSerializer(client, serde.ValueSerde, conf)
	if err != nil {
		tb.Fatal(err)
	}

	schema, err := sgavro.Compile(context.Background(), sg.Schema{Format: sg.Avro, Text: string(text)}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := sg.NewSerializer(schema, sg.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: id})
	if err != nil {
		tb.Fatal(err)
	}

	o := sampleAvroOrder()
	buf := make([]byte, 0, 1024)
	return pair{
		confluent: func() (err error) { lastOutput, err = cs.Serialize(topic, o); return err },
		schemagen: func() (err error) { buf, err = ss.AppendSerialize(buf[:0], o); lastOutput = buf; return err },
	}
}

func BenchmarkAvro(b *testing.B) {
	for _, m := range modes {
		b.Run(m.String(), func(b *testing.B) { run(b, avroPair(b, m)) })
	}
}

// TestAvroSameBytes checks that both sides produce the same framed record,
// so the benchmark compares the same work.
func TestAvroSameBytes(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) { sameBytes(t, avroPair(t, m)) })
	}
}

// sameBytes runs each side once and compares their outputs.
func sameBytes(t *testing.T, p pair) {
	t.Helper()
	var got [2][]byte
	for i, f := range []side{p.confluent, p.schemagen} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
		got[i] = bytes.Clone(lastOutput)
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Fatalf("outputs differ:\nconfluent %x\nschemagen %x", got[0], got[1])
	}
	t.Logf("%d bytes, header % x", len(got[0]), got[0][:min(len(got[0]), 6)])
}

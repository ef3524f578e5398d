package tests

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"

	avrounion "github.com/schemagen/schemagen/codegen/testdata/avro-union/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/schemas/gen/orders"
	"github.com/schemagen/schemagen/schemas/gen/payments"
	"github.com/schemagen/schemagen/schemas/gen/users"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// writeOld registers text under subject (with the compatibility check
// off, so that the negative cases can register what the reader cannot
// read) and returns a framed record of v written with it.
func writeOld(t *testing.T, reg *registry.Client, subject string, s serde.Schema, v any, framing serde.Framing) *kgo.Record {
	t.Helper()
	ctx := context.Background()
	if err := reg.SetCompatibility(ctx, subject, "NONE"); err != nil {
		t.Fatal(err)
	}
	ss, err := reg.Register(ctx, subject, s)
	if err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
	c, err := serde.Compile(ctx, s, reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := serde.SerializerConfig{ID: ss.ID, Role: serde.Value, Framing: framing}
	if framing != serde.FramePrefix {
		g, err := hex.DecodeString(strings.ReplaceAll(ss.GUID, "-", ""))
		if err != nil || len(g) != 16 {
			t.Fatalf("guid %q: %v", ss.GUID, err)
		}
		copy(cfg.GUID[:], g)
	}
	ser, err := serde.NewSerializer(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.AppendSerialize(nil, v)
	if err != nil {
		t.Fatalf("write with the old schema: %v", err)
	}
	rec := &kgo.Record{Value: b}
	if h, ok := ser.Header(); ok {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	return rec
}

func newReg(t *testing.T) *registry.Client {
	t.Helper()
	srv := registrytest.New(t)
	reg, err := registry.New(registry.URLs(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// An Order written with version 1 of its schema (no note, Money inline)
// decodes into today's orders.Order, in every framing; a writer schema the
// reader cannot resolve is refused.
func TestDecoderAvroOldVersion(t *testing.T) {
	ctx := context.Background()
	reg := newReg(t)
	v1 := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Order","namespace":"shop","fields":[
	 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
	 {"name":"customer","type":"string"},
	 {"name":"status","type":{"type":"enum","name":"Status","symbols":["PLACED","PAID","SHIPPED"]}},
	 {"name":"quantity","type":"int"},
	 {"name":"total","type":{"type":"record","name":"Money","fields":[{"name":"currency","type":"string"},{"name":"cents","type":"long"}]}}]}`}
	old := map[string]any{
		"id": "7b0f8b44-5a2c-4a53-9d1e-1d7e5c1d2a10", "customer": "ada", "status": "PAID", "quantity": 3,
		"total": map[string]any{"currency": "EUR", "cents": int64(1250)},
	}
	dec, err := orders.NewOrderDecoder(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		framing serde.Framing
	}{
		{"prefix", serde.FramePrefix},
		{"guid", serde.FrameGUIDPrefix},
		{"header", serde.FrameHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := writeOld(t, reg, "orders-value", v1, old, tc.framing)
			got, err := dec.Decode(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			if got.Customer != "ada" || got.Status != orders.StatusPaid || got.Quantity != 3 || got.Total.Cents != 1250 || got.Note != nil {
				t.Fatalf("decoded %+v", got)
			}
		})
	}

	t.Run("concurrent", func(t *testing.T) {
		// One decoder, many goroutines, a writer schema new to it: the
		// cache of writer schemas under -race.
		fresh, err := orders.NewOrderDecoder(ctx, reg)
		if err != nil {
			t.Fatal(err)
		}
		rec := writeOld(t, reg, "orders-value", v1, old, serde.FramePrefix)
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				got, err := fresh.Decode(ctx, rec)
				if err == nil && got.Customer != "ada" {
					err = errors.New("wrong customer " + got.Customer)
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("unresolvable writer", func(t *testing.T) {
		// quantity as a string: no promotion to int, no default.
		bad := serde.Schema{Format: serde.Avro, Text: strings.Replace(v1.Text, `"name":"quantity","type":"int"`, `"name":"quantity","type":"string"`, 1)}
		m := map[string]any{}
		for k, v := range old {
			m[k] = v
		}
		m["quantity"] = "three"
		rec := writeOld(t, reg, "orders-other", bad, m, serde.FramePrefix)
		_, err := dec.Decode(ctx, rec)
		if !errors.Is(err, producer.ErrDecode) || !errors.Is(err, serde.ErrSchemaMismatch) {
			t.Fatalf("err = %v, want ErrDecode and ErrSchemaMismatch", err)
		}
	})
	t.Run("unknown schema id", func(t *testing.T) {
		_, err := dec.DecodeBytes(ctx, []byte{0, 0, 0, 0x7f, 0x7f, 2}, nil)
		if !errors.Is(err, producer.ErrDecode) {
			t.Fatalf("err = %v, want ErrDecode", err)
		}
	})
	t.Run("truncated frame", func(t *testing.T) {
		_, err := dec.DecodeBytes(ctx, []byte{0, 0, 1}, nil)
		if !errors.Is(err, producer.ErrDecode) || !errors.Is(err, serde.ErrTruncated) {
			t.Fatalf("err = %v, want ErrDecode and ErrTruncated", err)
		}
	})
}

// A User written with version 1 of user.proto (no address, a phone the
// current version dropped) decodes into users.User with the phone kept as
// an unknown field, so re-encoding the message loses nothing.
func TestDecoderProtobufOldVersion(t *testing.T) {
	ctx := context.Background()
	reg := newReg(t)
	v1 := serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package shop.v1;
message User {
  int64 id = 1;
  string email = 2;
  string name = 3;
  string phone = 9;
}
`}
	c, err := protobuf.Compile(ctx, v1, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.FromJSON([]byte(`{"id":"42","email":"ada@example.com","name":"Ada","phone":"+44 1"}`))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := users.NewUserDecoder(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, framing := range []serde.Framing{serde.FramePrefix, serde.FrameGUIDPrefix, serde.FrameHeader} {
		t.Run(framing.String(), func(t *testing.T) {
			rec := writeOld(t, reg, "users-value", v1, m, framing)
			got, err := dec.Decode(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			if got.Id != 42 || got.Email != "ada@example.com" || got.Name != "Ada" || got.Address != nil {
				t.Fatalf("decoded %v", got)
			}
			if len(got.ProtoReflect().GetUnknown()) == 0 {
				t.Fatal("the writer's phone field was dropped, want it kept as an unknown field")
			}
			again, err := proto.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(again), "+44 1") {
				t.Fatalf("re-encoded %q lost the phone", again)
			}
		})
	}
	t.Run("other message", func(t *testing.T) {
		other := serde.Schema{Format: serde.Protobuf, Text: "syntax = \"proto3\";\npackage shop.v1;\nmessage Order { int64 id = 1; }\n"}
		oc, err := protobuf.Compile(ctx, other, nil)
		if err != nil {
			t.Fatal(err)
		}
		om, err := oc.FromJSON([]byte(`{"id":"1"}`))
		if err != nil {
			t.Fatal(err)
		}
		rec := writeOld(t, reg, "orders-proto", other, om, serde.FramePrefix)
		// The writer's file has no shop.v1.User: refused before decoding.
		if _, err := dec.Decode(ctx, rec); !errors.Is(err, producer.ErrDecode) || !strings.Contains(err.Error(), `no message "shop.v1.User"`) {
			t.Fatalf("err = %v, want ErrDecode naming the missing message", err)
		}
	})
}

// A Payment written with version 1 (no reference property) decodes into
// payments.Payment; a payload its writer's schema forbids is refused even
// when the reader's schema would take it.
func TestDecoderJSONOldVersion(t *testing.T) {
	ctx := context.Background()
	reg := newReg(t)
	v1 := serde.Schema{Format: serde.JSON, Text: `{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Payment","type":"object",
	 "required":["order_id","amount_cents","method"],
	 "properties":{"order_id":{"type":"string","minLength":1},"amount_cents":{"type":"integer","minimum":1,"maximum":1000},
	  "method":{"type":"string","enum":["card","transfer","voucher"]}}}`}
	dec, err := payments.NewPaymentDecoder(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	rec := writeOld(t, reg, "payments-value", v1, map[string]any{"order_id": "o-1", "amount_cents": 500, "method": "card"}, serde.FramePrefix)
	got, err := dec.Decode(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrderID != "o-1" || got.AmountCents != 500 || got.Method != payments.PaymentMethodCard || got.Reference != nil {
		t.Fatalf("decoded %+v", got)
	}
	// Forge a record with v1's ID whose amount breaks v1's maximum.
	forged := append([]byte(nil), rec.Value[:5]...)
	forged = append(forged, `{"order_id":"o-2","amount_cents":5000,"method":"card"}`...)
	if _, err := dec.DecodeBytes(ctx, forged, nil); !errors.Is(err, producer.ErrDecode) || len(serde.Violations(err)) == 0 {
		t.Fatalf("err = %v, want ErrDecode with the writer schema's violation", err)
	}
}

// Generated Avro union types (sum types registered with the reader's
// codec) decode through schema resolution too: the writer's version has a
// field the reader lacks, so the resolved path, not the plain one, runs.
func TestDecoderAvroUnionsResolved(t *testing.T) {
	ctx := context.Background()
	reg := newReg(t)
	tok := "7b0f8b44-5a2c-4a53-9d1e-1d7e5c1d2a10"
	v := &avrounion.Payment{
		ID:        "p-1",
		Method:    &avrounion.PaymentMethod{Value: avrounion.Card{Last4: "4242", ExpiryMonth: 12, Token: tok}},
		Reference: &avrounion.PaymentReference{Value: avrounion.ChannelStore},
		History:   []*avrounion.PaymentHistoryItem{{Value: avrounion.PaymentHistoryItemInt(3)}, {Value: avrounion.Card{Last4: "0000", ExpiryMonth: 1, Token: tok}}},
	}
	side := avrounion.PaymentSide()
	reader, err := side.Schema.Compile(ctx, side.Schema.Local, side.Schema.Resolver)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := reader.AppendEncode(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	// The writer had one more field, last: its bytes follow the reader's.
	text := avrounion.PaymentSchema
	i := strings.LastIndex(text, "]")
	writer := serde.Schema{Format: serde.Avro, Text: text[:i] + `,{"name":"extra","type":"string"}` + text[i:]}
	ss, err := reg.Register(ctx, "payments-union", writer)
	if err != nil {
		t.Fatal(err)
	}
	framed := serde.AppendPrefix(nil, ss.ID)
	framed = append(framed, payload...)
	framed = append(framed, 2, 'x') // "x": zigzag length 1, then the byte
	dec, err := avrounion.NewPaymentDecoder(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dec.DecodeBytes(ctx, framed, nil)
	if err != nil {
		t.Fatal(err)
	}
	card, ok := got.Method.Value.(avrounion.Card)
	if got.ID != "p-1" || !ok || card.Last4 != "4242" || got.Reference == nil || got.Reference.Value != avrounion.ChannelStore || len(got.History) != 2 {
		t.Fatalf("decoded %+v", got)
	}
	// Negative control: the same bytes under the reader's own ID would
	// leave the writer's field as trailing bytes.
	own, err := reg.Register(ctx, "payments-union-own", side.Schema.Local)
	if err != nil {
		t.Fatal(err)
	}
	again := append(serde.AppendPrefix(nil, own.ID), framed[5:]...)
	if _, err := dec.DecodeBytes(ctx, again, nil); !errors.Is(err, serde.ErrDecode) {
		t.Fatalf("decoding with the reader's schema: err = %v, want trailing bytes refused", err)
	}
}

package avro

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

func TestRoundTripStruct(t *testing.T) {
	s := orderSchema(t)
	in := sampleOrder()
	b, err := s.AppendEncode(nil, in)
	if err != nil {
		t.Fatalf("AppendEncode: %v", err)
	}
	var out Order
	if err := s.Decode(b, &out); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if out.ID != in.ID || out.Customer != in.Customer || out.Status != in.Status ||
		!out.Created.Equal(in.Created) || !out.Day.Equal(in.Day) || out.Total.Cmp(in.Total) != 0 ||
		*out.Note != *in.Note || out.Quantity != in.Quantity || out.Weight != in.Weight ||
		out.Ratio != in.Ratio || out.Flag != in.Flag || out.Hash != in.Hash || out.Address != in.Address ||
		!reflect.DeepEqual(out.Tags, in.Tags) || !out.Micros.Equal(*in.Micros) ||
		!reflect.DeepEqual(out.Payload, map[string]any{"string": "hello"}) { // multi-branch unions decode wrapped
		t.Errorf("round trip mismatch:\n got %+v\nwant %+v", out, *in)
	}
	if len(out.Items) != 2 || out.Items[1].SKU != "B-2" || out.Items[1].Qty != 2 || out.Items[1].Price.Cmp(rat("11.72")) != 0 {
		t.Errorf("items: got %+v", out.Items)
	}
}

func TestRoundTripMapMatchesStruct(t *testing.T) {
	s := orderSchema(t)
	want, err := s.AppendEncode(nil, sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.AppendEncode([]byte("prefix"), sampleOrderMap())
	if err != nil {
		t.Fatalf("AppendEncode(map): %v", err)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[6:], want) {
		t.Fatalf("map encoding differs from struct encoding:\n got %x\nwant %x", got[6:], want)
	}
	var back map[string]any
	if err := s.Decode(want, &back); err != nil {
		t.Fatalf("Decode into map: %v", err)
	}
	if back["customer"] != "ada" || back["status"] != "PAID" {
		t.Errorf("decoded map: %v", back)
	}
	// what was decoded generically encodes to the same bytes again
	again, err := s.AppendEncode(nil, back)
	if err != nil {
		t.Fatalf("re-encode decoded map: %v", err)
	}
	if !bytes.Equal(again, want) {
		t.Errorf("re-encoded map differs:\n got %x\nwant %x", again, want)
	}
}

func TestRoundTripPrimitivesAndUnions(t *testing.T) {
	ctx := t.Context()
	cases := []struct {
		name   string
		schema string
		in     any
		want   any
	}{
		{name: "null", schema: `"null"`, in: nil, want: nil},
		{name: "boolean", schema: `"boolean"`, in: true, want: true},
		{name: "int", schema: `"int"`, in: int32(-7), want: -7},
		{name: "long", schema: `"long"`, in: int64(1) << 40, want: int64(1) << 40},
		{name: "float", schema: `"float"`, in: float32(1.5), want: float32(1.5)},
		{name: "double", schema: `"double"`, in: 2.25, want: 2.25},
		{name: "bytes", schema: `"bytes"`, in: []byte{0, 1, 2}, want: []byte{0, 1, 2}},
		{name: "string", schema: `"string"`, in: "héllo", want: "héllo"},
		{name: "uuid", schema: `{"type":"string","logicalType":"uuid"}`, in: "7B0F3C1E-9A4D-4C2B-8F7E-1D2C3B4A5F60", want: "7B0F3C1E-9A4D-4C2B-8F7E-1D2C3B4A5F60"},
		{name: "date", schema: `{"type":"int","logicalType":"date"}`, in: time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC), want: time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)},
		{name: "timestamp-micros", schema: `{"type":"long","logicalType":"timestamp-micros"}`, in: created, want: created},
		{name: "timestamp-millis", schema: `{"type":"long","logicalType":"timestamp-millis"}`, in: created, want: created},
		{name: "local-timestamp-millis", schema: `{"type":"long","logicalType":"local-timestamp-millis"}`, in: created, want: created},
		{name: "local-timestamp-micros", schema: `{"type":"long","logicalType":"local-timestamp-micros"}`, in: created.Add(7 * time.Microsecond), want: created.Add(7 * time.Microsecond)},
		{name: "time-micros", schema: `{"type":"long","logicalType":"time-micros"}`, in: 1500 * time.Microsecond, want: 1500 * time.Microsecond},
		{name: "duration", schema: `{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}`, in: avro.LogicalDuration{Months: 1, Days: 2, Milliseconds: 3}, want: avro.LogicalDuration{Months: 1, Days: 2, Milliseconds: 3}},
		{name: "fixed", schema: `{"type":"fixed","name":"F4","size":4}`, in: [4]byte{1, 2, 3, 4}, want: [4]byte{1, 2, 3, 4}},
		{name: "nullable timestamp", schema: `["null",{"type":"long","logicalType":"timestamp-micros"}]`, in: created, want: created},
		{name: "union enum wrapped", schema: `["null","string",{"type":"enum","name":"E2","symbols":["X"]}]`, in: map[string]any{"E2": "X"}, want: map[string]any{"E2": "X"}},
		{name: "time-millis", schema: `{"type":"int","logicalType":"time-millis"}`, in: 90 * time.Second, want: 90 * time.Second},
		{name: "decimal", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, in: rat("-12.5"), want: rat("-12.5")},
		{name: "fixed decimal", schema: `{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":6,"scale":3}`, in: rat("1.5"), want: rat("1.5")},
		{name: "enum", schema: `{"type":"enum","name":"E","symbols":["A","B"]}`, in: "B", want: "B"},
		{name: "array", schema: `{"type":"array","items":"long"}`, in: []int64{1, 2, 3}, want: []any{int64(1), int64(2), int64(3)}},
		{name: "map", schema: `{"type":"map","values":"int"}`, in: map[string]int32{"a": 1}, want: map[string]any{"a": 1}},
		{name: "union null", schema: `["null","string"]`, in: nil, want: nil},
		{name: "union string", schema: `["null","string"]`, in: "x", want: "x"},
		{name: "union wrapped", schema: `["null","string","long"]`, in: map[string]any{"long": int64(5)}, want: int64(5)},
		{name: "union record", schema: `["null",{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}]`,
			in: map[string]any{"R": map[string]any{"a": int32(1)}}, want: map[string]any{"R": map[string]any{"a": 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(ctx, serde.Schema{Text: tc.schema}, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.AppendEncode(nil, tc.in)
			if err != nil {
				t.Fatalf("AppendEncode: %v", err)
			}
			var got any
			if err := s.Decode(b, &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !equalValue(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func equalValue(got, want any) bool {
	switch w := want.(type) {
	case *big.Rat:
		g, ok := got.(*big.Rat)
		return ok && g.Cmp(w) == 0
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	}
	return reflect.DeepEqual(got, want)
}

// TestBadValues covers every rule: each case breaks one field of a valid
// order and expects exactly one violation with that path and sentinel.
func TestBadValues(t *testing.T) {
	s := orderSchema(t)
	cases := []struct {
		name     string
		mutStr   func(o *Order)
		mutMap   func(m map[string]any)
		path     string
		sentinel error
	}{
		{name: "uuid malformed", mutStr: func(o *Order) { o.ID = "not-a-uuid" }, path: "id", sentinel: serde.ErrFormat},
		{name: "uuid bad hex", mutStr: func(o *Order) { o.ID = "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5fzz" }, path: "id", sentinel: serde.ErrFormat},
		{name: "uuid map", mutMap: func(m map[string]any) { m["id"] = "x" }, path: "id", sentinel: serde.ErrFormat},
		{name: "string not utf8", mutStr: func(o *Order) { o.Customer = "\xff\xfe" }, path: "customer", sentinel: serde.ErrFormat},
		{name: "string wrong type", mutMap: func(m map[string]any) { m["customer"] = 42 }, path: "customer", sentinel: serde.ErrType},
		{name: "string null", mutMap: func(m map[string]any) { m["customer"] = nil }, path: "customer", sentinel: serde.ErrRequired},
		{name: "missing field", mutMap: func(m map[string]any) { delete(m, "customer") }, path: "customer", sentinel: serde.ErrRequired},
		{name: "enum symbol", mutStr: func(o *Order) { o.Status = "LOST" }, path: "status", sentinel: serde.ErrEnum},
		{name: "enum symbol map", mutMap: func(m map[string]any) { m["status"] = "paid" }, path: "status", sentinel: serde.ErrEnum},
		{name: "enum wrong type", mutMap: func(m map[string]any) { m["status"] = 1 }, path: "status", sentinel: serde.ErrType},
		{name: "timestamp out of range", mutStr: func(o *Order) { o.Created = time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC) }, path: "created", sentinel: serde.ErrRange},
		{name: "timestamp wrong type", mutMap: func(m map[string]any) { m["created"] = "2026-01-01" }, path: "created", sentinel: serde.ErrType},
		{name: "date out of range", mutStr: func(o *Order) { o.Day = time.Date(9_000_000, 1, 1, 0, 0, 0, 0, time.UTC) }, path: "day", sentinel: serde.ErrRange},
		{name: "timestamp-micros out of range", mutStr: func(o *Order) { m := time.Date(400_000, 1, 1, 0, 0, 0, 0, time.UTC); o.Micros = &m }, path: "micros", sentinel: serde.ErrRange},
		{name: "decimal nil", mutStr: func(o *Order) { o.Total = nil }, path: "total", sentinel: serde.ErrRequired},
		{name: "decimal scale", mutStr: func(o *Order) { o.Total = big.NewRat(1, 3) }, path: "total", sentinel: serde.ErrRange},
		{name: "decimal scale 3 places", mutStr: func(o *Order) { o.Total = rat("1.005") }, path: "total", sentinel: serde.ErrRange},
		{name: "decimal precision", mutStr: func(o *Order) { o.Total = rat("12345678.9") }, path: "total", sentinel: serde.ErrRange},
		{name: "decimal map wrong type", mutMap: func(m map[string]any) { m["total"] = 1.5 }, path: "total", sentinel: serde.ErrType},
		{name: "int out of range", mutMap: func(m map[string]any) { m["quantity"] = 1 << 40 }, path: "quantity", sentinel: serde.ErrRange},
		{name: "int wrong type", mutMap: func(m map[string]any) { m["quantity"] = int64(1) }, path: "quantity", sentinel: serde.ErrType},
		{name: "double wrong type", mutMap: func(m map[string]any) { m["weight"] = "heavy" }, path: "weight", sentinel: serde.ErrType},
		{name: "float wrong type", mutMap: func(m map[string]any) { m["ratio"] = 0.5 }, path: "ratio", sentinel: serde.ErrType},
		{name: "boolean wrong type", mutMap: func(m map[string]any) { m["flag"] = "true" }, path: "flag", sentinel: serde.ErrType},
		{name: "fixed size", mutMap: func(m map[string]any) { m["hash"] = [8]byte{} }, path: "hash", sentinel: serde.ErrRange},
		{name: "fixed wrong type", mutMap: func(m map[string]any) { m["hash"] = "abc" }, path: "hash", sentinel: serde.ErrType},
		{name: "nested record field", mutMap: func(m map[string]any) { m["address"].(map[string]any)["zip"] = 12345 }, path: "address.zip", sentinel: serde.ErrType},
		{name: "nested record missing", mutMap: func(m map[string]any) { delete(m["address"].(map[string]any), "street") }, path: "address.street", sentinel: serde.ErrRequired},
		{name: "array element field", mutStr: func(o *Order) { o.Items[1].Price = big.NewRat(1, 3) }, path: "items[1].price", sentinel: serde.ErrRange},
		{name: "array element sku", mutMap: func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["sku"] = int64(7) }, path: "items[0].sku", sentinel: serde.ErrType},
		{name: "array element null", mutMap: func(m map[string]any) { m["items"].([]any)[1] = nil }, path: "items[1]", sentinel: serde.ErrRequired},
		{name: "array wrong type", mutMap: func(m map[string]any) { m["items"] = "none" }, path: "items", sentinel: serde.ErrType},
		{name: "map value", mutMap: func(m map[string]any) { m["tags"] = map[string]any{"gift": true} }, path: `tags["gift"]`, sentinel: serde.ErrType},
		{name: "map value utf8", mutStr: func(o *Order) { o.Tags = map[string]string{"k": "\xc3"} }, path: `tags["k"]`, sentinel: serde.ErrFormat},
		{name: "union no branch", mutMap: func(m map[string]any) { m["payload"] = 1.5 }, path: "payload", sentinel: serde.ErrUnion},
		{name: "union struct no branch", mutStr: func(o *Order) { o.Payload = Address{} }, path: "payload", sentinel: serde.ErrUnion},
		{name: "union wrapped unknown branch", mutMap: func(m map[string]any) { m["payload"] = map[string]any{"double": 1.5} }, path: "payload", sentinel: serde.ErrUnion},
		{name: "union wrapped two entries", mutMap: func(m map[string]any) { m["payload"] = map[string]any{"string": "a", "long": int64(1)} }, path: "payload", sentinel: serde.ErrUnion},
		{name: "union wrapped bad inner", mutMap: func(m map[string]any) {
			m["payload"] = map[string]any{"shop.Address": map[string]any{"street": "x"}}
		}, path: "payload.zip", sentinel: serde.ErrRequired},
		{name: "union nullable wrong type", mutMap: func(m map[string]any) { m["note"] = 5 }, path: "note", sentinel: serde.ErrUnion},
		{name: "unknown map key", mutMap: func(m map[string]any) { m["colour"] = "red" }, path: "colour", sentinel: serde.ErrUnknownField},
		{name: "unknown nested key", mutMap: func(m map[string]any) { m["address"].(map[string]any)["city"] = "x" }, path: "address.city", sentinel: serde.ErrUnknownField},
		{name: "top-level nil", mutStr: nil, mutMap: nil, path: "", sentinel: serde.ErrRequired},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			switch {
			case tc.mutStr != nil:
				o := sampleOrder()
				tc.mutStr(o)
				v = o
			case tc.mutMap != nil:
				m := sampleOrderMap()
				tc.mutMap(m)
				v = m
			}
			err := s.Validate(v)
			vs := serde.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("Validate: got %d violations (%v), want 1", len(vs), err)
			}
			if vs[0].Path != tc.path {
				t.Errorf("path = %q, want %q (%v)", vs[0].Path, tc.path, err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tc.sentinel)
			}
			// AppendEncode refuses the same value and leaves dst alone.
			dst := []byte{0xAA}
			out, encErr := s.AppendEncode(dst, v)
			if encErr == nil || !errors.Is(encErr, tc.sentinel) {
				t.Errorf("AppendEncode error = %v, want %v", encErr, tc.sentinel)
			}
			if len(out) != 1 || out[0] != 0xAA {
				t.Errorf("AppendEncode changed dst on error: %x", out)
			}
		})
	}
}

func TestMultipleViolationsJoined(t *testing.T) {
	s := orderSchema(t)
	o := sampleOrder()
	o.ID = "nope"
	o.Status = "GONE"
	o.Items[0].Price = nil
	o.Items[1].Price = big.NewRat(1, 3)
	o.Tags = map[string]string{"bad": "\xff"}
	err := s.Validate(o)
	want := map[string]error{
		"id":             serde.ErrFormat,
		"status":         serde.ErrEnum,
		"items[0].price": serde.ErrRequired,
		"items[1].price": serde.ErrRange,
		`tags["bad"]`:    serde.ErrFormat,
	}
	vs := serde.Violations(err)
	if len(vs) != len(want) {
		t.Fatalf("got %d violations, want %d: %v", len(vs), len(want), err)
	}
	for _, v := range vs {
		sentinel, ok := want[v.Path]
		if !ok {
			t.Errorf("unexpected violation %v", v)
			continue
		}
		if !errors.Is(v, sentinel) {
			t.Errorf("%s: %v does not wrap %v", v.Path, v, sentinel)
		}
		delete(want, v.Path)
	}
	if !strings.Contains(err.Error(), "items[1].price: ") {
		t.Errorf("message lacks path: %v", err)
	}
}

func TestNoPanicOnHostileValues(t *testing.T) {
	s := orderSchema(t)
	cases := []struct {
		name string
		v    any
	}{
		{name: "nil pointer", v: (*Order)(nil)},
		{name: "string", v: "x"},
		{name: "slice", v: []any{1}},
		{name: "nil map", v: map[string]any(nil)},
		{name: "chan", v: make(chan int)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate(tc.v)
			if err == nil {
				t.Fatal("Validate accepted a value that cannot be an order")
			}
			if _, encErr := s.AppendEncode(nil, tc.v); encErr == nil {
				t.Fatal("AppendEncode accepted it")
			}
		})
	}
}

func TestIsUUID(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want bool
	}{
		{name: "lower", in: "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60", want: true},
		{name: "upper", in: "7B0F3C1E-9A4D-4C2B-8F7E-1D2C3B4A5F60", want: true},
		{name: "nil uuid", in: "00000000-0000-0000-0000-000000000000", want: true},
		{name: "short", in: "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f6", want: false},
		{name: "no dashes", in: "7b0f3c1e9a4d4c2b8f7e1d2c3b4a5f60abcd", want: false},
		{name: "dash moved", in: "7b0f3c1e9-a4d-4c2b-8f7e-1d2c3b4a5f60", want: false},
		{name: "non hex", in: "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5g60", want: false},
		{name: "braces", in: "{7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f}", want: false},
		{name: "empty", in: "", want: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := isUUID(tc.in); got != tc.want {
				t.Errorf("isUUID(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestDecimalRules runs each case through the 64-bit fast path and the
// big.Int path (precision 30 forces the latter) and checks hamba agrees.
func TestDecimalRules(t *testing.T) {
	cases := []struct {
		name   string
		schema string
		value  *big.Rat
		ok     bool
	}{
		{name: "fits", schema: `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, value: rat("999.99"), ok: true},
		{name: "too many digits", schema: `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, value: rat("1000.00"), ok: false},
		{name: "negative fits", schema: `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, value: rat("-999.99"), ok: true},
		{name: "scale", schema: `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, value: rat("0.001"), ok: false},
		{name: "one third", schema: `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, value: big.NewRat(1, 3), ok: false},
		{name: "scale 0 integer", schema: `{"type":"bytes","logicalType":"decimal","precision":3}`, value: rat("999"), ok: true},
		{name: "scale 0 half", schema: `{"type":"bytes","logicalType":"decimal","precision":3}`, value: rat("0.5"), ok: false},
		{name: "big fits", schema: `{"type":"bytes","logicalType":"decimal","precision":30,"scale":10}`, value: rat("12345678901234567890.0123456789"), ok: true},
		{name: "big too many digits", schema: `{"type":"bytes","logicalType":"decimal","precision":30,"scale":10}`, value: rat("123456789012345678901.0"), ok: false},
		{name: "big scale", schema: `{"type":"bytes","logicalType":"decimal","precision":30,"scale":10}`, value: rat("1.00000000001"), ok: false},
		{name: "huge numerator", schema: `{"type":"bytes","logicalType":"decimal","precision":18,"scale":0}`, value: rat("100000000000000000000000"), ok: false},
		{name: "fixed 2 bytes 9999", schema: `{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":4}`, value: rat("9999"), ok: true},
		{name: "fixed 2 bytes -9999", schema: `{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":4}`, value: rat("-9999"), ok: true},
		{name: "fixed 2 bytes 10000", schema: `{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":4}`, value: rat("10000"), ok: false},
		{name: "fixed 9 bytes big", schema: `{"type":"fixed","name":"F","size":9,"logicalType":"decimal","precision":21,"scale":1}`, value: rat("-123456789012345678901.1"), ok: false},
		{name: "fixed 9 bytes big ok", schema: `{"type":"fixed","name":"F","size":9,"logicalType":"decimal","precision":21,"scale":1}`, value: rat("-1234567890123456789.1"), ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(t.Context(), serde.Schema{Text: tc.schema}, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Validate(tc.value)
			if tc.ok != (err == nil) {
				t.Fatalf("Validate(%s) = %v, want ok=%v", tc.value.RatString(), err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, serde.ErrRange) {
					t.Errorf("%v does not wrap ErrRange", err)
				}
				return
			}
			b, err := s.AppendEncode(nil, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			var back *big.Rat
			if err := s.Decode(b, &back); err != nil {
				t.Fatal(err)
			}
			if back.Cmp(tc.value) != 0 {
				t.Errorf("round trip %s -> %s", tc.value.RatString(), back.RatString())
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	ctx := t.Context()
	cases := []struct {
		name   string
		schema string
		opts   []Opt
		data   []byte
	}{
		// zig-zag varint 2^40: a 1 TiB string
		{name: "huge string", schema: `"string"`, data: []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x40}},
		{name: "string over limit", schema: `"bytes"`, opts: []Opt{MaxDecodeBytes(4)}, data: []byte{0x0a, 1, 2, 3, 4, 5}},
		// a block of 2^30 longs
		{name: "huge array", schema: `{"type":"array","items":"long"}`, data: []byte{0x80, 0x80, 0x80, 0x80, 0x08}},
		{name: "array over limit", schema: `{"type":"array","items":"int"}`, opts: []Opt{MaxDecodeItems(2)}, data: []byte{0x06, 2, 4, 6, 0}},
		// block count -2^63, which negates to itself
		{name: "min int64 block count", schema: `{"type":"array","items":"null"}`, data: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00}},
		{name: "min int64 map count", schema: `{"type":"map","values":"null"}`, data: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00}},
		{name: "truncated", schema: `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}`, data: []byte{0x02}},
		{name: "bad union index", schema: `["null","int"]`, data: []byte{0x08}},
		{name: "negative length", schema: `"string"`, data: []byte{0x03}},
		{name: "overlong varint", schema: `"long"`, data: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(ctx, serde.Schema{Text: tc.schema}, nil, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := s.Decode(tc.data, &v); !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("Decode = %v, want ErrDecode", err)
			}
		})
	}
}

func TestDecodeTrailingBytes(t *testing.T) {
	s := orderSchema(t)
	b, err := s.AppendEncode(nil, sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	var o Order
	if err := s.Decode(append(b, 0), &o); !errors.Is(err, serde.ErrDecode) {
		t.Errorf("trailing byte: Decode = %v, want ErrDecode", err)
	}
	for cut := 0; cut < len(b); cut++ {
		if err := s.Decode(b[:cut], &o); !errors.Is(err, serde.ErrDecode) {
			t.Fatalf("truncated to %d of %d bytes: Decode = %v, want ErrDecode", cut, len(b), err)
		}
	}
	if err := s.Decode(b, &o); err != nil {
		t.Errorf("whole payload: %v", err)
	}
}

func TestValidUTF8(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "ascii", in: "hello"},
		{name: "two-byte", in: "héllo"},
		{name: "bad continuation", in: "h\xc3llo"},
		{name: "lone continuation", in: "\x80"},
		{name: "long ascii", in: strings.Repeat("a", 100)},
		{name: "word then two-byte", in: strings.Repeat("a", 10) + "é" + "bbbb"},
		{name: "word then invalid", in: strings.Repeat("a", 9) + "\xc3" + strings.Repeat("b", 12)},
		{name: "exact words", in: strings.Repeat("abcdefgh", 4)},
		{name: "long bad tail", in: strings.Repeat("a", 100) + "\xff"},
		{name: "surrogate", in: "\xed\xa0\x80"},
		{name: "four-byte", in: "𝄞"},
		{name: "truncated four-byte", in: "\xf0\x9d\x84"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := validUTF8(tc.in), utf8.ValidString(tc.in); got != want {
				t.Errorf("validUTF8(%q) = %v, utf8.ValidString = %v", tc.in, got, want)
			}
		})
	}
}

const listAvsc = `{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}`

func TestRecursiveDepthBounded(t *testing.T) {
	s, err := Compile(t.Context(), serde.Schema{Text: listAvsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A cyclic value: validation stops at the depth limit instead of
	// overflowing the stack.
	m := map[string]any{"v": int32(1)}
	m["next"] = map[string]any{"L": m}
	if err := s.Validate(m); !errors.Is(err, serde.ErrRange) {
		t.Fatalf("cyclic value: Validate = %v, want ErrRange", err)
	}
	if _, err := s.AppendEncode(nil, m); !errors.Is(err, serde.ErrRange) {
		t.Fatalf("cyclic value: AppendEncode = %v, want ErrRange", err)
	}

	// A legitimately nested list round-trips.
	var list any = map[string]any{"v": int32(0), "next": nil}
	for i := 1; i < 100; i++ {
		list = map[string]any{"v": int32(i), "next": map[string]any{"L": list}}
	}
	b, err := s.AppendEncode(nil, list)
	if err != nil {
		t.Fatal(err)
	}
	var back any
	if err := s.Decode(b, &back); err != nil {
		t.Fatalf("Decode of 100 levels: %v", err)
	}

	// Hostile bytes: a million levels of "next is present" (v = 0 each).
	hostile := bytes.Repeat([]byte{0x00, 0x02}, 1_000_000)
	if err := s.Decode(hostile, &back); !errors.Is(err, serde.ErrDecode) {
		t.Fatalf("hostile nesting: Decode = %v, want ErrDecode", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := orderSchema(t)
	want, err := s.AppendEncode(nil, sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	values := []any{sampleOrder(), *sampleOrder(), sampleOrderMap()}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			var buf []byte
			for i := range 200 {
				v := values[(g+i)%len(values)]
				var err error
				buf, err = s.AppendEncode(buf[:0], v)
				if err == nil && !bytes.Equal(buf, want) {
					err = fmt.Errorf("goroutine %d: encoding differs", g)
				}
				if err == nil {
					var o Order
					err = s.Decode(buf, &o)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// payloadUnion is a typed union the way hamba's avro.UnionConverter spells
// one.
type payloadUnion struct {
	s   *string
	n   *int64
	bad bool
}

func (u *payloadUnion) ToAny() (any, error) {
	switch {
	case u.bad:
		return nil, errors.New("no branch set")
	case u.s != nil:
		return u.s, nil
	case u.n != nil:
		return u.n, nil
	}
	return nil, errors.New("empty")
}

func (u *payloadUnion) FromAny(v any) error { return errors.New("decode unsupported") }

func TestUnionConverter(t *testing.T) {
	s, err := Compile(t.Context(), serde.Schema{Text: `{"type":"record","name":"P","fields":[{"name":"p","type":["null","string","long"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	type P struct {
		P *payloadUnion `avro:"p"`
	}
	str, num := "x", int64(7)
	ok := []struct {
		name string
		v    P
		want []byte
	}{
		{name: "nil", v: P{}, want: []byte{0x00}},
		{name: "string", v: P{P: &payloadUnion{s: &str}}, want: []byte{0x02, 0x02, 'x'}},
		{name: "long", v: P{P: &payloadUnion{n: &num}}, want: []byte{0x04, 0x0e}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			b, err := s.AppendEncode(nil, &tc.v)
			if err != nil {
				t.Fatalf("AppendEncode: %v", err)
			}
			if !bytes.Equal(b, tc.want) {
				t.Errorf("got %x, want %x", b, tc.want)
			}
		})
	}
	if err := s.Validate(&P{P: &payloadUnion{bad: true}}); !errors.Is(err, serde.ErrUnion) || serde.Violations(err)[0].Path != "p" {
		t.Errorf("ToAny error: Validate = %v, want ErrUnion at p", err)
	}
}

func TestNullSchemaDropsNothing(t *testing.T) {
	s, err := Compile(t.Context(), serde.Schema{Text: `{"type":"record","name":"N","fields":[{"name":"n","type":"null"},{"name":"u","type":["null","string"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		v    any
		ok   bool
	}{
		{name: "nil", v: map[string]any{"n": nil, "u": nil}, ok: true},
		{name: "string for null", v: map[string]any{"n": "data", "u": nil}, ok: false},
		{name: "wrapped null with data", v: map[string]any{"n": nil, "u": map[string]any{"null": "data"}}, ok: false},
		{name: "nil slice", v: map[string]any{"n": []int(nil), "u": nil}, ok: true},
		{name: "empty struct", v: map[string]any{"n": struct{}{}, "u": nil}, ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate(tc.v)
			if tc.ok != (err == nil) {
				t.Fatalf("Validate = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, serde.ErrType) {
				t.Errorf("%v does not wrap ErrType", err)
			}
		})
	}
}

// TestDecodeShortInputAllocatesLittle: a payload of a few bytes that claims
// a 16 MiB string is refused before anything that size is allocated.
func TestDecodeShortInputAllocatesLittle(t *testing.T) {
	s, err := Compile(t.Context(), serde.Schema{Text: `{"type":"record","name":"S","fields":[{"name":"s","type":"string"}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// zig-zag varint of 16 MiB - 2: just under the default limit
	data := []byte{0xfc, 0xff, 0xff, 0x0f, 'a', 'b'}
	var v any
	allocs := testing.AllocsPerRun(20, func() {
		if err := s.Decode(data, &v); !errors.Is(err, serde.ErrDecode) {
			t.Fatalf("Decode = %v, want ErrDecode", err)
		}
	})
	var ms1, ms2 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	for range 20 {
		_ = s.Decode(data, &v)
	}
	runtime.ReadMemStats(&ms2)
	if perCall := (ms2.TotalAlloc - ms1.TotalAlloc) / 20; perCall > 64<<10 {
		t.Errorf("a 6-byte payload allocated %d bytes per Decode (%v allocs)", perCall, allocs)
	}
}

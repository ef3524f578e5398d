package avro

import (
	"bytes"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

const orderJSON = `{"id":"7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60","customer":"ada","status":"PAID",
 "created":"2026-11-23T06:25:00.123Z","day":"2026-11-23","total":123.45,"note":"leave at door",
 "quantity":3,"weight":1.5,"ratio":0.25,"flag":true,
 "hash":"\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010",
 "address":{"street":"1 Main St","zip":"12345"},
 "items":[{"sku":"A-1","qty":1,"price":"100.00"},{"sku":"B-2","qty":2,"price":11.72}],
 "tags":{"gift":"yes"},"micros":{"long":1795415100123456},"payload":{"string":"hello"}}`

func TestFromJSONEncodesLikeStruct(t *testing.T) {
	s := orderSchema(t)
	want, err := s.AppendEncode(nil, sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.FromJSON([]byte(orderJSON))
	if err != nil {
		t.Fatalf("FromJSON: %v", err)
	}
	got, err := s.AppendEncode(nil, v)
	if err != nil {
		t.Fatalf("AppendEncode: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("JSON input encodes differently from the struct:\n got %x\nwant %x", got, want)
	}
}

func TestFromJSONForms(t *testing.T) {
	cases := []struct {
		name, schema, json string
		want               []byte // Avro binary
	}{
		{name: "int", schema: `"int"`, json: `-1`, want: []byte{0x01}},
		{name: "long exponent", schema: `"long"`, json: `1`, want: []byte{0x02}},
		{name: "bare union", schema: `["null","long"]`, json: `2`, want: []byte{0x02, 0x04}},
		{name: "wrapped union", schema: `["null","string"]`, json: `{"string":"a"}`, want: []byte{0x02, 0x02, 'a'}},
		{name: "null union", schema: `["null","string"]`, json: `null`, want: []byte{0x00}},
		{name: "union short name", schema: `["null",{"type":"record","name":"ns.R","fields":[{"name":"a","type":"int"}]}]`, json: `{"R":{"a":1}}`, want: []byte{0x02, 0x02}},
		{name: "union record bare", schema: `["null",{"type":"record","name":"ns.R","fields":[{"name":"a","type":"int"}]}]`, json: `{"a":1}`, want: []byte{0x02, 0x02}},
		{name: "timestamp epoch", schema: `{"type":"long","logicalType":"timestamp-millis"}`, json: `1000`, want: []byte{0xd0, 0x0f}},
		{name: "timestamp rfc3339", schema: `{"type":"long","logicalType":"timestamp-millis"}`, json: `"1970-01-01T00:00:01Z"`, want: []byte{0xd0, 0x0f}},
		{name: "date", schema: `{"type":"int","logicalType":"date"}`, json: `"1970-01-02"`, want: []byte{0x02}},
		{name: "decimal string", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, json: `"0.01"`, want: []byte{0x02, 0x01}},
		{name: "bytes", schema: `"bytes"`, json: `"\u00ff"`, want: []byte{0x02, 0xff}},
		{name: "fixed", schema: `{"type":"fixed","name":"F","size":2}`, json: `"ab"`, want: []byte{'a', 'b'}},
		{name: "float", schema: `"float"`, json: `1`, want: []byte{0, 0, 0x80, 0x3f}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(t.Context(), serde.Schema{Text: tc.schema}, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.FromJSON([]byte(tc.json))
			if err != nil {
				t.Fatalf("FromJSON: %v", err)
			}
			got, err := s.AppendEncode(nil, v)
			if err != nil {
				t.Fatalf("AppendEncode: %v", err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got %x, want %x", got, tc.want)
			}
		})
	}
}

func TestFromJSONErrors(t *testing.T) {
	s := orderSchema(t)
	cases := []struct {
		name, json, path string
		sentinel         error
	}{
		{name: "not json", json: `{`, path: "", sentinel: serde.ErrType},
		{name: "two values", json: `{} {}`, path: "", sentinel: serde.ErrType},
		{name: "int fraction", json: `{"quantity":1.5}`, path: "quantity", sentinel: serde.ErrType},
		{name: "int overflow", json: `{"quantity":4294967296}`, path: "quantity", sentinel: serde.ErrRange},
		{name: "int exponent", json: `{"quantity":1e3}`, path: "quantity", sentinel: serde.ErrRange},
		{name: "int huge exponent", json: `{"quantity":1e999999999}`, path: "quantity", sentinel: serde.ErrRange},
		{name: "long fraction exponent", json: `{"items":[{"qty":1.5e-3}]}`, path: "items[0].qty", sentinel: serde.ErrType},
		{name: "bad timestamp", json: `{"created":"yesterday"}`, path: "created", sentinel: serde.ErrFormat},
		{name: "bad decimal", json: `{"total":"1/3"}`, path: "total", sentinel: serde.ErrFormat},
		{name: "decimal scale", json: `{"total":0.001}`, path: "total", sentinel: serde.ErrRange},
		{name: "unknown field", json: `{"colour":"red"}`, path: "colour", sentinel: serde.ErrUnknownField},
		{name: "array element", json: `{"items":[{"sku":1}]}`, path: "items[0].sku", sentinel: serde.ErrType},
		{name: "map value", json: `{"tags":{"a":1}}`, path: `tags["a"]`, sentinel: serde.ErrType},
		{name: "union no branch", json: `{"payload":true}`, path: "payload", sentinel: serde.ErrUnion},
		{name: "fixed size", json: `{"hash":"abc"}`, path: "hash", sentinel: serde.ErrRange},
		{name: "bytes code point", json: `{"hash":"\u0100"}`, path: "hash", sentinel: serde.ErrFormat},
		{name: "null required", json: `{"customer":null}`, path: "customer", sentinel: serde.ErrRequired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.FromJSON([]byte(tc.json))
			if err == nil {
				t.Fatal("FromJSON accepted it")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("%v does not wrap %v", err, tc.sentinel)
			}
			found := false
			for _, v := range serde.Violations(err) {
				if v.Path == tc.path && errors.Is(v, tc.sentinel) {
					found = true
				}
			}
			if !found {
				t.Errorf("no violation at %q with %v in %v", tc.path, tc.sentinel, err)
			}
		})
	}
}

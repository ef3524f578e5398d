package avro

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

// secret stands for a credential or PII in a record: validation reasons
// must never quote it (errors reach logs, dead-letter headers and the CLI).
const (
	secret    = "078-05-1120-SECRET"
	secretNum = "4111111111111111"
)

// assertNoSecret fails when err's text, in any verb, holds one of the
// forbidden strings (secret and secretNum when none are given).
func assertNoSecret(t *testing.T, err error, forbidden ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if len(forbidden) == 0 {
		forbidden = []string{secret, secretNum}
	}
	t.Log(err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("error quotes the value %q: %s", f, text)
			}
		}
	}
}

func compileNQ(t *testing.T, text string) *Compiled {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Text: text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type secretText string

func (s secretText) MarshalText() ([]byte, error) { return []byte(s), nil }

func TestValidateNoValueInReasons(t *testing.T) {
	far := time.Date(999999999, 1, 1, 0, 0, 0, 0, time.UTC)
	big16, _ := new(big.Rat).SetString(secretNum)
	frac, _ := new(big.Rat).SetString("0." + secretNum)
	cube := new(big.Rat).SetFrac(new(big.Int).Exp(big.NewInt(4111111111111111), big.NewInt(3), nil), big.NewInt(1))
	tests := []struct {
		name, schema string
		value        any
		forbidden    []string
	}{
		{name: "uuid", schema: `{"type":"string","logicalType":"uuid"}`, value: secret},
		{name: "uuid text marshaler", schema: `{"type":"record","name":"R","fields":[{"name":"id","type":{"type":"string","logicalType":"uuid"}}]}`,
			value: &struct {
				ID secretText `avro:"id"`
			}{secret}},
		{name: "enum", schema: `{"type":"enum","name":"Color","symbols":["RED","GREEN"]}`, value: secret},
		{name: "enum in record", schema: `{"type":"record","name":"R","fields":[{"name":"c","type":{"type":"enum","name":"Color","symbols":["RED"]}}]}`,
			value: map[string]any{"c": secret}},
		{name: "int range", schema: `{"type":"record","name":"R","fields":[{"name":"n","type":"int"}]}`,
			value: &struct {
				N int `avro:"n"`
			}{4111111111111111}},
		{name: "time-millis range", schema: `{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"int","logicalType":"time-millis"}}]}`,
			value: &struct {
				D time.Duration `avro:"d"`
			}{4111111111111111}, forbidden: []string{time.Duration(4111111111111111).String()}},
		{name: "date range", schema: `{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"int","logicalType":"date"}}]}`,
			value: &struct {
				D time.Time `avro:"d"`
			}{far}, forbidden: []string{"999999999"}},
		{name: "decimal precision", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, value: big16},
		{name: "decimal scale", schema: `{"type":"bytes","logicalType":"decimal","precision":30,"scale":2}`, value: frac},
		{name: "decimal fixed", schema: `{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":4,"scale":0}`, value: big16},
		{name: "decimal big precision", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, value: cube, forbidden: []string{cube.RatString()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := compileNQ(t, tt.schema).Validate(tt.value)
			assertNoSecret(t, err, tt.forbidden...)
		})
	}
}

func TestFromJSONNoValueInReasons(t *testing.T) {
	tests := []struct {
		name, schema, json string
		forbidden          []string
	}{
		{name: "uuid", schema: `{"type":"string","logicalType":"uuid"}`, json: `"` + secret + `"`},
		{name: "enum", schema: `{"type":"enum","name":"Color","symbols":["RED"]}`, json: `"` + secret + `"`},
		{name: "timestamp text", schema: `{"type":"long","logicalType":"timestamp-millis"}`, json: `"` + secret + `"`},
		{name: "date text", schema: `{"type":"int","logicalType":"date"}`, json: `"` + secret + `"`},
		{name: "date out of range", schema: `{"type":"int","logicalType":"date"}`, json: `"1120-13-05"`, forbidden: []string{"1120-13-05"}},
		{name: "local timestamp text", schema: `{"type":"long","logicalType":"local-timestamp-micros"}`, json: `"` + secret + `"`},
		{name: "decimal text", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, json: `"` + secret + `"`},
		{name: "decimal fraction", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, json: `"` + secretNum + `/3"`},
		{name: "decimal exponent", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, json: secretNum + `e3`},
		{name: "decimal precision", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, json: secretNum},
		{name: "int non-integer", schema: `"int"`, json: secretNum + `.5`},
		{name: "int too big", schema: `"int"`, json: secretNum},
		{name: "long too big", schema: `"long"`, json: secretNum + `0000000`},
		{name: "float too big", schema: `"float"`, json: secretNum + `e300`},
		{name: "time-micros too big", schema: `{"type":"long","logicalType":"time-micros"}`, json: `9` + secretNum + `00`},
		{name: "bytes code point", schema: `"bytes"`, json: `"SECRET\u0100"`, forbidden: []string{"U+0100", "SECRET"}},
		{name: "fixed size", schema: `{"type":"fixed","name":"F","size":2}`, json: `"` + secret + `"`},
		{name: "string for int", schema: `"int"`, json: `"` + secret + `"`},
		{name: "union", schema: `["null","int"]`, json: `"` + secret + `"`},
		{name: "not JSON", schema: `"string"`, json: `"` + secret},
		{name: "two values", schema: `"string"`, json: `"a" "` + secret + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileNQ(t, tt.schema).FromJSON([]byte(tt.json))
			assertNoSecret(t, err, tt.forbidden...)
		})
	}
}

// TestEncNoValueInReasons covers the runtime of generated AppendAvro
// methods.
func TestEncNoValueInReasons(t *testing.T) {
	var e Enc
	e.BadEnum(secret, "enum Color")
	e.AppendUUID(nil, secret)
	far := time.Date(999999999, 1, 1, 0, 0, 0, 0, time.UTC)
	e.AppendDate(nil, far)
	e.AppendTimestampMillis(nil, far)
	e.AppendTimestampMicros(nil, far)
	e.AppendTimeMillis(nil, 4111111111111111)
	big16, _ := new(big.Rat).SetString(secretNum)
	e.AppendDecimal(nil, big16, NewDecimal(4, 2, 0, ""))
	e.AppendDecimal(nil, big16, NewDecimal(4, 0, 2, "F"))
	if n := len(serde.Violations(e.Err())); n != 8 {
		t.Fatalf("%d violations, want 8: %v", n, e.Err())
	}
	assertNoSecret(t, e.Err(), secret, secretNum, "999999999", time.Duration(4111111111111111).String())
}

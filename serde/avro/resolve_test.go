package avro

import (
	"context"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func compileText(t *testing.T, text string) *Compiled {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResolve(t *testing.T) {
	v1 := compileText(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"gone","type":"string"}]}`)
	v2 := compileText(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"dflt"}]}`)
	type R2 struct {
		A int64  `avro:"a"`
		B string `avro:"b"`
	}
	old, err := v1.AppendEncode(nil, map[string]any{"a": 7, "gone": "x"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := v2.Resolve(v1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want R2
		err  error
	}{
		{name: "old record: promoted, skipped, defaulted", data: old, want: R2{A: 7, B: "dflt"}},
		{name: "truncated", data: old[:len(old)-1], err: serde.ErrDecode},
		{name: "trailing bytes", data: append(append([]byte(nil), old...), 0), err: serde.ErrDecode},
		{name: "empty", data: nil, err: serde.ErrDecode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got R2
			err := r.Decode(tc.data, &got)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	// Negative control: reading the old bytes with v2 alone goes wrong.
	var plain R2
	if err := v2.Decode(old, &plain); err == nil && plain == (R2{A: 7, B: "dflt"}) {
		t.Fatal("v2 decoded v1's bytes without resolution: the test proves nothing")
	}
}

func TestResolveRefused(t *testing.T) {
	reader := compileText(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`)
	tests := []struct{ name, writer string }{
		{name: "field without default missing", writer: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`},
		{name: "no promotion", writer: `{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"string"}]}`},
		{name: "other record", writer: `{"type":"record","name":"Other","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := reader.Resolve(compileText(t, tc.writer)); !errors.Is(err, serde.ErrSchemaMismatch) {
				t.Fatalf("err = %v, want ErrSchemaMismatch", err)
			}
		})
	}
	if _, err := reader.ResolveWriter(nil); err == nil {
		t.Fatal("nil writer accepted")
	}
}

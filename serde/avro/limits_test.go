package avro

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// allocated runs f once and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func decimalSchema(prec int) string {
	return fmt.Sprintf(`{"type":"bytes","logicalType":"decimal","precision":%d,"scale":2}`, prec)
}

// TestDecimalPrecisionLimit: issue 13 item 2. Precision 999999999 made every
// compile compute 10^999999999 (minutes, gigabytes); it is now refused.
func TestDecimalPrecisionLimit(t *testing.T) {
	cases := []struct {
		name string
		text string
		opts []Opt
		ok   bool
	}{
		{name: "reproducer", text: decimalSchema(999999999)},
		{name: "at default limit", text: decimalSchema(DefaultMaxDecimalPrecision), ok: true},
		{name: "past default limit", text: decimalSchema(DefaultMaxDecimalPrecision + 1)},
		{name: "at option", text: decimalSchema(10), opts: []Opt{MaxDecimalPrecision(10)}, ok: true},
		{name: "past option", text: decimalSchema(11), opts: []Opt{MaxDecimalPrecision(10)}},
		{name: "inside a record", text: `{"type":"record","name":"R","fields":[{"name":"d","type":` + decimalSchema(5000) + `}]}`},
		{name: "inside an array of unions", text: `{"type":"array","items":["null",` + decimalSchema(5000) + `]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() {
				_, err = Compile(t.Context(), serde.Schema{Text: tc.text}, nil, tc.opts...)
			})
			if tc.ok && err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if !tc.ok && !errors.Is(err, serde.ErrLimit) {
				t.Fatalf("Compile = %v, want ErrLimit", err)
			}
			if n > 16<<20 {
				t.Errorf("Compile allocated %d bytes", n)
			}
		})
	}
}

func zigzag(b []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

// zeroBomb is issue 13 item 4's payload: an array of arrays of null whose
// outer block holds k inner arrays, each one block claiming items nulls.
func zeroBomb(k, items int) []byte {
	b := zigzag(nil, int64(k))
	for range k {
		b = zigzag(b, int64(items))
		b = append(b, 0) // end of the inner array
	}
	return append(b, 0) // end of the outer array
}

// TestDecodeZeroSizeBomb: issue 13 item 4. 323 bytes claimed 1.6 GB of
// nulls, 1 Mi per inner block; the count now spans the whole payload.
func TestDecodeZeroSizeBomb(t *testing.T) {
	const nested = `{"type":"array","items":{"type":"array","items":"null"}}`
	s, err := Compile(t.Context(), serde.Schema{Text: nested}, nil)
	if err != nil {
		t.Fatal(err)
	}
	bomb := zeroBomb(64, 1<<20) // 323 bytes, as in the issue
	if len(bomb) != 323 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	var v any
	n := allocated(func() { err = s.Decode(bomb, &v) })
	if !errors.Is(err, serde.ErrDecode) {
		t.Fatalf("Decode = %v, want ErrDecode", err)
	}
	if n > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", n)
	}

	// Records of nulls take no bytes either; they are walked, and counted.
	s2, err := Compile(t.Context(), serde.Schema{Text: `{"type":"array","items":{"type":"array","items":{"type":"record","name":"E","fields":[{"name":"a","type":"null"},{"name":"b","type":"null"}]}}}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Decode(zeroBomb(100, 1<<20), &v); !errors.Is(err, serde.ErrDecode) {
		t.Fatalf("Decode(records of nulls) = %v, want ErrDecode", err)
	}
}

// TestDecodeValuesLimit: the whole-payload count at its limit and past it.
// An array of k inner arrays of m nulls holds 1 + k*(1+m) values.
func TestDecodeValuesLimit(t *testing.T) {
	const nested = `{"type":"array","items":{"type":"array","items":"null"}}`
	cases := []struct {
		name  string
		limit int
		k, m  int
		ok    bool
	}{
		{name: "at option", limit: 1 + 4*(1+10), k: 4, m: 10, ok: true},
		{name: "past option", limit: 1 + 4*(1+10) - 1, k: 4, m: 10},
		{name: "at default", limit: 0, k: 1, m: DefaultMaxDecodeValues - 2, ok: true},
		{name: "past default", limit: 0, k: 1, m: DefaultMaxDecodeValues - 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []Opt
			if tc.limit > 0 {
				opts = append(opts, MaxDecodeValues(tc.limit))
			} else if tc.m > DefaultMaxDecodeItems {
				opts = append(opts, MaxDecodeItems(tc.m))
			}
			s, err := Compile(t.Context(), serde.Schema{Text: nested}, nil, opts...)
			if err != nil {
				t.Fatal(err)
			}
			var v []any
			err = s.Decode(zeroBomb(tc.k, tc.m), &v)
			if tc.ok && (err != nil || len(v) != tc.k) {
				t.Fatalf("Decode = %v (%d items)", err, len(v))
			}
			if !tc.ok && !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("Decode = %v, want ErrDecode", err)
			}
		})
	}
}

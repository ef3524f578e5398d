package jsonschema

import (
	"math/big"
	"testing"
)

func TestPathString(t *testing.T) {
	var root *Path
	tests := []struct {
		name string
		p    *Path
		want string
	}{
		{name: "root", p: root, want: ""},
		{name: "key", p: root.Key("sku"), want: "sku"},
		{name: "nested", p: root.Key("items").Index(2).Key("sku"), want: "items[2].sku"},
		{name: "quoted key", p: root.Key("a b"), want: `["a b"]`},
		{name: "empty key", p: root.Key("notes").Key(""), want: `notes[""]`},
		{name: "leading digit", p: root.Key("m").Key("1x"), want: `m["1x"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMultipleOf(t *testing.T) {
	tests := []struct {
		name string
		v    float64
		mant uint64
		exp  int
		want bool
	}{
		{name: "zero", v: 0, mant: 3, want: true},
		{name: "cents", v: 12.34, mant: 1, exp: -2, want: true},
		{name: "not cents", v: 12.345, mant: 1, exp: -2, want: false},
		{name: "point three of point one", v: 0.3, mant: 1, exp: -1, want: true},
		{name: "integer", v: 15, mant: 5, want: true},
		{name: "integer not", v: 16, mant: 5, want: false},
		{name: "large exponent", v: 1e20, mant: 7, want: false},
		{name: "large multiple", v: 7e20, mant: 7, want: true},
		{name: "negative", v: -2.5, mant: 5, exp: -1, want: true},
		{name: "tiny", v: 1e-30, mant: 1, exp: -2, want: false},
		{name: "zero divisor", v: 1, mant: 0, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MultipleOf(tt.v, tt.mant, tt.exp); got != tt.want {
				t.Fatalf("MultipleOf(%v, %d, %d) = %v, want %v", tt.v, tt.mant, tt.exp, got, tt.want)
			}
		})
	}
}

// MultipleOf agrees with exact rational arithmetic on the decimal that
// encoding/json writes.
func FuzzMultipleOf(f *testing.F) {
	f.Add(12.34, uint64(1), -2)
	f.Add(0.3, uint64(1), -1)
	f.Add(1e20, uint64(7), 0)
	f.Fuzz(func(t *testing.T, v float64, mant uint64, exp int) {
		if mant == 0 || mant > 1e9 || exp < -12 || exp > 12 || v != v || v > 1e15 || v < -1e15 {
			return
		}
		r, ok := new(big.Rat).SetString(big.NewFloat(v).Text('g', -1))
		if !ok {
			return
		}
		m := new(big.Rat).SetInt(new(big.Int).SetUint64(mant))
		ten := new(big.Rat).SetInt64(10)
		for i := 0; i < exp; i++ {
			m.Mul(m, ten)
		}
		for i := 0; i > exp; i-- {
			m.Quo(m, ten)
		}
		q := new(big.Rat).Quo(r, m)
		if got, want := MultipleOf(v, mant, exp), q.IsInt(); got != want {
			t.Fatalf("MultipleOf(%v, %d, %d) = %v, exact %v", v, mant, exp, got, want)
		}
	})
}

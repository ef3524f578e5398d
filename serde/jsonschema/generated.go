package jsonschema

import (
	"math"
	"math/bits"
	"strconv"
)

// This file is the runtime of the Validate methods that schemagen generates
// for JSON Schema types: they call these helpers instead of carrying their
// own copies.

// Path is the path of a value being validated, built on the stack as a
// generated Validate descends and turned into text only for a violation.
// The nil *Path is the root.
type Path struct {
	up   *Path
	name string
	idx  int // -1 for a property
}

// Key returns the path of property k below p.
func (p *Path) Key(k string) *Path { return &Path{up: p, name: k, idx: -1} }

// Index returns the path of array element i below p.
func (p *Path) Index(i int) *Path { return &Path{up: p, idx: i} }

// String writes the path as this package's validator reports it:
// items[2].sku, and ["a b"] for a key that is not an identifier (including
// the empty key).
func (p *Path) String() string {
	if p == nil {
		return ""
	}
	var b []byte
	if p.up != nil {
		b = append(b, p.up.String()...)
	}
	if p.idx >= 0 {
		return string(appendIndex(b, p.idx))
	}
	return string(appendKey(b, p.name))
}

// MultipleOf reports whether v, read as the shortest decimal that
// encoding/json writes for it, is an exact multiple of mant * 10^exp (the
// schema's multipleOf, split by the generator). It is exact where float
// division is not (0.3 is a multiple of 0.1), and does not allocate.
func MultipleOf(v float64, mant uint64, exp int) bool {
	if v == 0 {
		return true
	}
	if math.IsInf(v, 0) || math.IsNaN(v) || mant == 0 {
		return false
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], math.Abs(v), 'e', -1, 64)
	var d uint64
	n, i := 0, 0
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] != '.' {
			d = d*10 + uint64(b[i]-'0')
			n++
		}
	}
	e, neg := 0, false
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '-':
			neg = true
		case c >= '0' && c <= '9':
			e = e*10 + int(c-'0')
		}
	}
	if neg {
		e = -e
	}
	// v / m = d / mant * 10^x
	x := e - (n - 1) - exp
	if x >= 0 {
		r := d % mant
		for ; x > 0 && r != 0; x-- {
			hi, lo := bits.Mul64(r, 10)
			r = bits.Rem64(hi, lo, mant)
		}
		return r == 0
	}
	div := mant
	for ; x < 0; x++ {
		hi, lo := bits.Mul64(div, 10)
		if hi != 0 || lo > d {
			return false
		}
		div = lo
	}
	return d%div == 0
}

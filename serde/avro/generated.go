package avro

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"time"
	"unsafe"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// This file is the runtime of the AppendAvro methods that schemagen
// generates for Avro types: they validate and encode in one pass, without
// reflection, and write what hamba/avro writes for the same value (with
// this package's configuration: blocks of at most 100 items, each with its
// byte size). Violations carry the paths, sentinels and reasons this
// package's validator gives.

// Enc collects the violations of one generated AppendAvro call. The zero
// value is ready; it lives on the caller's stack and costs nothing while
// the value is valid.
type Enc struct{ c vctx }

// Mark returns the number of violations so far; pass it to Field, Index
// or Key after encoding a child.
func (e *Enc) Mark() int { return len(e.c.errs) }

// Field puts field name in the path of the violations added since mark.
func (e *Enc) Field(mark int, name string) {
	if len(e.c.errs) > mark {
		e.c.field(mark, name)
	}
}

// Index puts array index i in the path of the violations added since mark.
func (e *Enc) Index(mark, i int) {
	if len(e.c.errs) > mark {
		e.c.index(mark, i)
	}
}

// Key puts map key k in the path of the violations added since mark.
func (e *Enc) Key(mark int, k string) {
	if len(e.c.errs) > mark {
		e.c.key(mark, k)
	}
}

// Err returns nil, the one violation, or errors.Join of all of them.
func (e *Enc) Err() error {
	if len(e.c.errs) == 0 {
		return nil
	}
	return e.c.result()
}

// Enter counts one more level of a recursive record; it records a
// violation and reports false past the validator's depth limit.
func (e *Enc) Enter() bool { return e.c.enter() }

// Leave undoes Enter.
func (e *Enc) Leave() { e.c.leave() }

// Null records a null (nil) for a schema that has no null: desc names the
// schema as Describe does.
func (e *Enc) Null(desc string) { e.c.fail(serde.ErrRequired, "null for non-null %s", desc) }

// NilRecord records a nil record pointer.
func (e *Enc) NilRecord(desc string) {
	e.c.fail(serde.ErrRequired, "nil pointer for non-null %s", desc)
}

// NoBranch records a union value with no branch set.
func (e *Enc) NoBranch(desc string) {
	e.c.fail(serde.ErrUnion, "no branch of %s set (a nil pointer is null)", desc)
}

// BadEnum records a string that is not a symbol of the enum desc.
func (e *Enc) BadEnum(s, desc string) {
	e.c.notSymbol(desc)
}

// AppendBool appends a boolean.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendInt appends an int (zig-zag varint).
func AppendInt(dst []byte, v int32) []byte {
	return AppendLong(dst, int64(v))
}

// AppendLong appends a long (zig-zag varint).
func AppendLong(dst []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}

// AppendFloat appends a float.
func AppendFloat(dst []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
}

// AppendDouble appends a double.
func AppendDouble(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// AppendBytes appends bytes: the length, then b.
func AppendBytes(dst, b []byte) []byte {
	return append(AppendLong(dst, int64(len(b))), b...)
}

// AppendString checks that s is UTF-8 and appends it.
func (e *Enc) AppendString(dst []byte, s string) []byte {
	if !validUTF8(s) {
		e.c.fail(serde.ErrFormat, "string is not valid UTF-8")
		return dst
	}
	return append(AppendLong(dst, int64(len(s))), s...)
}

// AppendUUID checks that s is a uuid (8-4-4-4-12 hex) and appends it.
func (e *Enc) AppendUUID(dst []byte, s string) []byte {
	if !isUUID(s) {
		e.c.notUUID(s)
		return dst
	}
	return append(AppendLong(dst, int64(len(s))), s...)
}

// AppendDate checks that t's day fits an int and appends it (date).
func (e *Enc) AppendDate(dst []byte, t time.Time) []byte {
	days := t.Unix() / 86400
	if days < math.MinInt32 || days > math.MaxInt32 {
		e.timeRange(t, avro.Date)
		return dst
	}
	return AppendInt(dst, int32(days))
}

// AppendTimestampMillis checks t's range and appends it (timestamp-millis).
func (e *Enc) AppendTimestampMillis(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	if !(sec > math.MinInt64/1000+1 && sec < math.MaxInt64/1000-1) {
		e.timeRange(t, avro.TimestampMillis)
		return dst
	}
	return AppendLong(dst, sec*1e3+int64(t.Nanosecond()/1e6))
}

// AppendTimestampMicros checks t's range and appends it (timestamp-micros).
func (e *Enc) AppendTimestampMicros(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	if !(sec > math.MinInt64/1000000+1 && sec < math.MaxInt64/1000000-1) {
		e.timeRange(t, avro.TimestampMicros)
		return dst
	}
	return AppendLong(dst, sec*1e6+int64(t.Nanosecond()/1e3))
}

func (e *Enc) timeRange(t time.Time, l avro.LogicalType) {
	e.c.timeRange(l)
}

// AppendTimeMillis checks that d in milliseconds fits an int and appends
// it (time-millis).
func (e *Enc) AppendTimeMillis(dst []byte, d time.Duration) []byte {
	ms := int64(d) / int64(time.Millisecond)
	if ms < math.MinInt32 || ms > math.MaxInt32 {
		e.c.durationRange()
		return dst
	}
	return AppendInt(dst, int32(ms))
}

// AppendTimeMicros appends d in microseconds (time-micros).
func AppendTimeMicros(dst []byte, d time.Duration) []byte {
	return AppendLong(dst, int64(d)/int64(time.Microsecond))
}

// blockReserve is the room BlockStart leaves for a block header: a count
// of up to 100 items and a byte size below 8 KiB take no more.
const blockReserve = 4

// BlockStart begins a block of array items or map entries: it reserves
// room for the header, which BlockEnd writes.
func BlockStart(dst []byte) []byte { return append(dst, 0, 0, 0, 0) }

// BlockEnd finishes the block that BlockStart began at start with count
// items: the header is -count and the byte size, or count alone when the
// items took no bytes, as hamba writes it.
func BlockEnd(dst []byte, start, count int) []byte {
	size := len(dst) - start - blockReserve
	var hb [20]byte
	h := hb[:0]
	if size > 0 {
		h = AppendLong(h, -int64(count))
		h = AppendLong(h, int64(size))
	} else {
		h = AppendLong(h, int64(count))
	}
	switch d := len(h) - blockReserve; {
	case d < 0:
		copy(dst[start+len(h):], dst[start+blockReserve:])
		dst = dst[:len(dst)+d]
	case d > 0:
		n := len(dst)
		dst = append(dst, hb[:d]...) // grow; the bytes are overwritten
		copy(dst[start+len(h):], dst[start+blockReserve:n])
	}
	copy(dst[start:], h)
	return dst
}

// Decimal is a decimal logical type, built once per schema node by
// generated code.
type Decimal struct{ n *node }

// NewDecimal describes decimal(prec, scale) on bytes (size 0) or on a
// fixed of size bytes named fullName.
func NewDecimal(prec, scale, size int, fullName string) *Decimal {
	n := &node{typ: avro.Bytes, name: "bytes.decimal", logical: avro.Decimal}
	if size > 0 {
		n.typ, n.name, n.size = avro.Fixed, fullName, size
	}
	n.prec, n.scale = prec, scale
	n.pow10scale = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	n.pow10prec = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(prec)), nil)
	return &Decimal{n: n}
}

// AppendDecimal checks r against d's precision, scale and size and
// appends its two's-complement unscaled value as hamba does: bytes of
// minimal length plus a sign byte for bytes, exactly the fixed's size for
// fixed. A nil r is a violation.
func (e *Enc) AppendDecimal(dst []byte, r *big.Rat, d *Decimal) []byte {
	n := d.n
	if r == nil {
		e.c.fail(serde.ErrRequired, "nil *big.Rat for %s", n.describe())
		return dst
	}
	mark := len(e.c.errs)
	chk := decimalChk{n: n}
	chk.check(unsafe.Pointer(r), &e.c)
	if len(e.c.errs) > mark {
		return dst
	}
	if u, ok := unscaled64(r, n.scale); ok {
		if n.typ == avro.Fixed {
			return appendTwos64(dst, u, n.size)
		}
		k := bits.Len64(absU(u))/8 + 1
		return appendTwos64(append(dst, byte(2*k)), u, k) // k <= 8: a one-byte length
	}
	// Beyond 64 bits: big.Int arithmetic (it allocates).
	i := new(big.Int).Mul(r.Num(), n.pow10scale)
	i.Quo(i, r.Denom())
	size := n.size
	if n.typ != avro.Fixed {
		size = i.BitLen()/8 + 1
		dst = AppendLong(dst, int64(size))
	}
	if i.Sign() < 0 {
		i.Add(i, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	start := len(dst)
	dst = append(dst, make([]byte, size)...)
	i.FillBytes(dst[start:])
	return dst
}

// unscaled64 returns r * 10^scale when r fits scale and the result fits
// 63 bits.
func unscaled64(r *big.Rat, scale int) (int64, bool) {
	if scale >= len(pow10u) {
		return 0, false
	}
	num := r.Num()
	if !num.IsInt64() {
		return 0, false
	}
	d := uint64(1)
	if !r.IsInt() {
		den := r.Denom()
		if !den.IsUint64() {
			return 0, false
		}
		d = den.Uint64()
	}
	p := pow10u[scale]
	if p%d != 0 {
		return 0, false
	}
	a := num.Int64()
	mag := absU(a)
	hi, lo := bits.Mul64(mag, p/d)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if a < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absU(a int64) uint64 {
	if a < 0 {
		return -uint64(a)
	}
	return uint64(a)
}

// appendTwos64 appends u in k bytes of big-endian two's complement,
// sign-extended past 8 bytes.
func appendTwos64(dst []byte, u int64, k int) []byte {
	for i := k - 1; i >= 0; i-- {
		if i >= 8 {
			dst = append(dst, byte(u>>63))
			continue
		}
		dst = append(dst, byte(u>>(8*i)))
	}
	return dst
}

// Describe names schema s as this package's violations do: "long",
// "record shop.Order", "union [null, string]". Generated code embeds it.
func Describe(s avro.Schema) (string, error) {
	n, err := buildNode(s, DefaultMaxDecimalPrecision)
	if err != nil {
		return "", err
	}
	return n.describe(), nil
}

// RecursiveRecords returns the full names of the records in s whose
// values the validator counts the depth of (records that contain
// themselves), so that generated code counts the same.
func RecursiveRecords(s avro.Schema) (map[string]bool, error) {
	root, err := buildNode(s, DefaultMaxDecimalPrecision)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	seen := map[*node]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.typ == avro.Record && n.recursive {
			out[n.name] = true
		}
		for _, f := range n.fields {
			walk(f.n)
		}
		walk(n.items)
		walk(n.values)
		for _, t := range n.types {
			walk(t)
		}
	}
	walk(root)
	return out, nil
}

// AppendMapKey appends a map key: a string that, like hamba, this package
// writes without checks.
func AppendMapKey(dst []byte, k string) []byte {
	return append(AppendLong(dst, int64(len(k))), k...)
}

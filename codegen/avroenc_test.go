//go:build !codegen_update

package codegen_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	avrobasic "github.com/schemagen/schemagen/codegen/testdata/avro-basic/want"
	avrological "github.com/schemagen/schemagen/codegen/testdata/avro-logical/want"
	avronesting "github.com/schemagen/schemagen/codegen/testdata/avro-nesting/want"
	avrorecursive "github.com/schemagen/schemagen/codegen/testdata/avro-recursive/want"
	avrorefs "github.com/schemagen/schemagen/codegen/testdata/avro-refs/want"
	avrounion "github.com/schemagen/schemagen/codegen/testdata/avro-union/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

// avroTarget is one generated top-level Avro type and the runtime path
// (serde/avro: validator + hamba) it must agree with.
type avroTarget struct {
	name  string
	serde producer.SchemaSource
	zero  func() serde.AvroAppender // a new *T
}

func avroTargets() []avroTarget {
	return []avroTarget{
		{"basic", avrobasic.OrderSide().Schema, func() serde.AvroAppender { return new(avrobasic.Order) }},
		{"union", avrounion.PaymentSide().Schema, func() serde.AvroAppender { return new(avrounion.Payment) }},
		{"refs", avrorefs.RefundSide().Schema, func() serde.AvroAppender { return new(avrorefs.Refund) }},
		{"refs-key", avrorefs.RefundKeySide().Schema, func() serde.AvroAppender { return new(avrorefs.RefundKey) }},
		{"logical", avrological.ReadingSide().Schema, func() serde.AvroAppender { return new(avrological.Reading) }},
		{"nesting", avronesting.ShipmentSide().Schema, func() serde.AvroAppender { return new(avronesting.Shipment) }},
		{"recursive", avrorecursive.TreeSide().Schema, func() serde.AvroAppender { return new(avrorecursive.Tree) }},
	}
}

func compileAvroSerde(t testing.TB, s producer.SchemaSource) serde.Compiled {
	t.Helper()
	r := s.Resolver
	if r == nil {
		r = serde.MapResolver{}
	}
	compile := s.Compile
	if compile == nil {
		compile = serde.Compile
	}
	c, err := compile(context.Background(), s.Local, r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sumBranches lists the Go types that may sit in each generated sum's
// Value (reflect cannot enumerate an interface's implementations).
var sumBranches = map[reflect.Type][]reflect.Type{}

func init() {
	add := func(iface any, branches ...any) {
		t := reflect.TypeOf(iface).Elem()
		for _, b := range branches {
			sumBranches[t] = append(sumBranches[t], reflect.TypeOf(b))
		}
	}
	add((*avrounion.PaymentMethodValue)(nil), avrounion.Card{}, avrounion.BankTransfer{}, avrounion.PaymentMethodString(""))
	add((*avrounion.PaymentReferenceValue)(nil), avrounion.PaymentReferenceLong(0), avrounion.PaymentReferenceString(""), avrounion.Channel(""))
	add((*avrounion.PaymentHistoryItemValue)(nil), avrounion.PaymentHistoryItemInt(0), avrounion.Card{})
	add((*avronesting.ShipmentAnyValue)(nil), avronesting.ShipmentAnyBoolean(false), avronesting.ShipmentAnyInt(0),
		avronesting.ShipmentAnyLong(0), avronesting.ShipmentAnyFloat(0), avronesting.ShipmentAnyDouble(0),
		avronesting.ShipmentAnyBytes(nil), avronesting.ShipmentAnyString(""), avronesting.Stop{}, avronesting.Mode(""), avronesting.Hash{})
	add((*avronesting.ShipmentMiddleNullValue)(nil), avronesting.ShipmentMiddleNullString(""), avronesting.Stop{})
	add((*avronesting.ShipmentAnysItemValue)(nil), avronesting.ShipmentAnysItemLong(0), avronesting.Stop{})
}

// filler builds values of generated types from fuzz bytes, leaning on
// boundary values: min/max ints, NaN, empty and non-UTF-8 strings, leap
// days, out-of-range times, decimals at their precision and scale limits.
type filler struct {
	b     []byte
	depth int
	// clean makes only values every golden schema accepts, so that the
	// accepted side is reached as often as the rejected one.
	clean bool
}

func newFiller(b []byte) *filler {
	f := &filler{b: b}
	f.clean = f.u8()%2 == 0
	return f
}

func (f *filler) u8() byte {
	if len(f.b) == 0 {
		return 0
	}
	x := f.b[0]
	f.b = f.b[1:]
	return x
}

func (f *filler) u64() uint64 {
	var x uint64
	for i := 0; i < 8; i++ {
		x = x<<8 | uint64(f.u8())
	}
	return x
}

var (
	timeT = reflect.TypeFor[time.Time]()
	durT  = reflect.TypeFor[time.Duration]()
	ratT  = reflect.TypeFor[*big.Rat]()
)

var boundaryStrings = []string{
	"", "a", "héllo wörld ✓ 🚀", "\xff\xfe", "abc\x80", strings.Repeat("x", 200),
	"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000",
	"123e4567-e89b-12d3-a456-42661417400", "123e4567_e89b-12d3-a456-426614174000", "\x00",
}

// cleanStrings are valid UTF-8 and uuids, for clean values.
var cleanStrings = []string{"123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"}

var boundaryTimes = []time.Time{
	{}, time.Unix(0, 0), time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
	time.Date(2023, 3, 1, 0, 0, 0, 0, time.FixedZone("x", -5*3600)),
	time.Date(1969, 12, 31, 23, 59, 59, 1, time.UTC), time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(math.MaxInt64/1000-2, 0), time.Unix(math.MaxInt64/1000-1, 0),
	time.Unix(math.MinInt64/1000+2, 0), time.Unix(math.MaxInt64/1000000-2, 0), time.Unix(math.MaxInt64/1000000-1, 999),
	time.Unix(math.MinInt64/1000000+1, 0), time.Unix(math.MaxInt32*86400, 0), time.Unix((math.MaxInt32+1)*86400, 0),
	time.Unix(math.MinInt32*86400-86399, 0), time.Unix(math.MinInt32*86400-86400*2, 0),
}

var boundaryDurations = []time.Duration{0, 1, -1, time.Millisecond, -time.Microsecond, math.MaxInt64, math.MinInt64,
	math.MaxInt32 * time.Millisecond, (math.MaxInt32 + 1) * time.Millisecond, math.MinInt32 * time.Millisecond,
	(math.MinInt32 - 1) * time.Millisecond, 999999 * time.Nanosecond, 24 * time.Hour}

func (f *filler) rat() *big.Rat {
	if f.clean {
		return big.NewRat(int64(int16(f.u8())<<8|int16(f.u8()))%10000, 1)
	}
	switch f.u8() % 12 {
	case 0:
		return nil
	case 1: // max digits at scale s
		p, s := int64(f.u8()%40), int64(f.u8()%12)
		n := new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(p), nil), big.NewInt(1))
		if f.u8()%2 == 0 {
			n.Neg(n)
		}
		return new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(s), nil))
	case 2:
		return big.NewRat(1, 3)
	case 3:
		return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.u8()%20)), nil))
	case 4:
		return new(big.Rat).SetInt64(math.MinInt64)
	case 5:
		return new(big.Rat).SetInt64(-int64(f.u8()) - 1)
	case 6:
		return new(big.Rat).SetFrac64(int64(f.u64()), 1)
	case 7:
		return new(big.Rat).SetFrac64(int64(f.u64()>>uint(f.u8()%64)), int64(1)<<(f.u8()%20))
	case 8:
		return new(big.Rat)
	case 9:
		n := new(big.Int).Lsh(big.NewInt(1), uint(f.u8()%140))
		if f.u8()%2 == 0 {
			n.Neg(n)
		}
		return new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.u8()%12)), nil))
	default:
		return new(big.Rat).SetFrac64(int64(int16(f.u8())<<8|int16(f.u8())), []int64{1, 10, 100, 1000, 10000, 4, 25}[f.u8()%7])
	}
}

func (f *filler) fill(v reflect.Value) {
	t := v.Type()
	switch t {
	case timeT:
		if f.clean {
			v.Set(reflect.ValueOf(boundaryTimes[int(f.u8())%5]))
			return
		}
		if f.u8()%4 == 0 {
			v.Set(reflect.ValueOf(time.Unix(int64(f.u64()>>uint(f.u8()%64)), int64(f.u64()%2e9)-1e9)))
		} else {
			v.Set(reflect.ValueOf(boundaryTimes[int(f.u8())%len(boundaryTimes)]))
		}
		return
	case durT:
		if f.clean {
			v.SetInt(int64(boundaryDurations[int(f.u8())%6]))
			return
		}
		if f.u8()%3 == 0 {
			v.SetInt(int64(f.u64()))
		} else {
			v.SetInt(int64(boundaryDurations[int(f.u8())%len(boundaryDurations)]))
		}
		return
	case ratT:
		v.Set(reflect.ValueOf(f.rat()))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(f.u8()%2 == 1)
	case reflect.Int32, reflect.Int64:
		switch f.u8() % 5 {
		case 0:
			v.SetInt(math.MaxInt64 >> (64 - t.Bits()))
		case 1:
			v.SetInt(math.MinInt64 >> (64 - t.Bits()))
		default:
			v.SetInt(int64(f.u64()) >> (64 - t.Bits()))
		}
	case reflect.Float32, reflect.Float64:
		switch f.u8() % 6 {
		case 0:
			v.SetFloat(math.NaN())
		case 1:
			v.SetFloat(math.Inf(1))
		case 2:
			v.SetFloat(math.Copysign(0, -1))
		case 3:
			v.SetFloat(math.MaxFloat32)
		default:
			v.SetFloat(math.Float64frombits(f.u64()))
		}
	case reflect.String:
		if m := enumSymbols(t); m != nil && (f.clean || f.u8()%5 != 0) {
			v.SetString(m[int(f.u8())%len(m)])
			return
		}
		if f.clean {
			v.SetString(cleanStrings[int(f.u8())%len(cleanStrings)])
			return
		}
		if f.u8()%3 == 0 {
			n := int(f.u8() % 12)
			b := make([]byte, n)
			for i := range b {
				b[i] = f.u8()
			}
			v.SetString(string(b))
			return
		}
		v.SetString(boundaryStrings[int(f.u8())%len(boundaryStrings)])
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			v.Index(i).SetUint(uint64(f.u8()))
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if f.u8()%3 == 0 {
				return // nil
			}
			n := int(f.u8() % 8)
			v.Set(reflect.MakeSlice(t, n, n))
			for i := 0; i < n; i++ {
				v.Index(i).SetUint(uint64(f.u8()))
			}
			return
		}
		n := int(f.u8() % 4)
		if f.depth > 3 {
			n = 0
		}
		if n == 3 && f.u8()%8 == 0 {
			n = 101 + int(f.u8()%100) // more than one block
		}
		if n == 0 && f.u8()%2 == 0 {
			return // nil
		}
		v.Set(reflect.MakeSlice(t, n, n))
		f.depth++
		for i := 0; i < n; i++ {
			f.fill(v.Index(i))
		}
		f.depth--
	case reflect.Map:
		n := int(f.u8() % 4)
		if f.depth > 3 {
			n = 0
		}
		if n == 0 && f.u8()%2 == 0 {
			return
		}
		v.Set(reflect.MakeMap(t))
		f.depth++
		for i := 0; i < n; i++ {
			k := reflect.New(t.Key()).Elem()
			f.fill(k)
			e := reflect.New(t.Elem()).Elem()
			f.fill(e)
			v.SetMapIndex(k, e)
		}
		f.depth--
	case reflect.Pointer:
		if (f.u8()%4 == 0 || f.depth > 3) && !(f.clean && t.Elem().Kind() == reflect.Struct && t.Elem().NumField() == 1 && t.Elem().Field(0).Type.Kind() == reflect.Interface) {
			return
		}
		v.Set(reflect.New(t.Elem()))
		f.depth++
		f.fill(v.Elem())
		f.depth--
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f.fill(v.Field(i))
		}
	case reflect.Interface:
		bs := sumBranches[t]
		if len(bs) == 0 {
			panic("no branches listed for " + t.String())
		}
		k := int(f.u8()) % (len(bs) + 1)
		if f.clean {
			k %= len(bs)
		}
		if k == len(bs) {
			return // nil: no branch set
		}
		e := reflect.New(bs[k]).Elem()
		f.fill(e)
		v.Set(e)
	default:
		panic("filler: unsupported " + t.String())
	}
}

// enumSymbols returns the symbols of a generated enum type (it has IsValid).
func enumSymbols(t reflect.Type) []string {
	if _, ok := t.MethodByName("IsValid"); !ok {
		return nil
	}
	return enumTable[t]
}

var enumTable = map[reflect.Type][]string{
	reflect.TypeFor[avrobasic.Status]():   {"PENDING", "PAID", "SHIPPED"},
	reflect.TypeFor[avrounion.Channel]():  {"WEB", "STORE"},
	reflect.TypeFor[avronesting.Mode]():   {"AIR", "SEA", "ROAD", "RAIL"},
	reflect.TypeFor[avrorecursive.Kind](): {"A", "B", "Z1", "LAST"},
	reflect.TypeFor[avrorefs.Currency]():  {"EUR", "USD", "GBP"},
}

// violationSet renders err's violations, sorted, for comparison.
func violationSet(err error) []string {
	var out []string
	for _, v := range serde.Violations(err) {
		out = append(out, fmt.Sprintf("%s|%v|%s", v.Path, v.Err, v.Reason))
	}
	slices.Sort(out)
	return out
}

// hasNullableDecimal reports whether v sets a ["null", decimal] field:
// hamba v2.31 decodes those wrong (its bytes decimal decoder stores a
// *big.Rat into the big.Rat the nullable decoder allocated), so their
// round trip through hamba's decoder proves nothing about the encoder.
func hasNullableDecimal(v any) bool {
	r, ok := v.(*avrological.Reading)
	return ok && r != nil && r.OptAmount != nil
}

// hasMultiMap reports whether v holds a map of more than one entry, whose
// encodings follow Go's random map order.
func hasMultiMap(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map:
		if v.Len() > 1 {
			return true
		}
		it := v.MapRange()
		for it.Next() {
			if hasMultiMap(it.Value()) {
				return true
			}
		}
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasMultiMap(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return false
		}
		for i := 0; i < v.Len(); i++ {
			if hasMultiMap(v.Index(i)) {
				return true
			}
		}
	case reflect.Struct:
		if v.Type() == timeT {
			return false
		}
		for i := 0; i < v.NumField(); i++ {
			if hasMultiMap(v.Field(i)) {
				return true
			}
		}
	}
	return false
}

// diffAvro checks the generated AppendAvro against serde/avro (validator
// and hamba) on v: the same verdict, the same violations, the same bytes
// (or, where map order may differ, the same decoded value).
func diffAvro(t testing.TB, c serde.Compiled, v serde.AvroAppender, zero func() serde.AvroAppender) (accepted bool) {
	t.Helper()
	prefix := []byte{0xde, 0xad}
	got, gerr := v.AppendAvro(bytes.Clone(prefix))
	want, werr := c.AppendEncode(bytes.Clone(prefix), v)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("generated error %v, runtime error %v", gerr, werr)
	}
	if gerr != nil {
		if !bytes.Equal(got, prefix) {
			t.Fatalf("rejected, but dst changed: %x", got)
		}
		g, w := violationSet(gerr), violationSet(werr)
		if !slices.Equal(g, w) {
			t.Fatalf("violations differ:\ngenerated %q\nruntime   %q", g, w)
		}
		return false
	}
	if bytes.Equal(got, want) {
		if hasMultiMap(reflect.ValueOf(v)) || hasNullableDecimal(v) {
			return true
		}
		// Round trip: what hamba decodes re-encodes to the same bytes.
		back := zero()
		if err := c.Decode(got[len(prefix):], back); err != nil {
			t.Fatalf("decode generated bytes: %v", err)
		}
		again, err := back.AppendAvro(nil)
		if err != nil {
			t.Fatalf("re-encode the decoded value: %v", err)
		}
		if !bytes.Equal(again, got[len(prefix):]) {
			t.Fatalf("round trip changed the bytes:\nfirst  %x\nsecond %x", got[len(prefix):], again)
		}
		return true
	}
	if !hasMultiMap(reflect.ValueOf(v)) {
		t.Fatalf("bytes differ:\ngenerated %x\nhamba     %x", got, want)
	}
	// Map order: both decode to the same value.
	a, b := zero(), zero()
	if err := c.Decode(got[len(prefix):], a); err != nil {
		t.Fatalf("decode generated bytes: %v", err)
	}
	if err := c.Decode(want[len(prefix):], b); err != nil {
		t.Fatalf("decode hamba bytes: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		// NaN != NaN: compare re-encodings in a fixed order instead.
		if len(got) != len(want) {
			t.Fatalf("decoded values differ:\ngenerated %+v\nhamba     %+v", a, b)
		}
	}
	return true
}

func TestAvroEncoderMatchesRuntime(t *testing.T) {
	for _, tg := range avroTargets() {
		t.Run(tg.name, func(t *testing.T) {
			c := compileAvroSerde(t, tg.serde)
			acc, rej := 0, 0
			for seed := 0; seed < 3000; seed++ {
				b := make([]byte, 512)
				x := uint64(seed)*0x9E3779B97F4A7C15 + 1
				for i := range b {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
					b[i] = byte(x)
				}
				v := tg.zero()
				newFiller(b).fill(reflect.ValueOf(v).Elem())
				if diffAvro(t, c, v, tg.zero) {
					acc++
				} else {
					rej++
				}
			}
			// Both verdicts must be exercised, or the comparison proves little.
			if acc == 0 || rej == 0 {
				t.Fatalf("accepted %d, rejected %d: the filler does not reach both", acc, rej)
			}
			t.Logf("accepted %d, rejected %d", acc, rej)
		})
	}
}

func TestAvroEncoderNil(t *testing.T) {
	c := compileAvroSerde(t, avrobasic.OrderSide().Schema)
	var v *avrobasic.Order
	diffAvro(t, c, v, func() serde.AvroAppender { return new(avrobasic.Order) })
}

func TestAvroEncoderDepthLimit(t *testing.T) {
	c := compileAvroSerde(t, avrorecursive.TreeSide().Schema)
	root := &avrorecursive.Tree{Label: "0"}
	cur := root
	for i := 0; i < 10001; i++ {
		cur.Next = &avrorecursive.Tree{Label: "n"}
		cur = cur.Next
	}
	if diffAvro(t, c, root, func() serde.AvroAppender { return new(avrorecursive.Tree) }) {
		t.Fatal("a value nested past the limit was accepted")
	}
}

// FuzzAvroEncoderDiff compares the generated encoders with serde/avro's
// validator and hamba/avro on values built from the input.
func FuzzAvroEncoderDiff(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(4), []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add(uint8(5), bytes.Repeat([]byte{1}, 300))
	f.Add(uint8(6), bytes.Repeat([]byte{3, 1}, 200))
	targets := avroTargets()
	comp := make([]serde.Compiled, len(targets))
	for i, tg := range targets {
		comp[i] = compileAvroSerde(f, tg.serde)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(targets)
		v := targets[i].zero()
		newFiller(data).fill(reflect.ValueOf(v).Elem())
		diffAvro(t, comp[i], v, targets[i].zero)
	})
}

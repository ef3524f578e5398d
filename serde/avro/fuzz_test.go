package avro

import (
	"context"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// FuzzCompile: the parser never panics, and a schema that compiles
// compiles again from its canonical text to the same canonical text.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`"int"`, `["null","string"]`, addressAvsc, geoAvsc,
		`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}`,
		`{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`,
		`{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":8,"scale":2}`,
		`{"type":"map","values":{"type":"array","items":{"type":"long","logicalType":"timestamp-micros"}}}`,
		`{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`,
		`[[[[`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`,
		// issue 13 item 2: 10^999999999 was computed
		`{"type":"bytes","logicalType":"decimal","precision":999999999,"scale":2}`,
	} {
		f.Add(s)
	}
	ctx := context.Background()
	// Inputs are capped at 64 KiB to keep executions fast; schemas up to
	// the 1 MiB default are built and measured by tests/adversarial.
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Compile(ctx, serde.Schema{Text: text}, nil, MaxSchemaBytes(64<<10))
		if err != nil {
			if !errors.Is(err, serde.ErrSchema) && !errors.Is(err, serde.ErrLimit) {
				t.Fatalf("error wraps no schema sentinel: %v", err)
			}
			return
		}
		again, err := Compile(ctx, serde.Schema{Text: s.Canonical()}, nil)
		if err != nil {
			t.Fatalf("canonical text %s does not compile: %v", s.Canonical(), err)
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		if again.ParsingCanonicalForm() != s.ParsingCanonicalForm() {
			t.Fatalf("PCF not stable:\n%s\n%s", s.ParsingCanonicalForm(), again.ParsingCanonicalForm())
		}
	})
}

var fuzzSchemas = []string{
	"", // replaced by testdata/order.avsc
	`["null","string","long",{"type":"record","name":"R","fields":[{"name":"a","type":["null","R"]},{"name":"m","type":{"type":"map","values":"int"}}]}]`,
	`{"type":"array","items":["null",{"type":"fixed","name":"D","size":3,"logicalType":"decimal","precision":6,"scale":1},{"type":"enum","name":"E","symbols":["A","B"]}]}`,
	`{"type":"record","name":"T","fields":[{"name":"d","type":{"type":"int","logicalType":"date"}},{"name":"tm","type":{"type":"int","logicalType":"time-millis"}},{"name":"tu","type":{"type":"long","logicalType":"time-micros"}},{"name":"lt","type":{"type":"long","logicalType":"local-timestamp-millis"}},{"name":"u","type":["null",{"type":"string","logicalType":"uuid"}]},{"name":"b","type":"bytes"},{"name":"f","type":"float"},{"name":"x","type":"double"}]}`,
	`{"type":"array","items":{"type":"array","items":"null"}}`,
}

func fuzzCompiled(t testing.TB) []*Compiled {
	out := make([]*Compiled, len(fuzzSchemas))
	out[0] = orderSchema(t)
	for i, text := range fuzzSchemas[1:] {
		s, err := Compile(context.Background(), serde.Schema{Text: text}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[i+1] = s
	}
	return out
}

// FuzzDecode: hostile bytes never panic the decoder, and whatever decodes
// either re-encodes or is refused by validation (never by the codec).
func FuzzDecode(f *testing.F) {
	schemas := fuzzCompiled(f)
	valid, err := schemas[0].AppendEncode(nil, sampleOrder())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), valid)
	f.Add(uint8(0), valid[:len(valid)/2])
	f.Add(uint8(1), []byte{0x06, 0x02, 0x00, 0x00})
	f.Add(uint8(1), []byte{0x06, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add(uint8(2), []byte{0xfe, 0xff, 0xff, 0xff, 0x0f})
	f.Add(uint8(3), []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	// issue 13 item 4: 323 bytes claimed 1.6 GB of nulls
	f.Add(uint8(4), zeroBomb(64, 1<<20))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		s := schemas[int(which)%len(schemas)]
		var v any
		if err := s.Decode(data, &v); err != nil {
			if !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("decode error wraps no ErrDecode: %v", err)
			}
		} else if _, err := s.AppendEncode(nil, v); errors.Is(err, serde.ErrEncode) {
			t.Fatalf("decoded value passed validation but the codec refused it: %v", err)
		}
		if which%len8(schemas) == 0 {
			var o Order
			if err := s.Decode(data, &o); err != nil && !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("decode error wraps no ErrDecode: %v", err)
			}
		}
	})
}

func len8(s []*Compiled) uint8 { return uint8(len(s)) }

// FuzzValidateEncode is differential: over generic values built from the
// fuzz input, Validate accepts exactly what AppendEncode accepts, and the
// codec never refuses a value that validation let through.
func FuzzValidateEncode(f *testing.F) {
	schemas := fuzzCompiled(f)
	for _, seed := range [][]byte{
		{}, {0}, {1, 2, 3, 4, 5, 6, 7, 8}, []byte("order with some bytes to steer the generator"),
		{0, 7, 7, 7, 7, 7, 7, 7, 7}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47}, {3, 255, 254, 253, 252, 251, 250, 249},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		s := schemas[int(data[0])%len(schemas)]
		g := &gen{data: data[1:]}
		var v any
		if data[0] >= 128 {
			s = schemas[0]
			v = g.order() // the generated-struct path
		} else {
			v = g.value(s.root, 0)
		}
		verr := s.Validate(v)
		out, eerr := s.AppendEncode([]byte{0xAA}, v)
		if (verr == nil) != (eerr == nil) {
			t.Fatalf("Validate = %v but AppendEncode = %v for %#v", verr, eerr, v)
		}
		if eerr != nil {
			if len(out) != 1 || out[0] != 0xAA {
				t.Fatalf("AppendEncode changed dst on error")
			}
			for _, x := range serde.Violations(eerr) {
				if errors.Is(x, serde.ErrEncode) {
					t.Fatalf("validator panicked: %v", x)
				}
			}
			return
		}
		var back any
		if err := s.Decode(out[1:], &back); err != nil {
			t.Fatalf("encoded bytes do not decode: %v", err)
		}
	})
}

// gen builds values for a schema node from fuzz bytes: mostly plausible
// values, sometimes an arbitrary one from a palette of Go types.
type gen struct {
	data []byte
	i    int
}

func (g *gen) b() byte {
	if g.i >= len(g.data) {
		return 0
	}
	x := g.data[g.i]
	g.i++
	return x
}

func (g *gen) value(n *node, depth int) any {
	c := g.b()
	if c%16 == 15 || depth > 5 {
		return g.palette()
	}
	sel := g.b()
	switch n.typ {
	case avro.Null:
		return nil
	case avro.Boolean:
		return sel%2 == 0
	case avro.Int:
		switch n.logical {
		case avro.Date:
			return g.time()
		case avro.TimeMillis:
			return time.Duration(int64(sel)*int64(time.Hour)) * time.Duration(1+int64(g.b())*1e6)
		}
		if sel%3 == 0 {
			return int(int64(g.b())<<(g.b()%64)) * (1 - 2*int(sel%2))
		}
		return int32(sel) - 100
	case avro.Long:
		if n.logical != "" && sel%2 == 0 {
			if n.logical == avro.TimeMicros {
				return time.Duration(sel) * time.Hour
			}
			return g.time()
		}
		return int64(sel) << (g.b() % 64)
	case avro.Float:
		return float32(sel) / 3
	case avro.Double:
		if sel%5 == 0 {
			return float32(sel)
		}
		return float64(sel) / 7
	case avro.String:
		switch sel % 4 {
		case 0:
			return "7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60"
		case 1:
			return string([]byte{g.b(), g.b()})
		}
		return "text"
	case avro.Bytes:
		if n.logical == avro.Decimal {
			return g.rat()
		}
		return []byte{sel}
	case avro.Fixed:
		if n.logical == avro.Decimal {
			return g.rat()
		}
		if sel%3 == 0 {
			return [8]byte{}
		}
		arr := make([]byte, n.size)
		if n.size == 16 {
			return [16]byte(arr)
		}
		if n.size == 3 {
			return [3]byte(arr)
		}
		return arr
	case avro.Enum:
		for sym, i := range n.symbols {
			if i == int(sel)%len(n.symbols) {
				return sym
			}
		}
		return "NOPE"
	case avro.Array:
		k := int(sel % 4)
		out := make([]any, k)
		for i := range out {
			out[i] = g.value(n.items, depth+1)
		}
		return out
	case avro.Map:
		k := int(sel % 3)
		out := map[string]any{}
		for i := 0; i < k; i++ {
			out[string(rune('a'+i))] = g.value(n.values, depth+1)
		}
		return out
	case avro.Record:
		out := map[string]any{}
		for _, f := range n.fields {
			if g.b()%11 == 10 {
				continue // missing
			}
			out[f.name] = g.value(f.n, depth+1)
		}
		return out
	case avro.Union:
		br := n.types[int(sel)%len(n.types)]
		switch g.b() % 3 {
		case 0:
			return map[string]any{br.name: g.value(br, depth+1)}
		default:
			return g.value(br, depth+1)
		}
	}
	return nil
}

// order mutates a valid Order struct field by field.
func (g *gen) order() *Order {
	o := sampleOrder()
	for range 4 {
		switch g.b() % 14 {
		case 0:
			o.ID = string([]byte{g.b(), g.b()})
		case 1:
			o.Status = Status([]string{"NEW", "PAID", "LOST", ""}[g.b()%4])
		case 2:
			o.Created = g.time()
		case 3:
			o.Day = g.time()
		case 4:
			if r, ok := g.rat().(*big.Rat); ok {
				o.Total = r
			}
		case 5:
			o.Note = nil
		case 6:
			o.Items = append(o.Items, Item{SKU: "x", Price: nil})
		case 7:
			if r, ok := g.rat().(*big.Rat); ok && len(o.Items) > 0 {
				o.Items[0].Price = r
			}
		case 8:
			o.Tags = map[string]string{"k": string([]byte{g.b()})}
		case 9:
			o.Payload = g.palette()
		case 10:
			t := g.time()
			o.Micros = &t
		case 11:
			o.Items = nil
		case 12:
			o.Customer = string([]byte{g.b(), g.b(), g.b()})
		case 13:
			o.Tags = nil
		}
	}
	return o
}

func (g *gen) time() time.Time {
	switch g.b() % 4 {
	case 0:
		return time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC)
	case 1:
		return time.Date(400_000, 1, 1, 0, 0, 0, 0, time.UTC)
	case 2:
		return time.Time{}
	}
	return time.Unix(int64(g.b())*1e7, int64(g.b())*1e6).UTC()
}

func (g *gen) rat() any {
	switch g.b() % 6 {
	case 0:
		return (*big.Rat)(nil)
	case 1:
		return big.NewRat(1, 3)
	case 2:
		return new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), uint(g.b())), big.NewInt(100))
	case 3:
		return big.NewRat(-int64(g.b()), 10)
	case 4:
		return *big.NewRat(5, 2)
	}
	return big.NewRat(int64(g.b()), 1)
}

func (g *gen) palette() any {
	switch g.b() % 26 {
	case 0:
		return nil
	case 1:
		return true
	case 2:
		return int(g.b())
	case 3:
		return int8(1)
	case 4:
		return int64(math.MaxInt64)
	case 5:
		return uint32(7)
	case 6:
		return float32(1.5)
	case 7:
		return 2.5
	case 8:
		return "s"
	case 9:
		return "\xff"
	case 10:
		return time.Unix(0, 0)
	case 11:
		return time.Second
	case 12:
		return g.rat()
	case 13:
		return []byte("b")
	case 14:
		return [16]byte{}
	case 15:
		return []any{}
	case 16:
		return map[string]any{}
	case 17:
		return map[string]any{"string": "x"}
	case 18:
		return map[string]int{"a": 1}
	case 19:
		return Address{}
	case 20:
		return &Address{Street: "s"}
	case 21:
		return []int{1}
	case 22:
		return map[string]any{"a": 1, "b": 2}
	case 23:
		return uint64(8)
	case 24:
		return strings.Repeat("x", int(g.b()))
	}
	return struct{}{}
}

// FuzzFromJSON: JSON input never panics the converter, and whatever it
// accepts, AppendEncode accepts too.
func FuzzFromJSON(f *testing.F) {
	schemas := fuzzCompiled(f)
	f.Add(uint8(0), orderJSON)
	f.Add(uint8(0), `{"quantity":1e999999999,"total":"1/3","items":[{"sku":1}]}`)
	f.Add(uint8(1), `{"R":{"a":{"R":{"a":null,"m":{}}},"m":{"x":1}}}`)
	f.Add(uint8(1), `"text"`)
	f.Add(uint8(2), `[null,"\u0001\u0002\u0003",{"E":"A"},"12.5"]`)
	f.Add(uint8(3), `{"d":"2020-02-29","tm":1000,"tu":5,"lt":"2020-01-01T00:00:00","u":{"string":"7b0f3c1e-9a4d-4c2b-8f7e-1d2c3b4a5f60"},"b":"\u00ff","f":1.5,"x":2}`)
	f.Fuzz(func(t *testing.T, which uint8, line string) {
		s := schemas[int(which)%len(schemas)]
		v, err := s.FromJSON([]byte(line))
		if err != nil {
			if len(serde.Violations(err)) == 0 {
				t.Fatalf("error is not a validation error: %v", err)
			}
			return
		}
		if _, err := s.AppendEncode(nil, v); err != nil {
			t.Fatalf("FromJSON accepted %q but AppendEncode refused %#v: %v", line, v, err)
		}
	})
}

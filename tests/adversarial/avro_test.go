package adversarial

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

func zigzag(b []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

func repeatJoin(n int, sep string, f func(i int) string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(f(i))
	}
	return b.String()
}

func avroArrays(depth int) string {
	return strings.Repeat(`{"type":"array","items":`, depth) + `"int"` + strings.Repeat("}", depth)
}

func avroRecord(fields string) string {
	return `{"type":"record","name":"R","fields":[` + fields + `]}`
}

func avroDecimal(prec int) string {
	return fmt.Sprintf(`{"type":"bytes","logicalType":"decimal","precision":%d,"scale":2}`, prec)
}

// avroRefs builds n references, each a fixed type, and a record using them.
func avroRefs(n int) hostile {
	refs := map[string]serde.Schema{}
	for i := range n {
		name := fmt.Sprintf("ns.F%d", i)
		refs[name] = serde.Schema{Format: serde.Avro, Text: fmt.Sprintf(`{"type":"fixed","name":"%s","size":1}`, name)}
	}
	return hostile{format: serde.Avro, schema: avroRecord(`{"name":"f","type":"ns.F0"}`), refs: refs, noServer: true}
}

func TestAvro(t *testing.T) {
	zeroBomb := func(k, items int) []byte {
		b := zigzag(nil, int64(k))
		for range k {
			b = zigzag(zigzag(b, int64(items)), 0)
		}
		return append(b, 0)
	}
	// fan-out: many references, each referring to one large schema.
	big := avroRecord(repeatJoin(9000, ",", func(i int) string { return fmt.Sprintf(`{"name":"field_%d","type":"long"}`, i) }))
	big = strings.Replace(big, `"name":"R"`, `"name":"big.Big"`, 1)
	fan := map[string]serde.Schema{"big.Big": {Format: serde.Avro, Text: big}}
	for i := range 500 {
		name := fmt.Sprintf("fan.U%d", i)
		fan[name] = serde.Schema{Format: serde.Avro, Text: fmt.Sprintf(`{"type":"record","name":"%s","fields":[{"name":"b","type":"big.Big"}]}`, name),
			References: []serde.Reference{{Name: "big.Big", Subject: "big.Big", Version: 1}}}
	}
	recursive := `{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"]}]}`
	deepValue := func(n int) []byte { return append(bytesRepeat(0x02, n), 0x00) }
	wideRecord := func(n int) string {
		return avroRecord(repeatJoin(n, ",", func(i int) string { return fmt.Sprintf(`{"name":"f%d","type":"null"}`, i) }))
	}
	cases := []hostile{
		{name: "deep arrays at limit", schema: avroArrays(avro.DefaultMaxDepth), compile: accept},
		{name: "deep arrays past limit", schema: avroArrays(avro.DefaultMaxDepth + 1), compile: refuse},
		{name: "deep unions", schema: strings.Repeat("[", maxInput), compile: refuse},
		{name: "wide record", schema: avroRecord(repeatJoin(20000, ",", func(i int) string { return fmt.Sprintf(`{"name":"f%d","type":"long"}`, i) })),
			next: avroRecord(repeatJoin(20000, ",", func(i int) string { return fmt.Sprintf(`{"name":"f%d","type":"long","default":0}`, i) }) + `,{"name":"x","type":"int","default":1}`)},
		{name: "wide enum", schema: `{"type":"enum","name":"E","symbols":[` + repeatJoin(90000, ",", func(i int) string { return fmt.Sprintf(`"S%d"`, i) }) + `]}`},
		{name: "wide union", schema: `[` + repeatJoin(25000, ",", func(i int) string { return fmt.Sprintf(`{"type":"fixed","name":"F%d","size":1}`, i) }) + `]`},
		{name: "long line doc at limit", schema: `{"type":"fixed","name":"F","size":1,"doc":"` + strings.Repeat("x", maxInput-60) + `"}`, compile: accept},
		{name: "long line past limit", schema: `{"type":"fixed","name":"F","size":1,"doc":"` + strings.Repeat("x", maxInput) + `"}`, compile: refuse},
		{name: "long name", schema: `{"type":"fixed","name":"` + strings.Repeat("a", maxInput-40) + `","size":1}`},
		{name: "many references at limit", compile: accept},
		{name: "many references past limit", compile: refuse},
		{name: "reference fan-out to one large schema", format: serde.Avro, schema: avroRecord(repeatJoin(500, ",", func(i int) string { return fmt.Sprintf(`{"name":"u%d","type":"fan.U%d"}`, i, i) })), refs: fan, noServer: true},
		{name: "reference cycle", compile: refuse, schema: avroRecord(`{"name":"a","type":"cyc.A"}`), refs: map[string]serde.Schema{
			"cyc.A": {Format: serde.Avro, Text: `{"type":"record","name":"cyc.A","fields":[{"name":"b","type":"cyc.B"}]}`, References: []serde.Reference{{Name: "cyc.B", Subject: "cyc.B", Version: 1}}},
			"cyc.B": {Format: serde.Avro, Text: `{"type":"record","name":"cyc.B","fields":[{"name":"a","type":"cyc.A"}]}`, References: []serde.Reference{{Name: "cyc.A", Subject: "cyc.A", Version: 1}}},
		}},
		{name: "doubling named types", schema: doubling(40), compile: accept},
		{name: "decimal precision reproducer", schema: avroDecimal(999999999), compile: refuse},
		{name: "decimal precision at limit", schema: avroDecimal(avro.DefaultMaxDecimalPrecision), compile: accept, value: `"` + strings.Repeat("9", 998) + `.99"`,
			payload: zigzag(nil, 3)[:1:1]},
		{name: "decimal precision past limit", schema: avroDecimal(avro.DefaultMaxDecimalPrecision + 1), compile: refuse},
		{name: "huge fixed size", schema: `{"type":"fixed","name":"F","size":2147483647}`, payload: []byte{1, 2, 3}},
		{name: "huge numbers in defaults", schema: avroRecord(`{"name":"d","type":"double","default":1e308},{"name":"i","type":"int","default":99999999999999999999999999},{"name":"e","type":"long","default":1e400}`)},
		{name: "many keys", schema: `{"type":"fixed","name":"F","size":1,` + repeatJoin(40000, ",", func(i int) string { return fmt.Sprintf(`"p%d":%d`, i, i) }) + `}`},
		{name: "duplicate keys", schema: `{"type":"fixed",` + strings.Repeat(`"name":"F",`, 80000) + `"size":1}`},
		{name: "duplicate field names", schema: avroRecord(repeatJoin(30000, ",", func(int) string { return `{"name":"f","type":"int"}` })), compile: refuse},
		{name: "zero-size bomb (issue 13 item 4)", schema: `{"type":"array","items":{"type":"array","items":"null"}}`, compile: accept, payload: zeroBomb(64, 1<<20)},
		{name: "zero-size bomb at values limit", schema: `{"type":"array","items":{"type":"array","items":"null"}}`, compile: accept, payload: zeroBomb(2, avro.DefaultMaxDecodeItems-1)},
		{name: "records of nulls bomb", schema: `{"type":"array","items":` + wideRecord(1000) + `}`, compile: accept, payload: append(zigzag(nil, 1<<20), 0)},
		{name: "wide null record in array", schema: `{"type":"array","items":` + strings.Replace(wideRecord(20), `"type":"null"}]`, `"type":"int"}]`, 1) + `}`, compile: accept,
			payload: append(append(zigzag(nil, 400000), bytesRepeat(0, 400000)...), 0)},
		{name: "huge string length", schema: `"string"`, payload: []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x40}},
		{name: "array of a million ints", schema: `{"type":"array","items":"int"}`, compile: accept, payload: append(append(zigzag(nil, 1<<20), bytesRepeat(2, 1<<20)...), 0)},
		{name: "map of many keys", schema: `{"type":"map","values":"null"}`, compile: accept, payload: mapPayload(300000)},
		{name: "deep recursive value", schema: recursive, compile: accept, payload: deepValue(maxInput - 1)},
		{name: "deep recursive JSON value", schema: recursive, compile: accept, value: strings.Repeat(`{"n":{"L":`, 40000) + "null" + strings.Repeat("}}", 40000)},
		{name: "huge JSON number", schema: `"double"`, compile: accept, value: "1" + strings.Repeat("0", maxInput-10)},
		{name: "long JSON string", schema: `"string"`, compile: accept, value: `"` + strings.Repeat("x", maxInput-10) + `"`},
	}
	for i := range cases {
		switch cases[i].name {
		case "many references at limit":
			h := avroRefs(avro.DefaultMaxReferences)
			h.name, h.compile = cases[i].name, accept
			cases[i] = h
		case "many references past limit":
			h := avroRefs(avro.DefaultMaxReferences + 1)
			h.name, h.compile = cases[i].name, refuse
			cases[i] = h
		}
		cases[i].format = serde.Avro
	}
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) { run(t, h) })
	}
}

func doubling(levels int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"T0","fields":[{"name":"x","type":"int"}]}`)
	prev := "T0"
	for i := 1; i <= levels; i++ {
		name := fmt.Sprintf("T%d", i)
		inner := b.String()
		b.Reset()
		fmt.Fprintf(&b, `{"type":"record","name":"%s","fields":[{"name":"a","type":%s},{"name":"b","type":"%s"}]}`, name, inner, prev)
		prev = name
	}
	return b.String()
}

func bytesRepeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// mapPayload is one block of n entries with distinct keys and null values.
func mapPayload(n int) []byte {
	b := zigzag(nil, int64(n))
	for i := range n {
		k := fmt.Sprintf("%x", i)
		b = append(zigzag(b, int64(len(k))), k...)
	}
	return append(b, 0)
}

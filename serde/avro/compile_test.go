package avro

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

const (
	addressAvsc  = `{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"street","type":"string"},{"name":"geo","type":"shop.Geo"}]}`
	geoAvsc      = `{"type":"record","name":"Geo","namespace":"shop","fields":[{"name":"lat","type":"double"},{"name":"lon","type":"double"}]}`
	customerAvsc = `{"type":"record","name":"Customer","namespace":"shop","fields":[{"name":"name","type":"string"},{"name":"home","type":"shop.Address"},{"name":"work","type":["null","shop.Address"]}]}`
)

func refResolver() serde.MapResolver {
	return serde.MapResolver{
		"shop.Address": {Text: addressAvsc, References: []serde.Reference{{Name: "shop.Geo", Subject: "geo", Version: 1}}},
		"shop.Geo":     {Text: geoAvsc},
	}
}

func TestCompileReferences(t *testing.T) {
	ctx := context.Background()
	s, err := Compile(ctx, serde.Schema{Text: customerAvsc, References: []serde.Reference{{Name: "shop.Address", Subject: "address", Version: 1}}}, refResolver())
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	// Confluent writes types that references define by name only.
	wantCanon := `{"name":"shop.Customer","type":"record","fields":[{"name":"name","type":"string","order":"ascending"},{"name":"home","type":"shop.Address","order":"ascending"},{"name":"work","type":["null","shop.Address"],"order":"ascending"}]}`
	if got := s.Canonical(); got != wantCanon {
		t.Errorf("Canonical\n got %s\nwant %s", got, wantCanon)
	}
	// The PCF is self-contained: the referenced type is written out once.
	if pcf := s.ParsingCanonicalForm(); !strings.Contains(pcf, `"type":{"name":"shop.Address","type":"record"`) || strings.Count(pcf, `"name":"shop.Geo"`) != 1 {
		t.Errorf("PCF does not inline the referenced types once: %s", pcf)
	}
	v := map[string]any{
		"name": "ada",
		"home": map[string]any{"street": "x", "geo": map[string]any{"lat": 1.0, "lon": 2.0}},
		"work": nil,
	}
	if _, err := s.AppendEncode(nil, v); err != nil {
		t.Errorf("AppendEncode: %v", err)
	}
}

func TestCompileErrors(t *testing.T) {
	ctx := context.Background()
	cyclic := serde.MapResolver{
		"a.A": {Text: `{"type":"record","name":"a.A","fields":[]}`, References: []serde.Reference{{Name: "a.B"}}},
		"a.B": {Text: `{"type":"record","name":"a.B","fields":[]}`, References: []serde.Reference{{Name: "a.A"}}},
	}
	failing := serde.ResolverFunc(func(context.Context, serde.Reference) (serde.Schema, error) {
		return serde.Schema{}, errors.New("registry down")
	})
	cases := []struct {
		name     string
		schema   serde.Schema
		r        serde.Resolver
		opts     []Opt
		sentinel error
	}{
		{name: "not json", schema: serde.Schema{Text: `{"type":`}, sentinel: serde.ErrSchema},
		{name: "unknown type", schema: serde.Schema{Text: `{"type":"record","name":"R","fields":[{"name":"a","type":"shop.Nope"}]}`}, sentinel: serde.ErrSchema},
		{name: "bad default", schema: serde.Schema{Text: `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`}, sentinel: serde.ErrSchema},
		{name: "duplicate enum symbol", schema: serde.Schema{Text: `{"type":"enum","name":"E","symbols":["A","A"]}`}, sentinel: serde.ErrSchema},
		{name: "wrong format", schema: serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";`}, sentinel: serde.ErrSchema},
		{name: "missing reference", schema: serde.Schema{Text: `"string"`, References: []serde.Reference{{Name: "x.Y"}}}, r: serde.MapResolver{}, sentinel: serde.ErrReference},
		{name: "nil resolver", schema: serde.Schema{Text: `"string"`, References: []serde.Reference{{Name: "x.Y"}}}, sentinel: serde.ErrReference},
		{name: "resolver error", schema: serde.Schema{Text: `"string"`, References: []serde.Reference{{Name: "x.Y"}}}, r: failing, sentinel: serde.ErrReference},
		{name: "cycle", schema: serde.Schema{Text: `"a.A"`, References: []serde.Reference{{Name: "a.A"}}}, r: cyclic, sentinel: serde.ErrReference},
		{name: "bad reference text", schema: serde.Schema{Text: `"x.Y"`, References: []serde.Reference{{Name: "x.Y"}}}, r: serde.MapResolver{"x.Y": {Text: `{"type":"record"}`}}, sentinel: serde.ErrSchema},
		{name: "too big", schema: serde.Schema{Text: `"` + strings.Repeat("a", 200) + `"`}, opts: []Opt{MaxSchemaBytes(100)}, sentinel: serde.ErrLimit},
		{name: "references too big", schema: serde.Schema{Text: `"x.Y"`, References: []serde.Reference{{Name: "x.Y"}}},
			r: serde.MapResolver{"x.Y": {Text: `{"type":"fixed","name":"x.Y","size":1,"doc":"` + strings.Repeat("d", 100) + `"}`}}, opts: []Opt{MaxSchemaBytes(100)}, sentinel: serde.ErrLimit},
		{name: "too deep", schema: serde.Schema{Text: strings.Repeat("[", 200) + strings.Repeat("]", 200)}, sentinel: serde.ErrLimit},
		{name: "too many references", schema: serde.Schema{Text: `"string"`, References: []serde.Reference{{Name: "shop.Geo"}, {Name: "shop.Address"}}},
			r: refResolver(), opts: []Opt{MaxReferences(1)}, sentinel: serde.ErrLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(ctx, tc.schema, tc.r, tc.opts...)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("Compile error = %v, want %v", err, tc.sentinel)
			}
		})
	}
}

// TestNoGlobalCache: a named type that one compile defines must not leak
// into another (hamba's DefaultSchemaCache would do that).
func TestNoGlobalCache(t *testing.T) {
	ctx := context.Background()
	if _, err := Compile(ctx, serde.Schema{Text: `{"type":"fixed","name":"leak.F","size":2}`}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(ctx, serde.Schema{Text: `{"type":"array","items":"leak.F"}`}, nil); !errors.Is(err, serde.ErrSchema) {
		t.Fatalf("second compile saw the first one's type: err = %v", err)
	}
}

// TestHostileSchemasBounded: deep nesting, huge texts and exponential
// reuse of named types all finish quickly with an error or a schema.
func TestHostileSchemasBounded(t *testing.T) {
	ctx := context.Background()
	deepRecord := func(depth int) string {
		var b strings.Builder
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, `{"type":"record","name":"R%d","fields":[{"name":"f","type":`, i)
		}
		b.WriteString(`"int"`)
		for i := 0; i < depth; i++ {
			b.WriteString(`}]}`)
		}
		return b.String()
	}
	// Each level uses the previous named type twice: written out fully it
	// would be 2^40 long.
	doubling := func(levels int) string {
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
	wide := func(open, item, close string, n int) string {
		var b strings.Builder
		b.WriteString(open)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, item, i)
		}
		b.WriteString(close)
		return b.String()
	}
	cases := []struct {
		name     string
		text     string
		sentinel error // nil: compiles
	}{
		// hamba builds its fingerprint text by concatenating members one at
		// a time, quadratic in the member count: these took 8-36s to encode.
		{name: "wide enum", text: wide(`{"type":"enum","name":"E","symbols":[`, `"S%d"`, `]}`, 100000), sentinel: serde.ErrLimit},
		{name: "wide union", text: wide(`[`, `{"type":"fixed","name":"F%d","size":1}`, `]`, 20000), sentinel: serde.ErrLimit},
		{name: "wide self-referencing record", text: wide(`{"type":"record","name":"R","fields":[`, `{"name":"f%d","type":["null","R"]}`, `]}`, 15000), sentinel: serde.ErrLimit},
		{name: "big but real enum", text: wide(`{"type":"enum","name":"E","symbols":[`, `"SYMBOL_%d"`, `]}`, 5000), sentinel: nil},
		{name: "big but real record", text: wide(`{"type":"record","name":"R","fields":[`, `{"name":"column_%d","type":["null","string"],"default":null}`, `]}`, 2000), sentinel: nil},
		{name: "deep records", text: deepRecord(1000), sentinel: serde.ErrLimit},
		{name: "deep arrays", text: strings.Repeat(`{"type":"array","items":`, 100000) + `"int"` + strings.Repeat("}", 100000), sentinel: serde.ErrLimit},
		{name: "deep unions", text: strings.Repeat("[", 1<<20-10), sentinel: serde.ErrLimit},
		{name: "huge", text: `"` + strings.Repeat("x", 2<<20) + `"`, sentinel: serde.ErrLimit},
		{name: "deep string escapes", text: `"` + strings.Repeat(`\"[`, 1000) + `"`, sentinel: serde.ErrSchema},
		{name: "legit nesting", text: deepRecord(20), sentinel: nil},
		{name: "doubling reuse", text: doubling(40), sentinel: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				s, err := Compile(ctx, serde.Schema{Text: tc.text}, nil)
				if err == nil {
					// first use builds hamba's codec: it must be quick too
					_, _ = s.AppendEncode(nil, map[string]any{})
				}
				done <- err
			}()
			select {
			case err := <-done:
				if tc.sentinel == nil && err != nil {
					t.Fatalf("Compile: %v", err)
				}
				if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
					t.Fatalf("Compile error = %v, want %v", err, tc.sentinel)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Compile did not finish in 20s")
			}
		})
	}
}

func TestCanonicalNormalizes(t *testing.T) {
	ctx := context.Background()
	a := `{"type":"record","name":"R","namespace":"n","doc":"d","fields":[
		{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
		{"name":"amt","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2},"default":"\u0000"},
		{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A","aliases":["z.Old","y.Older"]}},
		{"name":"self","type":["null","R"],"default":null,"doc":"next"}]}`
	b := `{ "fields":[
		{"type":{"logicalType":"timestamp-millis","type":"long"},"name":"ts"},
		{"default":"\u0000","name":"amt","type":{"scale":2,"precision":9,"logicalType":"decimal","type":"bytes"}},
		{"name":"e","type":{"aliases":["y.Older","z.Old"],"symbols":["A","B"],"name":"n.E","type":"enum","default":"A"}},
		{"doc":"next","default":null,"type":["null","n.R"],"name":"self"}],
		"doc":"d", "name":"n.R", "type":"record"}`
	sa, err := Compile(ctx, serde.Schema{Text: a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Compile(ctx, serde.Schema{Text: b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"n.R","type":"record","fields":[` +
		`{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"},"order":"ascending"},` +
		`{"name":"amt","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2},"order":"ascending","default":"\u0000"},` +
		`{"name":"e","type":{"name":"n.E","type":"enum","symbols":["A","B"],"aliases":["y.Older","z.Old"],"default":"A"},"order":"ascending"},` +
		`{"name":"self","type":["null","n.R"],"order":"ascending","doc":"next","default":null}],"doc":"d"}`
	if got := sa.Canonical(); got != want {
		t.Errorf("Canonical\n got %s\nwant %s", got, want)
	}
	if sa.Canonical() != sb.Canonical() {
		t.Errorf("two spellings differ:\n%s\n%s", sa.Canonical(), sb.Canonical())
	}
	if got := serde.Fingerprint(sa); got != serde.Fingerprint(sb) {
		t.Errorf("fingerprints differ")
	}
	if pcf := sa.ParsingCanonicalForm(); strings.Contains(pcf, "logicalType") || strings.Contains(pcf, "doc") {
		t.Errorf("PCF keeps attributes it must strip: %s", pcf)
	}
}

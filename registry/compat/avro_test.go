package compat_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

func avroText(s string) serde.Schema { return serde.Schema{Format: serde.Avro, Text: s} }

// TestAvroRules has one or more cases per rule of docs/COMPATIBILITY.md (Avro),
// checking the rule ID, the path and the message of each finding.
func TestAvroRules(t *testing.T) {
	order := func(fields string) string {
		return `{"type":"record","name":"Order","namespace":"acme","fields":[` + fields + `]}`
	}
	tests := []struct {
		name   string
		reader string
		writer string
		// want lists "RULE path: message substring" per finding, in order.
		want []string
	}{
		{
			name:   "TYPE_MISMATCH: field type changed",
			reader: order(`{"name":"total","type":"string"}`),
			writer: order(`{"name":"total","type":"long"}`),
			want:   []string{`TYPE_MISMATCH acme.Order.total: field "total" has type string, which cannot read the writer's long`},
		},
		{
			name:   "TYPE_MISMATCH: narrowing in array items",
			reader: order(`{"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[{"name":"qty","type":"int"}]}}}`),
			writer: order(`{"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[{"name":"qty","type":"long"}]}}}`),
			want:   []string{`TYPE_MISMATCH acme.Order.items[].qty: field "qty" has type int`},
		},
		{
			name:   "TYPE_MISMATCH: in map values",
			reader: order(`{"name":"tags","type":{"type":"map","values":"int"}}`),
			writer: order(`{"name":"tags","type":{"type":"map","values":"string"}}`),
			want:   []string{`TYPE_MISMATCH acme.Order.tags{}: int cannot read the writer's string`},
		},
		{
			name:   "TYPE_MISMATCH: union narrowed to one type",
			reader: order(`{"name":"note","type":"string"}`),
			writer: order(`{"name":"note","type":["null","string"],"default":null}`),
			want:   []string{`TYPE_MISMATCH acme.Order.note: field "note" has type string, which cannot read the writer's null`},
		},
		{
			name:   "promotion: int to long, float, double",
			reader: order(`{"name":"a","type":"long"},{"name":"b","type":"float"},{"name":"c","type":"double"}`),
			writer: order(`{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"int"}`),
		},
		{
			name:   "promotion: long to float and double, float to double",
			reader: order(`{"name":"a","type":"float"},{"name":"b","type":"double"},{"name":"c","type":"double"}`),
			writer: order(`{"name":"a","type":"long"},{"name":"b","type":"long"},{"name":"c","type":"float"}`),
		},
		{
			name:   "promotion: string and bytes both ways",
			reader: order(`{"name":"a","type":"bytes"},{"name":"b","type":"string"}`),
			writer: order(`{"name":"a","type":"string"},{"name":"b","type":"bytes"}`),
		},
		{
			name:   "NAME_MISMATCH: record renamed without alias",
			reader: order(`{"name":"c","type":{"type":"record","name":"Customer2","fields":[]}}`),
			writer: order(`{"name":"c","type":{"type":"record","name":"Customer","fields":[]}}`),
			want:   []string{`NAME_MISMATCH acme.Order.c: record is named "acme.Customer2", the writer's is "acme.Customer"`},
		},
		{
			name:   "NAME_MISMATCH: alias names the full name",
			reader: order(`{"name":"c","type":{"type":"record","name":"Customer2","aliases":["acme.Customer"],"fields":[]}}`),
			writer: order(`{"name":"c","type":{"type":"record","name":"Customer","fields":[]}}`),
		},
		{
			name:   "NAME_MISMATCH: relative alias resolves in the reader's namespace",
			reader: order(`{"name":"c","type":{"type":"record","name":"Customer2","aliases":["Customer"],"fields":[]}}`),
			writer: order(`{"name":"c","type":{"type":"record","name":"Customer","fields":[]}}`),
		},
		{
			name:   "NAME_MISMATCH: writer alias does not count",
			reader: order(`{"name":"c","type":{"type":"record","name":"Customer2","fields":[]}}`),
			writer: order(`{"name":"c","type":{"type":"record","name":"Customer","aliases":["Customer2"],"fields":[]}}`),
			want:   []string{`NAME_MISMATCH acme.Order.c`},
		},
		{
			name:   "FIXED_SIZE_MISMATCH",
			reader: order(`{"name":"id","type":{"type":"fixed","name":"Id","size":16}}`),
			writer: order(`{"name":"id","type":{"type":"fixed","name":"Id","size":8}}`),
			want:   []string{`FIXED_SIZE_MISMATCH acme.Order.id: fixed "acme.Id" has size 16, the writer's "acme.Id" has size 8`},
		},
		{
			name:   "MISSING_ENUM_SYMBOLS",
			reader: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["NEW"]}}`),
			writer: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}}`),
			want:   []string{`MISSING_ENUM_SYMBOLS acme.Order.s: enum "acme.Status" lacks the writer's symbols PAID, SHIPPED and has no default`},
		},
		{
			name:   "MISSING_ENUM_SYMBOLS: covered by the reader's enum default",
			reader: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["UNKNOWN","NEW"],"default":"UNKNOWN"}}`),
			writer: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}`),
		},
		{
			name:   "MISSING_ENUM_SYMBOLS: a field default does not cover symbols",
			reader: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["NEW"]},"default":"NEW"}`),
			writer: order(`{"name":"s","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}`),
			want:   []string{`MISSING_ENUM_SYMBOLS acme.Order.s`},
		},
		{
			name:   "READER_FIELD_MISSING_DEFAULT_VALUE",
			reader: order(`{"name":"id","type":"long"},{"name":"total","type":"long"}`),
			writer: order(`{"name":"id","type":"long"}`),
			want:   []string{`READER_FIELD_MISSING_DEFAULT_VALUE acme.Order.total: field "total" is not in the writer's record "acme.Order" and has no default`},
		},
		{
			name:   "READER_FIELD_MISSING_DEFAULT_VALUE: a default covers it",
			reader: order(`{"name":"id","type":"long"},{"name":"total","type":"long","default":0}`),
			writer: order(`{"name":"id","type":"long"}`),
		},
		{
			name:   "READER_FIELD_MISSING_DEFAULT_VALUE: field alias matches the writer's field",
			reader: order(`{"name":"amount","aliases":["total"],"type":"long"}`),
			writer: order(`{"name":"total","type":"int"}`),
		},
		{
			name:   "READER_FIELD_MISSING_DEFAULT_VALUE: writer field alias does not count",
			reader: order(`{"name":"amount","type":"long"}`),
			writer: order(`{"name":"total","aliases":["amount"],"type":"long"}`),
			want:   []string{`READER_FIELD_MISSING_DEFAULT_VALUE acme.Order.amount`},
		},
		{
			name:   "MISSING_UNION_BRANCH: union narrowed",
			reader: order(`{"name":"v","type":["null","string"]}`),
			writer: order(`{"name":"v","type":["null","string","long"]}`),
			want:   []string{`MISSING_UNION_BRANCH acme.Order.v: field "v": union has no branch that reads the writer's long`},
		},
		{
			name:   "MISSING_UNION_BRANCH: says why the same-named branch does not fit",
			reader: order(`{"name":"c","type":["null",{"type":"record","name":"C","fields":[{"name":"x","type":"int"}]}]}`),
			writer: order(`{"name":"c","type":{"type":"record","name":"C","fields":[{"name":"x","type":"string"}]}}`),
			want:   []string{`MISSING_UNION_BRANCH acme.Order.c: field "c": union has no branch that reads the writer's record "acme.C" (the record "acme.C" branch does not fit: acme.Order.c.x: field "x" has type int`},
		},
		{
			name:   "MISSING_UNION_BRANCH: union widened is fine",
			reader: order(`{"name":"v","type":["null","string","long"]}`),
			writer: order(`{"name":"v","type":["null","string"]}`),
		},
		{
			name:   "MISSING_UNION_BRANCH: non-union to union with promotion",
			reader: order(`{"name":"v","type":["null","double"]}`),
			writer: order(`{"name":"v","type":"int"}`),
		},
		{
			name:   "READER_FIELD_AMBIGUOUS",
			reader: order(`{"name":"a","aliases":["b"],"type":"int"}`),
			writer: order(`{"name":"a","type":"int"},{"name":"b","type":"int"}`),
			want:   []string{`READER_FIELD_AMBIGUOUS acme.Order.a: field "a" matches 2 fields`},
		},
		{
			name:   "logical types ignored: decimal precision change",
			reader: order(`{"name":"p","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}`),
			writer: order(`{"name":"p","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":4}}`),
		},
		{
			name:   "logical types ignored: timestamp-millis to timestamp-micros",
			reader: order(`{"name":"t","type":{"type":"long","logicalType":"timestamp-micros"}}`),
			writer: order(`{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}`),
		},
		{
			name:   "logical types ignored: underlying type still counts",
			reader: order(`{"name":"d","type":{"type":"int","logicalType":"date"}}`),
			writer: order(`{"name":"d","type":{"type":"long","logicalType":"timestamp-millis"}}`),
			want:   []string{`TYPE_MISMATCH acme.Order.d`},
		},
		{
			name:   "recursive types terminate and are checked",
			reader: `{"type":"record","name":"Tree","fields":[{"name":"v","type":"string"},{"name":"kids","type":{"type":"array","items":"Tree"}}]}`,
			writer: `{"type":"record","name":"Tree","fields":[{"name":"v","type":"int"},{"name":"kids","type":{"type":"array","items":"Tree"}}]}`,
			want:   []string{`TYPE_MISMATCH Tree.v`},
		},
		{
			name:   "mutually recursive types",
			reader: `{"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"n","type":"long"}]}]}]}`,
			writer: `{"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"n","type":"int"}]}]}]}`,
		},
		{
			name:   "several findings in one record",
			reader: order(`{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":"long"}`),
			writer: order(`{"name":"a","type":"long"},{"name":"b","type":"boolean"}`),
			want:   []string{`TYPE_MISMATCH acme.Order.a`, `TYPE_MISMATCH acme.Order.b`, `READER_FIELD_MISSING_DEFAULT_VALUE acme.Order.c`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), avroText(tc.reader), avroText(tc.writer), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != len(tc.want) {
				t.Fatalf("got %d findings %v, want %d %v", len(fs), fs, len(tc.want), tc.want)
			}
			for i, f := range fs {
				got := f.Rule + " " + f.Path + ": " + f.Message
				if !strings.HasPrefix(got, tc.want[i]) {
					t.Errorf("finding %d:\n got %s\nwant %s...", i, got, tc.want[i])
				}
			}
		})
	}
}

// TestAvroLevels checks all seven levels on two 3-version histories, one
// where only the transitive backward check fails, one where only the
// transitive forward check fails.
func TestAvroLevels(t *testing.T) {
	const (
		f1      = `{"name":"f1","type":"string"}`
		f2      = `{"name":"f2","type":"string"}`
		f2deflt = `{"name":"f2","type":"string","default":"x"}`
	)
	r := func(fields ...string) serde.Schema {
		return avroText(`{"type":"record","name":"R","fields":[` + strings.Join(fields, ",") + `]}`)
	}
	// History A: v1 lacks f2; v2 and v3 have it with a default. Next has f2
	// without a default, so it cannot read v1's data.
	histA := []compat.Version{{Version: 1, Schema: r(f1)}, {Version: 2, Schema: r(f1, f2deflt)}, {Version: 3, Schema: r(f1, f2deflt)}}
	nextA := r(f1, f2)
	// History B: v1 has f2 without a default; next drops f2, so v1 cannot
	// read next's data.
	histB := []compat.Version{{Version: 1, Schema: r(f1, f2)}, {Version: 2, Schema: r(f1, f2deflt)}, {Version: 3, Schema: r(f1, f2deflt)}}
	nextB := r(f1)
	tests := []struct {
		name  string
		level compat.Level
		hist  []compat.Version
		next  serde.Schema
		want  bool
		// wantVersion is the version the first finding names.
		wantVersion int
	}{
		{"A none", compat.None, histA, nextA, true, 0},
		{"A backward", compat.Backward, histA, nextA, true, 0},
		{"A backward transitive", compat.BackwardTransitive, histA, nextA, false, 1},
		{"A forward", compat.Forward, histA, nextA, true, 0},
		{"A forward transitive", compat.ForwardTransitive, histA, nextA, true, 0},
		{"A full", compat.Full, histA, nextA, true, 0},
		{"A full transitive", compat.FullTransitive, histA, nextA, false, 1},
		{"B none", compat.None, histB, nextB, true, 0},
		{"B backward", compat.Backward, histB, nextB, true, 0},
		{"B backward transitive", compat.BackwardTransitive, histB, nextB, true, 0},
		{"B forward", compat.Forward, histB, nextB, true, 0},
		{"B forward transitive", compat.ForwardTransitive, histB, nextB, false, 1},
		{"B full", compat.Full, histB, nextB, true, 0},
		{"B full transitive", compat.FullTransitive, histB, nextB, false, 1},
		{"none accepts anything", compat.None, histA, avroText(`"int"`), true, 0},
		{"backward against no history", compat.Backward, nil, nextA, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := compat.Check(context.Background(), tc.level, tc.next, tc.hist, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Compatible != tc.want {
				t.Fatalf("compatible = %v, want %v: %v", res.Compatible, tc.want, res.Findings)
			}
			if !tc.want && res.Findings[0].Version != tc.wantVersion {
				t.Errorf("finding names version %d, want %d", res.Findings[0].Version, tc.wantVersion)
			}
		})
	}
}

// TestAvroErrors checks that bad text and text over the limits are errors,
// not findings.
func TestAvroErrors(t *testing.T) {
	good := avroText(`"int"`)
	deep := strings.Repeat(`{"type":"array","items":`, 200) + `"int"` + strings.Repeat(`}`, 200)
	huge := `{"type":"record","name":"R","doc":"` + strings.Repeat("x", 2<<20) + `","fields":[]}`
	tests := []struct {
		name   string
		reader serde.Schema
		writer serde.Schema
		r      serde.Resolver
		want   error
	}{
		{"reader does not parse", avroText(`{"type":"record"`), good, nil, serde.ErrSchema},
		{"writer does not parse", good, avroText(`{"type":"nope"}`), nil, serde.ErrSchema},
		{"unknown named type", avroText(`{"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]}`), good, nil, serde.ErrSchema},
		{"missing reference", serde.Schema{Text: `"int"`, References: []serde.Reference{{Name: "x.avsc"}}}, good, serde.MapResolver{}, serde.ErrReference},
		{"too deep", avroText(deep), good, nil, serde.ErrLimit},
		{"too big", good, avroText(huge), nil, serde.ErrLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compat.CanRead(context.Background(), tc.reader, tc.writer, tc.r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestAvroStepLimit checks that a pair of schemas that would take more than
// avrocompat.MaxSteps comparisons is refused: two unions of 600 records
// with no name in common make every writer branch try every reader branch.
func TestAvroStepLimit(t *testing.T) {
	union := func(prefix string) string {
		var b strings.Builder
		b.WriteString(`[`)
		for i := range 600 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"type":"record","name":"%s%d","fields":[]}`, prefix, i)
		}
		b.WriteString(`]`)
		return b.String()
	}
	_, err := compat.CanRead(context.Background(), avroText(union("A")), avroText(union("B")), nil)
	if !errors.Is(err, serde.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	// A smaller pair of the same shape is checked normally.
	fs, err := compat.CanRead(context.Background(), avroText(`[{"type":"record","name":"A","fields":[]}]`), avroText(`[{"type":"record","name":"B","fields":[]}]`), nil)
	if err != nil || len(fs) != 1 || fs[0].Rule != "MISSING_UNION_BRANCH" {
		t.Fatalf("findings %v, err %v", fs, err)
	}
}

// FuzzCanReadAvro checks that no schema text makes the checker panic, and
// that a schema that parses can always read its own data.
func FuzzCanReadAvro(f *testing.F) {
	f.Add(`"int"`, `"long"`)
	f.Add(`{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, `{"type":"record","name":"R","fields":[{"name":"a","type":"long","default":0}]}`)
	f.Add(`{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"]}]}`, `["null","string"]`)
	f.Add(`{"type":"enum","name":"E","symbols":["A"],"default":"A"}`, `{"type":"enum","name":"E","symbols":["A","B"]}`)
	f.Fuzz(func(t *testing.T, reader, writer string) {
		ctx := context.Background()
		fs, err := compat.CanRead(ctx, avroText(reader), avroText(writer), nil)
		if err == nil && !slices.ContainsFunc(fs, func(f compat.Finding) bool { return f.Rule == "READER_FIELD_AMBIGUOUS" }) {
			// Differential: hamba/avro's checker gives the same verdict
			// (it does not detect ambiguous field aliases).
			if hv, ok := hambaCompiled(ctx, reader, writer); ok && hv != (len(fs) == 0) {
				t.Fatalf("compatible = %v, hamba/avro says %v: %v", len(fs) == 0, hv, fs)
			}
		}
		fs, err = compat.CanRead(ctx, avroText(reader), avroText(reader), nil)
		if err == nil && len(fs) > 0 {
			t.Fatalf("schema cannot read itself: %v", fs)
		}
	})
}

// TestAvroPositions checks that findings point into the reader's text: at
// the element that differs, or at a named type's use when its body is
// elsewhere.
func TestAvroPositions(t *testing.T) {
	reader := `{
  "type": "record", "name": "Order",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "S", "symbols": ["A"]}},
    {"name": "again", "type": "S"},
    {"name": "note", "type": "string"}
  ]
}`
	writer := `{"type":"record","name":"Order","fields":[
    {"name":"id","type":"long"},
    {"name":"status","type":{"type":"enum","name":"S","symbols":["A","B"]}},
    {"name":"again","type":"S"}]}`
	fs, err := compat.CanRead(context.Background(), avroText(reader), avroText(writer), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Order.id:4:28: TYPE_MISMATCH",
		"Order.status:5:73: MISSING_ENUM_SYMBOLS",
		"Order.note:7:5: READER_FIELD_MISSING_DEFAULT_VALUE",
	}
	if len(fs) != len(want) {
		t.Fatalf("got %v", fs)
	}
	for i, f := range fs {
		if got := f.String(); !strings.HasPrefix(got, want[i]) {
			t.Errorf("got %s, want %s...", got, want[i])
		}
	}
}

// hambaCompiled runs hamba/avro's own checker on the schemas as serde/avro
// compiles them.
func hambaCompiled(ctx context.Context, reader, writer string) (compatible, ok bool) {
	r, err := serdeavro.Compile(ctx, avroText(reader), nil)
	if err != nil {
		return false, false
	}
	w, err := serdeavro.Compile(ctx, avroText(writer), nil)
	if err != nil {
		return false, false
	}
	return avro.NewSchemaCompatibility().Compatible(r.Avro(), w.Avro()) == nil, true
}

// BenchmarkCanReadAvroWide checks a record of 5000 fields against a copy
// with one field more.
func BenchmarkCanReadAvroWide(b *testing.B) {
	fields := func(n int) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"name":"f%d","type":["null","long"],"default":null}`, i)
		}
		return `{"type":"record","name":"Wide","fields":[` + sb.String() + `]}`
	}
	reader, writer := avroText(fields(5001)), avroText(fields(5000))
	ctx := context.Background()
	for b.Loop() {
		if fs, err := compat.CanRead(ctx, reader, writer, nil); err != nil || len(fs) != 0 {
			b.Fatal(fs, err)
		}
	}
}

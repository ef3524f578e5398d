package codegen_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/codegen"
	"github.com/schemagen/schemagen/serde"
)

func avroEntry(text string) codegen.Entry {
	return codegen.Entry{Schema: serde.Schema{Format: serde.Avro, Text: text}, Topic: "t", Source: "x.avsc"}
}

func jsonEntry(text string) codegen.Entry {
	return codegen.Entry{Schema: serde.Schema{Format: serde.JSON, Text: text}, Topic: "t", Source: "x.json"}
}

// TestGenerateErrors: what cannot be generated fails with an error that
// says what and where, wrapping ErrGenerate.
func TestGenerateErrors(t *testing.T) {
	rec := `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`
	tests := []struct {
		name string
		pkg  codegen.Package
		want string
	}{
		{name: "no import path", pkg: codegen.Package{Entries: []codegen.Entry{avroEntry(rec)}}, want: "empty import path"},
		{name: "bad package name", pkg: codegen.Package{ImportPath: "x/y-z", Entries: []codegen.Entry{avroEntry(rec)}}, want: "not a Go package name"},
		{name: "no entries", pkg: codegen.Package{ImportPath: "x/y"}, want: "has no schemas"},
		{name: "no topic", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{{Schema: serde.Schema{Text: rec}}}}, want: "no topic"},
		{name: "bad drift", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{func() codegen.Entry {
			e := avroEntry(rec)
			e.Drift = "sometimes"
			return e
		}()}}, want: `drift "sometimes"`},
		{name: "avro primitive root", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{avroEntry(`"string"`)}}, want: "top-level schema is string"},
		{name: "avro bad schema", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{avroEntry(`{"type":"record"}`)}}, want: "invalid schema"},
		{name: "avro union with array branch", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{avroEntry(
			`{"type":"record","name":"R","fields":[{"name":"a","type":["int",{"type":"array","items":"int"}]}]}`)}},
			want: "R.a: union branch array is not supported"},
		{name: "avro name clash", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{
			avroEntry(`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`),
			avroEntry(`{"type":"record","name":"R","namespace":"b","fields":[{"name":"x","type":"int"}]}`),
		}}, want: "Go name R is declared twice"},
		{name: "json allOf", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(
			`{"type":"object","properties":{"a":{"allOf":[{"type":"string"}]}}}`)}},
			want: `x.json#/properties/a: keyword "allOf" is not supported`},
		{name: "json required not in properties", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(
			`{"type":"object","required":["b"],"properties":{"a":{"type":"string"}}}`)}},
			want: `x.json#: required property "b" is not in properties`},
		{name: "json array root", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(`{"type":"array"}`)}},
			want: "top-level schema must be an object"},
		{name: "json tuple items", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(
			`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"array","items":[{"type":"string"}]}}}`)}},
			want: "x.json#/properties/a: tuple items are not supported"},
		{name: "json several types", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(
			`{"type":"object","properties":{"a":{"type":["string","integer"]}}}`)}},
			want: "several types"},
		{name: "two key schemas for a topic", pkg: codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{
			func() codegen.Entry { e := avroEntry(rec); e.Role = serde.Key; return e }(),
			func() codegen.Entry {
				e := avroEntry(`{"type":"record","name":"S","fields":[{"name":"a","type":"int"}]}`)
				e.Role = serde.Key
				return e
			}(),
		}}, want: "two key schemas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codegen.Generate(context.Background(), tt.pkg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Generate error = %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, codegen.ErrGenerate) {
				t.Fatalf("error %v does not wrap ErrGenerate", err)
			}
		})
	}
}

// TestGenerateDeterministic: the same input gives the same bytes (map
// iteration order never leaks into the output).
func TestGenerateDeterministic(t *testing.T) {
	for _, dir := range []string{"testdata/avro-union", "testdata/json-basic", "testdata/proto-imports"} {
		t.Run(dir, func(t *testing.T) {
			pkg, _ := loadCase(t, dir)
			a, err := codegen.Generate(context.Background(), pkg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := codegen.Generate(context.Background(), pkg)
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != len(b) {
				t.Fatalf("%d files, then %d", len(a), len(b))
			}
			for name := range a {
				if string(a[name]) != string(b[name]) {
					t.Fatalf("%s differs between two runs", name)
				}
			}
		})
	}
}

// TestProtoMessage: Entry.Message picks a message other than the first,
// nested ones included; the stub embeds its message-index path.
func TestProtoMessage(t *testing.T) {
	pkg, _ := loadCase(t, "testdata/proto-basic")
	tests := []struct {
		name, message, ctor, indexes string
	}{
		{name: "default", ctor: "func NewOrderProducer[", indexes: "return []int{0}"},
		{name: "nested", message: "shop.basic.v1.Order.Item", ctor: "func NewOrder_ItemProducer[", indexes: "return []int{0, 1}"}, // the map entry AttributesEntry is nested message 0,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pkg
			p.Entries = append([]codegen.Entry(nil), pkg.Entries...)
			p.Entries[0].Message = tt.message
			files, err := codegen.Generate(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			stub := string(files["order.proto.schemagen.go"])
			for _, want := range []string{tt.ctor, tt.indexes} {
				if !strings.Contains(stub, want) {
					t.Fatalf("stub lacks %q:\n%s", want, stub)
				}
			}
		})
	}
}

// TestJSONRefusesUncheckable: a constraint the generated Validate could not
// check fails generation instead of being skipped.
func TestJSONRefusesUncheckable(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{name: "constraints without a type", schema: `{"type":"object","properties":{"a":{"minLength":3}}}`, want: "cannot infer a Go type"},
		{name: "uniqueItems on objects", schema: `{"type":"object","properties":{"a":{"type":"array","uniqueItems":true,"items":{"type":"object","properties":{"b":{"type":"string"}}}}}}`, want: "uniqueItems is supported on arrays of non-null"},
		{name: "enum on an object", schema: `{"type":"object","properties":{"a":{"type":"object","enum":[{}]}}}`, want: "enum on an object is not supported"},
		{name: "required on a map", schema: `{"type":"object","properties":{"a":{"type":"object","required":["k"],"additionalProperties":{"type":"string"}}}}`, want: "required without properties"},
		{name: "anyOf with siblings", schema: `{"type":"object","properties":{"a":{"minLength":2,"anyOf":[{"type":"string"},{"type":"null"}]}}}`, want: "anyOf is supported only as"},
		{name: "multipleOf too precise", schema: `{"type":"object","properties":{"a":{"type":"number","multipleOf":0.12345678901234567890123}}}`, want: "more than 19 significant digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codegen.Generate(context.Background(), codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(tt.schema)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Generate error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestSameSchemaTwoTopics: one schema on two topics generates its types
// once and a stub per topic, the second prefixed with its topic.
func TestSameSchemaTwoTopics(t *testing.T) {
	rec := `{"type":"record","name":"Order","fields":[{"name":"a","type":"int"}]}`
	a, b := avroEntry(rec), avroEntry(rec)
	a.Topic, b.Topic = "orders", "orders-archive"
	a.Source, b.Source = "order.avsc", "order_archive.avsc"
	files, err := codegen.Generate(context.Background(), codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	all := string(files["order.avro.go"]) + string(files["order_archive.avro.go"])
	for _, want := range []string{"func NewOrderProducer[", "func NewOrdersArchiveOrderProducer[", `Topic:   "orders-archive",`} {
		if !strings.Contains(all, want) {
			t.Fatalf("output lacks %q:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "type Order struct"); n != 1 {
		t.Fatalf("type Order declared %d times", n)
	}
}

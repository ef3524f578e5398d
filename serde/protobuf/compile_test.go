package protobuf

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func compileText(t testing.TB, text string, opts ...Opt) *Compiled {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, nil, opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return s
}

const indexesProto = `syntax = "proto3";
package idx;
message A {
  message A0 { message A00 {} }
  message A1 { message A10 {} message A11 {} }
}
message B {}
message C { message C0 {} enum E { E0 = 0; } message C1 {} }
`

func TestMessageIndexes(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want []int
	}{
		{name: "default is first top-level", msg: "", want: []int{0}},
		{name: "first top-level", msg: "idx.A", want: []int{0}},
		{name: "second top-level", msg: "idx.B", want: []int{1}},
		{name: "third top-level", msg: ".idx.C", want: []int{2}},
		{name: "first nested", msg: "idx.A.A0", want: []int{0, 0}},
		{name: "second nested in first", msg: "idx.A.A1", want: []int{0, 1}},
		{name: "deep", msg: "idx.A.A1.A11", want: []int{0, 1, 1}},
		{name: "enum does not count", msg: "idx.C.C1", want: []int{2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compileText(t, indexesProto, MessageName(tt.msg))
			if got := s.MessageIndexes(); !slices.Equal(got, tt.want) {
				t.Fatalf("MessageIndexes() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name     string
		schema   serde.Schema
		r        serde.Resolver
		opts     []Opt
		sentinel error
		contains string
	}{
		{name: "syntax error keeps position", schema: serde.Schema{Text: "syntax = \"proto3\";\nmessage A { int32 x = ; }\n"}, sentinel: serde.ErrSchema, contains: "schema.proto:2:"},
		{name: "unknown type", schema: serde.Schema{Text: "syntax = \"proto3\";\nmessage A { Nope x = 1; }\n"}, sentinel: serde.ErrSchema, contains: "schema.proto:2:"},
		{name: "duplicate field number", schema: serde.Schema{Text: "syntax = \"proto3\";\nmessage A { int32 x = 1; int32 y = 1; }\n"}, sentinel: serde.ErrSchema, contains: "schema.proto:2:"},
		{name: "unknown message name", schema: serde.Schema{Text: "syntax = \"proto3\";\nmessage A {}\n"}, opts: []Opt{MessageName("B")}, sentinel: serde.ErrSchema, contains: "no message"},
		{name: "wrong format", schema: serde.Schema{Format: serde.Avro, Text: "{}"}, sentinel: serde.ErrSchema},
		{name: "too big", schema: serde.Schema{Text: "syntax = \"proto3\";\nmessage A {}\n" + strings.Repeat("// x\n", 100)}, opts: []Opt{MaxSchemaBytes(100)}, sentinel: serde.ErrLimit},
		{name: "too deep", schema: serde.Schema{Text: "syntax = \"proto3\";\n" + strings.Repeat("message A {", 65) + strings.Repeat("}", 65)}, sentinel: serde.ErrLimit, contains: "65 deep"},
		{name: "braces in strings and comments do not count", schema: serde.Schema{Text: "syntax = \"proto3\";\n// {{{{\n/* {{{{ */ message A { option deprecated = true; string s = 1 [json_name = \"{{{{\"]; int32 x = ; }"}, opts: []Opt{MaxNesting(1)}, sentinel: serde.ErrSchema, contains: "schema.proto:3:"},
		{name: "missing import without resolver", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage A {}\n"}, sentinel: serde.ErrReference, contains: "dep.proto"},
		{name: "missing import in resolver", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage A {}\n"}, r: serde.MapResolver{}, sentinel: serde.ErrReference, contains: "dep.proto"},
		{name: "import depth", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"d1.proto\";\nmessage A {}\n"}, r: serde.MapResolver{
			"d1.proto": {Text: "syntax = \"proto3\";\nimport \"d2.proto\";\n"},
			"d2.proto": {Text: "syntax = \"proto3\";\nimport \"d3.proto\";\n"},
			"d3.proto": {Text: "syntax = \"proto3\";\n"},
		}, opts: []Opt{MaxImportDepth(2)}, sentinel: serde.ErrLimit},
		{name: "import count", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"d1.proto\";\nimport \"d2.proto\";\nmessage A {}\n"}, r: serde.MapResolver{
			"d1.proto": {Text: "syntax = \"proto3\";\n"},
			"d2.proto": {Text: "syntax = \"proto3\";\n"},
		}, opts: []Opt{MaxImports(1)}, sentinel: serde.ErrLimit},
		{name: "import cycle", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"d1.proto\";\nmessage A {}\n"}, r: serde.MapResolver{
			"d1.proto": {Text: "syntax = \"proto3\";\nimport \"d2.proto\";\n"},
			"d2.proto": {Text: "syntax = \"proto3\";\nimport \"d1.proto\";\n"},
		}, sentinel: serde.ErrSchema, contains: "cycle"},
		{name: "bad import text", schema: serde.Schema{Text: "syntax = \"proto3\";\nimport \"d1.proto\";\nmessage A {}\n"}, r: serde.MapResolver{
			"d1.proto": {Text: "syntax = \"proto3\";\nmessage {\n"},
		}, sentinel: serde.ErrSchema, contains: "d1.proto:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(context.Background(), tt.schema, tt.r, tt.opts...)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("err = %v, want %v", err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("err = %q, want it to contain %q", err, tt.contains)
			}
		})
	}
}

func TestImports(t *testing.T) {
	var asked []serde.Reference
	store := serde.MapResolver{
		"shop/money.proto": {Format: serde.Protobuf, Text: "syntax = \"proto3\";\npackage shop;\nimport \"shop/currency.proto\";\nmessage Money { Currency currency = 1; int64 units = 2; int32 nanos = 3; }\n",
			References: []serde.Reference{{Name: "shop/currency.proto", Subject: "currency", Version: 3}}},
		"shop/currency.proto": {Text: "syntax = \"proto3\";\npackage shop;\nenum Currency { CURRENCY_UNSPECIFIED = 0; EUR = 1; }\n"},
	}
	r := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		asked = append(asked, ref)
		return store.Resolve(ctx, ref)
	})
	src := serde.Schema{
		Format:     serde.Protobuf,
		Text:       "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n// An order.\nmessage Order { Money total = 1; google.protobuf.Timestamp at = 2; }\n",
		References: []serde.Reference{{Name: "shop/money.proto", Subject: "money", Version: 1}},
	}
	s, err := Compile(context.Background(), src, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []serde.Reference{{Name: "shop/money.proto", Subject: "money", Version: 1}, {Name: "shop/currency.proto", Subject: "currency", Version: 3}}
	if !slices.Equal(asked, want) {
		t.Fatalf("resolver asked %v, want %v", asked, want)
	}
	for _, path := range []string{"schema.proto", "shop/money.proto", "shop/currency.proto", "google/protobuf/timestamp.proto"} {
		if _, err := s.Files().FindFileByPath(path); err != nil {
			t.Errorf("Files() lacks %s: %v", path, err)
		}
	}
	if got := s.Message().Fields().ByName("total").Message().FullName(); got != "shop.Money" {
		t.Fatalf("total is %s", got)
	}
	if s.File().Path() != "schema.proto" {
		t.Fatalf("File().Path() = %s", s.File().Path())
	}
	var order []string
	for _, fdp := range s.FileDescriptorProtos() {
		order = append(order, fdp.GetName())
	}
	wantOrder := []string{"shop/currency.proto", "shop/money.proto", "google/protobuf/timestamp.proto", "schema.proto"}
	if !slices.Equal(order, wantOrder) {
		t.Fatalf("FileDescriptorProtos order %v, want %v", order, wantOrder)
	}
	if got := s.Message().ParentFile().SourceLocations().ByDescriptor(s.Message()).LeadingComments; got != " An order.\n" {
		t.Fatalf("leading comment of Order = %q, want it kept for code generation", got)
	}
}

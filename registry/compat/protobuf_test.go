package compat_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// TestProtobufFindings checks what a finding says: rule, dotted path,
// position in the reader's source, and message. Every difference type has a
// case in TestConformanceProtobufRules; these check the details.
func TestProtobufFindings(t *testing.T) {
	tests := []struct {
		name   string
		reader string
		writer string
		want   []string // "RULE path:line:col: message substring"
	}{
		{
			name:   "scalar kind changed points at the reader's field",
			reader: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  string total = 1;\n}\n",
			writer: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  int64 total = 1;\n}\n",
			want:   []string{`FIELD_SCALAR_KIND_CHANGED acme.Order.total:4:3: field "total" (1) changed type between int64 in the writer's schema and string in the reader's`},
		},
		{
			name:   "package changed points at the package statement",
			reader: "syntax = \"proto3\";\npackage acme.v2;\nmessage Order {}\n",
			writer: "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {}\n",
			want:   []string{`PACKAGE_CHANGED acme.v2:2:1: package changed from "acme.v1" in the writer's schema to "acme.v2" in the reader's`},
		},
		{
			name:   "removed message has no position in the reader",
			reader: "syntax = \"proto3\";\npackage acme;\nmessage Order {}\n",
			writer: "syntax = \"proto3\";\npackage acme;\nmessage Order {}\nmessage Item {}\n",
			want:   []string{`MESSAGE_REMOVED acme.Item:0:0: message "acme.Item" is in the writer's schema but not in the reader's`},
		},
		{
			name:   "removed required field points at its message",
			reader: "syntax = \"proto2\";\npackage acme;\nmessage Order {\n  optional int32 a = 1;\n}\n",
			writer: "syntax = \"proto2\";\npackage acme;\nmessage Order {\n  optional int32 a = 1;\n  required int32 b = 2;\n}\n",
			want:   []string{`REQUIRED_FIELD_REMOVED acme.Order.b:3:1: required field "b" (2) is in the writer's schema but not in the reader's`},
		},
		{
			name:   "nested message field",
			reader: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  message Item {\n    repeated int32 qty = 1;\n  }\n}\n",
			writer: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  message Item {\n    int32 qty = 1;\n  }\n}\n",
			want:   []string{`FIELD_NUMERIC_LABEL_CHANGED acme.Order.Item.qty:5:5: field "qty" (1) is optional in the writer's schema and repeated in the reader's`},
		},
		{
			name:   "map value kind changed",
			reader: "syntax = \"proto3\";\npackage acme;\nmessage V {}\nmessage Order {\n  map<string, V> m = 1;\n}\n",
			writer: "syntax = \"proto3\";\npackage acme;\nmessage V {}\nmessage Order {\n  map<string, int32> m = 1;\n}\n",
			want:   []string{`FIELD_KIND_CHANGED acme.Order.m:5:3: field "m" (1) map value is a scalar (int32) in the writer's schema and a message (acme.V) in the reader's`},
		},
		{
			name:   "compatible differences are not findings",
			reader: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  string name = 2;\n  int64 id = 3;\n}\nenum E { X = 0; }\n",
			writer: "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  string title = 2;\n  int32 id = 3;\n  bytes gone = 4;\n}\n",
		},
		{
			name:   "same file, no findings",
			reader: "syntax = \"proto3\";\nmessage M { oneof o { string a = 1; } }\n",
			writer: "syntax = \"proto3\";\nmessage M { oneof o { string a = 1; } }\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), protoText(tc.reader), protoText(tc.writer), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != len(tc.want) {
				t.Fatalf("got %v, want %v", fs, tc.want)
			}
			for i, f := range fs {
				got := f.Rule + " " + f.Path + ":" + itoa(f.Line) + ":" + itoa(f.Col) + ": " + f.Message
				if !strings.HasPrefix(got, tc.want[i]) {
					t.Errorf("finding %d:\n got %s\nwant %s...", i, got, tc.want[i])
				}
			}
		})
	}
}

func protoText(s string) serde.Schema { return serde.Schema{Format: serde.Protobuf, Text: s} }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestProtobufLevels checks all seven levels on a 3-version history where
// each step is compatible but the first and the next version are not: v1 has
// int32 a = 1, v2 and v3 removed it, and next adds string a = 1 again. Only
// the transitive levels see v1.
func TestProtobufLevels(t *testing.T) {
	v := func(body string) serde.Schema {
		return protoText("syntax = \"proto3\";\npackage acme;\nmessage Order {\n  int64 id = 2;\n" + body + "}\n")
	}
	hist := []compat.Version{{Version: 1, Schema: v("  int32 a = 1;\n")}, {Version: 2, Schema: v("")}, {Version: 3, Schema: v("")}}
	next := v("  string a = 1;\n")
	tests := []struct {
		level compat.Level
		want  bool
	}{
		{compat.None, true},
		{compat.Backward, true},
		{compat.BackwardTransitive, false},
		{compat.Forward, true},
		{compat.ForwardTransitive, false},
		{compat.Full, true},
		{compat.FullTransitive, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.level), func(t *testing.T) {
			res, err := compat.Check(context.Background(), tc.level, next, hist, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Compatible != tc.want {
				t.Fatalf("compatible = %v, want %v: %v", res.Compatible, tc.want, res.Findings)
			}
			for _, f := range res.Findings {
				if f.Version != 1 || f.Rule != "FIELD_SCALAR_KIND_CHANGED" {
					t.Errorf("finding %+v, want FIELD_SCALAR_KIND_CHANGED against version 1", f)
				}
			}
		})
	}
	// A different schema type fails every level but NONE.
	res, err := compat.Check(context.Background(), compat.Backward, avroText(`"int"`), hist, nil)
	if err != nil || res.Compatible || res.Findings[0].Rule != "SCHEMA_TYPE_CHANGED" {
		t.Fatalf("schema type change: %v %v", res, err)
	}
}

// TestProtobufErrors checks that bad text, missing imports and text over the
// limits are errors, not findings.
func TestProtobufErrors(t *testing.T) {
	good := protoText(`syntax = "proto3"; message M { string a = 1; }`)
	nest := func(n int) string {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\n")
		for i := range n {
			b.WriteString("message M" + itoa(i) + " {\n")
		}
		b.WriteString("string a = 1;\n")
		b.WriteString(strings.Repeat("}\n", n))
		return b.String()
	}
	tests := []struct {
		name   string
		reader serde.Schema
		writer serde.Schema
		want   error
	}{
		{"syntax error", protoText(`syntax = "proto3"; message M { string a = }`), good, serde.ErrSchema},
		{"unknown type", good, protoText(`syntax = "proto3"; message M { Missing a = 1; }`), serde.ErrSchema},
		{"missing import", protoText(`syntax = "proto3"; import "x.proto"; message M { string a = 1; }`), good, serde.ErrReference},
		{"too big", protoText(`syntax = "proto3"; // ` + strings.Repeat("x", 2<<20) + "\nmessage M {}"), good, serde.ErrLimit},
		{"nested too deep", protoText(nest(120)), protoText(nest(120)), serde.ErrLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compat.CanRead(context.Background(), tc.reader, tc.writer, serde.MapResolver{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Nesting within the limit is fine.
	fs, err := compat.CanRead(context.Background(), protoText(nest(31)), protoText(nest(31)), nil)
	if err != nil || len(fs) != 0 {
		t.Fatalf("nest(31): %v %v", fs, err)
	}
}

// FuzzCanReadProtobuf checks that no .proto text makes the checker panic,
// and that a file that compiles can always read its own data.
func FuzzCanReadProtobuf(f *testing.F) {
	f.Add(`syntax = "proto3"; message M { string a = 1; }`, `syntax = "proto3"; message M { int32 a = 1; }`)
	f.Add(`syntax = "proto3"; message M { oneof o { string a = 1; int32 b = 2; } }`, `syntax = "proto3"; message M { string a = 1; int32 b = 2; }`)
	f.Fuzz(func(t *testing.T, reader, writer string) {
		ctx := context.Background()
		_, _ = compat.CanRead(ctx, protoText(reader), protoText(writer), nil)
		fs, err := compat.CanRead(ctx, protoText(reader), protoText(reader), nil)
		if err == nil && len(fs) > 0 {
			t.Fatalf("schema cannot read itself: %v", fs)
		}
	})
}

// TestProtobufEnumOnlyFile checks that a file of enums only, such as a
// shared dependency registered under its own subject, is checked like any
// other.
func TestProtobufEnumOnlyFile(t *testing.T) {
	v1 := protoText("syntax = \"proto3\";\npackage acme;\nenum Status {\n  UNKNOWN = 0;\n  ACTIVE = 1;\n}\n")
	v2 := protoText("syntax = \"proto3\";\npackage acme;\nenum Status {\n  UNKNOWN = 0;\n  ACTIVE = 1;\n  GONE = 2;\n}\n")
	v3 := protoText("syntax = \"proto3\";\npackage acme.v2;\nenum Status {\n  UNKNOWN = 0;\n}\n")
	ctx := context.Background()
	if fs, err := compat.CanRead(ctx, v2, v1, nil); err != nil || len(fs) != 0 {
		t.Fatalf("enum value added: %v %v", fs, err)
	}
	fs, err := compat.CanRead(ctx, v3, v1, nil)
	if err != nil || len(fs) != 1 || fs[0].Rule != "PACKAGE_CHANGED" || fs[0].Line != 2 {
		t.Fatalf("package changed: %v %v", fs, err)
	}
}

// BenchmarkCanReadProtobufWide checks a message of 5000 fields against a copy
// with one field more.
func BenchmarkCanReadProtobufWide(b *testing.B) {
	fields := func(n int) serde.Schema {
		var sb strings.Builder
		sb.WriteString("syntax = \"proto3\";\npackage acme;\nmessage Wide {\n")
		for i := range n {
			sb.WriteString("  int64 f" + itoa(i+1) + " = " + itoa(i+1) + ";\n")
		}
		sb.WriteString("}\n")
		return protoText(sb.String())
	}
	reader, writer := fields(5001), fields(5000)
	ctx := context.Background()
	for b.Loop() {
		if fs, err := compat.CanRead(ctx, reader, writer, nil); err != nil || len(fs) != 0 {
			b.Fatal(fs, err)
		}
	}
}

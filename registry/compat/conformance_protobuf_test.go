package compat_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/compat/internal/protocompat"
	"github.com/schemagen/schemagen/serde"
)

// proto3 wraps a body in a proto3 file of package test, unless the body
// declares its own syntax.
func proto3(body string) serde.Schema {
	if !strings.HasPrefix(strings.TrimSpace(body), "syntax") && !strings.HasPrefix(strings.TrimSpace(body), "edition") {
		body = "syntax = \"proto3\";\npackage test;\n" + body
	}
	return serde.Schema{Format: serde.Protobuf, Text: body}
}

// protoRuleCase is one change described in Confluent's Protobuf rules
// (conformance/protobuf-rules.md): the original (old, writer) and update
// (new, reader) files, the differences the diff must list (as a multiset)
// and the BACKWARD verdict.
type protoRuleCase struct {
	name       string
	original   string
	update     string
	refs       map[string]serde.Schema // imports by path, for both sides unless updateRefs is set
	updateRefs map[string]serde.Schema // the update's imports
	want       []string
	compatible bool
}

// protoRuleCases encodes every row of the difference-type table in
// protobuf-rules.md §2 and the algorithm details of §3. Case numbers in names
// refer to the rows' example indexes in Confluent's diff-schema-examples.json.
var protoRuleCases = []protoRuleCase{
	{name: "field added (case 0)", original: `message M { string a = 1; }`, update: `message M { string a = 1; int32 b = 2; }`, want: []string{"FIELD_ADDED"}, compatible: true},
	{name: "package changed (case 1)", original: `syntax = "proto3"; package a; message M { string a = 1; }`, update: `syntax = "proto3"; package b; message M { string a = 1; }`, want: []string{"PACKAGE_CHANGED"}},
	{name: "package added", original: `syntax = "proto3"; message M { string a = 1; }`, update: `syntax = "proto3"; package b; message M { string a = 1; }`, want: []string{"PACKAGE_CHANGED"}},
	{name: "qualified and unqualified type names are equal (cases 2, 3, 28)", original: `message N { string x = 1; } message M { N a = 1; }`, update: `message N { string x = 1; } message M { .test.N a = 1; }`, want: nil, compatible: true},
	{name: "required field added (case 5)", original: `syntax = "proto2"; package test; message M { optional string a = 1; }`, update: `syntax = "proto2"; package test; message M { optional string a = 1; required int32 b = 2; }`, want: []string{"REQUIRED_FIELD_ADDED"}},
	{name: "field removed without reserved (case 7)", original: `message M { string a = 1; int32 b = 2; }`, update: `message M { string a = 1; }`, want: []string{"FIELD_REMOVED"}, compatible: true},
	{name: "required field removed (case 8)", original: `syntax = "proto2"; package test; message M { optional string a = 1; required int32 b = 2; }`, update: `syntax = "proto2"; package test; message M { optional string a = 1; }`, want: []string{"REQUIRED_FIELD_REMOVED"}},
	{name: "field number changed is remove plus add (case 9)", original: `message M { string a = 1; }`, update: `message M { string a = 2; }`, want: []string{"FIELD_REMOVED", "FIELD_ADDED"}, compatible: true},
	{name: "int32 to int64 stays in its group (case 10)", original: `message M { int32 a = 1; }`, update: `message M { int64 a = 1; }`, compatible: true},
	{name: "uint64 to bool stays in its group (case 11)", original: `message M { uint64 a = 1; }`, update: `message M { bool a = 1; }`, compatible: true},
	{name: "int to enum (case 12)", original: `message M { int32 a = 1; }`, update: `enum E { E0 = 0; } message M { E a = 1; }`, want: []string{"ENUM_ADDED"}, compatible: true},
	{name: "enum to int (case 13)", original: `enum E { E0 = 0; } message M { E a = 1; }`, update: `message M { int32 a = 1; }`, want: []string{"ENUM_REMOVED"}, compatible: true},
	{name: "int to message (case 14)", original: `message M { int32 a = 1; }`, update: `message E { string x = 1; } message M { E a = 1; }`, want: []string{"MESSAGE_ADDED", "FIELD_KIND_CHANGED", "MESSAGE_MOVED"}},
	{name: "message removed (case 15)", original: `message M { string a = 1; } message N { string b = 1; }`, update: `message M { string a = 1; }`, want: []string{"MESSAGE_REMOVED"}},
	{name: "message added", original: `message M { string a = 1; }`, update: `message M { string a = 1; } message N { string b = 1; }`, want: []string{"MESSAGE_ADDED"}, compatible: true},
	{name: "nested message removed", original: `message M { message N { string b = 1; } string a = 1; }`, update: `message M { string a = 1; }`, want: []string{"MESSAGE_REMOVED"}},
	{name: "enum constant renamed (case 16)", original: `enum E { A = 0; B = 1; } message M { E a = 1; }`, update: `enum E { A = 0; C = 1; } message M { E a = 1; }`, want: []string{"ENUM_CONST_CHANGED"}, compatible: true},
	{name: "enum constant added", original: `enum E { A = 0; } message M { E a = 1; }`, update: `enum E { A = 0; B = 1; } message M { E a = 1; }`, want: []string{"ENUM_CONST_ADDED"}, compatible: true},
	{name: "enum constant removed", original: `enum E { A = 0; B = 1; } message M { E a = 1; }`, update: `enum E { A = 0; } message M { E a = 1; }`, want: []string{"ENUM_CONST_REMOVED"}, compatible: true},
	{name: "oneof added with a new field (case 17)", original: `message M { string a = 1; }`, update: `message M { string a = 1; oneof o { int32 b = 2; } }`, want: []string{"ONEOF_ADDED", "ONEOF_FIELD_ADDED"}, compatible: true},
	{name: "two fields moved into a new oneof (case 18)", original: `message M { string a = 1; int32 b = 2; }`, update: `message M { oneof o { string a = 1; int32 b = 2; int64 c = 3; } }`, want: []string{"ONEOF_ADDED", "ONEOF_FIELD_ADDED", "MULTIPLE_FIELDS_MOVED_TO_ONEOF"}},
	{name: "field added to an existing oneof (case 19)", original: `message M { oneof o { string a = 1; } }`, update: `message M { oneof o { string a = 1; int32 b = 2; } }`, want: []string{"ONEOF_FIELD_ADDED"}, compatible: true},
	{name: "oneof field removed (case 20)", original: `message M { oneof o { string a = 1; int32 b = 2; } }`, update: `message M { oneof o { string a = 1; } }`, want: []string{"ONEOF_FIELD_REMOVED"}},
	{name: "one field moved into a new oneof (case 21)", original: `message M { string a = 1; }`, update: `message M { oneof o { string a = 1; } }`, want: []string{"ONEOF_ADDED"}, compatible: true},
	{name: "field moved into an existing oneof (case 22)", original: `message M { int32 b = 2; oneof o { string a = 1; } }`, update: `message M { oneof o { string a = 1; int32 b = 2; } }`, want: []string{"FIELD_MOVED_TO_EXISTING_ONEOF"}},
	{name: "two oneofs merged (case 23)", original: `message M { oneof o { string a = 1; } oneof p { int32 b = 2; } }`, update: `message M { oneof q { string a = 1; int32 b = 2; } }`, want: []string{"ONEOF_REMOVED", "ONEOF_REMOVED", "ONEOF_ADDED", "FIELD_MOVED_TO_EXISTING_ONEOF"}},
	{name: "oneof renamed", original: `message M { oneof o { string a = 1; int32 b = 2; } }`, update: `message M { oneof p { string a = 1; int32 b = 2; } }`, want: []string{"ONEOF_REMOVED", "ONEOF_ADDED"}, compatible: true},
	{name: "field renamed (case 25)", original: `message M { string a = 1; }`, update: `message M { string b = 1; }`, want: []string{"FIELD_NAME_CHANGED"}, compatible: true},
	{name: "field renamed and scalar kind changed (case 27)", original: `message M { string a = 1; }`, update: `message M { int32 b = 1; }`, want: []string{"FIELD_NAME_CHANGED", "FIELD_SCALAR_KIND_CHANGED"}},
	{name: "label change on a message field (case 29)", original: `message N { string x = 1; } message M { N a = 1; }`, update: `message N { string x = 1; } message M { repeated N a = 1; }`, compatible: true},
	{name: "string made repeated (case 30)", original: `message M { string a = 1; }`, update: `message M { repeated string a = 1; }`, want: []string{"FIELD_STRING_OR_BYTES_LABEL_CHANGED"}, compatible: true},
	{name: "repeated bytes made singular (case 31)", original: `message M { repeated bytes a = 1; }`, update: `message M { bytes a = 1; }`, want: []string{"FIELD_STRING_OR_BYTES_LABEL_CHANGED"}, compatible: true},
	{name: "int32 made repeated (case 32)", original: `message M { int32 a = 1; }`, update: `message M { repeated int32 a = 1; }`, want: []string{"FIELD_NUMERIC_LABEL_CHANGED"}},
	{name: "enum made repeated", original: `enum E { A = 0; } message M { E a = 1; }`, update: `enum E { A = 0; } message M { repeated E a = 1; }`, want: []string{"FIELD_NUMERIC_LABEL_CHANGED"}},
	{name: "bool made required (proto2)", original: `syntax = "proto2"; package test; message M { optional bool a = 1; }`, update: `syntax = "proto2"; package test; message M { required bool a = 1; }`, want: []string{"FIELD_NUMERIC_LABEL_CHANGED"}},
	{name: "messages reordered (cases 34, 35)", original: `message A { string a = 1; } message B { string b = 1; }`, update: `message B { string b = 1; } message A { string a = 1; }`, want: []string{"MESSAGE_MOVED", "MESSAGE_MOVED"}, compatible: true},
	{name: "message added before another (case 33)", original: `message A { string a = 1; }`, update: `message B { string b = 1; } message A { string a = 1; }`, want: []string{"MESSAGE_ADDED", "MESSAGE_MOVED"}, compatible: true},
	{name: "enums do not count for message positions", original: `message A { string a = 1; }`, update: `enum E { X = 0; } message A { string a = 1; }`, want: []string{"ENUM_ADDED"}, compatible: true},
	{name: "changed body of an imported type (cases 36, 41, 42)",
		original: `import "dep.proto"; message M { Dep d = 1; }`, update: `import "dep.proto"; message M { Dep d = 1; }`,
		refs:       map[string]serde.Schema{"dep.proto": proto3(`message Dep { string x = 1; }`)},
		updateRefs: map[string]serde.Schema{"dep.proto": proto3(`message Dep { int32 x = 1; }`)},
		want:       []string{"FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"}},
	{name: "compatible change in an imported type",
		original: `import "dep.proto"; message M { Dep d = 1; }`, update: `import "dep.proto"; message M { Dep d = 1; }`,
		refs:       map[string]serde.Schema{"dep.proto": proto3(`message Dep { string x = 1; }`)},
		updateRefs: map[string]serde.Schema{"dep.proto": proto3(`message Dep { string x = 1; int32 y = 2; }`)},
		want:       []string{"FIELD_ADDED"}, compatible: true},
	{name: "imported type from another package with the same local name (cases 39, 40)",
		original: `import "a.proto"; message M { a.Dep d = 1; }`, update: `import "b.proto"; message M { b.Dep d = 1; }`,
		refs: map[string]serde.Schema{
			"a.proto": {Format: serde.Protobuf, Text: `syntax = "proto3"; package a; message Dep { string x = 1; }`},
			"b.proto": {Format: serde.Protobuf, Text: `syntax = "proto3"; package b; message Dep { string x = 1; }`},
		},
		compatible: true},
	{name: "imported type renamed", original: `import "dep.proto"; message M { Dep d = 1; }`, update: `import "dep.proto"; message M { Dep2 d = 1; }`,
		refs:       map[string]serde.Schema{"dep.proto": proto3(`message Dep { string x = 1; }`)},
		updateRefs: map[string]serde.Schema{"dep.proto": proto3(`message Dep2 { string x = 1; }`)},
		want:       []string{"FIELD_NAMED_TYPE_CHANGED"}},
	{name: "local named type changed", original: `message A { string x = 1; } message B { string x = 1; } message M { A f = 1; }`, update: `message A { string x = 1; } message B { string x = 1; } message M { B f = 1; }`, want: []string{"FIELD_NAMED_TYPE_CHANGED"}},
	{name: "local type body changed is reported where it is declared", original: `message A { string x = 1; } message M { A f = 1; }`, update: `message A { int32 x = 1; } message M { A f = 1; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "scalar groups: sint32 is not int32 (case 43)", original: `message M { int32 a = 1; }`, update: `message M { sint32 a = 1; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "scalar groups: fixed32 and sfixed32", original: `message M { fixed32 a = 1; }`, update: `message M { sfixed32 a = 1; }`, compatible: true},
	{name: "scalar groups: fixed64 and sfixed64", original: `message M { sfixed64 a = 1; }`, update: `message M { fixed64 a = 1; }`, compatible: true},
	{name: "scalar groups: fixed32 is not fixed64", original: `message M { fixed32 a = 1; }`, update: `message M { fixed64 a = 1; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "scalar groups: float is not double", original: `message M { float a = 1; }`, update: `message M { double a = 1; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "scalar groups: string and bytes", original: `message M { string a = 1; }`, update: `message M { bytes a = 1; }`, compatible: true},
	{name: "scalar groups: sint64 and sint32", original: `message M { sint64 a = 1; }`, update: `message M { sint32 a = 1; }`, compatible: true},
	{name: "oneof fields moved to top level (cases 44, 52, 53)", original: `message M { oneof o { string a = 1; int32 b = 2; } }`, update: `message M { string a = 1; int32 b = 2; }`, want: []string{"ONEOF_REMOVED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"}, compatible: true},
	{name: "oneof dissolved, one field dropped (case 51)", original: `message M { oneof o { string a = 1; int32 b = 2; } }`, update: `message M { string a = 1; }`, want: []string{"ONEOF_REMOVED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "ONEOF_FIELD_REMOVED"}},
	{name: "whole oneof deleted", original: `message M { string c = 3; oneof o { string a = 1; int32 b = 2; } }`, update: `message M { string c = 3; }`, want: []string{"ONEOF_REMOVED"}, compatible: true},
	{name: "field moved between oneofs (case 47)", original: `message M { oneof o { string a = 1; } oneof p { int32 b = 2; } }`, update: `message M { oneof o { string a = 1; int32 b = 2; } }`, want: []string{"ONEOF_REMOVED", "FIELD_MOVED_TO_EXISTING_ONEOF"}},
	{name: "map field added is not a message added", original: `message M { string a = 1; }`, update: `message M { string a = 1; map<string, int32> m = 2; }`, want: []string{"FIELD_ADDED"}, compatible: true},
	{name: "map value scalar kind changed", original: `message M { map<string, int32> m = 1; }`, update: `message M { map<string, string> m = 1; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "map value within its group", original: `message M { map<string, int32> m = 1; }`, update: `message M { map<string, int64> m = 1; }`, compatible: true},
	{name: "map to repeated message", original: `message M { map<string, int32> m = 1; }`, update: `message E { string key = 1; int32 value = 2; } message M { repeated E m = 1; }`, want: []string{"MESSAGE_ADDED", "MESSAGE_MOVED", "FIELD_KIND_CHANGED"}},
	{name: "recursive message", original: `message Node { Node next = 1; int32 v = 2; }`, update: `message Node { Node next = 1; string v = 2; }`, want: []string{"FIELD_SCALAR_KIND_CHANGED"}},
	{name: "recursive imported message", original: `import "dep.proto"; message M { Node n = 1; }`, update: `import "dep.proto"; message M { Node n = 1; }`,
		refs:       map[string]serde.Schema{"dep.proto": proto3(`message Node { Node next = 1; int32 v = 2; }`)},
		updateRefs: map[string]serde.Schema{"dep.proto": proto3(`message Node { Node next = 1; int64 v = 2; int32 w = 3; }`)},
		want:       []string{"FIELD_ADDED"}, compatible: true},
	{name: "proto3 optional is the same label as implicit", original: `message M { int32 a = 1; }`, update: `message M { optional int32 a = 1; }`, compatible: true},
	{name: "reusing a number the original reserved (reserved ranges take no part in the diff)", original: `message M { reserved 2; string a = 1; }`, update: `message M { string a = 1; int64 b = 2; }`, want: []string{"FIELD_ADDED"}, compatible: true},
	{name: "reserved statement not needed", original: `message M { string a = 1; int32 b = 2; }`, update: `message M { reserved 2; string a = 1; }`, want: []string{"FIELD_REMOVED"}, compatible: true},
}

// schemas builds the two sides. The original's imports are registered as
// version 1 of their subject; the update's as version 2 when updateRefs
// differs, so one resolver, keyed by name and version, serves both.
func (c protoRuleCase) schemas() (orig, upd serde.Schema, r serde.Resolver) {
	orig, upd = proto3(c.original), proto3(c.update)
	byKey := map[string]serde.Schema{}
	for name, s := range c.refs {
		byKey[name+"@1"] = s
		orig.References = append(orig.References, serde.Reference{Name: name, Subject: name, Version: 1})
	}
	updRefs, version := c.refs, 1
	if c.updateRefs != nil {
		updRefs, version = c.updateRefs, 2
	}
	for name, s := range updRefs {
		byKey[name+"@"+strconv.Itoa(version)] = s
		upd.References = append(upd.References, serde.Reference{Name: name, Subject: name, Version: version})
	}
	r = serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		s, ok := byKey[ref.Name+"@"+strconv.Itoa(ref.Version)]
		if !ok {
			return serde.Schema{}, fmt.Errorf("%w: %q v%d", serde.ErrReference, ref.Name, ref.Version)
		}
		return s, nil
	})
	return orig, upd, r
}

// TestConformanceProtobufRules checks each case's differences and its
// BACKWARD verdict, and that FORWARD runs the same diff with the sides
// swapped.
func TestConformanceProtobufRules(t *testing.T) {
	rate := passRate{source: "protobuf-rules.md", mustPassAll: true}
	for _, c := range protoRuleCases {
		rate.total++
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			orig, upd, r := c.schemas()
			diffs, err := protocompat.DiffSchemas(ctx, orig, upd, r)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diffs {
				got = append(got, d.Rule)
			}
			want := slices.Clone(c.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("differences %v, want %v\n%v", got, want, diffs)
				return
			}
			// BACKWARD: the new schema reads the old one's data.
			fs, err := protocompat.CanRead(ctx, upd, orig, r)
			if err != nil {
				t.Fatal(err)
			}
			if (len(fs) == 0) != c.compatible {
				t.Errorf("backward compatible = %v, want %v: %v", len(fs) == 0, c.compatible, fs)
				return
			}
			rate.pass++
		})
	}
	rate.check(t)
}

// TestConformanceKarapaceProtobuf runs Karapace's protopace fixtures:
// changing `int32 foo = 5` to `string foo = 5` is incompatible both ways.
func TestConformanceKarapaceProtobuf(t *testing.T) {
	const dir = "testdata/karapace/go/protopace/fixtures/"
	read := func(name string) string {
		b, err := os.ReadFile(dir + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	deps := serde.MapResolver{"my/awesome/customer/v1/nested_value.proto": {Format: serde.Protobuf, Text: read("dependency.proto")}}
	prev := serde.Schema{Format: serde.Protobuf, Text: read("test_previous.proto")}
	next := serde.Schema{Format: serde.Protobuf, Text: read("test.proto")}
	rate := passRate{source: "karapace protopace fixtures", mustPassAll: true}
	for _, c := range []struct {
		name           string
		reader, writer serde.Schema
		wantRule       string
	}{
		{name: "backward", reader: next, writer: prev, wantRule: "FIELD_SCALAR_KIND_CHANGED"},
		{name: "forward", reader: prev, writer: next, wantRule: "FIELD_SCALAR_KIND_CHANGED"},
		{name: "unchanged", reader: prev, writer: prev},
	} {
		rate.total++
		t.Run(c.name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), c.reader, c.writer, deps)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Rule)
			}
			var want []string
			if c.wantRule != "" {
				want = []string{c.wantRule}
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings %v, want %v", fs, want)
				return
			}
			if c.wantRule != "" && fs[0].Path != "my.awesome.customer.v1.EventValue.foo" {
				t.Errorf("path %q", fs[0].Path)
			}
			rate.pass++
		})
	}
	rate.check(t)
}

// TestProtobufDivergences lists the cases where another implementation's
// tests expect a different answer from Confluent's rules, and asserts
// schemagen's (Confluent's) answer. docs/COMPATIBILITY.md (Protobuf) explains each.
func TestProtobufDivergences(t *testing.T) {
	tests := []struct {
		name     string
		original string
		update   string
		others   string // what the other implementation expects
		want     bool   // schemagen's BACKWARD verdict
	}{
		{
			name:     "package change",
			original: `syntax = "proto3"; package a; message M { string a = 1; }`,
			update:   `syntax = "proto3"; package b; message M { string a = 1; }`,
			others:   "Karapace test_compatibility_package: compatible; Confluent case 1: PACKAGE_CHANGED, incompatible",
			want:     false,
		},
		{
			name:     "field number change",
			original: `syntax = "proto3"; message M { string a = 1; }`,
			update:   `syntax = "proto3"; message M { string a = 2; }`,
			others:   "Karapace test_compatibility_field_tag_change: incompatible; Confluent case 9: FIELD_REMOVED + FIELD_ADDED, compatible",
			want:     true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), proto3(tc.update), proto3(tc.original), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(fs) == 0; got != tc.want {
				t.Errorf("compatible = %v, want %v (%s): %v", got, tc.want, tc.others, fs)
			}
		})
	}
}

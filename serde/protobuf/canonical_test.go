package protobuf

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/schemagen/schemagen/serde"
)

type karapacePairs struct {
	Pairs []struct {
		AName string `json:"a_name"`
		BName string `json:"b_name"`
		A     string `json:"a"`
		B     string `json:"b"`
	} `json:"ordered_unordered_pairs"`
	Schemas map[string]string `json:"name_resolution_schemas"`
}

func loadKarapace(t *testing.T) karapacePairs {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "karapace", "protobuf-normalization-pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var k karapacePairs
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	return k
}

func compileWith(t *testing.T, text string, r serde.Resolver) *Schema {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, r)
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, text)
	}
	return s
}

// checkCanonical asserts that the canonical text compiles, is a fixed point,
// and describes the same file as the original.
func checkCanonical(t *testing.T, s *Schema, r serde.Resolver) {
	t.Helper()
	c := s.Canonical()
	again := compileWith(t, c, r)
	if c2 := again.Canonical(); c2 != c {
		t.Fatalf("canonical text is not a fixed point:\n--- first\n%s\n--- second\n%s", c, c2)
	}
	if a, b := comparable(s), comparable(again); !proto.Equal(a, b) {
		t.Fatalf("canonical text describes another file:\n%v\n%v", a, b)
	}
}

// comparable is the file descriptor without what the printer may change:
// source info, declaration order of fields and imports.
func comparable(s *Schema) *descriptorpb.FileDescriptorProto {
	fdp := protodesc.ToFileDescriptorProto(s.File())
	fdp.SourceCodeInfo = nil
	fdp.PublicDependency, fdp.WeakDependency = nil, nil
	slices.Sort(fdp.Dependency)
	var sortMsg func(m *descriptorpb.DescriptorProto)
	sortMsg = func(m *descriptorpb.DescriptorProto) {
		slices.SortFunc(m.Field, func(a, b *descriptorpb.FieldDescriptorProto) int { return int(a.GetNumber() - b.GetNumber()) })
		slices.SortFunc(m.ReservedRange, func(a, b *descriptorpb.DescriptorProto_ReservedRange) int { return int(a.GetStart() - b.GetStart()) })
		slices.Sort(m.ReservedName)
		for _, n := range m.NestedType {
			sortMsg(n)
		}
		m.Extension = nil
	}
	for _, m := range fdp.MessageType {
		sortMsg(m)
	}
	slices.SortFunc(fdp.Extension, func(a, b *descriptorpb.FieldDescriptorProto) int {
		if c := strings.Compare(a.GetExtendee(), b.GetExtendee()); c != 0 {
			return c
		}
		return int(a.GetNumber() - b.GetNumber())
	})
	return fdp
}

func TestCanonicalKarapacePairs(t *testing.T) {
	k := loadKarapace(t)
	if len(k.Pairs) != 12 {
		t.Fatalf("want 12 pairs, got %d", len(k.Pairs))
	}
	for _, pr := range k.Pairs {
		t.Run(pr.AName, func(t *testing.T) {
			a, b := compileWith(t, pr.A, nil), compileWith(t, pr.B, nil)
			if a.Canonical() != b.Canonical() {
				t.Fatalf("%s and %s normalize differently:\n--- a\n%s\n--- b\n%s", pr.AName, pr.BName, a.Canonical(), b.Canonical())
			}
			checkCanonical(t, a, nil)
		})
	}
}

func TestCanonicalNameResolution(t *testing.T) {
	k := loadKarapace(t)
	r := serde.MapResolver{
		"my/awesome/customer/v1/nested_value.proto":     {Text: k.Schemas["DEPENDENCY"]},
		"org/my/awesome/customer/v1/nested_value.proto": {Text: k.Schemas["TRICKY_DEPENDENCY"]},
	}
	full := compileWith(t, k.Schemas["PROTO_WITH_FULLY_QUALIFIED_PATHS"], r)
	simple := compileWith(t, k.Schemas["PROTO_WITH_SIMPLE_NAMES"], r)
	if full.Canonical() != simple.Canonical() {
		t.Fatalf("fully qualified and simple names normalize differently:\n%s\n%s", full.Canonical(), simple.Canonical())
	}
	// Confluent's form: references fully qualified with a leading dot
	// (Karapace would write simple names).
	for _, want := range []string{".my.awesome.customer.v1.NestedValue nested_value = 1;", ".google.protobuf.Timestamp created_at = 2;"} {
		if !strings.Contains(full.Canonical(), want) {
			t.Errorf("canonical text lacks %q:\n%s", want, full.Canonical())
		}
	}
	tricky := compileWith(t, k.Schemas["PROTO_WITH_FULLY_QUALIFIED_PATHS_AND_TRICKY_DEPENDENCY"], r)
	if !strings.Contains(tricky.Canonical(), ".my.awesome.customer.v1.NestedValue nested_value = 1;") {
		t.Errorf("tricky dependency: reference not kept fully qualified:\n%s", tricky.Canonical())
	}
	checkCanonical(t, full, r)
	checkCanonical(t, tricky, r)
}

func TestCanonicalForms(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{
			name: "field order, comments, whitespace, import order",
			a: `syntax = "proto3";
package p;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
// A message.
message M {
  google.protobuf.Duration d = 2; // trailing
  google.protobuf.Timestamp t = 1;
}`,
			b: `syntax="proto3";package p;import "google/protobuf/duration.proto";import "google/protobuf/timestamp.proto";
message M{.google.protobuf.Timestamp t=1;.google.protobuf.Duration d=2;}`,
		},
		{
			name: "proto2 features: required, defaults, groups, extensions, reserved",
			a: `syntax = "proto2";
package p2;
message M {
  reserved 10 to 12, 5;
  reserved "old", "older";
  extensions 100 to max;
  required string id = 1 [default = "a\"b\n"];
  optional double ratio = 2 [default = inf, deprecated = true];
  optional group G = 3 { optional int32 x = 1; }
  repeated int32 nums = 4 [packed = true];
  optional bytes raw = 6 [default = "\001\377"];
  optional E e = 7 [default = E_TWO];
  enum E { E_ONE = 1; E_TWO = 2; }
}
extend M { optional string note = 100; }`,
			b: `syntax = "proto2";
package p2;
extend M { optional string note = 100; }
message M {
  optional E e = 7 [default = E_TWO];
  enum E { E_ONE = 1; E_TWO = 2; }
  optional bytes raw = 6 [default = "\x01\xff"];
  repeated int32 nums = 4 [packed = true];
  optional group G = 3 { optional int32 x = 1; }
  optional double ratio = 2 [deprecated = true, default = inf];
  required string id = 1 [default = "a\"b\n"];
  extensions 100 to max;
  reserved "older", "old";
  reserved 5, 10 to 12;
}`,
		},
		{
			name: "proto3 optional, oneof, maps, json_name, nested and enums",
			a: `syntax = "proto3";
package q;
option go_package = "example.com/q";
option java_package = "com.example.q";
message Outer {
  optional string maybe = 3;
  oneof choice { string s = 4; int64 n = 5; }
  map<string, Inner> inners = 2;
  int32 plain = 1 [json_name = "Plain"];
  string snake_case = 6;
  message Inner { Kind kind = 1; }
  enum Kind { option allow_alias = true; KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_ALIAS = 1; }
}
service S { rpc Get (Outer) returns (stream Outer); }`,
			b: `syntax = "proto3";
package q;
option java_package = "com.example.q";
option go_package = "example.com/q";
service S { rpc Get (.q.Outer) returns (stream .q.Outer) {} }
message Outer {
  string snake_case = 6 [json_name = "snakeCase"];
  message Inner { Kind kind = 1; }
  oneof choice { int64 n = 5; string s = 4; }
  int32 plain = 1 [json_name = "Plain"];
  map<string, Inner> inners = 2;
  optional string maybe = 3;
  enum Kind { option allow_alias = true; KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_ALIAS = 1; }
}`,
		},
		{
			name: "editions",
			a: `edition = "2023";
package e;
option features.field_presence = IMPLICIT;
message M {
  string a = 1 [features.field_presence = EXPLICIT];
  reserved foo, bar;
  int32 b = 2;
}`,
			b: `edition = "2023";
package e;
option features = { field_presence: IMPLICIT };
message M {
  int32 b = 2;
  reserved bar, foo;
  string a = 1 [features = { field_presence: EXPLICIT }];
}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := compileWith(t, tt.a, nil), compileWith(t, tt.b, nil)
			if a.Canonical() != b.Canonical() {
				t.Fatalf("normalize differently:\n--- a\n%s\n--- b\n%s", a.Canonical(), b.Canonical())
			}
			checkCanonical(t, a, nil)
		})
	}
}

func TestCanonicalDiffers(t *testing.T) {
	a := compileWith(t, "syntax = \"proto3\";\nmessage M { int32 a = 1; }\n", nil)
	b := compileWith(t, "syntax = \"proto3\";\nmessage M { int64 a = 1; }\n", nil)
	if a.Canonical() == b.Canonical() {
		t.Fatalf("different schemas normalize alike:\n%s", a.Canonical())
	}
}

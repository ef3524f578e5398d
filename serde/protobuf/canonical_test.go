package protobuf

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

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

func compileWith(t *testing.T, text string, r serde.Resolver) *Compiled {
	t.Helper()
	s, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, r)
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, text)
	}
	return s
}

// checkCanonical asserts that the canonical text compiles, is a fixed point,
// and describes the same file as the original.
func checkCanonical(t *testing.T, s *Compiled, r serde.Resolver) {
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
func comparable(s *Compiled) *descriptorpb.FileDescriptorProto {
	fdp := protodesc.ToFileDescriptorProto(s.File())
	normalizeOptions(s, fdp.ProtoReflect())
	fdp.SourceCodeInfo = nil
	fdp.PublicDependency, fdp.WeakDependency = nil, nil
	slices.Sort(fdp.Dependency)
	var sortMsg func(m *descriptorpb.DescriptorProto)
	sortMsg = func(m *descriptorpb.DescriptorProto) {
		slices.SortFunc(m.Field, func(a, b *descriptorpb.FieldDescriptorProto) int { return cmp.Compare(a.GetNumber(), b.GetNumber()) })
		slices.SortFunc(m.ReservedRange, func(a, b *descriptorpb.DescriptorProto_ReservedRange) int {
			return cmp.Compare(a.GetStart(), b.GetStart())
		})
		slices.Sort(m.ReservedName)
		for _, n := range m.NestedType {
			sortMsg(n)
		}
		m.Extension = nil
	}
	for _, m := range fdp.MessageType {
		sortMsg(m)
	}
	var sortEnums func(es []*descriptorpb.EnumDescriptorProto, ms []*descriptorpb.DescriptorProto)
	sortEnums = func(es []*descriptorpb.EnumDescriptorProto, ms []*descriptorpb.DescriptorProto) {
		for _, e := range es {
			slices.SortFunc(e.ReservedRange, func(a, b *descriptorpb.EnumDescriptorProto_EnumReservedRange) int {
				return cmp.Compare(a.GetStart(), b.GetStart())
			})
			slices.Sort(e.ReservedName)
		}
		for _, m := range ms {
			sortEnums(m.EnumType, m.NestedType)
		}
	}
	sortEnums(fdp.EnumType, fdp.MessageType)
	slices.SortFunc(fdp.Extension, func(a, b *descriptorpb.FieldDescriptorProto) int {
		if c := strings.Compare(a.GetExtendee(), b.GetExtendee()); c != 0 {
			return c
		}
		return cmp.Compare(a.GetNumber(), b.GetNumber())
	})
	return fdp
}

// normalizeOptions rewrites every options message in m with its fields in
// number order (custom options resolved), so that option order does not
// count as a difference.
func normalizeOptions(s *Compiled, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind {
			return true
		}
		if fd.IsList() {
			for i := 0; i < v.List().Len(); i++ {
				normalizeOptions(s, v.List().Get(i).Message())
			}
			return true
		}
		sub := v.Message()
		if strings.HasSuffix(string(sub.Descriptor().FullName()), "Options") {
			dyn := dynamicpb.NewMessage(sub.Descriptor())
			b, _ := proto.Marshal(sub.Interface())
			if err := (proto.UnmarshalOptions{Resolver: s.Types()}).Unmarshal(b, dyn); err != nil {
				panic(err)
			}
			b, _ = proto.MarshalOptions{Deterministic: true}.Marshal(dyn)
			fresh := sub.Type().New()
			if err := proto.Unmarshal(b, fresh.Interface()); err != nil {
				panic(err)
			}
			m.Set(fd, protoreflect.ValueOfMessage(fresh))
			return true
		}
		normalizeOptions(s, sub)
		return true
	})
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
  map<string, Inner> inners = 2;
  message Inner { Kind kind = 1; }
  oneof choice { int64 n = 5; string s = 4; }
  int32 plain = 1 [json_name = "Plain"];
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
	tests := []struct {
		name string
		a, b string
	}{
		{name: "field type", a: "syntax = \"proto3\";\nmessage M { int32 a = 1; }\n", b: "syntax = \"proto3\";\nmessage M { int64 a = 1; }\n"},
		{name: "message order", a: "syntax = \"proto3\";\nmessage M {}\nmessage N {}\n", b: "syntax = \"proto3\";\nmessage N {}\nmessage M {}\n"},
		// The map entry is a nested type: declared before or after Inner,
		// it moves Inner's message index.
		{name: "map entry before nested message", a: "syntax = \"proto3\";\nmessage M { map<string, string> m = 1; message Inner {} }\n", b: "syntax = \"proto3\";\nmessage M { message Inner {} map<string, string> m = 1; }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := compileWith(t, tt.a, nil), compileWith(t, tt.b, nil)
			if a.Canonical() == b.Canonical() {
				t.Fatalf("different schemas normalize alike:\n%s", a.Canonical())
			}
		})
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	r := serde.MapResolver{
		"dep/pub.proto":  {Text: "syntax = \"proto3\";\npackage dep;\nmessage Pub { string s = 1; }\n"},
		"dep/weak.proto": {Text: "syntax = \"proto2\";\npackage dep;\nmessage Weak { optional string s = 1; }\n"},
	}
	tests := []struct {
		name string
		text string
		want []string // lines the canonical text must contain
	}{
		{
			name: "aggregate and repeated custom options",
			text: `syntax = "proto3";
package p;
import "google/protobuf/descriptor.proto";
message Opt { string a = 1; repeated int32 b = 2; Opt sub = 3; double d = 4; bytes raw = 5; }
extend google.protobuf.MessageOptions { Opt opt = 50000; repeated string tags = 50001; }
extend google.protobuf.FieldOptions { float weight = 50002; }
message M {
  option (tags) = "b";
  option (opt) = { a: "x\ty" b: [1, 2] sub { a: "y" } d: -inf raw: "\000\377" };
  option (tags) = "a";
  string f = 1 [(weight) = 0.5, deprecated = true];
}`,
			want: []string{`option (.p.tags) = "b";`, `option (.p.tags) = "a";`, `string f = 1 [(.p.weight) = 0.5, deprecated = true];`},
		},
		{
			name: "enum options, negative values, reserved",
			text: `syntax = "proto2";
package p;
enum E {
  option allow_alias = true;
  reserved 100 to max, 10 to 20, 5;
  reserved "GONE";
  NEG = -1 [deprecated = true];
  ZERO = 0;
  ALIAS = 0;
}
message M { optional E e = 1 [default = NEG]; }`,
			want: []string{"reserved 5, 10 to 20, 100 to max;", `reserved "GONE";`, "NEG = -1 [deprecated = true];"},
		},
		{
			name: "streaming, public and weak imports, nested extensions",
			text: `syntax = "proto2";
package p;
import public "dep/pub.proto";
import weak "dep/weak.proto";
message Base { extensions 10 to 20; }
message Holder {
  extend Base { optional int32 n = 10; repeated group G = 11 { optional string s = 1; } }
  optional dep.Pub pub = 1;
}
service S {
  rpc Both (stream Holder) returns (stream Holder);
  rpc In (stream Holder) returns (Holder) { option deprecated = true; }
}`,
			// protobuf-go no longer keeps weak imports: printed plain.
			want: []string{`import public "dep/pub.proto";`, `import "dep/weak.proto";`, "rpc Both (stream .p.Holder) returns (stream .p.Holder);", "extend .p.Base {", "repeated group G = 11 {"},
		},
		{
			name: "map entries and groups keep their place among nested types",
			text: `syntax = "proto2";
package p;
message M {
  message A { optional int32 x = 1; }
  map<string, A> by_name = 3;
  optional group G = 1 { optional string s = 1; }
  message B {}
  map<int32, string> by_id = 2;
  extend M { optional group XG = 100 { optional int32 y = 1; } }
  extensions 100 to 200;
  oneof choice { int32 plain = 4; group OG = 5 { optional int32 z = 1; } }
}
extend M { optional group TopG = 150 { optional int32 w = 1; } }
message After {}`,
		},
		{
			name: "editions required, delimited and closed enums",
			text: `edition = "2023";
package ed;
enum Closed { option features.enum_type = CLOSED; C_ONE = 1; }
message Rec {
  string s = 1;
  string loose = 2 [features.utf8_validation = NONE];
  int32 must = 3 [features.field_presence = LEGACY_REQUIRED];
  Inner inner = 4 [features.message_encoding = DELIMITED];
  Closed c = 5;
  repeated int32 unpacked = 6 [features.repeated_field_encoding = EXPANDED];
  message Inner { int32 x = 1; }
}`,
			want: []string{"int32 must = 3 [features = { field_presence: LEGACY_REQUIRED }];", "option features = { enum_type: CLOSED };"},
		},
		{
			name: "json_name equal to default is dropped",
			text: "syntax = \"proto3\";\nmessage M { string snake_name = 1 [json_name = \"snakeName\"]; string other = 2 [json_name = \"x_y\"]; }\n",
			want: []string{"string snake_name = 1;", `string other = 2 [json_name = "x_y"];`},
		},
		{
			name: "oneof and proto3 optional",
			text: `syntax = "proto3";
package p;
message M {
  optional int32 b = 5;
  oneof o { string x = 3; int32 y = 1; }
  int32 a = 2;
}`,
			want: []string{"  oneof o {", "    int32 y = 1;", "    string x = 3;", "  optional int32 b = 5;"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compileWith(t, tt.text, r)
			checkCanonical(t, s, r)
			for _, w := range tt.want {
				if !strings.Contains(s.Canonical(), w) {
					t.Errorf("canonical text lacks %q:\n%s", w, s.Canonical())
				}
			}
		})
	}
}

// FileText prints a descriptor (as a registry receives it in base64) in
// the canonical form: the text compiles back to the same schema.
func TestFileText(t *testing.T) {
	r := serde.MapResolver{"acme/money.proto": {Text: "syntax = \"proto3\";\npackage acme;\nmessage Money { int64 units = 1; string currency = 2; }\n"}}
	tests := []struct {
		name string
		text string
	}{
		{name: "proto3 with everything", text: `syntax = "proto3";
package acme.orders;
import "acme/money.proto";
import "google/protobuf/timestamp.proto";
option go_package = "example.com/acme/orders";
message Order {
  int64 id = 1;
  optional string note = 2;
  map<string, int32> counts = 3;
  oneof payment { string card = 4; acme.Money cash = 5; }
  repeated Line lines = 6;
  repeated int32 codes = 10 [packed = false];
  Status status = 7 [deprecated = true];
  google.protobuf.Timestamp at = 8;
  string odd_name = 9 [json_name = "weird"];
  reserved 20 to 25, 30;
  reserved "old";
  message Line { string sku = 1; uint32 qty = 2; }
  enum Status { option allow_alias = true; UNKNOWN = 0; OPEN = 1; STARTED = 1; reserved 5 to max; }
}
enum Kind { KIND_NONE = 0; KIND_BIG = 1; }
service Orders { rpc Get(Order) returns (Order); rpc Watch(stream Order) returns (stream Order) { option deprecated = true; } }
`},
		{name: "proto2 with defaults, groups and extensions", text: `syntax = "proto2";
package legacy;
message Thing {
  required int32 id = 1;
  optional string name = 2 [default = "a \"quoted\" name"];
  optional double ratio = 3 [default = 0.5];
  optional bytes blob = 4 [default = "\001\002"];
  optional Color color = 5 [default = RED];
  optional group G = 6 { optional int32 x = 1; }
  extensions 100 to 199;
}
enum Color { RED = 1; GREEN = 2; }
extend Thing { optional int32 extra = 100; }
`},
		{name: "editions", text: "edition = \"2023\";\npackage e;\nmessage M { string a = 1 [features.field_presence = IMPLICIT]; }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compileWith(t, tt.text, r)
			text, err := FileText(protodesc.ToFileDescriptorProto(s.File()))
			if err != nil {
				t.Fatal(err)
			}
			if text != s.Canonical() {
				t.Errorf("FileText differs from Canonical:\n--- FileText\n%s\n--- Canonical\n%s", text, s.Canonical())
			}
			if again := compileWith(t, text, r); again.Canonical() != s.Canonical() {
				t.Errorf("printed text compiles to another schema:\n%s", again.Canonical())
			}
		})
	}
}

func TestFileTextInvalid(t *testing.T) {
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	tests := []struct {
		name string
		fdp  *descriptorpb.FileDescriptorProto
	}{
		{name: "unknown syntax", fdp: &descriptorpb.FileDescriptorProto{Name: proto.String("a.proto"), Syntax: proto.String("proto4")}},
		{name: "oneof index out of range", fdp: &descriptorpb.FileDescriptorProto{
			Name: proto.String("a.proto"), Syntax: proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("s"), Number: proto.Int32(1), Type: str, Label: opt, OneofIndex: proto.Int32(3)},
			}}},
		}},
		{name: "duplicate field number", fdp: &descriptorpb.FileDescriptorProto{
			Name: proto.String("a.proto"), Syntax: proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("a"), Number: proto.Int32(1), Type: str, Label: opt},
				{Name: proto.String("b"), Number: proto.Int32(1), Type: str, Label: opt},
			}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := FileText(tt.fdp)
			if !errors.Is(err, serde.ErrSchema) {
				t.Fatalf("FileText = %q, %v; want an error wrapping serde.ErrSchema", text, err)
			}
		})
	}
}

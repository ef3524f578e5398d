package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// descriptorBase64 compiles .proto text and returns its FileDescriptorProto
// in base64, as Python's ProtobufSerializer sends it.
func descriptorBase64(t *testing.T, s serde.Schema, r serde.Resolver) (string, string) {
	t.Helper()
	c, err := formats.Compile(context.Background(), s, r)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(c.(fileDescribed).File()))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b), c.Canonical()
}

func TestDescriptorSchemas(t *testing.T) {
	const money = "syntax = \"proto3\";\npackage acme;\nmessage Money { int64 units = 1; string currency = 2; }\n"
	moneyRef := serde.MapResolver{"acme/money.proto": {Format: serde.Protobuf, Text: money}}
	tests := []struct {
		name string
		text string
		refs []serde.Reference
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
`, refs: []serde.Reference{{Name: "acme/money.proto", Subject: "acme/money.proto", Version: 1}}},
		{name: "proto2 with defaults and extensions", text: `syntax = "proto2";
package legacy;
message Thing {
  required int32 id = 1;
  optional string name = 2 [default = "a \"quoted\" name"];
  optional double ratio = 3 [default = 0.5];
  optional bytes blob = 4 [default = "\001\002"];
  optional Color color = 5 [default = RED];
  extensions 100 to 199;
}
enum Color { RED = 1; GREEN = 2; }
extend Thing { optional int32 extra = 100; }
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, DefaultCompatibility("NONE"))
			h := s.Handler()
			runSteps(t, h, []step{{name: "money", method: "POST", path: "/subjects/acme%2Fmoney.proto/versions",
				body: map[string]any{"schema": money, "schemaType": "PROTOBUF"}, status: 200}})
			b64, canonical := descriptorBase64(t, serde.Schema{Format: serde.Protobuf, Text: tt.text, References: tt.refs}, moneyRef)
			body := map[string]any{"schema": b64, "schemaType": "PROTOBUF", "references": tt.refs}
			status, resp := do(t, h, "POST", "/subjects/x-value/versions", body)
			if status != 200 {
				t.Fatalf("register base64 descriptor: %d %s", status, resp)
			}
			var reg registerResponse
			json.Unmarshal([]byte(resp), &reg)
			// Stored as .proto text that compiles to the same schema.
			c, err := formats.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: reg.Schema, References: tt.refs}, moneyRef)
			if err != nil {
				t.Fatalf("stored text does not compile: %v\n%s", err, reg.Schema)
			}
			if c.Canonical() != canonical {
				t.Errorf("stored text differs from the original:\n got %s\nwant %s", c.Canonical(), canonical)
			}
			// The same descriptor again, and the .proto text, find the same version.
			runSteps(t, h, []step{
				{name: "again", method: "POST", path: "/subjects/x-value/versions", body: body, status: 200, want: resp},
				{name: "lookup by descriptor", method: "POST", path: "/subjects/x-value", body: body, status: 200},
				{name: "lookup by text", method: "POST", path: "/subjects/x-value", body: map[string]any{"schema": tt.text, "schemaType": "PROTOBUF", "references": tt.refs}, status: 200},
			})
		})
	}
}

func TestDescriptorNotBase64(t *testing.T) {
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{name: "proto text", text: "syntax = \"proto3\";\nmessage A {}\n"},
		{name: "empty", text: ""},
		{name: "base64 of junk", text: base64.StdEncoding.EncodeToString([]byte{0xff, 0xff, 0xff})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok, _ := descriptorText(tt.text); ok != tt.ok {
				t.Errorf("descriptorText(%q) ok = %v", tt.text, ok)
			}
		})
	}
}

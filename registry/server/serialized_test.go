package server

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

func TestSerializedFormat(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	const common = "syntax = \"proto3\";\npackage acme;\nmessage Money { int64 units = 1; }\n"
	const order = "syntax = \"proto3\";\npackage acme;\nimport \"acme/money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n" +
		"message Order { int64 id = 1; acme.Money total = 2; google.protobuf.Timestamp at = 3; }\n"
	runSteps(t, h, []step{
		{name: "money", method: "POST", path: "/subjects/acme%2Fmoney.proto/versions", body: map[string]any{"schema": common, "schemaType": "PROTOBUF"}, status: 200},
		{name: "order", method: "POST", path: "/subjects/orders-value/versions", status: 200, body: map[string]any{
			"schema": order, "schemaType": "PROTOBUF",
			"references": []map[string]any{{"name": "acme/money.proto", "subject": "acme/money.proto", "version": 1}},
		}},
		{name: "avro ignores format", method: "POST", path: "/subjects/a/versions", body: avroBody(userV1), status: 200},
		{name: "avro serialized is the text", method: "GET", path: "/schemas/ids/3?format=serialized", status: 200,
			want: `{"guid":"<guid>","schema":` + q(userV1) + `}`},
	})
	_, idBody := do(t, h, "GET", "/schemas/ids/2", nil)
	var byID subjectSchema
	if err := json.Unmarshal([]byte(idBody), &byID); err != nil || byID.GUID == "" {
		t.Fatalf("no guid for schema 2: %s", idBody)
	}
	orderDeps := []string{"acme/money.proto", "google/protobuf/timestamp.proto"}
	tests := []struct {
		name     string
		method   string
		path     string
		body     any
		raw      bool // the /schema endpoints answer the text itself
		wantMsg  string
		wantDeps []string
	}{
		{name: "by guid", path: "/schemas/guids/" + byID.GUID + "?format=serialized", wantMsg: "Order", wantDeps: orderDeps},
		{name: "raw by id", path: "/schemas/ids/2/schema?format=serialized", raw: true, wantMsg: "Order", wantDeps: orderDeps},
		{name: "raw by version", path: "/subjects/orders-value/versions/latest/schema?format=serialized", raw: true, wantMsg: "Order", wantDeps: orderDeps},
		{name: "raw reference", path: "/subjects/acme%2Fmoney.proto/versions/1/schema?format=serialized", raw: true, wantMsg: "Money"},
		{name: "lookup", method: "POST", path: "/subjects/acme%2Fmoney.proto?format=serialized", body: map[string]any{"schema": common, "schemaType": "PROTOBUF"}, wantMsg: "Money"},
		{name: "by id", path: "/schemas/ids/2?format=serialized&subject=orders-value", wantMsg: "Order", wantDeps: orderDeps},
		{name: "by version", path: "/subjects/orders-value/versions/1?format=serialized&deleted=True", wantMsg: "Order", wantDeps: orderDeps},
		{name: "reference", path: "/subjects/acme%2Fmoney.proto/versions/1?format=serialized", wantMsg: "Money"},
		{name: "twice from the cache", path: "/schemas/ids/2?format=serialized", wantMsg: "Order", wantDeps: orderDeps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			status, body := do(t, h, method, tt.path, tt.body)
			var got subjectSchema
			switch {
			case status != 200:
				t.Fatalf("%d %s", status, body)
			case tt.raw:
				got.Schema = body
			case json.Unmarshal([]byte(body), &got) != nil:
				t.Fatalf("not JSON: %s", body)
			case got.SchemaType != "PROTOBUF":
				t.Errorf("schemaType %q", got.SchemaType)
			}
			raw, err := base64.StdEncoding.DecodeString(got.Schema)
			if err != nil {
				t.Fatalf("schema is not base64: %v: %s", err, got.Schema)
			}
			var fdp descriptorpb.FileDescriptorProto
			if err := proto.Unmarshal(raw, &fdp); err != nil {
				t.Fatalf("not a FileDescriptorProto: %v", err)
			}
			if len(fdp.MessageType) != 1 || fdp.MessageType[0].GetName() != tt.wantMsg || fdp.GetPackage() != "acme" {
				t.Errorf("descriptor %v", &fdp)
			}
			deps := fdp.GetDependency()
			if len(deps) != len(tt.wantDeps) {
				t.Fatalf("dependencies %v, want %v", deps, tt.wantDeps)
			}
			for i := range deps {
				if deps[i] != tt.wantDeps[i] {
					t.Errorf("dependencies %v, want %v", deps, tt.wantDeps)
				}
			}
		})
	}
}

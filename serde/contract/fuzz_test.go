package contract_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Schema text with any inline rules never crashes New: it compiles, or
// fails with an error.
func FuzzInlineRules(f *testing.F) {
	f.Add(orderJSON, true)
	f.Add(orderAvsc, false)
	f.Add(`{"type":"object","confluent:rules":[{"name":"a","expr":"this."}],"properties":{"x":{"$ref":"#"}}}`, true)
	f.Add(`{"type":"record","name":"R","fields":[{"name":"a","type":"int","confluent:rules":[{"name":"","expr":"1"}]}]}`, false)
	f.Add(`{"type":"object","confluent:rules":{"name":"a"}}`, true)
	f.Fuzz(func(t *testing.T, text string, json bool) {
		ctx := context.Background()
		var c serde.Compiled
		var err error
		if json {
			c, err = jsonschema.Compile(ctx, serde.Schema{Format: serde.JSON, Text: text}, nil)
		} else {
			c, err = avro.Compile(ctx, serde.Schema{Format: serde.Avro, Text: text}, nil)
		}
		if err != nil {
			return
		}
		ct, err := contract.New(c, nil, nil)
		if err != nil {
			return
		}
		_ = ct.Check(map[string]any{"total": int64(1), "items": []any{map[string]any{"qty": 0}}}, nil)
	})
}

// A .proto with any confluent.Meta inline rules never crashes New, and the
// compiled contract never crashes on any message its schema decodes.
func FuzzProtoInlineRules(f *testing.F) {
	f.Add(inlineProto, []byte{0x0a, 0x03, 'o', '-', '1', 0x1a, 0x02, 0x10, 0x00})
	f.Add(`syntax = "proto3"; package p; import "confluent/meta.proto";
message A { option (confluent.message_meta) = { rules: [{ name: "r", expr: "this.a.size() > 0" }] };
  repeated A a = 1 [(confluent.field_meta) = { rules: [{ expr: "size(this) < 3" }] }]; }`, []byte{0x0a, 0x00, 0x0a, 0x02, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, text string, payload []byte) {
		c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: text}, nil)
		if err != nil {
			return
		}
		ct, err := contract.New(c, nil, nil)
		if err != nil {
			return
		}
		m := dynamicpb.NewMessage(c.Message())
		if proto.Unmarshal(payload, m) != nil {
			return
		}
		_ = ct.Check(m, payload)
	})
}

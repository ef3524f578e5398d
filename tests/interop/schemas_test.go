//go:build interop

package interop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// The same record in the three formats: a key {id} and a value
// {id, seq, amount, tags}. The Protobuf value is the second message of its
// file, so its message-index path is [1], not the one-byte [0] shortcut.
const (
	avroKey   = `{"type":"record","name":"OrderKey","namespace":"interop","fields":[{"name":"id","type":"string"}]}`
	avroValue = `{"type":"record","name":"Order","namespace":"interop","fields":[
 {"name":"id","type":"string"},{"name":"seq","type":"long"},{"name":"amount","type":"double"},
 {"name":"tags","type":{"type":"array","items":"string"}}]}`

	protoKey = `syntax = "proto3";
package interop.v1;
message OrderKey { string id = 1; }
`
	protoValue = `syntax = "proto3";
package interop.v1;
message Meta { string source = 1; }
message Order {
  string id = 1;
  int64 seq = 2;
  double amount = 3;
  repeated string tags = 4;
}
`
	jsonKey = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"OrderKey","type":"object",
 "properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}`
	jsonValue = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object",
 "properties":{"id":{"type":"string"},"seq":{"type":"integer","minimum":0},"amount":{"type":"number"},
  "tags":{"type":"array","items":{"type":"string"}}},
 "required":["id","seq","amount","tags"],"additionalProperties":false}`

	protoKeyMessage   = "interop.v1.OrderKey"
	protoValueMessage = "interop.v1.Order"
)

// format is one schema format with its key and value schemas.
type format struct {
	name       string // avro, protobuf, json (the Python scripts' spelling)
	key, value serde.Schema
}

var allFormats = []format{
	{"avro", serde.Schema{Format: serde.Avro, Text: avroKey}, serde.Schema{Format: serde.Avro, Text: avroValue}},
	{"protobuf", serde.Schema{Format: serde.Protobuf, Text: protoKey}, serde.Schema{Format: serde.Protobuf, Text: protoValue}},
	{"json", serde.Schema{Format: serde.JSON, Text: jsonKey}, serde.Schema{Format: serde.JSON, Text: jsonValue}},
}

// compile compiles s; Protobuf schemas are compiled for message msg.
func compile(t testing.TB, s serde.Schema, msg string) serde.Compiled {
	t.Helper()
	c, err := compileFor(context.Background(), s, nil, msg)
	if err != nil {
		t.Fatalf("compile %s: %v", s.Format, err)
	}
	return c
}

func compileFor(ctx context.Context, s serde.Schema, r serde.Resolver, msg string) (serde.Compiled, error) {
	if s.Format == serde.Protobuf && msg != "" {
		return protobuf.Compile(ctx, s, r, protobuf.MessageName(msg))
	}
	return formats.Compile(ctx, s, r)
}

// keySchema and valueSchema are the producer.SchemaSource of a format's key and value.
func keySchema(f format) producer.SchemaSource {
	return producer.SchemaSource{Local: f.key, Compile: msgCompiler(protoKeyMessage)}
}

func valueSchema(f format) producer.SchemaSource {
	return producer.SchemaSource{Local: f.value, Compile: msgCompiler(protoValueMessage)}
}

func msgCompiler(msg string) func(context.Context, serde.Schema, serde.Resolver) (serde.Compiled, error) {
	return func(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
		return compileFor(ctx, s, r, msg)
	}
}

// recordJSON is record i as JSON: its key and its value. The amounts are
// multiples of 1/4, exact in binary floating point. Keys are at least 6
// bytes in every encoding: Confluent's Python AvroDeserializer (2.16.0)
// refuses any key or value of 5 bytes or less before it looks at the
// headers, so a short bare payload under header framing cannot be read by
// it (docs/perf/interop.md).
func recordJSON(i int) (key, value string) {
	tags := make([]string, i%3)
	for j := range tags {
		tags[j] = fmt.Sprintf("%q", fmt.Sprintf("t%d", j))
	}
	return fmt.Sprintf(`{"id":"key-%06d"}`, i),
		fmt.Sprintf(`{"id":"order-%d","seq":%d,"amount":%g,"tags":[%s]}`, i, i, float64(i)/4, strings.Join(tags, ","))
}

// plainJSON parses JSON text into plain data (numbers as float64) for
// comparison with what a peer decoded.
func plainJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// normalize makes decoded data comparable: json.Number and Go integers
// become float64, and a Protobuf proto3 message's zero-valued fields (not
// on the wire, so not in a peer's decoding) are dropped from want.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// dropProtoZeros removes what proto3 does not put on the wire: zero
// numbers, empty strings and empty lists.
func dropProtoZeros(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, e := range m {
		switch x := e.(type) {
		case float64:
			if x == 0 {
				continue
			}
		case string:
			if x == "" {
				continue
			}
		case []any:
			if len(x) == 0 {
				continue
			}
		}
		out[k] = dropProtoZeros(e)
	}
	return out
}

// equalData compares want (JSON text) with got (decoded by a peer).
func equalData(t testing.TB, fmtName, want string, got any) bool {
	t.Helper()
	w := normalize(plainJSON(t, want))
	if fmtName == "protobuf" {
		w = dropProtoZeros(w)
	}
	return reflect.DeepEqual(w, normalize(got))
}

// protoPlain turns a Protobuf message into plain data (set fields only).
func protoPlain(m protoreflect.Message) map[string]any {
	out := map[string]any{}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			xs := make([]any, l.Len())
			for i := range xs {
				xs[i] = scalar(fd, l.Get(i))
			}
			out[string(fd.Name())] = xs
		default:
			out[string(fd.Name())] = scalar(fd, v)
		}
		return true
	})
	return out
}

func scalar(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return protoPlain(v.Message())
	case protoreflect.EnumKind:
		return float64(v.Enum())
	}
	return v.Interface()
}

// fdsBase64 is the base64 FileDescriptorSet of a compiled Protobuf schema,
// from which the Python side builds its message classes.
func fdsBase64(t testing.TB, c serde.Compiled) string {
	t.Helper()
	ps, ok := c.(*protobuf.Compiled)
	if !ok {
		t.Fatalf("not a protobuf schema: %T", c)
	}
	b, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: ps.FileDescriptorProtos()})
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// messageByIndexes returns the full name of the message an index path
// names in fd (Confluent's message indexes: top-level, then nested).
func messageByIndexes(fd protoreflect.FileDescriptor, idx []int) (string, error) {
	if len(idx) == 0 {
		idx = []int{0}
	}
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range idx {
		if i < 0 || i >= msgs.Len() {
			return "", fmt.Errorf("message index %v out of range in %s", idx, fd.Path())
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return string(md.FullName()), nil
}

// newProto returns an empty message of a compiled Protobuf schema.
func newProto(t testing.TB, c serde.Compiled) proto.Message {
	t.Helper()
	ps, ok := c.(*protobuf.Compiled)
	if !ok {
		t.Fatalf("not a protobuf schema: %T", c)
	}
	return ps.New()
}

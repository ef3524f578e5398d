package contract_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

const userProto = `syntax = "proto3";
package acme.v1;
import "buf/validate/validate.proto";
message User {
  string name = 1 [(buf.validate.field).string.min_len = 2];
  int32 age = 2 [(buf.validate.field).int32 = {gte: 0, lt: 150}];
  string email = 3 [(buf.validate.field).string.email = true];
  repeated string tags = 4 [(buf.validate.field).repeated.max_items = 2];
  oneof contact {
    option (buf.validate.oneof).required = true;
    string phone = 5;
    string fax = 6;
  }
  option (buf.validate.message).cel = {id: "name_not_email", message: "name must differ from email", expression: "this.name != this.email"};
}
`

func TestProtovalidate(t *testing.T) {
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: userProto}, nil, protobuf.MessageName("acme.v1.User"))
	if err != nil {
		t.Fatal(err)
	}
	md := c.Message()
	mk := func(name string, age int32, email string, tags []string, phone string) *dynamicpb.Message {
		m := dynamicpb.NewMessage(md)
		f := md.Fields()
		m.Set(f.ByName("name"), protoreflect.ValueOfString(name))
		m.Set(f.ByName("age"), protoreflect.ValueOfInt32(age))
		m.Set(f.ByName("email"), protoreflect.ValueOfString(email))
		l := m.Mutable(f.ByName("tags")).List()
		for _, tg := range tags {
			l.Append(protoreflect.ValueOfString(tg))
		}
		if phone != "" {
			m.Set(f.ByName("phone"), protoreflect.ValueOfString(phone))
		}
		return m
	}
	tests := []struct {
		name  string
		m     *dynamicpb.Message
		wants []want
	}{
		{name: "valid", m: mk("ann", 30, "ann@example.com", []string{"a"}, "1")},
		{name: "short name", m: mk("a", 30, "ann@example.com", nil, "1"), wants: []want{{"name", "string.min_len"}}},
		{name: "age out of range", m: mk("ann", 150, "ann@example.com", nil, "1"), wants: []want{{"age", "int32.gte_lt"}}},
		{name: "bad email and too many tags", m: mk("ann", 3, "nope", []string{"a", "b", "c"}, "1"),
			wants: []want{{"email", "string.email"}, {"tags", "repeated.max_items"}}},
		{name: "oneof required", m: mk("ann", 3, "ann@example.com", nil, ""), wants: []want{{"contact", "required"}}},
		{name: "message cel", m: mk("a@example.com", 3, "a@example.com", nil, "1"), wants: []want{{"", "name_not_email"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := serialize(t, c, nil, nil, tt.m)
			checkViolations(t, out, err, tt.wants)
		})
	}
}

package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// enumRules: a CEL_FIELD rule on PII fields, which must see enums with
// typeName ENUM.
var enumRules = &serde.RuleSet{DomainRules: []serde.Rule{
	{Name: "notRed", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
		Expr: "typeName == 'ENUM' && value != 'RED'"},
}}

// TestCelFieldOnEnums: CEL_FIELD rules run on enum fields (Avro enums,
// JSON Schema enum and const), with typeName ENUM, as Confluent's clients
// run them (avrov2's transform, default case; json_schema_util's
// transform, TypeEnum); they were skipped, and a breaking value written.
func TestCelFieldOnEnums(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
		{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE"]},"confluent:tags":["PII"]},
		{"name":"opt","type":["null",{"type":"enum","name":"Shade","symbols":["RED","DARK"]}],"default":null,"confluent:tags":["PII"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    map[string]any
		path string
	}{
		{map[string]any{"color": "BLUE", "opt": nil}, ""},
		{map[string]any{"color": "RED", "opt": nil}, "color"},
		{map[string]any{"color": "BLUE", "opt": map[string]any{"Shade": "RED"}}, "opt"},
		{map[string]any{"color": "BLUE", "opt": map[string]any{"Shade": "DARK"}}, ""},
	} {
		_, err := serialize(t, c, enumRules, nil, tc.v)
		checkEnumVerdict(t, "avro", tc.v, err, tc.path)
	}

	js := compileJSON(t, `{"type":"object","properties":{
		"color":{"enum":["RED","BLUE"],"confluent:tags":["PII"]},
		"fixed":{"const":"RED","confluent:tags":["OTHER"]},
		"one":{"const":"RED","confluent:tags":["PII"]}}}`)
	for _, tc := range []struct{ v, path string }{
		{`{"color":"BLUE","fixed":"RED"}`, ""},
		{`{"color":"RED"}`, "color"},
		{`{"one":"RED"}`, "one"},
	} {
		_, err := serialize(t, js, enumRules, nil, json.RawMessage(tc.v))
		checkEnumVerdict(t, "json", tc.v, err, tc.path)
	}
}

func checkEnumVerdict(t *testing.T, format string, v any, err error, path string) {
	t.Helper()
	if path == "" {
		if err != nil {
			t.Errorf("%s %v: %v", format, v, err)
		}
		return
	}
	var ve *serde.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, serde.ErrRule) || ve.Path != path {
		t.Errorf("%s %v: got %v, want notRed's violation at %s", format, v, err, path)
	}
}

// TestCelFieldOnProtoEnumsAndFixed: CEL_FIELD rules also run on Protobuf
// enum fields (value the enum's number, typeName ENUM; confluent-kafka-go's
// protobuf transform visits every field kind) and on Avro fixed fields
// (value the bytes, typeName FIXED; avrov2's transform, default case). Both
// were skipped, so a record breaking such a rule was written.
func TestCelFieldOnProtoEnumsAndFixed(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package p;
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; BLUE = 2; }
message Inner { Color shade = 1; }
message M {
  Color color = 1;
  repeated Color more = 2;
  Inner inner = 3;
}`}, nil, protobuf.MessageName("p.M"))
	if err != nil {
		t.Fatal(err)
	}
	protoRules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "notRed", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "typeName == 'ENUM' && value != 1"},
	}}
	md := &serde.Metadata{Tags: map[string][]string{"p.M.color": {"PII"}, "p.M.more": {"PII"}, "p.Inner.shade": {"PII"}}}
	msg := func(color int32, more []int32, shade int32) proto.Message {
		d := pc.Message()
		m := dynamicpb.NewMessage(d)
		f := d.Fields()
		m.Set(f.ByName("color"), protoreflect.ValueOfEnum(protoreflect.EnumNumber(color)))
		l := m.Mutable(f.ByName("more")).List()
		for _, x := range more {
			l.Append(protoreflect.ValueOfEnum(protoreflect.EnumNumber(x)))
		}
		in := dynamicpb.NewMessage(f.ByName("inner").Message())
		in.Set(in.Descriptor().Fields().ByName("shade"), protoreflect.ValueOfEnum(protoreflect.EnumNumber(shade)))
		m.Set(f.ByName("inner"), protoreflect.ValueOfMessage(in))
		return m
	}
	for _, tc := range []struct {
		name string
		m    proto.Message
		path string
	}{
		{"valid", msg(2, []int32{2, 0}, 2), ""},
		{"color", msg(1, nil, 2), "color"},
		{"list", msg(2, []int32{2, 1}, 2), "more[1]"},
		{"nested", msg(2, nil, 1), "inner.shade"},
	} {
		_, err := serialize(t, pc, protoRules, md, tc.m)
		checkEnumVerdict(t, "protobuf "+tc.name, tc.m, err, tc.path)
	}

	ac, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
		{"name":"code","type":{"type":"fixed","name":"Code","size":2},"confluent:tags":["PII"]},
		{"name":"opt","type":["null",{"type":"fixed","name":"Opt","size":2}],"default":null,"confluent:tags":["PII"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fixedRules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "notZZ", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "typeName == 'FIXED' && value != b'ZZ' && size(value) == 2"},
	}}
	for _, tc := range []struct {
		v    map[string]any
		path string
	}{
		{map[string]any{"code": [2]byte{'A', 'B'}, "opt": nil}, ""},
		{map[string]any{"code": [2]byte{'Z', 'Z'}, "opt": nil}, "code"},
		{map[string]any{"code": [2]byte{'A', 'B'}, "opt": map[string]any{"Opt": [2]byte{'Z', 'Z'}}}, "opt"},
		{map[string]any{"code": [2]byte{'A', 'B'}, "opt": map[string]any{"Opt": [2]byte{'Z', 'Y'}}}, ""},
	} {
		_, err := serialize(t, ac, fixedRules, nil, tc.v)
		if tc.path == "" {
			if err != nil {
				t.Errorf("avro fixed %v: %v", tc.v, err)
			}
			continue
		}
		var ve *serde.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, serde.ErrRule) || ve.Path != tc.path {
			t.Errorf("avro fixed %v: got %v, want notZZ's violation at %s", tc.v, err, tc.path)
		}
	}
}

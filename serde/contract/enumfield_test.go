package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// neverRules: a CEL_FIELD rule on PII fields that fails on every value but
// null (a null Avro field is judged: TestCelFieldOnAvroNull).
var neverRules = &serde.RuleSet{DomainRules: []serde.Rule{
	{Name: "never", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value == null"},
}}

// TestCelFieldSkipsEnumsAndFixed: CEL_FIELD rules run on primitive fields
// only. Confluent's executors pass ENUM (Avro and Protobuf enums, JSON
// Schema enum and const) and FIXED values through unjudged (Java's
// RuleContext.Type.isPrimitive, confluent-kafka-go's
// FieldContext.IsPrimitive, Python's FieldContext.is_primitive), and
// TestContractsPython's enum cases saw Python accept what a rule on an
// enum would refuse; so does schemagen. The tagged string field is the
// control: the same rule fails there.
func TestCelFieldSkipsEnumsAndFixed(t *testing.T) {
	ctx := context.Background()
	ac, err := avro.Compile(ctx, serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[
		{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE"]},"confluent:tags":["PII"]},
		{"name":"opt","type":["null",{"type":"enum","name":"Shade","symbols":["RED","DARK"]}],"default":null,"confluent:tags":["PII"]},
		{"name":"code","type":{"type":"fixed","name":"Code","size":2},"confluent:tags":["PII"]},
		{"name":"note","type":["null","string"],"default":null,"confluent:tags":["PII"]}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    map[string]any
		path string
	}{
		{map[string]any{"color": "RED", "opt": map[string]any{"Shade": "RED"}, "code": [2]byte{'Z', 'Z'}, "note": nil}, ""},
		{map[string]any{"color": "RED", "opt": nil, "code": [2]byte{'Z', 'Z'}, "note": map[string]any{"string": "x"}}, "note"},
	} {
		_, err := serialize(t, ac, neverRules, nil, tc.v)
		checkNever(t, "avro", tc.v, err, tc.path)
	}

	js := compileJSON(t, `{"type":"object","properties":{
		"color":{"enum":["RED","BLUE"],"confluent:tags":["PII"]},
		"typed":{"type":"string","enum":["RED","BLUE"],"confluent:tags":["PII"]},
		"one":{"const":"RED","confluent:tags":["PII"]},
		"note":{"type":"string","confluent:tags":["PII"]}}}`)
	for _, tc := range []struct{ v, path string }{
		{`{"color":"RED","typed":"BLUE","one":"RED"}`, ""},
		{`{"color":"RED","note":"x"}`, "note"},
	} {
		_, err := serialize(t, js, neverRules, nil, json.RawMessage(tc.v))
		checkNever(t, "json", tc.v, err, tc.path)
	}

	pc, err := protobuf.Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package p;
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }
message M { Color color = 1; repeated Color more = 2; optional string note = 3; }`}, nil, protobuf.MessageName("p.M"))
	if err != nil {
		t.Fatal(err)
	}
	md := &serde.Metadata{Tags: map[string][]string{"p.M.color": {"PII"}, "p.M.more": {"PII"}, "p.M.note": {"PII"}}}
	for _, note := range []bool{false, true} {
		m := dynamicpb.NewMessage(pc.Message())
		f := pc.Message().Fields()
		m.Set(f.ByName("color"), protoreflect.ValueOfEnum(1))
		m.Mutable(f.ByName("more")).List().Append(protoreflect.ValueOfEnum(1))
		path := ""
		if note {
			m.Set(f.ByName("note"), protoreflect.ValueOfString("x"))
			path = "note"
		}
		_, err := serialize(t, pc, neverRules, md, m)
		checkNever(t, "protobuf", m, err, path)
	}
}

func checkNever(t *testing.T, format string, v any, err error, path string) {
	t.Helper()
	if path == "" {
		if err != nil {
			t.Errorf("%s %v: CEL_FIELD ran on an enum or fixed field: %v", format, v, err)
		}
		return
	}
	var ve *serde.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, serde.ErrRule) || ve.Path != path {
		t.Errorf("%s %v: got %v, want the rule's violation at %s", format, v, err, path)
	}
}

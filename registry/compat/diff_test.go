package compat

import (
	"context"
	"fmt"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func avroS(text string) serde.Schema { return serde.Schema{Format: serde.Avro, Text: text} }
func jsonS(text string) serde.Schema { return serde.Schema{Format: serde.JSON, Text: text} }
func protoS(text string) serde.Schema {
	return serde.Schema{Format: serde.Protobuf, Text: "syntax = \"proto3\";\npackage acme;\n" + text}
}

func TestDiff(t *testing.T) {
	const (
		user      = `{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE"]}}]}`
		userMore  = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE","GREEN"]}},{"name":"email","type":"string","default":""}]}`
		userLess  = `{"type":"record","name":"User","fields":[{"name":"id","type":"string"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED"]}},{"name":"age","type":"int"}]}`
		userArray = `{"type":"record","name":"User","fields":[{"name":"tags","type":{"type":"array","items":"int"}}]}`
		userArrL  = `{"type":"record","name":"User","fields":[{"name":"tags","type":{"type":"array","items":"long"}}]}`
	)
	type change struct {
		rule, path, confluent string
		compatible            bool
	}
	tests := []struct {
		name             string
		original, update serde.Schema
		want             []change
	}{
		{name: "avro same", original: avroS(user), update: avroS(user)},
		{name: "avro compatible changes", original: avroS(user), update: avroS(userMore), want: []change{
			{AvroFieldTypeChanged, "User.id", "/fields/0/type", true},
			{AvroEnumSymbolAdded, "User.color", "/fields/1/type/symbols", true},
			{AvroFieldAdded, "User.email", "/fields/2", true},
		}},
		{name: "avro incompatible changes", original: avroS(user), update: avroS(userLess), want: []change{
			{AvroFieldTypeChanged, "User.id", "/fields/0/type", false},
			{AvroEnumSymbolRemoved, "User.color", "/fields/1/type/symbols", false},
			{AvroFieldAdded, "User.age", "/fields/2", false},
		}},
		{name: "avro nested", original: avroS(userArray), update: avroS(userArrL), want: []change{
			{AvroTypeChanged, "User.tags[]", "/fields/0/type/items", true},
		}},
		{name: "avro field removed", original: avroS(userMore), update: avroS(user), want: []change{
			{AvroFieldTypeChanged, "User.id", "/fields/0/type", false},
			{AvroEnumSymbolRemoved, "User.color", "/fields/1/type/symbols", false},
			{AvroFieldRemoved, "User.email", "/", true},
		}},
		{name: "json property added to an open object", original: jsonS(`{"type":"object","properties":{"a":{"type":"string"}}}`),
			update: jsonS(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`), want: []change{
				{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b", "#/properties/b", false},
			}},
		{name: "json maximum increased", original: jsonS(`{"type":"integer","maximum":5}`), update: jsonS(`{"type":"integer","maximum":9}`), want: []change{
			{"MAXIMUM_INCREASED", "#/maximum", "#/maximum", true},
		}},
		{name: "protobuf field renamed", original: protoS("message M { int32 a = 1; }"), update: protoS("message M { int32 b = 1; }"), want: []change{
			{"FIELD_NAME_CHANGED", "acme.M.b", "#/M/1", true},
		}},
		{name: "format changed", original: avroS(user), update: jsonS(`{}`), want: []change{{"SCHEMA_TYPE_CHANGED", "", "", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			got, err := Diff(ctx, tt.original, tt.update, nil)
			if err != nil {
				t.Fatal(err)
			}
			var gotC []change
			for _, c := range got {
				gotC = append(gotC, change{c.Rule, c.Path, c.ConfluentPath, c.Compatible})
			}
			if fmt.Sprint(gotC) != fmt.Sprint(tt.want) {
				t.Errorf("Diff:\n got %v\nwant %v", gotC, tt.want)
			}
			// Diff has an incompatible change exactly when CanRead finds one.
			fs, err := CanRead(ctx, tt.update, tt.original, nil)
			if err != nil {
				t.Fatal(err)
			}
			incompatible := false
			for _, c := range got {
				incompatible = incompatible || !c.Compatible
			}
			if incompatible != (len(fs) > 0) {
				t.Errorf("Diff says incompatible=%v, CanRead found %v", incompatible, fs)
			}
		})
	}
}

// TestCheckPolicy: a JSON Schema change that only LENIENT accepts, at
// every level that compares in its direction.
func TestCheckPolicy(t *testing.T) {
	old := jsonS(`{"type":"object","properties":{"a":{"type":"string"}}}`)
	next := jsonS(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`)
	existing := []Version{{Version: 1, Schema: old}}
	for _, level := range Levels {
		for _, p := range []JSONPolicy{JSONStrict, JSONLenient} {
			t.Run(fmt.Sprintf("%s/%s", level, p), func(t *testing.T) {
				ctx := context.Background()
				res, err := CheckPolicy(ctx, level, p, next, existing, nil)
				if err != nil {
					t.Fatal(err)
				}
				// An optional property added to an open model: STRICT
				// refuses it backward (the new reader meets old data
				// with any "b"); forward it is fine either way.
				backward := level != None && level != Forward && level != ForwardTransitive
				want := !(backward && p == JSONStrict)
				if res.Compatible != want {
					t.Errorf("compatible %v, want %v: %v", res.Compatible, want, res.Findings)
				}
				viaChecker, err := PolicyChecker(p).Check(ctx, level, next, existing, nil)
				if err != nil || viaChecker.Compatible != res.Compatible {
					t.Errorf("PolicyChecker: %v, %v", viaChecker, err)
				}
				if p == JSONStrict {
					def, _ := Check(ctx, level, next, existing, nil)
					if def.Compatible != res.Compatible {
						t.Errorf("Check and CheckPolicy(STRICT) disagree")
					}
				}
			})
		}
	}
	if p, err := ParseJSONPolicy("lenient"); err != nil || p != JSONLenient {
		t.Errorf("ParseJSONPolicy(lenient) = %v, %v", p, err)
	}
	if _, err := ParseJSONPolicy("loose"); err == nil {
		t.Error("ParseJSONPolicy(loose) did not fail")
	}
}

// TestFindingsCarryConfluentPath: every format's findings name Confluent's
// location beside ours.
func TestFindingsCarryConfluentPath(t *testing.T) {
	tests := []struct {
		name           string
		reader, writer serde.Schema
		want           string
	}{
		{name: "protobuf", reader: protoS("message M { string a = 1; }"), writer: protoS("message M { int32 a = 1; }"), want: "#/M/1"},
		{name: "avro", reader: avroS(`{"type":"record","name":"U","fields":[{"name":"a","type":"int"}]}`),
			writer: avroS(`{"type":"record","name":"U","fields":[{"name":"a","type":"string"}]}`), want: "/fields/0/type"},
		{name: "json", reader: jsonS(`{"type":"integer","maximum":5}`), writer: jsonS(`{"type":"integer","maximum":9}`), want: "#/maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := CanRead(context.Background(), tt.reader, tt.writer, nil)
			if err != nil || len(fs) != 1 || fs[0].ConfluentPath != tt.want {
				t.Fatalf("findings %+v, %v; want one at %q", fs, err, tt.want)
			}
		})
	}
}

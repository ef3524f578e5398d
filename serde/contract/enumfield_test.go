package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
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

package compat_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

func jsonText(text string) serde.Schema { return serde.Schema{Format: serde.JSON, Text: text} }

// Three versions of an order schema. v1 → v2 drops the closed model and adds
// an optional property; v3 widens total to number.
const (
	jsOrderV1 = `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"integer"}},"required":["id"],"additionalProperties":false}`
	jsOrderV2 = `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"integer"},"note":{"type":"string"}},"required":["id"],"additionalProperties":false}`
	jsOrderV3 = `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"number"},"note":{"type":"string"}},"required":["id"],"additionalProperties":false}`
	// jsOrderBad narrows total back to integer and drops note from a
	// closed model.
	jsOrderBad = `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"integer"}},"required":["id"],"additionalProperties":false}`
)

func TestJSONLevels(t *testing.T) {
	versions := func(texts ...string) []compat.Version {
		var vs []compat.Version
		for i, s := range texts {
			vs = append(vs, compat.Version{Version: i + 1, Schema: jsonText(s)})
		}
		return vs
	}
	tests := []struct {
		name     string
		level    compat.Level
		existing []compat.Version
		next     string
		want     []string // "RULE path @version", in order
	}{
		{name: "backward: optional property added to a closed model", level: compat.Backward, existing: versions(jsOrderV1), next: jsOrderV2},
		{name: "forward: old reader cannot take the new property", level: compat.Forward, existing: versions(jsOrderV1), next: jsOrderV2,
			want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @1"}},
		{name: "full: fails one way", level: compat.Full, existing: versions(jsOrderV1), next: jsOrderV2,
			want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @1"}},
		{name: "backward: integer widened to number", level: compat.Backward, existing: versions(jsOrderV1, jsOrderV2), next: jsOrderV3},
		{name: "forward: integer reader cannot take numbers", level: compat.Forward, existing: versions(jsOrderV1, jsOrderV2), next: jsOrderV3,
			want: []string{"TYPE_NARROWED #/properties/total @2"}},
		{name: "backward: narrowing and dropping from the latest", level: compat.Backward, existing: versions(jsOrderV1, jsOrderV2, jsOrderV3), next: jsOrderBad,
			want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @3", "TYPE_NARROWED #/properties/total @3"}},
		{name: "backward transitive: every version", level: compat.BackwardTransitive, existing: versions(jsOrderV1, jsOrderV2, jsOrderV3), next: jsOrderBad,
			want: []string{
				"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @3", "TYPE_NARROWED #/properties/total @3",
				"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @2",
			}},
		{name: "full transitive over three versions: same as v2", level: compat.FullTransitive, existing: versions(jsOrderV1, jsOrderV2), next: jsOrderV2,
			want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note @1"}},
		{name: "full transitive over three versions: widening", level: compat.FullTransitive, existing: versions(jsOrderV2, jsOrderV2), next: jsOrderV3,
			want: []string{"TYPE_NARROWED #/properties/total @2", "TYPE_NARROWED #/properties/total @1"}},
		{name: "full transitive over three versions: identical", level: compat.FullTransitive, existing: versions(jsOrderV3, jsOrderV3), next: jsOrderV3},
		{name: "full transitive: description-only change", level: compat.FullTransitive, existing: versions(jsOrderV1, jsOrderV1),
			next: strings.Replace(jsOrderV1, `"type":"object",`, `"type":"object","description":"an order",`, 1)},
		{name: "forward transitive: narrowing is readable by all", level: compat.ForwardTransitive, existing: versions(jsOrderV1, jsOrderV3), next: jsOrderBad},
		{name: "forward transitive: only the oldest reader fails", level: compat.ForwardTransitive, existing: versions(jsOrderV1, jsOrderV3),
			next: `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"number"}},"required":["id"],"additionalProperties":false}`,
			want: []string{"TYPE_NARROWED #/properties/total @1"}},
		{name: "forward: only the latest", level: compat.Forward, existing: versions(jsOrderV1, jsOrderV3),
			next: `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"number"}},"required":["id"],"additionalProperties":false}`},
		{name: "none", level: compat.None, existing: versions(jsOrderV3), next: `{"type":"string"}`},
		{name: "schema type changed", level: compat.Backward, existing: versions(`{"type":"string"}`), next: `{"type":"object"}`,
			want: []string{"TYPE_CHANGED #/ @1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := compat.Check(context.Background(), tc.level, jsonText(tc.next), tc.existing, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+" "+f.Path+" @"+strconv.Itoa(f.Version))
				if f.Message == "" {
					t.Errorf("finding %v has no message", f)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings\n got  %q\n want %q", got, tc.want)
			}
			if res.Compatible != (len(tc.want) == 0) {
				t.Errorf("compatible = %v with findings %v", res.Compatible, got)
			}
		})
	}
}

// TestJSONCanReadDirection pins which side is Confluent's original: the
// writer. A reader that adds a required property cannot read old data.
func TestJSONCanReadDirection(t *testing.T) {
	old := jsonText(`{"type":"object","properties":{"a":{"type":"string"}}}`)
	next := jsonText(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}`)
	tests := []struct {
		name           string
		reader, writer serde.Schema
		compatible     bool
	}{
		{name: "new reader, old writer", reader: next, writer: old, compatible: false},
		{name: "old reader, new writer", reader: old, writer: next, compatible: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), tc.reader, tc.writer, nil)
			if err != nil {
				t.Fatal(err)
			}
			if (len(fs) == 0) != tc.compatible {
				t.Errorf("compatible = %v, want %v: %v", len(fs) == 0, tc.compatible, fs)
			}
		})
	}
}

func TestJSONPolicy(t *testing.T) {
	old := jsonText(`{"type":"object","properties":{"a":{"type":"string"}}}`)
	next := jsonText(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`)
	tests := []struct {
		name       string
		policy     compat.JSONPolicy
		compatible bool
	}{
		{name: "strict refuses an optional property added to an open model", policy: compat.JSONStrict, compatible: false},
		{name: "lenient accepts it", policy: compat.JSONLenient, compatible: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := compat.CanReadJSON(context.Background(), tc.policy, next, old, nil)
			if err != nil {
				t.Fatal(err)
			}
			if (len(fs) == 0) != tc.compatible {
				t.Errorf("compatible = %v, want %v: %v", len(fs) == 0, tc.compatible, fs)
			}
		})
	}
}

func ExampleCanReadJSON() {
	v1 := serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"total":{"type":"integer"}}}`}
	v2 := serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"total":{"type":"string"}}}`}
	// BACKWARD: can the new schema read what the old one wrote?
	findings, err := compat.CanReadJSON(context.Background(), compat.JSONStrict, v2, v1, nil)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// #/properties/total:1:32: TYPE_CHANGED: property "total" changed type from integer to string
}

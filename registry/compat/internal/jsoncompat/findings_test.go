package jsoncompat

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
)

func TestFindings(t *testing.T) {
	writer := `{
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "total": {"type": "integer"}
  },
  "additionalProperties": false
}`
	tests := []struct {
		name   string
		reader string
		want   []report.Finding
	}{
		{
			name: "type change located in the reader",
			reader: `{
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "total": {"type": "string"}
  },
  "additionalProperties": false
}`,
			want: []report.Finding{{Rule: "TYPE_CHANGED", Path: "#/properties/total", Line: 5, Col: 5, Message: `property "total" changed type from integer to string`}},
		},
		{
			name: "removed property located at its parent",
			reader: `{
  "type": "object",
  "properties": {
    "id": {"type": "string"}
  },
  "additionalProperties": false
}`,
			want: []report.Finding{{Rule: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", Path: "#/properties/total", Line: 3, Col: 3, Message: `property "total" removed from a closed content model`}},
		},
		{
			name:   "required added",
			reader: `{"type":"object","properties":{"id":{"type":"string"},"total":{"type":"integer"}},"required":["total"],"additionalProperties":false}`,
			want:   []report.Finding{{Rule: "REQUIRED_ATTRIBUTE_ADDED", Path: "#/required/total", Line: 1, Col: 83, Message: `property "total" became required, without a default`}},
		},
		{
			name:   "attribute keyword located",
			reader: "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\n  \"maxLength\": 3},\"total\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
			want:   []report.Finding{{Rule: "MAX_LENGTH_ADDED", Path: "#/properties/id/maxLength", Line: 2, Col: 3, Message: `property "id" maxLength 3 added`}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CanRead(context.Background(), jsonSchema(tc.reader), jsonSchema(writer), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("finding %d\n got  %#v\n want %#v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestLocate(t *testing.T) {
	text := "{\n \"properties\": {\n  \"a\": {\"$ref\": \"#/definitions/A\"}\n },\n \"definitions\": {\"A\": {\"type\": \"object\", \"properties\": {\"b\": {}}}},\n \"type\": \"string\", \"enum\": [\"x\"]\n}"
	tests := []struct {
		name      string
		path      string
		line, col int
	}{
		{name: "root", path: "#/", line: 1, col: 1},
		{name: "member", path: "#/properties/a", line: 3, col: 3},
		{name: "through ref", path: "#/properties/a/properties/b", line: 5, col: 57},
		{name: "synthetic allOf skipped", path: "#/allOf/1/enum", line: 6, col: 20},
		{name: "missing tail", path: "#/properties/zzz", line: 2, col: 2},
	}
	p := scanPositions(text)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, col := p.locate(tc.path)
			if line != tc.line || col != tc.col {
				t.Errorf("locate(%s) = %d:%d, want %d:%d", tc.path, line, col, tc.line, tc.col)
			}
		})
	}
}

func TestReferences(t *testing.T) {
	address := `{"type":"object","properties":{"street":{"type":"string"}},"definitions":{"Zip":{"type":"string","maxLength":5}}}`
	addressV2 := `{"type":"object","properties":{"street":{"type":"string"}},"definitions":{"Zip":{"type":"string","maxLength":4}}}`
	resolver := serde.MapResolver{
		"address.json":    {Format: serde.JSON, Text: address},
		"address-v2.json": {Format: serde.JSON, Text: addressV2},
		"customer.json":   {Format: serde.JSON, Text: `{"type":"object","properties":{"name":{"type":"string"}}}`},
		"https://example.com/schemas/account.json": {Format: serde.JSON, Text: `{"type":"object","properties":{"name":{"type":"string"}}}`},
	}
	tests := []struct {
		name           string
		reader, writer serde.Schema
		wantRules      []string
		wantErr        error
	}{
		{
			name:      "external ref through the resolver",
			writer:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"zip":{"$ref":"address.json#/definitions/Zip"}}}`, References: []serde.Reference{{Name: "address.json", Subject: "address", Version: 1}}},
			reader:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"zip":{"$ref":"address-v2.json#/definitions/Zip"}}}`},
			wantRules: []string{"MAX_LENGTH_DECREASED"},
		},
		{
			name:      "whole external document",
			writer:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"home":{"$ref":"address.json"}}}`},
			reader:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"home":{"type":"object","properties":{"street":{"type":"integer"}}}}}`},
			wantRules: []string{"TYPE_CHANGED"},
		},
		{
			name:      "relative ref resolved against $id",
			writer:    serde.Schema{Format: serde.JSON, Text: `{"$id":"https://example.com/schemas/order.json","properties":{"c":{"$ref":"account.json"}}}`},
			reader:    serde.Schema{Format: serde.JSON, Text: `{"$id":"https://example.com/schemas/order.json","properties":{"c":{"$ref":"https://example.com/schemas/account.json"}}}`},
			wantRules: nil,
		},
		{
			name:      "absolute ref registered by its relative name",
			writer:    serde.Schema{Format: serde.JSON, Text: `{"$id":"https://example.com/schemas/order.json","properties":{"c":{"type":"object","properties":{"name":{"type":"integer"}}}}}`},
			reader:    serde.Schema{Format: serde.JSON, Text: `{"$id":"https://example.com/schemas/order.json","properties":{"c":{"$ref":"https://example.com/schemas/customer.json"}}}`},
			wantRules: []string{"TYPE_CHANGED"},
		},
		{
			name:      "same name at two registered versions",
			writer:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"zip":{"$ref":"zip.json"}}}`, References: []serde.Reference{{Name: "zip.json", Subject: "zip", Version: 1}}},
			reader:    serde.Schema{Format: serde.JSON, Text: `{"properties":{"zip":{"$ref":"zip.json"}}}`, References: []serde.Reference{{Name: "zip.json", Subject: "zip", Version: 2}}},
			wantRules: []string{"MAX_LENGTH_DECREASED"},
		},
		{
			name:    "unknown external ref",
			writer:  serde.Schema{Format: serde.JSON, Text: `{"$ref":"https://example.com/other.json"}`},
			reader:  serde.Schema{Format: serde.JSON, Text: `{}`},
			wantErr: serde.ErrReference,
		},
		{
			name:    "dangling pointer",
			writer:  serde.Schema{Format: serde.JSON, Text: `{"$ref":"#/definitions/nope"}`},
			reader:  serde.Schema{Format: serde.JSON, Text: `{}`},
			wantErr: serde.ErrReference,
		},
		{
			name:    "not json",
			writer:  serde.Schema{Format: serde.JSON, Text: `{"type":`},
			reader:  serde.Schema{Format: serde.JSON, Text: `{}`},
			wantErr: serde.ErrSchema,
		},
		{
			name:    "not a schema",
			writer:  serde.Schema{Format: serde.JSON, Text: `[1,2]`},
			reader:  serde.Schema{Format: serde.JSON, Text: `{}`},
			wantErr: serde.ErrSchema,
		},
		{
			name:    "unknown type",
			writer:  serde.Schema{Format: serde.JSON, Text: `{"type":"text"}`},
			reader:  serde.Schema{Format: serde.JSON, Text: `{}`},
			wantErr: serde.ErrSchema,
		},
	}
	// Registered versions of zip.json, as a registry client resolves them.
	versioned := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		if ref.Subject == "zip" {
			return serde.Schema{Format: serde.JSON, Text: `{"type":"string","maxLength":` + strconv.Itoa(6-ref.Version) + `}`}, nil
		}
		return resolver.Resolve(ctx, ref)
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := CanRead(context.Background(), tc.reader, tc.writer, versioned)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, f := range fs {
				rules = append(rules, f.Rule)
			}
			if strings.Join(rules, ",") != strings.Join(tc.wantRules, ",") {
				t.Errorf("rules %v, want %v (%v)", rules, tc.wantRules, fs)
			}
		})
	}
}

func TestRecursion(t *testing.T) {
	// A union that recurses through its own members, twelve types deep:
	// the pairwise matching must terminate and still see a change.
	types := []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"}
	build := func(idType string) string {
		var refs []string
		for _, ty := range types {
			refs = append(refs, `{"$ref":"#/definitions/`+ty+`"}`)
		}
		union := `{"oneOf":[` + strings.Join(refs, ",") + `]}`
		var defs []string
		for i, ty := range types {
			id := "string"
			if i == 0 {
				id = idType
			}
			defs = append(defs, `"`+ty+`":{"type":"object","properties":{"id":{"type":"`+id+`"},"under":`+union+`,"ref":`+union+`}}`)
		}
		return `{"type":"object","definitions":{` + strings.Join(defs, ",") + `},"properties":{"product":` + union + `}}`
	}
	// The memoised comparison of a pair inside a cycle is optimistic; a
	// second pass must not let that hide a change (T0 -> T2 -> T0).
	masking := func(t0, t1 string) string {
		obj := func(id, next string) string {
			return `{"type":"object","properties":{"id":{"type":"` + id + `"},"ref":{"oneOf":[{"$ref":"#/definitions/` + next + `"}]}}}`
		}
		return `{"type":"object","definitions":{"T0":` + obj(t0, "T2") + `,"T1":` + obj(t1, "T2") + `,"T2":` + obj("integer", "T0") +
			`},"properties":{"root":{"oneOf":[{"$ref":"#/definitions/T0"},{"$ref":"#/definitions/T1"}]}}}`
	}
	tests := []struct {
		name             string
		original, update string
		compatible       bool
	}{
		{name: "recursive union unchanged", original: build("string"), update: build("string"), compatible: true},
		{name: "recursive union changed deep", original: build("string"), update: build("number"), compatible: false},
		{name: "memoisation does not mask a change", original: masking("integer", "boolean"), update: masking("boolean", "number"), compatible: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := CanRead(context.Background(), jsonSchema(tc.update), jsonSchema(tc.original), nil)
			if err != nil {
				t.Fatal(err)
			}
			if (len(fs) == 0) != tc.compatible {
				t.Errorf("compatible = %v, want %v: %v", len(fs) == 0, tc.compatible, fs)
			}
		})
	}
}

// propsN is an object schema of n properties: n+1 sub-schemas.
func propsN(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = `"p` + strconv.Itoa(i) + `":{"type":"integer"}`
	}
	return `{"type":"object","properties":{` + strings.Join(ps, ",") + `}}`
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat(`{"items":`, MaxDepth+1) + `{}` + strings.Repeat(`}`, MaxDepth+1)
	var wide strings.Builder
	wide.WriteString(`{"anyOf":[`)
	for i := 0; i < 3000; i++ {
		if i > 0 {
			wide.WriteString(",")
		}
		wide.WriteString(`{"type":"object","properties":{"p":{"type":"string","maxLength":` + strconv.Itoa(i) + `}}}`)
	}
	wide.WriteString(`]}`)
	// A union of 48 object types, each holding the union twice: 2304
	// pairs, each matching 48 x 48 members, twice.
	recursiveUnion := func(idType string) string {
		var refs, defs []string
		for i := 0; i < 48; i++ {
			refs = append(refs, `{"$ref":"#/definitions/T`+strconv.Itoa(i)+`"}`)
		}
		union := `{"oneOf":[` + strings.Join(refs, ",") + `]}`
		for i := 0; i < 48; i++ {
			defs = append(defs, `"T`+strconv.Itoa(i)+`":{"type":"object","properties":{"id":{"type":"`+idType+`"},"a":`+union+`,"b":`+union+`}}`)
		}
		return `{"definitions":{` + strings.Join(defs, ",") + `},"properties":{"root":` + union + `}}`
	}
	tests := []struct {
		name             string
		original, update string
		wantErr          error
	}{
		{name: "too many steps", original: recursiveUnion("string"), update: recursiveUnion("number"), wantErr: serde.ErrLimit},
		{name: "too deep", original: deep, update: `{}`, wantErr: serde.ErrLimit},
		{name: "too big", original: `{"title":"` + strings.Repeat("x", MaxSchemaBytes) + `"}`, update: `{}`, wantErr: serde.ErrLimit},
		{name: "too many pairwise comparisons", original: wide.String(), update: strings.Replace(wide.String(), "{", `{"title":"x",`, 1), wantErr: serde.ErrLimit},
		{name: "identical documents are not compared", original: wide.String(), update: wide.String()},
		{name: "subschemas at the limit", original: propsN(MaxSubschemas - 1), update: propsN(MaxSubschemas - 1)},
		{name: "subschemas past the limit", original: propsN(MaxSubschemas), update: `{}`, wantErr: serde.ErrLimit},
		{name: "huge exponent in multipleOf", original: `{"type":"number","multipleOf":1e999999999}`, update: `{}`, wantErr: serde.ErrSchema},
		{name: "huge exponent in maximum orders", original: `{"type":"number","maximum":1e999999999}`, update: `{"type":"number","maximum":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(context.Background(), jsonSchema(tc.original), jsonSchema(tc.update), nil)
			if !errors.Is(err, tc.wantErr) && !(tc.wantErr == nil && err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && tc.name == "too many steps" && !strings.Contains(err.Error(), "steps") {
				t.Errorf("err = %v, want the step limit", err)
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CanRead(ctx, jsonSchema(`{}`), jsonSchema(`{}`), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	schema := `{"definitions":{"x":{"$ref":"#/definitions/x"},"n":{"type":"object","properties":{"next":{"$ref":"#/definitions/n"}}}},"oneOf":[{"$ref":"#/definitions/x"},{"$ref":"#/definitions/n"}]}`
	tests := []struct{ name string }{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs, err := CanRead(context.Background(), jsonSchema(schema), jsonSchema(schema), nil)
			if err != nil || len(fs) != 0 {
				t.Errorf("CanRead = %v, %v", fs, err)
			}
		})
	}
}

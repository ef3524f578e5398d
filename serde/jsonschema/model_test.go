package jsonschema

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func TestModelResolve(t *testing.T) {
	root := `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "properties": {"z": {"$ref": "#/definitions/A"}, "a": {"$ref": "common/address.json#/definitions/Zip"}, "m": {"$ref": "#here"}},
  "definitions": {"A": {"type": "string"}, "B": {"$id": "#here", "type": "integer"}, "C": {"$id": "embedded.json", "type": "null"}}
}`
	resolver := serde.MapResolver{
		"common/address.json": {Text: `{"definitions":{"Zip":{"$ref":"zip.json"}}}`},
		"common/zip.json":     {Text: `{"type":"string","maxLength":5}`},
		"zip.json":            {Text: `{"type":"integer"}`},
		"v.json":              {Text: `{"title":"v1"}`},
	}
	m := NewModel(context.Background(), resolver)
	doc, err := m.Parse("order.json", serde.Schema{Text: root})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Draft() != Draft7 {
		t.Errorf("Draft = %q", doc.Draft())
	}
	if got := doc.Keys("/properties"); !slices.Equal(got, []string{"z", "a", "m"}) {
		t.Errorf("Keys = %v, want the text's order", got)
	}
	if line, col, ok := doc.Pos("/definitions/A"); !ok || line != 4 || col != 19 {
		t.Errorf("Pos = %d:%d %v, want 4:19", line, col, ok)
	}
	tests := []struct {
		name, ref, where string
	}{
		{name: "pointer", ref: "#/definitions/A", where: "order.json#/definitions/A"},
		{name: "escaped pointer", ref: "#/definitions/%41", where: "order.json#/definitions/A"},
		{name: "plain-name fragment", ref: "#here", where: "order.json#/definitions/B"},
		{name: "embedded $id", ref: "embedded.json", where: "order.json#/definitions/C"},
		{name: "other document", ref: "common/address.json#/definitions/Zip", where: "common/address.json#/definitions/Zip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := m.Resolve(doc, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			if n.Where() != tc.where {
				t.Errorf("Where = %s, want %s", n.Where(), tc.where)
			}
		})
	}
	// A relative name resolves against the referring document's name.
	addr, _ := m.Resolve(doc, "common/address.json")
	zip, err := m.Resolve(addr.Doc, "zip.json")
	if err != nil || zip.Where() != "common/zip.json#" || zip.Object()["maxLength"] == nil {
		t.Errorf("nested relative $ref: %v %v", zip, err)
	}
	for _, ref := range []string{"#/nothing", "#nowhere", "missing.json", "embedded.json#/x"} {
		if _, err := m.Resolve(doc, ref); !errors.Is(err, serde.ErrReference) {
			t.Errorf("Resolve(%s) = %v, want ErrReference", ref, err)
		}
	}
	// The same name at another registered version is another document.
	v1 := serde.Schema{Text: `{"$ref":"v.json"}`, References: []serde.Reference{{Name: "v.json", Subject: "v", Version: 1}}}
	v2 := serde.Schema{Text: `{"$ref":"v.json"}`, References: []serde.Reference{{Name: "v.json", Subject: "v", Version: 2}}}
	seen := map[serde.Reference]int{}
	m2 := NewModel(context.Background(), serde.ResolverFunc(func(_ context.Context, r serde.Reference) (serde.Schema, error) {
		seen[r]++
		return serde.Schema{Text: `{"title":"v` + strconv.Itoa(r.Version) + `"}`}, nil
	}))
	for _, s := range []serde.Schema{v1, v2, v1} {
		d, _ := m2.Parse("x", s)
		if _, err := m2.Resolve(d, "v.json"); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 2 || seen[v1.References[0]] != 1 {
		t.Errorf("resolver asked %v, want each version once", seen)
	}
}

func TestModelLimits(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		text string
		opts []Opt
		ok   bool
	}{
		{name: "size at the limit", text: `{"title":"` + strings.Repeat("x", 88) + `"}`, opts: []Opt{MaxSchemaBytes(100)}, ok: true},
		{name: "size past the limit", text: `{"title":"` + strings.Repeat("x", 89) + `"}`, opts: []Opt{MaxSchemaBytes(100)}},
		{name: "depth at the limit", text: strings.Repeat(`{"not":`, 3) + `{}` + strings.Repeat(`}`, 3), opts: []Opt{MaxDepth(4)}, ok: true},
		{name: "depth past the limit", text: strings.Repeat(`{"not":`, 4) + `{}` + strings.Repeat(`}`, 4), opts: []Opt{MaxDepth(4)}},
		{name: "digits at the limit", text: `{"minimum":1.` + strings.Repeat("0", 8) + `1}`, opts: []Opt{MaxNumberDigits(10)}, ok: true},
		{name: "digits past the limit", text: `{"minimum":1.` + strings.Repeat("0", 9) + `1}`, opts: []Opt{MaxNumberDigits(10)}},
		{name: "digits in a string do not count", text: `{"title":"` + strings.Repeat("1", 20) + `"}`, opts: []Opt{MaxNumberDigits(10)}, ok: true},
		{name: "huge exponents are the checker's to order", text: `{"maximum":1e999999999}`, ok: true},
		{name: "subschemas at the limit", text: propsSchema(DefaultMaxSubschemas - 1), ok: true},
		{name: "subschemas past the limit", text: propsSchema(DefaultMaxSubschemas)},
		{name: "subschemas past a lower limit", text: propsSchema(10), opts: []Opt{MaxSubschemas(10)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewModel(ctx, nil, tc.opts...).Parse("s", serde.Schema{Text: tc.text})
			if tc.ok && err != nil {
				t.Fatalf("got %v", err)
			}
			if !tc.ok && (!errors.Is(err, serde.ErrLimit) || !errors.Is(err, serde.ErrSchema)) {
				t.Fatalf("got %v, want ErrLimit", err)
			}
		})
	}
	for _, bad := range []string{`"string"`, `{"a":`, `{} {}`} {
		if _, err := NewModel(ctx, nil).Parse("s", serde.Schema{Text: bad}); !errors.Is(err, serde.ErrSchema) {
			t.Errorf("Parse(%s) = %v, want ErrSchema", bad, err)
		}
	}
	// MaxDocuments: the third document is refused.
	r := serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		return serde.Schema{Text: `{}`}, nil
	})
	m := NewModel(ctx, r, MaxDocuments(2))
	d, _ := m.Parse("s", serde.Schema{Text: `{}`})
	for i, want := range []error{nil, nil, serde.ErrLimit} {
		if _, err := m.Resolve(d, "d"+strconv.Itoa(i)+".json"); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("document %d: %v, want %v", i, err, want)
		}
	}
}

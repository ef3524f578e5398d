package jsonschema

import (
	"context"
	"slices"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestPlanKeyOrder: the plan knows properties in the order the schema
// text writes them, through $ref too; required-only names come after.
func TestPlanKeyOrder(t *testing.T) {
	s := orderSchema(t)
	root := s.plan
	want := []string{"order_id", "customer_id", "email", "status", "created_at", "total", "currency", "items", "shipping_address", "note", "gift", "tags"}
	if !slices.Equal(root.keyNames, want) {
		t.Fatalf("root keys %v, want %v", root.keyNames, want)
	}
	addr := root.keyNodes[8]
	for addr.onlyRef {
		addr = addr.ref
	}
	if want := []string{"street", "city", "postal_code", "country"}; !slices.Equal(addr.keyNames, want) {
		t.Fatalf("address keys %v, want %v", addr.keyNames, want)
	}
	u := compileText(t, `{"properties":{"b":{},"a":{}},"required":["z"]}`)
	if want := []string{"b", "a", "z"}; !slices.Equal(u.plan.keyNames, want) {
		t.Fatalf("keys %v, want %v", u.plan.keyNames, want)
	}
}

// TestPlanKeyOrderRelativeID: a relative $id moves the base URI; the
// order still comes from the text.
func TestPlanKeyOrderRelativeID(t *testing.T) {
	s := compileText(t, `{"$id":"orders/v1.json","properties":{"zeta":{},"alpha":{},"mid":{}}}`)
	if want := []string{"zeta", "alpha", "mid"}; !slices.Equal(s.plan.keyNames, want) {
		t.Fatalf("keys %v, want %v", s.plan.keyNames, want)
	}
}

// TestPlanFromModel: the plan reads the Model's documents as the library
// reads them: other documents by the URL the library loaded, relative
// $ids, each document's draft, $ref siblings per draft. Where it cannot
// match the library (embedded $ids, anchors, custom meta-schemas) it
// declines. The plan's verdicts equal the library's on every instance.
func TestPlanFromModel(t *testing.T) {
	resolver := serde.MapResolver{
		"common/address.json":    {Text: `{"type":"object","properties":{"zip":{"$ref":"zip.json"}},"required":["zip"]}`},
		"common/zip.json":        {Text: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"string","maxLength":5,"minLength":2}`},
		"orders/item.json":       {Text: `{"type":"object","properties":{"qty":{"type":"integer","minimum":1}}}`},
		"https://x.test/ev.json": {Text: `{"type":"integer","exclusiveMinimum":0}`},
	}
	tests := []struct {
		name, schema string
		refs         []serde.Reference
		plan         bool
	}{
		{name: "other documents, relative to the referring one", schema: `{"properties":{"a":{"$ref":"common/address.json"}}}`, plan: true},
		{name: "relative $id moves the base", schema: `{"$id":"orders/v1.json","properties":{"i":{"$ref":"item.json"}}}`, plan: true},
		{name: "absolute $id", schema: `{"$id":"https://x.test/root.json","items":{"$ref":"ev.json"}}`, plan: true},
		{name: "listed reference", schema: `{"properties":{"b":{"$ref":"lib.json#/$defs/n"}}}`, refs: []serde.Reference{{Name: "lib.json", Subject: "lib", Version: 1}}, plan: true},
		{name: "draft 4 exclusiveMinimum", schema: `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"minimum":1,"exclusiveMinimum":true}}}`, plan: true},
		{name: "draft 7 ignores $ref siblings", schema: `{"$schema":"http://json-schema.org/draft-07/schema","definitions":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/definitions/s","maxLength":1}}}`, plan: true},
		{name: "draft 2019 applies $ref siblings", schema: `{"$schema":"https://json-schema.org/draft/2019-09/schema#","$defs":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/s","maxLength":1}}}`, plan: true},
		{name: "draft 6 has no if", schema: `{"$schema":"http://json-schema.org/draft-06/schema#","if":{"required":["a"]},"then":false}`, plan: true},
		{name: "embedded $id declines", schema: `{"$defs":{"s":{"$id":"s.json","type":"string"}},"properties":{"a":{"$ref":"s.json"}}}`},
		{name: "anchor declines", schema: `{"$defs":{"s":{"$anchor":"s","type":"string"}},"properties":{"a":{"$ref":"#s"}}}`},
	}
	resolver["lib.json"] = serde.Schema{Text: `{"$defs":{"n":{"type":"number","multipleOf":0.5}}}`}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(context.Background(), serde.Schema{Text: tc.schema, References: tc.refs}, resolver)
			if err != nil {
				t.Fatal(err)
			}
			if ok, reason := s.FastPath(); ok != tc.plan {
				t.Fatalf("FastPath = %v (%s), want %v", ok, reason, tc.plan)
			}
			insts := append([]string{`{"a":{"zip":"1"}}`, `{"a":{"zip":"12"}}`, `{"a":{"zip":"123456"}}`, `{"a":{}}`, `{"i":{"qty":0}}`, `{"i":{"qty":2}}`,
				`[0]`, `[1]`, `{"b":1.5}`, `{"b":1.25}`, `{"a":1}`, `{"a":"ab"}`, `{"a":"a"}`, `{"a":1.5}`}, diffInstances...)
			for _, inst := range insts {
				if d := comparePlan(s, []byte(inst)); d != "" {
					t.Errorf("instance %s: %s", inst, d)
				}
			}
		})
	}
}

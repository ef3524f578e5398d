package jsonschema_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

func Example() {
	s, err := jsonschema.Compile(context.Background(), serde.Schema{
		Format: serde.JSON,
		Text: `{
		  "type": "object",
		  "required": ["sku", "quantity"],
		  "additionalProperties": false,
		  "properties": {
		    "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
		    "quantity": {"type": "integer", "minimum": 1}
		  }
		}`,
	}, nil)
	if err != nil {
		panic(err)
	}

	type Line struct {
		SKU      string `json:"sku"`
		Quantity int    `json:"quantity"`
	}
	payload, err := s.AppendEncode(nil, Line{SKU: "PEN-0042", Quantity: 2})
	fmt.Println(string(payload), err)

	err = s.Validate(json.RawMessage(`{"sku":"pen","quantity":0,"color":"red"}`))
	for _, v := range serde.Violations(err) {
		fmt.Printf("%s: %v\n", v.Path, v.Err)
	}
	// Output:
	// {"sku":"PEN-0042","quantity":2} <nil>
	// sku: bad format
	// quantity: out of range
	// color: unknown field
}

func ExampleCompile_references() {
	resolver := serde.MapResolver{
		"address.json": {Format: serde.JSON, Text: `{"type":"object","required":["city"]}`},
	}
	s, err := jsonschema.Compile(context.Background(), serde.Schema{
		Format:     serde.JSON,
		Text:       `{"properties":{"ship_to":{"$ref":"address.json"}}}`,
		References: []serde.Reference{{Name: "address.json", Subject: "address-value", Version: 1}},
	}, resolver)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Validate(json.RawMessage(`{"ship_to":{}}`)))

	_, err = jsonschema.Compile(context.Background(), serde.Schema{
		Format: serde.JSON,
		Text:   `{"$ref":"https://example.com/elsewhere.json"}`,
	}, resolver)
	fmt.Println(err != nil)
	// Output:
	// ship_to.city: missing required property
	// true
}

func ExampleCompiled_Canonical() {
	s, err := jsonschema.Compile(context.Background(), serde.Schema{
		Text: `{ "type": "number", "maximum": 1.50E2, "minimum": 0.0 }`,
	}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Canonical())
	// Output:
	// {"maximum":150,"minimum":0,"type":"number"}
}

// A Model reads a schema as the code generator and the compatibility
// checker do: keys in the text's order, positions, and $refs resolved
// through the resolver.
func ExampleModel() {
	m := jsonschema.NewModel(context.Background(), serde.MapResolver{
		"address.json": {Text: `{"type":"object","properties":{"zip":{"type":"string"}}}`},
	})
	doc, err := m.Parse("order.json", serde.Schema{Text: `{
  "type": "object",
  "properties": {
    "total": {"type": "number", "minimum": 0},
    "ship": {"$ref": "address.json"}
  }
}`})
	if err != nil {
		panic(err)
	}
	root, _ := doc.Node("")
	for _, name := range root.Properties() {
		p, _ := root.Child("properties", name)
		line, col, _ := p.Pos()
		fmt.Printf("%s at %d:%d, type %v\n", name, line, col, p.Types())
		if ref, ok := p.String("$ref"); ok {
			target, err := m.Resolve(doc, ref)
			if err != nil {
				panic(err)
			}
			fmt.Printf("  $ref %s: %s with %v\n", ref, target.Where(), target.Properties())
		}
	}
	// Output:
	// total at 4:5, type [number]
	// ship at 5:5, type []
	//   $ref address.json: address.json# with [zip]
}

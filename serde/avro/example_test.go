package avro_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

type User struct {
	Name  string  `avro:"name"`
	Email *string `avro:"email"`
	Role  string  `avro:"role"`
}

func Example() {
	ctx := context.Background()
	s, err := avro.Compile(ctx, serde.Schema{Text: `{
		"type": "record", "name": "User", "namespace": "app",
		"fields": [
			{"name": "name", "type": "string"},
			{"name": "email", "type": ["null", "string"], "default": null},
			{"name": "role", "type": {"type": "enum", "name": "Role", "symbols": ["ADMIN", "USER"]}}
		]}`}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Canonical())

	b, err := s.AppendEncode(nil, &User{Name: "ada", Role: "ADMIN"})
	fmt.Printf("%x %v\n", b, err)

	var back User
	if err := s.Decode(b, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.Name, back.Email == nil, back.Role)

	// A value the schema forbids never gets encoded.
	_, err = s.AppendEncode(nil, &User{Name: "bob", Role: "ROOT"})
	fmt.Println(err, errors.Is(err, serde.ErrEnum))

	// Plain JSON becomes a value the schema accepts.
	v, err := s.FromJSON([]byte(`{"name":"eve","email":"eve@example.com","role":"USER"}`))
	if err != nil {
		panic(err)
	}
	b, err = s.AppendEncode(nil, v)
	fmt.Printf("%x %v\n", b, err)
	// Output:
	// {"name":"app.User","type":"record","fields":[{"name":"name","type":"string","order":"ascending"},{"name":"email","type":["null","string"],"order":"ascending","default":null},{"name":"role","type":{"name":"app.Role","type":"enum","symbols":["ADMIN","USER"]},"order":"ascending"}]}
	// 066164610000 <nil>
	// ada true ADMIN
	// role: not a symbol of enum app.Role true
	// 06657665021e657665406578616d706c652e636f6d02 <nil>
}

func ExampleCompiled_Validate() {
	s, err := avro.Compile(context.Background(), serde.Schema{Text: `{
		"type": "record", "name": "Line",
		"fields": [
			{"name": "sku", "type": "string"},
			{"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}}
		]}`}, nil)
	if err != nil {
		panic(err)
	}
	err = s.Validate(map[string]any{"sku": 42})
	for _, v := range serde.Violations(err) {
		fmt.Printf("%s: %s\n", v.Path, v.Reason)
	}
	// Output:
	// sku: expected string, got Go type int
	// price: missing required field "price" of record Line
}

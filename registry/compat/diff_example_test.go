package compat_test

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

func ExampleDiff() {
	v1 := serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package acme;
message Order {
  int64 id = 1;
  string note = 2;
}`}
	v2 := serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package acme;
message Order {
  string id = 1;
  int64 total = 3;
}`}
	changes, err := compat.Diff(context.Background(), v1, v2, nil)
	if err != nil {
		panic(err)
	}
	for _, c := range changes {
		fmt.Printf("%-26s %-16s %-11s compatible=%v\n", c.Rule, c.Path, c.ConfluentPath, c.Compatible)
	}
	// Output:
	// FIELD_SCALAR_KIND_CHANGED  acme.Order.id    #/Order/1   compatible=false
	// FIELD_REMOVED              acme.Order.note  #/Order/2   compatible=true
	// FIELD_ADDED                acme.Order.total #/Order/3   compatible=true
}

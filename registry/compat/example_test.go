package compat_test

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

func ExampleCheck() {
	v1 := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`}
	// Adding a field without a default: new readers cannot read old data.
	v2 := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"total","type":"long"}]}`}

	res, err := compat.Check(context.Background(), compat.Backward, v2, []compat.Version{{Version: 1, Schema: v1}}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("compatible:", res.Compatible)
	for _, f := range res.Findings {
		fmt.Println(f.Rule, f.Path)
	}

	// The same change is fine going forward: old readers ignore the field.
	res, _ = compat.Check(context.Background(), compat.Forward, v2, []compat.Version{{Version: 1, Schema: v1}}, nil)
	fmt.Println("forward compatible:", res.Compatible)
	// Output:
	// compatible: false
	// READER_FIELD_MISSING_DEFAULT_VALUE Order.total
	// forward compatible: true
}

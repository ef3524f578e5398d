package formats_test

import (
	"context"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

func ExampleFromJSON() {
	schema := serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"]}`}
	c, err := formats.Compile(context.Background(), schema, nil)
	if err != nil {
		panic(err)
	}
	for _, line := range []string{`{"qty": 3}`, `{"qty": 0}`} {
		v, err := formats.FromJSON(c, []byte(line))
		if err == nil {
			err = c.Validate(v)
		}
		fmt.Printf("%s: %v\n", line, err)
	}
	// Output:
	// {"qty": 3}: <nil>
	// {"qty": 0}: qty: must be >= 1
}

package serde_test

import (
	"errors"
	"fmt"

	"github.com/schemagen/schemagen/serde"
)

func ExampleAppendPrefix() {
	b := serde.AppendPrefix(nil, 42)
	b = serde.AppendIndexes(b, []int{0})
	fmt.Printf("% x\n", b)
	f, rest, err := serde.ReadFrame(b, nil, serde.Value, true)
	fmt.Println(f.ID, f.Indexes, len(rest), err)
	// Output:
	// 00 00 00 00 2a 00
	// 42 [0] 0 <nil>
}

func ExampleValidationError() {
	err := serde.Annotate(serde.Violation("items[2].sku", serde.ErrType, "expected long, got string"), "orders", "orders-value", 42)
	fmt.Println(err)
	fmt.Println(errors.Is(err, serde.ErrType))
	// Output:
	// orders-value (id 42): items[2].sku: expected long, got string
	// true
}

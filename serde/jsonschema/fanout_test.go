package jsonschema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// chainSchema is d $defs, each a kw of two $refs to the next: a value is
// checked against 2^d schemas at its one place.
func chainSchema(kw string, d int) string {
	var b strings.Builder
	b.WriteString(`{"$ref":"#/$defs/L0","$defs":{`)
	for i := 0; i < d; i++ {
		fmt.Fprintf(&b, `"L%d":{"%s":[{"$ref":"#/$defs/L%d"},{"$ref":"#/$defs/L%d"}]},`, i, kw, i+1, i+1)
	}
	fmt.Fprintf(&b, `"L%d":{"type":"object"}}}`, d)
	return b.String()
}

// TestMaxFanout: an allOf/anyOf chain that makes the library check one
// value against 2^d schemas (2^22 took half a second in Validate alone) is
// refused at compile past MaxFanout, and one at the limit compiles and
// validates.
func TestMaxFanout(t *testing.T) {
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		// Each level is a schema with two {"$ref"} schemas under it:
		// f(L_k) = 1 + 2*(1 + f(L_k+1)), f(leaf) = 1, so the root's $ref
		// puts 2^(d+2) - 2 schemas on the value's place.
		at := func(d int) int { return 1<<(d+2) - 2 }
		if _, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: chainSchema(kw, 8)}, nil, MaxFanout(at(8))); err != nil {
			t.Errorf("%s chain of 8 at MaxFanout(%d): %v", kw, at(8), err)
		}
		_, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: chainSchema(kw, 8)}, nil, MaxFanout(at(8)-1))
		if !errors.Is(err, serde.ErrLimit) || !errors.Is(err, serde.ErrSchema) {
			t.Errorf("%s chain of 8 past MaxFanout(%d): %v, want ErrLimit", kw, at(8)-1, err)
		}
		// The default refuses the 22-level chain of the report, quickly.
		_, err = Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: chainSchema(kw, 22)}, nil)
		if !errors.Is(err, serde.ErrLimit) {
			t.Errorf("%s chain of 22 with the default limit: %v, want ErrLimit", kw, err)
		}
	}
	// A value still validates under a chain the limit lets through.
	c, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: chainSchema("allOf", 8)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(json.RawMessage(`{"a":1}`)); err != nil {
		t.Fatalf("validate under the 8-level chain: %v", err)
	}
	if err := c.Validate(json.RawMessage(`[]`)); err == nil {
		t.Fatal("an array passed a chain that ends in type object")
	}
}

// TestMaxFanoutOrdinarySchemas: recursion through properties and items
// (a tree), and $refs shared by many properties, are not fan-out.
func TestMaxFanoutOrdinarySchemas(t *testing.T) {
	var props []string
	for i := 0; i < 500; i++ {
		props = append(props, fmt.Sprintf(`"p%d":{"$ref":"#/$defs/Addr"}`, i))
	}
	for _, s := range []string{
		`{"$defs":{"Node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/Node"}},"v":{"anyOf":[{"type":"string"},{"type":"null"}]}}}},"$ref":"#/$defs/Node"}`,
		`{"type":"object","properties":{` + strings.Join(props, ",") + `},"$defs":{"Addr":{"allOf":[{"type":"object"},{"required":["street"]}]}}}`,
	} {
		if _, err := Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: s}, nil, MaxFanout(20)); err != nil {
			t.Errorf("ordinary schema refused at MaxFanout(20): %v", err)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemo runs the demo as `make demo` does, with fewer records.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, 50); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"produced: 150 records to 3 topics",
		"rejected: 5 invalid values",
		"consumed: 150 records",
		"decoded:  150 records",
		"result:   OK",
		"[rule \"not an enum symbol\", subject orders-value, schema id 2]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

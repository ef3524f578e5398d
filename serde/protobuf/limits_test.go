package protobuf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestTotalBytesLimit: per file, imports could add up to MaxImports times
// MaxSchemaBytes; the total is capped too.
func TestTotalBytesLimit(t *testing.T) {
	dep := func(i int) string { return fmt.Sprintf("syntax = \"proto3\";\nmessage D%d {}\n", i) }
	store := serde.MapResolver{}
	main := "syntax = \"proto3\";\n"
	total := 0
	for i := range 3 {
		name := fmt.Sprintf("d%d.proto", i)
		store[name] = serde.Schema{Text: dep(i)}
		main += fmt.Sprintf("import %q;\n", name)
		total += len(dep(i))
	}
	main += "message A {}\n"
	total += len(main)
	cases := []struct {
		name  string
		limit int
		ok    bool
	}{
		{name: "at limit", limit: total, ok: true},
		{name: "past limit", limit: total - 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(t.Context(), serde.Schema{Text: main}, store, MaxTotalBytes(tc.limit))
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok && (!errors.Is(err, serde.ErrLimit) || !strings.Contains(err.Error(), "imports")) {
				t.Fatalf("err = %v, want ErrLimit", err)
			}
		})
	}
	if DefaultMaxTotalBytes < DefaultMaxSchemaBytes {
		t.Fatal("the total limit is below the per-file limit")
	}
}

func TestDeclarationsLimit(t *testing.T) {
	// message M (1) with 9 fields: 10 declarations
	text := "syntax = \"proto3\";\nmessage M {\n"
	for i := range 9 {
		text += fmt.Sprintf("  int32 f%d = %d;\n", i, i+1)
	}
	text += "}\n"
	cases := []struct {
		name  string
		limit int
		ok    bool
	}{
		{name: "at limit", limit: 10, ok: true},
		{name: "past limit", limit: 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(t.Context(), serde.Schema{Text: text}, nil, MaxDeclarations(tc.limit))
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok && !errors.Is(err, serde.ErrLimit) {
				t.Fatalf("err = %v, want ErrLimit", err)
			}
		})
	}
	// the default, at and past: an enum of n-2 values in a message
	for _, n := range []int{DefaultMaxDeclarations, DefaultMaxDeclarations + 1} {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\nmessage M {\n enum E {\n")
		for i := range n - 2 {
			fmt.Fprintf(&b, "  E_%d = %d;\n", i, i)
		}
		b.WriteString(" }\n}\n")
		_, err := Compile(t.Context(), serde.Schema{Text: b.String()}, nil)
		if (err == nil) != (n <= DefaultMaxDeclarations) {
			t.Errorf("%d declarations: err = %v", n, err)
		}
	}
}

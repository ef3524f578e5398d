package codegen

import (
	"strings"
	"testing"
)

// TestFormatSourceError: generated code that does not parse comes back as
// an error carrying the source with line numbers.
func TestFormatSourceError(t *testing.T) {
	_, err := formatSource([]byte("package x\n\nfunc {\n"))
	if err == nil {
		t.Fatal("formatSource accepted broken source")
	}
	for _, want := range []string{"format generated source", "    3  func {"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q lacks %q", err, want)
		}
	}
}

// TestImports: imports come from the identifiers used, grouped standard
// library first, with clashing package names aliased.
func TestImports(t *testing.T) {
	tests := []struct {
		name string
		use  [][2]string // import path, identifier
		want []string    // lines of the import block, trimmed
	}{
		{name: "none", want: nil},
		{name: "std and module", use: [][2]string{{"github.com/schemagen/schemagen/serde", "Schema"}, {"time", "Time"}},
			want: []string{`"time"`, ``, `"github.com/schemagen/schemagen/serde"`}},
		{name: "clash", use: [][2]string{{"github.com/schemagen/schemagen/serde/avro", "Compile"}, {"github.com/hamba/avro/v2", "Schema"}},
			want: []string{`avro2 "github.com/hamba/avro/v2"`, `"github.com/schemagen/schemagen/serde/avro"`}},
		{name: "own package", use: [][2]string{{"example.com/p", "T"}}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newGoFile("p", "example.com/p", "x")
			for _, u := range tt.use {
				f.P("var _ ", f.Q(u[0], u[1]))
			}
			b, err := f.bytes()
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			var got []string
			if i := strings.Index(src, "import ("); i >= 0 {
				block := src[i+len("import (\n") : strings.Index(src, ")\n")]
				for _, l := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
					got = append(got, strings.TrimSpace(l))
				}
			} else if strings.Contains(src, "import ") {
				got = []string{"single import form"}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("imports %q, want %q\n%s", got, tt.want, src)
			}
		})
	}
}

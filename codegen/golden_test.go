package codegen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/codegen"
	"github.com/schemagen/schemagen/serde"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/<case>/want")

// goldenCase is testdata/<case>/case.json: the entries of one generated
// package, with schema files relative to the case directory.
type goldenCase struct {
	// Error, when set, is a substring of the error Generate must return;
	// the case then has no want/ directory.
	Error   string        `json:"error"`
	Entries []goldenEntry `json:"entries"`
}

type goldenEntry struct {
	File       string            `json:"file"`
	Topic      string            `json:"topic"`
	Role       string            `json:"role"`
	Subject    string            `json:"subject"`
	Strategy   string            `json:"subject_strategy"`
	Message    string            `json:"message"`
	Framing    string            `json:"framing"`
	Drift      string            `json:"drift"`
	IDSource   string            `json:"id_source"`
	References []serde.Reference `json:"references"`
	// RefFiles maps reference names to files, for names that are not
	// file paths (Avro full names).
	RefFiles map[string]string `json:"ref_files"`
	// RuleSet and Metadata name JSON files holding the schema's rule set
	// and metadata (Confluent's shapes), as schemagen.yaml's rule_set: and
	// metadata: do.
	RuleSet  string `json:"rule_set"`
	Metadata string `json:"metadata"`
}

// loadCase builds the Package of a golden case.
func loadCase(t *testing.T, dir string) (codegen.Package, goldenCase) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("case.json: %v", err)
	}
	name := filepath.Base(dir)
	// Every schema file of the case, by its path relative to the case
	// directory, for imports and $refs.
	files := serde.MapResolver{}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "want" {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() == "case.json" {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, _ := serde.ParseFormat(formatOf(rel))
		files[filepath.ToSlash(rel)] = serde.Schema{Format: f, Text: string(text)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pkg := codegen.Package{
		ImportPath: "github.com/schemagen/schemagen/codegen/testdata/" + name + "/want",
		Name:       strings.ReplaceAll(name, "-", ""),
	}
	for _, ge := range c.Entries {
		res := serde.MapResolver{}
		for k, v := range files {
			res[k] = v
		}
		for n, file := range ge.RefFiles {
			res[n] = files[file]
		}
		fr, err := serde.ParseFraming(ge.Framing)
		if err != nil {
			t.Fatal(err)
		}
		role := serde.Value
		if ge.Role == "key" {
			role = serde.Key
		}
		sch := files[ge.File]
		sch.References = ge.References
		if ge.RuleSet != "" {
			sch.RuleSet = new(serde.RuleSet)
			readJSON(t, filepath.Join(dir, ge.RuleSet), sch.RuleSet)
		}
		if ge.Metadata != "" {
			sch.Metadata = new(serde.Metadata)
			readJSON(t, filepath.Join(dir, ge.Metadata), sch.Metadata)
		}
		pkg.Entries = append(pkg.Entries, codegen.Entry{
			Schema: sch, Resolver: res, Source: ge.File, Topic: ge.Topic, Role: role,
			Subject: ge.Subject, SubjectStrategy: ge.Strategy, Message: ge.Message,
			Framing: fr, Drift: ge.Drift, IDSource: ge.IDSource,
		})
	}
	return pkg, c
}

// readJSON decodes a case's JSON file strictly into v.
func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func formatOf(p string) string {
	switch filepath.Ext(p) {
	case ".proto":
		return "protobuf"
	case ".json":
		return "json"
	}
	return "avro"
}

// TestGolden regenerates every case under testdata and compares with its
// want/ directory (go test ./codegen -update rewrites them).
//
// The tests that import the want/ packages (golden_e2e_test.go,
// json_diff_test.go, bench_test.go) are left out under the codegen_update
// build tag, so goldens whose API changed can still be rewritten before
// those tests are: go test ./codegen -tags codegen_update -run TestGolden -update.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/case.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, d := range dirs {
		dir := filepath.Dir(d)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			pkg, c := loadCase(t, dir)
			got, err := codegen.Generate(context.Background(), pkg)
			want := filepath.Join(dir, "want")
			if c.Error != "" {
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("Generate error = %v, want one containing %q", err, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if *update {
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(want, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, b := range got {
					if err := os.WriteFile(filepath.Join(want, name), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			entries, err := os.ReadDir(want)
			if err != nil {
				t.Fatalf("%v (run go test ./codegen -update)", err)
			}
			var have []string
			for _, e := range entries {
				have = append(have, e.Name())
			}
			var gen []string
			for name := range got {
				gen = append(gen, name)
			}
			sort.Strings(gen)
			if strings.Join(have, " ") != strings.Join(gen, " ") {
				t.Fatalf("generated files %v, want/ has %v (stale: run go test ./codegen -update)", gen, have)
			}
			for _, name := range gen {
				w, err := os.ReadFile(filepath.Join(want, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(w, got[name]) {
					t.Errorf("%s differs from want/%s (stale: run go test ./codegen -update)\n%s", name, name, lineDiff(string(w), string(got[name])))
				}
			}
		})
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g + "\n")
			if n++; n == 5 {
				break
			}
		}
	}
	return b.String()
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonInt(i)) }

func jsonInt(i int) string { b, _ := json.Marshal(i); return string(b) }

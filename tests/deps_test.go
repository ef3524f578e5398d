package tests

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/schemagen/schemagen"

type pkg struct {
	ImportPath string
	Deps       []string
	CgoFiles   []string
	Module     *struct{ Path string }
}

// listPackages runs go list -deps -json over the module's packages.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", "./...")
	cmd.Dir = ".."
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// rel returns the import path relative to the module, "" for the root.
func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	if r, ok := strings.CutPrefix(path, module+"/"); ok {
		return r, true
	}
	return "", false
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// The import direction of ARCHITECTURE.md: each rule names packages (by
// prefix, relative to the module) that may not depend on other packages.
var rules = []struct {
	name      string
	from      func(p string) bool
	forbidden []string
}{
	{
		name:      "serde and its formats never import producer, registry, codegen or cmd",
		from:      func(p string) bool { return under(p, "serde") },
		forbidden: []string{"producer", "registry", "codegen", "cmd"},
	},
	{
		name:      "registry/compat never imports the registry client, server, producer, codegen or cmd",
		from:      func(p string) bool { return under(p, "registry/compat") },
		forbidden: []string{"registry", "registry/server", "registry/registrytest", "producer", "codegen", "cmd"},
	},
	{
		name:      "the registry client never imports the server, producer, codegen or cmd",
		from:      func(p string) bool { return p == "registry" },
		forbidden: []string{"registry/server", "registry/registrytest", "producer", "codegen", "cmd"},
	},
	{
		name:      "registry/server never imports the registry client, producer, codegen or cmd",
		from:      func(p string) bool { return p == "registry/server" },
		forbidden: []string{"registry", "producer", "codegen", "cmd"},
	},
	{
		name:      "producer never imports codegen, the registry server or cmd",
		from:      func(p string) bool { return under(p, "producer") },
		forbidden: []string{"codegen", "registry/server", "registry/registrytest", "cmd"},
	},
	{
		name:      "codegen never imports producer or cmd at generation time",
		from:      func(p string) bool { return under(p, "codegen") && !strings.Contains(p, "/testdata/") },
		forbidden: []string{"producer", "cmd"},
	},
	{
		name:      "the CLI never imports generated code",
		from:      func(p string) bool { return under(p, "cmd") },
		forbidden: []string{"schemas/gen", "examples"},
	},
	{
		name:      "nothing below cmd imports cmd",
		from:      func(p string) bool { return !under(p, "cmd") },
		forbidden: []string{"cmd"},
	},
}

func TestImportDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		from, ok := rel(p.ImportPath)
		if !ok {
			continue
		}
		deps := depsOf(t, p.ImportPath)
		for _, r := range rules {
			if !r.from(from) {
				continue
			}
			for _, d := range deps {
				to, ok := rel(d)
				if !ok || to == from {
					continue
				}
				for _, f := range r.forbidden {
					if to == f || (f != "registry" && under(to, f)) {
						t.Errorf("%s: %s imports %s", r.name, from, to)
					}
				}
			}
		}
	}
}

// The core producer must not pull in Prometheus or OpenTelemetry: those are
// in its metrics subpackages.
func TestProducerCoreDeps(t *testing.T) {
	for _, d := range depsOf(t, module+"/producer") {
		if strings.Contains(d, "prometheus") || strings.Contains(d, "opentelemetry") {
			t.Errorf("producer depends on %s", d)
		}
	}
}

// No cgo anywhere in the module or its dependencies (generated code and the
// CLI must build with CGO_ENABLED=0).
func TestNoCgo(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if .CgoFiles}}{{.ImportPath}}{{end}}", "./...")
	cmd.Dir = ".."
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Fields(string(out)) {
		// The standard library's net, os/user and runtime/cgo have cgo
		// variants that CGO_ENABLED=0 replaces; anything else is ours.
		if !strings.Contains(line, ".") {
			continue
		}
		t.Errorf("package with cgo files: %s", line)
	}
}

func depsOf(t *testing.T, importPath string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", importPath)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", importPath, err)
	}
	return strings.Fields(string(out))
}

// A program that produces through one generated Avro package links Avro and
// nothing of the other formats or of the compatibility checkers: generated
// code names its format's compiler, and neither producer nor registry
// imports every format (serde/formats), Protobuf (the dead-letter path asks
// the schema for JSON) or registry/compat.
func TestOneFormatProgramDeps(t *testing.T) {
	const prog = module + "/tests/testdata/oneformat"
	forbidden := []string{
		"github.com/bufbuild/protocompile",
		"github.com/santhosh-tekuri/jsonschema",
		"google.golang.org/protobuf", // runtime and compiler bits alike
		module + "/serde/protobuf",
		module + "/serde/jsonschema",
		module + "/serde/formats",
		module + "/registry/compat",
	}
	deps := depsOf(t, prog)
	found := false
	for _, d := range deps {
		if d == "github.com/hamba/avro/v2" {
			found = true // the control: the format it uses is there
		}
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("%s depends on %s", prog, d)
			}
		}
	}
	if !found {
		t.Errorf("%s does not depend on hamba/avro: the program no longer produces Avro", prog)
	}
}

package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
)

const starterConfig = `# yaml-language-server: $schema=./schemagen.schema.json
# schemagen's config: see docs/cli.md. Credentials never go here: auth
# names environment variables, e.g.
#   auth: {username_env: SCHEMA_REGISTRY_USER, password_env: SCHEMA_REGISTRY_PASSWORD}
version: 1
registry:
  url: http://127.0.0.1:8081
defaults:
  compatibility: backward
  out: gen
schemas:
  - file: schemas/user.avsc
    topic: users
    go: {package: %s/gen/users}
    # rule_set: contracts/users.rules.json  # a data contract, Confluent's RuleSet JSON (docs/CONTRACTS.md)
`

const starterSchema = `{
  "type": "record",
  "name": "User",
  "namespace": "example",
  "doc": "A user. Edit me, then run schemagen generate.",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "email", "type": "string"},
    {"name": "name", "type": ["null", "string"], "default": null}
  ]
}
`

func runInit(e *env, args []string) error {
	fs := newFlags(e, "init", "")
	dir := fs.String("dir", ".", "directory to write into")
	module := fs.String("module", "", "Go module path of the generated packages (default: from go.mod, else example.com/app)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	d := e.path(*dir)
	if *module == "" {
		*module = modulePath(filepath.Join(d, "go.mod"))
	}
	files := []struct{ name, text string }{
		{config.FileName, fmt.Sprintf(starterConfig, *module)},
		{"schemagen.schema.json", string(config.JSONSchema)},
		{filepath.Join("schemas", "user.avsc"), starterSchema},
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(d, f.name)); err == nil {
			return usageErr("%s exists: init does not overwrite files", filepath.Join(*dir, f.name))
		}
	}
	for _, f := range files {
		p := filepath.Join(d, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(f.text), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(*dir, f.name))
	}
	// The config works against `schemagen dev` as is: its registry URL is
	// dev's, and it has no auth block to fail on an unset variable.
	fmt.Fprintf(e.stdout, `
next:
  schemagen dev         # in another terminal: Kafka on 127.0.0.1:9092, the registry on http://127.0.0.1:8081
  schemagen generate    # writes the Go package %s/gen/users
  schemagen register    # registers schemas/user.avsc as users-value
`, *module)
	return nil
}

// modulePath reads the module line of a go.mod.
func modulePath(gomod string) string {
	b, err := os.ReadFile(gomod)
	if err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
				return strings.Trim(strings.TrimSpace(m), `"`)
			}
		}
	}
	return "example.com/app"
}

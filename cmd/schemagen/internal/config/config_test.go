package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

const good = `version: 1
registry:
  url: http://127.0.0.1:8081
  auth: {username_env: SR_USER, password_env: SR_PASS}
defaults:
  framing: prefix
  compatibility: backward
  out: gen
  import_paths: [schemas/proto]
schemas:
  - file: schemas/avro/order.avsc
    topic: orders
    references: [schemas/avro/money.avsc]
    go: {package: example.com/app/gen/orders}
  - file: schemas/proto/user.proto
    topic: users
    role: key
    go: {package: example.com/app/gen/users, name: users, out: gen/users}
`

func TestParse(t *testing.T) {
	c, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	e := c.Schemas[0]
	if e.Format != "avro" || e.Go.Name != "orders" || e.Go.Out != "gen/orders" || e.RoleOf().String() != "value" {
		t.Fatalf("defaults not applied: %+v", e)
	}
	if c.Schemas[1].Format != "protobuf" || c.Schemas[1].RoleOf().String() != "key" {
		t.Fatalf("entry 1: %+v", c.Schemas[1])
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "empty", text: "", want: []string{"version: 1 is required"}},
		{name: "no version", text: "schemas: []\n", want: []string{"version: 1 is required, got 0"}},
		{name: "version 2", text: "version: 2\n", want: []string{"got 2"}},
		{name: "unknown top key", text: "version: 1\nregistri:\n  url: x\n", want: []string{`line 2: unknown key "registri"`}},
		{name: "unknown nested key", text: "version: 1\nschemas:\n  - file: a.avsc\n    topic: t\n    topik: t\n", want: []string{`line 5: unknown key "topik"`}},
		{name: "secret in url", text: "version: 1\nregistry:\n  url: http://u:p@h\n", want: []string{"credentials may not be written"}},
		{name: "half basic auth", text: "version: 1\nregistry:\n  auth: {username_env: U}\n", want: []string{"go together"}},
		{name: "bad framing", text: "version: 1\ndefaults: {framing: trailer}\n", want: []string{`defaults.framing: "trailer"`}},
		{name: "bad level", text: "version: 1\ndefaults: {compatibility: sideways}\n", want: []string{"defaults.compatibility"}},
		{name: "file and subject", text: "version: 1\nschemas:\n  - {file: a.avsc, subject: s, topic: t}\n", want: []string{"exactly one"}},
		{name: "unknown extension", text: "version: 1\nschemas:\n  - {file: a.xsd, topic: t}\n", want: []string{"schemas[0].format"}},
		{name: "missing topic", text: "version: 1\nschemas:\n  - {file: a.avsc}\n", want: []string{"schemas[0].topic is required"}},
		{name: "bad role", text: "version: 1\nschemas:\n  - {file: a.avsc, topic: t, role: both}\n", want: []string{"schemas[0].role"}},
		{name: "no out", text: "version: 1\nschemas:\n  - {file: a.avsc, topic: t, go: {package: x/y}}\n", want: []string{"go.out"}},
		{name: "bad package name", text: "version: 1\nschemas:\n  - {file: a.avsc, topic: t, go: {package: x/my-pkg, out: o}}\n", want: []string{"not a Go package name"}},
		{name: "two errors", text: "version: 3\ndefaults: {drift: maybe}\n", want: []string{"got 3", "defaults.drift"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.text))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	env := map[string]string{"U": "alice", "P": "s3cret"}
	a := Auth{UsernameEnv: "U", PasswordEnv: "P"}
	u, p, _, err := a.Credentials(func(k string) string { return env[k] })
	if err != nil || u != "alice" || p != "s3cret" {
		t.Fatalf("got %q %q %v", u, p, err)
	}
	_, _, _, err = Auth{TokenEnv: "MISSING"}.Credentials(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "MISSING") {
		t.Fatalf("err = %v", err)
	}
}

// The committed JSON Schema and the Go types describe the same keys, and
// the schema accepts the good config and rejects a typo, as the decoder does.
func TestJSONSchemaInStep(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(JSONSchema, &doc); err != nil {
		t.Fatal(err)
	}
	defs := doc["$defs"].(map[string]any)
	var walk func(path string, typ reflect.Type, node map[string]any)
	walk = func(path string, typ reflect.Type, node map[string]any) {
		if ref, ok := node["$ref"].(string); ok {
			node = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
			if items, ok := node["items"].(map[string]any); ok {
				node = items
			}
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		props, _ := node["properties"].(map[string]any)
		var goKeys, schemaKeys []string
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if key == "-" || key == "" {
				continue
			}
			goKeys = append(goKeys, key)
			sub, ok := props[key].(map[string]any)
			if !ok {
				t.Errorf("%s.%s: in the Go config, not in schema.json", path, key)
				continue
			}
			walk(path+"."+key, f.Type, sub)
		}
		for k := range props {
			schemaKeys = append(schemaKeys, k)
		}
		sort.Strings(goKeys)
		sort.Strings(schemaKeys)
		if !reflect.DeepEqual(goKeys, schemaKeys) {
			t.Errorf("%s: Go keys %v, schema keys %v", path, goKeys, schemaKeys)
		}
		if node["additionalProperties"] != false {
			t.Errorf("%s: schema is not closed (additionalProperties: false)", path)
		}
	}
	walk("$", reflect.TypeOf(Config{}), doc)

	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", bytes.NewReader(JSONSchema)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	check := func(text string) error {
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		var inst any
		_ = json.Unmarshal(b, &inst)
		return s.Validate(inst)
	}
	if err := check(good); err != nil {
		t.Fatalf("schema rejects the good config: %v", err)
	}
	if err := check(strings.Replace(good, "topic: users", "topik: users", 1)); err == nil {
		t.Fatal("schema accepts a misspelled key")
	}
}

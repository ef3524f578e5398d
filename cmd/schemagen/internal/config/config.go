// Package config reads schemagen.yaml: a versioned file (version: 1), decoded
// strictly, so an unknown key is an error that names the key and its line.
// Secrets never live in the file: auth settings name environment variables.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/schemagen/schemagen/serde"
)

// FileName is the config file the CLI looks for by default.
const FileName = "schemagen.yaml"

// ErrConfig wraps every config error, so the CLI exits with the usage code.
var ErrConfig = errors.New("config")

// Config is schemagen.yaml.
type Config struct {
	// Version must be 1.
	Version int `yaml:"version" json:"version"`
	// Registry says how to reach the schema registry.
	Registry Registry `yaml:"registry" json:"registry"`
	// Defaults apply to every schema entry that does not override them.
	Defaults Defaults `yaml:"defaults" json:"defaults"`
	// Schemas lists the schemas to generate, register and check.
	Schemas []Entry `yaml:"schemas" json:"schemas"`

	// Dir is the directory of the config file; relative paths resolve
	// against it. Not read from the file.
	Dir string `yaml:"-" json:"-"`
}

// Registry is the registry connection. Credentials come from environment
// variables named here, never from the file.
type Registry struct {
	// URL of the registry; URLs lists several for fail-over.
	URL  string   `yaml:"url" json:"url"`
	URLs []string `yaml:"urls" json:"urls"`
	// Auth names environment variables holding credentials.
	Auth Auth `yaml:"auth" json:"auth"`
}

// Auth names the environment variables that hold registry credentials.
type Auth struct {
	UsernameEnv string `yaml:"username_env" json:"username_env"`
	PasswordEnv string `yaml:"password_env" json:"password_env"`
	TokenEnv    string `yaml:"token_env" json:"token_env"`
}

// Defaults are settings shared by all entries.
type Defaults struct {
	// SubjectStrategy is topic (the default), record or topic_record.
	SubjectStrategy string `yaml:"subject_strategy" json:"subject_strategy"`
	// Compatibility is the level `check` tests and `register` may set.
	Compatibility string `yaml:"compatibility" json:"compatibility"`
	// Framing is prefix (the default), guid or header.
	Framing string `yaml:"framing" json:"framing"`
	// Drift is fail (the default), warn or allow_if_compatible.
	Drift string `yaml:"drift" json:"drift"`
	// Normalize registers and looks up normalized schemas (default true).
	Normalize *bool `yaml:"normalize" json:"normalize"`
	// Out is the default output directory of generated packages.
	Out string `yaml:"out" json:"out"`
	// ImportPaths are directories searched for .proto imports and
	// JSON Schema $refs, relative to the config file.
	ImportPaths []string `yaml:"import_paths" json:"import_paths"`
}

// Entry is one schema: where it comes from, where its records go, and the
// Go package generated for it.
type Entry struct {
	// File is a schema file, relative to the config file. Either File or
	// Subject is set.
	File string `yaml:"file" json:"file"`
	// Subject is a registry subject with an optional version,
	// subject@version; latest when no version.
	Subject string `yaml:"subject" json:"subject"`
	// Format is avro, protobuf or json; inferred from File's extension.
	Format string `yaml:"format" json:"format"`
	// Message picks the Protobuf message (default: the first in the file).
	Message string `yaml:"message" json:"message"`
	// Topic the generated producer writes to.
	Topic string `yaml:"topic" json:"topic"`
	// Role is value (the default) or key.
	Role string `yaml:"role" json:"role"`
	// References are schema files this one needs (Avro named types in
	// other files); .proto imports and $refs are found through
	// ImportPaths as well.
	References []string `yaml:"references" json:"references"`
	// Go is the generated package.
	Go GoPackage `yaml:"go" json:"go"`
	// RuleSetFile names a JSON file holding the schema's rule set, in
	// Confluent's RuleSet shape, relative to the config file: register
	// sends it with the schema, check reports its changes, generate
	// embeds it.
	RuleSetFile string `yaml:"rule_set" json:"rule_set"`
	// MetadataFile names a JSON file holding the schema's metadata, in
	// Confluent's Metadata shape (tags, properties, sensitive).
	MetadataFile string `yaml:"metadata" json:"metadata"`
	// Contract is what the two files hold, read by Load.
	Contract Contract `yaml:"-" json:"-"`
	// Overrides of the defaults.
	SubjectStrategy string `yaml:"subject_strategy" json:"subject_strategy"`
	Compatibility   string `yaml:"compatibility" json:"compatibility"`
	Framing         string `yaml:"framing" json:"framing"`
	Drift           string `yaml:"drift" json:"drift"`
}

// GoPackage says where generated code goes.
type GoPackage struct {
	// Package is the import path of the generated package.
	Package string `yaml:"package" json:"package"`
	// Name is the package name; the last element of Package by default.
	Name string `yaml:"name" json:"name"`
	// Out is the output directory, relative to the config file.
	Out string `yaml:"out" json:"out"`
}

// Load reads and validates the config file at p.
func Load(p string) (*Config, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	c.Dir = filepath.Dir(p)
	if err := c.LoadContracts(func(rel string) ([]byte, error) { return os.ReadFile(c.Path(rel)) }); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return c, nil
}

var lineRE = regexp.MustCompile(`line (\d+): field (\S+) not found`)

// Parse decodes and validates config text. An unknown key fails with its
// name and line.
func Parse(b []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty file: version: 1 is required", ErrConfig)
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs := make([]string, len(te.Errors))
			for i, m := range te.Errors {
				if sm := lineRE.FindStringSubmatch(m); sm != nil {
					m = fmt.Sprintf("line %s: unknown key %q", sm[1], sm[2])
				}
				msgs[i] = m
			}
			return nil, fmt.Errorf("%w: %s", ErrConfig, strings.Join(msgs, "; "))
		}
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...))
	}
	if c.Version != 1 {
		bad("version: 1 is required, got %d", c.Version)
	}
	for _, u := range append([]string{c.Registry.URL}, c.Registry.URLs...) {
		if strings.Contains(u, "@") {
			bad("registry url: credentials may not be written in the file; use auth.username_env and auth.password_env")
		}
	}
	if c.Registry.Auth.TokenEnv != "" && c.Registry.Auth.UsernameEnv != "" {
		bad("registry auth: token_env and username_env are exclusive")
	}
	if (c.Registry.Auth.UsernameEnv == "") != (c.Registry.Auth.PasswordEnv == "") {
		bad("registry auth: username_env and password_env go together")
	}
	checkEnum := func(where, v string, allowed ...string) {
		if v == "" {
			return
		}
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		bad("%s: %q is not one of %s", where, v, strings.Join(allowed, ", "))
	}
	levels := []string{"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"}
	checkCommon := func(where, strategy, compat, framing, drift string) {
		checkEnum(where+"subject_strategy", strategy, "topic", "record", "topic_record")
		checkEnum(where+"compatibility", strings.ToUpper(compat), levels...)
		checkEnum(where+"framing", framing, "prefix", "guid", "header")
		checkEnum(where+"drift", drift, "fail", "warn", "allow_if_compatible")
	}
	d := c.Defaults
	checkCommon("defaults.", d.SubjectStrategy, d.Compatibility, d.Framing, d.Drift)
	seen := map[string]int{}
	for i := range c.Schemas {
		e := &c.Schemas[i]
		where := fmt.Sprintf("schemas[%d].", i)
		if (e.File == "") == (e.Subject == "") {
			bad("%sfile or subject: exactly one is required", where)
		}
		if e.Format == "" && e.File != "" {
			e.Format = FormatOf(e.File)
		}
		if _, err := serde.ParseFormat(e.Format); err != nil || (e.Format == "" && e.Subject == "") {
			bad("%sformat: %q is not avro, protobuf or json (set format:)", where, e.Format)
		}
		if e.Topic == "" {
			bad("%stopic is required", where)
		}
		checkEnum(where+"role", e.Role, "key", "value")
		if e.Subject != "" && (e.RuleSetFile != "" || e.MetadataFile != "") {
			bad("%srule_set and metadata go with file: (an entry naming a registry subject takes the registered ones)", where)
		}
		checkCommon(where, e.SubjectStrategy, e.Compatibility, e.Framing, e.Drift)
		if e.Go.Package != "" {
			if e.Go.Name == "" {
				e.Go.Name = path.Base(e.Go.Package)
			}
			if !identRE.MatchString(e.Go.Name) {
				bad("%sgo.name: %q is not a Go package name", where, e.Go.Name)
			}
			if e.Go.Out == "" {
				if d.Out == "" {
					bad("%sgo.out (or defaults.out) is required with go.package", where)
				} else {
					e.Go.Out = path.Join(d.Out, e.Go.Name)
				}
			}
			key := e.Go.Out + "\x00" + e.Topic + "\x00" + e.Role
			if j, ok := seen[key]; ok {
				bad("%s: same output, topic and role as schemas[%d]", strings.TrimSuffix(where, "."), j)
			}
			seen[key] = i
		}
	}
	return errors.Join(errs...)
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// FormatOf infers a schema's format from its file extension: .avsc and
// .avro are avro, .proto is protobuf, .json is json; anything else is "".
func FormatOf(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".avsc", ".avro":
		return "avro"
	case ".proto":
		return "protobuf"
	case ".json":
		return "json"
	}
	return ""
}

// Path resolves p, relative to the config file, to a path on disk.
func (c *Config) Path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, filepath.FromSlash(p))
}

// RoleOf returns the entry's role.
func (e *Entry) RoleOf() serde.Role {
	if e.Role == "key" {
		return serde.Key
	}
	return serde.Value
}

// Effective returns the entry's setting, else the default, else def.
func Effective(entry, defaults, def string) string {
	switch {
	case entry != "":
		return entry
	case defaults != "":
		return defaults
	}
	return def
}

// URLs returns every configured registry URL.
func (r Registry) AllURLs() []string {
	var out []string
	if r.URL != "" {
		out = append(out, r.URL)
	}
	return append(out, r.URLs...)
}

// Credentials reads the credentials the auth block names from the
// environment. A named variable that is unset is an error naming the
// variable, never its value.
func (a Auth) Credentials(getenv func(string) string) (user, pass, token string, err error) {
	get := func(name string) (string, error) {
		if name == "" {
			return "", nil
		}
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("%w: environment variable %s is not set", ErrConfig, name)
		}
		return v, nil
	}
	if user, err = get(a.UsernameEnv); err != nil {
		return "", "", "", err
	}
	if pass, err = get(a.PasswordEnv); err != nil {
		return "", "", "", err
	}
	token, err = get(a.TokenEnv)
	return user, pass, token, err
}

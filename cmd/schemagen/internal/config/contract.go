package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"cel.dev/cel-go/cel"

	"github.com/schemagen/schemagen/serde"
)

// This file reads an entry's data contract: rule_set: and metadata: name
// JSON files in Confluent's shapes of RuleSet and Metadata (what the
// registry stores next to a schema), relative to the config file.

// Contract is an entry's data contract as read from its files.
type Contract struct {
	// RuleSet is the rule_set: file's rule set; nil when the entry names
	// none.
	RuleSet *serde.RuleSet
	// RuleSetText is the file's text, for positions in findings.
	RuleSetText string
	// Metadata is the metadata: file's metadata; nil when none.
	Metadata *serde.Metadata
	// MetadataText is the file's text, for positions in findings.
	MetadataText string
}

// ContractError is a rule set or metadata file that is not a valid
// contract: where (file, line, column when known), which rule, and why.
// It wraps ErrConfig: the user's mistake.
type ContractError struct {
	File      string
	Line, Col int
	// Rule is the rule's name, "" when the problem is not one rule's.
	Rule string
	Msg  string
}

func (e *ContractError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Rule != "" {
		fmt.Fprintf(&b, "rule %q: ", e.Rule)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrConfig.
func (e *ContractError) Unwrap() error { return ErrConfig }

// Modes of domain and encoding rules, and of migration rules, as
// Confluent's registry accepts them.
var (
	domainModes    = []string{"WRITE", "READ", "WRITEREAD"}
	migrationModes = []string{"UPGRADE", "DOWNGRADE", "UPDOWN"}
	ruleKinds      = []string{"CONDITION", "TRANSFORM"}
	ruleActions    = []string{"NONE", "ERROR", "DLQ"}
)

// LoadContracts reads every entry's rule_set: and metadata: files through
// read (paths relative to the config file) and validates them. Load calls
// it with the files on disk; check reads them at a git ref.
func (c *Config) LoadContracts(read func(rel string) ([]byte, error)) error {
	var errs []error
	for i := range c.Schemas {
		e := &c.Schemas[i]
		ct, err := ReadContract(e, read)
		if err != nil {
			errs = append(errs, fmt.Errorf("schemas[%d]: %w", i, err))
			continue
		}
		e.Contract = ct
	}
	return errors.Join(errs...)
}

// ReadContract reads and validates one entry's contract files.
func ReadContract(e *Entry, read func(rel string) ([]byte, error)) (Contract, error) {
	var ct Contract
	get := func(key, rel string) ([]byte, error) {
		b, err := read(rel)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s: %s does not exist", ErrConfig, key, rel)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", key, rel, err)
		}
		return b, nil
	}
	if e.RuleSetFile != "" {
		b, err := get("rule_set", e.RuleSetFile)
		if err != nil {
			return ct, err
		}
		if ct.RuleSet, err = ParseRuleSet(e.RuleSetFile, b); err != nil {
			return ct, err
		}
		ct.RuleSetText = string(b)
	}
	if e.MetadataFile != "" {
		b, err := get("metadata", e.MetadataFile)
		if err != nil {
			return ct, err
		}
		if ct.Metadata, err = ParseMetadata(e.MetadataFile, b); err != nil {
			return ct, err
		}
		ct.MetadataText = string(b)
	}
	return ct, nil
}

// strictJSON decodes b into v: unknown fields, trailing data and a
// document that is not an object are errors, placed in file.
func strictJSON(file string, b []byte, v any) error {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return &ContractError{File: file, Line: 1, Col: 1, Msg: "not a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			line, col := lineCol(b, int(dec.InputOffset()))
			return &ContractError{File: file, Line: line, Col: col, Msg: "data after the JSON object"}
		}
		return nil
	}
	ce := &ContractError{File: file, Msg: err.Error()}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		ce.Line, ce.Col = lineCol(b, int(syn.Offset)-1)
		ce.Msg = "invalid JSON: " + syn.Error()
	case errors.As(err, &typ):
		ce.Line, ce.Col = lineCol(b, int(typ.Offset)-1)
		ce.Msg = fmt.Sprintf("%s: want a JSON %s, got %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		ce.Msg = "unknown key " + name
		if i := bytes.Index(b, []byte(name)); i >= 0 {
			ce.Line, ce.Col = lineCol(b, i)
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		ce.Msg = "invalid JSON: unexpected end of file"
	}
	return ce
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice":
		return "array"
	case "map", "struct":
		return "object"
	case "bool":
		return "boolean"
	}
	return goKind
}

// ParseRuleSet decodes a rule set file (Confluent's RuleSet JSON) and
// validates it as Confluent's registry does: every rule named, names
// of Confluent's syntax (serde.RuleNameProblem) and unique, kind CONDITION or TRANSFORM, a mode that fits the rule's list
// (WRITE, READ, WRITEREAD for domain and encoding rules; UPGRADE,
// DOWNGRADE, UPDOWN for migration rules), a type, actions NONE, ERROR or
// DLQ (two, comma-separated, only for WRITEREAD and UPDOWN), and for CEL
// and CEL_FIELD rules an expression that parses. Errors name file, line,
// column and rule.
func ParseRuleSet(file string, b []byte) (*serde.RuleSet, error) {
	var rs serde.RuleSet
	if err := strictJSON(file, b, &rs); err != nil {
		return nil, err
	}
	var errs []error
	names := map[string]bool{}
	check := func(list string, rules []serde.Rule, modes []string) {
		for i, r := range rules {
			bad := func(format string, args ...any) {
				line, col := RulePosition(string(b), r.Name)
				ce := &ContractError{File: file, Line: line, Col: col, Rule: r.Name, Msg: fmt.Sprintf(format, args...)}
				if r.Name == "" {
					ce.Msg = fmt.Sprintf("%s[%d]: %s", list, i, ce.Msg)
				}
				errs = append(errs, ce)
			}
			if r.Name == "" {
				bad("no name: every rule needs one")
			} else if p := serde.RuleNameProblem(r.Name); p != "" {
				bad("%s (the registry refuses it)", p)
			} else if names[r.Name] {
				bad("a second rule with this name (rule names are unique in a rule set)")
			}
			names[r.Name] = true
			if !oneOf(r.Kind, ruleKinds) {
				bad("kind %q is not one of %s", r.Kind, strings.Join(ruleKinds, ", "))
			}
			if !oneOf(r.Mode, modes) {
				bad("mode %q is not one of %s (the modes of %s)", r.Mode, strings.Join(modes, ", "), list)
			}
			if r.Type == "" {
				bad("no type (CEL, CEL_FIELD, JSONATA, ENCRYPT, ...)")
			}
			for _, a := range []struct{ key, v string }{{"onSuccess", r.OnSuccess}, {"onFailure", r.OnFailure}} {
				if a.v == "" {
					continue
				}
				parts := strings.Split(a.v, ",")
				two := strings.EqualFold(r.Mode, "WRITEREAD") || strings.EqualFold(r.Mode, "UPDOWN")
				if len(parts) > 2 || (len(parts) == 2 && !two) {
					bad("%s %q: two actions only for WRITEREAD and UPDOWN rules (the first for writes or upgrades)", a.key, a.v)
					continue
				}
				for _, p := range parts {
					if !oneOf(strings.TrimSpace(p), ruleActions) {
						bad("%s %q: %q is not one of %s", a.key, a.v, strings.TrimSpace(p), strings.Join(ruleActions, ", "))
					}
				}
			}
			if t := strings.ToUpper(r.Type); t == "CEL" || t == "CEL_FIELD" {
				if err := parseCEL(r.Expr); err != nil {
					bad("%v", err)
				}
			}
		}
	}
	check("migrationRules", rs.MigrationRules, migrationModes)
	check("domainRules", rs.DomainRules, domainModes)
	check("encodingRules", rs.EncodingRules, domainModes)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &rs, nil
}

var celParser = func() *cel.Env {
	env, err := cel.NewEnv()
	if err != nil {
		panic(err)
	}
	return env
}()

// parseCEL parses a rule's expression, split at its first ';' into a guard
// and the condition as Confluent's executors split it. Only the syntax is
// checked here: names and types are checked against the schema when the
// project is loaded.
func parseCEL(expr string) error {
	cond := expr
	if i := strings.IndexByte(expr, ';'); i >= 0 {
		if guard := strings.TrimSpace(expr[:i]); guard != "" {
			if _, iss := celParser.Parse(guard); iss != nil && iss.Err() != nil {
				return fmt.Errorf("guard does not parse: %v", iss.Err())
			}
		}
		cond = expr[i+1:]
	}
	if strings.TrimSpace(cond) == "" {
		return errors.New("empty expression")
	}
	if _, iss := celParser.Parse(cond); iss != nil && iss.Err() != nil {
		return fmt.Errorf("expression does not parse: %v", iss.Err())
	}
	return nil
}

// ParseMetadata decodes a metadata file (Confluent's Metadata JSON):
// tags (field-name pattern to tags), properties and sensitive.
func ParseMetadata(file string, b []byte) (*serde.Metadata, error) {
	var md serde.Metadata
	if err := strictJSON(file, b, &md); err != nil {
		return nil, err
	}
	for pat, tags := range md.Tags {
		if pat == "" {
			return nil, &ContractError{File: file, Msg: "tags: an empty field pattern"}
		}
		for _, t := range tags {
			if t == "" {
				return nil, &ContractError{File: file, Msg: fmt.Sprintf("tags: %q: an empty tag", pat)}
			}
		}
	}
	for k := range md.Properties {
		if k == "" {
			return nil, &ContractError{File: file, Msg: "properties: an empty key"}
		}
	}
	return &md, nil
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return true
		}
	}
	return false
}

// RulePosition is the line and column of the rule named name in a rule set
// file's or a schema's text: its "name" key in JSON, its name field in a
// .proto option (name: "x"); 0, 0 when it is not found.
func RulePosition(text, name string) (line, col int) {
	if name == "" {
		return 0, 0
	}
	q, _ := json.Marshal(name)
	re := regexp.MustCompile(`(?:^|[^\w"])("name"|name)\s*:\s*` + regexp.QuoteMeta(string(q)))
	loc := re.FindStringSubmatchIndex(text)
	if loc == nil {
		return 0, 0
	}
	return lineCol([]byte(text), loc[2])
}

// lineCol is the 1-based line and column (in bytes) of offset in b.
func lineCol(b []byte, offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(b) {
		offset = len(b)
	}
	line = 1 + bytes.Count(b[:offset], []byte("\n"))
	return line, offset - bytes.LastIndexByte(b[:offset], '\n')
}

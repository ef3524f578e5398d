package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodRuleSet = `{
  "domainRules": [
    {"name": "adult", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
     "expr": "message.age >= 18", "onFailure": "ERROR"},
    {"name": "piiIsEmail", "kind": "CONDITION", "mode": "WRITEREAD", "type": "CEL_FIELD",
     "tags": ["PII"], "expr": "typeName == 'STRING' ; value.isEmail()", "onFailure": "DLQ,NONE",
     "params": {"dlq.topic": "people-dlq"}},
    {"name": "encryptPII", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT", "tags": ["PII"]}
  ],
  "migrationRules": [
    {"name": "up", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA", "expr": "$"}
  ]
}
`

func TestParseRuleSet(t *testing.T) {
	rs, err := ParseRuleSet("rules.json", []byte(goodRuleSet))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.DomainRules) != 3 || len(rs.MigrationRules) != 1 || rs.DomainRules[1].Params["dlq.topic"] != "people-dlq" {
		t.Fatalf("decoded %+v", rs)
	}
	if line, col := RulePosition(goodRuleSet, "piiIsEmail"); line != 5 || col != 6 {
		t.Fatalf("position of piiIsEmail = %d:%d, want 5:6", line, col)
	}
}

func TestParseRuleSetErrors(t *testing.T) {
	rule := func(fields string) string {
		return `{"domainRules": [` + "\n" + `{"name": "r1", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"},` + "\n" + fields + `]}`
	}
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "not an object", text: `[]`, want: []string{"rules.json:1:1: not a JSON object"}},
		{name: "syntax", text: "{\n  \"domainRules\": [,]}", want: []string{"rules.json:2:", "invalid JSON"}},
		{name: "unknown key", text: "{\n  \"domainRulez\": []}", want: []string{"rules.json:2:3", `unknown key "domainRulez"`}},
		{name: "unknown rule key", text: rule(`{"name": "r2", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true", "onFail": "ERROR"}`), want: []string{`unknown key "onFail"`}},
		{name: "wrong type", text: `{"domainRules": {"name": "x"}}`, want: []string{"want a JSON array"}},
		{name: "trailing data", text: `{"domainRules": []} {}`, want: []string{"data after the JSON object"}},
		{name: "no name", text: rule(`{"kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}`), want: []string{"domainRules[1]: no name"}},
		{name: "dot in name", text: rule(`{"name": "a.b", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}`), want: []string{`rules.json:3:2: rule "a.b": illegal character '.' (U+002E) at position 2`, "the registry refuses it"}},
		{name: "digit first", text: rule(`{"name": "9r", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}`), want: []string{`rule "9r": illegal initial character`}},
		{name: "duplicate name", text: rule(`{"name": "r1", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}`), want: []string{`rule "r1": a second rule`}},
		{name: "unknown kind", text: rule(`{"name": "r2", "kind": "CONDTION", "mode": "WRITE", "type": "CEL", "expr": "true"}`), want: []string{`rules.json:3:2: rule "r2": kind "CONDTION" is not one of CONDITION, TRANSFORM`}},
		{name: "migration mode on a domain rule", text: rule(`{"name": "r2", "kind": "CONDITION", "mode": "UPGRADE", "type": "CEL", "expr": "true"}`), want: []string{`mode "UPGRADE" is not one of WRITE, READ, WRITEREAD`}},
		{name: "domain mode on a migration rule", text: `{"migrationRules": [{"name": "m", "kind": "TRANSFORM", "mode": "WRITE", "type": "JSONATA", "expr": "$"}]}`, want: []string{`rule "m": mode "WRITE" is not one of UPGRADE, DOWNGRADE, UPDOWN`}},
		{name: "no type", text: rule(`{"name": "r2", "kind": "CONDITION", "mode": "WRITE", "expr": "true"}`), want: []string{`rule "r2": no type`}},
		{name: "unknown action", text: rule(`{"name": "r2", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true", "onFailure": "EXPLODE"}`), want: []string{`onFailure "EXPLODE"`}},
		{name: "two actions on a write rule", text: rule(`{"name": "r2", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true", "onFailure": "DLQ,ERROR"}`), want: []string{"two actions only for WRITEREAD"}},
		{name: "cel syntax", text: rule(`{"name": "broken", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "message.age >"}`), want: []string{`rules.json:3:2: rule "broken": expression does not parse`, "Syntax error"}},
		{name: "cel guard syntax", text: rule(`{"name": "g", "kind": "CONDITION", "mode": "WRITE", "type": "CEL_FIELD", "expr": "typeName == ; true"}`), want: []string{`rule "g": guard does not parse`}},
		{name: "empty expression", text: rule(`{"name": "e", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": ""}`), want: []string{`rule "e": empty expression`}},
		{name: "two errors", text: rule(`{"name": "r2", "kind": "X", "mode": "Y", "type": "CEL", "expr": "true"}`), want: []string{`kind "X"`, `mode "Y"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRuleSet("rules.json", []byte(tt.text))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			var ce *ContractError
			if !errors.As(err, &ce) {
				t.Fatalf("err %T is not a *ContractError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	md, err := ParseMetadata("md.json", []byte(`{"tags": {"**.email": ["PII"]}, "properties": {"owner": "team-a"}, "sensitive": ["email"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if md.Tags["**.email"][0] != "PII" || md.Properties["owner"] != "team-a" || md.Sensitive[0] != "email" {
		t.Fatalf("decoded %+v", md)
	}
	for _, bad := range []string{`{"tagz": {}}`, `{"tags": {"": ["PII"]}}`, `{"tags": {"a": [""]}}`, `{"properties": []}`} {
		if _, err := ParseMetadata("md.json", []byte(bad)); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", bad, err)
		}
	}
}

// Load reads the files an entry names, relative to the config file, and a
// broken one fails the load with the config's and the file's names.
func TestLoadContracts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := "version: 1\nschemas:\n  - file: person.avsc\n    topic: people\n    rule_set: contracts/people.rules.json\n    metadata: contracts/people.meta.json\n"
	write("schemagen.yaml", cfg)
	write("contracts/people.rules.json", goodRuleSet)
	write("contracts/people.meta.json", `{"tags": {"**.email": ["PII"]}}`)
	c, err := Load(filepath.Join(dir, "schemagen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ct := c.Schemas[0].Contract
	if ct.RuleSet == nil || len(ct.RuleSet.DomainRules) != 3 || ct.Metadata == nil || ct.RuleSetText != goodRuleSet {
		t.Fatalf("contract not loaded: %+v", ct)
	}

	write("contracts/people.rules.json", `{"domainRules": [{"name": "adult", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "message.age >"}]}`)
	_, err = Load(filepath.Join(dir, "schemagen.yaml"))
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), `schemas[0]: contracts/people.rules.json:1:19: rule "adult": expression does not parse`) {
		t.Fatalf("err = %v", err)
	}

	write("schemagen.yaml", strings.Replace(cfg, "people.meta.json", "missing.json", 1))
	write("contracts/people.rules.json", goodRuleSet)
	_, err = Load(filepath.Join(dir, "schemagen.yaml"))
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "metadata: contracts/missing.json does not exist") {
		t.Fatalf("err = %v", err)
	}

	_, err = Parse([]byte("version: 1\nschemas:\n  - {subject: people-value, format: avro, topic: people, rule_set: r.json}\n"))
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "rule_set and metadata go with file:") {
		t.Fatalf("err = %v", err)
	}
}

func TestRulePositionProto(t *testing.T) {
	text := "message P {\n  option (confluent.message_meta) = {rules: [{name: \"adult\", expr: \"this.age >= 18\"}]};\n  string fullname = 1;\n}\n"
	if line, col := RulePosition(text, "adult"); line != 2 || col != 47 {
		t.Fatalf("position = %d:%d, want 2:47", line, col)
	}
	// A key that ends in name is not the rule's name.
	if line, _ := RulePosition(`{"fullname": "adult"}`, "adult"); line != 0 {
		t.Fatalf("matched fullname")
	}
}

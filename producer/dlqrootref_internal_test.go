package producer

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
	_ "github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// A dead letter of a JSON Schema value whose root is a $ref: an ENCRYPT
// rule on PII, the PII tag given by metadata "$.ssn". The ssn must not be
// in the dead letter.
func TestReviewRedactRootRef(t *testing.T) {
	for _, text := range []string{
		`{"type":"object","properties":{"ssn":{"type":"string"}}}`,
		`{"$defs":{"P":{"type":"object","properties":{"ssn":{"type":"string"}}}},"$ref":"#/$defs/P"}`,
	} {
		c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: text}, nil)
		if err != nil {
			t.Fatal(err)
		}
		md := &serde.Metadata{Tags: map[string][]string{"$.ssn": {"PII"}}}
		rd := redactRules(DefaultRedactRuleTypes, &serde.RuleSet{DomainRules: []serde.Rule{{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT", Tags: []string{"PII"}}}})
		b, enc, changed, err := rd.form(json.RawMessage(`{"ssn":"123-45-6789"}`), c, md)
		t.Logf("%s: enc=%s changed=%v err=%v payload=%s", text, enc, changed, err, b)
		if strings.Contains(string(b), "123-45-6789") {
			t.Errorf("the tagged ssn is in the dead letter in plaintext: %s", b)
		}
	}
}

package contract_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// CEL evaluation errors used to be put in the violation's Reason as cel-go
// writes them, and several of cel-go's texts quote the value: no longer.
func TestCELErrorDoesNotQuoteValue(t *testing.T) {
	const secret = "078-05-1120"
	s := `{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]},"m":{"type":"object","additionalProperties":{"type":"string"}}}}`
	c := compileJSONText(t, s)
	exprs := []string{
		"int(value) > 0",
		"double(value) > 0.0",
		"uint(value) > 0u",
		"timestamp(value) > timestamp('2000-01-01T00:00:00Z')",
		"duration(value) > duration('1s')",
		"{'a': true}[value]",
		"value.matches(value)",
		"bool(value)",
	}
	for _, e := range exprs {
		rs := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "r", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: e}}}
		_, err := serialize(t, c, rs, nil, json.RawMessage(`{"ssn":"`+secret+`"}`))
		msg := fmt.Sprintf("%v|%+v", err, serde.Violations(err))
		if strings.Contains(msg, secret) {
			t.Errorf("%-55s leaks: %v", e, err)
		} else {
			t.Logf("%-55s ok: %v", e, err)
		}
	}
	// A CEL (message) rule reading a map whose keys are data.
	for _, e := range []string{"message.m['k'] == 'x'", "int(message.m['k']) > 0", "message.m.all(k, int(k) > 0)"} {
		rs := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "r", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: e}}}
		_, err := serialize(t, c, rs, nil, json.RawMessage(`{"m":{"`+secret+`":"`+secret+`"}}`))
		msg := fmt.Sprintf("%v", err)
		if strings.Contains(msg, secret) {
			t.Errorf("%-55s leaks: %v", e, err)
		} else {
			t.Logf("%-55s ok: %v", e, err)
		}
	}
}

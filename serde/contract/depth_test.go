package contract_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// A recursive schema and a value nesting deeper than the walk's maxDepth
// (1000): the JSON validator accepts it (the plan declines past 1000, the
// library validates). The rule walk used to stop there silently, so the
// tagged field at the bottom was never judged; now the record is refused.
func TestDepthCapRefuses(t *testing.T) {
	s := `{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]},"next":{"$ref":"#"}}}`
	c := compileJSONText(t, s)
	for _, d := range []int{900, 1100} {
		v := strings.Repeat(`{"next":`, d) + `{"ssn":"bad"}` + strings.Repeat(`}`, d)
		if err := c.Validate(json.RawMessage(v)); err != nil {
			t.Fatalf("depth %d: Validate: %v", d, err)
		}
		_, err := serialize(t, c, piiRules, nil, json.RawMessage(v))
		if err == nil {
			t.Errorf("depth %d: record with ssn \"bad\" serialized: CEL_FIELD rule nobad never ran", d)
		} else {
			t.Logf("depth %d: refused: %.100s", d, err)
		}
	}
}

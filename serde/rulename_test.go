package serde

import (
	"strings"
	"testing"
)

func TestRuleNameProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"r", true}, {"_r-1", true}, {"Größe", true}, {"", false}, {"a.b", false}, {"1a", false}, {"-a", false}, {"a b", false},
		{strings.Repeat("a", RuleNameMax), true}, {strings.Repeat("a", RuleNameMax+1), false},
		{"a\U00010400", false},
	} {
		if got := RuleNameProblem(tc.name) == ""; got != tc.ok {
			t.Errorf("RuleNameProblem(%q) = %q, want ok=%v", tc.name, RuleNameProblem(tc.name), tc.ok)
		}
	}
}

package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// Confluent validates a rule set on register and /config only
// (SubjectVersionsResource.register, ConfigResource); a lookup (POST
// /subjects/{s}) or a compatibility check never answers 42210.
func TestLookupDoesNotValidateRules(t *testing.T) {
	ts := httptest.NewServer(newServer(t).Handler())
	defer ts.Close()
	cl, err := sr.NewClient(sr.URLs(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cl.CreateSchema(ctx, "orders-value", sr.Schema{Schema: userV1}); err != nil {
		t.Fatal(err)
	}
	rule := sr.SchemaRule{Name: "orders.id-positive", Kind: sr.SchemaRuleKindCondition, Mode: sr.SchemaRuleModeWrite,
		Type: "CEL", Expr: "message.id > 0"}
	schema := sr.Schema{Schema: userV1, SchemaRuleSet: &sr.SchemaRuleSet{DomainRules: []sr.SchemaRule{rule}}}
	_, err = cl.LookupSchema(ctx, "orders-value", schema)
	var re *sr.ResponseError
	if errors.As(err, &re) && re.ErrorCode == CodeInvalidRuleSet {
		t.Errorf("lookup answered %d %d %q; Confluent does not validate rule sets on lookup", re.StatusCode, re.ErrorCode, re.Message)
	}
	_, err = cl.CheckCompatibility(ctx, "orders-value", -1, schema)
	if errors.As(err, &re) && re.ErrorCode == CodeInvalidRuleSet {
		t.Errorf("compatibility answered %d %d %q", re.StatusCode, re.ErrorCode, re.Message)
	}
}

// TestLookupDoesNotValidateRulesControl: the rule set the lookup above
// sends is one registration refuses, so that test's check can fail.
func TestLookupDoesNotValidateRulesControl(t *testing.T) {
	ts := httptest.NewServer(newServer(t).Handler())
	defer ts.Close()
	cl, err := sr.NewClient(sr.URLs(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	rule := sr.SchemaRule{Name: "orders.id-positive", Kind: sr.SchemaRuleKindCondition, Mode: sr.SchemaRuleModeWrite,
		Type: "CEL", Expr: "message.id > 0"}
	_, err = cl.CreateSchema(context.Background(), "orders-value", sr.Schema{Schema: userV1, SchemaRuleSet: &sr.SchemaRuleSet{DomainRules: []sr.SchemaRule{rule}}})
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != CodeInvalidRuleSet {
		t.Fatalf("register: %v, want 42210", err)
	}
}

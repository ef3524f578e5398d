package registry

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

func srRules(expr string) *sr.SchemaRuleSet {
	return &sr.SchemaRuleSet{DomainRules: []sr.SchemaRule{{Name: "idPositive", Kind: sr.SchemaRuleKindCondition,
		Mode: sr.SchemaRuleModeWrite, Type: "CEL", Expr: expr, OnFailure: "DLQ", Params: map[string]string{"dlq.topic": "dlq"}}}}
}

// The client carries a schema's rule set and metadata from the registry,
// and Bind treats a local rule set other than the registered one as drift.
func TestBindCarriesRuleSet(t *testing.T) {
	ctx := context.Background()
	reg, cl, _ := fakeClient(t)
	reg.SeedSchema("u-value", 1, 1, sr.Schema{Schema: avroUser, SchemaRuleSet: srRules("message.id > 0"),
		SchemaMetadata: &sr.SchemaMetadata{Tags: map[string][]string{"acme.User.id": {"PII"}}}})

	got, err := cl.Bind(ctx, "u-value", avroSchema(avroUser), UseLatest(nil), DriftFail)
	if err != nil {
		t.Fatal(err)
	}
	rs := got.Schema.RuleSet
	if rs == nil || len(rs.DomainRules) != 1 {
		t.Fatalf("rule set not carried: %+v", got.Schema)
	}
	if r := rs.DomainRules[0]; r.Name != "idPositive" || r.Kind != "CONDITION" || r.Mode != "WRITE" || r.Expr != "message.id > 0" || r.OnFailure != "DLQ" || r.Params["dlq.topic"] != "dlq" {
		t.Fatalf("rule = %+v", r)
	}
	if md := got.Schema.Metadata; md == nil || md.Tags["acme.User.id"][0] != "PII" {
		t.Fatalf("metadata = %+v", got.Schema.Metadata)
	}

	local := avroSchema(avroUser)
	local.RuleSet = &serde.RuleSet{DomainRules: []serde.Rule{{Name: "idPositive", Kind: "CONDITION", Mode: "WRITE", Type: "CEL",
		Expr: "message.id > 0", OnFailure: "DLQ", Params: map[string]string{"dlq.topic": "dlq"}}}}
	if _, err := cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftFail); err != nil {
		t.Fatalf("same rules: %v", err)
	}
	local.RuleSet.DomainRules[0].Expr = "message.id > 1"
	_, err = cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftFail)
	var de *DriftError
	if !errors.As(err, &de) || !de.RuleSetDiffers || !errors.Is(err, ErrDrift) || !strings.Contains(err.Error(), "rule set differs") {
		t.Fatalf("changed rule: err = %v", err)
	}
	// Under DriftAllowIfCompatible, a rule-only difference binds to the
	// registered schema (whose rules the producer then enforces).
	if got, err := cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftAllowIfCompatible(compat.CanRead)); err != nil || got.Schema.RuleSet.DomainRules[0].Expr != "message.id > 0" {
		t.Fatalf("allow-if-compatible: %+v %v", got, err)
	}
}

// Register sends the rule set, and the same text with other rules is
// another registration, not a cache hit.
func TestRegisterSendsRuleSet(t *testing.T) {
	ctx := context.Background()
	_, cl, cnt := fakeClient(t)
	s := avroSchema(avroUser)
	s.RuleSet = &serde.RuleSet{DomainRules: []serde.Rule{{Name: "a", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "true"}}}
	if _, err := cl.Register(ctx, "r-value", s); err != nil {
		t.Fatal(err)
	}
	before := cnt.n.Load()
	if _, err := cl.Register(ctx, "r-value", s); err != nil || cnt.n.Load() != before {
		t.Fatalf("same schema and rules again: %v, %d requests", err, cnt.n.Load()-before)
	}
	s2 := s
	s2.RuleSet = &serde.RuleSet{DomainRules: []serde.Rule{{Name: "b", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "true"}}}
	if _, err := cl.Register(ctx, "r-value", s2); err != nil {
		t.Fatal(err)
	}
	if cnt.n.Load() == before {
		t.Fatal("other rules were served from the cache")
	}
	got, err := cl.Latest(ctx, "r-value")
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema.RuleSet == nil || got.Schema.RuleSet.DomainRules[0].Name != "a" {
		t.Fatalf("latest = %+v", got.Schema.RuleSet)
	}
}

// A local rule set holding what franz-go's client drops or normalizes
// (encodingRules, enableAt, a lower-case kind or mode) is the same as
// its own registration, not drift; a real difference still is.
func TestSameRuleSetNormalized(t *testing.T) {
	rule := func(kind, mode, expr string) serde.Rule {
		return serde.Rule{Name: "r", Kind: kind, Mode: mode, Type: "CEL", Expr: expr}
	}
	registered := &serde.RuleSet{DomainRules: []serde.Rule{rule("CONDITION", "WRITE", "x > 0")}}
	for _, tt := range []struct {
		name  string
		local *serde.RuleSet
		same  bool
	}{
		{"identical", &serde.RuleSet{DomainRules: []serde.Rule{rule("CONDITION", "WRITE", "x > 0")}}, true},
		{"lower-case kind and mode", &serde.RuleSet{DomainRules: []serde.Rule{rule("condition", "write", "x > 0")}}, true},
		{"enableAt", &serde.RuleSet{DomainRules: []serde.Rule{rule("CONDITION", "WRITE", "x > 0")}, EnableAt: "CLIENT"}, true},
		{"encodingRules", &serde.RuleSet{DomainRules: []serde.Rule{rule("CONDITION", "WRITE", "x > 0")},
			EncodingRules: []serde.Rule{rule("TRANSFORM", "WRITEREAD", "")}}, true},
		{"other expr", &serde.RuleSet{DomainRules: []serde.Rule{rule("CONDITION", "WRITE", "x > 1")}}, false},
		{"other kind", &serde.RuleSet{DomainRules: []serde.Rule{rule("TRANSFORM", "WRITE", "x > 0")}}, false},
		{"empty", &serde.RuleSet{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameRuleSet(tt.local, registered); got != tt.same {
				t.Fatalf("sameRuleSet = %v, want %v", got, tt.same)
			}
		})
	}
}

// Through a registry: a local rule set with a lower-case kind and
// enableAt binds under DriftFail to its own registration.
func TestBindRuleSetRoundTrip(t *testing.T) {
	ctx := context.Background()
	_, cl, _ := fakeClient(t)
	local := avroSchema(avroUser)
	local.RuleSet = &serde.RuleSet{EnableAt: "CLIENT", DomainRules: []serde.Rule{{Name: "idPositive", Kind: "condition", Mode: "write", Type: "CEL", Expr: "message.id > 0"}},
		EncodingRules: []serde.Rule{{Name: "enc", Kind: "TRANSFORM", Mode: "WRITEREAD", Type: "ENCRYPT"}}}
	if _, err := cl.Register(ctx, "u-value", local); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Bind(ctx, "u-value", local, UseLatest(nil), DriftFail); err != nil {
		t.Fatalf("bind to its own registration: %v", err)
	}
}

package registry

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// TestConfigRuleSets: Config and SetConfig carry the default and override
// rule sets and metadata, and the server merges them into what is
// registered.
func TestConfigRuleSets(t *testing.T) {
	srv := registrytest.New(t)
	cl, _ := client(t, srv.URL())
	ctx := context.Background()
	def := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "pos", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.id > 0"}}}
	ovr := &serde.Metadata{Properties: map[string]string{"owner": "team"}}

	got, err := cl.SetConfig(ctx, "", Config{DefaultRuleSet: def, OverrideMetadata: ovr})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.DefaultRuleSet, def) || !reflect.DeepEqual(got.OverrideMetadata, ovr) {
		t.Fatalf("SetConfig answered %+v", got)
	}
	if _, err := cl.SetConfig(ctx, "u-value", Config{Compatibility: "full"}); err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{"", "u-value", "unconfigured"} {
		c, err := cl.Config(ctx, subject)
		if err != nil {
			t.Fatalf("%q: %v", subject, err)
		}
		want := Config{Compatibility: "BACKWARD", DefaultRuleSet: def, OverrideMetadata: ovr}
		if subject == "u-value" {
			want.Compatibility = "FULL"
		}
		if !reflect.DeepEqual(c, want) {
			t.Errorf("Config(%q) = %+v, want %+v", subject, c, want)
		}
	}

	// Registration merges them in.
	ss, err := cl.Register(ctx, "u-value", serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"U","fields":[{"name":"id","type":"long"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := cl.Latest(ctx, "u-value")
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != ss.ID || !reflect.DeepEqual(latest.Schema.RuleSet, def) || !reflect.DeepEqual(latest.Schema.Metadata, ovr) {
		t.Fatalf("registered %+v", latest.Schema)
	}

	bad := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "broken", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.id >"}}}
	if _, err := cl.SetConfig(ctx, "u-value", Config{OverrideRuleSet: bad}); !errors.Is(err, ErrInvalidRuleSet) {
		t.Fatalf("bad rule set: %v, want ErrInvalidRuleSet", err)
	}
	if _, err := cl.SetConfig(ctx, "u-value", Config{Compatibility: "SIDEWAYS"}); !errors.Is(err, ErrInvalidCompatibilityLevel) {
		t.Fatalf("bad level: %v, want ErrInvalidCompatibilityLevel", err)
	}
}

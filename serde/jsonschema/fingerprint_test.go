package jsonschema_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// The fingerprint covers the documents "$ref"s load, which the canonical
// text names only.
func TestFingerprintCoversReferences(t *testing.T) {
	root := serde.Schema{Format: serde.JSON, Text: `{"type":"object","properties":{"m":{"$ref":"money.json"}}}`,
		References: []serde.Reference{{Name: "money.json", Subject: "money", Version: 1}}}
	compile := func(money string) serde.Compiled {
		t.Helper()
		c, err := jsonschema.Compile(context.Background(), root, serde.MapResolver{"money.json": {Format: serde.JSON, Text: money}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := compile(`{"type":"object","properties":{"units":{"type":"integer"}}}`)
	a2 := compile(`{ "properties": {"units": {"type": "integer"}}, "type": "object" }`)
	b := compile(`{"type":"object","properties":{"units":{"type":"string"}}}`)
	if a.Canonical() != b.Canonical() {
		t.Fatal("test premise: the root's canonical text should not see the reference")
	}
	if serde.Fingerprint(a) == serde.Fingerprint(b) {
		t.Error("fingerprint unchanged by another referenced document")
	}
	if serde.Fingerprint(a) != serde.Fingerprint(a2) {
		t.Error("fingerprint changed by the spelling of the same referenced document")
	}
	noRefs := serde.Schema{Format: serde.JSON, Text: `{"type":"string"}`}
	c, err := jsonschema.Compile(context.Background(), noRefs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.FingerprintText(); got != c.Canonical() {
		t.Errorf("FingerprintText without references = %q, want Canonical %q", got, c.Canonical())
	}
}

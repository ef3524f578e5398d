package protobuf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// TestBuiltinImports: Confluent's known imports compile with no reference
// and no resolver, with the field numbers Confluent's clients read; an
// import of Confluent's that is not built in still needs a reference.
func TestBuiltinImports(t *testing.T) {
	c := compileText(t, `syntax = "proto3";
package acme.v1;
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message Payment {
  option (confluent.message_meta) = { rules: [{ name: "positive", expr: "this.amount.value.size() > 0" }] };
  string id = 1 [(confluent.field_meta) = { tags: "PII", rules: [{ name: "id_set", expr: "this != ''" }] }];
  confluent.type.Decimal amount = 2 [(confluent.field_meta).params = { key: "precision", value: "8" }];
}`)
	f := c.File()
	if f.Imports().Len() != 2 {
		t.Fatalf("imports = %d, want 2", f.Imports().Len())
	}
	meta := f.Imports().Get(0).FileDescriptor
	want := map[protoreflect.FullName]protoreflect.FieldNumber{
		"confluent.Meta.doc": 1, "confluent.Meta.params": 2, "confluent.Meta.tags": 3, "confluent.Meta.rules": 4,
		"confluent.Rule.name": 1, "confluent.Rule.doc": 2, "confluent.Rule.expr": 3, "confluent.Rule.sql": 4,
	}
	for name, num := range want {
		msg := meta.Messages().ByName(name.Parent().Name())
		if msg == nil {
			t.Fatalf("%s: no message %s", meta.Path(), name.Parent())
		}
		fd := msg.Fields().ByName(name.Name())
		if fd == nil || fd.Number() != num {
			t.Errorf("%s: got %v, want number %d", name, fd, num)
		}
	}
	for _, ext := range []protoreflect.Name{"file_meta", "message_meta", "field_meta", "enum_meta", "enum_value_meta"} {
		if xd := meta.Extensions().ByName(ext); xd == nil || xd.Number() != 1088 {
			t.Errorf("extension %s: got %v, want number 1088", ext, xd)
		}
	}
	dec := f.Imports().Get(1).FileDescriptor.Messages().ByName("Decimal")
	if dec == nil || dec.FullName() != "confluent.type.Decimal" || dec.Fields().ByName("scale").Number() != 3 {
		t.Fatalf("confluent.type.Decimal: %v", dec)
	}

	// Not every confluent/ path is built in.
	_, err := Compile(context.Background(), serde.Schema{Format: serde.Protobuf,
		Text: `syntax = "proto3"; import "confluent/nosuch.proto"; message A {}`}, nil)
	if !errors.Is(err, serde.ErrReference) || !strings.Contains(err.Error(), "confluent/nosuch.proto") {
		t.Fatalf("unknown confluent import: %v", err)
	}
}

// HasInlineRules finds confluent.Meta rules on the message, on a field and
// on a nested message, and not tags alone; with no rule engine linked (this
// test binary imports no serde/contract) such a schema cannot bind.
func TestHasInlineRules(t *testing.T) {
	const head = `syntax = "proto3"; package p; import "confluent/meta.proto";
`
	tests := []struct {
		name, text string
		want       bool
	}{
		{"none", head + `message A { string s = 1; }`, false},
		{"tags only", head + `message A { string s = 1 [(confluent.field_meta) = { tags: "PII" }]; }`, false},
		{"message rule", head + `message A { option (confluent.message_meta) = { rules: [{ name: "r", expr: "true" }] }; string s = 1; }`, true},
		{"field rule", head + `message A { string s = 1 [(confluent.field_meta) = { rules: [{ name: "r", expr: "true" }] }]; }`, true},
		{"nested, in a map value", head + `message B { int32 n = 1 [(confluent.field_meta) = { rules: [{ name: "r", expr: "this > 0" }] }]; }
message A { map<string, B> m = 1; }`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compileText(t, tt.text, MessageName("p.A"))
			if got := c.HasInlineRules(); got != tt.want {
				t.Fatalf("HasInlineRules = %v, want %v", got, tt.want)
			}
			_, err := serde.CompileContract(c, nil, nil)
			if tt.want != errors.Is(err, serde.ErrNoRuleEngine) {
				t.Fatalf("CompileContract without an engine: %v", err)
			}
		})
	}
}

package contract_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
)

// Avro union members reach CEL bare, as Confluent's Java and Python clients
// bind them, whether the value arrives in hamba's generic form
// ({"string": "x"}) or bare, at the top, in arrays, in maps and in nested
// records; the caller's value is not changed.
func TestAvroUnionsBare(t *testing.T) {
	const avsc = `{"type": "record", "name": "Contact", "namespace": "crm",
	  "confluent:rules": [{"name": "emailAt", "expr": "!has(this.email) || this.email == null || this.email.contains('@')"}],
	  "fields": [
	    {"name": "email", "type": ["null", "string"], "default": null},
	    {"name": "phones", "type": {"type": "array", "items": ["null", "string"]}},
	    {"name": "labels", "type": {"type": "map", "values": ["null", "long"]}},
	    {"name": "addr", "type": ["null", {"type": "record", "name": "Addr", "fields": [
	      {"name": "zip", "type": ["null", "string"], "default": null}]}], "default": null}
	  ]}`
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: avsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		cond("phonesPlus", "message.phones.all(p, p == null || p.startsWith('+'))"),
		cond("labelsSmall", "message.labels.all(k, message.labels[k] == null || message.labels[k] < 100)"),
		cond("zipDigits", "message.addr == null || message.addr.zip == null || message.addr.zip.matches('^[0-9]+$')"),
	}}
	ct, err := contract.New(c, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrapped := func(email, phone, zip string, label int64) map[string]any {
		return map[string]any{
			"email":  map[string]any{"string": email},
			"phones": []any{nil, map[string]any{"string": phone}},
			"labels": map[string]any{"a": map[string]any{"long": label}, "b": nil},
			"addr":   map[string]any{"crm.Addr": map[string]any{"zip": map[string]any{"string": zip}}},
		}
	}
	bareV := func(email, phone, zip string, label int64) map[string]any {
		return map[string]any{
			"email":  email,
			"phones": []any{nil, phone},
			"labels": map[string]any{"a": label, "b": nil},
			// hamba takes a record member of a union only wrapped.
			"addr": map[string]any{"crm.Addr": map[string]any{"zip": zip}},
		}
	}
	for _, form := range []struct {
		name string
		make func(email, phone, zip string, label int64) map[string]any
	}{{"hamba's generic form", wrapped}, {"bare", bareV}} {
		t.Run(form.name, func(t *testing.T) {
			ok := form.make("a@b.example", "+44", "12345", 7)
			before := reflect.ValueOf(ok["phones"]).Index(1).Interface()
			out, err := serialize(t, c, rs, nil, ok)
			checkViolations(t, out, err, nil)
			if err := ct.Check(ok, nil); err != nil {
				t.Fatalf("valid value: %v", err)
			}
			if after := reflect.ValueOf(ok["phones"]).Index(1).Interface(); !reflect.DeepEqual(before, after) {
				t.Fatalf("Check changed the caller's value: %v became %v", before, after)
			}
			bad := form.make("nope", "44", "12a", 700)
			out, err = serialize(t, c, rs, nil, bad)
			checkViolations(t, out, err, []want{{"", "phonesPlus"}, {"", "labelsSmall"}, {"", "zipDigits"}, {"", "emailAt"}})
		})
	}
}

package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// TestCelFieldFullNameOfRefPlace: a JSON Schema object reached through
// one "$ref" from two properties (address and billing, both
// #/$defs/Address) has fields whose full names are the place's:
// $.address.city and $.billing.city, as Confluent's clients build them
// from the path (Python's json_schema _transform_field, full_name = path +
// "." + prop_name, the path passing through a $ref unchanged). The shared
// node had the full names of the first place only, so a rule guarded by
// fullName == '$.billing.city' never ran (found by TestContractsPython's
// json-nested case), and metadata tags by the second place's name did not
// apply; under a recursive $ref the name grows with the path.
func TestCelFieldFullNameOfRefPlace(t *testing.T) {
	js := compileJSON(t, `{"type":"object",
	 "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"},"geo":{"type":"object","properties":{"lat":{"type":"string"}}}}},
	  "Node":{"type":"object","properties":{"v":{"type":"string"},"next":{"$ref":"#/$defs/Node"}}}},
	 "properties":{"address":{"$ref":"#/$defs/Address"},"billing":{"$ref":"#/$defs/Address"},
	  "list":{"type":"array","items":{"$ref":"#/$defs/Address"}},"head":{"$ref":"#/$defs/Node"}}}`)
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "billingCity", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.billing.city' ; value != 'Nowhere'"},
		{Name: "addressLat", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.address.geo.lat' ; value != '0'"},
		{Name: "billingLat", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.billing.geo.lat' ; value != '1'"},
		{Name: "listCity", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.list.city' ; value != 'Nowhere'"},
		{Name: "third", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "fullName == '$.head.next.next.v' ; value != 'x'"},
		{Name: "secret", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'secret'"},
	}}
	md := &serde.Metadata{Tags: map[string][]string{"$.billing.geo.*": {"PII"}}}
	cases := []struct {
		name, v string
		want    []want
	}{
		{"valid", `{"address":{"city":"Nowhere","geo":{"lat":"1"}},"billing":{"city":"B","geo":{"lat":"0"}},"list":[{"city":"C"}],"head":{"v":"x","next":{"v":"x","next":{"v":"y"}}}}`, nil},
		{"billing city", `{"address":{"city":"A"},"billing":{"city":"Nowhere"}}`, []want{{"billing.city", "billingCity"}}},
		{"address lat", `{"address":{"city":"A","geo":{"lat":"0"}},"billing":{"city":"B"}}`, []want{{"address.geo.lat", "addressLat"}}},
		{"billing lat", `{"address":{"city":"A"},"billing":{"city":"B","geo":{"lat":"1"}}}`, []want{{"billing.geo.lat", "billingLat"}}},
		{"list city", `{"list":[{"city":"A"},{"city":"Nowhere"}]}`, []want{{"list[1].city", "listCity"}}},
		{"third node", `{"head":{"v":"a","next":{"v":"b","next":{"v":"x"}}}}`, []want{{"head.next.next.v", "third"}}},
		{"tag by the second place", `{"address":{"geo":{"lat":"secret"}},"billing":{"geo":{"lat":"secret"}}}`, []want{{"billing.geo.lat", "secret"}}},
	}
	// One contract for every case, twice over: the places cached across
	// Checks (Contract.places) give each place its own name.
	ct, err := contract.New(js, rules, md)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := serde.NewSerializer(js, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 7, Contract: ct})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				out, err := serialize(t, js, rules, md, json.RawMessage(tc.v))
				checkViolations(t, out, err, tc.want)
				out, err = shared.AppendSerialize(nil, json.RawMessage(tc.v))
				checkViolations(t, out, err, tc.want)
			})
		}
	}
}

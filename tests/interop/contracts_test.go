//go:build interop

package interop

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	_ "github.com/schemagen/schemagen/serde/contract" // the rule engine
	"github.com/schemagen/schemagen/serde/formats"
)

// The data contract of issue 10, written once per format: a Customer with
// domain rules (CEL and CEL_FIELD, WRITEREAD, onFailure ERROR) in the rule
// set the registry stores, and inline "confluent:rules" in the Avro and
// JSON Schema texts. Protobuf carries no inline rules: schemagen does not
// read the confluent.Meta option's rules (docs/CONTRACTS.md), so that
// format's share of the same checks is written as domain rules.
const (
	contractAvro = `{"type":"record","name":"Customer","namespace":"pyrules",
 "confluent:rules":[{"name":"scoreInRange","doc":"a score is between 0 and 100","expr":"this.score >= 0.0 && this.score <= 100.0"}],
 "fields":[
  {"name":"name","type":"string","confluent:tags":["PII"],
   "confluent:rules":[{"name":"nameShort","doc":"a name has at most 10 characters","expr":"size(this) <= 10"}]},
  {"name":"email","type":["null","string"],"default":null,"confluent:tags":["PII"]},
  {"name":"age","type":"int"},
  {"name":"balance","type":"long"},
  {"name":"score","type":"double"},
  {"name":"country","type":"string"}]}`

	contractJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Customer","type":"object",
 "confluent:rules":[{"name":"scoreInRange","doc":"a score is between 0 and 100","expr":"this.score >= 0.0 && this.score <= 100.0"}],
 "properties":{
  "name":{"type":"string","confluent:tags":["PII"],
   "confluent:rules":[{"name":"nameShort","doc":"a name has at most 10 characters","expr":"size(this) <= 10"}]},
  "email":{"type":"string","confluent:tags":["PII"]},
  "age":{"type":"integer"},
  "balance":{"type":"integer"},
  "score":{"type":"number"},
  "country":{"type":"string"}},
 "required":["name","age","balance","score","country"],
 "additionalProperties":false}`

	contractProto = `syntax = "proto3";
package pyrules.v1;
message Customer {
  string name = 1;
  optional string email = 2;
  int32 age = 3;
  int64 balance = 4;
  double score = 5;
  string country = 6;
}
`
	contractProtoMessage = "pyrules.v1.Customer"

	// The same Customer with Confluent's field and message options: tags
	// for CEL_FIELD and inline rules. confluent/meta.proto is built into
	// both sides (schemagen's serde/protobuf and Confluent's Python
	// client), so the schema has no reference.
	contractProtoMeta = `syntax = "proto3";
package pyrules.v2;
import "confluent/meta.proto";
message Customer {
  option (confluent.message_meta) = {rules: [{name: "scoreInRange", doc: "a score is between 0 and 100", expr: "this.score >= 0.0 && this.score <= 100.0"}]};
  string name = 1 [(confluent.field_meta) = {tags: ["PII"], rules: [{name: "nameShort", doc: "a name has at most 10 characters", expr: "size(this) <= 10"}]}];
  optional string email = 2 [(confluent.field_meta) = {tags: ["PII"]}];
  int32 age = 3;
  int64 balance = 4;
  double score = 5;
  string country = 6;
}
`
	contractProtoMetaMessage = "pyrules.v2.Customer"
)

func domainRule(name, typ, expr string, tags ...string) serde.Rule {
	return serde.Rule{Name: name, Kind: "CONDITION", Mode: "WRITEREAD", Type: typ, Expr: expr, Tags: tags, OnFailure: "ERROR"}
}

// contractCase is one format's schema, rule set and values.
type contractCase struct {
	name   string // the case's name in the output and in docs/CONTRACTS.md
	format string // avro, protobuf, json (the Python scripts' spelling)
	schema serde.Schema
	msg    string
	// only keeps the values whose changes touch these fields (nil: all).
	only []string
	// vals, when set, are the case's values instead of contractValues'
	// (set only with a non-nil only: the case has none of the common
	// rules, so no "adult" negative control and no size floor).
	vals []string
}

// The enum cases: a CEL_FIELD rule guarded by typeName ENUM, which would
// refuse GOLD, and one on strings. Confluent's executors run CEL_FIELD on
// primitive fields only, so Python accepts GOLD; schemagen must too (it
// did not: serde/contract's TestCelFieldSkipsEnumsAndFixed). The empty
// names are the control that the other rule runs on both sides. An empty
// string in the aliases array is a known difference on purpose: both sides
// run the rule on each item and it is false, but Confluent's clients
// refuse a record only when a field's result is the boolean false, and an
// array's is a list (docs/CONTRACTS.md).
const (
	enumAvro = `{"type":"record","name":"Tiered","namespace":"pyrules","fields":[
  {"name":"name","type":"string"},
  {"name":"country","type":"string"},
  {"name":"tier","type":{"type":"enum","name":"Tier","symbols":["BRONZE","SILVER","GOLD"]}},
  {"name":"aliases","type":{"type":"array","items":"string"}},
  {"name":"nick","type":["null","string"],"default":null}]}`
	enumJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Tiered","type":"object",
 "properties":{"name":{"type":"string"},"country":{"type":"string"},"tier":{"enum":["BRONZE","SILVER","GOLD"]},
  "aliases":{"type":"array","items":{"type":"string"}},"nick":{"type":["string","null"]}},
 "required":["name","country","tier","aliases"],"additionalProperties":false}`
	enumProto = `syntax = "proto3";
package pyrules.v3;
enum Tier { TIER_UNSPECIFIED = 0; BRONZE = 1; SILVER = 2; GOLD = 3; }
message Tiered {
  string name = 1;
  string country = 2;
  Tier tier = 3;
  repeated string aliases = 4;
  optional string nick = 5;
}
`
)

// enumValues are the enum cases' values; Protobuf's carry the enum's
// number (protojson and Python's json_format read both, and Python reads
// the field back as the number).
func enumValues(format string) []string {
	tiers := []any{"BRONZE", "SILVER", "GOLD"}
	if format == "protobuf" {
		tiers = []any{0, 1, 2, 3}
	}
	var out []string
	add := func(v map[string]any) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	// Every value sets nick but the last ones: an Avro record without it
	// is written with its default null, which nickSet refuses on read.
	for _, name := range []string{"Ann", ""} {
		for _, tier := range tiers {
			add(map[string]any{"name": name, "country": "DE", "tier": tier, "aliases": []string{"A"}, "nick": "Bo"})
		}
	}
	add(map[string]any{"name": "Ann", "country": "DE", "tier": tiers[1], "aliases": []string{"A", "B"}, "nick": "Bo"})
	add(map[string]any{"name": "Ann", "country": "DE", "tier": tiers[1], "aliases": []string{"A", ""}, "nick": "Bo"})
	// nickSet: an Avro null is judged (value null, typeName NULL); a JSON
	// null property and an unset Protobuf field are not.
	if format == "protobuf" {
		add(map[string]any{"name": "Ann", "country": "DE", "tier": tiers[1], "aliases": []string{"A"}})
	} else {
		add(map[string]any{"name": "Ann", "country": "DE", "tier": tiers[1], "aliases": []string{"A"}, "nick": nil})
	}
	return out
}

// The nested cases: the shapes a real contract has, one small Order per
// format: bytes, a record inside a record (CEL_FIELD's message is the
// containing record; a rule guarded by fullName), records in an array and
// as map values, unions with a record branch and with two non-null
// branches (Avro), oneof members, scalar maps, unsigned and zigzag
// integers, int64 extremes and a proto3 optional (Protobuf), $ref to $defs
// used twice, allOf/oneOf/anyOf with properties in the branches, integer
// and number, a property missing and null (JSON Schema), and CEL rules on
// nested paths and with has(). Every value sets every field (an Avro
// record missing a nullable field is written with null and judged on
// read).
const (
	nestedAvro = `{"type":"record","name":"Order","namespace":"pyrules","fields":[
  {"name":"id","type":"string"},
  {"name":"payload","type":"bytes"},
  {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}},
  {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
  {"name":"attrs","type":{"type":"map","values":{"type":"record","name":"Attr","fields":[{"name":"label","type":"string"}]}}},
  {"name":"contact","type":["null",{"type":"record","name":"Contact","fields":[{"name":"email","type":"string"}]}]},
  {"name":"ref","type":["string","long"]}]}`
	nestedProto = `syntax = "proto3";
package pyrules.v4;
message Address { string city = 1; string zip = 2; }
message Line { string sku = 1; int32 qty = 2; }
message Order {
  string id = 1;
  bytes payload = 2;
  Address address = 3;
  repeated Line lines = 4;
  map<string, string> labels = 5;
  oneof contact { string email = 6; string phone = 7; }
  uint32 count = 8;
  uint64 total = 9;
  sint64 delta = 10;
  fixed64 stamp = 11;
  int64 big = 12;
  optional string note = 13;
  map<string, Address> sites = 14;
}
`
	nestedJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object",
 "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"required":["city","zip"]}},
 "properties":{
  "id":{"type":"string"},
  "address":{"$ref":"#/$defs/Address"},
  "billing":{"$ref":"#/$defs/Address"},
  "lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}},"required":["sku","qty"]}},
  "count":{"type":"integer"},
  "amount":{"type":"number"},
  "note":{"type":["string","null"]},
  "extra":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}}}]},
  "pay":{"oneOf":[
   {"type":"object","properties":{"card":{"type":"string"}},"required":["card"],"additionalProperties":false},
   {"type":"object","properties":{"iban":{"type":"string"}},"required":["iban"],"additionalProperties":false}]},
  "contact":{"anyOf":[
   {"type":"object","properties":{"email":{"type":"string"}},"required":["email"]},
   {"type":"object","properties":{"phone":{"type":"string"}},"required":["phone"]}]}},
 "required":["id","address","billing","lines","count","amount","extra","pay","contact"],
 "additionalProperties":false}`
)

// A google.protobuf.Timestamp field: Confluent's Java and Go clients walk
// it as a message (seconds LONG, nanos INT), Python binds it whole as one
// value of typeName LONG (common/protobuf.py's is_cel_leaf_message).
const wktProto = `syntax = "proto3";
package pyrules.v5;
import "google/protobuf/timestamp.proto";
message Event {
  string id = 1;
  google.protobuf.Timestamp at = 2;
}
`

func wktValues() []string {
	return jsonTexts(
		obj{"id": "e1", "at": "2020-01-01T00:00:00Z"},
		obj{"id": "e1", "at": "1990-01-01T00:00:00Z"},
		obj{"id": "e1", "at": "1975-01-01T00:00:00Z"},
		obj{"id": "e1", "at": "1970-01-01T00:00:00Z"},
		obj{"id": "e1", "at": "1969-12-31T23:59:59Z"},
		obj{"id": "e1"},
		obj{"id": "", "at": "2020-01-01T00:00:00Z"},
	)
}

// JSON Schema objects without properties (maps: additionalProperties),
// of strings and of $ref'd objects, an array of $ref'd objects, a
// nullable integer, and an integer written 1.0.
const mapJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Catalog","type":"object",
 "$defs":{"Site":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
 "properties":{
  "labels":{"type":"object","additionalProperties":{"type":"string"}},
  "sites":{"type":"object","additionalProperties":{"$ref":"#/$defs/Site"}},
  "list":{"type":"array","items":{"$ref":"#/$defs/Site"}},
  "rank":{"type":["integer","null"]}},
 "required":["labels","sites","list","rank"],
 "additionalProperties":false}`

func mapJSONValues() []string {
	base := obj{"labels": obj{"k": "v"}, "sites": obj{"s": obj{"city": "Paris"}}, "list": []any{obj{"city": "Rome"}}, "rank": 1}
	return jsonTexts(variants(base,
		obj{"labels": obj{"k": ""}}, obj{"labels": obj{}},
		obj{"sites": obj{"s": obj{"city": ""}}}, obj{"sites": obj{}},
		obj{"list": []any{obj{"city": "Rome"}, obj{"city": ""}}},
		obj{"list": []any{obj{"city": "Rome"}, obj{"city": "Nowhere"}}},
		obj{"rank": nil}, obj{"rank": 0}, obj{"rank": json.Number("1.0")}, obj{"rank": json.Number("2.0")},
	)...)
}

// Avro logical types as contracts use them: a timestamp-millis, a date
// and a uuid string, judged by CEL_FIELD and CEL rules.
const logicalAvro = `{"type":"record","name":"Stamp","namespace":"pyrules","fields":[
  {"name":"id","type":{"type":"string","logicalType":"uuid"}},
  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"day","type":{"type":"int","logicalType":"date"}}]}`

func logicalValues() []string {
	base := obj{"id": "6a2f41a3-c54c-fce8-32d2-0324e1c32e22", "at": "2020-01-01T00:00:00Z", "day": "2020-01-01"}
	return jsonTexts(variants(base,
		obj{"at": "1999-12-31T23:59:59Z"}, obj{"at": "2000-01-01T00:00:00.001Z"},
		obj{"day": "1970-01-01"}, obj{"day": "1969-12-31"}, obj{"day": "2000-01-02"},
		obj{"id": "00000000-0000-0000-0000-000000000000"},
	)...)
}

// jsonTexts marshals each value (map keys sorted).
func jsonTexts(vs ...map[string]any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		out[i] = string(b)
	}
	return out
}

// variants returns base, then base with each change applied (a change's
// keys replace base's top-level fields).
func variants(base map[string]any, changes ...map[string]any) []map[string]any {
	out := []map[string]any{base}
	for _, ch := range changes {
		v := map[string]any{}
		for k, x := range base {
			v[k] = x
		}
		for k, x := range ch {
			v[k] = x
		}
		out = append(out, v)
	}
	return out
}

type obj = map[string]any

func nestedAvroValues() []string {
	base := obj{"id": "o1", "payload": "ab", "address": obj{"city": "Berlin", "zip": "10115"},
		"lines": []any{obj{"sku": "A", "qty": 1}}, "attrs": obj{"k": obj{"label": "L"}},
		"contact": obj{"email": "a@b"}, "ref": "r1"}
	return jsonTexts(variants(base,
		// bytes: size(value) <= 4, value != b'bad'; code points 0-255.
		obj{"payload": ""}, obj{"payload": "abcd"}, obj{"payload": "abcde"}, obj{"payload": "bad"},
		obj{"payload": "\u00ff\u00fe\u0000"},
		// the nested record: fullName-guarded city, message is the Address.
		obj{"address": obj{"city": "", "zip": "10115"}}, obj{"address": obj{"city": "Atlantis", "zip": "10115"}},
		obj{"address": obj{"city": "X", "zip": "1"}}, obj{"address": obj{"city": "Berlin", "zip": "1"}},
		// records in an array and as map values.
		obj{"lines": []any{}}, obj{"lines": []any{obj{"sku": "", "qty": 1}}},
		obj{"lines": []any{obj{"sku": "A", "qty": 1}, obj{"sku": "", "qty": 2}}},
		obj{"attrs": obj{}}, obj{"attrs": obj{"k": obj{"label": ""}}},
		// the union with a record branch.
		obj{"contact": nil}, obj{"contact": obj{"email": "nope"}}, obj{"contact": obj{"email": ""}},
		// the union of two non-null branches.
		obj{"ref": 5}, obj{"ref": 0}, obj{"ref": -1}, obj{"ref": ""}, obj{"ref": "bad"},
		obj{"ref": json.Number("9223372036854775807")},
	)...)
}

func nestedProtoValues() []string {
	base := obj{"id": "o1", "payload": "YWI=", "address": obj{"city": "Berlin", "zip": "10115"},
		"lines": []any{obj{"sku": "A", "qty": 1}}, "labels": obj{"k": "v"}, "email": "a@b",
		"count": 1, "total": 1, "delta": 1, "stamp": 1, "big": 1, "note": "n",
		"sites": obj{"s": obj{"city": "Paris", "zip": "75001"}}}
	drop := func(k string, ch obj) obj {
		v := obj{}
		for kk, x := range base {
			if kk != k {
				v[kk] = x
			}
		}
		for kk, x := range ch {
			v[kk] = x
		}
		return v
	}
	vs := variants(base,
		// bytes (base64 in Protobuf JSON): "", "abcd", "abcde", "bad".
		obj{"payload": ""}, obj{"payload": "YWJjZA=="}, obj{"payload": "YWJjZGU="}, obj{"payload": "YmFk"},
		// the nested message.
		obj{"address": obj{"city": "", "zip": "10115"}}, obj{"address": obj{"city": "Atlantis", "zip": "10115"}},
		obj{"address": obj{"city": "X", "zip": "1"}}, obj{"address": obj{"city": "Berlin", "zip": "1"}},
		// messages in a repeated field and as map values; a scalar map.
		obj{"lines": []any{}}, obj{"lines": []any{obj{"sku": "A", "qty": 1}, obj{"sku": "", "qty": 2}}},
		obj{"sites": obj{"s": obj{"city": "", "zip": "75001"}}},
		obj{"labels": obj{}}, obj{"labels": obj{"k": ""}},
		// unsigned, zigzag and fixed integers; int64 extremes.
		obj{"count": 0}, obj{"count": json.Number("4294967295")},
		obj{"total": 0}, obj{"total": json.Number("18446744073709551615")},
		obj{"delta": -99}, obj{"delta": -100}, obj{"delta": json.Number("-9223372036854775808")},
		obj{"stamp": 0}, obj{"stamp": json.Number("18446744073709551615")},
		obj{"big": json.Number("9223372036854775807")}, obj{"big": json.Number("-9223372036854775808")},
		obj{"big": json.Number("9223372036854775806")},
		// the optional set empty; the oneof's other member, and empty.
		obj{"note": ""}, obj{"note": "x"},
	)
	vs = append(vs,
		drop("email", obj{"phone": "123"}), drop("email", obj{"email": ""}),
		drop("email", nil), drop("note", nil), drop("address", nil),
	)
	return jsonTexts(vs...)
}

func nestedJSONValues() []string {
	addr := obj{"city": "Berlin", "zip": "10115"}
	base := obj{"id": "o1", "address": addr, "billing": addr,
		"lines": []any{obj{"sku": "A", "qty": 1}}, "count": 1, "amount": json.Number("1.5"), "note": "n",
		"extra": obj{"a": "x", "b": "y"}, "pay": obj{"card": "4111"}, "contact": obj{"email": "a@b"}}
	vs := variants(base,
		// $ref'd Address twice: fullName tells them apart.
		obj{"address": obj{"city": "", "zip": "10115"}}, obj{"billing": obj{"city": "", "zip": "10115"}},
		obj{"address": obj{"city": "Nowhere", "zip": "10115"}}, obj{"billing": obj{"city": "Nowhere", "zip": "10115"}},
		obj{"address": obj{"city": "Atlantis", "zip": "10115"}},
		obj{"address": obj{"city": "X", "zip": "1"}}, obj{"address": obj{"city": "Berlin", "zip": "1"}},
		obj{"address": obj{"city": "Berlin", "zip": "00000"}},
		// objects in an array.
		obj{"lines": []any{}}, obj{"lines": []any{obj{"sku": "A", "qty": 1}, obj{"sku": "", "qty": 2}}},
		// integer and number.
		obj{"count": 0}, obj{"count": -1}, obj{"count": json.Number("9007199254740993")},
		obj{"amount": json.Number("0.0")}, obj{"amount": json.Number("2")}, obj{"amount": json.Number("-0.5")},
		// null, empty and "x" notes.
		obj{"note": nil}, obj{"note": ""}, obj{"note": "x"},
		// allOf, oneOf and anyOf branches' properties.
		obj{"extra": obj{"a": "", "b": "y"}}, obj{"extra": obj{"a": "x", "b": ""}}, obj{"extra": obj{}},
		obj{"pay": obj{"iban": "DE1"}}, obj{"pay": obj{"iban": "D"}}, obj{"pay": obj{"card": "41"}},
		obj{"contact": obj{"phone": "123"}}, obj{"contact": obj{"email": ""}},
		obj{"contact": obj{"email": "a@b", "phone": ""}},
	)
	noNote := obj{}
	for k, x := range base {
		if k != "note" {
			noNote[k] = x
		}
	}
	vs = append(vs, noNote)
	return jsonTexts(vs...)
}

// values are the values the case is judged on.
func (cc contractCase) values() []string {
	if cc.vals != nil {
		return cc.vals
	}
	return contractValues(cc.format, cc.only)
}

func contractCases() []contractCase {
	common := []serde.Rule{
		domainRule("adult", "CEL", "message.age >= 18"),
		domainRule("solvent", "CEL", "message.balance >= 0"),
		domainRule("knownCountry", "CEL_FIELD", "name == 'country' ; value in ['DE', 'FR', 'US', '日本']"),
	}
	with := func(rs ...serde.Rule) *serde.RuleSet {
		return &serde.RuleSet{DomainRules: append(append([]serde.Rule(nil), common...), rs...)}
	}
	return []contractCase{
		{"avro", "avro", serde.Schema{Format: serde.Avro, Text: contractAvro, RuleSet: with(
			domainRule("piiNotEmpty", "CEL_FIELD", "typeName == 'STRING' ; value != ''", "PII"),
		)}, "", nil, nil},
		// A CEL rule on Avro's nullable union field, alone on its subject:
		// schemagen hands CEL the union wrapped ({"string": "x"}), Python
		// the bare value (see the known differences in docs/CONTRACTS.md).
		{"avro-union", "avro", serde.Schema{Format: serde.Avro, Text: contractAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("emailHasAt", "CEL", "message.email == null || message.email.contains('@')"),
		}}}, "", []string{"email"}, nil},
		{"protobuf", "protobuf", serde.Schema{Format: serde.Protobuf, Text: contractProto, RuleSet: with(
			domainRule("nameNotEmpty", "CEL_FIELD", "name == 'name' ; value != ''"),
			domainRule("emailNotEmpty", "CEL_FIELD", "name == 'email' && typeName == 'STRING' ; value != ''"),
			domainRule("emailHasAt", "CEL", "!has(message.email) || message.email.contains('@')"),
			domainRule("nameShort", "CEL", "size(message.name) <= 10"),
			domainRule("scoreInRange", "CEL", "message.score >= 0.0 && message.score <= 100.0"),
		)}, contractProtoMessage, nil, nil},
		{"protobuf-meta", "protobuf", serde.Schema{Format: serde.Protobuf, Text: contractProtoMeta,
			RuleSet: with(
				domainRule("piiNotEmpty", "CEL_FIELD", "typeName == 'STRING' ; value != ''", "PII"),
				domainRule("emailHasAt", "CEL", "!has(message.email) || message.email.contains('@')"),
			)}, contractProtoMetaMessage, nil, nil},
		{"json", "json", serde.Schema{Format: serde.JSON, Text: contractJSON, RuleSet: with(
			domainRule("piiNotEmpty", "CEL_FIELD", "typeName == 'STRING' ; value != ''", "PII"),
			domainRule("emailHasAt", "CEL", "!has(message.email) || message.email.contains('@')"),
		)}, "", nil, nil},
		{"avro-enum", "avro", serde.Schema{Format: serde.Avro, Text: enumAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("notGold", "CEL_FIELD", "typeName == 'ENUM' ; value != 'GOLD'"),
			domainRule("named", "CEL_FIELD", "typeName == 'STRING' ; value != ''"),
			domainRule("nickSet", "CEL_FIELD", "name == 'nick' ; value != null"),
		}}}, "", []string{}, enumValues("avro")},
		{"protobuf-enum", "protobuf", serde.Schema{Format: serde.Protobuf, Text: enumProto, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("notGold", "CEL_FIELD", "typeName == 'ENUM' ; value != 3"),
			domainRule("named", "CEL_FIELD", "typeName == 'STRING' ; value != ''"),
			domainRule("nickSet", "CEL_FIELD", "name == 'nick' ; value != null"),
		}}}, "pyrules.v3.Tiered", []string{}, enumValues("protobuf")},
		{"json-enum", "json", serde.Schema{Format: serde.JSON, Text: enumJSON, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("notGold", "CEL_FIELD", "typeName == 'ENUM' ; value != 'GOLD'"),
			domainRule("named", "CEL_FIELD", "typeName == 'STRING' ; value != ''"),
			domainRule("nickSet", "CEL_FIELD", "name == 'nick' ; value != null"),
		}}}, "", []string{}, enumValues("json")},
		{"avro-nested", "avro", serde.Schema{Format: serde.Avro, Text: nestedAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("payloadSmall", "CEL_FIELD", "typeName == 'BYTES' ; size(value) <= 4"),
			domainRule("payloadNotBad", "CEL_FIELD", "name == 'payload' ; value != b'bad'"),
			domainRule("cityNotEmpty", "CEL_FIELD", "fullName == 'pyrules.Address.city' ; value != ''"),
			domainRule("zipOfCity", "CEL_FIELD", "name == 'zip' ; size(value) == 5 || message.city == 'X'"),
			domainRule("skuSet", "CEL_FIELD", "name == 'sku' ; value != ''"),
			domainRule("labelSet", "CEL_FIELD", "fullName == 'pyrules.Attr.label' ; value != ''"),
			domainRule("contactEmail", "CEL_FIELD", "fullName == 'pyrules.Contact.email' ; value.contains('@')"),
			domainRule("refValid", "CEL_FIELD", "name == 'ref' ; typeName == 'LONG' ? value > 0 : value != ''"),
			domainRule("cityKnown", "CEL", "message.address.city != 'Atlantis'"),
			domainRule("contactOrNull", "CEL", "message.contact == null || message.contact.email != ''"),
			domainRule("refNotBad", "CEL", "message.ref != 'bad'"),
		}}}, "", []string{}, nestedAvroValues()},
		{"protobuf-nested", "protobuf", serde.Schema{Format: serde.Protobuf, Text: nestedProto, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("payloadSmall", "CEL_FIELD", "typeName == 'BYTES' ; size(value) <= 4"),
			domainRule("payloadNotBad", "CEL_FIELD", "name == 'payload' ; value != b'bad'"),
			domainRule("cityNotEmpty", "CEL_FIELD", "fullName == 'pyrules.v4.Address.city' ; value != ''"),
			domainRule("zipOfCity", "CEL_FIELD", "name == 'zip' ; size(value) == 5 || message.city == 'X'"),
			domainRule("skuSet", "CEL_FIELD", "name == 'sku' ; value != ''"),
			domainRule("labelSet", "CEL_FIELD", "name == 'labels' ; value != ''"),
			domainRule("emailHasAt", "CEL_FIELD", "name == 'email' ; value.contains('@')"),
			domainRule("countPositive", "CEL_FIELD", "name == 'count' ; value > 0"),
			domainRule("totalPositive", "CEL_FIELD", "name == 'total' ; value > 0u"),
			domainRule("deltaAbove", "CEL_FIELD", "name == 'delta' ; value > -100"),
			domainRule("stampSet", "CEL_FIELD", "name == 'stamp' ; value != 0u"),
			domainRule("bigInside", "CEL_FIELD", "name == 'big' ; value < 9223372036854775807 && value > -9223372036854775807"),
			domainRule("noteSet", "CEL_FIELD", "name == 'note' ; value != ''"),
			domainRule("cityKnown", "CEL", "message.address.city != 'Atlantis'"),
			domainRule("noteNotX", "CEL", "!has(message.note) || message.note != 'x'"),
			domainRule("reachable", "CEL", "has(message.email) || has(message.phone)"),
		}}}, "pyrules.v4.Order", []string{}, nestedProtoValues()},
		// The same Orders judged by message-level CEL rules on nested
		// paths, macros, map lookups and has(), and a CEL_FIELD rule that
		// reads its containing record (an array item's) through message.
		{"avro-cel", "avro", serde.Schema{Format: serde.Avro, Text: nestedAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("payloadSize", "CEL", "size(message.payload) <= 4"),
			domainRule("qtyAll", "CEL", "message.lines.all(l, l.qty > 0 && l.sku != '')"),
			domainRule("attrLabel", "CEL", "!('k' in message.attrs) || message.attrs['k'].label != ''"),
			domainRule("contactHas", "CEL", "message.contact == null || has(message.contact.email)"),
			domainRule("zipOfCity", "CEL", "size(message.address.zip) == 5 || message.address.city == 'X'"),
			domainRule("qtyOfSku", "CEL_FIELD", "name == 'qty' ; value > 1 || message.sku != ''"),
		}}}, "", []string{}, nestedAvroValues()},
		{"protobuf-cel", "protobuf", serde.Schema{Format: serde.Protobuf, Text: nestedProto, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("payloadSize", "CEL", "size(message.payload) <= 4 && message.payload != b'bad'"),
			domainRule("qtyAll", "CEL", "message.lines.all(l, l.qty > 0 && l.sku != '')"),
			domainRule("labelK", "CEL", "!('k' in message.labels) || message.labels['k'] != ''"),
			domainRule("siteCity", "CEL", "!('s' in message.sites) || message.sites['s'].city != ''"),
			domainRule("hasAddress", "CEL", "has(message.address)"),
			domainRule("totalPositive", "CEL", "message.total > 0"),
			domainRule("countPositive", "CEL", "message.count > 0u"),
			domainRule("deltaAbove", "CEL", "message.delta > -100"),
			domainRule("qtyOfSku", "CEL_FIELD", "name == 'qty' ; value > 1 || message.sku != ''"),
		}}}, "pyrules.v4.Order", []string{}, nestedProtoValues()},
		// The same Orders with metadata tags by full-name patterns ("*"
		// within a name, "**" across names) selecting CEL_FIELD fields.
		{"avro-tags", "avro", serde.Schema{Format: serde.Avro, Text: nestedAvro,
			Metadata: &serde.Metadata{Tags: map[string][]string{"pyrules.Addr*.city": {"PII"}, "**.sku": {"SKU"}, "pyrules.Order.pay*": {"BIN"}, "pyrules.*.label": {"SKU"}}},
			RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
				domainRule("piiSet", "CEL_FIELD", "value != '' && value != 'Atlantis'", "PII"),
				domainRule("skuSet", "CEL_FIELD", "value != ''", "SKU"),
				domainRule("binSmall", "CEL_FIELD", "size(value) <= 4", "BIN"),
			}}}, "", []string{}, nestedAvroValues()},
		{"protobuf-tags", "protobuf", serde.Schema{Format: serde.Protobuf, Text: nestedProto,
			Metadata: &serde.Metadata{Tags: map[string][]string{"pyrules.v4.Addr*.city": {"PII"}, "**.sku": {"SKU"}, "pyrules.v4.Order.pay*": {"BIN"}, "pyrules.v4.Order.n*": {"SKU"}}},
			RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
				domainRule("piiSet", "CEL_FIELD", "value != '' && value != 'Atlantis'", "PII"),
				domainRule("skuSet", "CEL_FIELD", "value != ''", "SKU"),
				domainRule("binSmall", "CEL_FIELD", "size(value) <= 4", "BIN"),
			}}}, "pyrules.v4.Order", []string{}, nestedProtoValues()},
		{"json-tags", "json", serde.Schema{Format: serde.JSON, Text: nestedJSON,
			Metadata: &serde.Metadata{Tags: map[string][]string{"$.billing.*": {"PII"}, "**.sku": {"SKU"}, "$.*.email": {"SKU"}, "$.n*": {"SKU"}}},
			RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
				domainRule("piiSet", "CEL_FIELD", "value != '' && value != 'Nowhere'", "PII"),
				domainRule("skuSet", "CEL_FIELD", "value != ''", "SKU"),
			}}}, "", []string{}, nestedJSONValues()},
		{"avro-logical", "avro", serde.Schema{Format: serde.Avro, Text: logicalAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("atRecent", "CEL_FIELD", "name == 'at' ; value > timestamp('2000-01-01T00:00:00Z')"),
			domainRule("idSet", "CEL_FIELD", "name == 'id' ; value != '00000000-0000-0000-0000-000000000000'"),
			domainRule("atBeforeDay", "CEL", "message.at < timestamp('2100-01-01T00:00:00Z')"),
		}}}, "", []string{}, logicalValues()},
		// A date compared with an int: Python binds a date as its days
		// since the epoch, schemagen (as hamba/avro, so confluent-kafka-go's
		// avrov2) as a timestamp, which an int does not compare with.
		{"avro-date", "avro", serde.Schema{Format: serde.Avro, Text: logicalAvro, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("dayAfterEpoch", "CEL_FIELD", "name == 'day' ; value > 0"),
		}}}, "", []string{}, []string{logicalValues()[0], logicalValues()[3], logicalValues()[4]}},
		{"protobuf-wkt", "protobuf", serde.Schema{Format: serde.Protobuf, Text: wktProto, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("idSet", "CEL_FIELD", "name == 'id' ; value != ''"),
			domainRule("secondsPositive", "CEL_FIELD", "name == 'seconds' ; value > 0"),
			domainRule("atRecent", "CEL_FIELD", "name == 'at' ; value > timestamp('1980-01-01T00:00:00Z')"),
			domainRule("atSet", "CEL", "has(message.at)"),
		}}}, "pyrules.v5.Event", []string{}, wktValues()},
		{"json-nested", "json", serde.Schema{Format: serde.JSON, Text: nestedJSON, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("cityNotEmpty", "CEL_FIELD", "name == 'city' ; value != ''"),
			domainRule("billingSomewhere", "CEL_FIELD", "fullName == '$.billing.city' ; value != 'Nowhere'"),
			domainRule("zipOfCity", "CEL_FIELD", "name == 'zip' ; size(value) == 5 || message.city == 'X'"),
			domainRule("skuSet", "CEL_FIELD", "name == 'sku' ; value != ''"),
			domainRule("countPositive", "CEL_FIELD", "name == 'count' ; value > 0"),
			domainRule("amountPositive", "CEL_FIELD", "name == 'amount' ; value > 0.0"),
			domainRule("noteSet", "CEL_FIELD", "name == 'note' ; value != ''"),
			domainRule("extraSet", "CEL_FIELD", "name == 'a' || name == 'b' ; value != ''"),
			domainRule("payLong", "CEL_FIELD", "name == 'card' || name == 'iban' ; size(value) > 2"),
			domainRule("contactSet", "CEL_FIELD", "name == 'email' || name == 'phone' ; value != ''"),
			domainRule("cityKnown", "CEL", "message.address.city != 'Atlantis'"),
			domainRule("zipReal", "CEL", "!has(message.address.zip) || message.address.zip != '00000'"),
			domainRule("noteNotX", "CEL", "!has(message.note) || message.note == null || message.note != 'x'"),
		}}}, "", []string{}, nestedJSONValues()},
		{"json-map", "json", serde.Schema{Format: serde.JSON, Text: mapJSON, RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{
			domainRule("labelSet", "CEL_FIELD", "name == 'labels' ; value != ''"),
			domainRule("citySet", "CEL_FIELD", "name == 'city' ; value != ''"),
			domainRule("listCity", "CEL_FIELD", "fullName == '$.list.city' ; value != 'Nowhere'"),
			domainRule("rankPositive", "CEL_FIELD", "name == 'rank' ; value > 0"),
		}}}, "", []string{}, mapJSONValues()},
	}
}

// contractValues are the values every format is judged on: a valid base
// and changes of one or two fields around each rule's boundary (empty
// strings, zero, negative, the extremes of int and long, unicode counted in
// code points, a missing optional field). Avro also gets an explicit null
// email; JSON Schema's email is a string and Protobuf's has no null.
func contractValues(format string, only []string) []string {
	type change map[string]any
	const drop = "\x00drop"
	changes := []change{
		{},
		// adult: age >= 18.
		{"age": 18}, {"age": 17}, {"age": 0}, {"age": -1}, {"age": 2147483647}, {"age": -2147483648},
		// solvent: balance >= 0.
		{"balance": 0}, {"balance": -1}, {"balance": json.Number("9007199254740993")},
		{"balance": json.Number("9223372036854775807")}, {"balance": json.Number("-9223372036854775808")},
		// scoreInRange: 0 <= score <= 100, written as floats and as integers.
		{"score": json.Number("0.0")}, {"score": json.Number("100.0")}, {"score": json.Number("100.0001")},
		{"score": json.Number("-0.5")}, {"score": json.Number("0")}, {"score": json.Number("100")},
		{"score": json.Number("101")}, {"score": json.Number("-1")}, {"score": json.Number("1e-300")},
		{"score": json.Number("-0.0")},
		// nameShort (10 code points) and piiNotEmpty / nameNotEmpty.
		{"name": ""}, {"name": " "}, {"name": "A"}, {"name": "0123456789"}, {"name": "01234567890"},
		{"name": "ÄÖÜßéèêñçå"}, {"name": "ÄÖÜßéèêñçåx"}, {"name": "日本語の名前です"},
		{"name": "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"}, {"name": "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"},
		// emailHasAt and the PII fields.
		{"email": drop}, {"email": ""}, {"email": "a@b"}, {"email": "no-at"}, {"email": "@"},
		{"email": "ü@ü.de"}, {"email": "日本@例え.jp"}, {"email": " "},
		// knownCountry.
		{"country": "FR"}, {"country": "US"}, {"country": "日本"}, {"country": "de"}, {"country": ""},
		{"country": "XX"}, {"country": "日本 "}, {"country": "DEU"},
		// Two rules at once, and every boundary at once.
		{"age": 17, "balance": -1}, {"name": "", "country": "XX"},
		{"age": 18, "balance": 0, "score": json.Number("0"), "name": "A", "country": "US", "email": drop},
		{"age": 18, "balance": 0, "score": json.Number("100.0"), "name": "0123456789", "country": "日本", "email": "@"},
		{"age": 17, "email": "no-at", "country": "XX", "score": json.Number("-1")},
	}
	if format == "avro" {
		changes = append(changes, change{"email": nil}, change{"email": nil, "age": 17})
	}
	out := make([]string, 0, len(changes))
	for i, ch := range changes {
		keep := only == nil || i == 0
		for _, f := range only {
			_, touched := ch[f]
			keep = keep || touched
		}
		if !keep {
			continue
		}
		v := map[string]any{"name": "Ann", "email": "ann@example.com", "age": 30, "balance": 100,
			"score": json.Number("50.5"), "country": "DE"}
		for k, x := range ch {
			if x == drop {
				delete(v, k)
			} else {
				v[k] = x
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	return out
}

// knownDifference is one row of the table in docs/CONTRACTS.md's section
// "Verdicts agree with Confluent's Python client".
type knownDifference struct {
	format, value string
	ours, python  string // "accepts" or "rejects"
	reason        string
}

const knownDiffHeading = "## Verdicts agree with Confluent's Python client"

// knownDifferences reads the table of known differences from the docs.
func knownDifferences(t *testing.T) map[string]knownDifference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(interopDir(t), "..", "..", "docs", "CONTRACTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), knownDiffHeading+"\n")
	if !ok {
		t.Fatalf("docs/CONTRACTS.md has no section %q", knownDiffHeading)
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	out := map[string]knownDifference{}
	for _, line := range strings.Split(sec, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), " | ")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		d := knownDifference{format: cells[0], value: strings.Trim(cells[1], "`"), ours: cells[2], python: cells[3], reason: cells[4]}
		if d.reason == "" {
			t.Errorf("docs/CONTRACTS.md: known difference %s %s has no reason", d.format, d.value)
		}
		out[d.format+" "+d.value] = d
	}
	return out
}

func verdictWord(ok bool) string {
	if ok {
		return "accepts"
	}
	return "rejects"
}

// TestContractsPython is issue 10's differential with Confluent's Python
// client (confluent-kafka 2.16.0 with its CEL and CEL_FIELD executors on
// cel-python): the contract is registered in schemagen's registry; every
// value goes through schemagen's typed producer on the real broker and
// through Python's serializer bound to the same registered version, and
// the two verdicts must agree record by record (or the disagreement must be
// listed, with its reason, in docs/CONTRACTS.md). Python's deserializer,
// rules on, then reads back exactly the records schemagen accepted; a
// record that breaks a rule, written past the contract with raw kgo, is
// refused by that same reader (and read by it with the rules disabled).
func TestContractsPython(t *testing.T) {
	start := time.Now()
	reg, cl := newRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	p, err := producer.New(producer.SeedBrokers(brokers(t)...), producer.Registry(cl), producer.Linger(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	known := knownDifferences(t)

	type pyCase map[string]any
	var verdictCases, readCases, negCases []pyCase
	var runs []*formatRun
	for _, cc := range contractCases() {
		r := &formatRun{cc: cc, topic: topicName("contracts-" + cc.name), values: cc.values(), futures: map[int]*producer.Future{}}
		createTopics(t, 1, r.topic)
		if _, err := cl.Register(ctx, r.topic+"-value", cc.schema); err != nil {
			t.Fatalf("%s: register the contract: %v", cc.name, err)
		}
		// The local schema carries no rule set: the producer takes the
		// registered one when it binds.
		local := serde.Schema{Format: cc.schema.Format, Text: cc.schema.Text, References: cc.schema.References}
		if r.c, err = compileFor(ctx, local, nil, cc.msg); err != nil {
			t.Fatalf("%s: compile: %v", cc.name, err)
		}
		typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
			Topic: r.topic,
			Value: producer.Side{Schema: producer.SchemaSource{Compiled: r.c}, IDSource: registry.UseLatest(nil)},
		})
		if err != nil {
			t.Fatalf("%s: NewTyped: %v", cc.name, err)
		}
		r.id = typed.SchemaID()
		for i, text := range r.values {
			v, err := formats.FromJSON(r.c, []byte(text))
			if err != nil {
				t.Fatalf("%s value %d %s does not pass the types (the values are built to pass them): %v", cc.name, i, text, err)
			}
			fut, err := typed.Produce(ctx, nil, v, producer.Header("pyrules.i", []byte(strconv.Itoa(i))))
			r.ours = append(r.ours, err == nil)
			r.errs = append(r.errs, err)
			if err != nil {
				if !errors.Is(err, serde.ErrRule) || !errors.Is(err, producer.ErrRejected) {
					t.Errorf("%s value %d %s: rejected with %v, want a rule violation (serde.ErrRule)", cc.name, i, text, err)
				}
				continue
			}
			r.futures[i] = fut
		}
		c := pyCase{"name": cc.name, "format": cc.format, "topic": r.topic, "subject": r.topic + "-value", "values": r.values}
		if cc.format == "protobuf" {
			c["fds"], c["message"] = fdsBase64(t, r.c), cc.msg
		}
		if cc.format == "avro" {
			c["schema"] = cc.schema.Text // for its bytes fields
		}
		verdictCases = append(verdictCases, c)
		runs = append(runs, r)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		for i, f := range r.futures {
			if _, err := f.Get(ctx); err != nil {
				t.Fatalf("%s value %d: delivery: %v", r.cc.name, i, err)
			}
		}
	}

	// Python's verdicts on the same values, bound to the same versions.
	lines := runPy(t, "contracts.py", map[string]any{"mode": "verdicts", "registry": reg.URL(), "cases": verdictCases})
	python := map[string]map[int]string{} // case -> value index -> "" (accepted) or the error
	for _, l := range lines {
		f, _ := l["case"].(string)
		n, _ := l["i"].(json.Number)
		i, err := n.Int64()
		if err != nil {
			t.Fatalf("bad verdict line %v", l)
		}
		if python[f] == nil {
			python[f] = map[int]string{}
		}
		if ok, _ := l["ok"].(bool); ok {
			python[f][int(i)] = ""
		} else {
			e, _ := l["error"].(string)
			python[f][int(i)] = "python: " + e
		}
	}
	problems, notes := compareVerdicts(runs, python, known)
	for _, n := range notes {
		if strings.HasPrefix(n, "contracts ") {
			fmt.Println(n) // the counts, in the suite's output with or without -v
		} else {
			t.Log(n)
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	// Negative controls of the comparison: with no known differences every
	// disagreement is a problem, and one Python verdict flipped on a value
	// the two agree on is one.
	nDisagree := 0
	for _, r := range runs {
		for i := range r.values {
			if (python[r.cc.name][i] == "") != r.ours[i] {
				nDisagree++
			}
		}
	}
	if ps, _ := compareVerdicts(runs, python, nil); len(ps) != nDisagree || nDisagree == 0 {
		t.Errorf("negative control: with no known differences the comparison reports %d problems, want the %d disagreements (and some)", len(ps), nDisagree)
	}
	flipped := map[string]map[int]string{}
	for k, v := range python {
		flipped[k] = map[int]string{}
		for i, e := range v {
			flipped[k][i] = e
		}
	}
	r0 := runs[0]
	if flipped[r0.cc.name][0] == "" {
		flipped[r0.cc.name][0] = "flipped"
	} else {
		flipped[r0.cc.name][0] = ""
	}
	if ps, _ := compareVerdicts(runs, flipped, known); len(ps) != len(problems)+1 || !strings.Contains(strings.Join(ps, "\n"), r0.values[0]) {
		t.Errorf("negative control: one Python verdict flipped gives %d problems (%d before), want one more naming %s", len(ps), len(problems), r0.values[0])
	}
	for _, r := range runs {
		valid := 0
		for _, ok := range r.ours {
			if ok {
				valid++
			}
		}
		// What the broker has is what schemagen accepted, read back by
		// Python with the rules on.
		c := pyCase{"name": r.cc.name, "format": r.cc.format, "topic": r.topic, "partitions": 1, "expect": valid, "rules": true}
		if r.cc.format == "protobuf" {
			c["fds"], c["message"] = fdsBase64(t, r.c), r.cc.msg
		}
		readCases = append(readCases, c)
	}

	// Negative control: per format, one record that breaks "adult" and one
	// valid record, written with raw kgo framed by a serializer without the
	// contract. Python with the rules refuses exactly the first (so the
	// reader below does check); with CEL and CEL_FIELD disabled it reads
	// both (so the refusal is the rule's, not the bytes').
	raw, err := kgo.NewClient(kgo.SeedBrokers(brokers(t)...))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	negTopics := map[string]*formatRun{}
	for _, r := range runs {
		if r.cc.only != nil {
			continue // its rule set has no "adult"
		}
		topic := topicName("contracts-neg-" + r.cc.name)
		createTopics(t, 1, topic)
		// Python's deserializer looks the ID up under the topic's subject:
		// the same contract registered there has the same ID.
		neg, err := cl.Register(ctx, topic+"-value", r.cc.schema)
		if err != nil {
			t.Fatalf("%s: register the contract for the negative control: %v", r.cc.name, err)
		}
		if neg.ID != r.id {
			t.Errorf("%s: the same contract under a second subject has id %d, the first %d", r.cc.name, neg.ID, r.id)
		}
		ser, err := serde.NewSerializer(r.c, serde.SerializerConfig{Topic: topic, Subject: topic + "-value", ID: neg.ID})
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range []string{
			strings.Replace(r.values[0], `"age":30`, `"age":17`, 1),
			r.values[0],
		} {
			if i == 0 && text == r.values[0] {
				t.Fatalf("%s: the negative control's value is not invalid: %s", r.cc.name, text)
			}
			v, err := formats.FromJSON(r.c, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			b, err := ser.AppendSerialize(nil, v)
			if err != nil {
				t.Fatalf("%s: serialize without the contract: %v", r.cc.name, err)
			}
			rec := &kgo.Record{Topic: topic, Value: b, Headers: []kgo.RecordHeader{{Key: "pyrules.i", Value: []byte(strconv.Itoa(i))}}}
			if err := raw.ProduceSync(ctx, rec).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		for _, rules := range []bool{true, false} {
			c := pyCase{"label": fmt.Sprintf("%s rules=%v", topic, rules), "name": r.cc.name, "format": r.cc.format,
				"topic": topic, "partitions": 1, "expect": 2, "rules": rules}
			if r.cc.format == "protobuf" {
				c["fds"], c["message"] = fdsBase64(t, r.c), r.cc.msg
			}
			negCases = append(negCases, c)
		}
		negTopics[topic] = r
	}
	// One Python run reads the topics schemagen wrote (rules on) and the
	// negative controls' (rules on, then disabled).
	lines = runPy(t, "contracts.py", map[string]any{"mode": "read", "registry": reg.URL(),
		"brokers": strings.Join(brokers(t), ","), "timeout": 60, "cases": append(readCases, negCases...)})
	byLabel := groupRead(t, lines)
	for _, r := range runs {
		got := byLabel[r.topic]
		// Python may refuse on read only a record schemagen accepted that
		// the docs list as one Python refuses on write, and only when the
		// reason holds on read too (the Avro and JSON score rows do not:
		// Python reads a double back as a float).
		refused := map[int]bool{}
		for j, i := range got.errIndexes {
			kd, listed := known[r.cc.name+" "+valueAt(r.values, i)]
			if !listed || !r.ours[i] || kd.python != "rejects" {
				t.Errorf("%s: Python's deserializer with rules refused record %d that schemagen wrote: %s", r.cc.name, i, got.errs[j])
				continue
			}
			refused[i] = true
			t.Logf("%s value %d: Python's deserializer refuses it on read too, as the known difference says (%s)", r.cc.name, i, got.errs[j])
		}
		var want []int
		for i, ok := range r.ours {
			if ok && !refused[i] {
				want = append(want, i)
			}
		}
		if len(got.indexes) != len(want) || fmt.Sprint(got.indexes) != fmt.Sprint(want) {
			t.Errorf("%s: Python read records %v, schemagen accepted %v", r.cc.name, got.indexes, want)
		}
		for j, i := range got.indexes {
			if i < 0 || i >= len(r.values) {
				t.Errorf("%s: record with index %d", r.cc.name, i)
				continue
			}
			if d := sameContent(r.cc.format, r.values[i], got.values[j]); d != "" {
				t.Errorf("%s value %d: Python read %v, schemagen wrote %s: %s", r.cc.name, i, got.values[j], r.values[i], d)
			}
		}
		// The content check fires on a changed field (its negative control).
		if len(got.values) > 0 {
			changed := map[string]any{}
			for k, v := range got.values[0] {
				changed[k] = v
			}
			changed["country"] = "XX"
			if sameContent(r.cc.format, r.values[got.indexes[0]], changed) == "" {
				t.Errorf("%s: negative control: a changed country reads as the same content", r.cc.name)
			}
		}
		// The topic, read by kgo, has as many records as schemagen accepted.
		if recs := consumeAll(t, r.topic); len(recs) != len(want)+len(refused) {
			t.Errorf("%s: the topic has %d records, schemagen accepted %d", r.cc.name, len(recs), len(want)+len(refused))
		}
		t.Logf("%s: Python read back %d records with rules on, %d refused; schemagen accepted %d", r.cc.name, len(got.indexes), got.errors, len(want))
	}

	for _, rules := range []bool{true, false} {
		for topic, r := range negTopics {
			got := byLabel[fmt.Sprintf("%s rules=%v", topic, rules)]
			switch {
			case got == nil:
				t.Errorf("%s negative control, rules %v: Python reported nothing", r.cc.name, rules)
			case rules && (fmt.Sprint(got.indexes) != "[1]" || got.errors != 1 || !strings.Contains(strings.Join(got.errs, " "), "RuleConditionError: Rule expr failed: message.age >= 18")):
				t.Errorf("%s negative control, rules on: read %v, %d refused (%v); want [1] read and the record breaking \"adult\" refused by its rule",
					r.cc.name, got.indexes, got.errors, got.errs)
			case !rules && (fmt.Sprint(got.indexes) != "[0 1]" || got.errors != 0):
				t.Errorf("%s negative control, rules disabled: read %v, %d refused (%v); want both read", r.cc.name, got.indexes, got.errors, got.errs)
			default:
				t.Logf("%s negative control, rules %v: read %v, refused %d %v", r.cc.name, rules, got.indexes, got.errors, got.errs)
			}
		}
	}
	t.Logf("TestContractsPython ran in %v", time.Since(start).Round(time.Millisecond))
}

// formatRun is one contract case as the test ran it.
type formatRun struct {
	cc      contractCase
	c       serde.Compiled
	topic   string
	values  []string
	ours    []bool // accepted by schemagen
	errs    []error
	futures map[int]*producer.Future
	id      int // the registered schema ID the producer bound
}

// compareVerdicts compares schemagen's verdicts with Python's (case ->
// value index -> "" for accepted, else Python's error). It returns the
// problems (a disagreement not listed in known with both verdicts, a
// listed one that agrees or does not occur, a missing verdict, too few
// values) and notes (the counts per case, the known differences met).
func compareVerdicts(runs []*formatRun, python map[string]map[int]string, known map[string]knownDifference) (problems, notes []string) {
	seen := map[string]bool{}
	for _, r := range runs {
		valid, invalid, agree, disagree, knownN := 0, 0, 0, 0, 0
		for i, text := range r.values {
			if r.ours[i] {
				valid++
			} else {
				invalid++
			}
			perr, ok := python[r.cc.name][i]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s value %d: Python gave no verdict", r.cc.name, i))
				continue
			}
			pyOK := perr == ""
			key := r.cc.name + " " + text
			kd, listed := known[key]
			seen[key] = true
			if pyOK == r.ours[i] {
				agree++
				if listed {
					problems = append(problems, fmt.Sprintf("%s %s: listed as a known difference (%s) but the verdicts agree (%s): drop the row from docs/CONTRACTS.md", r.cc.name, text, kd.reason, verdictWord(pyOK)))
				}
				continue
			}
			disagree++
			if listed && kd.ours == verdictWord(r.ours[i]) && kd.python == verdictWord(pyOK) {
				knownN++
				notes = append(notes, fmt.Sprintf("%s value %d %s: known difference: schemagen %s, Python %s (%s)", r.cc.name, i, text, kd.ours, kd.python, kd.reason))
				continue
			}
			problems = append(problems, fmt.Sprintf("%s value %d %s: schemagen %s (%v), Python %s (%s)", r.cc.name, i, text,
				verdictWord(r.ours[i]), r.errs[i], verdictWord(pyOK), perr))
		}
		if r.cc.only == nil && (invalid*3 < len(r.values) || len(r.values) < 50) {
			problems = append(problems, fmt.Sprintf("%s: %d values, %d invalid: want at least 50, a third invalid", r.cc.name, len(r.values), invalid))
		}
		notes = append(notes, fmt.Sprintf("contracts %-13s values=%d valid=%d invalid=%d agree=%d disagree=%d (known %d)",
			r.cc.name, len(r.values), valid, invalid, agree, disagree, knownN))
	}
	for key, kd := range known {
		if !seen[key] {
			problems = append(problems, fmt.Sprintf("docs/CONTRACTS.md lists %s %s (%s) as a known difference, but no such value was judged", kd.format, kd.value, kd.reason))
		}
	}
	return problems, notes
}

type readBack struct {
	indexes    []int            // the pyrules.i header of each record read, in offset order
	values     []map[string]any // the decoded values, in the same order
	errors     int
	errs       []string
	errIndexes []int // the pyrules.i header of each refused record (-1: none), as errs
}

// valueAt is values[i], or "" out of range.
func valueAt(values []string, i int) string {
	if i < 0 || i >= len(values) {
		return ""
	}
	return values[i]
}

// groupRead sorts contracts.py's read output by case label (the topic
// unless the case names another).
func groupRead(t *testing.T, lines []map[string]any) map[string]*readBack {
	t.Helper()
	out := map[string]*readBack{}
	get := func(topic string) *readBack {
		if out[topic] == nil {
			out[topic] = &readBack{}
		}
		return out[topic]
	}
	summaries := 0
	for _, l := range lines {
		if s, ok := l["summary"].(string); ok {
			summaries++
			rb := get(s)
			n, _ := l["errors"].(json.Number)
			if e, _ := n.Int64(); int(e) != rb.errors {
				t.Errorf("%s: summary says %v errors, %d lines", s, l["errors"], rb.errors)
			}
			continue
		}
		label, _ := l["label"].(string)
		rb := get(label)
		idx := -1
		hs, _ := l["headers"].([]any)
		for _, h := range hs {
			kv, _ := h.([]any)
			if len(kv) == 2 && kv[0] == "pyrules.i" {
				s, _ := kv[1].(string)
				b, _ := hex.DecodeString(s)
				idx, _ = strconv.Atoi(string(b))
			}
		}
		if e, ok := l["error"].(string); ok {
			rb.errors++
			rb.errs = append(rb.errs, e)
			rb.errIndexes = append(rb.errIndexes, idx)
			continue
		}
		v, _ := l["value"].(map[string]any)
		rb.indexes = append(rb.indexes, idx)
		rb.values = append(rb.values, v)
	}
	if summaries == 0 {
		t.Errorf("contracts.py read: no summary line")
	}
	return out
}

// sameContent compares the value Python decoded with the JSON written,
// at every depth: every field equal (numbers as exact rationals, so 0 and
// 0.0 match), a field absent on one side null on the other (Avro's null
// union members), and for Protobuf, whose decoded form has set fields
// only, absent equal to the zero value. Bytes, which Python reads as
// {"$bytes": base64}, were written as strings of code points 0-255 (Avro)
// or as base64 (Protobuf).
func sameContent(format, wrote string, read map[string]any) string {
	var w map[string]any
	d := json.NewDecoder(strings.NewReader(wrote))
	d.UseNumber()
	if err := d.Decode(&w); err != nil {
		return err.Error()
	}
	var diffs []string
	diffContent(format, "", w, read, &diffs)
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

func diffContent(format, path string, a, b any, diffs *[]string) {
	if format == "protobuf" {
		if a == nil {
			a = zeroLike(b)
		}
		if b == nil {
			b = zeroLike(a)
		}
	}
	if bm, ok := b.(map[string]any); ok && len(bm) == 1 {
		if enc, ok := bm["$bytes"].(string); ok {
			got, err := base64.StdEncoding.DecodeString(enc)
			s, isStr := a.(string)
			var want []byte
			switch {
			case !isStr:
			case format == "avro":
				for _, r := range s {
					want = append(want, byte(r))
				}
			default:
				want, _ = base64.StdEncoding.DecodeString(s)
			}
			if err != nil || !isStr || string(got) != string(want) {
				*diffs = append(*diffs, fmt.Sprintf("%s: %v != bytes %v", path, a, got))
			}
			return
		}
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			diffContent(format, path+"."+k, am[k], bm[k], diffs)
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffContent(format, fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], diffs)
		}
		return
	}
	if !sameJSON(a, b) {
		*diffs = append(*diffs, fmt.Sprintf("%s: %v != %v", strings.TrimPrefix(path, "."), a, b))
	}
}

// zeroLike is the Protobuf zero value of v's kind: what an unset field
// reads as.
func zeroLike(v any) any {
	switch v.(type) {
	case string:
		return ""
	case json.Number:
		return json.Number("0")
	case bool:
		return false
	case map[string]any:
		return map[string]any{}
	case []any:
		return []any{}
	}
	return nil
}

func sameJSON(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		ar, ok1 := new(big.Rat).SetString(string(an))
		br, ok2 := new(big.Rat).SetString(string(bn))
		return ok1 && ok2 && ar.Cmp(br) == 0
	}
	return fmt.Sprint(a) == fmt.Sprint(b) && (a == nil) == (b == nil)
}

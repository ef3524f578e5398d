package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func orderMap(t *testing.T) map[string]any {
	t.Helper()
	data, err := json.Marshal(sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func item(m map[string]any, i int) map[string]any { return m["items"].([]any)[i].(map[string]any) }
func addr(m map[string]any) map[string]any        { return m["shipping_address"].(map[string]any) }

func strs(n int, s string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestBadValues checks one violation per case, its path and its sentinel,
// through Validate (the plan) and through the library.
func TestBadValues(t *testing.T) {
	s := orderSchema(t)
	tests := []struct {
		name     string
		mutate   func(m map[string]any)
		path     string
		sentinel error
	}{
		{name: "order_id not a uuid", mutate: func(m map[string]any) { m["order_id"] = "order-1" }, path: "order_id", sentinel: serde.ErrFormat},
		{name: "order_id a number", mutate: func(m map[string]any) { m["order_id"] = 7 }, path: "order_id", sentinel: serde.ErrType},
		{name: "customer_id below minimum", mutate: func(m map[string]any) { m["customer_id"] = 0 }, path: "customer_id", sentinel: serde.ErrRange},
		{name: "customer_id a string", mutate: func(m map[string]any) { m["customer_id"] = "4211" }, path: "customer_id", sentinel: serde.ErrType},
		{name: "customer_id a fraction", mutate: func(m map[string]any) { m["customer_id"] = 1.5 }, path: "customer_id", sentinel: serde.ErrType},
		{name: "email without domain", mutate: func(m map[string]any) { m["email"] = "ada" }, path: "email", sentinel: serde.ErrFormat},
		{name: "email with two ats", mutate: func(m map[string]any) { m["email"] = "ada@@example.com" }, path: "email", sentinel: serde.ErrFormat},
		{name: "status not in enum", mutate: func(m map[string]any) { m["status"] = "LOST" }, path: "status", sentinel: serde.ErrEnum},
		{name: "status lower case", mutate: func(m map[string]any) { m["status"] = "paid" }, path: "status", sentinel: serde.ErrEnum},
		{name: "status null", mutate: func(m map[string]any) { m["status"] = nil }, path: "status", sentinel: serde.ErrType},
		{name: "created_at not a date", mutate: func(m map[string]any) { m["created_at"] = "yesterday" }, path: "created_at", sentinel: serde.ErrFormat},
		{name: "created_at February 30", mutate: func(m map[string]any) { m["created_at"] = "2026-02-30T00:00:00Z" }, path: "created_at", sentinel: serde.ErrFormat},
		{name: "created_at without zone", mutate: func(m map[string]any) { m["created_at"] = "2026-02-03T00:00:00" }, path: "created_at", sentinel: serde.ErrFormat},
		{name: "total with five decimals", mutate: func(m map[string]any) { m["total"] = "12.34567" }, path: "total", sentinel: serde.ErrFormat},
		{name: "total a number", mutate: func(m map[string]any) { m["total"] = 12.3 }, path: "total", sentinel: serde.ErrType},
		{name: "currency lower case", mutate: func(m map[string]any) { m["currency"] = "eur" }, path: "currency", sentinel: serde.ErrFormat},
		{name: "items empty", mutate: func(m map[string]any) { m["items"] = []any{} }, path: "items", sentinel: serde.ErrRange},
		{name: "items an object", mutate: func(m map[string]any) { m["items"] = map[string]any{} }, path: "items", sentinel: serde.ErrType},
		{name: "items too many", mutate: func(m map[string]any) {
			var many []any
			for range 101 {
				many = append(many, map[string]any{"sku": "BOOK-0001", "quantity": 1, "unit_price": "1"})
			}
			m["items"] = many
		}, path: "items", sentinel: serde.ErrRange},
		{name: "sku too short", mutate: func(m map[string]any) { item(m, 1)["sku"] = "ab" }, path: "items[1].sku", sentinel: serde.ErrFormat},
		{name: "quantity zero", mutate: func(m map[string]any) { item(m, 0)["quantity"] = 0 }, path: "items[0].quantity", sentinel: serde.ErrRange},
		{name: "quantity over maximum", mutate: func(m map[string]any) { item(m, 0)["quantity"] = 10001 }, path: "items[0].quantity", sentinel: serde.ErrRange},
		{name: "unit_price missing", mutate: func(m map[string]any) { delete(item(m, 1), "unit_price") }, path: "items[1].unit_price", sentinel: serde.ErrRequired},
		{name: "item with unknown field", mutate: func(m map[string]any) { item(m, 0)["color"] = "red" }, path: "items[0].color", sentinel: serde.ErrUnknownField},
		{name: "item a string", mutate: func(m map[string]any) { m["items"].([]any)[1] = "PEN" }, path: "items[1]", sentinel: serde.ErrType},
		{name: "country too long", mutate: func(m map[string]any) { addr(m)["country"] = "France" }, path: "shipping_address.country", sentinel: serde.ErrFormat},
		{name: "city empty", mutate: func(m map[string]any) { addr(m)["city"] = "" }, path: "shipping_address.city", sentinel: serde.ErrRange},
		{name: "shipping_address missing", mutate: func(m map[string]any) { delete(m, "shipping_address") }, path: "shipping_address", sentinel: serde.ErrRequired},
		{name: "address with unknown field", mutate: func(m map[string]any) { addr(m)["zip"] = "69001" }, path: "shipping_address.zip", sentinel: serde.ErrUnknownField},
		{name: "note too long", mutate: func(m map[string]any) { m["note"] = strings.Repeat("é", 501) }, path: "note", sentinel: serde.ErrRange},
		{name: "gift a string", mutate: func(m map[string]any) { m["gift"] = "yes" }, path: "gift", sentinel: serde.ErrType},
		{name: "empty tag", mutate: func(m map[string]any) { m["tags"] = []any{"a", ""} }, path: "tags[1]", sentinel: serde.ErrRange},
		{name: "too many tags", mutate: func(m map[string]any) { m["tags"] = strs(11, "t") }, path: "tags", sentinel: serde.ErrRange},
		{name: "unknown top-level field", mutate: func(m map[string]any) { m["coupon"] = "FREE" }, path: "coupon", sentinel: serde.ErrUnknownField},
		{name: "email missing", mutate: func(m map[string]any) { delete(m, "email") }, path: "email", sentinel: serde.ErrRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := orderMap(t)
			tc.mutate(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, via := range []struct {
				name string
				err  error
			}{
				{name: "map", err: s.Validate(m)},
				{name: "text", err: s.Validate(json.RawMessage(data))},
				{name: "library", err: s.validateLib(data)},
			} {
				checkOne(t, via.name, via.err, tc.path, tc.sentinel)
			}
		})
	}
}

func checkOne(t *testing.T, via string, err error, path string, sentinel error) {
	t.Helper()
	vs := serde.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("%s: %d violations (%v), want 1", via, len(vs), err)
	}
	if vs[0].Path != path || !errors.Is(vs[0], sentinel) {
		t.Fatalf("%s: got %q %v (%s), want %q %v", via, vs[0].Path, vs[0].Err, vs[0].Reason, path, sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: errors.Is(err, %v) is false", via, sentinel)
	}
}

// TestOtherKeywords covers the rules the order schema lacks, on both
// validators where the plan covers them and on the library where not.
func TestOtherKeywords(t *testing.T) {
	tests := []struct {
		name     string
		schema   string
		value    string
		path     string
		sentinel error
		plan     bool
	}{
		{name: "anyOf", schema: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, value: `1.5`, sentinel: serde.ErrUnion, plan: true},
		{name: "oneOf matches two", schema: `{"properties":{"n":{"oneOf":[{"type":"integer"},{"minimum":0}]}}}`, value: `{"n":1}`, path: "n", sentinel: serde.ErrUnion, plan: true},
		{name: "oneOf matches none", schema: `{"oneOf":[{"type":"integer"},{"type":"string"}]}`, value: `true`, sentinel: serde.ErrUnion, plan: true},
		{name: "not", schema: `{"not":{"type":"string"}}`, value: `"s"`, sentinel: serde.ErrConstraint, plan: true},
		{name: "const", schema: `{"properties":{"v":{"const":2}}}`, value: `{"v":2.5}`, path: "v", sentinel: serde.ErrEnum, plan: true},
		{name: "multipleOf", schema: `{"multipleOf":0.25}`, value: `0.3`, sentinel: serde.ErrRange, plan: true},
		{name: "exclusiveMaximum", schema: `{"exclusiveMaximum":10}`, value: `10`, sentinel: serde.ErrRange, plan: true},
		{name: "minProperties", schema: `{"minProperties":2}`, value: `{"a":1}`, sentinel: serde.ErrRange, plan: true},
		{name: "false schema", schema: `{"properties":{"old":false}}`, value: `{"old":1}`, path: "old", sentinel: serde.ErrConstraint, plan: true},
		{name: "key that is no identifier", schema: `{"properties":{"first name":{"type":"string"}}}`, value: `{"first name":1}`, path: `["first name"]`, sentinel: serde.ErrType, plan: true},
		{name: "nested arrays", schema: `{"items":{"items":{"type":"integer"}}}`, value: `[[1],[2,"x"]]`, path: "[1][1]", sentinel: serde.ErrType, plan: true},
		{name: "then", schema: `{"if":{"required":["a"]},"then":{"required":["b"]}}`, value: `{"a":1}`, path: "b", sentinel: serde.ErrRequired, plan: true},
		{name: "unevaluatedProperties", schema: `{"allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}`, value: `{"a":1,"b":2}`, path: "b", sentinel: serde.ErrUnknownField},
		{name: "dependentRequired", schema: `{"dependentRequired":{"a":["b"]}}`, value: `{"a":1}`, sentinel: serde.ErrConstraint, plan: true},
		{name: "unevaluatedItems", schema: `{"prefixItems":[{}],"unevaluatedItems":false}`, value: `[1,2]`, path: "[1]", sentinel: serde.ErrConstraint},
		{name: "uniqueItems", schema: `{"uniqueItems":true}`, value: `[1,{"a":[1]},1.0]`, sentinel: serde.ErrConstraint, plan: true},
		{name: "uniqueItems objects", schema: `{"properties":{"l":{"uniqueItems":true}}}`, value: `{"l":[{"a":1,"b":2},{"b":2,"a":1}]}`, path: "l", sentinel: serde.ErrConstraint, plan: true},
		{name: "patternProperties", schema: `{"patternProperties":{"^n_":{"type":"number"}}}`, value: `{"n_x":"s"}`, path: "n_x", sentinel: serde.ErrType, plan: true},
		{name: "patternProperties closes out", schema: `{"patternProperties":{"^n_":{}},"additionalProperties":false}`, value: `{"n_x":1,"m":2}`, path: "m", sentinel: serde.ErrUnknownField, plan: true},
		{name: "propertyNames", schema: `{"propertyNames":{"maxLength":2}}`, value: `{"abc":1}`, path: "abc", sentinel: serde.ErrRange, plan: true},
		{name: "contains", schema: `{"contains":{"type":"string"}}`, value: `[1]`, sentinel: serde.ErrConstraint, plan: true},
		{name: "$dynamicRef", schema: `{"$dynamicAnchor":"n","items":{"$dynamicRef":"#n"},"type":["array","integer"]}`, value: `[1,["x"]]`, path: "[1][0]", sentinel: serde.ErrType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := compileText(t, tc.schema)
			if ok, reason := s.FastPath(); ok != tc.plan {
				t.Fatalf("FastPath = %v (%s), want %v", ok, reason, tc.plan)
			} else if !ok && reason == "" {
				t.Fatal("no plan and no reason")
			}
			checkOne(t, "Validate", s.Validate(json.RawMessage(tc.value)), tc.path, tc.sentinel)
			checkOne(t, "library", s.validateLib([]byte(tc.value)), tc.path, tc.sentinel)
		})
	}
}

// TestSeveralViolations: every violation comes back, each with its path.
func TestSeveralViolations(t *testing.T) {
	s := orderSchema(t)
	m := orderMap(t)
	m["customer_id"] = "x"
	m["status"] = "LOST"
	item(m, 1)["sku"] = 5
	delete(item(m, 0), "quantity")
	addr(m)["country"] = "fr"
	m["extra"] = true
	delete(m, "total")
	want := map[string]error{
		"customer_id":              serde.ErrType,
		"status":                   serde.ErrEnum,
		"items[1].sku":             serde.ErrType,
		"items[0].quantity":        serde.ErrRequired,
		"shipping_address.country": serde.ErrFormat,
		"extra":                    serde.ErrUnknownField,
		"total":                    serde.ErrRequired,
	}
	data, _ := json.Marshal(m)
	for _, via := range []struct {
		name string
		err  error
	}{{name: "plan", err: s.Validate(m)}, {name: "library", err: s.validateLib(data)}} {
		vs := serde.Violations(via.err)
		if len(vs) != len(want) {
			t.Fatalf("%s: %d violations, want %d: %v", via.name, len(vs), len(want), via.err)
		}
		for _, v := range vs {
			if w, ok := want[v.Path]; !ok || !errors.Is(v, w) {
				t.Errorf("%s: unexpected %q %v", via.name, v.Path, v.Err)
			}
		}
		if !strings.Contains(via.err.Error(), "items[1].sku: expected string, but got number") {
			t.Errorf("%s: message lacks the path and reason: %v", via.name, via.err)
		}
	}
}

func draftVariant(t *testing.T, draft string) string {
	t.Helper()
	text, err := os.ReadFile("testdata/order.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Replace(string(text), Draft2020, draft, 1)
	if draft == Draft7 {
		out = strings.ReplaceAll(out, "$defs", "definitions")
	}
	return out
}

// TestRoundTrip encodes and decodes a struct, a map and JSON text under
// each supported draft.
func TestRoundTrip(t *testing.T) {
	for _, draft := range []string{Draft7, Draft2019, Draft2020} {
		t.Run(draft, func(t *testing.T) {
			s := compileText(t, draftVariant(t, draft))
			if ok, reason := s.FastPath(); !ok {
				t.Fatalf("no plan: %s", reason)
			}
			o := sampleOrder()
			want, _ := json.Marshal(o)

			t.Run("struct", func(t *testing.T) {
				out, err := s.AppendEncode([]byte{0}, o)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out[1:], want) {
					t.Fatalf("encoded %s, want %s", out[1:], want)
				}
				var back Order
				if err := s.Decode(out[1:], &back); err != nil {
					t.Fatal(err)
				}
				again, _ := json.Marshal(&back)
				if !bytes.Equal(again, want) {
					t.Fatalf("round trip %s, want %s", again, want)
				}
			})
			t.Run("map", func(t *testing.T) {
				m := orderMap(t)
				m["customer_id"] = json.Number("4211")
				out, err := s.AppendEncode(nil, m)
				if err != nil {
					t.Fatal(err)
				}
				var back any
				if err := s.Decode(out, &back); err != nil {
					t.Fatal(err)
				}
				if canonical(back) != canonical(m) {
					t.Fatalf("round trip %s, want %s", canonical(back), canonical(m))
				}
			})
			t.Run("raw message", func(t *testing.T) {
				raw := json.RawMessage(" \n" + string(want) + "\n")
				out, err := s.AppendEncode(nil, raw)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, raw) {
					t.Fatalf("encoded %q, want the text as given", out)
				}
				var back Order
				if err := s.Decode(out, &back); err != nil {
					t.Fatal(err)
				}
				if back.Items[1].SKU != "PEN-0042" {
					t.Fatalf("decoded %+v", back)
				}
			})
		})
	}
}

func TestEncodeRefusalAppendsNothing(t *testing.T) {
	s := orderSchema(t)
	o := sampleOrder()
	o.Currency = "euro"
	dst := make([]byte, 3, 4096)
	copy(dst, "abc")
	tests := []struct {
		name string
		v    any
	}{
		{name: "struct", v: o},
		{name: "raw", v: json.RawMessage(`{"order_id":1}`)},
		{name: "not JSON", v: []byte(`{"order_id":`)},
		{name: "no JSON encoding", v: map[string]any{"f": func() {}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.AppendEncode(dst, tc.v)
			if len(serde.Violations(err)) == 0 {
				t.Fatalf("AppendEncode = %v, want violations", err)
			}
			if string(out) != "abc" {
				t.Fatalf("dst = %q, want it unchanged", out)
			}
		})
	}
}

// selfChecked is a stand-in for a generated type: its Validate method is
// the seam.
type selfChecked struct {
	N     int `json:"n"`
	calls *int
	err   error
	fp    string
}

func (v selfChecked) Validate() error {
	*v.calls++
	return v.err
}

func (v selfChecked) SchemaFingerprint() string { return v.fp }

// userType has a Validate method of its own, unrelated to any schema.
type userType struct {
	N     int `json:"n"`
	calls *int
}

func (v userType) Validate() error {
	*v.calls++
	return nil
}

func TestValidatableSeam(t *testing.T) {
	s := compileText(t, `{"properties":{"n":{"minimum":10}}}`)
	fp := serde.Fingerprint(s)
	calls := 0
	bad := errors.Join(&serde.ValidationError{Path: "n", Err: serde.ErrRange, Reason: "generated check"})
	if err := s.Validate(selfChecked{N: 1, calls: &calls, err: bad, fp: fp}); !errors.Is(err, serde.ErrRange) {
		t.Fatalf("Validate = %v, want the type's own error", err)
	}
	out, err := s.AppendEncode(nil, selfChecked{N: 1, calls: &calls, err: bad, fp: fp})
	if !errors.Is(err, serde.ErrRange) || out != nil {
		t.Fatalf("AppendEncode = %q, %v", out, err)
	}
	out, err = s.AppendEncode(nil, selfChecked{N: 12, calls: &calls, fp: fp})
	if err != nil || string(out) != `{"n":12}` {
		t.Fatalf("AppendEncode = %q, %v", out, err)
	}
	if calls != 3 {
		t.Fatalf("Validate method called %d times, want 3", calls)
	}

	// A type generated from another schema, or a user type whose Validate
	// has nothing to do with this schema, gets the general validator: its
	// own Validate is never trusted, and N=1 breaks minimum 10.
	calls = 0
	for _, v := range []any{
		selfChecked{N: 1, calls: &calls, fp: "another schema"},
		userType{N: 1, calls: &calls},
	} {
		if err := s.Validate(v); !errors.Is(err, serde.ErrRange) {
			t.Fatalf("Validate(%T) = %v, want the schema's minimum", v, err)
		}
		if out, err := s.AppendEncode(nil, v); !errors.Is(err, serde.ErrRange) || out != nil {
			t.Fatalf("AppendEncode(%T) = %q, %v: an invalid value was encoded", v, out, err)
		}
	}
	if calls != 0 {
		t.Fatalf("an untrusted Validate method was called %d times", calls)
	}
}

func TestDecode(t *testing.T) {
	s := orderSchema(t)
	good, _ := json.Marshal(sampleOrder())
	tests := []struct {
		name       string
		data       string
		violations int
	}{
		{name: "good", data: string(good)},
		{name: "breaks the schema", data: strings.Replace(string(good), `"EUR"`, `"euro"`, 1), violations: 1},
		{name: "not JSON", data: `{"order_id":`, violations: 1},
		{name: "two values", data: string(good) + " {}", violations: 1},
		{name: "empty", data: ``, violations: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var o Order
			err := s.Decode([]byte(tc.data), &o)
			if tc.violations == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if o.ShippingAddress.City != "Lyon" || len(o.Items) != 2 {
					t.Fatalf("decoded %+v", o)
				}
				return
			}
			if !errors.Is(err, serde.ErrDecode) {
				t.Fatalf("Decode = %v, want ErrDecode", err)
			}
			if n := len(serde.Violations(err)); n != tc.violations {
				t.Fatalf("%d violations, want %d: %v", n, tc.violations, err)
			}
		})
	}
	if err := s.Decode(good, Order{}); !errors.Is(err, serde.ErrDecode) {
		t.Fatalf("Decode into a non-pointer = %v, want ErrDecode", err)
	}
}

// TestPlanDeclines: values the plan hands to the library still get the
// right verdict.
func TestPlanDeclines(t *testing.T) {
	s := compileText(t, `{"properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"string"}}`)
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{name: "duplicate known key, last wins", text: `{"a":"x","a":1}`, ok: true},
		{name: "duplicate known key, last loses", text: `{"a":1,"a":"x"}`},
		{name: "duplicate extra key, last wins", text: `{"b":1,"b":"x"}`, ok: true},
		// Past linearKeys unnamed keys, trackKey keeps them in a set: a
		// duplicate of a key before the switch, and of one after it.
		{name: "duplicate among many extra keys, last wins", text: manyKeys(2*linearKeys, `"k0":1,`, `"k0":"x"`), ok: true},
		{name: "duplicate among many extra keys, last loses", text: manyKeys(2*linearKeys, `"k0":"x",`, `"k0":1`)},
		{name: "late duplicate among many extra keys", text: manyKeys(2*linearKeys, "", `"k60":1`)},
		{name: "escaped duplicate among many extra keys", text: manyKeys(2*linearKeys, "", `"\u006b5":1`)},
		{name: "huge exponent", text: `{"a":1e5000}`},
		{name: "huge negative exponent", text: `{"a":1e-5000}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, planned := s.runPlan([]byte(tc.text), false)
			if planned {
				t.Fatal("plan did not decline")
			}
			if err := s.Validate(json.RawMessage(tc.text)); (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// manyKeys is an object of n string members "k0", "k1", ..., after first
// and before last (each a member or "").
func manyKeys(n int, first, last string) string {
	var b strings.Builder
	b.WriteString("{" + first)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":"v"`, i)
	}
	if last != "" {
		b.WriteString("," + last)
	}
	return b.String() + "}"
}

func TestSchemaAccessors(t *testing.T) {
	src := serde.Schema{Format: serde.JSON, Text: `{"type":"string"}`}
	s, err := Compile(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format() != serde.JSON || s.Schema().Text != src.Text {
		t.Fatalf("Format %v, Schema %+v", s.Format(), s.Schema())
	}
	if m, ok := s.Raw().(map[string]any); !ok || m["type"] != "string" {
		t.Fatalf("Raw = %#v", s.Raw())
	}
	var c serde.Compiled = s
	if err := c.Validate("x"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(nil); !errors.Is(err, serde.ErrType) {
		t.Fatalf("Validate(nil) = %v, want ErrType", err)
	}
}

// TestHugeExponents: numbers whose exact value the library would spend
// minutes on are refused, in values wherever they are and in schemas.
func TestHugeExponents(t *testing.T) {
	s := compileText(t, `{"properties":{"a":{"type":"integer"},"b":{}}}`)
	tests := []struct {
		name string
		text string
		path string
	}{
		{name: "checked property", text: `{"a":1e999999999}`, path: "a"},
		{name: "unchecked property", text: `{"b":[1,{"c":-2.5E-999999999}]}`, path: "b[1].c"},
		{name: "top level", text: `1e1001`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkOne(t, "Validate", s.Validate(json.RawMessage(tc.text)), tc.path, serde.ErrRange)
			m, err := FromJSON([]byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			checkOne(t, "map", s.Validate(m), tc.path, serde.ErrRange)
		})
	}
	if err := s.Validate(json.RawMessage(`{"a":1e1000,"b":1E-1000}`)); err != nil {
		t.Fatalf("exponents at the limit: %v", err)
	}
	for _, text := range []string{`{"maximum":1e99999999}`, `{"const":1E+0000000000000000000000000002000}`, `{"enum":["1e99999999",1e-5000]}`,
		`{"maximum":1000e999}`, `{"minimum":-0.001e-999}`, `{"const":1` + strings.Repeat("0", 1001) + `}`} {
		_, err := Compile(context.Background(), serde.Schema{Text: text}, nil)
		if !errors.Is(err, serde.ErrLimit) {
			t.Errorf("Compile(%s) = %v, want ErrLimit", text, err)
		}
	}
	for _, text := range []string{`{"enum":["1e99999999"],"description":"true 1e"}`, `{"maximum":1e1000,"minimum":-100e998,"multipleOf":0.01e-998}`, `{"const":1` + strings.Repeat("0", 1000) + `}`} {
		if _, err := Compile(context.Background(), serde.Schema{Text: text}, nil); err != nil {
			t.Errorf("Compile(%.60s) = %v, want it within the limits", text, err)
		}
	}
}

// TestConcurrentValidate shares one schema across goroutines (run with
// -race to check the plan and its pooled state).
func TestConcurrentValidate(t *testing.T) {
	s := orderSchema(t)
	bad := sampleOrder()
	bad.Items[1].Quantity = 0
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 50 {
				if (g+i)%2 == 0 {
					if _, err := s.AppendEncode(nil, sampleOrder()); err != nil {
						errs <- err
						return
					}
				} else {
					vs := serde.Violations(s.Validate(bad))
					if len(vs) != 1 || vs[0].Path != "items[1].quantity" {
						errs <- fmt.Errorf("got %v", vs)
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestThroughSerializer: the serde.Serializer frames what the schema
// encodes and stamps subject and ID on each violation.
func TestThroughSerializer(t *testing.T) {
	ser, err := serde.NewSerializer(orderSchema(t), serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 42})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ser.AppendSerialize(nil, sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[:5], []byte{0, 0, 0, 0, 42}) || out[5] != '{' {
		t.Fatalf("frame %x", out[:6])
	}
	bad := sampleOrder()
	bad.Currency = "eur"
	bad.Items[0].Quantity = -1
	out, err = ser.AppendSerialize([]byte("x"), bad)
	if string(out) != "x" {
		t.Fatalf("dst = %q after a refusal", out)
	}
	vs := serde.Violations(err)
	if len(vs) != 2 {
		t.Fatalf("%d violations: %v", len(vs), err)
	}
	for _, v := range vs {
		if v.Subject != "orders-value" || v.SchemaID != 42 || v.Topic != "orders" {
			t.Fatalf("not annotated: %+v", v)
		}
	}
	if got := vs[0].Error(); got != `orders-value (id 42): currency: does not match pattern "^[A-Z]{3}$"` {
		t.Fatalf("message %q", got)
	}
}

//go:build !codegen_update

package codegen_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/schemagen/schemagen/codegen"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	jsonrefs "github.com/schemagen/schemagen/codegen/testdata/json-refs/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

func ptr[T any](v T) *T { return &v }

// validInvoice returns a fresh value that fits json-basic's schema.
func validInvoice() *jsonbasic.Invoice {
	return &jsonbasic.Invoice{
		ID:       "6f1c1b6e-2f4e-4a53-9a57-0d1b3b1f6a01",
		Customer: jsonbasic.InvoiceCustomer{Name: "Ada", Email: "ada@example.com", Vip: ptr(true)},
		Status:   jsonbasic.InvoiceStatusSent,
		IssuedAt: time.Date(2026, 11, 23, 6, 50, 0, 0, time.UTC),
		Due:      ptr("2026-12-23"),
		Lines: []jsonbasic.InvoiceLinesItem{
			{SKU: "AB-1", Quantity: 2, UnitPrice: 9.99, Tags: []string{"a", "b"}},
			{SKU: "CD-22", Quantity: 1, UnitPrice: 0.5},
		},
		Currency: ptr("EUR"),
		Discount: ptr(12.5),
		Notes:    map[string]string{"delivery": "back door", "a key": "x"},
		Version:  ptr(int64(2)),
	}
}

func validCustomer() *jsonrefs.Customer {
	return &jsonrefs.Customer{
		ID:       7,
		Billing:  jsonrefs.Address{Street: "1 Main St", Country: "NL"},
		Shipping: &jsonrefs.Address{Street: "2 Side St", City: ptr("Delft"), Country: "NL"},
		Contacts: []jsonrefs.Contact{{Kind: jsonrefs.ContactKindEmail, Value: "ada@example.com", Preferred: ptr(true)}},
		Tier:     ptr(jsonrefs.TierGold),
	}
}

// violations renders an error's violations as sorted "path: sentinel" lines.
func violations(err error) string {
	var out []string
	for _, v := range serde.Violations(err) {
		out = append(out, fmt.Sprintf("%s: %v", v.Path, v.Err))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// compileSerde compiles a generated SchemaSource's embedded schema.
func compileSerde(t *testing.T, s producer.SchemaSource) serde.Compiled {
	t.Helper()
	r := s.Resolver
	if r == nil {
		r = serde.MapResolver{}
	}
	c, err := jsonschema.Compile(context.Background(), s.Local, r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestJSONValidateDifferential holds the generated Validate methods to
// serde/jsonschema's general validator: on every value, valid or not, both
// report the same violations (path and sentinel).
func TestJSONValidateDifferential(t *testing.T) {
	invoice := compileSerde(t, jsonbasic.InvoiceSide().Schema)
	customer := compileSerde(t, jsonrefs.CustomerSide().Schema)
	type validatable interface{ Validate() error }
	tests := []struct {
		name    string
		c       serde.Compiled
		value   func() validatable
		invalid bool
	}{
		{name: "invoice valid", c: invoice, value: func() validatable { return validInvoice() }},
		{name: "invoice minimal", c: invoice, value: func() validatable {
			v := validInvoice()
			v.Customer.Vip, v.Due, v.Currency, v.Discount, v.Notes, v.Version = nil, nil, nil, nil, nil, nil
			v.Lines[0].Tags = nil
			return v
		}},
		{name: "invoice bad uuid", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.ID = "x"; return v }},
		{name: "invoice empty name", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Customer.Name = ""; return v }},
		{name: "invoice long name", c: invoice, invalid: true, value: func() validatable {
			v := validInvoice()
			v.Customer.Name = strings.Repeat("é", 81)
			return v
		}},
		{name: "invoice bad email", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Customer.Email = "nope"; return v }},
		{name: "invoice bad status", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Status = "lost"; return v }},
		{name: "invoice bad date", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Due = ptr("2026-02-30"); return v }},
		{name: "invoice nil lines", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines = nil; return v }},
		{name: "invoice no lines", c: invoice, invalid: true, value: func() validatable {
			v := validInvoice()
			v.Lines = []jsonbasic.InvoiceLinesItem{}
			return v
		}},
		{name: "invoice bad line", c: invoice, invalid: true, value: func() validatable {
			v := validInvoice()
			v.Lines[1] = jsonbasic.InvoiceLinesItem{SKU: "x-1", Quantity: 0, UnitPrice: -1, Tags: []string{"t", "t"}}
			return v
		}},
		{name: "invoice price not cents", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 0.001; return v }},
		{name: "invoice price 123456.78", c: invoice, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 123456.78; return v }},
		{name: "invoice price 1e21", c: invoice, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 1e21; return v }},
		{name: "invoice price 0.1+0.2", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 0.30000000000000004; return v }},
		{name: "invoice price 1e-7", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 1e-7; return v }},
		{name: "invoice price tiny", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 5e-324; return v }},
		{name: "invoice price next to 0.11", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].UnitPrice = 0.11000000000000001; return v }},
		{name: "invoice quantity high", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Lines[0].Quantity = 1001; return v }},
		{name: "invoice currency", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Currency = ptr("USD"); return v }},
		{name: "invoice discount", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Discount = ptr(100.5); return v }},
		{name: "invoice long note", c: invoice, invalid: true, value: func() validatable {
			v := validInvoice()
			v.Notes["a key"] = strings.Repeat("n", 201)
			return v
		}},
		{name: "invoice version", c: invoice, invalid: true, value: func() validatable { v := validInvoice(); v.Version = ptr(int64(3)); return v }},
		{name: "customer valid", c: customer, value: func() validatable { return validCustomer() }},
		{name: "customer minimal", c: customer, value: func() validatable {
			v := validCustomer()
			v.Shipping, v.Contacts, v.Tier = nil, nil, nil
			return v
		}},
		{name: "customer bad id", c: customer, invalid: true, value: func() validatable { v := validCustomer(); v.ID = 0; return v }},
		{name: "customer bad address", c: customer, invalid: true, value: func() validatable {
			v := validCustomer()
			v.Billing.Street, v.Billing.Country = "", "nl"
			v.Shipping.Country = "NLD"
			return v
		}},
		{name: "customer bad contact", c: customer, invalid: true, value: func() validatable {
			v := validCustomer()
			v.Contacts = append(v.Contacts, jsonrefs.Contact{Kind: "fax", Value: "1"})
			return v
		}},
		{name: "customer bad tier", c: customer, invalid: true, value: func() validatable { v := validCustomer(); v.Tier = ptr(jsonrefs.Tier("BRONZE")); return v }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.value()
			gen := v.Validate()
			text, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			lib := tt.c.Validate(json.RawMessage(text))
			if (gen != nil) != tt.invalid {
				t.Fatalf("generated Validate = %v, want invalid=%v", gen, tt.invalid)
			}
			if g, l := violations(gen), violations(lib); g != l {
				t.Fatalf("generated and general validators disagree on %s\ngenerated:\n%s\ngeneral:\n%s\n(general error: %v)", text, g, l, lib)
			}
		})
	}
}

// TestJSONValidateDifferentialRandom draws invoices field by field from
// pools of valid and boundary values (fixed seed) and holds the generated
// Validate to the general validator on each.
func TestJSONValidateDifferentialRandom(t *testing.T) {
	c := compileSerde(t, jsonbasic.InvoiceSide().Schema)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) int { return rng.IntN(n) }
	strs := []string{"", "a", "AB-1", "ab-1", "AB-", "é", strings.Repeat("x", 80), strings.Repeat("x", 81), "a b", "a%b"}
	emails := []string{"ada@example.com", "nope", "", "a@b", "a@@b.c"}
	uuids := []string{"6f1c1b6e-2f4e-4a53-9a57-0d1b3b1f6a01", "6F1C1B6E-2F4E-4A53-9A57-0D1B3B1F6A01", "x", ""}
	dates := []string{"2026-12-23", "2026-02-29", "2024-02-29", "26-1-1", ""}
	statuses := []jsonbasic.InvoiceStatus{"draft", "sent", "paid", "", "PAID"}
	prices := []float64{0.01, 0, -0.01, 9.99, 0.005, 1e21, 1e-7, 123456.78, 0.30000000000000004, 100}
	ints := []int64{0, 1, 2, 3, 999, 1000, 1001, -1}
	nums := []float64{0, 100, 100.0001, -0.5, 50}
	for i := range 500 {
		v := validInvoice()
		v.ID = uuids[pick(len(uuids))]
		v.Customer.Name = strs[pick(len(strs))]
		v.Customer.Email = emails[pick(len(emails))]
		v.Status = statuses[pick(len(statuses))]
		if pick(2) == 0 {
			v.Due = ptr(dates[pick(len(dates))])
		}
		n := pick(4)
		if n == 3 {
			v.Lines = nil
		} else {
			v.Lines = make([]jsonbasic.InvoiceLinesItem, n)
			for j := range v.Lines {
				v.Lines[j] = jsonbasic.InvoiceLinesItem{
					SKU: strs[pick(len(strs))], Quantity: ints[pick(len(ints))], UnitPrice: prices[pick(len(prices))],
				}
				if pick(2) == 0 {
					v.Lines[j].Tags = []string{strs[pick(3)], strs[pick(3)]}
				}
			}
		}
		if pick(2) == 0 {
			v.Currency = ptr([]string{"EUR", "USD"}[pick(2)])
		}
		if pick(2) == 0 {
			v.Discount = ptr(nums[pick(len(nums))])
		}
		if pick(2) == 0 {
			v.Version = ptr(ints[pick(len(ints))])
		}
		if pick(2) == 0 {
			// Not the empty key: serde/jsonschema reports a violation under
			// notes[""] at "notes" (the empty segment is lost); the
			// generated path keeps it.
			v.Notes = map[string]string{strs[1+pick(len(strs)-1)]: strings.Repeat("n", 199+pick(3))}
		}
		text, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		g, l := violations(v.Validate()), violations(c.Validate(json.RawMessage(text)))
		if g != l {
			t.Fatalf("value %d: %s\ngenerated:\n%s\ngeneral:\n%s", i, text, g, l)
		}
	}
}

// The runtime trusts a generated Validate only for the schema it was
// generated from: compiling the embedded schema must give the embedded
// fingerprint, or every generated type would silently fall back to the
// general validator.
func TestGeneratedValidateIsTrusted(t *testing.T) {
	tests := []struct {
		name string
		s    producer.SchemaSource
		v    serde.Validatable
	}{
		{name: "invoice", s: jsonbasic.InvoiceSide().Schema, v: validInvoice()},
		{name: "customer", s: jsonrefs.CustomerSide().Schema, v: validCustomer()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compileSerde(t, tt.s)
			if _, ok := serde.SelfValidating(tt.v, serde.Fingerprint(c)); !ok {
				t.Fatalf("fingerprint of the compiled schema %s, generated type says %s", serde.Fingerprint(c), tt.v.SchemaFingerprint())
			}
		})
	}
}

// Values encoding/json cannot write are rejected by the generated Validate
// with a typed violation, not left for the encoder to refuse.
func TestGeneratedValidateUnencodable(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		edit func(v *jsonbasic.Invoice)
		path string
		want error
	}{
		{name: "NaN price", edit: func(v *jsonbasic.Invoice) { v.Lines[0].UnitPrice = nan }, path: "lines[0].unit_price", want: serde.ErrType},
		{name: "infinite discount", edit: func(v *jsonbasic.Invoice) { v.Discount = &inf }, path: "discount", want: serde.ErrType},
		{name: "year 10000", edit: func(v *jsonbasic.Invoice) { v.IssuedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, path: "issued_at", want: serde.ErrRange},
	}
	c := compileSerde(t, jsonbasic.InvoiceSide().Schema)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := validInvoice()
			tt.edit(v)
			err := v.Validate()
			vs := serde.Violations(err)
			if !errors.Is(err, tt.want) || len(vs) == 0 || vs[0].Path != tt.path {
				t.Fatalf("Validate = %v, want %v at %s", err, tt.want, tt.path)
			}
			// Through the runtime (which trusts the generated Validate):
			// a typed violation, nothing encoded.
			if out, err := c.AppendEncode(nil, v); !errors.Is(err, tt.want) || out != nil {
				t.Fatalf("AppendEncode = %q, %v", out, err)
			}
		})
	}
}

// TestJSONLongNumbers: a schema number longer than serde/jsonschema's
// MaxNumberDigits (issue 13: a million digits panicked math/big) fails
// generation with serde.ErrLimit; one at the limit generates.
func TestJSONLongNumbers(t *testing.T) {
	schema := func(digits int) string {
		return `{"type":"object","properties":{"a":{"type":"number","minimum":1.` + strings.Repeat("5", digits-1) + `}}}`
	}
	tests := []struct {
		name    string
		digits  int
		wantErr error
	}{
		{name: "at the limit", digits: jsonschema.DefaultMaxNumberDigits},
		{name: "past the limit", digits: jsonschema.DefaultMaxNumberDigits + 1, wantErr: serde.ErrLimit},
		{name: "a million digits", digits: 1_000_001, wantErr: serde.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codegen.Generate(context.Background(), codegen.Package{ImportPath: "x/y", Entries: []codegen.Entry{jsonEntry(schema(tt.digits))}})
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && (!errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "digits")) {
				t.Fatalf("Generate = %.200v, want %v", err, tt.wantErr)
			}
		})
	}
}

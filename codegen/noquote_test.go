//go:build !codegen_update

package codegen_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	avrobasic "github.com/schemagen/schemagen/codegen/testdata/avro-basic/want"
	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	"github.com/schemagen/schemagen/serde"
)

// noQuoteSecret stands for a credential or PII in a record: validation
// reasons must never quote it (errors reach logs, dead-letter headers and
// the CLI).
const noQuoteSecret = "078-05-1120-SECRET"

func assertNoValue(t *testing.T, err error, forbidden ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("error quotes the value %q: %s", f, text)
			}
		}
	}
}

// reasons maps each violation's path to its reason.
func reasons(err error) map[string]string {
	out := map[string]string{}
	for _, v := range serde.Violations(err) {
		out[v.Path] = v.Reason
	}
	return out
}

// TestJSONGeneratedNoValueInReasons feeds a secret through every check of
// json-basic's generated Validate and holds the reasons that both the
// generated and the runtime validator give to the same words.
func TestJSONGeneratedNoValueInReasons(t *testing.T) {
	const big = 4111111111111111
	v := validInvoice()
	v.ID = noQuoteSecret
	v.Customer.Email = noQuoteSecret
	v.Customer.Name = strings.Repeat(noQuoteSecret, 5)
	v.Status = noQuoteSecret
	v.Due = ptr(noQuoteSecret)
	v.Lines[0].SKU = noQuoteSecret
	v.Lines[0].Quantity = big
	v.Lines[0].UnitPrice = 4111111.111
	v.Lines[1].Quantity = -big
	v.Lines[1].UnitPrice = -big
	v.Currency = ptr(noQuoteSecret)
	v.Discount = ptr(float64(big))
	v.Notes = map[string]string{"k": strings.Repeat(noQuoteSecret, 12)}
	v.Version = ptr(int64(big))
	forbidden := []string{noQuoteSecret, "4111111111111111", fmt.Sprint(4111111.111), fmt.Sprint(float64(big)), fmt.Sprint(-float64(big))}
	gen := v.Validate()
	assertNoValue(t, gen, forbidden...)
	if n := len(serde.Violations(gen)); n < 14 {
		t.Errorf("%d violations, want every check to fail", n)
	}
	// The runtime validator, on the JSON (given v itself it would call
	// the generated Validate).
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	rt := compileSerde(t, jsonbasic.InvoiceSide().Schema).Validate(text)
	assertNoValue(t, rt, forbidden...)
	want := reasons(rt)
	for path, r := range reasons(gen) {
		if strings.HasPrefix(r, "not a valid ") || strings.HasPrefix(r, "must be ") || strings.HasPrefix(r, "not a multiple") {
			if want[path] != r {
				t.Errorf("%s: generated says %q, runtime %q", path, r, want[path])
			}
		}
	}

	year := validInvoice()
	year.IssuedAt = time.Date(41111, 1, 1, 0, 0, 0, 0, time.UTC)
	assertNoValue(t, year.Validate(), "41111")
}

// TestAvroGeneratedNoValueInReasons does the same for avro-basic's
// generated AppendAvro: an enum symbol that is a secret.
func TestAvroGeneratedNoValueInReasons(t *testing.T) {
	var o avrobasic.Order
	o.Status = noQuoteSecret
	_, err := o.AppendAvro(nil)
	assertNoValue(t, err, noQuoteSecret)
}

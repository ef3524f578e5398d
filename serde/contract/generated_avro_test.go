package contract_test

import (
	"context"
	"testing"

	avrounion "github.com/schemagen/schemagen/codegen/testdata/avro-union/want"
	"github.com/schemagen/schemagen/serde"
)

// Generated Avro types with unions (sum types registered with hamba): the
// rules see the record as Confluent's Java and Python clients show it, a
// union's member bare (message.method.last4, not hamba's generic
// message.method['shop.pay.Card'].last4).
func TestGeneratedAvroUnion(t *testing.T) {
	c, err := avrounion.PaymentSide().Schema.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: avrounion.PaymentSchema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		cond("cardLast4", "!has(message.method.last4) || size(message.method.last4) == 4"),
		{Name: "monthRange", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Expr: "name == 'expiry_month' ; value >= 1 && value <= 12"},
	}}
	card := func(last4 string, month int32) avrounion.Card {
		return avrounion.Card{Last4: last4, ExpiryMonth: month, Token: "9b2f4e8a-3c1d-4e5f-8a7b-6c5d4e3f2a1b"}
	}
	ok := &avrounion.Payment{ID: "p1", Method: &avrounion.PaymentMethod{Value: card("1234", 5)},
		History: []*avrounion.PaymentHistoryItem{}}
	out, err := serialize(t, c, rs, nil, ok)
	checkViolations(t, out, err, nil)
	bad := &avrounion.Payment{ID: "p1", Method: &avrounion.PaymentMethod{Value: card("12", 13)},
		History: []*avrounion.PaymentHistoryItem{}}
	out, err = serialize(t, c, rs, nil, bad)
	checkViolations(t, out, err, []want{{"", "cardLast4"}, {"method.expiry_month", "monthRange"}})
}

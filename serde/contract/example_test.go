package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// An Avro schema with an inline rule on a field, and a domain rule in the
// rule set the registry stores with it.
func Example_avro() {
	ctx := context.Background()
	c, err := avro.Compile(ctx, serde.Schema{Format: serde.Avro, Text: `{
	  "type": "record", "name": "Payment", "namespace": "shop",
	  "fields": [
	    {"name": "id", "type": "string"},
	    {"name": "amount", "type": "long",
	     "confluent:rules": [{"name": "amountPositive", "doc": "amounts are positive", "expr": "this > 0"}]},
	    {"name": "currency", "type": "string"}
	  ]}`}, nil)
	if err != nil {
		panic(err)
	}
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{
		Name: "knownCurrency", Kind: "CONDITION", Mode: "WRITE", Type: "CEL",
		Expr: "message.currency in ['EUR', 'USD']",
	}}}
	ct, err := contract.New(c, rules, nil)
	if err != nil {
		panic(err)
	}
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "payments", Subject: "payments-value", ID: 42, Contract: ct})
	if err != nil {
		panic(err)
	}
	_, err = ser.AppendSerialize(nil, map[string]any{"id": "p-1", "amount": int64(-5), "currency": "XXX"})
	fmt.Println(err)
	for _, v := range serde.Violations(err) {
		fmt.Printf("path=%q rule=%q expr=%q ErrRule=%v\n", v.Path, v.Rule, v.RuleExpr, errors.Is(v, serde.ErrRule))
	}
	// Output:
	// payments-value (id 42): breaks rule "knownCurrency": message.currency in ['EUR', 'USD']
	// payments-value (id 42): amount: breaks rule "amountPositive": amounts are positive
	// path="" rule="knownCurrency" expr="message.currency in ['EUR', 'USD']" ErrRule=true
	// path="amount" rule="amountPositive" expr="this > 0" ErrRule=true
}

// A JSON Schema with a CEL_FIELD rule on the fields tagged PII.
func Example_jsonSchema() {
	ctx := context.Background()
	c, err := jsonschema.Compile(ctx, serde.Schema{Format: serde.JSON, Text: `{
	  "type": "object",
	  "properties": {
	    "name": {"type": "string"},
	    "email": {"type": "string", "confluent:tags": ["PII"]}
	  }}`}, nil)
	if err != nil {
		panic(err)
	}
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{
		Name: "piiIsEmail", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"},
		Expr: "typeName == 'STRING' ; value.isEmail()",
	}}}
	ct, err := contract.New(c, rules, nil)
	if err != nil {
		panic(err)
	}
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "users", Subject: "users-value", ID: 7, Contract: ct})
	if err != nil {
		panic(err)
	}
	_, err = ser.AppendSerialize(nil, json.RawMessage(`{"name": "ann", "email": "not-an-email"}`))
	fmt.Println(err)
	// Output:
	// users-value (id 7): email: breaks rule "piiIsEmail": typeName == 'STRING' ; value.isEmail()
}

// A .proto with buf.validate constraints: the import needs no file.
func Example_protobuf() {
	ctx := context.Background()
	c, err := protobuf.Compile(ctx, serde.Schema{Format: serde.Protobuf, Text: `syntax = "proto3";
package shop.v1;
import "buf/validate/validate.proto";
message Order {
  string id = 1 [(buf.validate.field).string.min_len = 3];
  int32 qty = 2 [(buf.validate.field).int32.gt = 0];
}`}, nil)
	if err != nil {
		panic(err)
	}
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		panic(err)
	}
	ser, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 9, Contract: ct})
	if err != nil {
		panic(err)
	}
	m := dynamicpb.NewMessage(c.Message())
	m.Set(c.Message().Fields().ByName("id"), protoreflect.ValueOfString("o1"))
	_, err = ser.AppendSerialize(nil, m)
	fmt.Println(err)
	// Output:
	// orders-value (id 9): id: breaks rule "string.min_len": must be at least 3 characters
	// orders-value (id 9): qty: breaks rule "int32.gt": must be greater than 0
}

package protobuf_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

func Example() {
	ctx := context.Background()
	src := serde.Schema{Format: serde.Protobuf, Text: `
syntax = "proto2";
package shop.v1;
message Order {
  required string id = 1;
  repeated Item items = 2;
  message Item { required string sku = 1; optional int32 qty = 2; }
}`}
	// Deterministic: equal values give equal bytes (dynamic messages
	// otherwise marshal their fields in no fixed order).
	s, err := protobuf.Compile(ctx, src, nil, protobuf.Deterministic())
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Message().FullName(), s.MessageIndexes())

	// A value from JSON, encoded and framed for schema ID 42.
	order, err := s.FromJSON([]byte(`{"id":"o-1","items":[{"sku":"A-1","qty":2}]}`))
	if err != nil {
		panic(err)
	}
	ser, err := serde.NewSerializer(s, serde.SerializerConfig{Subject: "orders-value", ID: 42})
	if err != nil {
		panic(err)
	}
	rec, err := ser.AppendSerialize(nil, order)
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", rec)

	// A value the schema forbids never gets encoded.
	_, err = s.FromJSON([]byte(`{"id":"o-2","items":[{"sku":"A-1"},{"qty":1}]}`))
	fmt.Println(err, errors.Is(err, serde.ErrRequired))
	// Output:
	// shop.v1.Order [0]
	// 00 00 00 00 2a 00 0a 03 6f 2d 31 12 07 0a 03 41 2d 31 10 02
	// items[1].sku: required field sku is not set true
}

func ExampleCompiled_Canonical() {
	s, err := protobuf.Compile(context.Background(), serde.Schema{Text: `
syntax = "proto3"; package p;
import "google/protobuf/timestamp.proto";
option java_package = "com.example"; option go_package = "example.com/p";
message Event { google.protobuf.Timestamp at = 2; string id = 1; // the id
}`}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(s.Canonical())
	// Output:
	// syntax = "proto3";
	//
	// package p;
	//
	// import "google/protobuf/timestamp.proto";
	//
	// option go_package = "example.com/p";
	// option java_package = "com.example";
	//
	// message Event {
	//   string id = 1;
	//   .google.protobuf.Timestamp at = 2;
	// }
}

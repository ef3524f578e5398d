// Package benchpb holds the benchmark's Protobuf order schema and the
// protoc-gen-go code generated from it (order.pb.go, by ../genpb).
package benchpb

//go:generate sh -c "cd ../.. && go run ./internal/genpb"

// Proto is serde/protobuf's benchmark order (serde/protobuf/bench_test.go,
// docs/perf/protobuf.md): 12 fields with a nested message, repeated
// messages and strings, an enum, a proto3 optional, a Timestamp and money
// as units/nanos plus a decimal string.
const Proto = `syntax = "proto3";
package bench.v1;
import "google/protobuf/timestamp.proto";
message Order {
  string order_id = 1;
  string customer_id = 2;
  Status status = 3;
  repeated LineItem items = 4;
  Money total = 5;
  string discount = 6;
  google.protobuf.Timestamp created_at = 7;
  optional string coupon = 8;
  repeated string tags = 9;
  Address shipping = 10;
  bool gift = 11;
  int64 version = 12;
  message Address { string line1 = 1; string city = 2; string country = 3; }
}
message Money { string currency_code = 1; int64 units = 2; int32 nanos = 3; }
message LineItem { string sku = 1; int32 quantity = 2; Money unit_price = 3; }
enum Status { STATUS_UNSPECIFIED = 0; STATUS_PLACED = 1; STATUS_PAID = 2; }
`

// Package serde owns what every schema format shares: the Confluent wire
// format (magic byte, schema ID or GUID, Protobuf message indexes, header
// carried IDs), the contract that each format implements (a compiled schema
// that validates, encodes and decodes), the resolver seam through which a
// schema's references arrive, and the typed errors a rejected value gets.
//
// The formats live in subpackages: serde/avro, serde/protobuf and
// serde/jsonschema. serde never imports the registry or the producer.
package serde

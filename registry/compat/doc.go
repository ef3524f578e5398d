// Package compat checks schema compatibility offline, with Confluent Schema
// Registry's semantics, for Avro, Protobuf and JSON Schema at all seven
// levels (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
// FULL, FULL_TRANSITIVE).
//
// Every level is built from one directional question, CanRead(reader,
// writer): BACKWARD asks whether the new schema reads the old one's data,
// FORWARD the reverse, FULL both. Non-transitive levels compare with the
// latest version only.
//
// For tools: Diff lists every change between two schemas, compatible
// or not; CheckPolicy and PolicyChecker compare JSON Schema under
// Confluent's STRICT or LENIENT policy at every level; and each Finding
// carries Confluent's own location of it (ConfluentPath: "#/Order/3" for
// Protobuf) beside ours (Path, Line, Col).
//
// The rules per format live in internal packages (internal/avrocompat,
// internal/protocompat, internal/jsoncompat); docs/COMPATIBILITY.md lists
// them with their rule IDs.
package compat

// Package protobuf compiles Protobuf schemas (.proto text) into descriptors
// and validates, encodes and decodes proto.Message values against them.
//
// Compile parses the schema with github.com/bufbuild/protocompile. Imports
// come from a serde.Resolver (the schema's References first, then
// Reference{Name: importPath}); the well-known types (google/protobuf/*.proto)
// are built in. Nothing is read from disk or the network.
//
// The returned *Compiled implements serde.Compiled and serde.Indexed. Its
// descriptors are protobuf-go's own (rebuilt with protodesc from
// protocompile's output), so proto, protojson and dynamicpb treat them as
// they treat generated code. A file without messages compiles (it can be
// registered and imported) but encodes nothing.
//
// Values are proto.Message: generated messages (protoc-gen-go) or dynamicpb
// messages whose descriptor has the schema message's full name and a
// layout that agrees with the schema's (same kinds and cardinalities for
// the fields they share, no set field the schema lacks, every required
// field).
// Validate reports every violation with its field path:
// missing proto2 required fields (serde.ErrRequired), invalid UTF-8 in fields
// that must be UTF-8 (serde.ErrFormat), closed-enum values outside the enum
// (serde.ErrEnum), and values of the wrong type (serde.ErrType).
//
// AppendEncode writes the bare Protobuf payload with protobuf-go's default
// marshaling (Deterministic makes it stable); the message-index path and the
// Confluent frame are written by serde.Serializer from MessageIndexes. The
// indexes count nested types as descriptors list them, map entries
// included, as Confluent's clients do.
//
// Canonical prints the schema as .proto text in a canonical order, so the
// same schema written two ways gives the same text, and the text keeps the
// message indexes. Type references are printed fully qualified with a
// leading dot, as Confluent Schema Registry's normalizer does.
// FileText prints a FileDescriptorProto the same way (a registry stores a
// schema sent as a serialized descriptor as that text).
package protobuf

// Package codegen turns schemas into Go packages: the value types of an
// Avro, Protobuf or JSON Schema schema and one thin typed-producer stub per
// schema over producer.NewTyped.
//
// Generate is pure: it returns file names and gofmt'ed source and writes
// nothing; the schemagen CLI writes the files. Generated code imports only
// the runtime (producer, registry, serde) and the format's library, and
// carries a compile-time version guard against the runtime
// (producer.IsAtLeastVersion0_1_0).
//
// Avro: records become structs tagged `avro:"name"`, enums typed strings
// with constants and an IsValid method, ["null", T] a pointer (or nil-able
// slice, map, bytes), timestamp-millis/-micros and date time.Time, decimal
// *big.Rat, uuid string. Unions other than ["null", T] are refused with an
// error naming the field (see the package README in the report: hamba/avro
// resolves interface-typed unions through a type registry private to each
// serde/avro schema, which generated code cannot reach).
//
// Protobuf: the output of protoc-gen-go, made without protoc from the
// descriptors serde/protobuf compiles (protogen and internal_gengo).
// Imported user files are generated into the same package; well-known types
// map to their usual Go packages.
//
// JSON Schema: objects become structs with json tags (required properties
// plain fields, optional ones pointers with omitempty), enums typed
// constants, date-time time.Time, with a generated Validate method (the
// serde.Validatable seam) that checks the schema's constraints without
// reflection.
package codegen

// Package codegen turns schemas into Go packages: the value types of an
// Avro, Protobuf or JSON Schema schema and one thin typed-producer stub per
// schema over producer.NewTyped.
//
// Generate is pure: it returns file names and gofmt'ed source and writes
// nothing; the schemagen CLI writes the files. Generated code imports only
// the runtime (producer, registry, serde and the serde format packages)
// and, for Protobuf and JSON Schema, the format's library, and carries a
// compile-time version guard against the runtime
// (const _ = producer.IsAtLeastVersion0_1_0). Imports are never written by
// hand: a tracker records each package as its identifiers are emitted.
//
// # The stub
//
// For every entry: <T>Schema, the normalized schema text (Canonical of the
// compiled schema); <T>Fingerprint, its serde.Fingerprint; for Protobuf
// <T>MessageIndexes; and <T>Side, the producer.Side (its SchemaSource
// compiles the embedded text, with every referenced schema embedded too, so
// binding needs the registry only for the schema ID; subject or strategy,
// record name, ID source, drift policy). For value entries, <T>Spec returns
// the producer.Spec (topic, value side, key side, framing) and
// New<T>Producer binds it. The key type is the
// generated type of the package's key entry for the same topic, if there is
// one; otherwise the constructor is generic over string and []byte keys.
//
// The default ID source is registry.LookupBySchema: the producer finds the
// embedded schema under its subject and fails at start-up if it is not
// registered (a producer should not register schemas behind the back of a
// compatibility review). Entry.IDSource "register" or "latest" picks
// registry.AutoRegister or registry.UseLatest; the default drift policy is
// registry.DriftFail. Callers change anything else by editing the Spec
// before producer.NewTyped.
//
// # Avro
//
// Records become structs tagged `avro:"name"`, enums typed strings with
// constants and an IsValid method, fixed types byte arrays; timestamp-millis,
// timestamp-micros and date become time.Time, time-millis and time-micros
// time.Duration, decimal *big.Rat, uuid string. ["null", T] is *T (slices
// stay slices: nil is null). Any other union becomes a typed sum: a struct
// U whose Value is a sealed interface UValue, implemented by the generated
// record, enum and fixed types of its branches and by one defined type per
// primitive branch (UString, ULong...); the field holds *U, nil for null.
// U implements hamba/avro's UnionConverter, and the stub's Side registers
// the branch types with the compiled schema (serde/avro's Schema.UseSums),
// because hamba resolves union branches by name through a registry private
// to each schema and cannot decode into a non-empty interface. Branches
// that are arrays, maps or logical types are refused. Named types are
// generated once per package; types a reference defines go to that
// reference's own file.
//
// # Protobuf
//
// The output of protoc-gen-go, made without protoc: serde/protobuf compiles
// the file and its imports (protocompile), the descriptors go into a
// pluginpb.CodeGeneratorRequest with M mappings to the package, and
// protogen with internal_gengo writes the files. Imported user files are
// generated into the same package; well-known types map to their usual Go
// packages. The entry's file is registered as <proto package dirs>/<file>,
// so two packages never register the same path. The .pb.go files keep
// protoc-gen-go's own header.
//
// # JSON Schema
//
// Objects become structs with json tags (required properties plain fields,
// optional ones pointers, or nil-able slices and maps, with omitempty),
// string enums typed strings with constants, date-time (alone) time.Time,
// with a generated Validate method (the serde.Validatable seam) that checks
// required, enum, const, minimum/maximum (inclusive and exclusive),
// multipleOf, lengths, pattern (compiled once at package init), formats
// (the library's own checkers), items, uniqueItems, map values and nested
// objects without reflection or encoding, with the paths serde/jsonschema
// reports (items[2].sku, notes["a key"]). What is not supported (oneOf and
// anyOf other than a nullable [S, null], allOf, not, conditionals, tuple
// items, patternProperties, $id-based references...) fails generation with
// an error naming the keyword and the JSON pointer; see the comment in
// jsonschema.go for the list and the choices made for additionalProperties.
package codegen

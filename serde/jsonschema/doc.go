// Package jsonschema is schemagen's JSON Schema format: it compiles schemas
// (drafts 7, 2019-09 and 2020-12, with 4 and 6 accepted) with
// github.com/santhosh-tekuri/jsonschema/v5, validates values, encodes them as
// JSON and decodes them.
//
// Compile resolves "$ref"s to other documents only through a serde.Resolver:
// it never reads a file or the network. The compiled *Compiled implements
// serde.Compiled.
//
// Model is the one parsed form of a JSON Schema that the rest of schemagen
// reads: its documents with their keys in the text's order and the
// position of every value, and "$ref" resolution between them through the
// resolver. The code generator builds Go types from it, the compatibility
// checker (registry/compat) its schema model, and Compile its plan: after
// the library compiled the schema (so it is valid), the plan reads each
// document the library loaded, by the same URL, as the library reads it
// for the document's draft, and declines what it cannot match exactly.
//
// Limits: MaxSchemaBytes (1 MiB), MaxDepth (128) and MaxNumberDigits
// (10,000) bound every schema text, and MaxNumberDigits every value;
// MaxDocuments (256) bounds the documents a Model loads; MaxSubschemas
// (2,000) bounds the schemas of one schema with what it references (of
// each document a Model loads), counted before the library compiles;
// MaxFanout (10,000) bounds how many schemas one place of a value is
// checked against through $ref, allOf, anyOf, oneOf, not and if/then/else
// (counted on the compiled schema: nesting them multiplies);
// numbers with an exponent beyond ±1000 are refused in schemas and values.
//
// Validation has two paths. For most schemas Compile also builds a plan, a
// validator specialized to the schema, which checks a value's JSON text in
// one pass without decoding it; for schemas that use keywords the plan does
// not implement (FastPath says which), the library validates. Both report
// every violation as a *serde.ValidationError with the value's path, such as
// items[2].sku, and a sentinel such as serde.ErrRange. Generated types that
// implement serde.Validatable validate themselves.
package jsonschema

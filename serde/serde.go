package serde

import (
	"context"
	"fmt"
)

// Format names a schema format with the registry's schemaType spelling.
type Format string

// The three formats. A registry omits schemaType for Avro.
const (
	Avro     Format = "AVRO"
	Protobuf Format = "PROTOBUF"
	JSON     Format = "JSON"
)

// ParseFormat accepts the registry's spelling (empty means AVRO) and the
// lower-case names used in config files.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "AVRO", "avro":
		return Avro, nil
	case "PROTOBUF", "protobuf", "proto":
		return Protobuf, nil
	case "JSON", "json", "jsonschema", "JSONSCHEMA":
		return JSON, nil
	}
	return "", fmt.Errorf("serde: unknown schema format %q", s)
}

// Reference is a schema's dependency as a Confluent registry records it.
// Name is the Avro full type name, the .proto import path, or the JSON
// Schema $ref URL; Subject and Version say where it is registered (both are
// empty for references that only a local resolver knows).
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Schema is schema text as a registry stores it: the format, the text, and
// the references the text needs.
type Schema struct {
	Format     Format      `json:"schemaType,omitempty"`
	Text       string      `json:"schema"`
	References []Reference `json:"references,omitempty"`
	// RuleSet and Metadata are the data contract the registry stores with
	// the schema (see serde/contract); nil when there is none.
	RuleSet  *RuleSet  `json:"ruleSet,omitempty"`
	Metadata *Metadata `json:"metadata,omitempty"`
}

// Resolver supplies the text of a referenced schema. The registry client is
// one (it fetches Reference.Subject at Reference.Version); MapResolver serves
// files in tests and in the CLI. A format package asks for every reference a
// schema lists and, for Protobuf imports and JSON Schema $refs the list lacks,
// for Reference{Name: importPathOrURL}.
type Resolver interface {
	Resolve(ctx context.Context, ref Reference) (Schema, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, ref Reference) (Schema, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, ref Reference) (Schema, error) { return f(ctx, ref) }

// MapResolver resolves references by Name from a map. A missing name is an
// error wrapping ErrReference.
type MapResolver map[string]Schema

// Resolve looks ref.Name up.
func (m MapResolver) Resolve(_ context.Context, ref Reference) (Schema, error) {
	s, ok := m[ref.Name]
	if !ok {
		return Schema{}, fmt.Errorf("%w: %q", ErrReference, ref.Name)
	}
	return s, nil
}

// Compiled is a schema parsed and compiled once, with its references
// resolved. It is safe for concurrent use. Every format package returns one
// from its Compile function.
//
// Value types are the format's: generated structs or map[string]any for
// Avro; proto.Message (generated or dynamicpb) for Protobuf; generated
// structs, map[string]any or json.RawMessage for JSON Schema.
type Compiled interface {
	// Format reports the schema's format.
	Format() Format
	// Schema returns the source text and references the schema was compiled from.
	Schema() Schema
	// Canonical returns the normalized text: the same schema written two
	// ways gives the same canonical text.
	Canonical() string
	// Validate checks v against the schema without encoding it. It returns
	// nil, a *ValidationError, or errors.Join of several, each with its path.
	Validate(v any) error
	// AppendEncode validates v, encodes it and appends the bytes to dst. It
	// never appends a partial encoding: on error dst is returned unchanged.
	// The bytes are the bare payload; framing is the Serializer's job.
	AppendEncode(dst []byte, v any) ([]byte, error)
	// Decode decodes a bare payload (no frame) into v, a pointer for Avro
	// and JSON, a proto.Message for Protobuf.
	Decode(data []byte, v any) error
}

// Indexed is implemented by Protobuf compiled schemas: the message-index
// path of the message the schema encodes, computed once from the descriptor.
type Indexed interface {
	MessageIndexes() []int
}

// Validatable is the seam for validation code generated from a schema: a
// generated type's Validate method checks the schema's constraints directly,
// with no reflection and no decode round trip. SchemaFingerprint returns the
// Fingerprint of the schema the type was generated from.
//
// A format package uses Validate in place of its general validator only
// when SchemaFingerprint equals the fingerprint of the schema it compiled
// (see SelfValidating): a type with a Validate method of its own, or one
// generated from another version of the schema, gets the general validator.
type Validatable interface {
	Validate() error
	SchemaFingerprint() string
}

// SelfValidating returns v as a Validatable when v was generated from the
// schema whose Fingerprint is fingerprint, so that its own Validate may
// stand in for the general validator.
func SelfValidating(v any, fingerprint string) (Validatable, bool) {
	vv, ok := v.(Validatable)
	if !ok || vv.SchemaFingerprint() != fingerprint {
		return nil, false
	}
	return vv, true
}

// AvroAppender is the seam for the Avro encoders schemagen generates: a
// generated type's AppendAvro validates the value and appends its Avro
// binary encoding (no frame) in one pass, with the violations and the
// bytes of serde/avro's general path. SchemaFingerprint returns the
// Fingerprint of the schema the type was generated from; a Serializer
// calls AppendAvro only when it equals the fingerprint of the schema it
// bound, and takes the general path otherwise.
type AvroAppender interface {
	AppendAvro(dst []byte) ([]byte, error)
	SchemaFingerprint() string
}

// ProtoAppender is AvroAppender's Protobuf twin: a generated message's
// AppendProto validates it and appends its deterministic Protobuf
// encoding (no frame, no message indexes).
type ProtoAppender interface {
	AppendProto(dst []byte) ([]byte, error)
	SchemaFingerprint() string
}

// JSONAppender is AvroAppender's JSON Schema twin: a generated type's
// AppendJSON validates the value and appends the bytes encoding/json's
// Marshal writes for it.
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
	SchemaFingerprint() string
}

// Package server is schemagen's embedded Confluent-compatible Schema
// Registry: a real server for development, the demo and tests, not a mock.
// Confluent's own clients (franz-go's sr.Client, Python confluent-kafka's
// SchemaRegistryClient and its serializers with auto-register) work against
// it unchanged.
//
// What it does for real:
//
//   - Validation: every schema is compiled with its references resolved from
//     the registry itself; a schema that does not compile is refused with
//     error code 42201.
//   - Compatibility: registration and the /compatibility endpoints run a
//     compat.Checker (compat.Default unless the Checker option says
//     otherwise) at the subject's level or the global one; an incompatible
//     schema gets HTTP 409 with the findings in the message.
//   - Identity: IDs are global; the same schema under two subjects shares
//     one ID; registering a schema a subject already has returns the
//     existing ID without a new version. Every schema also gets a GUID.
//   - Deletes: soft deletes hide versions, permanent deletes need a soft
//     delete first, and a version another schema references cannot be
//     deleted.
//   - Modes: READWRITE, READONLY (writes refused with 42205) and IMPORT
//     (registration with explicit id and version, no compatibility check).
//   - Persistence: with LogFile, every change is one JSON line appended to a
//     log that is replayed on start. A torn last line, left by a crash in
//     the middle of a write, is cut away with a warning; nothing before it
//     is lost. Fsync makes every append durable before it is acknowledged.
//
// The endpoints, their JSON shapes and error codes follow Confluent's REST
// API; handlers.go lists them. Requests and responses use the content type
// application/vnd.schemaregistry.v1+json (application/json and
// application/vnd.schemaregistry+json are accepted too).
//
// For tests, package registrytest starts a server on a loopback port and
// closes it when the test ends.
package server

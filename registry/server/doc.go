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
// API:
//
//	GET    /
//	GET    /subjects                                         ?deleted ?deletedOnly ?subjectPrefix
//	GET    /subjects/{subject}/versions                      ?deleted ?deletedOnly
//	POST   /subjects/{subject}/versions                      ?normalize         register
//	GET    /subjects/{subject}/versions/{version}            ?deleted ?format
//	DELETE /subjects/{subject}/versions/{version}            ?permanent
//	GET    /subjects/{subject}/versions/{version}/schema     ?deleted ?format
//	GET    /subjects/{subject}/versions/{version}/referencedby
//	GET    /subjects/{subject}/metadata                      ?key ?value ?deleted  latest with metadata
//	POST   /subjects/{subject}                               ?normalize ?deleted ?format  lookup
//	DELETE /subjects/{subject}                               ?permanent
//	GET    /schemas                                          ?subjectPrefix ?deleted ?latestOnly
//	GET    /schemas/ids/{id}                                 ?subject ?format ?fetchMaxId
//	GET    /schemas/ids/{id}/schema                          ?subject ?format
//	GET    /schemas/ids/{id}/subjects                        ?deleted
//	GET    /schemas/ids/{id}/versions                        ?deleted
//	GET    /schemas/guids/{guid}                             ?format
//	GET    /schemas/guids/{guid}/ids
//	GET    /schemas/types
//	GET    /config, /config/{subject}                        ?defaultToGlobal
//	PUT    /config, /config/{subject}
//	DELETE /config, /config/{subject}
//	GET    /mode, /mode/{subject}                            ?defaultToGlobal
//	PUT    /mode, /mode/{subject}                            ?force
//	DELETE /mode, /mode/{subject}
//	POST   /compatibility/subjects/{subject}/versions        ?verbose ?normalize
//	POST   /compatibility/subjects/{subject}/versions/{version}
//	GET    /contexts                                         the default "." and every context a subject is in
//	GET    /v1/metadata/id
//	POST   /associations                                     ?dryRun
//	GET    /associations/subjects/{subject}                  ?resourceType ?associationType ?lifecycle ?offset ?limit
//	GET    /associations/resources/{namespace}/{name}        (same; "-" matches any namespace or name)
//	GET    /associations/resources/{id}                      (same)
//	DELETE /associations/resources/{id}                      ?associationType ?cascadeLifecycle ?dryRun
//	PUT    /associations/resources/{id}                      ?dryRun  add WEAK ones to a resource
//
// Associations (Confluent 8.x) tie a topic to the subjects of its key and
// value, which AssociatedNameStrategy looks up. Like subjects they are
// kept by the store: in the data file, and on the Kafka topic as Confluent
// 8.x writes them (ASSOC keys, AssociationValue values, a tombstone for a
// deleted one), so they survive a restart and a change of leader. The
// batch endpoints (:batchGet, :batchMutate) are not implemented.
//
// Schema contexts: a subject ":.ctx:name" is in context ".ctx", any other
// in the default context ".". Each context has its own ID sequence;
// /schemas/ids/{id} resolves the ID in the context of ?subject= (":.ctx:"
// alone names a context), and a reference to an unqualified subject is to
// that subject in the referrer's context. The config and mode of ":.ctx:"
// apply to the context's subjects that have none of their own.
//
// Subjects are path elements: a subject containing "/" must be escaped
// ("a%2Fb.proto"), as Confluent's clients do. Requests and responses use
// the content type application/vnd.schemaregistry.v1+json (application/json
// and application/vnd.schemaregistry+json are accepted too). Boolean query
// parameters accept any case ("True", as Python's client sends).
//
// With ?format=serialized, on every endpoint that returns a schema, a
// Protobuf schema is answered as the base64 of
// its FileDescriptorProto, and a Protobuf schema registered in that form is
// stored as .proto text, as Confluent's Python serializers expect.
//
// For tests, package registrytest starts a server on a loopback port and
// closes it when the test ends.
package server

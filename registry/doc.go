// Package registry is a client for any Confluent-compatible schema registry
// (Confluent, Redpanda, Apicurio's ccompat API, Karapace, and schemagen's own
// registry/server), built on franz-go's pkg/sr.
//
// On top of sr's HTTP layer it adds what a producer needs to resolve its
// schema ID once and never call the registry on the hot path:
//
//   - caches: schema by ID, schema by subject and version, ID and version by
//     (subject, normalized schema), latest version per subject with a TTL;
//     concurrent misses on one key share one request, and no lock is held
//     during a request;
//   - Bind: how a producer finds its schema ID (PinID, UseLatest,
//     LookupBySchema, AutoRegister) and what happens when the local schema
//     differs from the registered one (DriftFail, DriftWarn,
//     DriftAllowIfCompatible with an injected checker such as
//     compat.CanRead);
//   - RegisterAll: a graph of schemas that reference each other, registered
//     in dependency order, with subjects picked by a ReferenceSubjectStrategy;
//   - connections: basic auth, bearer tokens, a header provider, TLS and
//     mutual TLS, several URLs with failover, retries with full-jitter
//     backoff bounded by the context and a retry budget;
//   - fleet scale: a bounded number of connections per host
//     (MaxConnsPerHost), a circuit breaker that fails fast with
//     ErrCircuitOpen after repeated 5xx answers or timeouts (Breaker), and
//     404 answers remembered for a short time (NegativeCacheTTL);
//   - warm start: WriteSnapshot and Snapshot, so a producer starts while
//     the registry is down;
//   - errors: registry error codes as sentinels that work with errors.Is
//     (ErrSubjectNotFound, ErrIncompatible, ...), wrapped in *ResponseError.
//     No credential appears in an error or a log line.
//
// The client imports no schema format and no compatibility checker: it
// normalizes schemas with serde.Compile, which uses the format packages the
// program imports (serde/formats imports all three).
//
// Subjects are path-escaped in every request, so reference subjects derived
// from .proto import paths ("acme/money.proto") work. Endpoints a registry
// lacks (Apicurio has no modes) give errors wrapping ErrUnsupported;
// docs/REGISTRIES.md lists what works with which registry.
package registry

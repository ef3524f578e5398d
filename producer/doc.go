// Package producer is schemagen's Kafka producer: a franz-go client that
// validates and serializes every record against the schema registered for
// its subject, frames it in the Confluent wire format, and only then hands it
// to franz-go's batch accumulator.
//
// A Producer owns one kgo.Client. Typed[K, V] producers are built over it
// from a Spec: the topic, the value Side and optional key Side (each a
// SchemaSource, its subject or subject strategy, how its schema ID is found
// or pinned, and its drift policy), the framing and the reject policy. A value that does not fit
// never reaches franz-go: Produce returns a *RejectError wrapping the
// *serde.ValidationError that names the field, the rule, the subject and the
// schema ID, the record's Future fails with it, Metrics counts it, and the
// reject policy may call a hook or write the record to a dead-letter topic.
//
// Options follow franz-go's style (SeedBrokers, Acks, Linger, ...), with the
// presets HighThroughput and LowLatency, HighDurability (a name for the
// defaults' acks=all and idempotence) and a KgoOpts passthrough. Keyed records are partitioned like the Java client (murmur2),
// records without a key stick to a partition per batch.
//
// Close flushes until its context is done and fails whatever is left
// through the records' futures; no record is dropped silently.
package producer

// Package avro is schemagen's Avro format, on top of
// github.com/hamba/avro/v2 (whose types appear only in (*Compiled).Avro).
//
// Compile parses .avsc text, with Confluent-style references resolved
// through a serde.Resolver into a cache private to the call, and enforces
// size, nesting and reference-count limits before parsing. The result,
// *Compiled, implements serde.Compiled:
//
//   - Validate checks a value and reports every violation with its path
//     (items[2].sku) and sentinel (serde.ErrType, ErrRequired, ErrEnum,
//     ErrRange, ErrFormat, ErrUnion, ErrUnknownField), joined with
//     errors.Join when there are several. It checks what hamba does not:
//     int ranges, decimal precision and scale, date and timestamp ranges,
//     uuid format, UTF-8, enum symbols, nil pointers and nil decimals.
//   - AppendEncode validates, then encodes with hamba and appends to dst.
//   - Decode reads one bare payload with allocation limits, refusing
//     truncated input, trailing bytes and hostile nesting.
//   - FromJSON turns plain JSON (or Avro JSON unions) into a value the
//     schema accepts.
//   - Canonical is the schema normalized as Confluent Schema Registry
//     normalizes Avro; ParsingCanonicalForm and FingerprintCRC64 follow the
//     Avro specification.
//
// Values are generated structs (fields tagged `avro:"name"`, *T for
// ["null", T], time.Time for dates and timestamps, time.Duration for
// time-millis and time-micros, *big.Rat for decimals, string for uuid,
// string types for enums, []T, map[string]T, any for other unions) or
// generic values: map[string]any for records and maps, []any for arrays,
// int32 / int64 / float32 / float64 for numbers, and unions either bare or
// wrapped as map[string]any{"branch.name": v}, as FromJSON and Decode
// return them. Validation mirrors the Go types hamba's encoder accepts for
// each schema, so a value Validate accepts is one AppendEncode encodes.
package avro

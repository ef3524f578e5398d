// Package avro is schemagen's Avro format: it compiles .avsc schema text
// (with Confluent-style references), validates Go values against it with
// field paths, and encodes and decodes Avro binary, on top of
// github.com/hamba/avro/v2. hamba types appear only in (*Schema).Avro.
//
// Values are generated structs (fields tagged `avro:"name"`, *T for
// ["null", T], time.Time for dates and timestamps, *big.Rat for decimals,
// string for uuid) or generic values: map[string]any for records and maps,
// []any for arrays, as FromJSON returns them.
package avro

// Package jsoncompat decides JSON Schema compatibility with Confluent
// Schema Registry's semantics.
//
// Confluent's checker diffs an original schema against an update and
// classifies every change with one of 132 difference types; the change is
// compatible when every type is in the policy's compatible set (STRICT by
// default, LENIENT on request). This package reimplements that diff on its
// own schema model, loaded from the schema text with encoding/json, and
// answers the one directional question package compat builds every level
// from: can a reader read what a writer wrote? The writer is Confluent's
// original, the reader its update.
//
// docs/COMPATIBILITY.md (JSON Schema) lists the rules with their IDs.
package jsoncompat

// Package tests holds schemagen's end-to-end tests: the import direction of
// ARCHITECTURE.md, generate -> build -> produce -> consume -> decode runs
// against the embedded broker and registry, and a user-style test in a fresh
// module. The real-peer interop suite (a real Kafka broker and Confluent's
// Python clients) lives in tests/interop.
package tests

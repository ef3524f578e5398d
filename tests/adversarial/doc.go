// Package adversarial holds the hostile-input suite of issue 13: for each
// format (Avro, Protobuf, JSON Schema) it builds each class of hostile
// input (deep and wide nesting, long lines, many references, fan-out to one
// large schema, cycles, huge counts, lengths and numbers, many and
// duplicate keys, pathological patterns) at a limit and just past it, and
// runs it through every entry point: compile, compatibility check,
// validate, encode, decode and the registry server's HTTP handlers. Each
// step must stay within the budget of one input of at most 1 MiB: 1 s of
// CPU and 256 MB of allocation (asserted with a margin for a loaded
// machine: 3 s of CPU), or be refused with an error. Nothing may panic.
//
// The package has only tests; run them with
//
//	go test ./tests/adversarial -v -run . 2>&1 | grep slowest
package adversarial

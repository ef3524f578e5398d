package producer

// IsAtLeastVersion0_1_0 is a compile-time guard for generated code: a
// generated package refers to it (const _ = producer.IsAtLeastVersion0_1_0),
// so building it against an older runtime fails at compile time instead of
// misbehaving. Later runtimes add constants; they never remove one.
const IsAtLeastVersion0_1_0 = true

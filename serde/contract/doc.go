// Package contract enforces a schema's data contract on the values a
// serde.Serializer writes: the domain rules of the ruleSet a registry
// stores next to the schema (Confluent's CEL and CEL_FIELD conditions),
// and the inline rules written in the schema text (Avro's and JSON
// Schema's "confluent:rules", Protobuf's confluent.Meta rules in the
// (confluent.message_meta) and (confluent.field_meta) options).
//
// Rules compile once, in New, with cel-go; a rule that does not compile
// fails New with the rule's name and the CEL error. Check runs the compiled
// programs on one value and compiles nothing. A value that breaks a rule gets
// a *serde.ValidationError wrapping serde.ErrRule, naming the rule (Rule,
// RuleExpr, RuleDoc) and the path of the value it judged. Every violation
// is reported, joined with errors.Join, unless FailFast is given.
//
// What is enforced, with Confluent's semantics:
//
//   - domainRules of kind CONDITION and mode WRITE or WRITEREAD, of type CEL
//     (the whole value is message) or CEL_FIELD (every primitive field the
//     rule's tags select, all of them when it has none, with value, name,
//     fullName, typeName, tags and message, the containing record, bound as
//     Confluent binds them). An expression may start with a guard, "guard ;
//     expr": when the guard is false (or fails) the rule passes.
//   - onFailure ERROR (the default, as in Confluent's clients), NONE (the
//     record is written) and DLQ (the error is a *DLQError, which the
//     producer routes to its dead-letter topic). For WRITEREAD rules a
//     "WRITE,READ" pair picks its first action. onSuccess is checked and,
//     as in Confluent's clients, never changes a verdict.
//   - disabled rules, and rule sets whose enableAt is neither empty, ALL
//     nor CLIENT, are skipped.
//   - Protobuf: buf.validate field, oneof and message constraints, run by
//     protovalidate-go (buf.build/go/protovalidate, reused as the engine),
//     its evaluators built in New; each violation names protovalidate's
//     rule ID (string.min_len, or a cel constraint's id).
//
// What is kept but not enforced: TRANSFORM rules, migration rules, encoding
// rules and READ-only rules are parsed and kept (Kept lists them) and do not
// change what is written. A CONDITION rule of a type other than CEL and
// CEL_FIELD fails New, since it could not be enforced: Confluent's clients
// would fail every record it judges.
//
// Importing the package registers it with serde (RegisterContractCompiler),
// which the producer calls when it binds a schema: a program that produces
// schemas with rules imports it, at least for its side effect. Without it,
// binding a schema that has rules fails with serde.ErrNoRuleEngine; a
// contract is never skipped.
package contract

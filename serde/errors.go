package serde

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error that serde and the format packages return
// wraps one of these, so callers can branch with errors.Is.
var (
	// Wire-format errors, from decoding framed bytes.

	// ErrTruncated means the input ended before the frame did.
	ErrTruncated = errors.New("serde: truncated input")
	// ErrUnknownMagic means the first byte is neither 0 (schema ID) nor 1 (GUID).
	ErrUnknownMagic = errors.New("serde: unknown magic byte")
	// ErrNegativeCount means a Protobuf message-index count is negative.
	ErrNegativeCount = errors.New("serde: negative message-index count")
	// ErrNegativeIndex means a Protobuf message index is negative.
	ErrNegativeIndex = errors.New("serde: negative message index")
	// ErrIndexOverflow means a varint in the message-index path does not fit.
	ErrIndexOverflow = errors.New("serde: message-index varint overflow")
	// ErrTooManyIndexes means a message-index path is longer than any real
	// schema nests (the limit guards against allocation from hostile input).
	ErrTooManyIndexes = errors.New("serde: message-index path too long")
	// ErrSchemaMismatch means a frame names a schema other than the one the
	// decoder was built for.
	ErrSchemaMismatch = errors.New("serde: schema ID in frame does not match")

	// Validation errors: the reason a value does not fit its schema. They
	// reach callers wrapped in *ValidationError.

	// ErrType means the value has the wrong type for the schema.
	ErrType = errors.New("wrong type")
	// ErrRequired means a required field is missing or null.
	ErrRequired = errors.New("required")
	// ErrEnum means a value is not one of the enum's symbols.
	ErrEnum = errors.New("not an enum symbol")
	// ErrRange means a number, length, size or count is out of range
	// (including decimal precision and scale, fixed sizes, date ranges).
	ErrRange = errors.New("out of range")
	// ErrFormat means a string does not match its format (uuid, date-time,
	// pattern, UTF-8, ...).
	ErrFormat = errors.New("bad format")
	// ErrUnion means a value matches no branch of a union or oneOf, or more
	// than one branch where exactly one is needed.
	ErrUnion = errors.New("no matching union branch")
	// ErrUnknownField means a value carries a field the schema closes out.
	ErrUnknownField = errors.New("unknown field")
	// ErrConstraint is any other schema constraint (const, not, dependencies...).
	ErrConstraint = errors.New("constraint violated")
	// ErrEncode means the format library refused a value that validation let
	// through. It should not happen; it is reported, never swallowed.
	ErrEncode = errors.New("encode failed")
	// ErrDecode means bytes could not be decoded with the schema.
	ErrDecode = errors.New("decode failed")
	// ErrRule means a value breaks a data-contract rule: a domain rule of
	// the schema's ruleSet, an inline confluent:rules entry, or a
	// buf.validate constraint. The *ValidationError names the rule.
	ErrRule = errors.New("rule violated")
	// ErrNoRuleEngine means a schema has data-contract rules to enforce
	// and the program links no rule engine: import
	// github.com/schemagen/schemagen/serde/contract.
	ErrNoRuleEngine = errors.New("serde: schema has rules but no rule engine is linked (import github.com/schemagen/schemagen/serde/contract)")

	// Schema errors.

	// ErrSchema means schema text failed to parse or compile.
	ErrSchema = errors.New("serde: invalid schema")
	// ErrReference means a reference could not be resolved, or was refused
	// (JSON Schema refs outside the resolver: file://, http://).
	ErrReference = errors.New("serde: unresolved reference")
	// ErrLimit means a schema exceeds the size or depth limits.
	ErrLimit = errors.New("serde: schema exceeds limits")
)

// ValidationError says why one value does not fit its schema: which field
// (Path), which rule (Err, one of the sentinels above), in words (Reason), and
// where (Topic, Subject, SchemaID, filled in by the Serializer that bound the
// schema to a subject). Several violations in one value come back as
// errors.Join of *ValidationError, each with its own Path.
type ValidationError struct {
	Topic    string
	Subject  string
	SchemaID int
	// Path is the field path in the value, like items[2].sku; empty for the
	// value itself.
	Path string
	// Reason says what is wrong, like "expected long, got string".
	Reason string
	// Rule, RuleExpr and RuleDoc name the data-contract rule a value
	// broke (Err is then ErrRule): its name, its expression and its doc.
	Rule, RuleExpr, RuleDoc string
	// Err is the sentinel naming the rule.
	Err error
}

// Error formats as "orders-value (id 42): items[2].sku: expected long, got string".
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Subject != "" {
		b.WriteString(e.Subject)
		if e.SchemaID != 0 {
			b.WriteString(" (id ")
			b.WriteString(strconv.Itoa(e.SchemaID))
			b.WriteString(")")
		}
		b.WriteString(": ")
	} else if e.Topic != "" {
		b.WriteString(e.Topic)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Reason != "" {
		b.WriteString(e.Reason)
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// Violation builds a *ValidationError for a format package.
func Violation(path string, sentinel error, format string, args ...any) *ValidationError {
	return &ValidationError{Path: path, Err: sentinel, Reason: fmt.Sprintf(format, args...)}
}

// Violations returns every *ValidationError inside err, looking through
// errors.Join and %w wrapping. It returns nil for a nil error.
func Violations(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *ValidationError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// Annotate stamps topic, subject and schema ID on every *ValidationError in
// err and returns err. Errors that are not validation errors pass unchanged.
func Annotate(err error, topic, subject string, schemaID int) error {
	for _, v := range Violations(err) {
		v.Topic, v.Subject, v.SchemaID = topic, subject, schemaID
	}
	return err
}

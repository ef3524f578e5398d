package producer

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Errors from this package wrap one of these (or a
// *serde.ValidationError, or a franz-go error), so callers can branch with
// errors.Is.
var (
	// ErrInvalidOption means an option or a Spec field has a value New
	// or NewTyped refuses.
	ErrInvalidOption = errors.New("invalid option")
	// ErrClosed means the producer was closed: Produce after Close, or a
	// record still buffered when Close gave up waiting.
	ErrClosed = errors.New("producer closed")
	// ErrBufferFull means the buffer was full and the policy is FailFast.
	ErrBufferFull = errors.New("producer buffer full")
	// ErrRejected means a record was not sent because its key or value
	// does not fit its schema (or could not be serialized). The error
	// also wraps the *serde.ValidationError(s).
	ErrRejected = errors.New("record rejected")
	// ErrDeadLetter means writing a rejected record to the dead-letter
	// topic failed.
	ErrDeadLetter = errors.New("dead-letter write failed")
	// ErrSchemaBinding means a typed producer could not bind its schema
	// to a subject and ID at construction (registry unreachable with
	// nothing cached, subject missing, drift refused, bad pinned ID).
	ErrSchemaBinding = errors.New("schema binding failed")
	// ErrRecordTooLarge means a record was not handed over because,
	// serialized and framed, it is larger than MaxRecordBytes allows.
	ErrRecordTooLarge = errors.New("record too large")
)

// RecordTooLargeError is the error of a record refused by MaxRecordBytes:
// Size is its key, framed value and headers with a record batch's overhead
// (what a batch must hold for it), Max the limit.
type RecordTooLargeError struct {
	Topic     string
	Size, Max int
}

func (e *RecordTooLargeError) Error() string {
	return fmt.Sprintf("producer: %s: %v: %d bytes with framing, key and headers, over the limit of %d",
		e.Topic, ErrRecordTooLarge, e.Size, e.Max)
}

// Unwrap returns ErrRecordTooLarge.
func (e *RecordTooLargeError) Unwrap() error { return ErrRecordTooLarge }

// RejectError is the error of a record that never reached Kafka because its
// key or value failed validation or serialization. Err holds the
// *serde.ValidationError (errors.Join of several when a value breaks several
// rules); errors.As and serde.Violations find them.
//
// With the dead-letter policy, the error the Future or callback gets also
// says what happened to the dead-letter record: DeadLetter is its metadata
// when it was written, DeadLetterErr (wrapping ErrDeadLetter) when it was
// not. The error Produce returns synchronously has neither: the dead-letter
// write is still under way then.
type RejectError struct {
	Topic string
	// Err is the validation or serialization error.
	Err error
	// DeadLetter is set when the record was written to the dead-letter topic.
	DeadLetter *RecordMetadata
	// DeadLetterErr is set when writing to the dead-letter topic failed.
	DeadLetterErr error
}

// Error formats as "producer: record rejected: <validation error>", plus
// the dead-letter outcome when there is one.
func (e *RejectError) Error() string {
	var b strings.Builder
	b.WriteString("producer: record rejected: ")
	b.WriteString(strings.ReplaceAll(e.Err.Error(), "\n", "; "))
	if e.DeadLetterErr != nil {
		b.WriteString("; ")
		b.WriteString(e.DeadLetterErr.Error())
	}
	return b.String()
}

// Unwrap returns ErrRejected, the validation error and any dead-letter error.
func (e *RejectError) Unwrap() []error {
	out := []error{ErrRejected, e.Err}
	if e.DeadLetterErr != nil {
		out = append(out, e.DeadLetterErr)
	}
	return out
}

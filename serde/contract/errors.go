package contract

import (
	"errors"
	"fmt"

	"github.com/schemagen/schemagen/serde"
)

var (
	// ErrRuleSet means a rule set or inline rule cannot be enforced: an
	// expression that does not compile, an unknown mode, kind, type or
	// action. *CompileError wraps it with the rule's name.
	ErrRuleSet = errors.New("contract: invalid rule")
)

// CompileError says which rule failed to compile and why. It wraps
// ErrRuleSet and, for a CEL error, the error cel-go returned.
type CompileError struct {
	Rule string
	Expr string
	Err  error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("contract: rule %q: %v", e.Rule, e.Err)
}

// Unwrap returns ErrRuleSet and the cause.
func (e *CompileError) Unwrap() []error { return []error{ErrRuleSet, e.Err} }

// DLQError marks a violation of a rule whose onFailure action is DLQ: the
// record belongs on the dead-letter topic. Err is the *serde.ValidationError.
type DLQError struct {
	Rule serde.Rule
	// Mode is the mode the rule ran in (WRITE).
	Mode string
	Err  error
}

func (e *DLQError) Error() string { return e.Err.Error() }

// Unwrap returns the *serde.ValidationError.
func (e *DLQError) Unwrap() error { return e.Err }

// DeadLetterRule returns the rule and its mode: DLQError is a
// serde.DeadLetterer.
func (e *DLQError) DeadLetterRule() (serde.Rule, string) { return e.Rule, e.Mode }

var _ serde.DeadLetterer = (*DLQError)(nil)

package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/schemagen/schemagen/registry/internal/errcode"
)

// Confluent's error codes, as the registry puts them in error bodies
// ({"error_code": ..., "message": ...}). The numbers are registry/internal/errcode's,
// the one table the client shares.
const (
	CodeUnauthorized               = errcode.Unauthorized
	CodeSubjectNotFound            = errcode.SubjectNotFound
	CodeVersionNotFound            = errcode.VersionNotFound
	CodeSchemaNotFound             = errcode.SchemaNotFound
	CodeSubjectSoftDeleted         = errcode.SubjectSoftDeleted
	CodeSubjectNotSoftDeleted      = errcode.SubjectNotSoftDeleted
	CodeVersionSoftDeleted         = errcode.VersionSoftDeleted
	CodeVersionNotSoftDeleted      = errcode.VersionNotSoftDeleted
	CodeSubjectCompatNotConfigured = errcode.SubjectCompatNotConfigured
	CodeSubjectModeNotConfigured   = errcode.SubjectModeNotConfigured
	CodeIncompatibleSchema         = errcode.IncompatibleSchema8 // 40901, as Confluent 8.1+; 409 before
	CodeInvalidSchema              = errcode.InvalidSchema
	CodeInvalidVersion             = errcode.InvalidVersion
	CodeInvalidCompatibilityLevel  = errcode.InvalidCompatibilityLevel
	CodeInvalidMode                = errcode.InvalidMode
	CodeOperationNotPermitted      = errcode.OperationNotPermitted
	CodeReferenceExists            = errcode.ReferenceExists
	CodeIDDoesNotMatch             = errcode.IDDoesNotMatch
	CodeInvalidSubject             = errcode.InvalidSubject
	CodeSchemaTooLarge             = errcode.SchemaTooLarge
	CodeInvalidRuleSet             = errcode.InvalidRuleSet // 42210: a rule set whose rules are not valid
	CodeStoreError                 = errcode.StoreError
)

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("server: closed")

// ErrBadRecord is wrapped by errors about a record of the Kafka store's
// topic that cannot be read as Confluent's registry writes them.
var ErrBadRecord = errors.New("server: bad record on the schemas topic")

// ErrNotLeader is wrapped by the error of a write on an instance that is
// not (or no longer) the writer of a Kafka store.
var ErrNotLeader = errors.New("server: not the leader")

// apiError is an error with the HTTP status and Confluent error code it is
// answered with.
type apiError struct {
	status int
	code   int
	msg    string
	err    error // wrapped cause, if any
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

func newAPIError(status, code int, format string, args ...any) *apiError {
	err := fmt.Errorf(format, args...)
	return &apiError{status: status, code: code, msg: err.Error(), err: errors.Unwrap(err)}
}

func errSubjectNotFound(s string) *apiError {
	return newAPIError(http.StatusNotFound, CodeSubjectNotFound, "subject %q not found", s)
}

func errVersionNotFound(s string, v int) *apiError {
	return newAPIError(http.StatusNotFound, CodeVersionNotFound, "version %d not found for subject %q", v, s)
}

func errSchemaNotFound(format string, args ...any) *apiError {
	return newAPIError(http.StatusNotFound, CodeSchemaNotFound, format, args...)
}

func errInvalidSchema(format string, args ...any) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, CodeInvalidSchema, format, args...)
}

func errInvalidVersion(v string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, CodeInvalidVersion,
		"the specified version %q is not a valid version id: allowed values are between 1 and 2^31-1 and the string \"latest\"", v)
}

func errNotPermitted(format string, args ...any) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, CodeOperationNotPermitted, format, args...)
}

func errStore(err error) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: CodeStoreError, msg: "error in the backend datastore: " + err.Error(), err: err}
}

package server

import (
	"errors"
	"fmt"
	"net/http"
)

// Confluent's error codes, as the registry puts them in error bodies
// ({"error_code": ..., "message": ...}).
const (
	CodeUnauthorized               = 40101
	CodeSubjectNotFound            = 40401
	CodeVersionNotFound            = 40402
	CodeSchemaNotFound             = 40403
	CodeSubjectSoftDeleted         = 40404
	CodeSubjectNotSoftDeleted      = 40405
	CodeVersionSoftDeleted         = 40406
	CodeVersionNotSoftDeleted      = 40407
	CodeSubjectCompatNotConfigured = 40408
	CodeSubjectModeNotConfigured   = 40409
	CodeIncompatibleSchema         = 409
	CodeInvalidSchema              = 42201
	CodeInvalidVersion             = 42202
	CodeInvalidCompatibilityLevel  = 42203
	CodeInvalidMode                = 42204
	CodeOperationNotPermitted      = 42205
	CodeReferenceExists            = 42206
	CodeIDDoesNotMatch             = 42207
	CodeInvalidSubject             = 42208
	CodeSchemaTooLarge             = 42209
	CodeStoreError                 = 50001
)

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("server: closed")

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

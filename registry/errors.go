package registry

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/registry/internal/errcode"
)

// Sentinel errors. Registry error codes come back as *ResponseError, which
// matches the sentinel for its code (and sr's *sr.Error for the same code)
// with errors.Is:
//
//	if errors.Is(err, registry.ErrSubjectNotFound) { ... }
var (
	// Confluent error codes, by code.

	// ErrSubjectNotFound is error code 40401.
	ErrSubjectNotFound = errors.New("registry: subject not found")
	// ErrVersionNotFound is error code 40402.
	ErrVersionNotFound = errors.New("registry: version not found")
	// ErrSchemaNotFound is error code 40403.
	ErrSchemaNotFound = errors.New("registry: schema not found")
	// ErrSubjectSoftDeleted is error code 40404.
	ErrSubjectSoftDeleted = errors.New("registry: subject soft deleted")
	// ErrSubjectNotSoftDeleted is error code 40405: a hard delete needs a
	// soft delete first.
	ErrSubjectNotSoftDeleted = errors.New("registry: subject not soft deleted")
	// ErrVersionSoftDeleted is error code 40406.
	ErrVersionSoftDeleted = errors.New("registry: version soft deleted")
	// ErrVersionNotSoftDeleted is error code 40407.
	ErrVersionNotSoftDeleted = errors.New("registry: version not soft deleted")
	// ErrIncompatible is error code 409: the schema is incompatible with an
	// earlier version under the subject's compatibility level.
	ErrIncompatible = errors.New("registry: incompatible schema")
	// ErrInvalidSchema is error code 42201.
	ErrInvalidSchema = errors.New("registry: invalid schema")
	// ErrInvalidRuleSet means the registry refused a rule set: a rule that
	// is not valid (Confluent's 42210), such as CEL that does not compile.
	ErrInvalidRuleSet = errors.New("registry: invalid rule set")
	// ErrInvalidVersion is error code 42202.
	ErrInvalidVersion = errors.New("registry: invalid version")
	// ErrInvalidCompatibilityLevel is error code 42203.
	ErrInvalidCompatibilityLevel = errors.New("registry: invalid compatibility level")
	// ErrInvalidMode is error code 42204.
	ErrInvalidMode = errors.New("registry: invalid mode")
	// ErrOperationNotPermitted is error code 42205, for example a write to
	// a READONLY subject.
	ErrOperationNotPermitted = errors.New("registry: operation not permitted")
	// ErrReferenceExists is error code 42206: the schema is still referenced.
	ErrReferenceExists = errors.New("registry: schema still referenced")
	// ErrIDMismatch is error code 42207.
	ErrIDMismatch = errors.New("registry: schema id does not match")
	// ErrInvalidSubject is error code 42208.
	ErrInvalidSubject = errors.New("registry: invalid subject")
	// ErrStore is error code 50001.
	ErrStore = errors.New("registry: store error")
	// ErrTimeout is error code 50002.
	ErrTimeout = errors.New("registry: operation timed out")
	// ErrForward is error code 50003: the registry could not forward the
	// request to its primary.
	ErrForward = errors.New("registry: request forwarding failed")
	// ErrUnknownLeader is error code 50004.
	ErrUnknownLeader = errors.New("registry: unknown leader")

	// Classes of HTTP status, matched by any response with that status.

	// ErrNotFound matches every 404 (and so every 404xx code).
	ErrNotFound = errors.New("registry: not found")
	// ErrUnauthorized matches 401 and 403 responses: wrong or missing
	// credentials.
	ErrUnauthorized = errors.New("registry: unauthorized")

	// Client-side errors.

	// ErrConfig means an option given to New is invalid.
	ErrConfig = errors.New("registry: invalid option")
	// ErrUnavailable means the registry could not be reached, or kept
	// answering with retryable errors, until retries ran out.
	ErrUnavailable = errors.New("registry: unavailable")
	// ErrRetryBudget means a request failed and the retry budget had no
	// tokens left for another attempt.
	ErrRetryBudget = errors.New("registry: retry budget exhausted")
	// ErrMalformedResponse means a success response had a body that could
	// not be decoded.
	ErrMalformedResponse = errors.New("registry: malformed response")
	// ErrDrift means the local schema differs from the one the registry
	// holds for the subject and the drift policy refused it.
	ErrDrift = errors.New("registry: local schema differs from registered schema")
	// ErrReferenceCycle means RegisterAll found a reference cycle.
	ErrReferenceCycle = errors.New("registry: reference cycle")
	// ErrNoMatch means no version of a subject has the metadata asked for.
	ErrNoMatch = errors.New("registry: no version matches")
	// ErrUnsupported means the registry does not implement an endpoint of
	// Confluent's API (Apicurio's ccompat API has no modes, for one): it
	// answered 404 or 405 without an error code, or 204 with no body.
	ErrUnsupported = errors.New("registry: not supported by this registry")
	// ErrCircuitOpen means the client's circuit breaker is open: recent
	// requests to the registry failed with 5xx answers or timeouts, and the
	// client fails fast until its next probe (see Breaker).
	ErrCircuitOpen = errors.New("registry: circuit open")
)

// byCode maps Confluent error codes to sentinels.
var byCode = map[int]error{
	errcode.SubjectNotFound:           ErrSubjectNotFound,
	errcode.VersionNotFound:           ErrVersionNotFound,
	errcode.SchemaNotFound:            ErrSchemaNotFound,
	errcode.SubjectSoftDeleted:        ErrSubjectSoftDeleted,
	errcode.SubjectNotSoftDeleted:     ErrSubjectNotSoftDeleted,
	errcode.VersionSoftDeleted:        ErrVersionSoftDeleted,
	errcode.VersionNotSoftDeleted:     ErrVersionNotSoftDeleted,
	errcode.IncompatibleSchema:        ErrIncompatible,
	errcode.IncompatibleSchema8:       ErrIncompatible,
	errcode.InvalidSchema:             ErrInvalidSchema,
	errcode.InvalidRuleSet:            ErrInvalidRuleSet,
	errcode.InvalidVersion:            ErrInvalidVersion,
	errcode.InvalidCompatibilityLevel: ErrInvalidCompatibilityLevel,
	errcode.InvalidMode:               ErrInvalidMode,
	errcode.OperationNotPermitted:     ErrOperationNotPermitted,
	errcode.ReferenceExists:           ErrReferenceExists,
	errcode.IDDoesNotMatch:            ErrIDMismatch,
	errcode.InvalidSubject:            ErrInvalidSubject,
	errcode.StoreError:                ErrStore,
	errcode.Timeout:                   ErrTimeout,
	errcode.ForwardError:              ErrForward,
	errcode.UnknownLeader:             ErrUnknownLeader,
}

// ResponseError is an error response from the registry. It wraps franz-go's
// *sr.ResponseError and adds Is, so the sentinels above (and sr's own
// *sr.Error values) match it by error code.
type ResponseError struct {
	// Method and Path say which request failed. Path has no scheme, host or
	// credentials.
	Method string
	Path   string
	// StatusCode is the HTTP status; Code the registry's error_code (0 when
	// the body had none).
	StatusCode int
	Code       int
	// Message is the registry's message, or a short excerpt of a body that
	// was not a registry error.
	Message string
	// Err is the response as franz-go decoded it.
	Err *sr.ResponseError
}

// maxMessage bounds the body excerpt in an error.
const maxMessage = 200

func newResponseError(e *sr.ResponseError) *ResponseError {
	re := &ResponseError{Method: e.Method, StatusCode: e.StatusCode, Code: e.ErrorCode, Message: e.Message, Err: e}
	if u, err := url.Parse(e.URL); err == nil {
		re.Path = u.EscapedPath()
	}
	if re.Message == "" || re.Message == "no response" && len(e.Raw) > 0 {
		re.Message = string(e.Raw)
	}
	re.Message = excerpt(re.Message)
	return re
}

// excerpt flattens s to one line of at most maxMessage bytes.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	return s
}

// Error reads like
// "GET /subjects/orders-value/versions/latest: 404 (40401): subject not found";
// the client wraps it with the operation that failed.
func (e *ResponseError) Error() string {
	var b strings.Builder
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(" ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" && e.Code == 0 {
		b.WriteString(" ")
		b.WriteString(strings.ToLower(t))
	}
	if e.Code != 0 {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Code))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns franz-go's error.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is matches the sentinel for e's error code, ErrNotFound for any 404,
// ErrUnauthorized for 401 and 403, and sr's *sr.Error with the same code.
func (e *ResponseError) Is(target error) bool {
	if s, ok := byCode[e.Code]; ok && s == target {
		return true
	}
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Code/100 == 404
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrIncompatible:
		return e.Code == 0 && e.StatusCode == http.StatusConflict
	}
	if se, ok := target.(*sr.Error); ok {
		return e.Code != 0 && se.Code == e.Code
	}
	return false
}

// retryable reports whether the status is one a retry may fix.
func (e *ResponseError) retryable() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// redactor scrubs known secrets from error text. It is the last line of
// defence: credentials are kept out of URLs and messages by construction,
// and this catches a registry or proxy that echoes them back. Secrets
// shorter than minSecret are not scrubbed (they would mangle every message).
type redactor struct {
	static  []string
	dynamic atomic.Pointer[[]string] // sensitive HeaderProvider values seen
}

const minSecret = 4

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) >= minSecret {
			r.static = append(r.static, s)
		}
	}
	return r
}

// learn records the values of sensitive headers a HeaderProvider set.
func (r *redactor) learn(h http.Header) {
	var vals []string
	for k, vs := range h {
		if !sensitiveHeader(k) {
			continue
		}
		for _, v := range vs {
			if len(v) >= minSecret {
				vals = append(vals, v)
				if _, tok, ok := strings.Cut(v, " "); ok && len(tok) >= minSecret {
					vals = append(vals, tok) // the token without its scheme
				}
			}
		}
	}
	if len(vals) == 0 {
		return
	}
	if old := r.dynamic.Load(); old != nil && slices.Equal(*old, vals) {
		return
	}
	r.dynamic.Store(&vals)
}

func sensitiveHeader(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"auth", "token", "key", "secret", "cookie", "password", "credential"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

func (r *redactor) wrap(err error) error {
	if err == nil {
		return err
	}
	msg := err.Error()
	clean := r.scrub(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

func (r *redactor) scrub(s string) string {
	for _, secret := range r.static {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	if d := r.dynamic.Load(); d != nil {
		for _, secret := range *d {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// redactedError prints a scrubbed message and keeps the chain for errors.Is.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// DriftError says how a local schema differs from the registered one.
type DriftError struct {
	Subject string
	// Registered is the registry's schema the local one was compared with.
	Registered SubjectSchema
	// LocalFingerprint and RegisteredFingerprint are the hex SHA-256 of the
	// normalized texts.
	LocalFingerprint      string
	RegisteredFingerprint string
	// Findings says why the local schema cannot be used under
	// DriftAllowIfCompatible (empty under DriftFail): the checker's
	// findings (compat.Finding for compat.CanRead).
	Findings []fmt.Stringer
	// RuleSetDiffers says the local schema declares a rule set other than
	// the registered one.
	RuleSetDiffers bool
}

// Error names subject, registered version and ID, and the local fingerprint.
func (e *DriftError) Error() string {
	s := fmt.Sprintf("registry: subject %q: local schema (fingerprint %s) differs from registered version %d (id %d)",
		e.Subject, e.LocalFingerprint, e.Registered.Version, e.Registered.ID)
	if e.RuleSetDiffers {
		s += ": rule set differs"
	}
	if len(e.Findings) > 0 {
		parts := make([]string, len(e.Findings))
		for i, f := range e.Findings {
			parts[i] = f.String()
		}
		s += ": registered schema cannot read local data: " + strings.Join(parts, "; ")
	}
	return s
}

// Unwrap returns ErrDrift, and ErrIncompatible when there are findings.
func (e *DriftError) Unwrap() []error {
	if len(e.Findings) > 0 {
		return []error{ErrDrift, ErrIncompatible}
	}
	return []error{ErrDrift}
}

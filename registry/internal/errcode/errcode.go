// Package errcode is the one table of Confluent Schema Registry's error
// codes, as registries put them in error bodies
// ({"error_code": 40401, "message": ...}). The client (package registry)
// maps them to its sentinels and the server (registry/server) answers with
// them.
//
// It is internal to registry/ because the codes are the registry HTTP
// API's, not a format's (so not serde), and because registry/server may
// not import the client package registry: an internal package both can
// import, with no API of its own to keep.
package errcode

// Confluent's error codes.
const (
	Unauthorized               = 40101
	SubjectNotFound            = 40401
	VersionNotFound            = 40402
	SchemaNotFound             = 40403
	SubjectSoftDeleted         = 40404
	SubjectNotSoftDeleted      = 40405
	VersionSoftDeleted         = 40406
	VersionNotSoftDeleted      = 40407
	SubjectCompatNotConfigured = 40408
	SubjectModeNotConfigured   = 40409
	IncompatibleSchema         = 409
	InvalidSchema              = 42201
	InvalidVersion             = 42202
	InvalidCompatibilityLevel  = 42203
	InvalidMode                = 42204
	OperationNotPermitted      = 42205
	ReferenceExists            = 42206
	IDDoesNotMatch             = 42207
	InvalidSubject             = 42208
	SchemaTooLarge             = 42209
	InvalidRuleSet             = 42210 // Confluent's RestInvalidRuleSetException
	StoreError                 = 50001
	Timeout                    = 50002
	ForwardError               = 50003
	UnknownLeader              = 50004
)

// IncompatibleSchema8 is the code Confluent Schema Registry 8.1 and later
// give an incompatible schema; earlier versions give IncompatibleSchema
// (409).
const IncompatibleSchema8 = 40901

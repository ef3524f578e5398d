package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/schemagen/schemagen/serde"
)

// Source says how Bind finds the registered schema a producer writes with.
// The sources are PinID, UseLatest, LookupBySchema and AutoRegister.
type Source interface {
	source() source
}

type sourceKind uint8

const (
	srcPin sourceKind = iota + 1
	srcLatest
	srcLookup
	srcRegister
)

type source struct {
	kind     sourceKind
	id       int
	metadata map[string]string
}

func (s source) source() source { return s }

// PinID binds to the schema with this ID (Confluent's use.schema.id). Bind
// fetches it to check it exists, finds its version under the subject (0 if
// the subject does not use it), and applies the drift policy.
func PinID(id int) Source { return source{kind: srcPin, id: id} }

// UseLatest binds to the subject's latest version (Confluent's
// use.latest.version), or with metadata to the latest version whose metadata
// properties include it (use.latest.with.metadata; see LatestWithMetadata),
// and applies the drift policy.
func UseLatest(metadata map[string]string) Source {
	return source{kind: srcLatest, metadata: metadata}
}

// LookupBySchema binds to the version of the subject that equals the local
// schema after the registry normalizes both; it fails, wrapping
// ErrSchemaNotFound or ErrSubjectNotFound, if there is none. There is no
// drift by construction. This is the safe default for producers that must
// not register.
func LookupBySchema() Source { return source{kind: srcLookup} }

// AutoRegister registers the local schema under the subject (or finds it
// registered already; Confluent's auto.register.schemas). The registry
// enforces the subject's compatibility level. There is no drift by
// construction.
func AutoRegister() Source { return source{kind: srcRegister} }

// Drift says what Bind does when the registered schema it found (through
// PinID or UseLatest) is not the local one: their normalized fingerprints
// differ. The zero value is DriftFail.
type Drift struct {
	policy  driftPolicy
	canRead func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]fmt.Stringer, error)
	// only, when set, is the one source the policy is for (Confluent's
	// latest.compatibility.strict and id.compatibility.strict).
	only sourceKind
}

type driftPolicy uint8

const (
	driftFail driftPolicy = iota
	driftWarn
	driftAllow
	driftTrust // use the registered schema without a check
)

// The drift policies without a checker.
var (
	// DriftFail fails with a *DriftError naming the subject, the registered
	// version and ID, and the local fingerprint. The default.
	DriftFail = Drift{}
	// DriftWarn logs the difference at warn level and uses the registered
	// schema.
	DriftWarn = Drift{policy: driftWarn}
)

// DriftAllowIfCompatible uses the registered schema if it can read data
// written with the local one, as canRead(ctx, registered, local, r) says
// (compat.CanRead is the checker for Confluent's rules), so consumers
// reading with the registered schema — which the record's ID names — can
// read what this producer writes. Otherwise Bind fails with a *DriftError
// listing the findings. This is Java's latest.compatibility.strict.
//
// The checker is passed in, not built in, so that a program that does not
// use this policy does not link the compatibility checkers of every format.
// Bind refuses a nil canRead.
func DriftAllowIfCompatible[F fmt.Stringer](canRead func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]F, error)) Drift {
	d := Drift{policy: driftAllow}
	if canRead != nil {
		d.canRead = func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]fmt.Stringer, error) {
			fs, err := canRead(ctx, reader, writer, r)
			if err != nil || len(fs) == 0 {
				return nil, err
			}
			out := make([]fmt.Stringer, len(fs))
			for i, f := range fs {
				out[i] = f
			}
			return out, nil
		}
	}
	return d
}

// LatestCompatibilityStrict is Confluent's latest.compatibility.strict for
// UseLatest: true (Confluent's default) binds to the latest version only
// if it can read data written with the local schema, as canRead says (like
// DriftAllowIfCompatible); false binds to the latest version without any
// check. Bind refuses it with another source, and refuses true with a nil
// canRead.
func LatestCompatibilityStrict[F fmt.Stringer](strict bool, canRead func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]F, error)) Drift {
	d := strictDrift(strict, canRead)
	d.only = srcLatest
	return d
}

// IDCompatibilityStrict is Confluent's id.compatibility.strict for PinID:
// true (Confluent's default) binds to the pinned schema only if it can read
// data written with the local schema; false binds to it without any check.
// Bind refuses it with another source, and refuses true with a nil canRead.
func IDCompatibilityStrict[F fmt.Stringer](strict bool, canRead func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]F, error)) Drift {
	d := strictDrift(strict, canRead)
	d.only = srcPin
	return d
}

func strictDrift[F fmt.Stringer](strict bool, canRead func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]F, error)) Drift {
	if !strict {
		return Drift{policy: driftTrust}
	}
	return DriftAllowIfCompatible(canRead)
}

// Strict reports whether d is DriftFail: the registered schema must be the
// local one. Under the other policies a producer may encode with a
// registered schema that differs from its own.
func (d Drift) Strict() bool { return d.policy == driftFail }

// String returns fail, warn or allow-if-compatible.
func (d Drift) String() string {
	switch d.policy {
	case driftFail:
		return "fail"
	case driftWarn:
		return "warn"
	case driftAllow:
		return "allow-if-compatible"
	case driftTrust:
		return "trust"
	}
	return fmt.Sprintf("drift(%d)", uint8(d.policy))
}

// Bind finds the registered schema a producer of subject writes with, from
// src, comparing it with the producer's local schema under the drift
// policy. It returns the registered subject, version and ID, and the
// registered schema text (which, under DriftWarn and DriftAllowIfCompatible,
// may differ from local: the ID names the registered schema, so encode with
// it where the format's encoding depends on the schema).
//
// The local schema's references name registered subjects and versions, as
// RegisterAll leaves them. A reference with only a name (as generated code
// carries it: the Avro full name, the .proto import path, the $ref) is
// pinned first: its subject by DefaultReferenceSubject, its version the
// latest registered one. Bind then resolves them through c to normalize
// the schema.
//
// Bind makes its requests once: binding again, like every later Resolve and
// SchemaByID of the same schemas, is served from the cache (UseLatest within
// CacheTTL).
func (c *Client) Bind(ctx context.Context, subject string, local serde.Schema, src Source, drift Drift) (SubjectSchema, error) {
	if src == nil {
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: nil source", subject)
	}
	if drift.policy > driftTrust {
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: unknown drift policy %s", subject, drift)
	}
	if drift.policy == driftAllow && drift.canRead == nil {
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: DriftAllowIfCompatible needs a checker (compat.CanRead), got nil", subject)
	}
	s := src.source()
	if drift.only != 0 && drift.only != s.kind {
		name := "LatestCompatibilityStrict is for UseLatest"
		if drift.only == srcPin {
			name = "IDCompatibilityStrict is for PinID"
		}
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: %s", subject, name)
	}
	local, err := c.pinReferences(ctx, ContextOf(subject), local)
	if err != nil {
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: %w", subject, err)
	}
	var reg SubjectSchema
	switch s.kind {
	case srcLookup:
		return c.LookupSchema(ctx, subject, local)
	case srcRegister:
		return c.Register(ctx, subject, local)
	case srcPin:
		reg, err = c.pinned(ctx, subject, s.id)
	case srcLatest:
		if len(s.metadata) > 0 {
			reg, err = c.LatestWithMetadata(ctx, subject, s.metadata)
		} else {
			reg, err = c.Latest(ctx, subject)
		}
	default:
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: unknown source", subject)
	}
	if err != nil {
		return SubjectSchema{}, err
	}
	return c.checkDrift(ctx, subject, local, reg, drift)
}

// pinned returns the schema with id, with its version under subject.
func (c *Client) pinned(ctx context.Context, subject string, id int) (SubjectSchema, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	k := subjectID{subject, id}
	c.cache.mu.RLock()
	ss, ok := c.cache.pins[k]
	c.cache.mu.RUnlock()
	if ok {
		return ss, nil
	}
	s, err := c.SchemaByID(ctx, id)
	if err != nil {
		return SubjectSchema{}, err
	}
	ss = SubjectSchema{Subject: subject, ID: id, Schema: s}
	usages, err := c.Usages(ctx, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SubjectSchema{}, err
	}
	for _, u := range usages {
		if u.Subject == subject && u.Version > ss.Version {
			ss.Version = u.Version
		}
	}
	c.cache.store(ss)
	c.cache.mu.Lock()
	c.cache.pins[k] = ss
	c.cache.mu.Unlock()
	return ss, nil
}

func (c *Client) checkDrift(ctx context.Context, subject string, local serde.Schema, reg SubjectSchema, drift Drift) (SubjectSchema, error) {
	localFP, err := c.fingerprint(ctx, ContextOf(subject), local)
	if err != nil {
		return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: local schema: %w", subject, err)
	}
	c.cache.mu.RLock()
	regID := ctxID{ContextOf(reg.Subject), reg.ID}
	regFP, ok := c.cache.fps[regID]
	c.cache.mu.RUnlock()
	if !ok {
		regFP, err = c.fingerprint(ctx, ContextOf(reg.Subject), reg.Schema)
		if err != nil {
			return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: registered schema id %d: %w", subject, reg.ID, err)
		}
		c.cache.mu.Lock()
		c.cache.fps[regID] = regFP
		c.cache.mu.Unlock()
	}
	// A local schema that declares a rule set must find the same one
	// registered; one that declares none takes the registry's.
	sameRules := local.RuleSet == nil || sameRuleSet(local.RuleSet, reg.Schema.RuleSet)
	if localFP == regFP && refsAgree(local.References, reg.Schema.References) && sameRules {
		return reg, nil
	}
	de := &DriftError{Subject: subject, Registered: reg, LocalFingerprint: localFP, RegisteredFingerprint: regFP, RuleSetDiffers: !sameRules}
	policy := drift.policy
	if policy == driftAllow && localFP == regFP && refsAgree(local.References, reg.Schema.References) {
		policy = driftWarn // only the rules differ: the registered ones are enforced
	}
	switch policy {
	case driftTrust:
		c.log.LogAttrs(ctx, slog.LevelDebug, "registry: local schema differs from registered schema; using the registered schema unchecked",
			slog.String("subject", subject), slog.Int("version", reg.Version), slog.Int("id", reg.ID))
		return reg, nil
	case driftWarn:
		c.log.LogAttrs(ctx, slog.LevelWarn, "registry: local schema differs from registered schema; using the registered schema",
			slog.String("subject", subject), slog.Int("version", reg.Version), slog.Int("id", reg.ID),
			slog.String("local_fingerprint", localFP), slog.String("registered_fingerprint", regFP),
			slog.Bool("rule_set_differs", !sameRules))
		return reg, nil
	case driftAllow:
		ak := allowKey{regID, localFP}
		c.cache.mu.RLock()
		ok := c.cache.allowed[ak]
		c.cache.mu.RUnlock()
		if ok {
			return reg, nil
		}
		findings, err := drift.canRead(ctx, reg.Schema, local, c.ResolverIn(ContextOf(subject)))
		if err != nil {
			return SubjectSchema{}, fmt.Errorf("registry: bind subject %q: compare with registered version %d (id %d): %w", subject, reg.Version, reg.ID, err)
		}
		if len(findings) == 0 {
			c.log.LogAttrs(ctx, slog.LevelInfo, "registry: local schema differs from registered schema, which can read it; using the registered schema",
				slog.String("subject", subject), slog.Int("version", reg.Version), slog.Int("id", reg.ID),
				slog.String("local_fingerprint", localFP))
			c.cache.mu.Lock()
			c.cache.allowed[ak] = true
			c.cache.mu.Unlock()
			return reg, nil
		}
		de.Findings = findings
	}
	return SubjectSchema{}, de
}

// refsAgree compares references when the local schema names registered ones.
func refsAgree(local, reg []serde.Reference) bool {
	for _, r := range local {
		if r.Subject == "" {
			return true // local references are files, not registered subjects
		}
	}
	return sameRefs(local, reg)
}

// pinReferences fills in the subject and version of references that carry
// only a name: the subject from DefaultReferenceSubject, the version the
// latest registered under it. References that name a subject keep it; a
// subject without a version gets the latest. The schema's own slice is not
// modified. An unqualified reference subject is looked up in schema context
// sctx, the referrer's, and kept unqualified as written.
func (c *Client) pinReferences(ctx context.Context, sctx string, s serde.Schema) (serde.Schema, error) {
	var refs []serde.Reference
	for i, r := range s.References {
		if r.Subject != "" && r.Version > 0 {
			continue
		}
		if refs == nil {
			refs = slices.Clone(s.References)
		}
		if r.Subject == "" {
			sub, err := DefaultReferenceSubject(r.Name)
			if err != nil {
				return s, err
			}
			refs[i].Subject = sub
		}
		latest, err := c.Latest(ctx, qualifyRef(sctx, refs[i].Subject))
		if err != nil {
			return s, fmt.Errorf("reference %q: %w", r.Name, err)
		}
		refs[i].Version = latest.Version
	}
	if refs != nil {
		s.References = refs
	}
	return s, nil
}

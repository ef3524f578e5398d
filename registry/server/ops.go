package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// schemaRequest is the body of register, lookup and compatibility requests.
type schemaRequest struct {
	Schema     string            `json:"schema"`
	SchemaType string            `json:"schemaType"`
	References []serde.Reference `json:"references"`
	Metadata   json.RawMessage   `json:"metadata"`
	RuleSet    json.RawMessage   `json:"ruleSet"`
	ID         int               `json:"id"`
	Version    int               `json:"version"`
}

// candidate is a submitted schema, checked and compiled.
type candidate struct {
	schema    serde.Schema // as submitted, with reference versions pinned
	metadata  json.RawMessage
	ruleSet   json.RawMessage
	canonical string
}

// registered is a schema as a subject version holds it.
type registered struct {
	subject string
	version int
	rec     *schemaRec
}

// compactRaw compacts a JSON value so that equal values compare equal; a
// JSON null is no value.
func compactRaw(raw json.RawMessage) (json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, t); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// prepare checks req, to be registered, looked up or checked in subject,
// pins its references and compiles it. A reference to an unqualified
// subject is to that subject in subject's context, as in Confluent. The
// rule set's rules are checked (Confluent's RuleSet.validate, and CEL that
// compiles) only with checkRules, for a registration: Confluent checks
// them on register and /config only, so a lookup or a compatibility check
// of a rule set stored before a stricter check still answers.
func (s *Server) prepare(ctx context.Context, subject string, req *schemaRequest, checkRules bool) (*candidate, *apiError) {
	sctx := contextOf(subject)
	if strings.TrimSpace(req.Schema) == "" {
		return nil, errInvalidSchema("invalid schema: empty schema")
	}
	format, err := serde.ParseFormat(req.SchemaType)
	if err != nil {
		return nil, errInvalidSchema("invalid schema type %q: %w", req.SchemaType, err)
	}
	c := &candidate{schema: serde.Schema{Format: format, Text: req.Schema}}
	if format == serde.Protobuf {
		text, ok, err := descriptorText(req.Schema)
		if err != nil {
			return nil, errInvalidSchema("invalid schema: base64 FileDescriptorProto: %w", err)
		}
		if ok {
			c.schema.Text = text
		}
	}
	if c.metadata, err = compactRaw(req.Metadata); err != nil {
		return nil, errInvalidSchema("invalid metadata: %w", err)
	}
	if err := validateMetadata(c.metadata, s.cfg.maxMetadata); err != nil {
		return nil, errInvalidSchema("invalid metadata: %w", err)
	}
	if c.ruleSet, err = compactRaw(req.RuleSet); err != nil {
		return nil, errInvalidSchema("invalid rule set: %w", err)
	}
	if err := validateRuleSet(c.ruleSet, s.cfg.maxRuleSet, checkRules, !s.cfg.skipCEL); err != nil {
		return nil, invalidRuleSet(err)
	}
	if len(req.References) > 0 {
		refs := make([]serde.Reference, len(req.References))
		s.mu.RLock()
		for i, r := range req.References {
			if r.Name == "" || r.Subject == "" {
				s.mu.RUnlock()
				return nil, errInvalidSchema("invalid schema: reference %d needs a name and a subject", i)
			}
			sub := s.st.subjects[qualifyRef(sctx, r.Subject)]
			var v *versionRec
			if sub != nil {
				if r.Version == -1 {
					v = sub.latest(false)
				} else if r.Version > 0 {
					v = sub.find(r.Version, true)
				}
			}
			if v == nil {
				s.mu.RUnlock()
				return nil, errInvalidSchema("invalid schema: reference %q: subject %q has no version %d", r.Name, r.Subject, r.Version)
			}
			refs[i] = serde.Reference{Name: r.Name, Subject: r.Subject, Version: v.version}
		}
		s.mu.RUnlock()
		c.schema.References = refs
	}
	cs, err := s.cfg.compile(ctx, c.schema, s.resolver(sctx))
	if err != nil {
		return nil, errInvalidSchema("invalid schema: %w", err)
	}
	c.canonical = cs.Canonical()
	return c, nil
}

// resolver resolves references from the registry itself, those to
// unqualified subjects in context sctx.
func (s *Server) resolver(sctx string) serde.Resolver {
	return serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return resolveRef(s.st, sctx, ref)
	})
}

// qualifyRef returns the subject a reference from context sctx names: an
// unqualified one is in sctx (Confluent's qualifySubjectWithParent).
func qualifyRef(sctx, subject string) string {
	if sctx == defaultContext || strings.HasPrefix(subject, ":.") {
		return subject
	}
	return ":" + sctx + ":" + subject
}

// stateResolver resolves references from st without locking: for callers
// that hold the Server's lock already.
func stateResolver(st *state, sctx string) serde.Resolver {
	return serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		return resolveRef(st, sctx, ref)
	})
}

// resolveRef finds the schema ref names in st (its latest version when
// ref.Version is not positive). The caller holds the Server's lock.
func resolveRef(st *state, sctx string, ref serde.Reference) (serde.Schema, error) {
	if ref.Subject == "" {
		return serde.Schema{}, fmt.Errorf("%w: %q is not a registered reference", serde.ErrReference, ref.Name)
	}
	var v *versionRec
	if sub := st.subjects[qualifyRef(sctx, ref.Subject)]; sub != nil {
		if ref.Version <= 0 {
			v = sub.latest(false)
		} else {
			v = sub.find(ref.Version, true)
		}
	}
	if v == nil {
		return serde.Schema{}, fmt.Errorf("%w: %q: subject %q has no version %d", serde.ErrReference, ref.Name, ref.Subject, ref.Version)
	}
	subject := qualifyRef(sctx, ref.Subject)
	s := st.rec(subject, v.id).schema()
	// The referenced schema's own references are from its subject's
	// context, as Confluent resolves them (the parent of a nested
	// reference is the referenced subject): qualify them now, so whoever
	// resolves them next looks in the right context.
	if rc := contextOf(subject); rc != defaultContext && len(s.References) > 0 {
		refs := slices.Clone(s.References)
		for i := range refs {
			refs[i].Subject = qualifyRef(rc, refs[i].Subject)
		}
		s.References = refs
	}
	return s, nil
}

func refsEqual(a, b []serde.Reference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// matches reports whether rec is the schema c: same format and references,
// same text or same canonical text, and the same metadata and rule set
// where c gives them.
func (c *candidate) matches(rec *schemaRec) bool {
	if rec.format != c.schema.Format || !refsEqual(rec.refs, c.schema.References) {
		return false
	}
	if rec.text != c.schema.Text && (c.canonical == "" || rec.canonical != c.canonical) {
		return false
	}
	if c.metadata != nil && !bytes.Equal(rec.metadata, c.metadata) {
		return false
	}
	if c.ruleSet != nil && !bytes.Equal(rec.ruleSet, c.ruleSet) {
		return false
	}
	return true
}

// findIn returns the newest version of sub that holds c. Caller holds mu.
func (s *Server) findIn(sub *subjectRec, c *candidate, deleted bool) *versionRec {
	if sub == nil {
		return nil
	}
	for i := len(sub.versions) - 1; i >= 0; i-- {
		v := sub.versions[i]
		if (deleted || !v.deleted) && c.matches(s.st.schemas[sid{sub.ctx, v.id}]) {
			return v
		}
	}
	return nil
}

// existing returns the live versions of sub, oldest first. Caller holds mu.
func (s *Server) existing(sub *subjectRec) []compat.Version {
	if sub == nil {
		return nil
	}
	out := make([]compat.Version, 0, len(sub.versions))
	for _, v := range sub.versions {
		if !v.deleted {
			out = append(out, compat.Version{Version: v.version, Schema: s.st.schemas[sid{sub.ctx, v.id}].schema()})
		}
	}
	return out
}

// register registers req under subject.
func (s *Server) register(ctx context.Context, subject string, req *schemaRequest, normalize bool) (registered, *apiError) {
	if aerr := s.validSubject(subject); aerr != nil {
		return registered{}, aerr
	}
	s.mu.RLock()
	mode := s.st.mode(subject)
	normalize = normalize || s.st.normalize(subject)
	s.mu.RUnlock()
	if aerr := writable(subject, mode); aerr != nil {
		return registered{}, aerr
	}
	if (req.ID > 0 || req.Version > 0) && mode != modeImport {
		return registered{}, errNotPermitted("subject %q is not in import mode: an explicit id or version needs mode IMPORT", subject)
	}
	c, aerr := s.prepare(ctx, subject, req, true)
	if aerr != nil {
		return registered{}, aerr
	}
	text := c.schema.Text
	if normalize {
		text = c.canonical
	}

	unlock := s.lockSubject(subject)
	defer unlock()

	s.mu.RLock()
	sub := s.st.subjects[subject]
	if s.st.mode(subject) != modeImport {
		var prev *schemaRec
		if sub != nil {
			if l := sub.latest(false); l != nil {
				prev = s.st.schemas[sid{sub.ctx, l.id}]
			}
		}
		if err := s.populate(c, subject, prev); err != nil {
			s.mu.RUnlock()
			return registered{}, errStore(fmt.Errorf("merge the rule sets and metadata: %w", err))
		}
	}
	if v := s.findIn(sub, c, false); v != nil && (req.ID <= 0 || req.ID == v.id) {
		r := registered{subject: subject, version: v.version, rec: s.st.rec(subject, v.id)}
		s.mu.RUnlock()
		return r, nil
	}
	level := s.st.level(subject)
	mode = s.st.mode(subject)
	var existing []compat.Version
	if mode != modeImport && level != compat.None {
		existing = s.existing(sub)
	}
	s.mu.RUnlock()

	// Neither IMPORT mode nor level NONE checks anything, as in Confluent.
	if len(existing) > 0 {
		next := c.schema
		next.Text = text
		res, aerr := s.runCheck(ctx, subject, level, next, existing)
		if aerr != nil {
			return registered{}, aerr
		}
		if !res.Compatible {
			return registered{}, errIncompatible(subject, s.capItems(confluentMessages(level, res.Findings, existing)))
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := writable(subject, s.st.mode(subject)); aerr != nil {
		return registered{}, aerr
	}
	sctx := contextOf(subject)
	rec := &schemaRec{ctx: sctx, format: c.schema.Format, text: text, refs: c.schema.References, metadata: c.metadata, ruleSet: c.ruleSet, canonical: c.canonical}
	id := 0
	if k, ok := s.st.byKey[ctxKey(sctx, rec)]; ok {
		id = k.id
	}
	if req.ID > 0 {
		if id != 0 && id != req.ID {
			return registered{}, newAPIError(http.StatusUnprocessableEntity, CodeIDDoesNotMatch,
				"schema is already registered with id %d instead of the id %d given", id, req.ID)
		}
		if old := s.st.schemas[sid{sctx, req.ID}]; old != nil && old.key() != rec.key() {
			return registered{}, newAPIError(http.StatusUnprocessableEntity, CodeIDDoesNotMatch,
				"id %d is already used by another schema", req.ID)
		}
		id = req.ID
	}
	guid := ""
	if old := s.st.schemas[sid{sctx, id}]; old != nil {
		guid = old.guid
	} else {
		if id == 0 {
			id = s.st.maxID[sctx] + 1
		}
		guid = newGUID()
	}
	sub = s.st.subjects[subject]
	version := 1
	if sub != nil {
		if l := sub.latest(true); l != nil {
			version = l.version + 1
		}
	}
	if req.Version > 0 {
		if sub != nil && sub.find(req.Version, true) != nil {
			return registered{}, errNotPermitted("subject %q already has version %d", subject, req.Version)
		}
		version = req.Version
	}
	ev := &event{
		Op: opRegister, Subject: subject, Version: version, ID: id, GUID: guid,
		Format: rec.format, Schema: rec.text, References: rec.refs,
		Metadata: rec.metadata, RuleSet: rec.ruleSet, Canonical: rec.canonical,
	}
	if aerr := s.commit(ev); aerr != nil {
		return registered{}, aerr
	}
	return registered{subject: subject, version: version, rec: s.st.schemas[sid{sctx, id}]}, nil
}

func writable(subject string, m modeName) *apiError {
	if m == modeReadOnly {
		return errNotPermitted("subject %q is in read-only mode", subject)
	}
	return nil
}

// lookup finds req among subject's versions.
func (s *Server) lookup(ctx context.Context, subject string, req *schemaRequest, normalize, deleted bool) (registered, *apiError) {
	s.mu.RLock()
	sub := s.st.subjects[subject]
	ok := sub != nil && (sub.live() || (deleted && len(sub.versions) > 0))
	s.mu.RUnlock()
	if !ok {
		return registered{}, errSubjectNotFound(subject)
	}
	c, aerr := s.prepare(ctx, subject, req, false)
	if aerr != nil {
		return registered{}, aerr
	}
	if normalize {
		c.schema.Text = c.canonical
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := s.findIn(s.st.subjects[subject], c, deleted)
	if v == nil {
		return registered{}, errSchemaNotFound("schema not found in subject %q", subject)
	}
	return registered{subject: subject, version: v.version, rec: s.st.rec(subject, v.id)}, nil
}

// parseVersion parses a version path element: a number from 1, or
// "latest" (or -1) for the newest.
func parseVersion(v string) (n int, latest bool, aerr *apiError) {
	if v == "latest" || v == "-1" {
		return 0, true, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1<<31-1 {
		return 0, false, errInvalidVersion(v)
	}
	return n, false, nil
}

// version returns subject's version v. Caller holds mu.
func (s *Server) version(subject, v string, deleted bool) (registered, *apiError) {
	n, latest, aerr := parseVersion(v)
	if aerr != nil {
		return registered{}, aerr
	}
	sub := s.st.subjects[subject]
	if sub == nil || !(sub.live() || (deleted && len(sub.versions) > 0)) {
		return registered{}, errSubjectNotFound(subject)
	}
	var vr *versionRec
	if latest {
		vr = sub.latest(deleted)
	} else {
		vr = sub.find(n, deleted)
	}
	if vr == nil {
		return registered{}, errVersionNotFound(subject, n)
	}
	return registered{subject: subject, version: vr.version, rec: s.st.rec(subject, vr.id)}, nil
}

func nonTransitive(l compat.Level) compat.Level {
	switch l {
	case compat.BackwardTransitive:
		return compat.Backward
	case compat.ForwardTransitive:
		return compat.Forward
	case compat.FullTransitive:
		return compat.Full
	}
	return l
}

// checkCompat checks req against subject's version v, or against the
// versions the level names when v is empty. It returns the level and the
// versions it checked against, which the answer's messages name.
func (s *Server) checkCompat(ctx context.Context, subject, v string, req *schemaRequest, normalize bool) (compat.Result, compat.Level, []compat.Version, *apiError) {
	var (
		n      int
		latest bool
	)
	if v != "" {
		var aerr *apiError
		if n, latest, aerr = parseVersion(v); aerr != nil {
			return compat.Result{}, "", nil, aerr
		}
	}
	c, aerr := s.prepare(ctx, subject, req, false)
	if aerr != nil {
		return compat.Result{}, "", nil, aerr
	}
	next := c.schema
	if normalize {
		next.Text = c.canonical
	}
	s.mu.RLock()
	level := s.st.level(subject)
	sub := s.st.subjects[subject]
	var existing []compat.Version
	if v == "" {
		existing = s.existing(sub)
	} else {
		if sub == nil || !sub.live() {
			s.mu.RUnlock()
			return compat.Result{}, "", nil, errSubjectNotFound(subject)
		}
		var vr *versionRec
		if latest {
			vr = sub.latest(false)
		} else {
			vr = sub.find(n, false)
		}
		if vr == nil {
			s.mu.RUnlock()
			return compat.Result{}, "", nil, errVersionNotFound(subject, n)
		}
		existing = []compat.Version{{Version: vr.version, Schema: s.st.rec(subject, vr.id).schema()}}
		level = nonTransitive(level)
	}
	s.mu.RUnlock()
	if len(existing) == 0 {
		return compat.Result{Compatible: true}, level, existing, nil
	}
	res, aerr := s.runCheck(ctx, subject, level, next, existing)
	return res, level, existing, aerr
}

// deleteVersion deletes one version of subject.
func (s *Server) deleteVersion(subject, v string, permanent bool) (int, *apiError) {
	n, latest, aerr := parseVersion(v)
	if aerr != nil {
		return 0, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := writable(subject, s.st.mode(subject)); aerr != nil {
		return 0, aerr
	}
	sub := s.st.subjects[subject]
	if sub == nil || len(sub.versions) == 0 || (!permanent && !sub.live()) {
		return 0, errSubjectNotFound(subject)
	}
	var vr *versionRec
	if latest {
		vr = sub.latest(permanent)
	} else {
		vr = sub.find(n, true)
	}
	if vr == nil {
		return 0, errVersionNotFound(subject, n)
	}
	switch {
	case permanent && !vr.deleted:
		return 0, newAPIError(http.StatusNotFound, CodeVersionNotSoftDeleted,
			"subject %q version %d was not deleted first before being permanently deleted", subject, vr.version)
	case !permanent && vr.deleted:
		return 0, newAPIError(http.StatusNotFound, CodeVersionSoftDeleted,
			"subject %q version %d was soft deleted: set permanent=true to delete permanently", subject, vr.version)
	}
	if ids := s.st.referrers(subject, vr.version, permanent); len(ids) > 0 {
		return 0, newAPIError(http.StatusUnprocessableEntity, CodeReferenceExists,
			"subject %q version %d is referenced by schemas %v", subject, vr.version, ids)
	}
	if aerr := s.commit(&event{Op: opDelete, Subject: subject, Version: vr.version, Permanent: permanent}); aerr != nil {
		return 0, aerr
	}
	return vr.version, nil
}

// deleteSubject deletes every version of subject.
func (s *Server) deleteSubject(subject string, permanent bool) ([]int, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := writable(subject, s.st.mode(subject)); aerr != nil {
		return nil, aerr
	}
	sub := s.st.subjects[subject]
	if sub == nil || len(sub.versions) == 0 {
		return nil, errSubjectNotFound(subject)
	}
	live := sub.live()
	switch {
	case permanent && live:
		return nil, newAPIError(http.StatusNotFound, CodeSubjectNotSoftDeleted,
			"subject %q was not deleted first before being permanently deleted", subject)
	case !permanent && !live:
		return nil, newAPIError(http.StatusNotFound, CodeSubjectSoftDeleted,
			"subject %q was soft deleted: set permanent=true to delete permanently", subject)
	}
	versions := []int{}
	for _, v := range sub.versions {
		if permanent || !v.deleted {
			if ids := s.st.referrers(subject, v.version, permanent); len(ids) > 0 {
				return nil, newAPIError(http.StatusUnprocessableEntity, CodeReferenceExists,
					"subject %q version %d is referenced by schemas %v", subject, v.version, ids)
			}
			versions = append(versions, v.version)
		}
	}
	if aerr := s.commit(&event{Op: opDelete, Subject: subject, Permanent: permanent}); aerr != nil {
		return nil, aerr
	}
	return versions, nil
}

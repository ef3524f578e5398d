package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// ContentType is the content type of every response.
const ContentType = "application/vnd.schemaregistry.v1+json"

// routes builds the handler for the endpoints the package doc lists.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, f func(w http.ResponseWriter, r *http.Request) (any, *apiError)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v, aerr := f(w, r)
			switch {
			case aerr != nil:
				s.writeError(w, aerr)
			case v == noContent{}:
				w.Header().Set("Content-Type", ContentType)
				w.WriteHeader(http.StatusNoContent)
			case isRaw(v):
				w.Header().Set("Content-Type", ContentType)
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, string(v.(rawBody)))
			default:
				writeJSON(w, http.StatusOK, v)
			}
		})
	}
	h("GET /{$}", func(http.ResponseWriter, *http.Request) (any, *apiError) { return struct{}{}, nil })
	h("GET /v1/metadata/id", s.handleMetadataID)
	h("GET /contexts", s.handleContexts)

	h("GET /subjects", s.handleSubjects)
	h("GET /subjects/{subject}/versions", s.handleVersions)
	h("POST /subjects/{subject}/versions", s.handleRegister)
	h("GET /subjects/{subject}/versions/{version}", s.handleGetVersion)
	h("DELETE /subjects/{subject}/versions/{version}", s.handleDeleteVersion)
	h("GET /subjects/{subject}/versions/{version}/schema", s.handleGetVersionSchema)
	h("GET /subjects/{subject}/versions/{version}/referencedby", s.handleReferencedBy)
	h("GET /subjects/{subject}/metadata", s.handleLatestWithMetadata)
	h("POST /subjects/{subject}", s.handleLookup)
	h("DELETE /subjects/{subject}", s.handleDeleteSubject)

	h("GET /schemas", s.handleSchemas)
	h("GET /schemas/types", func(http.ResponseWriter, *http.Request) (any, *apiError) {
		return []string{"JSON", "PROTOBUF", "AVRO"}, nil
	})
	h("GET /schemas/ids/{id}", s.handleSchemaByID)
	h("GET /schemas/ids/{id}/schema", s.handleSchemaTextByID)
	h("GET /schemas/ids/{id}/subjects", s.handleSubjectsByID)
	h("GET /schemas/ids/{id}/versions", s.handleVersionsByID)
	h("GET /schemas/guids/{guid}", s.handleSchemaByGUID)
	h("GET /schemas/guids/{guid}/ids", s.handleIDsByGUID)

	h("GET /config", s.handleGetConfig)
	h("PUT /config", s.handlePutConfig)
	h("DELETE /config", s.handleDeleteConfig)
	h("GET /config/{subject}", s.handleGetConfig)
	h("PUT /config/{subject}", s.handlePutConfig)
	h("DELETE /config/{subject}", s.handleDeleteConfig)

	h("GET /mode", s.handleGetMode)
	h("PUT /mode", s.handlePutMode)
	h("DELETE /mode", s.handleDeleteMode)
	h("GET /mode/{subject}", s.handleGetMode)
	h("PUT /mode/{subject}", s.handlePutMode)
	h("DELETE /mode/{subject}", s.handleDeleteMode)

	h("POST /compatibility/subjects/{subject}/versions", s.handleCompatibility)
	h("POST /compatibility/subjects/{subject}/versions/{version}", s.handleCompatibility)

	s.associationRoutes(h)

	return s.middleware(mux)
}

// middleware answers what the mux would answer in plain text (unknown
// paths, wrong methods) with Confluent's error bodies, and applies
// authentication, the content type check and the body limit.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	var userSum, passSum [32]byte
	if s.cfg.auth.on {
		userSum, passSum = sha256.Sum256([]byte(s.cfg.auth.user)), sha256.Sum256([]byte(s.cfg.auth.pass))
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
		if s.cfg.logger.Enabled(r.Context(), slog.LevelDebug) {
			start := time.Now()
			defer func() {
				// The path and status only: never headers, which carry credentials.
				s.cfg.logger.Debug("server: request", "method", r.Method, "path", r.URL.EscapedPath(),
					"status", w.status, "duration", time.Since(start))
			}()
		}
		if s.cfg.auth.on {
			u, p, ok := r.BasicAuth()
			us, ps := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
			good := subtle.ConstantTimeCompare(us[:], userSum[:]) & subtle.ConstantTimeCompare(ps[:], passSum[:])
			if !ok || good != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="schema-registry"`)
				s.writeError(w, &apiError{status: http.StatusUnauthorized, code: CodeUnauthorized, msg: "unauthorized"})
				return
			}
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			s.writeError(w, s.unrouted(mux, r))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			if ct := r.Header.Get("Content-Type"); ct != "" {
				mt, _, err := mime.ParseMediaType(ct)
				switch {
				case err != nil:
					s.writeError(w, &apiError{status: http.StatusUnsupportedMediaType, code: http.StatusUnsupportedMediaType, msg: "unsupported content type " + strconv.Quote(ct)})
					return
				case mt == ContentType, mt == "application/vnd.schemaregistry+json", mt == "application/json", mt == "application/octet-stream":
				default:
					s.writeError(w, &apiError{status: http.StatusUnsupportedMediaType, code: http.StatusUnsupportedMediaType, msg: "unsupported content type " + strconv.Quote(ct)})
					return
				}
			}
			r.Body = http.MaxBytesReader(rw, r.Body, s.cfg.maxRequestBytes)
		}
		mux.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for the debug log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// unrouted tells a path no route has from a method the route lacks.
func (s *Server) unrouted(mux *http.ServeMux, r *http.Request) *apiError {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := mux.Handler(r2); p != "" {
			return &apiError{status: http.StatusMethodNotAllowed, code: http.StatusMethodNotAllowed, msg: "method " + r.Method + " not allowed"}
		}
	}
	return &apiError{status: http.StatusNotFound, code: http.StatusNotFound, msg: "not found: " + r.URL.EscapedPath()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// writeError answers e, its message cut to MaxErrorItems lines and
// MaxErrorBytes bytes.
func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, errorBody{ErrorCode: e.code, Message: s.capMessage(e.msg)})
}

// decode reads a JSON body into v.
func decode(r *http.Request, v any) *apiError {
	if r.Body == nil {
		return &apiError{status: http.StatusBadRequest, code: http.StatusBadRequest, msg: "missing request body"}
	}
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil {
		// Exactly one JSON value: {"schema":"\"int\""}{"schema":"\"long\""}
		// must not register int.
		if _, err = dec.Token(); errors.Is(err, io.EOF) {
			return nil
		}
		if mbe := (*http.MaxBytesError)(nil); !errors.As(err, &mbe) {
			return &apiError{status: http.StatusBadRequest, code: http.StatusBadRequest, msg: "unrecognized request body: data after the JSON value"}
		}
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return &apiError{status: http.StatusRequestEntityTooLarge, code: CodeSchemaTooLarge,
			msg: "request body is larger than " + strconv.FormatInt(mbe.Limit, 10) + " bytes", err: err}
	}
	if errors.Is(err, io.EOF) {
		return &apiError{status: http.StatusBadRequest, code: http.StatusBadRequest, msg: "missing request body"}
	}
	return &apiError{status: http.StatusBadRequest, code: http.StatusBadRequest, msg: "unrecognized request body: " + err.Error(), err: err}
}

// flag reads a boolean query parameter; Python clients send "True".
func flag(r *http.Request, name string) bool {
	return strings.EqualFold(r.URL.Query().Get(name), "true")
}

// subjectSchema is a subject version as the API shows it.
type subjectSchema struct {
	Subject    string            `json:"subject,omitempty"`
	Version    int               `json:"version,omitempty"`
	ID         int               `json:"id,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	SchemaType string            `json:"schemaType,omitempty"`
	References []serde.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage   `json:"metadata,omitempty"`
	RuleSet    json.RawMessage   `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
}

func schemaType(f serde.Format) string {
	if f == serde.Avro || f == "" {
		return ""
	}
	return string(f)
}

func (r registered) json() subjectSchema {
	return subjectSchema{
		Subject: r.subject, Version: r.version, ID: r.rec.id, GUID: r.rec.guid,
		SchemaType: schemaType(r.rec.format), References: r.rec.refs,
		Metadata: r.rec.metadata, RuleSet: r.rec.ruleSet, Schema: r.rec.text,
	}
}

func recJSON(rec *schemaRec) subjectSchema {
	return subjectSchema{
		SchemaType: schemaType(rec.format), References: rec.refs,
		Metadata: rec.metadata, RuleSet: rec.ruleSet, Schema: rec.text,
	}
}

func (s *Server) handleMetadataID(http.ResponseWriter, *http.Request) (any, *apiError) {
	return map[string]any{"scope": map[string]any{
		"path":     []string{},
		"clusters": map[string]string{"schema-registry-cluster": "schemagen"},
	}}, nil
}

func (s *Server) handleSubjects(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	deleted, only := flag(r, "deleted"), flag(r, "deletedOnly")
	prefix := r.URL.Query().Get("subjectPrefix")
	s.mu.RLock()
	out := []string{}
	for name, sub := range s.st.subjects {
		if len(sub.versions) == 0 || !strings.HasPrefix(name, prefix) {
			continue
		}
		live := sub.live()
		if (only && !live) || (!only && (live || deleted)) {
			out = append(out, name)
		}
	}
	s.mu.RUnlock()
	sort.Strings(out)
	return out, nil
}

func (s *Server) handleVersions(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	deleted, only := flag(r, "deleted"), flag(r, "deletedOnly")
	s.mu.RLock()
	defer s.mu.RUnlock()
	sub := s.st.subjects[subject]
	if sub == nil || !(sub.live() || ((deleted || only) && len(sub.versions) > 0)) {
		return nil, errSubjectNotFound(subject)
	}
	out := []int{}
	for _, v := range sub.versions {
		if (only && v.deleted) || (!only && (deleted || !v.deleted)) {
			out = append(out, v.version)
		}
	}
	return out, nil
}

// registerResponse is the answer to a registration: the id, as every
// version of the API gives, and what recent Confluent versions add.
type registerResponse struct {
	ID int `json:"id"`
	subjectSchema
}

func (s *Server) handleRegister(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	var req schemaRequest
	if aerr := decode(r, &req); aerr != nil {
		return nil, aerr
	}
	reg, aerr := s.register(r.Context(), r.PathValue("subject"), &req, flag(r, "normalize"))
	if aerr != nil {
		return nil, aerr
	}
	return registerResponse{ID: reg.rec.id, subjectSchema: reg.json()}, nil
}

func (s *Server) handleLookup(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	var req schemaRequest
	if aerr := decode(r, &req); aerr != nil {
		return nil, aerr
	}
	reg, aerr := s.lookup(r.Context(), r.PathValue("subject"), &req, flag(r, "normalize"), flag(r, "deleted"))
	if aerr != nil {
		return nil, aerr
	}
	out := reg.json()
	if out.Schema, aerr = s.formatted(r.Context(), reg.rec, r.URL.Query().Get("format")); aerr != nil {
		return nil, aerr
	}
	return out, nil
}

func (s *Server) handleGetVersion(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	reg, aerr := s.version(r.PathValue("subject"), r.PathValue("version"), flag(r, "deleted"))
	s.mu.RUnlock()
	if aerr != nil {
		return nil, aerr
	}
	out := reg.json()
	if out.Schema, aerr = s.formatted(r.Context(), reg.rec, r.URL.Query().Get("format")); aerr != nil {
		return nil, aerr
	}
	return out, nil
}

// handleLatestWithMetadata answers the newest version whose metadata
// properties hold every key=value pair given (Confluent's
// use.latest.with.metadata).
func (s *Server) handleLatestWithMetadata(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	q := r.URL.Query()
	keys, values := q["key"], q["value"]
	if len(keys) != len(values) {
		return nil, newAPIError(http.StatusUnprocessableEntity, CodeInvalidSchema, "every metadata key needs a value")
	}
	deleted := flag(r, "deleted")
	s.mu.RLock()
	sub := s.st.subjects[subject]
	if sub == nil || !(sub.live() || (deleted && len(sub.versions) > 0)) {
		s.mu.RUnlock()
		return nil, errSubjectNotFound(subject)
	}
	var found *registered
	for i := len(sub.versions) - 1; i >= 0 && found == nil; i-- {
		v := sub.versions[i]
		if v.deleted && !deleted {
			continue
		}
		rec := s.st.rec(subject, v.id)
		var md struct {
			Properties map[string]string `json:"properties"`
		}
		if len(rec.metadata) == 0 || json.Unmarshal(rec.metadata, &md) != nil {
			continue
		}
		ok := true
		for j, k := range keys {
			if got, has := md.Properties[k]; !has || got != values[j] {
				ok = false
				break
			}
		}
		if ok {
			found = &registered{subject: subject, version: v.version, rec: rec}
		}
	}
	s.mu.RUnlock()
	if found == nil {
		return nil, errSchemaNotFound("no version of subject %q has metadata %v=%v", subject, keys, values)
	}
	out := found.json()
	var aerr *apiError
	if out.Schema, aerr = s.formatted(r.Context(), found.rec, q.Get("format")); aerr != nil {
		return nil, aerr
	}
	return out, nil
}

// rawBody is a response body written as is.
type rawBody string

func isRaw(v any) bool { _, ok := v.(rawBody); return ok }

func (s *Server) handleGetVersionSchema(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	reg, aerr := s.version(r.PathValue("subject"), r.PathValue("version"), flag(r, "deleted"))
	s.mu.RUnlock()
	if aerr != nil {
		return nil, aerr
	}
	return s.rawFormatted(r, reg.rec)
}

func (s *Server) handleReferencedBy(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	reg, aerr := s.version(r.PathValue("subject"), r.PathValue("version"), flag(r, "deleted"))
	if aerr != nil {
		return nil, aerr
	}
	return s.st.referrers(reg.subject, reg.version, false), nil
}

func (s *Server) handleDeleteVersion(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	v, aerr := s.deleteVersion(r.PathValue("subject"), r.PathValue("version"), flag(r, "permanent"))
	if aerr != nil {
		return nil, aerr
	}
	return v, nil
}

func (s *Server) handleDeleteSubject(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	if aerr := s.associated(r.PathValue("subject")); aerr != nil {
		return nil, aerr
	}
	vs, aerr := s.deleteSubject(r.PathValue("subject"), flag(r, "permanent"))
	if aerr != nil {
		return nil, aerr
	}
	return vs, nil
}

func (s *Server) handleSchemas(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	deleted, latestOnly := flag(r, "deleted"), flag(r, "latestOnly")
	prefix := r.URL.Query().Get("subjectPrefix")
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.st.subjects))
	for name := range s.st.subjects {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := []subjectSchema{}
	for _, name := range names {
		sub := s.st.subjects[name]
		if latestOnly {
			if v := sub.latest(deleted); v != nil {
				out = append(out, registered{subject: name, version: v.version, rec: s.st.rec(name, v.id)}.json())
			}
			continue
		}
		for _, v := range sub.versions {
			if deleted || !v.deleted {
				out = append(out, registered{subject: name, version: v.version, rec: s.st.rec(name, v.id)}.json())
			}
		}
	}
	return out, nil
}

// schemaByID returns the schema with the id in the path, in the context
// of ?subject (the default context without it; a subject that is only a
// context, ":.ctx:", names that context); with a subject that is more
// than a context, the schema must be used by that subject. Caller holds
// mu.
func (s *Server) schemaByID(r *http.Request) (*schemaRec, *apiError) {
	id, err := strconv.Atoi(r.PathValue("id"))
	subject := r.URL.Query().Get("subject")
	ctx := contextOf(subject)
	rec := s.st.schemas[sid{ctx, id}]
	if err != nil || rec == nil {
		if ctx != defaultContext {
			return nil, errSchemaNotFound("schema %s not found in context %q", r.PathValue("id"), ctx)
		}
		return nil, errSchemaNotFound("schema %s not found", r.PathValue("id"))
	}
	if subject != "" && !isContextOnly(subject) {
		found := false
		for _, u := range s.st.usages(ctx, id, true) {
			found = found || u.Subject == subject
		}
		if !found {
			return nil, errSchemaNotFound("schema %d not found in subject %q", id, subject)
		}
	}
	return rec, nil
}

func (s *Server) handleSchemaByID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	rec, aerr := s.schemaByID(r)
	s.mu.RUnlock()
	if aerr != nil {
		return nil, aerr
	}
	out := recJSON(rec)
	out.GUID = rec.guid
	if out.Schema, aerr = s.formatted(r.Context(), rec, r.URL.Query().Get("format")); aerr != nil {
		return nil, aerr
	}
	if flag(r, "fetchMaxId") {
		s.mu.RLock()
		maxID := s.st.maxID[rec.ctx]
		s.mu.RUnlock()
		return struct {
			subjectSchema
			MaxID int `json:"maxId"`
		}{out, maxID}, nil
	}
	return out, nil
}

func (s *Server) handleSchemaTextByID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	rec, aerr := s.schemaByID(r)
	s.mu.RUnlock()
	if aerr != nil {
		return nil, aerr
	}
	return s.rawFormatted(r, rec)
}

func (s *Server) handleSubjectsByID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, aerr := s.schemaByID(r)
	if aerr != nil {
		return nil, aerr
	}
	out := []string{}
	for _, u := range s.st.usages(rec.ctx, rec.id, flag(r, "deleted")) {
		if len(out) == 0 || out[len(out)-1] != u.Subject {
			out = append(out, u.Subject)
		}
	}
	return out, nil
}

func (s *Server) handleVersionsByID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, aerr := s.schemaByID(r)
	if aerr != nil {
		return nil, aerr
	}
	out := s.st.usages(rec.ctx, rec.id, flag(r, "deleted"))
	if out == nil {
		out = []subjectVersion{}
	}
	return out, nil
}

func (s *Server) handleSchemaByGUID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	key, ok := s.st.byGUID[r.PathValue("guid")]
	rec := s.st.schemas[key]
	s.mu.RUnlock()
	if !ok || rec == nil {
		return nil, errSchemaNotFound("schema with guid %q not found", r.PathValue("guid"))
	}
	out := recJSON(rec)
	out.ID, out.GUID = rec.id, rec.guid
	var aerr *apiError
	if out.Schema, aerr = s.formatted(r.Context(), rec, r.URL.Query().Get("format")); aerr != nil {
		return nil, aerr
	}
	return out, nil
}

func (s *Server) handleIDsByGUID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	key, ok := s.st.byGUID[r.PathValue("guid")]
	if !ok {
		return nil, errSchemaNotFound("schema with guid %q not found", r.PathValue("guid"))
	}
	return []map[string]any{{"context": key.ctx, "id": key.id}}, nil
}

// configBody is the body of PUT /config and the answer to it.
type configBody struct {
	Compatibility    string          `json:"compatibility,omitempty"`
	Normalize        *bool           `json:"normalize,omitempty"`
	DefaultMetadata  json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet   json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet  json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// configResponse is the answer to GET and DELETE /config. DELETE also
// carries "compatibility", which franz-go's ResetCompatibility reads.
type configResponse struct {
	CompatibilityLevel compat.Level    `json:"compatibilityLevel"`
	Compatibility      compat.Level    `json:"compatibility,omitempty"`
	Normalize          *bool           `json:"normalize,omitempty"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// response is c as GET /config answers it.
func (c *subjectConfig) response() configResponse {
	return configResponse{
		CompatibilityLevel: c.level, Normalize: c.normalize,
		DefaultMetadata: c.defaultMetadata, OverrideMetadata: c.overrideMetadata,
		DefaultRuleSet: c.defaultRuleSet, OverrideRuleSet: c.overrideRuleSet,
	}
}

func (s *Server) handleGetConfig(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	s.mu.RLock()
	defer s.mu.RUnlock()
	if subject == "" {
		return s.st.global.response(), nil
	}
	if sub := s.st.subjects[subject]; sub != nil && sub.config != nil {
		// The subject's own settings; those it lacks are the global ones,
		// as registration uses them.
		out := sub.config.response()
		if out.CompatibilityLevel == "" {
			out.CompatibilityLevel = s.st.global.level
		}
		out.DefaultMetadata, out.OverrideMetadata, out.DefaultRuleSet, out.OverrideRuleSet = s.st.rulesConfig(subject)
		return out, nil
	}
	if flag(r, "defaultToGlobal") {
		return s.st.global.response(), nil
	}
	return nil, newAPIError(http.StatusNotFound, CodeSubjectCompatNotConfigured,
		"subject %q does not have subject-level compatibility configured", subject)
}

func (s *Server) handlePutConfig(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	if subject != "" {
		if aerr := s.validSubject(subject); aerr != nil {
			return nil, aerr
		}
	}
	var body configBody
	if aerr := decode(r, &body); aerr != nil {
		return nil, aerr
	}
	ev := &event{Op: opConfig, Subject: subject, Normalize: body.Normalize}
	for _, f := range []struct {
		name    string
		raw     *json.RawMessage
		dst     *json.RawMessage
		ruleSet bool
	}{
		{"defaultMetadata", &body.DefaultMetadata, &ev.DefaultMetadata, false},
		{"overrideMetadata", &body.OverrideMetadata, &ev.OverrideMetadata, false},
		{"defaultRuleSet", &body.DefaultRuleSet, &ev.DefaultRuleSet, true},
		{"overrideRuleSet", &body.OverrideRuleSet, &ev.OverrideRuleSet, true},
	} {
		raw, err := compactRaw(*f.raw)
		if err != nil {
			return nil, errInvalidSchema("invalid %s: %w", f.name, err)
		}
		if f.ruleSet {
			if err := validateRuleSet(raw, s.cfg.maxRuleSet, true, !s.cfg.skipCEL); err != nil {
				aerr := invalidRuleSet(err)
				aerr.msg = strings.Replace(aerr.msg, "invalid rule set", "invalid "+f.name, 1)
				return nil, aerr
			}
		} else if err := validateMetadata(raw, s.cfg.maxMetadata); err != nil {
			return nil, errInvalidSchema("invalid %s: %w", f.name, err)
		}
		*f.raw, *f.dst = raw, raw
	}
	if body.Compatibility != "" {
		l, err := compat.ParseLevel(body.Compatibility)
		if err != nil {
			return nil, newAPIError(http.StatusUnprocessableEntity, CodeInvalidCompatibilityLevel,
				"invalid compatibility level %q", body.Compatibility)
		}
		ev.Compatibility = l
		body.Compatibility = string(l)
	} else if body.Normalize == nil && ev.DefaultMetadata == nil && ev.OverrideMetadata == nil && ev.DefaultRuleSet == nil && ev.OverrideRuleSet == nil {
		return nil, newAPIError(http.StatusUnprocessableEntity, CodeInvalidCompatibilityLevel, "compatibility level is missing")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.commit(ev); aerr != nil {
		return nil, aerr
	}
	return body, nil
}

func (s *Server) handleDeleteConfig(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	s.mu.Lock()
	defer s.mu.Unlock()
	var old configResponse
	if subject == "" {
		old = s.st.global.response()
	} else {
		sub := s.st.subjects[subject]
		switch {
		case sub == nil:
			return nil, errSubjectNotFound(subject)
		case sub.config == nil:
			return nil, newAPIError(http.StatusNotFound, CodeSubjectCompatNotConfigured,
				"subject %q does not have subject-level compatibility configured", subject)
		}
		old = sub.config.response()
	}
	if aerr := s.commit(&event{Op: opConfig, Subject: subject, Reset: true}); aerr != nil {
		return nil, aerr
	}
	old.Compatibility = old.CompatibilityLevel
	return old, nil
}

type modeBody struct {
	Mode string `json:"mode"`
}

func (s *Server) handleGetMode(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	s.mu.RLock()
	defer s.mu.RUnlock()
	if subject == "" {
		return modeBody{Mode: string(s.st.globalMode)}, nil
	}
	if sub := s.st.subjects[subject]; sub != nil && sub.mode != "" {
		return modeBody{Mode: string(sub.mode)}, nil
	}
	if flag(r, "defaultToGlobal") {
		return modeBody{Mode: string(s.st.globalMode)}, nil
	}
	return nil, newAPIError(http.StatusNotFound, CodeSubjectModeNotConfigured,
		"subject %q does not have subject-level mode configured", subject)
}

func (s *Server) handlePutMode(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	if subject != "" {
		if aerr := s.validSubject(subject); aerr != nil {
			return nil, aerr
		}
	}
	var body modeBody
	if aerr := decode(r, &body); aerr != nil {
		return nil, aerr
	}
	m := modeName(strings.ToUpper(body.Mode))
	if m != modeReadWrite && m != modeReadOnly && m != modeImport {
		return nil, newAPIError(http.StatusUnprocessableEntity, CodeInvalidMode,
			"invalid mode %q: use READWRITE, READONLY or IMPORT", body.Mode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m == modeImport && !flag(r, "force") {
		for name, sub := range s.st.subjects {
			if (subject == "" || name == subject) && len(sub.versions) > 0 {
				return nil, errNotPermitted("cannot import since found existing subjects: use force=true")
			}
		}
	}
	if aerr := s.commit(&event{Op: opMode, Subject: subject, Mode: m}); aerr != nil {
		return nil, aerr
	}
	return modeBody{Mode: string(m)}, nil
}

func (s *Server) handleDeleteMode(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	subject := r.PathValue("subject")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.globalMode
	if subject != "" {
		sub := s.st.subjects[subject]
		if sub == nil || sub.mode == "" {
			return nil, newAPIError(http.StatusNotFound, CodeSubjectModeNotConfigured,
				"subject %q does not have subject-level mode configured", subject)
		}
		old = sub.mode
	}
	if aerr := s.commit(&event{Op: opMode, Subject: subject, Reset: true}); aerr != nil {
		return nil, aerr
	}
	return modeBody{Mode: string(old)}, nil
}

// compatResponse is Confluent's answer: the reasons only with
// ?verbose=true (then [] when there are none).
type compatResponse struct {
	IsCompatible bool      `json:"is_compatible"`
	Messages     *[]string `json:"messages,omitempty"`
}

func (s *Server) handleCompatibility(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	var req schemaRequest
	if aerr := decode(r, &req); aerr != nil {
		return nil, aerr
	}
	res, level, existing, aerr := s.checkCompat(r.Context(), r.PathValue("subject"), r.PathValue("version"), &req, flag(r, "normalize"))
	if aerr != nil {
		return nil, aerr
	}
	out := compatResponse{IsCompatible: res.Compatible}
	if flag(r, "verbose") {
		msgs := s.capItems(confluentMessages(level, res.Findings, existing))
		out.Messages = &msgs
	}
	return out, nil
}

// handleContexts lists the contexts: the default one and every context a
// subject (live or soft-deleted) is in, sorted.
func (s *Server) handleContexts(http.ResponseWriter, *http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{defaultContext: true}
	out := []string{defaultContext}
	for name := range s.st.subjects {
		if ctx := contextOf(name); !seen[ctx] {
			seen[ctx] = true
			out = append(out, ctx)
		}
	}
	sort.Strings(out)
	return out, nil
}

// isContextOnly reports whether subject names a context only: ":.ctx:".
func isContextOnly(subject string) bool {
	return strings.HasPrefix(subject, ":.") && strings.HasSuffix(subject, ":") && strings.Count(subject, ":") == 2
}

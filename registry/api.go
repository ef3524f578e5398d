package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/serde"
)

// toSR converts a schema to franz-go's form.
func toSR(s serde.Schema) (sr.Schema, error) {
	out := sr.Schema{Schema: s.Text}
	f, err := serde.ParseFormat(string(s.Format))
	if err != nil {
		return out, err
	}
	switch f {
	case serde.Protobuf:
		out.Type = sr.TypeProtobuf
	case serde.JSON:
		out.Type = sr.TypeJSON
	}
	for _, r := range s.References {
		out.References = append(out.References, sr.SchemaReference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	out.SchemaMetadata = metadataToSR(s.Metadata)
	out.SchemaRuleSet, err = ruleSetToSR(s.RuleSet)
	return out, err
}

// fromSR converts franz-go's schema to ours.
func fromSR(s sr.Schema) serde.Schema {
	out := serde.Schema{Format: serde.Avro, Text: s.Schema}
	switch s.Type {
	case sr.TypeProtobuf:
		out.Format = serde.Protobuf
	case sr.TypeJSON:
		out.Format = serde.JSON
	}
	for _, r := range s.References {
		out.References = append(out.References, serde.Reference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	out.RuleSet, out.Metadata = ruleSetFromSR(s.SchemaRuleSet), metadataFromSR(s.SchemaMetadata)
	return out
}

func fromSubjectSchema(s sr.SubjectSchema) SubjectSchema {
	return SubjectSchema{Subject: s.Subject, Version: s.Version, ID: s.ID, GUID: s.GUID, Schema: fromSR(s.Schema)}
}

// checkSubject refuses subjects that cannot be put in a URL path even
// escaped ("." and ".." are cleaned away by path joining).
func checkSubject(subject string) error {
	switch subject {
	case "":
		return fmt.Errorf("%w: empty subject", ErrInvalidSubject)
	case ".", "..":
		return fmt.Errorf("%w: %q", ErrInvalidSubject, subject)
	}
	return nil
}

// subjectPath is /subjects/<escaped subject>: a subject with "/" (a .proto
// import path as a reference subject) stays one path segment.
func subjectPath(subject string) string { return "/subjects/" + url.PathEscape(subject) }

// Resolve fetches ref.Subject at ref.Version (the latest version when
// Version is 0 or -1), so a Client is a serde.Resolver for schemas whose
// references are registered. An unqualified reference subject is in the
// client's IDContext (the default context unless that option names
// another), the context of the schemas SchemaByID returns; use ResolverIn
// for schemas of another context. A reference without a subject is an
// error wrapping serde.ErrReference.
func (c *Client) Resolve(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
	return ctxResolver{c, c.cfg.idContext}.Resolve(ctx, ref)
}

// ResolverIn returns a resolver for the references of schemas registered
// in schema context schemaContext (ContextOf of their subject): as
// Confluent's registry reads them, an unqualified reference subject is in
// the referrer's context, and a qualified one (":.ctx:name") in its own.
// The schemas it returns carry their own references qualified the same
// way, so references of references resolve in the context they were
// registered in.
func (c *Client) ResolverIn(schemaContext string) serde.Resolver {
	return ctxResolver{c, normContext(schemaContext)}
}

type ctxResolver struct {
	c    *Client
	sctx string
}

func (r ctxResolver) Resolve(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
	if ref.Subject == "" {
		return serde.Schema{}, fmt.Errorf("registry: reference %q: %w: no subject to fetch it from", ref.Name, serde.ErrReference)
	}
	subject := qualifyRef(r.sctx, ref.Subject)
	ss, err := r.c.SchemaByVersion(ctx, subject, ref.Version)
	if err != nil {
		return serde.Schema{}, fmt.Errorf("%w (%w %q)", err, serde.ErrReference, ref.Name)
	}
	return withContext(ss.Schema, ContextOf(subject)), nil
}

// qualifyRef returns the subject a reference from schema context sctx
// names: an unqualified subject is in sctx (Confluent's
// qualifySubjectWithParent), a qualified one stays as it is.
func qualifyRef(sctx, subject string) string {
	if normContext(sctx) == DefaultContext || strings.HasPrefix(subject, ":.") {
		return subject
	}
	return Qualify(sctx, subject)
}

// withContext returns s with its unqualified reference subjects qualified
// with sctx, the context s was registered in. s's own slice is not
// modified.
func withContext(s serde.Schema, sctx string) serde.Schema {
	if normContext(sctx) == DefaultContext || len(s.References) == 0 {
		return s
	}
	refs := slices.Clone(s.References)
	for i := range refs {
		refs[i].Subject = qualifyRef(sctx, refs[i].Subject)
	}
	s.References = refs
	return s
}

// SchemaByID returns the schema with the given ID, from the cache after the
// first call. The ID is resolved in the client's IDContext, the default
// context unless that option names another.
func (c *Client) SchemaByID(ctx context.Context, id int) (serde.Schema, error) {
	sctx := c.cfg.idContext
	c.cache.mu.RLock()
	s, ok := c.cache.byID[ctxID{sctx, id}]
	c.cache.mu.RUnlock()
	if ok {
		return s, nil
	}
	op := "get schema id " + strconv.Itoa(id)
	if sctx != DefaultContext {
		op += " in context " + sctx
	}
	key := "id\x00" + sctx + "\x00" + strconv.Itoa(id)
	if err := c.cache.negative(key, c.cfg.negTTL); err != nil {
		return serde.Schema{}, err
	}
	return flight(ctx, c, key, op, func(ctx context.Context) (serde.Schema, error) {
		var got sr.Schema
		err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) (err error) {
			if sctx != DefaultContext {
				ctx = sr.WithParams(ctx, sr.Subject(Qualify(sctx, "")))
			}
			got, err = cl.SchemaByID(ctx, id)
			return err
		})
		if err != nil {
			c.cache.remember(key, "", err, c.cfg.negTTL)
			return serde.Schema{}, err
		}
		s := fromSR(got)
		c.cache.mu.Lock()
		c.cache.byID[ctxID{sctx, id}] = s
		c.cache.mu.Unlock()
		return s, nil
	})
}

// SchemaByVersion returns a subject's schema at a version; version 0 or -1
// means the latest (see Latest). Specific versions are cached.
func (c *Client) SchemaByVersion(ctx context.Context, subject string, version int) (SubjectSchema, error) {
	if version <= 0 {
		return c.Latest(ctx, subject)
	}
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	k := subjectVersion{subject, version}
	c.cache.mu.RLock()
	ss, ok := c.cache.byVersion[k]
	c.cache.mu.RUnlock()
	if ok {
		return ss, nil
	}
	op := fmt.Sprintf("get subject %q version %d", subject, version)
	key := "ver\x00" + subject + "\x00" + strconv.Itoa(version)
	if err := c.cache.negative(key, c.cfg.negTTL); err != nil {
		return SubjectSchema{}, err
	}
	return flight(ctx, c, key, op, func(ctx context.Context) (SubjectSchema, error) {
		ss, err := c.fetchVersion(ctx, op, subject, version)
		if err != nil {
			c.cache.remember(key, subject, err, c.cfg.negTTL)
			return SubjectSchema{}, err
		}
		c.cache.store(ss)
		return ss, nil
	})
}

func (c *Client) fetchVersion(ctx context.Context, op, subject string, version int) (SubjectSchema, error) {
	var got sr.SubjectSchema
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) (err error) {
		got, err = cl.SchemaByVersion(ctx, subject, version)
		return err
	})
	if err != nil {
		return SubjectSchema{}, err
	}
	ss := fromSubjectSchema(got)
	if ss.Subject == "" {
		ss.Subject = subject
	}
	return ss, nil
}

// Latest returns the latest version of a subject. It is cached for
// CacheTTL.
func (c *Client) Latest(ctx context.Context, subject string) (SubjectSchema, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	if c.cfg.cacheTTL > 0 {
		c.cache.mu.RLock()
		e, ok := c.cache.latest[subject]
		c.cache.mu.RUnlock()
		if ok && c.cache.now().Sub(e.fetched) < c.cfg.cacheTTL {
			return e.ss, nil
		}
	}
	op := fmt.Sprintf("get latest version of subject %q", subject)
	key := "latest\x00" + subject
	if err := c.cache.negative(key, c.cfg.negTTL); err != nil {
		return SubjectSchema{}, err
	}
	return flight(ctx, c, key, op, func(ctx context.Context) (SubjectSchema, error) {
		ss, err := c.fetchVersion(ctx, op, subject, -1)
		if err != nil {
			if ss, ok := c.fromSnapshot(ctx, subject, "", err); ok {
				return ss, nil
			}
			c.cache.remember(key, subject, err, c.cfg.negTTL)
			return SubjectSchema{}, err
		}
		c.cache.store(ss)
		if c.cfg.cacheTTL > 0 {
			c.cache.mu.Lock()
			c.cache.latest[subject] = latestEntry{ss, c.cache.now()}
			c.cache.mu.Unlock()
		}
		return ss, nil
	})
}

// LatestWithMetadata returns the latest version of a subject whose metadata
// properties include every key and value of md (Confluent's
// use.latest.with.metadata). It asks GET /subjects/{subject}/metadata; a
// registry without that endpoint (Confluent before 7.4, srfake, older
// Redpanda and Karapace) is handled by reading the subject's versions newest
// first and matching the metadata they return. When no version matches,
// either way, the error wraps ErrNoMatch. Results are cached for CacheTTL,
// like Latest.
func (c *Client) LatestWithMetadata(ctx context.Context, subject string, md map[string]string) (SubjectSchema, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	if len(md) == 0 {
		return c.Latest(ctx, subject)
	}
	keys := slices.Sorted(maps.Keys(md))
	key := subject
	q := url.Values{}
	for _, k := range keys {
		key += "\x00" + k + "\x00" + md[k]
		q.Add("key", k)
		q.Add("value", md[k])
	}
	if c.cfg.cacheTTL > 0 {
		c.cache.mu.RLock()
		e, ok := c.cache.latestMD[key]
		c.cache.mu.RUnlock()
		if ok && c.cache.now().Sub(e.fetched) < c.cfg.cacheTTL {
			return e.ss, nil
		}
	}
	op := fmt.Sprintf("get latest version of subject %q with metadata", subject)
	return flight(ctx, c, "latestmd\x00"+key, op, func(ctx context.Context) (SubjectSchema, error) {
		ss, err := c.fetchLatestWithMetadata(ctx, op, subject, md, q)
		if err != nil {
			return SubjectSchema{}, err
		}
		if ss.Subject == "" {
			ss.Subject = subject
		}
		c.cache.store(ss)
		if c.cfg.cacheTTL > 0 {
			c.cache.mu.Lock()
			c.cache.latestMD[key] = latestEntry{ss, c.cache.now()}
			c.cache.mu.Unlock()
		}
		return ss, nil
	})
}

func (c *Client) fetchLatestWithMetadata(ctx context.Context, op, subject string, md map[string]string, q url.Values) (SubjectSchema, error) {
	if !c.noMetadata.Load() {
		var raw []byte
		err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
			return cl.Do(sr.WithParams(ctx, sr.RawParams(q)), http.MethodGet, subjectPath(subject)+"/metadata", nil, &raw)
		})
		if err == nil && len(bytes.TrimSpace(raw)) > 0 {
			var got sr.SubjectSchema
			if err := json.Unmarshal(raw, &got); err != nil {
				return SubjectSchema{}, c.fail(op, fmt.Errorf("%w: %w", ErrMalformedResponse, err))
			}
			return fromSubjectSchema(got), nil
		}
		if err == nil {
			// 204 with no body (Apicurio): no such endpoint, whatever the
			// status says.
			c.noMetadata.Store(true)
			return c.matchVersionsMetadata(ctx, op, subject, md)
		}
		var re *ResponseError
		if errors.As(err, &re) && re.Code == 40403 {
			// The endpoint exists and no version has this metadata.
			return SubjectSchema{}, fmt.Errorf("%w: %w", ErrNoMatch, err)
		}
		if !errors.As(err, &re) || !(re.StatusCode == http.StatusNotFound || re.StatusCode == http.StatusMethodNotAllowed) ||
			(re.Code != 0 && re.Code != 404 && re.Code != 405) {
			return SubjectSchema{}, err
		}
		c.noMetadata.Store(true) // no such endpoint: do not ask again
	}
	return c.matchVersionsMetadata(ctx, op, subject, md)
}

// matchVersionsMetadata reads the subject's versions newest first and
// returns the first whose metadata has md.
func (c *Client) matchVersionsMetadata(ctx context.Context, op, subject string, md map[string]string) (SubjectSchema, error) {
	versions, err := c.Versions(ctx, subject)
	if err != nil {
		return SubjectSchema{}, err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		var got sr.SubjectSchema
		v := versions[i]
		err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) (err error) {
			got, err = cl.SchemaByVersion(ctx, subject, v)
			return err
		})
		if err != nil {
			return SubjectSchema{}, err
		}
		if matches(got.SchemaMetadata, md) {
			return fromSubjectSchema(got), nil
		}
	}
	return SubjectSchema{}, c.fail(op, fmt.Errorf("%w: no version has metadata %v", ErrNoMatch, md))
}

func matches(m *sr.SchemaMetadata, want map[string]string) bool {
	if m == nil {
		return false
	}
	for k, v := range want {
		if got, ok := m.Properties[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// RegisterOpt configures Register and RegisterAll.
type RegisterOpt interface{ applyRegister(*registerConfig) }

type registerOpt func(*registerConfig)

func (o registerOpt) applyRegister(c *registerConfig) { o(c) }

type registerConfig struct {
	normalize bool
	metadata  map[string]string
	refs      ReferenceSubjectStrategy
}

// Normalize asks the registry to normalize the schema before comparing it
// with registered versions (?normalize=true), overriding the default of
// comparing it as written.
func Normalize() RegisterOpt {
	return registerOpt(func(c *registerConfig) { c.normalize = true })
}

// Metadata attaches metadata properties to the registered version, which
// UseLatest can match, overriding the default of none. Registries without
// data contracts ignore it.
func Metadata(md map[string]string) RegisterOpt {
	return registerOpt(func(c *registerConfig) { c.metadata = md })
}

// cacheSuffix distinguishes registrations by their options in the cache and
// singleflight keys: "" for none.
func (rc registerConfig) cacheSuffix() string {
	if !rc.normalize && len(rc.metadata) == 0 {
		return ""
	}
	var b strings.Builder
	if rc.normalize {
		b.WriteString("\x00normalize")
	}
	keys := make([]string, 0, len(rc.metadata))
	for k := range rc.metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString("\x00md:")
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(rc.metadata[k]))
	}
	return b.String()
}

// Register registers s under subject, or returns the existing version if the
// subject has it already. The result is cached under the schema's
// normalized fingerprint, so registering or looking up the same schema again
// makes no request.
func (c *Client) Register(ctx context.Context, subject string, s serde.Schema, opts ...RegisterOpt) (SubjectSchema, error) {
	var rc registerConfig
	for _, o := range opts {
		o.applyRegister(&rc)
	}
	return c.register(ctx, subject, s, rc)
}

func (c *Client) register(ctx context.Context, subject string, s serde.Schema, rc registerConfig) (SubjectSchema, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	body, err := toSR(s)
	if err != nil {
		return SubjectSchema{}, fmt.Errorf("registry: register under subject %q: %w", subject, err)
	}
	if rc.metadata != nil {
		if body.SchemaMetadata == nil {
			body.SchemaMetadata = &sr.SchemaMetadata{}
		}
		body.SchemaMetadata.Properties = rc.metadata
	}
	// What the registry answers depends on the request's normalize flag
	// and metadata too: a registration that differs in them is another
	// request, not a cache hit.
	k := subjectKey{subject, c.schemaKey(ctx, ContextOf(subject), s) + rc.cacheSuffix()}
	c.cache.mu.RLock()
	ss, ok := c.cache.bySchema[k]
	c.cache.mu.RUnlock()
	if ok {
		return ss, nil
	}
	op := fmt.Sprintf("register schema under subject %q", subject)
	return flight(ctx, c, "reg\x00"+k.subject+"\x00"+k.key, op, func(ctx context.Context) (SubjectSchema, error) {
		if rc.normalize {
			ctx = sr.WithParams(ctx, sr.Normalize)
		}
		var into struct {
			ID      int    `json:"id"`
			Version int    `json:"version"`
			GUID    string `json:"guid"`
		}
		err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
			return cl.Do(ctx, http.MethodPost, subjectPath(subject)+"/versions", body, &into)
		})
		if err != nil {
			if ss, ok := c.fromSnapshot(ctx, subject, c.schemaKey(ctx, ContextOf(subject), s), err); ok {
				return ss, nil // registered when the snapshot was taken
			}
			return SubjectSchema{}, err
		}
		ss := SubjectSchema{Subject: subject, ID: into.ID, Version: into.Version, GUID: into.GUID, Schema: s}
		if ss.Version == 0 {
			// Older registries answer with the ID only.
			found, err := c.lookup(ctx, op, subject, body)
			if err != nil {
				return SubjectSchema{}, err
			}
			ss.Version, ss.GUID = found.Version, found.GUID
		}
		c.cache.store(ss)
		c.cache.evictLatest(subject) // the subject may have a new latest version
		c.cache.mu.Lock()
		c.cache.bySchema[k] = ss
		c.cache.mu.Unlock()
		return ss, nil
	})
}

// LookupSchema returns the version and ID of s under subject if the subject
// has it; the error wraps ErrSchemaNotFound or ErrSubjectNotFound if not.
// The registry normalizes before comparing. Found schemas are cached.
func (c *Client) LookupSchema(ctx context.Context, subject string, s serde.Schema) (SubjectSchema, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectSchema{}, err
	}
	body, err := toSR(s)
	if err != nil {
		return SubjectSchema{}, fmt.Errorf("registry: look up schema under subject %q: %w", subject, err)
	}
	k := subjectKey{subject, c.schemaKey(ctx, ContextOf(subject), s)}
	c.cache.mu.RLock()
	ss, ok := c.cache.bySchema[k]
	c.cache.mu.RUnlock()
	if ok {
		return ss, nil
	}
	op := fmt.Sprintf("look up schema under subject %q", subject)
	key := "lookup\x00" + k.subject + "\x00" + k.key
	if err := c.cache.negative(key, c.cfg.negTTL); err != nil {
		return SubjectSchema{}, err
	}
	return flight(ctx, c, key, op, func(ctx context.Context) (SubjectSchema, error) {
		found, err := c.lookup(sr.WithParams(ctx, sr.Normalize), op, subject, body)
		if err != nil {
			if ss, ok := c.fromSnapshot(ctx, subject, k.key, err); ok {
				return ss, nil
			}
			c.cache.remember(key, subject, err, c.cfg.negTTL)
			return SubjectSchema{}, err
		}
		ss := fromSubjectSchema(found)
		ss.Subject = subject
		c.cache.store(ss)
		c.cache.mu.Lock()
		c.cache.bySchema[k] = ss
		c.cache.mu.Unlock()
		return ss, nil
	})
}

func (c *Client) lookup(ctx context.Context, op, subject string, body sr.Schema) (sr.SubjectSchema, error) {
	var found sr.SubjectSchema
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
		return cl.Do(ctx, http.MethodPost, subjectPath(subject), body, &found)
	})
	return found, err
}

// Subjects lists the registry's subjects.
func (c *Client) Subjects(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, "list subjects", func(ctx context.Context, cl *sr.Client) (err error) {
		out, err = cl.Subjects(ctx)
		return err
	})
	return out, err
}

// Versions lists a subject's versions, oldest first.
func (c *Client) Versions(ctx context.Context, subject string) ([]int, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	var out []int
	err := c.do(ctx, fmt.Sprintf("list versions of subject %q", subject), func(ctx context.Context, cl *sr.Client) (err error) {
		out, err = cl.SubjectVersions(ctx, subject)
		return err
	})
	return out, err
}

// SchemaByGUID returns the schema with a GUID (Confluent 8 and later).
func (c *Client) SchemaByGUID(ctx context.Context, guid string) (SubjectSchema, error) {
	var got sr.SubjectSchema
	err := c.do(ctx, fmt.Sprintf("get schema guid %q", guid), func(ctx context.Context, cl *sr.Client) (err error) {
		got, err = cl.SchemaByGUID(ctx, guid)
		return err
	})
	if err != nil {
		return SubjectSchema{}, err
	}
	ss := fromSubjectSchema(got)
	if ss.GUID == "" {
		ss.GUID = guid
	}
	return ss, nil
}

// SubjectVersion names one version of one subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Usages lists the subject versions that use the schema ID.
func (c *Client) Usages(ctx context.Context, id int) ([]SubjectVersion, error) {
	var got []sr.SubjectVersion
	err := c.do(ctx, "list usages of schema id "+strconv.Itoa(id), func(ctx context.Context, cl *sr.Client) (err error) {
		got, err = cl.SchemaVersionsByID(ctx, id)
		return err
	})
	if sv := c.snapshotUsages(id); err != nil && errors.Is(err, ErrUnavailable) && len(sv) > 0 {
		return sv, nil
	}
	out := make([]SubjectVersion, len(got))
	for i, g := range got {
		out[i] = SubjectVersion(g)
	}
	return out, err
}

// ReferencedBy lists the IDs of schemas that reference subject at version
// (-1 for the latest).
func (c *Client) ReferencedBy(ctx context.Context, subject string, version int) ([]int, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	v := "latest"
	if version > 0 {
		v = strconv.Itoa(version)
	}
	var ids []int
	err := c.do(ctx, fmt.Sprintf("list references to subject %q version %s", subject, v), func(ctx context.Context, cl *sr.Client) error {
		return cl.Do(ctx, http.MethodGet, subjectPath(subject)+"/versions/"+v+"/referencedby", nil, &ids)
	})
	return ids, err
}

// DeleteSubject deletes every version of a subject, softly unless permanent
// (a permanent delete needs a soft one first), and returns the versions
// deleted. It evicts the subject from the cache.
func (c *Client) DeleteSubject(ctx context.Context, subject string, permanent bool) ([]int, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	defer c.cache.evictSubject(subject)
	var out []int
	err := c.do(ctx, fmt.Sprintf("delete subject %q", subject), func(ctx context.Context, cl *sr.Client) (err error) {
		out, err = cl.DeleteSubject(ctx, subject, sr.DeleteHow(permanent))
		return err
	})
	return out, err
}

// DeleteVersion deletes one version of a subject, softly unless permanent.
// It evicts the subject from the cache.
func (c *Client) DeleteVersion(ctx context.Context, subject string, version int, permanent bool) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	defer c.cache.evictSubject(subject)
	return c.do(ctx, fmt.Sprintf("delete subject %q version %d", subject, version), func(ctx context.Context, cl *sr.Client) error {
		return cl.DeleteSchema(ctx, subject, version, sr.DeleteHow(permanent))
	})
}

// Compatibility returns the compatibility level of a subject, or the global
// level for subject "", in the registry's spelling (BACKWARD, FULL_TRANSITIVE,
// ...; compat.ParseLevel reads it). A subject without its own level reports
// the global one.
func (c *Client) Compatibility(ctx context.Context, subject string) (string, error) {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return "", err
		}
	}
	var res sr.CompatibilityResult
	err := c.do(ctx, fmt.Sprintf("get compatibility of %s", scope(subject)), func(ctx context.Context, cl *sr.Client) error {
		if subject != "" {
			ctx = sr.WithParams(ctx, sr.DefaultToGlobal)
		}
		res = cl.Compatibility(ctx, subject)[0]
		return res.Err
	})
	if err != nil {
		return "", err
	}
	l := res.Level.String()
	if l == "" {
		return "", fmt.Errorf("registry: get compatibility of %s: unknown level %d", scope(subject), res.Level)
	}
	return l, nil
}

// SetCompatibility sets the compatibility level of a subject, or the global
// level for subject "": one of the registry's seven levels, in any case
// (string(compat.Full), "backward", ...).
func (c *Client) SetCompatibility(ctx context.Context, subject string, level string) error {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return err
		}
	}
	var l sr.CompatibilityLevel
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("registry: set compatibility of %s: %w: %q", scope(subject), ErrInvalidCompatibilityLevel, level)
	}
	return c.do(ctx, fmt.Sprintf("set compatibility of %s", scope(subject)), func(ctx context.Context, cl *sr.Client) error {
		return cl.SetCompatibility(ctx, sr.SetCompatibility{Level: l}, subject)[0].Err
	})
}

// ResetCompatibility removes a subject's own compatibility level so that the
// global one applies.
func (c *Client) ResetCompatibility(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	return c.do(ctx, fmt.Sprintf("reset compatibility of %s", scope(subject)), func(ctx context.Context, cl *sr.Client) error {
		return cl.ResetCompatibility(ctx, subject)[0].Err
	})
}

// Mode returns the mode (READWRITE, READONLY, IMPORT) of a subject, or the
// global mode for subject "". A registry without modes (Apicurio's ccompat
// API answers 404 or 204 with no body) gives an error wrapping
// ErrUnsupported.
func (c *Client) Mode(ctx context.Context, subject string) (string, error) {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return "", err
		}
	}
	op := fmt.Sprintf("get mode of %s", scope(subject))
	var raw []byte
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
		if subject != "" {
			ctx = sr.WithParams(ctx, sr.DefaultToGlobal)
		}
		return cl.Do(ctx, http.MethodGet, modePath(subject), nil, &raw)
	})
	if err != nil {
		return "", unsupported(err)
	}
	m, err := decodeMode(raw)
	if err != nil {
		return "", c.fail(op, err)
	}
	return m, nil
}

// SetMode sets the mode of a subject, or the global mode for subject "". A
// registry without modes gives an error wrapping ErrUnsupported (Apicurio
// answers 204 and ignores the mode).
func (c *Client) SetMode(ctx context.Context, subject, mode string) error {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return err
		}
	}
	var m sr.Mode
	if err := m.UnmarshalText([]byte(mode)); err != nil {
		return fmt.Errorf("registry: set mode of %s: %w: %q", scope(subject), ErrInvalidMode, mode)
	}
	op := fmt.Sprintf("set mode of %s", scope(subject))
	var raw []byte
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
		return cl.Do(ctx, http.MethodPut, modePath(subject), map[string]string{"mode": m.String()}, &raw)
	})
	if err != nil {
		return unsupported(err)
	}
	if _, err := decodeMode(raw); err != nil {
		return c.fail(op, err)
	}
	return nil
}

func modePath(subject string) string {
	if subject == "" {
		return "/mode"
	}
	return "/mode/" + url.PathEscape(subject)
}

// decodeMode reads {"mode": ...}; an empty body is a registry without
// modes.
func decodeMode(raw []byte) (string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", fmt.Errorf("%w: modes (the registry answered with no body)", ErrUnsupported)
	}
	var body struct {
		Mode string `json:"mode"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Mode == "" {
		return "", fmt.Errorf("%w: no mode in %.100q", ErrMalformedResponse, raw)
	}
	return body.Mode, nil
}

// unsupported marks an error as ErrUnsupported when the registry answered
// that it has no such endpoint: 404 or 405 without an error code of
// Confluent's.
func unsupported(err error) error {
	var re *ResponseError
	if errors.As(err, &re) && re.Code == 0 && (re.StatusCode == http.StatusNotFound || re.StatusCode == http.StatusMethodNotAllowed) {
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return err
}

// CompatibilityResult is the registry's verdict on a candidate schema.
type CompatibilityResult struct {
	Compatible bool
	// Messages says why not (the registry's verbose messages).
	Messages []string
}

// CheckCompatibility asks the registry whether s is compatible with subject
// at version (-1 for the latest, -2 for every version as the subject's level
// requires), with verbose messages.
func (c *Client) CheckCompatibility(ctx context.Context, subject string, version int, s serde.Schema) (CompatibilityResult, error) {
	if err := checkSubject(subject); err != nil {
		return CompatibilityResult{}, err
	}
	body, err := toSR(s)
	if err != nil {
		return CompatibilityResult{}, fmt.Errorf("registry: check compatibility with subject %q: %w", subject, err)
	}
	var res sr.CheckCompatibilityResult
	err = c.do(ctx, fmt.Sprintf("check compatibility with subject %q", subject), func(ctx context.Context, cl *sr.Client) (err error) {
		res, err = cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), subject, version, body)
		return err
	})
	return CompatibilityResult{Compatible: res.Is, Messages: res.Messages}, err
}

func scope(subject string) string {
	if subject == "" {
		return "the registry"
	}
	return fmt.Sprintf("subject %q", subject)
}

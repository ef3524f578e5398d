package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Confluent's error codes for the associations API (Confluent Schema
// Registry 8.x, rest/exceptions/Errors).
const (
	CodeAssociationNotFound          = 40410
	CodeAssociationForResourceExists = 40903
	CodeAssociationForSubjectExists  = 40904
	CodeStrongAssociationForSubject  = 40905
	CodeNoActiveSubjectVersion       = 40907
	CodeAssociationFrozen            = 40908
	CodeInvalidAssociation           = 42212
	CodeTooManyAssociations          = 40902
)

// maxAssociations bounds how many associations the server keeps, as
// Confluent bounds them (40902 beyond): every instance holds them all in
// memory.
var maxAssociations = 1 << 16

const (
	associationResourceTopic = "topic"
	associationWildcard      = "-" // a namespace or name that matches any
	lifecycleStrong          = "STRONG"
	lifecycleWeak            = "WEAK"
	associationKey           = "key"
	associationValue         = "value"
)

// association links a Kafka resource (a topic) to the subject that holds
// its key or value schemas, as Confluent's AssociatedNameStrategy reads
// it. STRONG associations own their subject (deleting the association
// with cascadeLifecycle deletes the subject) and are frozen: they cannot
// be changed or deleted without the cascade. WEAK associations only point
// at an existing subject.
type association struct {
	Subject           string `json:"subject"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceID        string `json:"resourceId"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Lifecycle         string `json:"lifecycle"`
	Frozen            bool   `json:"frozen"`
	CreateTimestamp   int64  `json:"createTimestamp,omitempty"`
	UpdateTimestamp   int64  `json:"updateTimestamp,omitempty"`
}

// associations holds the server's associations. Like subjects they are
// changed by events (associate, dissociate), which the store keeps: the
// data file, or the Kafka topic under Confluent's ASSOC keys.
type associations struct {
	mu   sync.Mutex
	list []*association
}

// associationInfo is one association of a create request.
type associationInfo struct {
	Subject         string         `json:"subject,omitempty"`
	AssociationType string         `json:"associationType,omitempty"`
	Lifecycle       string         `json:"lifecycle,omitempty"`
	Frozen          *bool          `json:"frozen,omitempty"`
	Schema          *schemaRequest `json:"schema,omitempty"`
	Normalize       *bool          `json:"normalize,omitempty"`
}

// associationRequest is the body of POST /associations.
type associationRequest struct {
	ResourceName      string            `json:"resourceName"`
	ResourceNamespace string            `json:"resourceNamespace"`
	ResourceID        string            `json:"resourceId"`
	ResourceType      string            `json:"resourceType"`
	Associations      []associationInfo `json:"associations"`
}

// associationResponse is Confluent's AssociationResponse.
type associationResponse struct {
	ResourceName      string                    `json:"resourceName"`
	ResourceNamespace string                    `json:"resourceNamespace"`
	ResourceID        string                    `json:"resourceId"`
	ResourceType      string                    `json:"resourceType"`
	Associations      []associationResponseInfo `json:"associations"`
}

type associationResponseInfo struct {
	Subject         string         `json:"subject"`
	AssociationType string         `json:"associationType"`
	Lifecycle       string         `json:"lifecycle"`
	Frozen          bool           `json:"frozen"`
	Schema          *subjectSchema `json:"schema,omitempty"`
}

// noContent is a handler result answered with 204 and no body.
type noContent struct{}

func errInvalidAssociation(property, detail string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, CodeInvalidAssociation, "invalid association: %s: %s", property, detail)
}

// associationRoutes adds the associations API to the routes.
func (s *Server) associationRoutes(h func(string, func(http.ResponseWriter, *http.Request) (any, *apiError))) {
	h("POST /associations", s.handleCreateAssociation)
	h("GET /associations/subjects/{subject}", s.handleAssociationsBySubject)
	h("GET /associations/resources/{namespace}/{name}", s.handleAssociationsByResourceName)
	h("GET /associations/resources/{id}", s.handleAssociationsByResourceID)
	h("DELETE /associations/resources/{id}", s.handleDeleteAssociations)
	h("PUT /associations/resources/{id}", s.handleUpsertAssociations)
}

// filter is the query of the GET endpoints.
type associationFilter struct {
	resourceType string
	types        []string
	lifecycle    string
	offset       int
	limit        int
}

func parseAssociationFilter(r *http.Request) (associationFilter, *apiError) {
	q := r.URL.Query()
	f := associationFilter{resourceType: q.Get("resourceType"), types: q["associationType"], lifecycle: strings.ToUpper(q.Get("lifecycle")), limit: -1}
	if f.resourceType == "" {
		f.resourceType = associationResourceTopic
	}
	if f.lifecycle != "" && f.lifecycle != lifecycleStrong && f.lifecycle != lifecycleWeak {
		return f, errInvalidAssociation("lifecycle", "must be STRONG or WEAK")
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"offset", &f.offset}, {"limit", &f.limit}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return f, newAPIError(http.StatusBadRequest, http.StatusBadRequest, "invalid %s %q", p.name, v)
			}
			*p.dst = n
		}
	}
	return f, nil
}

func (f associationFilter) match(a *association) bool {
	return a.ResourceType == f.resourceType &&
		(len(f.types) == 0 || slices.Contains(f.types, a.AssociationType)) &&
		(f.lifecycle == "" || a.Lifecycle == f.lifecycle)
}

// find returns copies of the associations keep and f accept, paged by f.
func (as *associations) find(f associationFilter, keep func(*association) bool) []association {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := []association{}
	for _, a := range as.list {
		if keep(a) && f.match(a) {
			out = append(out, *a)
		}
	}
	slices.SortStableFunc(out, func(a, b association) int {
		if c := strings.Compare(a.ResourceName, b.ResourceName); c != 0 {
			return c
		}
		if c := strings.Compare(a.ResourceNamespace, b.ResourceNamespace); c != 0 {
			return c
		}
		return strings.Compare(a.AssociationType, b.AssociationType)
	})
	if f.offset > 0 {
		out = out[min(f.offset, len(out)):]
	}
	if f.limit >= 0 && f.limit < len(out) {
		out = out[:f.limit]
	}
	return out
}

func (s *Server) handleAssociationsBySubject(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	f, aerr := parseAssociationFilter(r)
	if aerr != nil {
		return nil, aerr
	}
	subject := r.PathValue("subject")
	return s.assocs.find(f, func(a *association) bool { return a.Subject == subject }), nil
}

// handleAssociationsByResourceName answers what AssociatedNameStrategy
// asks: the associations of a topic, "-" as the namespace meaning any
// namespace and "-" as the name meaning every resource of the namespace.
// No association is an empty list, not an error: the client then falls
// back to its TopicNameStrategy.
func (s *Server) handleAssociationsByResourceName(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	f, aerr := parseAssociationFilter(r)
	if aerr != nil {
		return nil, aerr
	}
	ns, name := r.PathValue("namespace"), r.PathValue("name")
	return s.assocs.find(f, func(a *association) bool {
		return (ns == associationWildcard || a.ResourceNamespace == ns) && (name == associationWildcard || a.ResourceName == name)
	}), nil
}

func (s *Server) handleAssociationsByResourceID(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	f, aerr := parseAssociationFilter(r)
	if aerr != nil {
		return nil, aerr
	}
	id := r.PathValue("id")
	return s.assocs.find(f, func(a *association) bool { return a.ResourceID == id }), nil
}

// validate checks req and fills Confluent's defaults: resource type
// topic, association type value, STRONG (and frozen, on the default
// subject ":.<namespace>:<name>-<type>") when a schema is given, WEAK
// otherwise.
func (req *associationRequest) validate(s *Server, dryRun bool) *apiError {
	for _, p := range []struct{ name, v string }{{"resourceName", req.ResourceName}, {"resourceNamespace", req.ResourceNamespace}} {
		if p.v == "" || p.v == associationWildcard || strings.ContainsAny(p.v, ":/") {
			return errInvalidAssociation(p.name, "must be a non-empty name")
		}
	}
	if !dryRun && req.ResourceID == "" {
		return errInvalidAssociation("resourceId", "cannot be null or empty")
	}
	switch req.ResourceType {
	case "":
		req.ResourceType = associationResourceTopic
	case associationResourceTopic:
	default:
		return errInvalidAssociation("resourceType", "must be 'topic'")
	}
	if len(req.Associations) == 0 {
		return errInvalidAssociation("associations", "cannot be null or empty")
	}
	seen := map[string]bool{}
	for i := range req.Associations {
		info := &req.Associations[i]
		switch info.AssociationType {
		case "":
			info.AssociationType = associationValue
		case associationKey, associationValue:
		default:
			return errInvalidAssociation("associationType", "must be either 'key' or 'value'")
		}
		if seen[info.AssociationType] {
			return errInvalidAssociation("associationType", "may only appear once per request, but '"+info.AssociationType+"' appears more than once")
		}
		seen[info.AssociationType] = true
		info.Lifecycle = strings.ToUpper(info.Lifecycle)
		switch info.Lifecycle {
		case "", lifecycleStrong, lifecycleWeak:
		default:
			return errInvalidAssociation("lifecycle", "must be STRONG or WEAK")
		}
		if info.Schema != nil {
			if info.Lifecycle == lifecycleWeak {
				return errInvalidAssociation("lifecycle", "cannot be WEAK when schema is provided")
			}
			if info.Frozen != nil && !*info.Frozen {
				return errInvalidAssociation("frozen", "cannot be false when a schema is provided")
			}
			info.Lifecycle = lifecycleStrong
		} else if info.Lifecycle == "" {
			info.Lifecycle = lifecycleWeak
		}
		frozen := info.Lifecycle == lifecycleStrong
		if info.Frozen != nil && *info.Frozen != frozen {
			return errInvalidAssociation("frozen", "association with lifecycle of "+info.Lifecycle+" cannot be frozen="+strconv.FormatBool(*info.Frozen))
		}
		info.Frozen = &frozen
		def := req.defaultSubject(info.AssociationType)
		switch {
		case info.Subject == "" && info.Lifecycle == lifecycleWeak:
			return errInvalidAssociation("subject", "must be provided for WEAK associations")
		case info.Subject == "":
			info.Subject = def
		case frozen && info.Subject != def:
			return errInvalidAssociation("subject", "frozen associations must use subject '"+def+"'")
		case !frozen && info.Subject == def:
			return errInvalidAssociation("subject", "WEAK associations cannot use subject '"+def+"'")
		}
		if aerr := s.validSubject(info.Subject); aerr != nil {
			return aerr
		}
		if frozen && info.Schema == nil {
			return errInvalidAssociation("schema", "schema must be provided when creating a frozen association")
		}
	}
	return nil
}

// defaultSubject is Confluent's subject for a STRONG association: the
// resource's namespace as a context, then "<name>-<type>".
func (req *associationRequest) defaultSubject(typ string) string {
	return ":." + req.ResourceNamespace + ":" + req.ResourceName + "-" + typ
}

func (s *Server) handleCreateAssociation(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	var req associationRequest
	if aerr := decode(r, &req); aerr != nil {
		return nil, aerr
	}
	dryRun := flag(r, "dryRun")
	if aerr := req.validate(s, dryRun); aerr != nil {
		return nil, aerr
	}
	return s.createAssociations(r.Context(), &req, dryRun)
}

// createAssociations checks every association of req against the state,
// registers the schemas of the STRONG ones and records them all. An
// association equal to one the resource has is accepted again unchanged.
func (s *Server) createAssociations(ctx context.Context, req *associationRequest, dryRun bool) (any, *apiError) {
	// One create at a time: the checks below read the associations and
	// the subjects, and registering may take a while.
	s.assocCreate.Lock()
	defer s.assocCreate.Unlock()

	out := associationResponse{ResourceName: req.ResourceName, ResourceNamespace: req.ResourceNamespace, ResourceID: req.ResourceID, ResourceType: req.ResourceType}
	var todo []*associationInfo
	for i := range req.Associations {
		info := &req.Associations[i]
		old := s.assocs.find(associationFilter{resourceType: req.ResourceType, types: []string{info.AssociationType}, limit: -1},
			func(a *association) bool { return a.ResourceID == req.ResourceID })
		if len(old) > 0 {
			o := old[0]
			if o.Subject != info.Subject || o.Lifecycle != info.Lifecycle || o.Frozen != *info.Frozen {
				return nil, newAPIError(http.StatusConflict, CodeAssociationForResourceExists,
					"an association of type '%s' already exists for resource '%s'", info.AssociationType, req.ResourceName)
			}
			out.Associations = append(out.Associations, associationResponseInfo{Subject: o.Subject, AssociationType: o.AssociationType, Lifecycle: o.Lifecycle, Frozen: o.Frozen})
			continue
		}
		others := s.assocs.find(associationFilter{resourceType: req.ResourceType, limit: -1},
			func(a *association) bool { return a.Subject == info.Subject })
		s.mu.RLock()
		sub := s.st.subjects[info.Subject]
		var latest *versionRec
		if sub != nil {
			latest = sub.latest(false)
		}
		mode := s.st.mode(info.Subject)
		referenced := latest != nil && len(s.st.referrers(info.Subject, latest.version, true)) > 0
		var versions int
		if sub != nil {
			for _, v := range sub.versions {
				if !v.deleted {
					versions++
				}
			}
		}
		s.mu.RUnlock()
		if aerr := writable(info.Subject, mode); aerr != nil {
			return nil, aerr
		}
		switch info.Lifecycle {
		case lifecycleWeak:
			if latest == nil {
				return nil, newAPIError(http.StatusConflict, CodeNoActiveSubjectVersion, "no active (non-deleted) version exists for subject '%s'", info.Subject)
			}
			for _, o := range others {
				if o.Lifecycle == lifecycleStrong {
					return nil, newAPIError(http.StatusConflict, CodeStrongAssociationForSubject, "a strong association already exists for subject '%s'", info.Subject)
				}
			}
		case lifecycleStrong:
			if len(others) > 0 {
				return nil, newAPIError(http.StatusConflict, CodeAssociationForSubjectExists, "an association already exists for subject '%s'", info.Subject)
			}
			if referenced {
				return nil, newAPIError(http.StatusUnprocessableEntity, CodeReferenceExists, "subject '%s' is referenced by other schemas", info.Subject)
			}
			if versions > 1 || (versions == 1 && latest.version != 1) {
				return nil, errInvalidAssociation("frozen", "cannot create a frozen association when schemas already exist in the subject")
			}
			if mode == modeImport {
				return nil, errInvalidAssociation("schema", "cannot be provided while subject '"+info.Subject+"' is in IMPORT mode")
			}
		}
		todo = append(todo, info)
	}
	s.assocs.mu.Lock()
	n := len(s.assocs.list)
	s.assocs.mu.Unlock()
	if n+len(todo) > maxAssociations {
		return nil, newAPIError(http.StatusConflict, CodeTooManyAssociations, "a maximum of %d associations already exist", maxAssociations)
	}
	if dryRun {
		for _, info := range todo {
			out.Associations = append(out.Associations, associationResponseInfo{Subject: info.Subject, AssociationType: info.AssociationType, Lifecycle: info.Lifecycle, Frozen: *info.Frozen})
		}
		return out, nil
	}
	now := time.Now().UnixMilli()
	for _, info := range todo {
		ri := associationResponseInfo{Subject: info.Subject, AssociationType: info.AssociationType, Lifecycle: info.Lifecycle, Frozen: *info.Frozen}
		if info.Schema != nil {
			reg, aerr := s.register(ctx, info.Subject, info.Schema, info.Normalize != nil && *info.Normalize)
			if aerr != nil {
				return nil, aerr
			}
			if reg.version != 1 {
				return nil, errInvalidAssociation("frozen", "cannot create a frozen association when schemas already exist in the subject")
			}
			js := reg.json()
			ri.Schema = &js
		}
		a := &association{
			Subject: info.Subject, ResourceName: req.ResourceName, ResourceNamespace: req.ResourceNamespace,
			ResourceID: req.ResourceID, ResourceType: req.ResourceType, AssociationType: info.AssociationType,
			Lifecycle: info.Lifecycle, Frozen: *info.Frozen, CreateTimestamp: now, UpdateTimestamp: now,
		}
		s.mu.Lock()
		aerr := s.commit(&event{Op: opAssociate, Subject: a.Subject, Association: a.record(newGUID())})
		s.mu.Unlock()
		if aerr != nil {
			return nil, aerr
		}
		out.Associations = append(out.Associations, ri)
	}
	return out, nil
}

// handleDeleteAssociations deletes a resource's associations. A frozen
// (STRONG) one needs cascadeLifecycle=true, which also deletes its
// subject, soft then permanently, as Confluent does.
func (s *Server) handleDeleteAssociations(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	f, aerr := parseAssociationFilter(r)
	if aerr != nil {
		return nil, aerr
	}
	f.lifecycle, f.offset, f.limit = "", 0, -1
	id := r.PathValue("id")
	cascade, dryRun := flag(r, "cascadeLifecycle"), flag(r, "dryRun")
	s.assocCreate.Lock()
	defer s.assocCreate.Unlock()
	found := s.assocs.find(f, func(a *association) bool { return a.ResourceID == id })
	if len(found) == 0 {
		return nil, newAPIError(http.StatusNotFound, CodeAssociationNotFound, "association for '%s' not found", id)
	}
	for _, a := range found {
		s.mu.RLock()
		mode := s.st.mode(a.Subject)
		s.mu.RUnlock()
		if aerr := writable(a.Subject, mode); aerr != nil {
			return nil, aerr
		}
		if a.Frozen && !cascade {
			return nil, newAPIError(http.StatusConflict, CodeAssociationFrozen, "the association of type '%s' is frozen for subject '%s'", a.AssociationType, a.Subject)
		}
	}
	if dryRun {
		return noContent{}, nil
	}
	for _, a := range found {
		s.mu.Lock()
		aerr := s.commit(&event{Op: opDissociate, Subject: a.Subject, Association: a.record("")})
		s.mu.Unlock()
		if aerr != nil {
			return nil, aerr
		}
		s.mu.RLock()
		mode := s.st.mode(a.Subject)
		sub := s.st.subjects[a.Subject]
		has := sub != nil && len(sub.versions) > 0
		live := has && sub.live()
		s.mu.RUnlock()
		if !cascade || a.Lifecycle != lifecycleStrong || mode == modeImport || !has {
			continue
		}
		if live {
			if _, aerr := s.deleteSubject(a.Subject, false); aerr != nil {
				return nil, aerr
			}
		}
		if _, aerr := s.deleteSubject(a.Subject, true); aerr != nil {
			return nil, aerr
		}
	}
	return noContent{}, nil
}

// associated refuses to delete a subject that an association names, as
// Confluent does: delete the association first (with cascadeLifecycle for
// a STRONG one, which deletes the subject too).
func (s *Server) associated(subject string) *apiError {
	if len(s.assocs.find(associationFilter{limit: -1, resourceType: associationResourceTopic}, func(a *association) bool { return a.Subject == subject })) > 0 {
		return newAPIError(http.StatusConflict, CodeAssociationForSubjectExists, "an association already exists for subject '%s'", subject)
	}
	return nil
}

// handleUpsertAssociations is PUT /associations/resources/{id}: it adds
// WEAK associations to an existing resource and accepts again the ones it
// has. As in Confluent, a STRONG association (or one with a schema) is
// only created with its topic (POST), and an association's subject,
// lifecycle and frozen flag cannot change: a frozen one refuses with
// 40908, anything else with 42212.
func (s *Server) handleUpsertAssociations(_ http.ResponseWriter, r *http.Request) (any, *apiError) {
	var req associationRequest
	if aerr := decode(r, &req); aerr != nil {
		return nil, aerr
	}
	id := r.PathValue("id")
	switch req.ResourceID {
	case "":
		req.ResourceID = id
	case id:
	default:
		return nil, errInvalidAssociation("resourceId", "resource ID in the path parameter does not match the resource ID in the request body")
	}
	if req.ResourceType == "" {
		req.ResourceType = associationResourceTopic
	}
	var fresh []associationInfo
	var kept []associationResponseInfo
	for _, info := range req.Associations {
		typ := info.AssociationType
		if typ == "" {
			typ = associationValue
		}
		old := s.assocs.find(associationFilter{resourceType: req.ResourceType, types: []string{typ}, limit: -1},
			func(a *association) bool { return a.ResourceID == req.ResourceID })
		if len(old) == 0 {
			if info.Schema != nil {
				return nil, errInvalidAssociation("schema", "cannot be provided when adding an association to an existing topic; an association with a schema must be created with the topic")
			}
			if strings.EqualFold(info.Lifecycle, lifecycleStrong) {
				return nil, errInvalidAssociation("lifecycle", "cannot be STRONG when creating an association; STRONG associations must be created with the topic")
			}
			fresh = append(fresh, info)
			continue
		}
		o := old[0]
		lc := strings.ToUpper(info.Lifecycle)
		switch {
		case info.Schema != nil:
			return nil, errInvalidAssociation("schema", "cannot be provided when updating an association")
		case info.Subject != "" && info.Subject != o.Subject:
			return nil, errInvalidAssociation("subject", "subject of association cannot be changed from '"+o.Subject+"' to '"+info.Subject+"'")
		case info.Frozen != nil && *info.Frozen != o.Frozen:
			return nil, errInvalidAssociation("frozen", "frozen attribute of association cannot be changed")
		case lc != "" && lc != o.Lifecycle && o.Frozen:
			return nil, newAPIError(http.StatusConflict, CodeAssociationFrozen, "the association of type '%s' is frozen for subject '%s'", o.AssociationType, o.Subject)
		case lc != "" && lc != o.Lifecycle:
			return nil, errInvalidAssociation("frozen", "association with lifecycle of "+lc+" cannot be frozen="+strconv.FormatBool(o.Frozen))
		}
		kept = append(kept, associationResponseInfo{Subject: o.Subject, AssociationType: o.AssociationType, Lifecycle: o.Lifecycle, Frozen: o.Frozen})
	}
	if len(req.Associations) == 0 {
		return nil, errInvalidAssociation("associations", "cannot be null or empty")
	}
	out := associationResponse{ResourceName: req.ResourceName, ResourceNamespace: req.ResourceNamespace, ResourceID: req.ResourceID, ResourceType: req.ResourceType, Associations: kept}
	if len(fresh) == 0 {
		return out, nil
	}
	add := req
	add.Associations = fresh
	dryRun := flag(r, "dryRun")
	if aerr := add.validate(s, dryRun); aerr != nil {
		return nil, aerr
	}
	res, aerr := s.createAssociations(r.Context(), &add, dryRun)
	if aerr != nil {
		return nil, aerr
	}
	out.Associations = append(out.Associations, res.(associationResponse).Associations...)
	return out, nil
}

// key is what identifies an association on the store, as Confluent's
// AssociationKey does: the resource's name, namespace and type, the
// association's type and its subject.
func (a *association) key() [5]string {
	return [5]string{a.ResourceName, a.ResourceNamespace, a.ResourceType, a.AssociationType, a.Subject}
}

// apply adds (replacing one with the same key) or removes the association
// rec holds. The live path and replays both come here, through
// state.apply.
func (as *associations) apply(add bool, rec *crAssoc) {
	a := rec.association()
	as.mu.Lock()
	defer as.mu.Unlock()
	i := slices.IndexFunc(as.list, func(x *association) bool { return x.key() == a.key() })
	switch {
	case !add && i >= 0:
		as.list = slices.Delete(as.list, i, i+1)
	case add && i >= 0:
		as.list[i] = a
	case add:
		as.list = append(as.list, a)
	}
}

// crAssoc is an association as Confluent's registry 8.x writes it on its
// _schemas topic, under an ASSOC key (AssociationValue), and as the data
// file holds it. UpdateTimestamp is an addition Confluent's reader
// ignores (it ignores unknown properties).
type crAssoc struct {
	GUID              string `json:"guid,omitempty"`
	Tenant            string `json:"tenant,omitempty"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceID        string `json:"resourceId,omitempty"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Subject           string `json:"subject"`
	Lifecycle         string `json:"lifecycle,omitempty"`
	Frozen            bool   `json:"frozen"`
	CreateTimestamp   int64  `json:"createTs,omitempty"`
	UpdateTimestamp   int64  `json:"updateTs,omitempty"`
}

// tenantDefault is Confluent's tenant of a registry without tenants.
const tenantDefault = "default"

func (a *association) record(guid string) *crAssoc {
	return &crAssoc{
		GUID: guid, Tenant: tenantDefault,
		ResourceName: a.ResourceName, ResourceNamespace: a.ResourceNamespace, ResourceID: a.ResourceID,
		ResourceType: a.ResourceType, AssociationType: a.AssociationType, Subject: a.Subject,
		Lifecycle: a.Lifecycle, Frozen: a.Frozen, CreateTimestamp: a.CreateTimestamp, UpdateTimestamp: a.UpdateTimestamp,
	}
}

func (r *crAssoc) association() *association {
	return &association{
		Subject: r.Subject, ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
		ResourceID: r.ResourceID, ResourceType: r.ResourceType, AssociationType: r.AssociationType,
		Lifecycle: r.Lifecycle, Frozen: r.Frozen, CreateTimestamp: r.CreateTimestamp, UpdateTimestamp: r.UpdateTimestamp,
	}
}

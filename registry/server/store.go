package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// modeName is a registry mode with the registry's spelling.
type modeName string

// The modes.
const (
	modeReadWrite modeName = "READWRITE"
	modeReadOnly  modeName = "READONLY"
	modeImport    modeName = "IMPORT"
)

// event is one change: a line of the log file and the only way the state
// changes, live or on replay.
type event struct {
	Op      string `json:"op"` // register, delete, config, mode
	Subject string `json:"subject,omitempty"`

	// register; delete (Version 0 deletes the whole subject)
	Version    int               `json:"version,omitempty"`
	ID         int               `json:"id,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	Format     serde.Format      `json:"schemaType,omitempty"`
	Schema     string            `json:"schema,omitempty"`
	References []serde.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage   `json:"metadata,omitempty"`
	RuleSet    json.RawMessage   `json:"ruleSet,omitempty"`
	Canonical  string            `json:"canonical,omitempty"`

	// delete
	Permanent bool `json:"permanent,omitempty"`

	// associate (the whole association), dissociate (its key fields)
	Association *crAssoc `json:"association,omitempty"`

	// config, mode; Reset removes the setting
	Compatibility compat.Level `json:"compatibility,omitempty"`
	Normalize     *bool        `json:"normalize,omitempty"`
	// config: the rule sets and metadata registration merges in (compact
	// JSON; absent leaves the setting as it is)
	DefaultMetadata  json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet   json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet  json.RawMessage `json:"overrideRuleSet,omitempty"`
	Mode             modeName        `json:"mode,omitempty"`
	Reset            bool            `json:"reset,omitempty"`
}

const (
	opRegister   = "register"
	opDelete     = "delete"
	opConfig     = "config"
	opMode       = "mode"
	opAssociate  = "associate"
	opDissociate = "dissociate"
)

// schemaRec is one schema with its ID in its context.
type schemaRec struct {
	ctx       string // the schema context: "." is the default one
	id        int
	guid      string
	format    serde.Format
	text      string
	refs      []serde.Reference
	metadata  json.RawMessage
	ruleSet   json.RawMessage
	canonical string
}

func (r *schemaRec) schema() serde.Schema {
	return serde.Schema{Format: r.format, Text: r.text, References: r.refs}
}

// key identifies a schema for global ID sharing: the stored text, the
// format, the references, the metadata and the rule set.
func (r *schemaRec) key() string {
	b, _ := json.Marshal([]any{r.format, r.text, r.refs, r.metadata, r.ruleSet})
	return string(b)
}

type versionRec struct {
	version int
	id      int
	deleted bool
}

type subjectConfig struct {
	level     compat.Level // empty: not set
	normalize *bool
	// Compact JSON, nil when not set: registration merges them with the
	// schema's own (see populate).
	defaultMetadata, overrideMetadata json.RawMessage
	defaultRuleSet, overrideRuleSet   json.RawMessage
}

// set applies the settings ev carries to c.
func (c *subjectConfig) set(ev *event) {
	if ev.Compatibility != "" {
		c.level = ev.Compatibility
	}
	if ev.Normalize != nil {
		c.normalize = ev.Normalize
	}
	if ev.DefaultMetadata != nil {
		c.defaultMetadata = ev.DefaultMetadata
	}
	if ev.OverrideMetadata != nil {
		c.overrideMetadata = ev.OverrideMetadata
	}
	if ev.DefaultRuleSet != nil {
		c.defaultRuleSet = ev.DefaultRuleSet
	}
	if ev.OverrideRuleSet != nil {
		c.overrideRuleSet = ev.OverrideRuleSet
	}
}

type subjectRec struct {
	ctx      string        // the subject's context (contextOf its name)
	versions []*versionRec // ascending by version; hard-deleted ones removed
	config   *subjectConfig
	mode     modeName // empty: not set
}

// live reports whether the subject has a version that is not soft-deleted.
func (s *subjectRec) live() bool {
	for _, v := range s.versions {
		if !v.deleted {
			return true
		}
	}
	return false
}

// find returns the version numbered n.
func (s *subjectRec) find(n int, deleted bool) *versionRec {
	for _, v := range s.versions {
		if v.version == n && (deleted || !v.deleted) {
			return v
		}
	}
	return nil
}

// latest returns the newest version, or nil.
func (s *subjectRec) latest(deleted bool) *versionRec {
	for i := len(s.versions) - 1; i >= 0; i-- {
		if v := s.versions[i]; deleted || !v.deleted {
			return v
		}
	}
	return nil
}

// state is the registry's content. The Server guards it with a RWMutex.
type state struct {
	schemas  map[sid]*schemaRec
	byKey    map[string]sid // context and schemaRec.key
	byGUID   map[string]sid
	subjects map[string]*subjectRec
	maxID    map[string]int // by context

	defaultLevel compat.Level
	global       subjectConfig
	globalMode   modeName

	// assocs are the associations (associations.go). They have a mutex
	// of their own, for the reads that do not take the Server's; changes
	// go through apply like every other.
	assocs *associations

	closed bool // after Server.Close: writes fail
}

func newState(level compat.Level) *state {
	return &state{
		schemas:      map[sid]*schemaRec{},
		byKey:        map[string]sid{},
		byGUID:       map[string]sid{},
		maxID:        map[string]int{},
		subjects:     map[string]*subjectRec{},
		defaultLevel: level,
		global:       subjectConfig{level: level},
		globalMode:   modeReadWrite,
		assocs:       &associations{},
	}
}

// apply makes one change. It fails only for an event that contradicts the
// state, which the live path never builds: on replay it means a corrupt log.
func (st *state) apply(ev *event) error {
	switch ev.Op {
	case opRegister:
		return st.applyRegister(ev)
	case opDelete:
		return st.applyDelete(ev)
	case opConfig:
		if ev.Subject == "" {
			if ev.Reset {
				st.global = subjectConfig{level: st.defaultLevel}
				return nil
			}
			st.global.set(ev)
			return nil
		}
		if ev.Reset {
			if s := st.subjects[ev.Subject]; s != nil {
				s.config = nil
			}
			return nil
		}
		s := st.subject(ev.Subject)
		if s.config == nil {
			s.config = &subjectConfig{}
		}
		s.config.set(ev)
		return nil
	case opAssociate, opDissociate:
		if ev.Association == nil {
			return fmt.Errorf("%s event without an association", ev.Op)
		}
		st.assocs.apply(ev.Op == opAssociate, ev.Association)
		return nil
	case opMode:
		if ev.Subject == "" {
			if ev.Reset {
				st.globalMode = modeReadWrite
			} else {
				st.globalMode = ev.Mode
			}
			return nil
		}
		if ev.Reset {
			if s := st.subjects[ev.Subject]; s != nil {
				s.mode = ""
			}
			return nil
		}
		st.subject(ev.Subject).mode = ev.Mode
		return nil
	}
	return fmt.Errorf("unknown op %q", ev.Op)
}

func (st *state) subject(name string) *subjectRec {
	s := st.subjects[name]
	if s == nil {
		s = &subjectRec{ctx: contextOf(name)}
		st.subjects[name] = s
	}
	return s
}

func (st *state) applyRegister(ev *event) error {
	if ev.ID <= 0 || ev.Version <= 0 || ev.Subject == "" {
		return fmt.Errorf("register event without subject, id or version")
	}
	ctx := contextOf(ev.Subject)
	key := sid{ctx, ev.ID}
	rec := st.schemas[key]
	if rec == nil {
		rec = &schemaRec{
			ctx:       ctx,
			id:        ev.ID,
			guid:      ev.GUID,
			format:    ev.Format,
			text:      ev.Schema,
			refs:      ev.References,
			metadata:  ev.Metadata,
			ruleSet:   ev.RuleSet,
			canonical: ev.Canonical,
		}
		st.schemas[key] = rec
		st.byKey[ctxKey(ctx, rec)] = key
		if rec.guid != "" {
			st.byGUID[rec.guid] = key
		}
		st.maxID[ctx] = max(st.maxID[ctx], ev.ID)
	}
	s := st.subject(ev.Subject)
	if s.find(ev.Version, true) != nil {
		return fmt.Errorf("subject %q already has version %d", ev.Subject, ev.Version)
	}
	// Versions arrive in order except in IMPORT mode: insert in place.
	i := sort.Search(len(s.versions), func(i int) bool { return s.versions[i].version > ev.Version })
	s.versions = slices.Insert(s.versions, i, &versionRec{version: ev.Version, id: ev.ID})
	return nil
}

func (st *state) applyDelete(ev *event) error {
	s := st.subjects[ev.Subject]
	if s == nil {
		return fmt.Errorf("delete of unknown subject %q", ev.Subject)
	}
	if ev.Version == 0 {
		if ev.Permanent {
			// Remove the subject first: two of its versions may share an
			// ID, and each would otherwise keep the other's alive.
			versions := s.versions
			delete(st.subjects, ev.Subject)
			for _, v := range versions {
				st.dropIfUnused(contextOf(ev.Subject), v.id, "", 0)
			}
			return nil
		}
		for _, v := range s.versions {
			v.deleted = true
		}
		return nil
	}
	v := s.find(ev.Version, true)
	if v == nil {
		return fmt.Errorf("delete of unknown version %d of subject %q", ev.Version, ev.Subject)
	}
	if !ev.Permanent {
		v.deleted = true
		return nil
	}
	s.versions = slices.DeleteFunc(s.versions, func(x *versionRec) bool { return x == v })
	st.dropIfUnused(contextOf(ev.Subject), v.id, ev.Subject, v.version)
	if len(s.versions) == 0 && s.config == nil && s.mode == "" {
		delete(st.subjects, ev.Subject)
	}
	return nil
}

// dropIfUnused forgets schema id of context ctx when no version other
// than subject's version uses it.
func (st *state) dropIfUnused(ctx string, id int, subject string, version int) {
	for name, s := range st.subjects {
		if contextOf(name) != ctx {
			continue
		}
		for _, v := range s.versions {
			if v.id == id && (name != subject || v.version != version) {
				return
			}
		}
	}
	if rec := st.schemas[sid{ctx, id}]; rec != nil {
		delete(st.byKey, ctxKey(ctx, rec))
		delete(st.byGUID, rec.guid)
		delete(st.schemas, sid{ctx, id})
	}
}

// sid identifies a schema: its context and its ID there. Each context has
// an ID sequence of its own, as in Confluent's registry.
type sid struct {
	ctx string
	id  int
}

// defaultContext is the context of unqualified subjects.
const defaultContext = "."

// contextOf returns the context of a subject: ".ctx" for a qualified
// subject ":.ctx:name", the default context "." for any other.
func contextOf(subject string) string {
	if len(subject) < 3 || subject[0] != ':' || subject[1] != '.' {
		return defaultContext
	}
	i := strings.IndexByte(subject[1:], ':')
	if i < 0 {
		return defaultContext
	}
	if ctx := subject[1 : 1+i]; ctx != "" && ctx != "." {
		return ctx
	}
	return defaultContext
}

// ctxKey is the byKey key of rec in context ctx: the same schema in two
// contexts has two IDs.
func ctxKey(ctx string, rec *schemaRec) string { return ctx + "\x00" + rec.key() }

// hasContext reports whether a subject of context ctx exists.
func (st *state) hasContext(ctx string) bool {
	for name := range st.subjects {
		if contextOf(name) == ctx {
			return true
		}
	}
	return false
}

// rec returns the schema that subject's version id refers to.
func (st *state) rec(subject string, id int) *schemaRec {
	return st.schemas[sid{contextOf(subject), id}]
}

// scopes returns the records whose config and mode apply to subject,
// nearest first: the subject's own, then its context's (the config and
// mode of ":.ctx:", as Confluent keeps them for a context); the global
// ones come after them.
func (st *state) scopes(subject string) []*subjectRec {
	out := make([]*subjectRec, 0, 2)
	if s := st.subjects[subject]; s != nil {
		out = append(out, s)
	}
	if ctx := contextOf(subject); ctx != defaultContext {
		if name := ":" + ctx + ":"; name != subject {
			if s := st.subjects[name]; s != nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// level returns the compatibility level in force for subject.
func (st *state) level(subject string) compat.Level {
	for _, s := range st.scopes(subject) {
		if s.config != nil && s.config.level != "" {
			return s.config.level
		}
	}
	return st.global.level
}

// normalize reports whether registration in subject normalizes by default.
func (st *state) normalize(subject string) bool {
	for _, s := range st.scopes(subject) {
		if s.config != nil && s.config.normalize != nil {
			return *s.config.normalize
		}
	}
	return st.global.normalize != nil && *st.global.normalize
}

// rulesConfig returns the default and override metadata and rule sets in
// force for subject: each the subject's own, else its context's, else the
// global one.
func (st *state) rulesConfig(subject string) (defMD, ovrMD, defRS, ovrRS json.RawMessage) {
	g := st.global
	defMD, ovrMD, defRS, ovrRS = g.defaultMetadata, g.overrideMetadata, g.defaultRuleSet, g.overrideRuleSet
	sc := st.scopes(subject)
	for i := len(sc) - 1; i >= 0; i-- {
		if c := sc[i].config; c != nil {
			defMD = orRaw(c.defaultMetadata, defMD)
			ovrMD = orRaw(c.overrideMetadata, ovrMD)
			defRS = orRaw(c.defaultRuleSet, defRS)
			ovrRS = orRaw(c.overrideRuleSet, ovrRS)
		}
	}
	return
}

// mode returns the mode in force for subject.
func (st *state) mode(subject string) modeName {
	for _, s := range st.scopes(subject) {
		if s.mode != "" {
			return s.mode
		}
	}
	return st.globalMode
}

// referrers returns the IDs of schemas that reference subject at version,
// sorted: live ones only, or soft-deleted ones too with deleted (a schema
// soft-deleted from its subject is still served by ID, so what it
// references must stay resolvable until it is deleted permanently).
func (st *state) referrers(subject string, version int, deleted bool) []int {
	seen := map[int]bool{}
	out := []int{}
	for name, s := range st.subjects {
		for _, v := range s.versions {
			if (v.deleted && !deleted) || seen[v.id] {
				continue
			}
			rec := st.rec(name, v.id)
			for _, r := range rec.refs {
				if qualifyRef(contextOf(name), r.Subject) == subject && r.Version == version {
					seen[v.id] = true
					out = append(out, v.id)
					break
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

// usages returns the subject versions that use id.
func (st *state) usages(ctx string, id int, deleted bool) []subjectVersion {
	var out []subjectVersion
	for name, s := range st.subjects {
		if contextOf(name) != ctx {
			continue
		}
		for _, v := range s.versions {
			if v.id == id && (deleted || !v.deleted) {
				out = append(out, subjectVersion{Subject: name, Version: v.version})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Subject != out[j].Subject {
			return out[i].Subject < out[j].Subject
		}
		return out[i].Version < out[j].Version
	})
	return out
}

type subjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// storage keeps the events durably. The Server replays a store when it
// opens it and then sends every change through append, holding mu for
// writing, before it applies the change: a change is acknowledged only
// once append returned nil. Two stores exist: the file log (eventLog)
// and the Kafka topic (kafkaStore).
type storage interface {
	// append makes ev durable. st is the state before ev, for stores
	// whose records carry more than the event (Kafka's full values).
	append(ev *event, st *state) error
	close() error
}

// fileStore is the file log as a storage.
type fileStore struct{ l *eventLog }

func (f fileStore) append(ev *event, _ *state) error { return f.l.append(ev) }
func (f fileStore) close() error                     { return f.l.close() }

// orRaw returns a, or b when a is not set.
func orRaw(a, b json.RawMessage) json.RawMessage {
	if a != nil {
		return a
	}
	return b
}

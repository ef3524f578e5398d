package server

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// The record format of Confluent's registry on its _schemas topic: the key
// and the value are JSON. A key names what the record is about (keytype),
// compaction keeps the newest record of each key, and a record without a
// value (a tombstone) removes what its key names. Written here from
// Confluent's documented JSON properties, not from its code.

// Confluent's key types.
const (
	keySchema        = "SCHEMA"
	keyConfig        = "CONFIG"
	keyMode          = "MODE"
	keyNoop          = "NOOP"
	keyDeleteSubject = "DELETE_SUBJECT"
	keyClearSubject  = "CLEAR_SUBJECT"
	keyAssoc         = "ASSOC"
	keyContext       = "CONTEXT"
)

// crContext is a CONTEXT key (keytype, tenant, context, magic 0, in
// Confluent's ContextKey order) and, without keytype and magic, its value.
// This registry derives its contexts from its subjects and skips them on
// replay.
type crContext struct {
	KeyType string `json:"keytype,omitempty"`
	Tenant  string `json:"tenant"`
	Context string `json:"context"`
	Magic   *int   `json:"magic,omitempty"`
}

// crKey is a key. Field order is Confluent's property order, so that the
// same key is the same bytes and compaction treats both registries' keys
// as one: SCHEMA keys are keytype, subject, version, magic 1; the others
// keytype, subject, magic 0. The global config and mode have no subject.
type crKey struct {
	KeyType string `json:"keytype"`
	Subject string `json:"subject,omitempty"`
	Version int    `json:"version,omitempty"`
	Magic   int    `json:"magic"`
}

// crAssocKey is an ASSOC key, Confluent 8.x's AssociationKey, in its
// property order: keytype, tenant, resourceName, resourceNamespace,
// resourceType, associationType, subject, magic 0. Its value is a crAssoc;
// a tombstone deletes the association.
type crAssocKey struct {
	KeyType           string `json:"keytype"`
	Tenant            string `json:"tenant,omitempty"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Subject           string `json:"subject"`
	Magic             int    `json:"magic"`
}

func assocKey(a *crAssoc) []byte {
	return mustJSON(crAssocKey{
		KeyType: keyAssoc, Tenant: tenantDefault, ResourceName: a.ResourceName, ResourceNamespace: a.ResourceNamespace,
		ResourceType: a.ResourceType, AssociationType: a.AssociationType, Subject: a.Subject,
	})
}

// crSchema is the value of a SCHEMA key. GUID is an addition Confluent's
// reader ignores (it ignores unknown properties).
type crSchema struct {
	Subject    string            `json:"subject"`
	Version    int               `json:"version"`
	ID         int               `json:"id"`
	SchemaType string            `json:"schemaType,omitempty"`
	References []serde.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage   `json:"metadata,omitempty"`
	RuleSet    json.RawMessage   `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
	Deleted    bool              `json:"deleted"`
	GUID       string            `json:"guid,omitempty"`
}

// crConfig is the value of a CONFIG key, with the property names of
// Confluent's ConfigValue.
type crConfig struct {
	CompatibilityLevel compat.Level    `json:"compatibilityLevel,omitempty"`
	Normalize          *bool           `json:"normalize,omitempty"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// crMode is the value of a MODE key.
type crMode struct {
	Mode modeName `json:"mode"`
}

// crSubject is the value of DELETE_SUBJECT (all versions up to Version
// are soft-deleted) and of CLEAR_SUBJECT.
type crSubject struct {
	Subject string `json:"subject"`
	Version int    `json:"version,omitempty"`
}

// crRecord is one key and value; a nil value is a tombstone.
type crRecord struct {
	key, value []byte
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps, slices, strings and numbers go in: unreachable.
		panic(fmt.Sprintf("server: encode record: %v", err))
	}
	return b
}

func schemaKey(subject string, version int) []byte {
	return mustJSON(crKey{KeyType: keySchema, Subject: subject, Version: version, Magic: 1})
}

func schemaValue(subject string, version int, rec *schemaRec, deleted bool) []byte {
	return mustJSON(crSchema{
		Subject: subject, Version: version, ID: rec.id,
		SchemaType: string(orAvro(rec.format)), References: rec.refs,
		Metadata: rec.metadata, RuleSet: rec.ruleSet,
		Schema: rec.text, Deleted: deleted, GUID: rec.guid,
	})
}

// encodeEvent returns the records that make ev durable, given the state
// before ev (which the live path has validated ev against).
func encodeEvent(ev *event, st *state) ([]crRecord, error) {
	switch ev.Op {
	case opRegister:
		rec := &schemaRec{id: ev.ID, guid: ev.GUID, format: ev.Format, text: ev.Schema, refs: ev.References, metadata: ev.Metadata, ruleSet: ev.RuleSet}
		if old := st.rec(ev.Subject, ev.ID); old != nil {
			rec.guid = old.guid
		}
		out := []crRecord{{schemaKey(ev.Subject, ev.Version), schemaValue(ev.Subject, ev.Version, rec, false)}}
		if ctx := contextOf(ev.Subject); ctx != defaultContext && !st.hasContext(ctx) {
			// The first subject of a context: Confluent writes the
			// context's record first (its /contexts lists them).
			c := crContext{KeyType: keyContext, Tenant: tenantDefault, Context: ctx, Magic: new(int)}
			out = append([]crRecord{{mustJSON(c), mustJSON(crContext{Tenant: tenantDefault, Context: ctx})}}, out...)
		}
		return out, nil
	case opDelete:
		sub := st.subjects[ev.Subject]
		if sub == nil {
			return nil, fmt.Errorf("delete of unknown subject %q", ev.Subject)
		}
		if ev.Version != 0 {
			if ev.Permanent {
				return []crRecord{{key: schemaKey(ev.Subject, ev.Version)}}, nil
			}
			v := sub.find(ev.Version, true)
			if v == nil {
				return nil, fmt.Errorf("delete of unknown version %d of subject %q", ev.Version, ev.Subject)
			}
			return []crRecord{{schemaKey(ev.Subject, v.version), schemaValue(ev.Subject, v.version, st.rec(ev.Subject, v.id), true)}}, nil
		}
		if !ev.Permanent {
			l := sub.latest(true)
			if l == nil {
				return nil, fmt.Errorf("delete of subject %q without versions", ev.Subject)
			}
			return []crRecord{{
				mustJSON(crKey{KeyType: keyDeleteSubject, Subject: ev.Subject}),
				mustJSON(crSubject{Subject: ev.Subject, Version: l.version}),
			}}, nil
		}
		// Descending, as Confluent does, for references within the subject;
		// then the subject's config and mode, which go with it.
		var out []crRecord
		for _, v := range slices.Backward(sub.versions) {
			out = append(out, crRecord{key: schemaKey(ev.Subject, v.version)})
		}
		if sub.config != nil {
			out = append(out, crRecord{key: mustJSON(crKey{KeyType: keyConfig, Subject: ev.Subject})})
		}
		if sub.mode != "" {
			out = append(out, crRecord{key: mustJSON(crKey{KeyType: keyMode, Subject: ev.Subject})})
		}
		return out, nil
	case opConfig:
		key := mustJSON(crKey{KeyType: keyConfig, Subject: ev.Subject})
		if ev.Reset {
			return []crRecord{{key: key}}, nil
		}
		// A config record holds the whole config: merge the change in.
		var cur subjectConfig
		if ev.Subject == "" {
			cur = st.global
		} else if s := st.subjects[ev.Subject]; s != nil && s.config != nil {
			cur = *s.config
		}
		cur.set(ev)
		return []crRecord{{key, mustJSON(crConfig{
			CompatibilityLevel: cur.level, Normalize: cur.normalize,
			DefaultMetadata: cur.defaultMetadata, OverrideMetadata: cur.overrideMetadata,
			DefaultRuleSet: cur.defaultRuleSet, OverrideRuleSet: cur.overrideRuleSet,
		})}}, nil
	case opAssociate:
		return []crRecord{{assocKey(ev.Association), mustJSON(ev.Association)}}, nil
	case opDissociate:
		return []crRecord{{key: assocKey(ev.Association)}}, nil
	case opMode:
		key := mustJSON(crKey{KeyType: keyMode, Subject: ev.Subject})
		if ev.Reset {
			return []crRecord{{key: key}}, nil
		}
		return []crRecord{{key, mustJSON(crMode{Mode: ev.Mode})}}, nil
	}
	return nil, fmt.Errorf("unknown op %q", ev.Op)
}

// decodeRecord returns the events that one record of the topic makes,
// given the state it applies to. It reads records as Confluent's registry
// writes them. Records the registry has no use for (NOOP, CLEAR_SUBJECT
// after its tombstones, key types of features it lacks) make no events;
// a record it cannot parse is an error.
func decodeRecord(key, value []byte, st *state) ([]*event, error) {
	var k crKey
	if err := json.Unmarshal(key, &k); err != nil {
		return nil, fmt.Errorf("%w: key: %w", ErrBadRecord, err)
	}
	switch k.KeyType {
	case keySchema:
		return decodeSchema(k, value, st)
	case keyConfig:
		if value == nil {
			return []*event{{Op: opConfig, Subject: k.Subject, Reset: true}}, nil
		}
		var v crConfig
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, fmt.Errorf("%w: config value: %w", ErrBadRecord, err)
		}
		if v.CompatibilityLevel != "" {
			l, err := compat.ParseLevel(string(v.CompatibilityLevel))
			if err != nil {
				return nil, fmt.Errorf("%w: config value: %w", ErrBadRecord, err)
			}
			v.CompatibilityLevel = l
		}
		// The record is the whole config: reset, then set.
		return []*event{
			{Op: opConfig, Subject: k.Subject, Reset: true},
			{
				Op: opConfig, Subject: k.Subject, Compatibility: v.CompatibilityLevel, Normalize: v.Normalize,
				DefaultMetadata: compactOrNil(v.DefaultMetadata), OverrideMetadata: compactOrNil(v.OverrideMetadata),
				DefaultRuleSet: compactOrNil(v.DefaultRuleSet), OverrideRuleSet: compactOrNil(v.OverrideRuleSet),
			},
		}, nil
	case keyMode:
		if value == nil {
			return []*event{{Op: opMode, Subject: k.Subject, Reset: true}}, nil
		}
		var v crMode
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, fmt.Errorf("%w: mode value: %w", ErrBadRecord, err)
		}
		switch v.Mode {
		case modeReadWrite, modeReadOnly, modeImport:
		default:
			return nil, fmt.Errorf("%w: mode value: unknown mode %q", ErrBadRecord, v.Mode)
		}
		return []*event{{Op: opMode, Subject: k.Subject, Mode: v.Mode}}, nil
	case keyDeleteSubject:
		if value == nil {
			return nil, nil
		}
		var v crSubject
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, fmt.Errorf("%w: delete-subject value: %w", ErrBadRecord, err)
		}
		sub := st.subjects[k.Subject]
		if sub == nil {
			return nil, nil
		}
		var out []*event
		for _, ver := range sub.versions {
			if ver.version <= v.Version && !ver.deleted {
				out = append(out, &event{Op: opDelete, Subject: k.Subject, Version: ver.version})
			}
		}
		return out, nil
	case keyAssoc:
		return decodeAssoc(key, value)
	}
	// NOOP, CLEAR_SUBJECT (its tombstones came first), CONTEXT (contexts
	// are those of the subjects) and the key types of features this
	// registry does not have.
	return nil, nil
}

func decodeSchema(k crKey, value []byte, st *state) ([]*event, error) {
	if k.Subject == "" || k.Version <= 0 {
		return nil, fmt.Errorf("%w: schema key without subject or version", ErrBadRecord)
	}
	sub := st.subjects[k.Subject]
	var have *versionRec
	if sub != nil {
		have = sub.find(k.Version, true)
	}
	if value == nil {
		if have == nil {
			return nil, nil // compaction kept the tombstone only
		}
		return []*event{{Op: opDelete, Subject: k.Subject, Version: k.Version, Permanent: true}}, nil
	}
	var v crSchema
	if err := json.Unmarshal(value, &v); err != nil {
		return nil, fmt.Errorf("%w: schema value: %w", ErrBadRecord, err)
	}
	if v.ID <= 0 || v.Schema == "" {
		return nil, fmt.Errorf("%w: schema value of %q version %d without id or schema", ErrBadRecord, k.Subject, k.Version)
	}
	var out []*event
	if have == nil {
		f, err := serde.ParseFormat(v.SchemaType)
		if err != nil {
			return nil, fmt.Errorf("%w: schema value: %w", ErrBadRecord, err)
		}
		ev := &event{
			Op: opRegister, Subject: k.Subject, Version: k.Version, ID: v.ID, GUID: v.GUID,
			Format: f, Schema: v.Schema, References: v.References,
			Metadata: compactOrNil(v.Metadata), RuleSet: compactOrNil(v.RuleSet),
		}
		if old := st.rec(k.Subject, v.ID); old != nil && old.key() != (&schemaRec{format: f, text: v.Schema, refs: v.References, metadata: ev.Metadata, ruleSet: ev.RuleSet}).key() {
			return nil, fmt.Errorf("%w: id %d of %q version %d is already another schema", ErrBadRecord, v.ID, k.Subject, k.Version)
		}
		if ev.GUID == "" {
			if old := st.rec(k.Subject, v.ID); old != nil {
				ev.GUID = old.guid
			} else {
				ev.GUID = replayGUID(v.ID, f, v.Schema, v.References)
			}
		}
		out = append(out, ev)
	} else if have.id != v.ID {
		return nil, fmt.Errorf("%w: %q version %d is id %d, record says %d", ErrBadRecord, k.Subject, k.Version, have.id, v.ID)
	}
	if v.Deleted && (have == nil || !have.deleted) {
		out = append(out, &event{Op: opDelete, Subject: k.Subject, Version: k.Version})
	}
	return out, nil
}

// compactOrNil drops the JSON null and compacts the rest, so that a
// metadata object written with other spacing is the same schema.
func compactOrNil(raw json.RawMessage) json.RawMessage {
	out, err := compactRaw(raw)
	if err != nil {
		return raw
	}
	return out
}

// orAvro spells the empty format as Avro, as Confluent's values do.
func orAvro(f serde.Format) serde.Format {
	if f == "" {
		return serde.Avro
	}
	return f
}

// guidSpace is the name space of replayGUID's UUIDs (itself a random
// UUID, fixed here).
var guidSpace = [16]byte{0x5c, 0x1e, 0x7a, 0x43, 0x0b, 0x6d, 0x4e, 0x21, 0x9f, 0x38, 0x62, 0xd4, 0xa1, 0x07, 0xc5, 0x9e}

// replayGUID names a replayed schema whose record carries no GUID (records
// of registries without GUIDs): a name-based (version 5) UUID of its ID,
// format, text and references. Every instance replaying the topic, and
// the same instance after a restart, derives the same one, so that records
// framed with it resolve everywhere. (The exact text, not the canonical
// text: the record holds it, and it does not change when the canonical
// form does between releases.)
func replayGUID(id int, f serde.Format, text string, refs []serde.Reference) string {
	name, _ := json.Marshal([]any{id, orAvro(f), text, refs})
	h := sha1.New()
	h.Write(guidSpace[:])
	h.Write(name)
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// decodeAssoc reads an ASSOC record: an association, or a tombstone that
// deletes the one its key names. Associations of other tenants are not
// this registry's.
func decodeAssoc(key, value []byte) ([]*event, error) {
	var k crAssocKey
	if err := json.Unmarshal(key, &k); err != nil {
		return nil, fmt.Errorf("%w: association key: %w", ErrBadRecord, err)
	}
	if k.Tenant != "" && k.Tenant != tenantDefault {
		return nil, nil
	}
	if k.ResourceName == "" || k.ResourceType == "" || k.AssociationType == "" || k.Subject == "" {
		return nil, fmt.Errorf("%w: association key without resource, type or subject", ErrBadRecord)
	}
	if value == nil {
		return []*event{{Op: opDissociate, Subject: k.Subject, Association: &crAssoc{
			ResourceName: k.ResourceName, ResourceNamespace: k.ResourceNamespace, ResourceType: k.ResourceType,
			AssociationType: k.AssociationType, Subject: k.Subject,
		}}}, nil
	}
	var v crAssoc
	if err := json.Unmarshal(value, &v); err != nil {
		return nil, fmt.Errorf("%w: association value: %w", ErrBadRecord, err)
	}
	if v.ResourceName != k.ResourceName || v.ResourceNamespace != k.ResourceNamespace || v.ResourceType != k.ResourceType ||
		v.AssociationType != k.AssociationType || v.Subject != k.Subject {
		return nil, fmt.Errorf("%w: association value of resource %q does not match its key", ErrBadRecord, v.ResourceName)
	}
	switch v.Lifecycle {
	case lifecycleStrong, lifecycleWeak:
	default:
		return nil, fmt.Errorf("%w: association of resource %q: lifecycle %q", ErrBadRecord, v.ResourceName, v.Lifecycle)
	}
	return []*event{{Op: opAssociate, Subject: v.Subject, Association: &v}}, nil
}

package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/schemagen/schemagen/serde"
)

// snapshotVersion is the version of the snapshot file format.
const snapshotVersion = 1

// snapshotFile is what WriteSnapshot writes and Snapshot reads.
type snapshotFile struct {
	Version int              `json:"version"`
	Schemas []snapshotSchema `json:"schemas"`
}

type snapshotSchema struct {
	Subject    string            `json:"subject"`
	Version    int               `json:"version"`
	ID         int               `json:"id"`
	GUID       string            `json:"guid,omitempty"`
	Latest     bool              `json:"latest,omitempty"`
	Format     serde.Format      `json:"format"`
	Schema     string            `json:"schema"`
	References []serde.Reference `json:"references,omitempty"`
	// RuleSet and Metadata are the schema's data contract, in Confluent's
	// JSON shapes, so a client started from the snapshot enforces it.
	RuleSet  *serde.RuleSet  `json:"ruleSet,omitempty"`
	Metadata *serde.Metadata `json:"metadata,omitempty"`
}

// WriteSnapshot writes the latest version of each subject, and every
// schema they reference at the versions referenced, as JSON to w, for
// Snapshot to load into a client that must start while the registry is
// down.
func (c *Client) WriteSnapshot(ctx context.Context, w io.Writer, subjects ...string) error {
	out := snapshotFile{Version: snapshotVersion}
	seen := map[subjectVersion]bool{}
	var add func(ss SubjectSchema, latest bool) error
	add = func(ss SubjectSchema, latest bool) error {
		k := subjectVersion{ss.Subject, ss.Version}
		if seen[k] {
			if latest {
				for i := range out.Schemas {
					if out.Schemas[i].Subject == ss.Subject && out.Schemas[i].Version == ss.Version {
						out.Schemas[i].Latest = true
					}
				}
			}
			return nil
		}
		seen[k] = true
		out.Schemas = append(out.Schemas, snapshotSchema{Subject: ss.Subject, Version: ss.Version, ID: ss.ID, GUID: ss.GUID,
			Latest: latest, Format: ss.Schema.Format, Schema: ss.Schema.Text, References: ss.Schema.References,
			RuleSet: ss.Schema.RuleSet, Metadata: ss.Schema.Metadata})
		for _, r := range ss.Schema.References {
			rs, err := c.SchemaByVersion(ctx, r.Subject, r.Version)
			if err != nil {
				return fmt.Errorf("registry: snapshot: reference %q of subject %q: %w", r.Name, ss.Subject, err)
			}
			if err := add(rs, false); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range subjects {
		ss, err := c.Latest(ctx, s)
		if err != nil {
			return fmt.Errorf("registry: snapshot: %w", err)
		}
		if err := add(ss, true); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Snapshot loads a file WriteSnapshot wrote (`schemagen fetch --snapshot`)
// into the client's cache when New runs: schemas by ID and by subject and
// version are then served without a request, and while the registry is
// unavailable (the error wraps ErrUnavailable: down, circuit open) the
// latest versions, lookups and registrations of the snapshot's schemas are
// answered from it. So a producer can start and produce while the registry
// is down. A file that cannot be read or is not a snapshot fails New with
// ErrConfig.
func Snapshot(path string) Opt {
	return opt(func(c *config) {
		b, err := os.ReadFile(path)
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("snapshot: %w", err))
			return
		}
		var f snapshotFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			c.errs = append(c.errs, fmt.Errorf("snapshot %s: %w", path, err))
			return
		}
		if f.Version != snapshotVersion {
			c.errs = append(c.errs, fmt.Errorf("snapshot %s: version %d, want %d", path, f.Version, snapshotVersion))
			return
		}
		for i, s := range f.Schemas {
			fm, err := serde.ParseFormat(string(s.Format))
			if err != nil || s.Subject == "" || s.Version < 1 || s.ID < 1 || s.Schema == "" {
				c.errs = append(c.errs, fmt.Errorf("snapshot %s: schema #%d is incomplete or has an unknown format", path, i+1))
				return
			}
			f.Schemas[i].Format = fm
		}
		c.snapshot = append(c.snapshot, f.Schemas...)
	})
}

// loadSnapshot fills the cache from the snapshot's schemas.
func (c *Client) loadSnapshot(ss []snapshotSchema) {
	for _, s := range ss {
		e := SubjectSchema{Subject: s.Subject, Version: s.Version, ID: s.ID, GUID: s.GUID,
			Schema: serde.Schema{Format: s.Format, Text: s.Schema, References: s.References, RuleSet: s.RuleSet, Metadata: s.Metadata}}
		c.cache.store(e)
		c.cache.mu.Lock()
		c.cache.snap[s.Subject] = append(c.cache.snap[s.Subject], e)
		if s.Latest {
			c.cache.snapLatest[s.Subject] = e
		}
		c.cache.mu.Unlock()
	}
}

// fromSnapshot answers for subject from the snapshot when err says the
// registry is unavailable: the latest version (key == ""), or the version
// whose schemaKey is key.
func (c *Client) fromSnapshot(ctx context.Context, subject, key string, err error) (SubjectSchema, bool) {
	if !errors.Is(err, ErrUnavailable) {
		return SubjectSchema{}, false
	}
	c.cache.mu.RLock()
	latest, ok := c.cache.snapLatest[subject]
	all := c.cache.snap[subject]
	c.cache.mu.RUnlock()
	if key == "" {
		if ok {
			c.log.Warn("registry: unavailable, using the snapshot's latest version", "subject", subject, "version", latest.Version, "id", latest.ID)
		}
		return latest, ok
	}
	for _, ss := range all {
		if c.schemaKey(ctx, ContextOf(subject), ss.Schema) == key {
			c.log.Warn("registry: unavailable, using the snapshot's schema", "subject", subject, "version", ss.Version, "id", ss.ID)
			return ss, true
		}
	}
	return SubjectSchema{}, false
}

// snapshotUsages lists the snapshot's subject versions with the ID.
func (c *Client) snapshotUsages(id int) []SubjectVersion {
	c.cache.mu.RLock()
	defer c.cache.mu.RUnlock()
	var out []SubjectVersion
	for _, all := range c.cache.snap {
		for _, ss := range all {
			if ss.ID == id {
				out = append(out, SubjectVersion{ss.Subject, ss.Version})
			}
		}
	}
	return out
}

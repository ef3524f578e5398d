package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// progressOver is the number of subjects above which register reports
// progress on stderr.
const progressOver = 10

// planItem is one subject of a register plan or result.
type planItem struct {
	Subject string `json:"subject"`
	File    string `json:"file"`
	// Action is new, unchanged or new_version (plan), registered or
	// unchanged (result).
	Action string `json:"action"`
	// Version and ID are the registered ones (unchanged, registered) or
	// the latest registered (new_version); 0 when unknown.
	Version int `json:"version,omitempty"`
	ID      int `json:"id,omitempty"`
	// NextVersion is the version a new_version would get.
	NextVersion int `json:"next_version,omitempty"`
	// Fingerprints of the normalized local and latest registered schema.
	LocalFingerprint      string `json:"local_fingerprint,omitempty"`
	RegisteredFingerprint string `json:"registered_fingerprint,omitempty"`
	// Reason says why a schema whose text is unchanged gets a new version.
	Reason string `json:"reason,omitempty"`
}

func runRegister(e *env, args []string) error {
	fs := newFlags(e, "register", "")
	var c conn
	c.bind(fs, true)
	dry := fs.Bool("dry-run", false, "print what would be registered and change nothing")
	output := fs.String("output", "text", "text or json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := checkOutput(*output); err != nil {
		return err
	}
	cfg, err := e.loadConfig(&c, false)
	if err != nil {
		return err
	}
	p, err := loadProject(e.ctx, cfg, diskReader(cfg.Dir))
	if err != nil {
		return err
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	files, err := p.order()
	if err != nil {
		return err
	}
	var opts []registry.RegisterOpt
	if cfg.Defaults.Normalize == nil || *cfg.Defaults.Normalize {
		opts = append(opts, registry.Normalize())
	}
	progress := func(i int, subject string) {
		if len(files) > progressOver {
			fmt.Fprintf(e.stderr, "[%d/%d] %s\n", i+1, len(files), subject)
		}
	}
	var items []planItem
	if *dry {
		items, err = plan(e, p, cl, files, progress)
	} else {
		items, err = register(e, p, cl, files, opts, progress)
	}
	if err != nil {
		return err
	}
	return printPlan(e.stdout, *output, *dry, items)
}

// register registers files in order, every one after its references.
func register(e *env, p *project, cl *registry.Client, files []*file, opts []registry.RegisterOpt, progress func(int, string)) ([]planItem, error) {
	done := map[string]registry.SubjectSchema{}
	var items []planItem
	for i, f := range files {
		subject, err := p.subjectFor(f)
		if err != nil {
			return nil, err
		}
		progress(i, subject)
		s := withRefs(f.Schema, done)
		before, _ := cl.LookupSchema(e.ctx, subject, s)
		ss, err := cl.Register(e.ctx, subject, s, opts...)
		if err != nil {
			return items, fmt.Errorf("%s (%s): %w", subject, f.Path, err)
		}
		done[f.Name] = ss
		action := "registered"
		if before.ID != 0 {
			action = "unchanged"
		}
		items = append(items, planItem{Subject: subject, File: f.Path, Action: action, Version: ss.Version, ID: ss.ID})
	}
	return items, nil
}

// withRefs fills in the subjects and versions of s's references.
func withRefs(s serde.Schema, done map[string]registry.SubjectSchema) serde.Schema {
	refs := make([]serde.Reference, len(s.References))
	for i, r := range s.References {
		if ss, ok := done[r.Name]; ok {
			r.Subject, r.Version = ss.Subject, ss.Version
		}
		refs[i] = r
	}
	s.References = refs
	return s
}

// plan says what register would do, changing nothing.
func plan(e *env, p *project, cl *registry.Client, files []*file, progress func(int, string)) ([]planItem, error) {
	done := map[string]registry.SubjectSchema{} // unchanged files
	changed := map[string]bool{}                // files that register would change
	var items []planItem
	for i, f := range files {
		subject, err := p.subjectFor(f)
		if err != nil {
			return nil, err
		}
		progress(i, subject)
		it := planItem{Subject: subject, File: f.Path}
		c, err := p.compile(e.ctx, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		it.LocalFingerprint = serde.Fingerprint(c)
		depChanged := ""
		for _, r := range f.Schema.References {
			if changed[r.Name] {
				depChanged = r.Name
			}
		}
		if depChanged == "" {
			ss, err := cl.LookupSchema(e.ctx, subject, withRefs(f.Schema, done))
			if err == nil {
				it.Action, it.Version, it.ID = "unchanged", ss.Version, ss.ID
				it.RegisteredFingerprint = it.LocalFingerprint
				done[f.Name] = ss
				items = append(items, it)
				continue
			}
			if !errors.Is(err, registry.ErrSchemaNotFound) && !errors.Is(err, registry.ErrSubjectNotFound) {
				return nil, fmt.Errorf("%s: %w", subject, err)
			}
		}
		changed[f.Name] = true
		latest, err := cl.Latest(e.ctx, subject)
		switch {
		case errors.Is(err, registry.ErrSubjectNotFound): // 40401 only: see checkRegistry
			it.Action, it.NextVersion = "new", 1
		case err != nil:
			return nil, fmt.Errorf("%s: %w", subject, err)
		default:
			it.Action, it.Version, it.ID, it.NextVersion = "new_version", latest.Version, latest.ID, latest.Version+1
			if rc, err := compileSchema(e.ctx, latest.Schema, cl, f.Name, messageOf(f.Entry)); err == nil {
				it.RegisteredFingerprint = serde.Fingerprint(rc)
			}
			if depChanged != "" && it.RegisteredFingerprint == it.LocalFingerprint {
				it.Reason = fmt.Sprintf("reference %s changes", depChanged)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

func printPlan(w io.Writer, output string, dry bool, items []planItem) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		key := "registered"
		if dry {
			key = "plan"
		}
		return enc.Encode(map[string][]planItem{key: items})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Action]++
		var what string
		switch it.Action {
		case "new":
			what = "new subject, version 1"
		case "unchanged":
			what = fmt.Sprintf("unchanged (version %d, id %d)", it.Version, it.ID)
		case "registered":
			what = fmt.Sprintf("registered version %d, id %d", it.Version, it.ID)
		case "new_version":
			what = fmt.Sprintf("new version %d (latest %d, id %d; fingerprint %s -> %s)", it.NextVersion, it.Version, it.ID, short(it.RegisteredFingerprint), short(it.LocalFingerprint))
			if it.Reason != "" {
				what += ": " + it.Reason
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Subject, it.File, what)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if dry {
		fmt.Fprintf(w, "plan: %d new, %d new versions, %d unchanged (dry run: nothing registered)\n", counts["new"], counts["new_version"], counts["unchanged"])
	} else {
		fmt.Fprintf(w, "registered %d, unchanged %d\n", counts["registered"], counts["unchanged"])
	}
	return nil
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	if fp == "" {
		return "?"
	}
	return fp
}

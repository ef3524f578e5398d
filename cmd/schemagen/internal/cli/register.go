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
	// RuleChanges lists how the rule set differs from the latest
	// registered version's, when that is the reason.
	RuleChanges []string `json:"rule_changes,omitempty"`
	// Refused holds every reason the registry would refuse a new version
	// (its compatibility endpoint's messages, or the findings of the
	// local checker at the registry's level when a reference changes too);
	// empty when it would be accepted.
	Refused []string `json:"refused,omitempty"`
	// Skipped says why --partial did not register it (it is refused, or
	// references a schema that is).
	Skipped string `json:"skipped,omitempty"`
}

func runRegister(e *env, args []string) error {
	fs := newFlags(e, "register", "")
	var c conn
	c.bind(fs, true)
	dry := fs.Bool("dry-run", false, "print what would be registered and change nothing")
	partial := fs.Bool("partial", false, "when the registry would refuse some schemas, register the others (default: register nothing)")
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
	// The plan first, with the registry's verdict on every new version:
	// nothing is registered when it would refuse one, unless --partial.
	items, err := plan(e, p, cl, files, progress)
	if err != nil {
		return err
	}
	refused := refusedFiles(files, items)
	if *dry || (len(refused) > 0 && !*partial) {
		note := "dry run: nothing registered"
		if !*dry {
			note = "nothing registered"
		}
		if err := printPlan(e.stdout, *output, note, items); err != nil {
			return err
		}
		if len(refused) > 0 {
			msg := "%d schemas would be refused by the registry"
			if !*dry {
				msg += "; nothing registered (--partial registers the others)"
			}
			return findingsErr(msg, countRefused(items))
		}
		return nil
	}
	done, rerr := register(e, p, cl, files, opts, refused, progress)
	for _, it := range items {
		if len(it.Refused) > 0 {
			done = append(done, it)
		}
	}
	if err := printPlan(e.stdout, *output, "", done); err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	if len(refused) > 0 {
		return findingsErr("%d schemas refused by the registry, the others registered", countRefused(items))
	}
	return nil
}

// refusedFiles are the files register must leave out: those the registry
// would refuse, and those that reference one of them, by file name with
// the reason.
func refusedFiles(files []*file, items []planItem) map[string]string {
	out := map[string]string{}
	for i, f := range files {
		if len(items[i].Refused) > 0 {
			out[f.Name] = "refused by the registry"
			continue
		}
		for _, r := range f.Schema.References {
			if _, ok := out[r.Name]; ok {
				out[f.Name] = "references " + r.Name + ", which is refused"
				break
			}
		}
	}
	return out
}

func countRefused(items []planItem) int {
	n := 0
	for _, it := range items {
		if len(it.Refused) > 0 {
			n++
		}
	}
	return n
}

// register registers files in order, every one after its references,
// leaving out the files in skip (refused ones, with --partial), by name
// with the reason.
func register(e *env, p *project, cl *registry.Client, files []*file, opts []registry.RegisterOpt, skip map[string]string, progress func(int, string)) ([]planItem, error) {
	done := map[string]registry.SubjectSchema{}
	var items []planItem
	for i, f := range files {
		subject, err := p.subjectFor(f)
		if err != nil {
			return nil, err
		}
		progress(i, subject)
		if why, ok := skip[f.Name]; ok {
			if why != "refused by the registry" {
				items = append(items, planItem{Subject: subject, File: f.Path, Action: "skipped", Skipped: why})
			}
			continue
		}
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
			sameText := false // the fingerprints cover references, the canonical text does not
			if rc, err := compileSchema(e.ctx, latest.Schema, cl, f.Name, messageOf(f.Entry)); err == nil {
				it.RegisteredFingerprint = serde.Fingerprint(rc)
				sameText = rc.Canonical() == c.Canonical()
			}
			switch {
			case depChanged != "" && sameText:
				it.Reason = fmt.Sprintf("reference %s changes", depChanged)
			case sameText:
				it.Reason, it.RuleChanges = contractReason(latest.Schema, f.Schema)
			}
			if it.Refused, err = refusals(e, p, cl, f, subject, depChanged, done); err != nil {
				return nil, fmt.Errorf("%s: %w", subject, err)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// refusals asks whether the registry would take f as a new version of
// subject, and returns every reason it would not. Its compatibility
// endpoint answers when f's references are all registered; when one of
// them changes too (not registered yet), the local checker (the registry's
// rules) runs at the subject's level in the registry, against its
// registered versions.
func refusals(e *env, p *project, cl *registry.Client, f *file, subject, depChanged string, done map[string]registry.SubjectSchema) ([]string, error) {
	if depChanged == "" {
		res, err := cl.CheckCompatibility(e.ctx, subject, -2, withRefs(f.Schema, done))
		if err != nil {
			return nil, err
		}
		if res.Compatible {
			return nil, nil
		}
		// The registry's reasons place positions in its own copies of the
		// schemas; the local checker's name the local file. Those are
		// shown when they agree with the verdict.
		if local, err := localRefusals(e, p, cl, f, subject); err == nil && len(local) > 0 {
			return local, nil
		}
		if len(res.Messages) == 0 {
			return []string{"incompatible (the registry gave no reason)"}, nil
		}
		return res.Messages, nil
	}
	return localRefusals(e, p, cl, f, subject)
}

// localRefusals are the local checker's findings for f against subject's
// registered versions at the registry's level, positioned in f's file.
func localRefusals(e *env, p *project, cl *registry.Client, f *file, subject string) ([]string, error) {
	fds, _, err := checkRegistry(e.ctx, cl, p, f, subject, "", f.Path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, fd := range fds {
		s := fd.String()
		if fd.Version > 0 {
			s += fmt.Sprintf(" (version %d)", fd.Version)
		}
		out = append(out, s)
	}
	return out, nil
}

// printPlan prints a plan (note says why nothing was registered) or, with
// note empty, what register did.
func printPlan(w io.Writer, output, note string, items []planItem) error {
	dry := note != ""
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
			if len(it.Refused) > 0 {
				counts["refused"]++
				what = fmt.Sprintf("REFUSED by the registry (latest version %d, id %d): %d reasons below", it.Version, it.ID, len(it.Refused))
			}
		case "skipped":
			what = "not registered: " + it.Skipped
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Subject, it.File, what)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Every refusal, every reason in full, after the table.
	for _, it := range items {
		if len(it.Refused) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%s) refused:\n", it.Subject, it.File)
		for _, r := range it.Refused {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	switch {
	case dry:
		fmt.Fprintf(w, "plan: %d new, %d new versions, %d unchanged, %d refused (%s)\n",
			counts["new"], counts["new_version"]-counts["refused"], counts["unchanged"], counts["refused"], note)
	case counts["refused"] > 0:
		fmt.Fprintf(w, "registered %d, unchanged %d, refused %d, skipped %d\n", counts["registered"], counts["unchanged"], counts["refused"], counts["skipped"])
	default:
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

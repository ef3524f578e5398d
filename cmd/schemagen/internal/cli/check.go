package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// finding is one incompatibility, located in the new schema's file, or
// one rule change, located in the rule set file.
type finding struct {
	File    string `json:"file"`
	Subject string `json:"subject"`
	Level   string `json:"level,omitempty"`
	// Kind is compatibility (the schema) or rule (the rule set).
	Kind string `json:"kind"`
	// RuleName is the changed rule's name (rule findings).
	RuleName string `json:"rule_name,omitempty"`
	// Severity is error (fails the gate) or warning (reported only).
	Severity string `json:"severity"`
	compat.Finding
}

func (f finding) String() string {
	msg := f.Message
	if f.Severity == severityWarning {
		msg = "warning: " + msg
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Col, f.Rule, msg)
}

// Finding kinds and severities.
const (
	kindCompat      = "compatibility"
	kindRule        = "rule"
	severityError   = "error"
	severityWarning = "warning"
)

// Reference subjects that tell check's resolver which side a reference
// belongs to.
const (
	sideNew = "\x00new"
	sideOld = "\x00old"
)

func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "")
	var c conn
	c.bind(fs, true)
	against := fs.String("against", "", "compare with the schemas in a directory (DIR) or a git ref (git:REF); default: the registry")
	output := fs.String("output", "text", "text or json")
	levelFlag := fs.String("level", "", "compatibility level (default: the config's, else the registry's, else BACKWARD)")
	allowRules := fs.Bool("allow-rule-changes", false, "report rule changes that can refuse records producers send today (a rule added, enabled, tightened) as warnings instead of failing")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := checkOutput(*output); err != nil {
		return err
	}
	if *levelFlag != "" {
		if _, err := compat.ParseLevel(*levelFlag); err != nil {
			return usageErr("--level: %v", err)
		}
	}
	cfg, err := e.loadConfig(&c, false)
	if err != nil {
		return err
	}
	p, err := loadProject(e.ctx, cfg, diskReader(cfg.Dir))
	if err != nil {
		return err
	}
	levelOf := func(f *file) string {
		if *levelFlag != "" {
			return *levelFlag
		}
		entry := ""
		if f.Entry != nil {
			entry = f.Entry.Compatibility
		}
		return config.Effective(entry, cfg.Defaults.Compatibility, "")
	}
	var res checkResult
	if *against != "" {
		res, err = checkAgainst(e, cfg, p, *against, levelOf)
	} else {
		res, err = checkAgainstRegistry(e, &c, cfg, p, levelOf)
	}
	if err != nil {
		return err
	}
	if *allowRules {
		for i := range res.findings {
			if res.findings[i].Kind == kindRule {
				res.findings[i].Severity = severityWarning
			}
		}
	}
	return res.report(e, *output)
}

// checkResult is what check found: findings, and how many schemas were
// compared and how many had nothing to compare with (new).
type checkResult struct {
	findings       []finding
	checked, fresh int
}

func (r checkResult) report(e *env, output string) error {
	var incompatible, rules, failing int
	for _, f := range r.findings {
		if f.Kind == kindRule {
			rules++
		} else {
			incompatible++
		}
		if f.Severity != severityWarning {
			failing++
		}
	}
	if output == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		findings := r.findings
		if findings == nil {
			findings = []finding{}
		}
		if err := enc.Encode(map[string]any{"compatible": incompatible == 0, "passed": failing == 0, "checked": r.checked, "new": r.fresh,
			"rule_changes": rules, "findings": findings}); err != nil {
			return err
		}
	} else {
		for _, f := range r.findings {
			fmt.Fprintln(e.stdout, f)
		}
	}
	fmt.Fprintf(e.stderr, "check: %d schemas checked, %d new, %d findings (%d incompatible changes, %d rule changes, %d failing)\n",
		r.checked, r.fresh, len(r.findings), incompatible, rules, failing)
	if failing > 0 {
		if failing == incompatible {
			return findingsErr("%d incompatible changes", incompatible)
		}
		return findingsErr("%d findings fail the check (%d incompatible changes, %d rule changes that can refuse records sent today; --allow-rule-changes makes those warnings)",
			failing, incompatible, failing-incompatible)
	}
	return nil
}

// checkAgainst compares every file of p (entries and the files they
// reference, which are registered under subjects of their own) with the
// same path in a directory or at a git ref (git:REF).
func checkAgainst(e *env, cfg *config.Config, p *project, against string, levelOf func(*file) string) (checkResult, error) {
	var res checkResult
	var read readFunc
	if ref, ok := strings.CutPrefix(against, "git:"); ok {
		if err := gitRefExists(e.ctx, cfg.Dir, ref); err != nil {
			return res, err
		}
		read = gitReader(e.ctx, cfg.Dir, ref)
	} else {
		dir := e.path(against)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return res, usageErr("--against %s: not a directory (use git:REF for a git ref)", against)
		}
		read = diskReader(dir)
	}
	old, err := loadOld(e.ctx, cfg, read)
	if err != nil {
		return res, fmt.Errorf("reading the old schemas (%s): %w", against, err)
	}
	for _, f := range p.files {
		of, ok := old.byPath(f.Path)
		if !ok {
			res.fresh++
			continue
		}
		level := compat.Level(strings.ToUpper(levelOf(f)))
		if level == "" {
			level = compat.Backward
		}
		r := sidedResolver(p.resolver(), old.resolver())
		fds, err := checkLevel(e.ctx, level, side(f.Schema, sideNew), []compat.Version{{Version: 1, Schema: side(of.Schema, sideOld)}}, r)
		if err != nil {
			return res, fmt.Errorf("%s: %w", f.Path, err)
		}
		res.checked++
		subject, _ := p.subjectFor(f)
		res.findings = append(res.findings, ruleFindings(cfg, f, subject, of.Schema.RuleSet, false, oldContractText(of), oldName(against, ruleSetPath(f)))...)
		if f.Entry != nil && of.Entry != nil {
			res.findings = append(res.findings, metadataFindings(cfg, f, subject, of.Schema.Metadata, of.Entry.Contract.MetadataText, oldName(against, f.Entry.MetadataFile))...)
		}
		if f.Entry != nil {
			oc, err := old.compile(e.ctx, of)
			if err != nil {
				return res, fmt.Errorf("%s: %w", oldName(against, f.Path), err)
			}
			cc, err := p.compile(e.ctx, f)
			if err != nil {
				return res, fmt.Errorf("%s: %w", f.Path, err)
			}
			inl, err := inlineFindings(cfg, f, subject, oc, cc, of.Schema.Text, oldName(against, f.Path))
			if err != nil {
				return res, fmt.Errorf("%s: %w", f.Path, err)
			}
			res.findings = append(res.findings, inl...)
		}
		for _, fd := range fds {
			// A position in the old schema names the old file.
			file := cfg.Path(f.Path)
			if fd.inOld {
				file = oldName(against, f.Path)
			}
			res.findings = append(res.findings, finding{File: file, Subject: subject, Level: string(level), Kind: kindCompat, Severity: severityError, Finding: fd.Finding})
		}
	}
	return res, nil
}

// oldName names a file of the old tree: its path under the directory, or
// REF:path for a git ref (git show's notation).
func oldName(against, path string) string {
	if ref, ok := strings.CutPrefix(against, "git:"); ok {
		return ref + ":" + path
	}
	return filepath.Join(against, path)
}

// checkAgainstRegistry compares every file of p with the versions
// registered under its subject.
func checkAgainstRegistry(e *env, c *conn, cfg *config.Config, p *project, levelOf func(*file) string) (checkResult, error) {
	var res checkResult
	cl, err := e.client(c, cfg)
	if err != nil {
		return res, err
	}
	for _, f := range p.files {
		subject, err := p.subjectFor(f)
		if err != nil {
			return res, err
		}
		fds, ok, err := checkRegistry(e.ctx, cl, p, f, subject, levelOf(f), cfg.Path(f.Path))
		if err != nil {
			return res, fmt.Errorf("%s: %w", subject, err)
		}
		if !ok {
			res.fresh++
			continue
		}
		res.checked++
		res.findings = append(res.findings, fds...)
		if f.Entry != nil {
			latest, err := cl.Latest(e.ctx, subject)
			if err != nil {
				return res, fmt.Errorf("%s: %w", subject, err)
			}
			at := fmt.Sprintf("%s version %d", subject, latest.Version)
			res.findings = append(res.findings, ruleFindings(cfg, f, subject, latest.Schema.RuleSet, true, "", at)...)
			res.findings = append(res.findings, metadataFindings(cfg, f, subject, latest.Schema.Metadata, "", at)...)
			oc, err := compileSchema(e.ctx, latest.Schema, cl, f.Name, messageOf(f.Entry))
			if err != nil {
				return res, fmt.Errorf("%s: %w", at, err)
			}
			cc, err := p.compile(e.ctx, f)
			if err != nil {
				return res, fmt.Errorf("%s: %w", f.Path, err)
			}
			inl, err := inlineFindings(cfg, f, subject, oc, cc, "", at)
			if err != nil {
				return res, fmt.Errorf("%s: %w", f.Path, err)
			}
			res.findings = append(res.findings, inl...)
		}
	}
	return res, nil
}

// checkRegistry checks f against the versions registered under
// subject. ok is false when the subject does not exist yet: only the
// registry's own answer for that (error code 40401) says so; any other
// answer, a 404 without that code included (a wrong path, a server that is
// not a registry), is an error, so a CI gate never passes because it could
// not ask.
//
// Findings name file (the local schema's path): a position the checker
// placed in the registry's copy of an old version is mapped onto the
// local file's declaration of the same element (or its closest ancestor).
func checkRegistry(ctx context.Context, cl *registry.Client, p *project, f *file, subject, levelName, file string) (fds []finding, ok bool, err error) {
	versions, err := cl.Versions(ctx, subject)
	if errors.Is(err, registry.ErrSubjectNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	level := compat.Level(strings.ToUpper(levelName))
	if level == "" {
		l, err := cl.Compatibility(ctx, subject)
		if err != nil {
			return nil, false, err
		}
		level = compat.Level(l)
	}
	var existing []compat.Version
	for _, v := range versions {
		ss, err := cl.SchemaByVersion(ctx, subject, v)
		if err != nil {
			return nil, false, err
		}
		existing = append(existing, compat.Version{Version: v, Schema: ss.Schema})
	}
	// Registered references resolve through the registry, in the
	// subject's schema context; the new schema's through the project.
	regRes := cl.ResolverIn(registry.ContextOf(subject))
	r := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		if ref.Subject == sideNew {
			s, err := p.resolver().Resolve(ctx, serde.Reference{Name: ref.Name})
			return side(s, sideNew), err
		}
		if ref.Subject == "" {
			return serde.Schema{}, fmt.Errorf("%w: %q has no subject", serde.ErrReference, ref.Name)
		}
		return regRes.Resolve(ctx, ref)
	})
	located, err := checkLevel(ctx, level, side(f.Schema, sideNew), existing, r)
	if err != nil {
		return nil, false, err
	}
	for _, fd := range located {
		if fd.inOld {
			fd.Line, fd.Col = locateIn(f.Schema.Text, f.Schema.Format, fd.Path)
		}
		fds = append(fds, finding{File: file, Subject: subject, Level: string(level), Kind: kindCompat, Severity: severityError, Finding: fd.Finding})
	}
	return fds, true, nil
}

// side marks a schema's references (recursively through the resolver) as
// belonging to the new or the old side.
func side(s serde.Schema, mark string) serde.Schema {
	refs := make([]serde.Reference, len(s.References))
	for i, r := range s.References {
		refs[i] = serde.Reference{Name: r.Name, Subject: mark}
	}
	s.References = refs
	return s
}

// sidedResolver serves references marked new from cur and those marked
// old from old; unmarked names (proto imports not listed) from cur.
func sidedResolver(cur, old serde.Resolver) serde.Resolver {
	return serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		r, mark := cur, sideNew
		if ref.Subject == sideOld {
			r, mark = old, sideOld
		}
		s, err := r.Resolve(ctx, serde.Reference{Name: ref.Name})
		if err != nil {
			return s, err
		}
		return side(s, mark), nil
	})
}

// oldProject is the previous state of a project's files.
type oldProject struct{ *project }

func (o oldProject) byPath(p string) (*file, bool) {
	for _, f := range o.files {
		if f.Path == p {
			return f, true
		}
	}
	return nil, false
}

// loadOld loads the entries that exist in read, with their references.
func loadOld(ctx context.Context, cfg *config.Config, read readFunc) (oldProject, error) {
	oc := *cfg
	oc.Schemas = nil
	for _, e := range cfg.Schemas {
		if e.File == "" {
			continue
		}
		if _, err := read(filepathToSlash(e.File)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return oldProject{}, err
		}
		// The contract as it was there too: a rule set file that did not
		// exist yet held no rules.
		e.Contract = config.Contract{}
		if e.RuleSetFile != "" {
			if _, err := read(filepathToSlash(e.RuleSetFile)); err == nil {
				ct, err := config.ReadContract(&config.Entry{RuleSetFile: e.RuleSetFile}, read)
				if err != nil {
					return oldProject{}, err
				}
				e.Contract.RuleSet, e.Contract.RuleSetText = ct.RuleSet, ct.RuleSetText
			} else if !errors.Is(err, fs.ErrNotExist) {
				return oldProject{}, err
			}
		}
		if e.MetadataFile != "" {
			if _, err := read(filepathToSlash(e.MetadataFile)); err == nil {
				ct, err := config.ReadContract(&config.Entry{MetadataFile: e.MetadataFile}, read)
				if err != nil {
					return oldProject{}, err
				}
				e.Contract.Metadata, e.Contract.MetadataText = ct.Metadata, ct.MetadataText
			} else if !errors.Is(err, fs.ErrNotExist) {
				return oldProject{}, err
			}
		}
		oc.Schemas = append(oc.Schemas, e)
	}
	p, err := loadFiles(ctx, &oc, read, false)
	return oldProject{p}, err
}

func filepathToSlash(p string) string { return filepath.ToSlash(filepath.Clean(p)) }

// gitRefExists checks that ref names a commit of the repository holding
// dir: a ref that does not (or no repository) is the user's mistake.
func gitRefExists(ctx context.Context, dir, ref string) error {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = "no such commit"
		}
		return usageErr("--against git:%s: %s", ref, msg)
	}
	return fmt.Errorf("--against git:%s: running git: %w", ref, err)
}

// gitReader reads files as they are at a git ref, with git show.
func gitReader(ctx context.Context, dir, ref string) readFunc {
	return func(rel string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", "show", ref+":./"+rel)
		cmd.Dir = dir
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			msg := strings.TrimSpace(errb.String())
			if strings.Contains(msg, "does not exist") || strings.Contains(msg, "exists on disk, but not in") {
				return nil, fmt.Errorf("git show %s:%s: %w", ref, rel, fs.ErrNotExist)
			}
			return nil, fmt.Errorf("git show %s:%s: %v: %s", ref, rel, err, msg)
		}
		return out.Bytes(), nil
	}
}

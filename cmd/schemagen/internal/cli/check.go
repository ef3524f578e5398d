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

// finding is one incompatibility, located in the new schema's file.
type finding struct {
	File    string `json:"file"`
	Subject string `json:"subject"`
	Level   string `json:"level"`
	compat.Finding
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Col, f.Rule, f.Message)
}

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

	var findings []finding
	checked, skipped := 0, 0
	if *against != "" {
		var read readFunc
		if ref, ok := strings.CutPrefix(*against, "git:"); ok {
			read = gitReader(e.ctx, cfg.Dir, ref)
		} else {
			dir := e.path(*against)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return usageErr("--against %s: not a directory (use git:REF for a git ref)", *against)
			}
			read = diskReader(dir)
		}
		old, err := loadOld(e.ctx, cfg, read)
		if err != nil {
			return fmt.Errorf("reading the old schemas (%s): %w", *against, err)
		}
		// Every file: entries and the files they reference, which are
		// registered under subjects of their own.
		for _, f := range p.files {
			of, ok := old.byPath(f.Path)
			if !ok {
				skipped++
				continue
			}
			level := compat.Level(strings.ToUpper(levelOf(f)))
			if level == "" {
				level = compat.Backward
			}
			r := sidedResolver(p.resolver(), old.resolver())
			res, err := compat.Check(e.ctx, level, side(f.Schema, sideNew), []compat.Version{{Version: 1, Schema: side(of.Schema, sideOld)}}, r)
			if err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
			checked++
			subject, _ := p.subjectFor(f)
			for _, fd := range res.Findings {
				findings = append(findings, finding{File: cfg.Path(f.Path), Subject: subject, Level: string(level), Finding: fd})
			}
		}
	} else {
		cl, err := e.client(&c, cfg)
		if err != nil {
			return err
		}
		for _, f := range p.files {
			subject, err := p.subjectFor(f)
			if err != nil {
				return err
			}
			fds, ok, err := checkRegistry(e.ctx, cl, p, f, subject, levelOf(f))
			if err != nil {
				return fmt.Errorf("%s: %w", subject, err)
			}
			if !ok {
				skipped++
				continue
			}
			checked++
			for i := range fds {
				fds[i].File = cfg.Path(f.Path)
			}
			findings = append(findings, fds...)
		}
	}

	if *output == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []finding{}
		}
		if err := enc.Encode(map[string]any{"compatible": len(findings) == 0, "checked": checked, "new": skipped, "findings": findings}); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(e.stdout, f)
		}
	}
	fmt.Fprintf(e.stderr, "check: %d schemas checked, %d new, %d findings\n", checked, skipped, len(findings))
	if len(findings) > 0 {
		return findingsErr("%d incompatible changes", len(findings))
	}
	return nil
}

// checkRegistry checks f against the versions registered under
// subject. ok is false when the subject does not exist yet.
func checkRegistry(ctx context.Context, cl *registry.Client, p *project, f *file, subject, levelName string) (fds []finding, ok bool, err error) {
	versions, err := cl.Versions(ctx, subject)
	if errors.Is(err, registry.ErrSubjectNotFound) || errors.Is(err, registry.ErrNotFound) {
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
	// Registered references resolve through the registry, the new
	// schema's through the project.
	r := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		if ref.Subject == sideNew {
			s, err := p.resolver().Resolve(ctx, serde.Reference{Name: ref.Name})
			return side(s, sideNew), err
		}
		if ref.Subject == "" {
			return serde.Schema{}, fmt.Errorf("%w: %q has no subject", serde.ErrReference, ref.Name)
		}
		return cl.Resolve(ctx, ref)
	})
	res, err := compat.Check(ctx, level, side(f.Schema, sideNew), existing, r)
	if err != nil {
		return nil, false, err
	}
	for _, fd := range res.Findings {
		fds = append(fds, finding{Subject: subject, Level: string(level), Finding: fd})
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
		oc.Schemas = append(oc.Schemas, e)
	}
	p, err := loadProject(ctx, &oc, read)
	return oldProject{p}, err
}

func filepathToSlash(p string) string { return filepath.ToSlash(filepath.Clean(p)) }

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

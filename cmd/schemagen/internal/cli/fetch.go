package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

func runFetch(e *env, args []string) error {
	fs := newFlags(e, "fetch", "subject[@version]")
	var c conn
	c.bind(fs, true)
	out := fs.String("o", ".", "output directory")
	snapshot := fs.String("snapshot", "", "write the latest schemas of the subjects given, or else of the config's, with their references, to this file for registry.Snapshot")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *snapshot != "" {
		return fetchSnapshot(e, &c, *snapshot, pos)
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("want one subject[@version], got %d arguments", len(pos))
	}
	subject, version := pos[0], -1
	if i := strings.LastIndex(subject, "@"); i >= 0 {
		v, err := strconv.Atoi(subject[i+1:])
		if err != nil || v < 1 {
			return usageErr("%q: the version after @ must be a positive number", pos[0])
		}
		subject, version = subject[:i], v
	}
	cfg, err := e.loadConfig(&c, true)
	if err != nil {
		return err
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	ss, err := cl.SchemaByVersion(e.ctx, subject, version)
	switch {
	case errors.Is(err, registry.ErrSubjectNotFound), errors.Is(err, registry.ErrVersionNotFound):
		// The registry answered: no such subject or version. The
		// argument is the mistake.
		return usageErr("%s: %w", pos[0], err)
	case err != nil:
		return err
	}
	dir := e.path(*out)
	written := map[string]bool{}
	var write func(name string, s serde.Schema) error
	write = func(name string, s serde.Schema) error {
		if !filepath.IsLocal(name) {
			return fmt.Errorf("refusing to write %q outside %s", name, *out)
		}
		if written[name] {
			return nil
		}
		written[name] = true
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(s.Text), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, filepath.Join(*out, name))
		for _, r := range s.References {
			rs, err := cl.SchemaByVersion(e.ctx, r.Subject, r.Version)
			if err != nil {
				return fmt.Errorf("reference %q (%s version %d): %w", r.Name, r.Subject, r.Version, err)
			}
			if err := write(refFileName(r.Name, rs.Schema.Format), rs.Schema); err != nil {
				return err
			}
		}
		return nil
	}
	name := subjectFileName(subject, ss.Schema.Format)
	if err := write(name, ss.Schema); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "fetched %s version %d (id %d) with %d files\n", ss.Subject, ss.Version, ss.ID, len(written))
	return nil
}

// ext is a format's file extension.
func ext(f serde.Format) string {
	switch f {
	case serde.Protobuf:
		return ".proto"
	case serde.JSON:
		return ".json"
	}
	return ".avsc"
}

// subjectFileName names the file of a fetched subject.
func subjectFileName(subject string, f serde.Format) string {
	name := strings.NewReplacer("/", "_", "\\", "_").Replace(subject)
	if strings.HasSuffix(name, ext(f)) {
		return name
	}
	return name + ext(f)
}

// refFileName names a referenced schema's file so that the referring one
// finds it: a .proto import path as is, an Avro full name with .avsc, a
// JSON Schema $ref's last path element.
func refFileName(name string, f serde.Format) string {
	if i := strings.Index(name, "://"); i >= 0 {
		name = filepath.Base(name[i+3:])
	}
	if f == serde.Avro && !strings.HasSuffix(name, ".avsc") {
		return name + ".avsc"
	}
	return name
}

// fetchSnapshot writes a snapshot of subjects, or of the config's subjects
// when none is given, to file.
func fetchSnapshot(e *env, c *conn, file string, subjects []string) error {
	cfg, err := e.loadConfig(c, true)
	if err != nil {
		return err
	}
	if len(subjects) == 0 {
		p, err := loadProject(e.ctx, cfg, diskReader(cfg.Dir))
		if err != nil {
			return err
		}
		for _, f := range p.entries() {
			subjects = append(subjects, f.Subject)
		}
		for _, en := range cfg.Schemas {
			if en.Subject != "" {
				s, _, _ := strings.Cut(en.Subject, "@")
				subjects = append(subjects, s)
			}
		}
	}
	if len(subjects) == 0 {
		return usageErr("--snapshot: no subjects given and none in the config")
	}
	cl, err := e.client(c, cfg)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := cl.WriteSnapshot(e.ctx, &buf, subjects...); err != nil {
		return err
	}
	if err := os.WriteFile(e.path(file), buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote a snapshot of %d subjects to %s\n", len(subjects), file)
	return nil
}

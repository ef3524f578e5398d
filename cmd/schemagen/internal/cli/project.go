package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// file is one schema file of the project: an entry's own file or a file
// it references.
type file struct {
	// Path is the file's path relative to the config file, slash-separated.
	Path string
	// Name is how other schemas reference it: the Avro full name, the
	// .proto import path, the JSON Schema file name.
	Name string
	// Schema is the text with references by Name (no subject yet).
	Schema serde.Schema
	// Entry is the config entry when the file is one; nil for a file
	// that is only referenced.
	Entry *config.Entry
	// Subject is the entry's subject; "" for referenced files (the
	// reference subject strategy names them).
	Subject string
}

// project is a config with its schema files read and their references
// found.
type project struct {
	cfg    *config.Config
	files  []*file // entries first, in config order, then referenced files
	byName map[string]*file
}

// readFile reads a schema file relative to the text source's root.
type readFunc func(rel string) ([]byte, error)

// loadProject reads every entry with a file, and the files they
// reference, through read (the working tree, a directory, a git ref).
// Entries naming a registry subject are skipped.
func loadProject(ctx context.Context, cfg *config.Config, read readFunc) (*project, error) {
	return loadFiles(ctx, cfg, read, true)
}

// loadFiles is loadProject; with contracts false, the entries' contracts
// are not compiled (an old state of the project, which check compares
// with, is not judged).
func loadFiles(ctx context.Context, cfg *config.Config, read readFunc, contracts bool) (*project, error) {
	p := &project{cfg: cfg, byName: map[string]*file{}}
	byPath := map[string]*file{}
	var add func(rel string, entry *config.Entry) (*file, error)
	add = func(rel string, entry *config.Entry) (*file, error) {
		rel = path.Clean(filepath.ToSlash(rel))
		if f, ok := byPath[rel]; ok {
			switch {
			case entry == nil || f.Entry == entry:
				return f, nil
			case f.Entry == nil:
				f.Entry = entry
				f.Schema = withContract(f.Schema, entry)
				return f, nil
			}
			// Another entry for the same file (another message of one
			// .proto, another topic): a file value of its own, for its
			// own subject and package; references resolve to the first.
			g := &file{Path: f.Path, Name: f.Name, Entry: entry, Schema: withContract(serde.Schema{Format: f.Schema.Format, Text: f.Schema.Text}, entry)}
			p.files = append(p.files, g)
			return g, nil
		}
		b, err := read(rel)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%w: schema file %s does not exist", config.ErrConfig, rel)
			}
			return nil, err
		}
		format := config.FormatOf(rel)
		if entry != nil && entry.Format != "" {
			format = entry.Format
		}
		sf, err := serde.ParseFormat(format)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		f := &file{Path: rel, Entry: entry, Schema: withContract(serde.Schema{Format: sf, Text: string(b)}, entry)}
		f.Name, err = p.refName(f)
		if err != nil {
			return nil, err
		}
		byPath[rel] = f
		p.files = append(p.files, f)
		if other, dup := p.byName[f.Name]; dup {
			return nil, fmt.Errorf("%w: %s and %s are both named %q", config.ErrConfig, other.Path, rel, f.Name)
		}
		p.byName[f.Name] = f
		return f, nil
	}
	for i := range cfg.Schemas {
		e := &cfg.Schemas[i]
		if e.File == "" {
			continue
		}
		if _, err := add(e.File, e); err != nil {
			return nil, err
		}
	}
	// Avro references come from the config: every file an entry lists.
	for i := range cfg.Schemas {
		e := &cfg.Schemas[i]
		for _, r := range e.References {
			if _, err := add(r, nil); err != nil {
				if errors.Is(err, config.ErrConfig) {
					return nil, fmt.Errorf("%w: schemas[%d] (%s): references: %s does not exist", config.ErrConfig, i, e.File, r)
				}
				return nil, err
			}
		}
	}
	// Find each file's references: Avro names that other files define,
	// .proto imports and JSON Schema $refs, found by compiling with a
	// resolver that records what it is asked for.
	for i := 0; i < len(p.files); i++ {
		f := p.files[i]
		var names []string
		if f.Schema.Format == serde.Avro {
			names = p.avroRefs(f)
		} else {
			rec := &recorder{p: p, read: read, from: f, add: add}
			if _, err := p.compileWith(ctx, f, rec); err != nil {
				return nil, p.compileErr(f, err)
			}
			if rec.err != nil {
				return nil, rec.err
			}
			names = rec.names
		}
		for _, n := range names {
			f.Schema.References = append(f.Schema.References, serde.Reference{Name: n})
		}
	}
	// Avro files compile now, referenced ones first, so that a broken
	// file is reported at its own path. (The others compiled above.)
	ordered, err := p.order()
	if err != nil {
		return nil, err
	}
	for _, f := range ordered {
		if f.Schema.Format != serde.Avro {
			continue
		}
		if _, err := p.compile(ctx, f); err != nil {
			return nil, p.compileErr(f, err)
		}
	}
	// Every entry's contract compiles as a producer would compile it: a
	// rule that does not is the user's mistake, named with its file.
	for _, f := range p.files {
		if f.Entry == nil || !contracts {
			continue
		}
		if err := p.compileContract(ctx, f); err != nil {
			return nil, err
		}
	}
	for _, f := range p.files {
		if f.Entry == nil {
			continue
		}
		subject, err := p.subjectOf(ctx, f)
		if err != nil {
			return nil, err
		}
		f.Subject = subject
	}
	return p, nil
}

// refName is the name other schemas use for f.
func (p *project) refName(f *file) (string, error) {
	switch f.Schema.Format {
	case serde.Avro:
		var top struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		}
		if err := json.Unmarshal([]byte(f.Schema.Text), &top); err != nil {
			return "", p.compileErr(f, fmt.Errorf("%w: %w", serde.ErrSchema, err))
		}
		if top.Name == "" {
			return f.Path, nil
		}
		if top.Namespace != "" && !strings.Contains(top.Name, ".") {
			return top.Namespace + "." + top.Name, nil
		}
		return top.Name, nil
	case serde.Protobuf:
		return p.importPath(f.Path), nil
	}
	return path.Base(f.Path), nil
}

// importPath is a .proto file's path relative to the first import path
// holding it, else relative to the config file.
func (p *project) importPath(rel string) string {
	for _, ip := range p.cfg.Defaults.ImportPaths {
		ip = path.Clean(filepath.ToSlash(ip))
		if r, ok := strings.CutPrefix(rel, ip+"/"); ok {
			return r
		}
	}
	return rel
}

// avroRefs lists the full names defined by the project's other Avro files
// that f's text uses: a JSON string equal to the full name, or to the name
// within f's namespace.
func (p *project) avroRefs(f *file) []string {
	var doc any
	if json.Unmarshal([]byte(f.Schema.Text), &doc) != nil {
		return nil
	}
	ns := ""
	if i := strings.LastIndex(f.Name, "."); i > 0 {
		ns = f.Name[:i]
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, n := range []string{v, ns + "." + v} {
				if o, ok := p.byName[n]; ok && o.Path != f.Path && o.Schema.Format == serde.Avro && !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for k, x := range v {
				if k != "doc" {
					walk(x)
				}
			}
		}
	}
	walk(doc)
	slices.Sort(out)
	return out
}

// recorder serves a project's files as references and records the names
// it was asked for, adding the files it finds to the project.
type recorder struct {
	p     *project
	read  readFunc
	from  *file
	add   func(string, *config.Entry) (*file, error)
	names []string
	err   error
}

func (r *recorder) Resolve(_ context.Context, ref serde.Reference) (serde.Schema, error) {
	f, err := r.p.find(r.from, ref.Name, r.read, r.add)
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return serde.Schema{}, fmt.Errorf("%w: %q: %v", serde.ErrReference, ref.Name, err)
	}
	if !slices.Contains(r.names, f.Name) {
		r.names = append(r.names, f.Name)
	}
	return f.Schema, nil
}

// find returns the file a reference names: a known name, else a path
// relative to the import paths, the referring file's directory or the
// config file.
func (p *project) find(from *file, name string, read readFunc, add func(string, *config.Entry) (*file, error)) (*file, error) {
	if f, ok := p.byName[name]; ok {
		return f, nil
	}
	clean := name
	if i := strings.Index(clean, "://"); i >= 0 { // a $ref URL: try its path
		clean = path.Base(clean[i+3:])
	}
	var tries []string
	for _, ip := range p.cfg.Defaults.ImportPaths {
		tries = append(tries, path.Join(filepath.ToSlash(ip), clean))
	}
	tries = append(tries, path.Join(path.Dir(from.Path), clean), path.Clean(clean))
	for _, t := range tries {
		if _, err := read(t); err == nil {
			f, err := add(t, nil)
			if err != nil {
				return nil, err
			}
			if f.Name != name { // found by path: also known by the asked name
				p.byName[name] = f
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s: reference %q: no such file (tried %s)", from.Path, name, strings.Join(tries, ", "))
}

// resolver serves the project's files by name; the references of a
// compiled file are the names recorded when the project was loaded.
func (p *project) resolver() serde.Resolver {
	return serde.ResolverFunc(func(_ context.Context, ref serde.Reference) (serde.Schema, error) {
		f, ok := p.byName[ref.Name]
		if !ok {
			return serde.Schema{}, fmt.Errorf("%w: %q is not a project file", serde.ErrReference, ref.Name)
		}
		return f.Schema, nil
	})
}

// compile compiles f with the project's files as its references.
func (p *project) compile(ctx context.Context, f *file) (serde.Compiled, error) {
	return p.compileWith(ctx, f, p.resolver())
}

func (p *project) compileWith(ctx context.Context, f *file, r serde.Resolver) (serde.Compiled, error) {
	return compileSchema(ctx, f.Schema, r, f.Name, messageOf(f.Entry))
}

func messageOf(e *config.Entry) string {
	if e == nil {
		return ""
	}
	return e.Message
}

// compileSchema compiles s; for Protobuf, fileName is its import path and
// message picks the message.
func compileSchema(ctx context.Context, s serde.Schema, r serde.Resolver, fileName, message string) (serde.Compiled, error) {
	switch s.Format {
	case serde.Avro, "":
		return avro.Compile(ctx, s, r)
	case serde.Protobuf:
		opts := []protobuf.Opt{}
		if strings.HasSuffix(fileName, ".proto") {
			opts = append(opts, protobuf.FileName(fileName))
		}
		if message != "" {
			opts = append(opts, protobuf.MessageName(message))
		}
		return protobuf.Compile(ctx, s, r, opts...)
	}
	return jsonschema.Compile(ctx, s, r)
}

// recordName is the full name the record and topic_record strategies use.
func recordName(c serde.Compiled) string {
	switch c := c.(type) {
	case *avro.Compiled:
		if n, ok := c.Avro().(interface{ FullName() string }); ok {
			return n.FullName()
		}
	case *protobuf.Compiled:
		return string(c.Message().FullName())
	case *jsonschema.Compiled:
		if m, ok := c.Raw().(map[string]any); ok {
			if t, ok := m["title"].(string); ok {
				return t
			}
		}
	}
	return ""
}

// subjectOf applies the entry's subject strategy.
func (p *project) subjectOf(ctx context.Context, f *file) (string, error) {
	e := f.Entry
	role := e.RoleOf()
	switch config.Effective(e.SubjectStrategy, p.cfg.Defaults.SubjectStrategy, "topic") {
	case "record", "topic_record":
		c, err := p.compile(ctx, f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Path, err)
		}
		rn := recordName(c)
		if rn == "" {
			return "", fmt.Errorf("%w: %s: the record strategies need a record name (JSON Schema: a title)", config.ErrConfig, f.Path)
		}
		if config.Effective(e.SubjectStrategy, p.cfg.Defaults.SubjectStrategy, "topic") == "record" {
			return registry.RecordName(e.Topic, role, rn)
		}
		return registry.TopicRecordName(e.Topic, role, rn)
	}
	return registry.TopicName(e.Topic, role, "")
}

// entries returns the files that are config entries.
func (p *project) entries() []*file {
	var out []*file
	for _, f := range p.files {
		if f.Entry != nil {
			out = append(out, f)
		}
	}
	return out
}

// named returns the project as RegisterAll's input: every file, entries
// under their subjects, referenced files under the reference strategy.
func (p *project) named() []registry.NamedSchema {
	out := make([]registry.NamedSchema, len(p.files))
	for i, f := range p.files {
		out[i] = registry.NamedSchema{Name: f.Name, Subject: f.Subject, Schema: f.Schema}
	}
	return out
}

// order returns the files in dependency order: every file after the
// files it references.
func (p *project) order() ([]*file, error) {
	var (
		out   []*file
		state = map[*file]int{}
	)
	var visit func(f *file) error
	visit = func(f *file) error {
		switch state[f] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("%w: %s", registry.ErrReferenceCycle, f.Path)
		}
		state[f] = 1
		for _, r := range f.Schema.References {
			if d, ok := p.byName[r.Name]; ok {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		state[f] = 2
		out = append(out, f)
		return nil
	}
	for _, f := range p.files {
		if err := visit(f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// subjectFor is the subject a file is registered under.
func (p *project) subjectFor(f *file) (string, error) {
	if f.Subject != "" {
		return f.Subject, nil
	}
	return registry.DefaultReferenceSubject(f.Name)
}

// diskReader reads files relative to dir.
func diskReader(dir string) readFunc {
	return func(rel string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	}
}

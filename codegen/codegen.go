package codegen

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"path"
	"sort"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// ErrGenerate wraps every error Generate returns for a schema it cannot turn
// into Go (an unsupported construct, a name clash); schema errors wrap the
// serde sentinels (serde.ErrSchema, serde.ErrReference) as well.
var ErrGenerate = errors.New("codegen")

// Entry is one schema: its Go types and one typed-producer stub.
type Entry struct {
	// Schema is the schema text, its format and its references.
	Schema serde.Schema
	// Resolver resolves references (files, in the CLI); nil when there
	// are none.
	Resolver serde.Resolver
	// Source is written on the "// source:" header line: a file path or
	// subject@version.
	Source string
	// Topic the stub's producer writes to. Required.
	Topic string
	// Role says whether the schema is for record keys or values.
	Role serde.Role
	// Subject is the registry subject; empty means the runtime's strategy
	// (SubjectStrategy, default <topic>-<role>).
	Subject string
	// SubjectStrategy is topic (the default), record or topic_record, the
	// config file's spelling.
	SubjectStrategy string
	// Message is the Protobuf message's full name; default the first
	// message of the file.
	Message string
	// Framing is how records name their schema.
	Framing serde.Framing
	// Drift is fail (the default), warn or allow_if_compatible: what the
	// producer does when the registered schema differs from the embedded
	// one.
	Drift string
	// IDSource is how the producer finds the schema ID: lookup (the
	// default, registry.LookupBySchema: never registers), latest
	// (registry.UseLatest) or register (registry.AutoRegister).
	IDSource string
	// File is the name of the generated file for this entry, within the
	// package directory; default derived from Source (order.avsc ->
	// order.avro.go), or from the type name.
	File string
}

// Package is one generated Go package.
type Package struct {
	// ImportPath is the package's import path.
	ImportPath string
	// Name is the package name; default the last element of ImportPath.
	Name string
	// Entries are the schemas generated into the package.
	Entries []Entry
}

// Generate turns pkg's schemas into Go source: file name (within the
// package directory) to gofmt'ed source. It writes nothing. Named types
// shared by several entries (Avro named types and Protobuf files reached
// through references, JSON Schema definitions) are generated once.
func Generate(ctx context.Context, pkg Package) (map[string][]byte, error) {
	if pkg.ImportPath == "" {
		return nil, fmt.Errorf("%w: empty import path", ErrGenerate)
	}
	if pkg.Name == "" {
		pkg.Name = path.Base(pkg.ImportPath)
	}
	if !token.IsIdentifier(pkg.Name) {
		return nil, fmt.Errorf("%w: %q is not a Go package name", ErrGenerate, pkg.Name)
	}
	if len(pkg.Entries) == 0 {
		return nil, fmt.Errorf("%w: package %s has no schemas", ErrGenerate, pkg.ImportPath)
	}
	g := &generator{pkg: pkg, out: map[string][]byte{}, names: map[string]string{}, jsonTypes: map[string]*jsType{}, avroNamed: map[string]string{}}
	for i := range pkg.Entries {
		if err := g.entry(ctx, &pkg.Entries[i]); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrGenerate, entryName(&pkg.Entries[i]), err)
		}
	}
	if err := g.stubs(); err != nil {
		return nil, err
	}
	if err := g.writeJSONHelpers(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGenerate, err)
	}
	for name, f := range g.files {
		b, err := f.bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrGenerate, name, err)
		}
		g.out[name] = b
	}
	return g.out, nil
}

func entryName(e *Entry) string {
	if e.Source != "" {
		return e.Source
	}
	return e.Topic + "-" + e.Role.String()
}

// generator holds one Generate call's state.
type generator struct {
	pkg   Package
	out   map[string][]byte
	files map[string]*goFile
	// names records every top-level Go identifier declared, with what
	// declared it, so a clash is an error instead of a compile failure.
	names map[string]string
	// done records named schema types already generated (Avro full
	// names, JSON Schema definition URLs).
	done    map[string]string
	stubsIn []*stubInfo
	// JSON Schema: named types by doc#pointer, shared helpers, patterns.
	jsonTypes map[string]*jsType
	json      *jsonPkgState
	patterns  []patternVar
	// Avro: generated sum types, and the named types that are union
	// branches (full name -> Go type), for serde/avro's UseSums.
	avroSums  []string
	avroNamed map[string]string
	// fpTypes records the JSON types given a SchemaFingerprint method.
	fpTypes map[string]bool
	// bufVars counts the package variables of generated buf.validate
	// checks (patterns, bytes constants), for their names.
	bufVars int
}

// declare reserves a top-level identifier.
func (g *generator) declare(ident, by string) error {
	if prev, ok := g.names[ident]; ok && prev != by {
		return fmt.Errorf("Go name %s is declared twice (by %s and by %s)", ident, prev, by)
	}
	g.names[ident] = by
	return nil
}

// file returns the generated file with this name, creating it.
func (g *generator) file(name, source string) *goFile {
	if g.files == nil {
		g.files = map[string]*goFile{}
	}
	f, ok := g.files[name]
	if !ok {
		f = newGoFile(g.pkg.Name, g.pkg.ImportPath, source)
		g.files[name] = f
	}
	return f
}

// fileName picks the generated file name for an entry.
func fileName(e *Entry, typeName, ext string) string {
	if e.File != "" {
		return e.File
	}
	base := ""
	if e.Source != "" {
		base = path.Base(strings.ReplaceAll(e.Source, "\\", "/"))
		if i := strings.IndexAny(base, "@"); i >= 0 {
			base = base[:i]
		}
		base = strings.TrimSuffix(base, path.Ext(base))
	}
	if base == "" || base == "." {
		base = typeName
	}
	return snake(base) + "." + ext + ".go"
}

func (g *generator) entry(ctx context.Context, e *Entry) error {
	if e.Topic == "" {
		return errors.New("no topic")
	}
	if err := checkEntry(e); err != nil {
		return err
	}
	switch e.Schema.Format {
	case serde.Avro, "":
		return g.avroEntry(ctx, e)
	case serde.Protobuf:
		return g.protoEntry(ctx, e)
	case serde.JSON:
		return g.jsonEntry(ctx, e)
	}
	return fmt.Errorf("unknown format %q", e.Schema.Format)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

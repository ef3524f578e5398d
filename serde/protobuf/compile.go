package protobuf

import (
	"context"
	"errors"
	"fmt"
	"google.golang.org/protobuf/types/descriptorpb"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// Compiled is a compiled Protobuf schema: the schema's file, its imports, and
// the message it encodes. It implements serde.Compiled and serde.Indexed and
// is safe for concurrent use.
type Compiled struct {
	src serde.Schema

	fpOnce sync.Once // guards fp, see fingerprint
	fp     string

	file    protoreflect.FileDescriptor
	msg     protoreflect.MessageDescriptor
	files   *protoregistry.Files
	types   *dynamicpb.Types
	indexes []int
	// deterministic makes AppendEncode write map entries (and the fields
	// of dynamic messages) in a stable order.
	deterministic bool

	canonOnce sync.Once
	canon     string

	fpTextOnce sync.Once
	fpText     string

	// plans caches, per message descriptor seen in values, whether it
	// matches the schema's message and what validation it needs.
	plans  sync.Map // protoreflect.MessageDescriptor -> *plan
	planMu sync.Mutex
	root   *plan
}

var (
	_ serde.Compiled = (*Compiled)(nil)
	_ serde.Indexed  = (*Compiled)(nil)
)

// stdImports answers for the well-known types that protocompile builds in.
var stdImports = protocompile.WithStandardImports(protocompile.ResolverFunc(func(string) (protocompile.SearchResult, error) {
	return protocompile.SearchResult{}, protoregistry.NotFound
}))

func isStandardImport(path string) bool {
	if _, ok := builtinImport(path); ok {
		return true
	}
	if !strings.HasPrefix(path, "google/protobuf/") {
		return false
	}
	_, err := stdImports.FindFileByPath(path)
	return err == nil
}

// Compile compiles s, a .proto file, with its imports from r. It asks r for
// every import: with the matching entry of s.References (or of a resolved
// import's References) when there is one, else with Reference{Name:
// importPath}. The well-known types (google/protobuf/*.proto) are built in
// and never asked for. r may be nil when the schema imports nothing else.
//
// Errors wrap serde.ErrSchema (with protocompile's file:line:col text),
// serde.ErrReference (an import r cannot supply) or serde.ErrLimit.
func Compile(ctx context.Context, s serde.Schema, r serde.Resolver, opts ...Opt) (sch *Compiled, err error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	if s.Format != "" && s.Format != serde.Protobuf {
		return nil, fmt.Errorf("%w: protobuf: schema type is %s", serde.ErrSchema, s.Format)
	}
	if cfg.fileName == "" {
		return nil, fmt.Errorf("%w: protobuf: empty file name", serde.ErrSchema)
	}
	defer func() {
		if p := recover(); p != nil {
			sch, err = nil, fmt.Errorf("%w: protobuf: compiler panic: %v", serde.ErrSchema, p)
		}
	}()

	parsed, err := gather(ctx, s, r, &cfg)
	if err != nil {
		return nil, err
	}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
			if res, ok := parsed[path]; ok {
				return protocompile.SearchResult{ParseResult: res}, nil
			}
			if fd, ok := builtinImport(path); ok {
				return protocompile.SearchResult{Desc: fd}, nil
			}
			return protocompile.SearchResult{}, fmt.Errorf("%w: %q", protoregistry.NotFound, path)
		})),
		MaxParallelism: 1,
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	out, err := c.Compile(ctx, cfg.fileName)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("%w: %w", serde.ErrSchema, err)
	}
	// Rebuild the files as protobuf-go's own descriptors, so that proto,
	// protojson and dynamicpb see every feature (editions' UTF-8 and
	// required rules among them) exactly as they do for generated code.
	files := new(protoregistry.Files)
	file, err := native(files, out[0], map[string]protoreflect.FileDescriptor{})
	if err != nil {
		return nil, fmt.Errorf("%w: protobuf: %w", serde.ErrSchema, err)
	}
	md, err := pickMessage(files, file, cfg.messageName)
	if err != nil {
		return nil, err
	}
	sch = &Compiled{
		src:   s,
		file:  file,
		msg:   md,
		files: files,
		types: dynamicpb.NewTypes(files),

		deterministic: cfg.deterministic,
	}
	if md != nil {
		sch.indexes = messageIndexes(md)
		sch.root = sch.planFor(md)
	}
	return sch, nil
}

// gather parses the schema and, breadth first, every import it needs,
// enforcing the size, depth and count limits before anything is linked.
func gather(ctx context.Context, s serde.Schema, r serde.Resolver, cfg *config) (map[string]parser.Result, error) {
	refs := map[string]serde.Reference{}
	addRefs := func(list []serde.Reference) {
		for _, ref := range list {
			if _, ok := refs[ref.Name]; !ok {
				refs[ref.Name] = ref
			}
		}
	}
	addRefs(s.References)

	parsed := map[string]parser.Result{}
	type item struct {
		path  string
		text  string
		depth int
	}
	queue := []item{{path: cfg.fileName, text: s.Text}}
	seen := map[string]bool{cfg.fileName: true}
	imports, total, decls := 0, 0, 0
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if len(it.text) > cfg.maxSchemaBytes {
			return nil, fmt.Errorf("%w: protobuf: %s is %d bytes, limit %d", serde.ErrLimit, it.path, len(it.text), cfg.maxSchemaBytes)
		}
		if err := serde.CheckUTF8(it.path, it.text); err != nil {
			return nil, fmt.Errorf("protobuf: %w", err)
		}
		if total += len(it.text); total > cfg.maxTotalBytes {
			return nil, fmt.Errorf("%w: protobuf: %s brings the schema and its imports to %d bytes, limit %d", serde.ErrLimit, it.path, total, cfg.maxTotalBytes)
		}
		if d := braceDepth(it.text); d > cfg.maxNesting {
			return nil, fmt.Errorf("%w: protobuf: %s nests blocks %d deep, limit %d", serde.ErrLimit, it.path, d, cfg.maxNesting)
		}
		res, err := parse(it.path, it.text)
		if err != nil {
			return nil, err
		}
		if decls += declarations(res.FileDescriptorProto()); decls > cfg.maxDecls {
			return nil, fmt.Errorf("%w: protobuf: %s brings the schema and its imports to %d declarations, limit %d", serde.ErrLimit, it.path, decls, cfg.maxDecls)
		}
		parsed[it.path] = res
		for _, dep := range res.FileDescriptorProto().GetDependency() {
			if seen[dep] {
				continue
			}
			seen[dep] = true
			if isStandardImport(dep) {
				continue
			}
			if it.depth+1 > cfg.maxImportDepth {
				return nil, fmt.Errorf("%w: protobuf: import %q is %d levels deep, limit %d", serde.ErrLimit, dep, it.depth+1, cfg.maxImportDepth)
			}
			imports++
			if imports > cfg.maxImports {
				return nil, fmt.Errorf("%w: protobuf: more than %d imports", serde.ErrLimit, cfg.maxImports)
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			ref, ok := refs[dep]
			if !ok {
				ref = serde.Reference{Name: dep}
			}
			if r == nil {
				return nil, fmt.Errorf("%w: protobuf: import %q: no resolver", serde.ErrReference, dep)
			}
			got, err := r.Resolve(ctx, ref)
			if err != nil {
				if errors.Is(err, serde.ErrReference) {
					return nil, fmt.Errorf("protobuf: import %q: %w", dep, err)
				}
				return nil, fmt.Errorf("%w: protobuf: import %q: %w", serde.ErrReference, dep, err)
			}
			if got.Format != "" && got.Format != serde.Protobuf {
				return nil, fmt.Errorf("%w: protobuf: import %q has schema type %s", serde.ErrReference, dep, got.Format)
			}
			addRefs(got.References)
			queue = append(queue, item{path: dep, text: got.Text, depth: it.depth + 1})
		}
	}
	return parsed, nil
}

// declarations counts the elements of a file that linking turns into
// descriptors: messages, fields, oneofs, enums, enum values, reserved and
// extension ranges, extensions, services and methods.
func declarations(fd *descriptorpb.FileDescriptorProto) int {
	n := len(fd.GetEnumType()) + len(fd.GetExtension()) + len(fd.GetService())
	for _, e := range fd.GetEnumType() {
		n += len(e.GetValue()) + len(e.GetReservedRange()) + len(e.GetReservedName())
	}
	for _, sv := range fd.GetService() {
		n += len(sv.GetMethod())
	}
	var msg func(m *descriptorpb.DescriptorProto)
	msg = func(m *descriptorpb.DescriptorProto) {
		n += 1 + len(m.GetField()) + len(m.GetOneofDecl()) + len(m.GetExtension()) + len(m.GetExtensionRange()) +
			len(m.GetReservedRange()) + len(m.GetReservedName()) + len(m.GetEnumType())
		for _, e := range m.GetEnumType() {
			n += len(e.GetValue()) + len(e.GetReservedRange()) + len(e.GetReservedName())
		}
		for _, nm := range m.GetNestedType() {
			msg(nm)
		}
	}
	for _, m := range fd.GetMessageType() {
		msg(m)
	}
	return n
}

func parse(path, text string) (parser.Result, error) {
	h := reporter.NewHandler(nil)
	node, err := parser.Parse(path, strings.NewReader(text), h)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", serde.ErrSchema, err)
	}
	res, err := parser.ResultFromAST(node, true, h)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", serde.ErrSchema, err)
	}
	return res, nil
}

func pickMessage(files *protoregistry.Files, file protoreflect.FileDescriptor, name string) (protoreflect.MessageDescriptor, error) {
	if name == "" {
		if file.Messages().Len() == 0 {
			return nil, nil // enums or options only: fine to register, not to encode
		}
		return file.Messages().Get(0), nil
	}
	full := protoreflect.FullName(strings.TrimPrefix(name, "."))
	d, _ := files.FindDescriptorByName(full)
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok || md.ParentFile().Path() != file.Path() || md.IsMapEntry() {
		return nil, fmt.Errorf("%w: protobuf: no message %q in %s", serde.ErrSchema, full, file.Path())
	}
	return md, nil
}

// native registers fd and its imports in files as protobuf-go descriptors
// (the generated ones for the well-known types) and returns fd's.
func native(files *protoregistry.Files, fd protoreflect.FileDescriptor, done map[string]protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
	if n, ok := done[fd.Path()]; ok {
		return n, nil
	}
	imps := fd.Imports()
	for i := 0; i < imps.Len(); i++ {
		if _, err := native(files, imps.Get(i).FileDescriptor, done); err != nil {
			return nil, err
		}
	}
	var n protoreflect.FileDescriptor
	if isStandardImport(fd.Path()) {
		n, _ = protoregistry.GlobalFiles.FindFileByPath(fd.Path())
	}
	if n == nil {
		var err error
		n, err = protodesc.NewFile(protodesc.ToFileDescriptorProto(fd), files)
		if err != nil {
			return nil, err
		}
	}
	if err := files.RegisterFile(n); err != nil {
		return nil, err
	}
	done[fd.Path()] = n
	return n, nil
}

// braceDepth is the deepest nesting of braces in .proto text, outside
// strings and comments. It lets Compile refuse absurd nesting before the
// parser spends time on it.
func braceDepth(text string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '{':
			depth++
			deepest = max(deepest, depth)
		case '}':
			depth--
		case '"', '\'':
			for i++; i < len(text) && text[i] != c && text[i] != '\n'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(text) && text[i+1] == '/' {
				for i < len(text) && text[i] != '\n' {
					i++
				}
			} else if i+1 < len(text) && text[i+1] == '*' {
				end := strings.Index(text[i+2:], "*/")
				if end < 0 {
					return deepest
				}
				i += end + 3
			}
		}
	}
	return deepest
}

// messageIndexes is the path of md among its parent scope's messages, from
// the file's top level down.
func messageIndexes(md protoreflect.MessageDescriptor) []int {
	var idx []int
	for d := protoreflect.Descriptor(md); ; d = d.Parent() {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		idx = append(idx, m.Index())
	}
	for i, j := 0, len(idx)-1; i < j; i, j = i+1, j-1 {
		idx[i], idx[j] = idx[j], idx[i]
	}
	return idx
}

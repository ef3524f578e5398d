package codegen

import (
	"context"
	"fmt"
	"path"
	"strings"

	"google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/pluginpb"

	"github.com/schemagen/schemagen/serde"
	serdeproto "github.com/schemagen/schemagen/serde/protobuf"
)

// protoEntry generates protoc-gen-go's output for the entry's file and the
// user files it imports (into this package), without protoc: the
// descriptors come from serde/protobuf (protocompile), the request is built
// here, and protogen with internal_gengo does the rest (internal to
// protobuf-go: its version is checked by TestInternalGengoPin).
func (g *generator) protoEntry(ctx context.Context, e *Entry) error {
	s := e.Schema
	s.Format = serde.Protobuf
	opts := []serdeproto.Opt{}
	if e.Message != "" {
		opts = append(opts, serdeproto.MessageName(e.Message))
	}
	// Compile once to learn the package, then again under the file's
	// conventional path (<package dirs>/<base>.proto): the path is what
	// the generated code registers, and two packages registering one path
	// conflict at init.
	first, err := serdeproto.Compile(ctx, s, newRecorder(e.Resolver), opts...)
	if err != nil {
		return err
	}
	fileName := protoFileName(e, first.File())
	rec := newRecorder(e.Resolver)
	c, err := serdeproto.Compile(ctx, s, rec, append(opts, serdeproto.FileName(fileName))...)
	if err != nil {
		return err
	}

	// Every file, dependencies first; user files are generated into this
	// package, well-known types and buf/validate/validate.proto keep their
	// own go_package (generating them here would register their names
	// twice).
	protos := c.FileDescriptorProtos()
	var generate []string
	for _, fdp := range protos {
		if !isWellKnown(fdp.GetName()) {
			generate = append(generate, fdp.GetName())
		}
	}
	params := []string{"paths=source_relative"}
	for _, p := range generate {
		params = append(params, "M"+p+"="+g.pkg.ImportPath+";"+g.pkg.Name)
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: generate,
		ProtoFile:      protos,
		Parameter:      proto.String(strings.Join(params, ",")),
	}
	plugin, err := protogen.Options{}.New(req)
	if err != nil {
		return fmt.Errorf("protobuf: protogen: %w", err)
	}
	plugin.SupportedFeatures = internal_gengo.SupportedFeatures
	plugin.SupportedEditionsMinimum = internal_gengo.SupportedEditionsMinimum
	plugin.SupportedEditionsMaximum = internal_gengo.SupportedEditionsMaximum
	var goType string
	var rootMsg *protogen.Message
	for _, f := range plugin.Files {
		if !f.Generate {
			continue
		}
		if m := findMessage(f.Messages, c.Message().FullName()); m != nil {
			goType = m.GoIdent.GoName
			rootMsg = m
		}
		if g.done["proto:"+f.Desc.Path()] != "" {
			continue
		}
		internal_gengo.GenerateFile(plugin, f)
	}
	resp := plugin.Response()
	if resp.Error != nil {
		return fmt.Errorf("protobuf: protoc-gen-go: %s", resp.GetError())
	}
	if g.done == nil {
		g.done = map[string]string{}
	}
	for _, rf := range resp.File {
		src := strings.TrimSuffix(rf.GetName(), ".pb.go") + ".proto"
		name := strings.ReplaceAll(strings.TrimSuffix(src, ".proto"), "/", "_") + ".pb.go"
		if _, dup := g.out[name]; dup {
			return fmt.Errorf("protobuf: two files generate %s", name)
		}
		b, err := formatSource([]byte(rf.GetContent()))
		if err != nil {
			return err
		}
		g.out[name] = b
		g.done["proto:"+src] = name
	}
	if goType == "" {
		return fmt.Errorf("protobuf: message %s not found in the generated files", c.Message().FullName())
	}
	f := g.file(fileNameWithout(e, goType, "proto"), e.Source)
	si := &stubInfo{
		e: e, f: f, name: goType, valueType: "*" + goType, recordName: string(c.Message().FullName()),
		canonical: c.Canonical(), fp: serde.Fingerprint(c), refs: rec.seen,
		indexes: append([]int{}, c.MessageIndexes()...), protoFile: fileName,
	}
	if err := g.addStub(si); err != nil {
		return err
	}
	g.protoRoot(f, rootMsg, si.name)
	return nil
}

// fileNameWithout is fileName, kept clear of protoc-gen-go's .pb.go names.
func fileNameWithout(e *Entry, typeName, ext string) string {
	n := fileName(e, typeName, ext)
	return strings.TrimSuffix(n, ".go") + ".schemagen.go"
}

// protoFileName is the path the entry's file gets in its descriptor:
// <package as dirs>/<base name of Source>.
func protoFileName(e *Entry, fd protoreflect.FileDescriptor) string {
	base := path.Base(strings.ReplaceAll(e.Source, "\\", "/"))
	if i := strings.IndexByte(base, '@'); i >= 0 {
		base = base[:i]
	}
	base = strings.TrimSuffix(base, path.Ext(base))
	if base == "" || base == "." || base == "/" {
		base = snake(string(fd.Messages().Get(0).Name()))
	}
	dir := strings.ReplaceAll(string(fd.Package()), ".", "/")
	return path.Join(dir, base+".proto")
}

func isWellKnown(p string) bool {
	return strings.HasPrefix(p, "google/protobuf/") || p == serdeproto.BufValidateImport
}

func findMessage(ms []*protogen.Message, name protoreflect.FullName) *protogen.Message {
	for _, m := range ms {
		if m.Desc.FullName() == name {
			return m
		}
		if n := findMessage(m.Messages, name); n != nil {
			return n
		}
	}
	return nil
}

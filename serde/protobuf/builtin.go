package protobuf

import (
	"context"
	"embed"
	"fmt"
	"io"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Confluent's own imports, which Confluent's registry and serializers know
// without a reference (their "known dependencies"): a schema may import
// them with no file on disk and no reference, as it may the well-known
// types. ConfluentMetaImport's (confluent.field_meta) and
// (confluent.message_meta) options carry tags and inline rules, which
// serde/contract enforces.
const (
	ConfluentMetaImport    = "confluent/meta.proto"
	ConfluentDecimalImport = "confluent/type/decimal.proto"
)

//go:embed builtin/confluent/meta.proto builtin/confluent/type/decimal.proto
var builtinFS embed.FS

var confluentFiles = sync.OnceValues(func() (map[string]protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: func(path string) (io.ReadCloser, error) { return builtinFS.Open("builtin/" + path) },
		}),
	}
	paths := []string{ConfluentMetaImport, ConfluentDecimalImport}
	res, err := c.Compile(context.Background(), paths...)
	if err != nil {
		return nil, err
	}
	out := map[string]protoreflect.FileDescriptor{}
	for i, p := range paths {
		// protobuf-go's own descriptor, on the linked descriptor.proto.
		fd, err := protodesc.NewFile(protodesc.ToFileDescriptorProto(res[i]), protoregistry.GlobalFiles)
		if err != nil {
			return nil, err
		}
		out[p] = fd
	}
	return out, nil
})

// confluentImport returns the descriptor of one of Confluent's known
// imports.
func confluentImport(path string) (protoreflect.FileDescriptor, bool) {
	if path != ConfluentMetaImport && path != ConfluentDecimalImport {
		return nil, false
	}
	files, err := confluentFiles()
	if err != nil {
		// The embedded files are part of this package: a failure is a
		// build mistake, caught by TestBuiltinImports.
		panic(fmt.Sprintf("protobuf: built-in %s: %v", path, err))
	}
	return files[path], true
}

// HasInlineRules reports whether a message reachable from the schema's
// message carries Confluent inline rules: a (confluent.message_meta) or
// (confluent.field_meta) option with rules. serde.CompileContract asks it,
// so that a program without the rule engine refuses such a schema instead
// of skipping its rules.
func (s *Compiled) HasInlineRules() bool {
	if s.msg == nil {
		return false
	}
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor) bool
	walk = func(md protoreflect.MessageDescriptor) bool {
		if seen[md.FullName()] {
			return false
		}
		seen[md.FullName()] = true
		if metaHasRules(md.Options()) {
			return true
		}
		fs := md.Fields()
		for i := 0; i < fs.Len(); i++ {
			fd := fs.Get(i)
			if metaHasRules(fd.Options()) {
				return true
			}
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if fd.Message() != nil && walk(fd.Message()) {
				return true
			}
		}
		return false
	}
	return walk(s.msg)
}

// metaHasRules reports whether options (read in their wire form) hold a
// confluent.Meta (number 1088) with a rule (its field 4).
func metaHasRules(opts proto.Message) bool {
	if opts == nil {
		return false
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return false
	}
	return hasField(b, 1088, func(meta []byte) bool {
		return hasField(meta, 4, func([]byte) bool { return true })
	})
}

// hasField reports whether the wire-form message b has a length-delimited
// field num whose contents satisfy ok.
func hasField(b []byte, num protowire.Number, ok func([]byte) bool) bool {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return false
		}
		b = b[l:]
		m := protowire.ConsumeFieldValue(n, typ, b)
		if m < 0 {
			return false
		}
		if n == num && typ == protowire.BytesType {
			if v, _ := protowire.ConsumeBytes(b); ok(v) {
				return true
			}
		}
		b = b[m:]
	}
	return false
}

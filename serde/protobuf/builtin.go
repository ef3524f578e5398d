package protobuf

import (
	"context"
	"embed"
	"fmt"
	"io"
	"sync"

	"github.com/bufbuild/protocompile"
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

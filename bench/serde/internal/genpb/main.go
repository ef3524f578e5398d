// Command genpb writes internal/benchpb/order.pb.go: protoc-gen-go's code
// for the benchmark's order schema (benchpb.Order), so the Protobuf
// comparison can also run on a generated message. It runs protoc-gen-go's
// generator as a library on protocompile's descriptors, so neither protoc
// nor protoc-gen-go needs to be installed:
//
//	go run ./internal/genpb
package main

import (
	"context"
	"log"
	"os"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/wellknownimports"
	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/pluginpb"

	"github.com/schemagen/schemagen/bench/serde/internal/benchpb"
)

func main() {
	const name = "bench/v1/order.proto"
	c := protocompile.Compiler{Resolver: wellknownimports.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: benchpb.Proto}),
	})}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		log.Fatal(err)
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: []string{name},
		Parameter:      proto.String("paths=source_relative,M" + name + "=github.com/schemagen/schemagen/bench/serde/internal/benchpb"),
	}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		for i := range fd.Imports().Len() {
			add(fd.Imports().Get(i).FileDescriptor)
		}
		req.ProtoFile = append(req.ProtoFile, protodesc.ToFileDescriptorProto(fd))
	}
	add(files[0])
	plugin, err := protogen.Options{}.New(req)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range plugin.Files {
		if f.Generate {
			gengo.GenerateFile(plugin, f)
		}
	}
	resp := plugin.Response()
	if resp.Error != nil {
		log.Fatal(*resp.Error)
	}
	for _, f := range resp.File {
		if err := os.WriteFile("internal/benchpb/order.pb.go", []byte(f.GetContent()), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote internal/benchpb/order.pb.go (%s)", f.GetName())
	}
}

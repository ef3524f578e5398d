// Command gentyped writes internal/typedavro, internal/typedproto and
// internal/typedjson:
// schemagen's generated code (types, AppendAvro / AppendProto encoders,
// producer stubs) for the benchmark's Avro, Protobuf and JSON orders, so that
// the confluent/typed comparison runs on the generated path:
//
//	go run ./internal/gentyped
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"

	"github.com/schemagen/schemagen/bench/serde/internal/benchpb"
	"github.com/schemagen/schemagen/codegen"
	"github.com/schemagen/schemagen/serde"
)

func main() {
	avsc, err := os.ReadFile("../../serde/avro/testdata/order.avsc")
	if err != nil {
		log.Fatal(err)
	}
	gen("typedavro", codegen.Entry{Schema: serde.Schema{Format: serde.Avro, Text: string(avsc)}, Source: "order.avsc", Topic: "orders-avro"})
	// Another file path than benchpb's (bench/v1/order.proto): both
	// register their descriptors, and one binary may link both.
	gen("typedproto", codegen.Entry{Schema: serde.Schema{Format: serde.Protobuf, Text: benchpb.Proto}, Source: "typed_order.proto", Topic: "orders-proto"})
	// The parent package's JSON order (serde/jsonschema's benchmark schema).
	js, err := os.ReadFile("../../serde/jsonschema/testdata/order.schema.json")
	if err != nil {
		log.Fatal(err)
	}
	gen("typedjson", codegen.Entry{Schema: serde.Schema{Format: serde.JSON, Text: string(js)}, Source: "order.schema.json", Topic: "orders-json"})
}

func gen(name string, e codegen.Entry) {
	files, err := codegen.Generate(context.Background(), codegen.Package{
		ImportPath: "github.com/schemagen/schemagen/bench/serde/internal/" + name,
		Entries:    []codegen.Entry{e},
	})
	if err != nil {
		log.Fatal(err)
	}
	dir := filepath.Join("internal", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for f, b := range files {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

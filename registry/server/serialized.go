package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// fileDescribed is a compiled Protobuf schema that exposes its file.
type fileDescribed interface {
	File() protoreflect.FileDescriptor
}

// formatted returns rec's text in the format a client asks for with
// ?format=. Protobuf with "serialized" is the base64 of the schema's
// FileDescriptorProto, which Confluent's Python Protobuf deserializer
// asks for; every other combination is the stored text. It compiles, so
// the caller must not hold mu.
func (s *Server) formatted(ctx context.Context, rec *schemaRec, format string) (string, *apiError) {
	if format != "serialized" || rec.format != serde.Protobuf {
		return rec.text, nil
	}
	if v, ok := s.serializedCache.Load(sid{rec.ctx, rec.id}); ok {
		return v.(string), nil
	}
	c, err := s.cfg.compile(ctx, rec.schema(), s.resolver(rec.ctx))
	if err != nil {
		return "", &apiError{status: http.StatusInternalServerError, code: CodeStoreError, msg: fmt.Sprintf("compile stored schema %d: %v", rec.id, err), err: err}
	}
	fd, ok := c.(fileDescribed)
	if !ok {
		return rec.text, nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(protodesc.ToFileDescriptorProto(fd.File()))
	if err != nil {
		return "", errStore(fmt.Errorf("encode descriptor of schema %d: %w", rec.id, err))
	}
	out := base64.StdEncoding.EncodeToString(b)
	s.serializedCache.Store(sid{rec.ctx, rec.id}, out)
	return out, nil
}

// rawFormatted is the body of the /schema endpoints: the schema text
// itself, not quoted, as Confluent's registry answers (JSON for Avro and
// JSON Schema, .proto text for Protobuf), or in the format the request
// asks for. The caller must not hold mu.
func (s *Server) rawFormatted(r *http.Request, rec *schemaRec) (any, *apiError) {
	text, aerr := s.formatted(r.Context(), rec, r.URL.Query().Get("format"))
	if aerr != nil {
		return nil, aerr
	}
	return rawBody(text), nil
}

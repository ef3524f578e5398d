package protobuf

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// Format reports serde.Protobuf.
func (s *Compiled) Format() serde.Format { return serde.Protobuf }

// Schema returns the text and references s was compiled from.
func (s *Compiled) Schema() serde.Schema { return s.src }

// File returns the descriptor of the schema's own file.
func (s *Compiled) File() protoreflect.FileDescriptor { return s.file }

// Message returns the descriptor of the message the schema encodes, or nil
// when the file declares no message (such a schema compiles, so that it can
// be registered and referenced, but encodes nothing).
func (s *Compiled) Message() protoreflect.MessageDescriptor { return s.msg }

// Files returns the schema's file and every file it imports, transitively,
// including the well-known types it uses.
func (s *Compiled) Files() *protoregistry.Files { return s.files }

// FileDescriptorProtos returns the schema's file and everything it imports
// as descriptor protos, every file after its imports and the schema's own
// file last: the order a protoc plugin request (protogen) wants. Source
// info (comments) is kept. Each call returns fresh copies.
func (s *Compiled) FileDescriptorProtos() []*descriptorpb.FileDescriptorProto {
	var out []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var walk func(fd protoreflect.FileDescriptor)
	walk = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		for i := 0; i < imps.Len(); i++ {
			walk(imps.Get(i).FileDescriptor)
		}
		out = append(out, protodesc.ToFileDescriptorProto(fd))
	}
	walk(s.file)
	return out
}

// Types returns the message, enum and extension types of Files as dynamicpb
// types, for protojson and Any resolution.
func (s *Compiled) Types() *dynamicpb.Types { return s.types }

// MessageIndexes returns the message-index path of Message: its position
// among the file's top-level messages, then among the nested messages of
// that message, and so on. The first top-level message is [0]. The caller
// must not modify the slice.
func (s *Compiled) MessageIndexes() []int { return s.indexes }

// New returns an empty dynamicpb message of the schema's message type, or
// nil when the schema has no message.
func (s *Compiled) New() proto.Message {
	if s.msg == nil {
		return nil
	}
	return dynamicpb.NewMessage(s.msg)
}

// asMessage checks that v is a usable message whose type has the schema
// message's full name.
func (s *Compiled) asMessage(v any) (protoreflect.Message, error) {
	if s.msg == nil {
		return nil, serde.Violation("", serde.ErrType, "schema %s declares no message", s.file.Path())
	}
	if v == nil {
		return nil, serde.Violation("", serde.ErrType, "expected proto.Message %s, got nil", s.msg.FullName())
	}
	pm, ok := v.(proto.Message)
	if !ok {
		return nil, serde.Violation("", serde.ErrType, "expected proto.Message %s, got %T", s.msg.FullName(), v)
	}
	m := pm.ProtoReflect()
	if name := m.Descriptor().FullName(); name != s.msg.FullName() {
		return nil, serde.Violation("", serde.ErrType, "expected message %s, got %s", s.msg.FullName(), name)
	}
	if !m.IsValid() {
		return nil, serde.Violation("", serde.ErrRequired, "nil %T message", v)
	}
	return m, nil
}

// String describes s for logs.
func (s *Compiled) String() string {
	if s.msg == nil {
		return fmt.Sprintf("protobuf (%s)", s.file.Path())
	}
	return fmt.Sprintf("protobuf %s (%s)", s.msg.FullName(), s.file.Path())
}

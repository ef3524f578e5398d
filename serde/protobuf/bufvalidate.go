package protobuf

import (
	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// BufValidateImport is the import path of buf's protovalidate constraints.
// Like the well-known types it is built in: a schema may import it with no
// file on disk and no reference, and serde/contract enforces its
// constraints (buf.validate.field, .oneof, .message) with protovalidate-go.
const BufValidateImport = "buf/validate/validate.proto"

// builtinImport returns the descriptor of a built-in import other than the
// well-known types.
func builtinImport(path string) (protoreflect.FileDescriptor, bool) {
	if path == BufValidateImport {
		return validate.File_buf_validate_validate_proto, true
	}
	return confluentImport(path)
}

// ImportsBufValidate reports whether the schema's file, or one it imports,
// imports buf/validate/validate.proto: whether its messages may carry
// protovalidate constraints.
func (s *Compiled) ImportsBufValidate() bool {
	seen := map[string]bool{}
	var walk func(fd protoreflect.FileDescriptor) bool
	walk = func(fd protoreflect.FileDescriptor) bool {
		if seen[fd.Path()] {
			return false
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		for i := 0; i < imps.Len(); i++ {
			if imps.Get(i).Path() == BufValidateImport || walk(imps.Get(i).FileDescriptor) {
				return true
			}
		}
		return false
	}
	return s.file != nil && walk(s.file)
}

package server

import (
	"encoding/base64"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/schemagen/schemagen/serde/protobuf"
)

// Confluent's clients may send a Protobuf schema as the base64 of its
// FileDescriptorProto instead of .proto text (Python's ProtobufSerializer
// does). Like Confluent's registry, the server turns it into .proto text
// (serde/protobuf's printer, the form Canonical writes) before anything
// else, so it is stored, compared and served as text.

// descriptorText returns the .proto text of a base64 FileDescriptorProto,
// and false when text is not one.
func descriptorText(text string) (string, bool, error) {
	t := strings.TrimSpace(text)
	if t == "" || strings.ContainsAny(t, " \t\n;{}\"") {
		return "", false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		return "", false, nil
	}
	var fdp descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(raw, &fdp); err != nil {
		return "", false, nil
	}
	out, err := protobuf.FileText(&fdp)
	if err != nil {
		return "", true, err
	}
	return out, true, nil
}

package server

import (
	"bytes"
	"encoding/base64"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/schemagen/schemagen/registry/compat"
)

// FuzzReplay feeds arbitrary log files to replay: it never panics, and
// what it keeps is whole lines.
func FuzzReplay(f *testing.F) {
	f.Add([]byte("{\"op\":\"register\",\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\"}\n{\"op\":\"delete\",\"subject\":\"s\",\"version\":1}\n"))
	f.Add([]byte("{\"op\":\"config\",\"compatibility\":\"NONE\"}\n{\"op\":\"mode\",\"subject\":\"x\",\"mode\":\"IMPORT\"}\n{\"op\":\"conf"))
	f.Add([]byte("{\"op\":\"delete\",\"subject\":\"s\",\"permanent\":true}\n"))
	f.Add([]byte("\n\n  \n"))
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		st := newState(compat.Backward)
		good, err := replay(data, st.apply)
		if good < 0 || good > int64(len(data)) {
			t.Fatalf("kept %d of %d bytes", good, len(data))
		}
		if err == nil && good > 0 && data[good-1] != '\n' {
			t.Fatalf("kept a partial line: %q", data[:good])
		}
		if err == nil && bytes.IndexByte(data[good:], '\n') >= 0 {
			t.Fatalf("stopped before a complete line without an error")
		}
	})
}

// FuzzDescriptorText feeds arbitrary text and descriptors to the
// base64 FileDescriptorProto reader: it never panics.
func FuzzDescriptorText(f *testing.F) {
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("a.proto"), Package: proto.String("a"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("M"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("x"), Number: proto.Int32(1), OneofIndex: proto.Int32(3),
				Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			}},
		}},
	}
	b, _ := proto.Marshal(fdp)
	f.Add(base64.StdEncoding.EncodeToString(b))
	f.Add("syntax = \"proto3\";")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, text string) {
		_, _, _ = descriptorText(text)
	})
}

package contract

import (
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Confluent's confluent/meta.proto: the field option
// (confluent.field_meta) = 1088 holds a confluent.Meta, whose tags are
// field 3.
const (
	fieldMetaNumber = 1088
	metaTagsNumber  = 3
)

// fieldMetaTags returns the tags of fd's (confluent.field_meta) option.
// The option is read from the options' wire form, so it is found whether
// the extension is linked into the program, known only to the schema's
// own descriptors, or left as unknown bytes.
func fieldMetaTags(fd protoreflect.FieldDescriptor) []string {
	opts := fd.Options()
	if opts == nil {
		return nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return nil
	}
	var tags []string
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return tags
		}
		b = b[n:]
		if num == fieldMetaNumber && typ == protowire.BytesType {
			meta, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return tags
			}
			tags = append(tags, metaTags(meta)...)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return tags
		}
		b = b[m:]
	}
	return tags
}

func metaTags(b []byte) []string {
	var tags []string
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return tags
		}
		b = b[n:]
		if num == metaTagsNumber && typ == protowire.BytesType {
			s, m := protowire.ConsumeString(b)
			if m < 0 {
				return tags
			}
			tags = append(tags, s)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return tags
		}
		b = b[m:]
	}
	return tags
}

package contract

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// ProtoInlineRules lists the inline rules (confluent.Meta's rules on
// message_meta and field_meta options) of every message reachable from md,
// by the full name of the message or field they are written on. Tools that
// compare two versions of a schema's rules (schemagen check) read them
// here, as New does.
func ProtoInlineRules(md protoreflect.MessageDescriptor) map[string][]serde.InlineRule {
	out := map[string][]serde.InlineRule{}
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		if seen[md.FullName()] {
			return
		}
		seen[md.FullName()] = true
		if rs := optionMeta(md.Options()).rules; len(rs) > 0 {
			out[string(md.FullName())] = rs
		}
		fs := md.Fields()
		for i := 0; i < fs.Len(); i++ {
			fd := fs.Get(i)
			if rs := optionMeta(fd.Options()).rules; len(rs) > 0 {
				out[string(fd.FullName())] = rs
			}
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if fd.Message() != nil {
				walk(fd.Message())
			}
		}
	}
	walk(md)
	return out
}

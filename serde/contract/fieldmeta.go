package contract

import (
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// Confluent's confluent/meta.proto (built into serde/protobuf): the
// options (confluent.field_meta) and (confluent.message_meta), number 1088
// on FieldOptions and MessageOptions, hold a confluent.Meta, whose tags are
// field 3 and whose inline rules are field 4, each a confluent.Rule of
// name 1, doc 2, expr 3.
const (
	metaOptionNumber = 1088
	metaTagsNumber   = 3
	metaRulesNumber  = 4
	ruleNameNumber   = 1
	ruleDocNumber    = 2
	ruleExprNumber   = 3
)

// protoMeta is what a declaration's confluent.Meta option says to rules.
type protoMeta struct {
	tags  []string
	rules []serde.InlineRule
}

// optionMeta reads the confluent.Meta option of a declaration's options
// (a FieldOptions or MessageOptions). The option is read from the options'
// wire form, so it is found whether the extension is linked into the
// program, known only to the schema's own descriptors, or left as unknown
// bytes. Several occurrences merge, as protobuf merges a message field.
func optionMeta(opts proto.Message) protoMeta {
	var out protoMeta
	if opts == nil {
		return out
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return out
	}
	eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) {
		if num != metaOptionNumber || typ != protowire.BytesType {
			return
		}
		eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) {
			if typ != protowire.BytesType {
				return
			}
			switch num {
			case metaTagsNumber:
				out.tags = append(out.tags, string(v))
			case metaRulesNumber:
				var r serde.InlineRule
				eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) {
					if typ != protowire.BytesType {
						return
					}
					switch num {
					case ruleNameNumber:
						r.Name = string(v)
					case ruleDocNumber:
						r.Doc = string(v)
					case ruleExprNumber:
						r.Expr = string(v)
					}
				})
				out.rules = append(out.rules, r)
			}
		})
	})
	return out
}

// eachField calls f with every field of the wire-form message b; a
// length-delimited field's v is its contents, other fields' v is nil. It
// stops at the first malformed byte.
func eachField(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte)) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return
			}
			f(num, typ, v)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return
		}
		f(num, typ, nil)
		b = b[m:]
	}
}

// fieldMetaTags returns the tags of fd's (confluent.field_meta) option.
func fieldMetaTags(fd protoreflect.FieldDescriptor) []string {
	return optionMeta(fd.Options()).tags
}

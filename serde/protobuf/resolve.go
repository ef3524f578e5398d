package protobuf

import (
	"fmt"

	"github.com/schemagen/schemagen/serde"
)

// ResolveWriter returns the decoder of records written with writer into
// messages of s: Protobuf reads across versions by field number, so the
// payload is decoded with s's message type and fields the writer had but s
// lacks are kept as unknown fields (re-encoding the message writes them
// back). The writer's message must have the same full name as s's; if not,
// the error wraps serde.ErrSchemaMismatch.
func (s *Compiled) ResolveWriter(writer serde.Compiled) (func(data []byte, v any) error, error) {
	w, ok := writer.(*Compiled)
	if !ok || w == nil {
		if writer == nil {
			return nil, fmt.Errorf("%w: nil writer schema", serde.ErrSchemaMismatch)
		}
		return nil, fmt.Errorf("protobuf: %w: the writer schema is %s, not Protobuf", serde.ErrSchemaMismatch, writer.Format())
	}
	if w.msg.FullName() != s.msg.FullName() {
		return nil, fmt.Errorf("protobuf: %w: the writer's message is %s, the reader's %s", serde.ErrSchemaMismatch, w.msg.FullName(), s.msg.FullName())
	}
	return s.Decode, nil
}

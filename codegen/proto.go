package codegen

import (
	"context"
	"errors"
)

func (g *generator) protoEntry(ctx context.Context, e *Entry) error {
	return errors.New("protobuf: not implemented yet")
}

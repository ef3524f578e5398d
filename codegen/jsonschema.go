package codegen

import (
	"context"
	"errors"
)

func (g *generator) jsonEntry(ctx context.Context, e *Entry) error {
	return errors.New("json schema: not implemented yet")
}

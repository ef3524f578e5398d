package codegen

import (
	"context"
	"errors"
)

func (g *generator) avroEntry(ctx context.Context, e *Entry) error {
	return errors.New("avro: not implemented yet")
}

package protobuf

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// A Schema is shared by every goroutine of a producer; plans are built on
// first use of each descriptor, concurrently.
func TestConcurrentUse(t *testing.T) {
	env := envelopeSchema(t)
	other := compileText(t, `syntax = "proto2"; package legacy; message Item { required string sku = 1; }`)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				e := validEnvelope(env)
				if g%2 == 0 {
					// A foreign Item without sku: its plan is built concurrently.
					e.add("items", newMsg(other.Message()))
				}
				_, err := env.AppendEncode(nil, e.m)
				switch {
				case g%2 == 0 && !errors.Is(err, serde.ErrRequired):
					errs <- err
					return
				case g%2 == 1 && err != nil:
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected result: %v", err)
	}
}

func TestCompileCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		return serde.Schema{}, ctx.Err()
	})
	_, err := Compile(ctx, serde.Schema{Text: envelopeProto}, r)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

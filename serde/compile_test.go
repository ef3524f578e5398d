package serde

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type fakeCompiled struct{ Compiled }

func TestCompileDispatch(t *testing.T) {
	compilers.mu.Lock()
	saved := compilers.m
	compilers.m = nil
	compilers.mu.Unlock()
	t.Cleanup(func() {
		compilers.mu.Lock()
		compilers.m = saved
		compilers.mu.Unlock()
	})
	var got Schema
	RegisterCompiler(JSON, func(_ context.Context, s Schema, r Resolver) (Compiled, error) {
		if r == nil {
			t.Error("compiler got a nil resolver")
		}
		got = s
		return fakeCompiled{}, nil
	})
	tests := []struct {
		name   string
		schema Schema
		want   error
		frag   string
	}{
		{name: "registered format", schema: Schema{Format: "jsonschema", Text: "{}"}},
		{name: "format not linked", schema: Schema{Format: Avro, Text: `"long"`}, want: ErrSchema, frag: "import github.com/schemagen/schemagen/serde/avro"},
		{name: "empty format is avro", schema: Schema{Text: `"long"`}, want: ErrSchema, frag: "no AVRO compiler"},
		{name: "unknown format", schema: Schema{Format: "XML", Text: "<a/>"}, want: ErrSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(context.Background(), tt.schema, nil)
			if tt.want == nil {
				if err != nil || c == nil || got.Format != JSON {
					t.Fatalf("Compile = %v, %v (compiler saw format %q)", c, err, got.Format)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.frag) {
				t.Fatalf("Compile error = %v, want %v containing %q", err, tt.want, tt.frag)
			}
		})
	}
}

package serde

import (
	"context"
	"fmt"
	"sync"
)

// CompileFunc compiles a schema of one format, resolving its references
// through r. Each format package has one (avro.Compiler, protobuf.Compiler,
// jsonschema.Compiler); producer.SchemaSource takes one.
type CompileFunc func(ctx context.Context, s Schema, r Resolver) (Compiled, error)

var compilers struct {
	mu sync.RWMutex
	m  map[Format]CompileFunc
}

// RegisterCompiler makes Compile handle format f with fn. Each format
// package registers its compiler when it is imported (as image/png does for
// image.Decode), so a program links the formats it imports and no others.
func RegisterCompiler(f Format, fn CompileFunc) {
	compilers.mu.Lock()
	defer compilers.mu.Unlock()
	if compilers.m == nil {
		compilers.m = map[Format]CompileFunc{}
	}
	compilers.m[f] = fn
}

// Compile compiles s with the compiler registered for its format. A format
// whose package the program does not import is an error wrapping ErrSchema
// that names the package to import.
func Compile(ctx context.Context, s Schema, r Resolver) (Compiled, error) {
	f, err := ParseFormat(string(s.Format))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	compilers.mu.RLock()
	fn := compilers.m[f]
	compilers.mu.RUnlock()
	if fn == nil {
		return nil, fmt.Errorf("%w: no %s compiler linked in: import %s (or serde/formats for all formats)", ErrSchema, f, formatPackage[f])
	}
	s.Format = f
	if r == nil {
		r = MapResolver{}
	}
	return fn(ctx, s, r)
}

var formatPackage = map[Format]string{
	Avro:     "github.com/schemagen/schemagen/serde/avro",
	Protobuf: "github.com/schemagen/schemagen/serde/protobuf",
	JSON:     "github.com/schemagen/schemagen/serde/jsonschema",
}

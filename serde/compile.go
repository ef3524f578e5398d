package serde

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"
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

// CheckUTF8 returns an error wrapping ErrSchema when text, a schema or a
// reference named by what, is not valid UTF-8, and nil when it is. Each
// format's Compile refuses such text before parsing: JSON and .proto text
// is UTF-8, and the parsers would read each bad byte as U+FFFD, so two
// property names that differ only in bad bytes became one (a JSON Schema
// lost a property; an Avro canonical text repeated a key and changed when
// compiled again, which FuzzCompile found).
func CheckUTF8(what, text string) error {
	if utf8.ValidString(text) {
		return nil
	}
	for i, r := range text {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(text[i:]); n == 1 {
				return fmt.Errorf("%w: %s is not valid UTF-8 (byte %d)", ErrSchema, what, i)
			}
		}
	}
	return fmt.Errorf("%w: %s is not valid UTF-8", ErrSchema, what)
}

package compat

import (
	"context"
	"fmt"
	"strings"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
)

// Level is a compatibility level with the registry's spelling.
type Level string

// The seven levels.
const (
	None               Level = "NONE"
	Backward           Level = "BACKWARD"
	BackwardTransitive Level = "BACKWARD_TRANSITIVE"
	Forward            Level = "FORWARD"
	ForwardTransitive  Level = "FORWARD_TRANSITIVE"
	Full               Level = "FULL"
	FullTransitive     Level = "FULL_TRANSITIVE"
)

// Levels lists every level.
var Levels = []Level{None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive}

// ParseLevel parses a level, case-insensitively.
func ParseLevel(s string) (Level, error) {
	l := Level(strings.ToUpper(strings.TrimSpace(s)))
	for _, x := range Levels {
		if l == x {
			return l, nil
		}
	}
	return "", fmt.Errorf("compat: unknown compatibility level %q", s)
}

// Finding is one reason a change is incompatible.
type Finding = report.Finding

// Result is a verdict with the findings behind it.
type Result struct {
	Compatible bool      `json:"is_compatible"`
	Findings   []Finding `json:"findings,omitempty"`
}

// Version is an existing schema of a subject with its version number.
type Version struct {
	Version int
	Schema  serde.Schema
}

// Checker checks a new schema against a subject's existing versions. The
// registry server takes one, so a test can swap in another.
type Checker interface {
	Check(ctx context.Context, level Level, next serde.Schema, existing []Version, r serde.Resolver) (Result, error)
}

// Default is the checker that implements Confluent Schema Registry's rules
// for the three formats.
var Default Checker = checker{}

// Check checks next against existing (oldest first) at level with the
// default checker.
func Check(ctx context.Context, level Level, next serde.Schema, existing []Version, r serde.Resolver) (Result, error) {
	return Default.Check(ctx, level, next, existing, r)
}

// CanRead reports whether a reader with schema reader can read data written
// with schema writer: the one directional question every level is built from.
func CanRead(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	if reader.Format != writer.Format && !(isAvro(reader.Format) && isAvro(writer.Format)) {
		return []Finding{{Rule: "SCHEMA_TYPE_CHANGED", Message: fmt.Sprintf("schema type changed from %s to %s", formatName(writer.Format), formatName(reader.Format))}}, nil
	}
	f, ok := readers[formatName(reader.Format)]
	if !ok {
		return nil, fmt.Errorf("compat: no checker for format %q", reader.Format)
	}
	return f(ctx, reader, writer, r)
}

// CheckPolicy is Check with JSON Schema compared under policy p at every
// level (Confluent's compatibilityPolicy); Avro and Protobuf ignore it.
func CheckPolicy(ctx context.Context, level Level, p JSONPolicy, next serde.Schema, existing []Version, r serde.Resolver) (Result, error) {
	return checker{policy: p}.Check(ctx, level, next, existing, r)
}

// PolicyChecker returns the default checker with JSON Schema compared
// under policy p, for the registry server's Checker option.
func PolicyChecker(p JSONPolicy) Checker { return checker{policy: p} }

type checker struct {
	policy JSONPolicy
}

// canRead is CanRead under the checker's JSON Schema policy.
func (c checker) canRead(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error) {
	if c.policy != JSONStrict && reader.Format == serde.JSON && writer.Format == serde.JSON {
		return CanReadJSON(ctx, c.policy, reader, writer, r)
	}
	return CanRead(ctx, reader, writer, r)
}

func (c checker) Check(ctx context.Context, level Level, next serde.Schema, existing []Version, r serde.Resolver) (Result, error) {
	var against []Version
	switch level {
	case None:
		return Result{Compatible: true}, nil
	case Backward, Forward, Full:
		if n := len(existing); n > 0 {
			against = existing[n-1:]
		}
	case BackwardTransitive, ForwardTransitive, FullTransitive:
		against = existing
	default:
		return Result{}, fmt.Errorf("compat: unknown compatibility level %q", level)
	}
	backward := level == Backward || level == BackwardTransitive || level == Full || level == FullTransitive
	forward := level == Forward || level == ForwardTransitive || level == Full || level == FullTransitive
	var res Result
	// Newest first, as Confluent reports.
	for i := len(against) - 1; i >= 0; i-- {
		old := against[i]
		if backward {
			fs, err := c.canRead(ctx, next, old.Schema, r)
			if err != nil {
				return Result{}, err
			}
			res.Findings = appendVersion(res.Findings, fs, old.Version)
		}
		if forward {
			fs, err := c.canRead(ctx, old.Schema, next, r)
			if err != nil {
				return Result{}, err
			}
			res.Findings = appendVersion(res.Findings, fs, old.Version)
		}
	}
	res.Compatible = len(res.Findings) == 0
	return res, nil
}

func appendVersion(dst, fs []Finding, v int) []Finding {
	for _, f := range fs {
		f.Version = v
		dst = append(dst, f)
	}
	return dst
}

func isAvro(f serde.Format) bool { return f == "" || f == serde.Avro }

func formatName(f serde.Format) serde.Format {
	if f == "" {
		return serde.Avro
	}
	return f
}

// readerFunc answers CanRead for one format.
type readerFunc func(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Finding, error)

// readers is filled by the per-format files of this package.
var readers = map[serde.Format]readerFunc{}

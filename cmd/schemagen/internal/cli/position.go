package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// located is a finding with the side its position is in: compat places a
// finding in the reader's text, which is the new schema for the backward
// half of a level and the old one for the forward half.
type located struct {
	compat.Finding
	inOld bool
}

// checkLevel runs level's checks as compat.Check does (newest version
// first, backward then forward) and says which text each position is in.
func checkLevel(ctx context.Context, level compat.Level, next serde.Schema, existing []compat.Version, r serde.Resolver) ([]located, error) {
	var against []compat.Version
	switch level {
	case compat.None:
		return nil, nil
	case compat.Backward, compat.Forward, compat.Full:
		if n := len(existing); n > 0 {
			against = existing[n-1:]
		}
	case compat.BackwardTransitive, compat.ForwardTransitive, compat.FullTransitive:
		against = existing
	default:
		return nil, fmt.Errorf("unknown compatibility level %q", level)
	}
	backward := level == compat.Backward || level == compat.BackwardTransitive || level == compat.Full || level == compat.FullTransitive
	forward := level == compat.Forward || level == compat.ForwardTransitive || level == compat.Full || level == compat.FullTransitive
	var out []located
	for i := len(against) - 1; i >= 0; i-- {
		old := against[i]
		if backward {
			fs, err := compat.CanRead(ctx, next, old.Schema, r)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				f.Version = old.Version
				out = append(out, located{Finding: f})
			}
		}
		if forward {
			fs, err := compat.CanRead(ctx, old.Schema, next, r)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				f.Version = old.Version
				out = append(out, located{Finding: f, inOld: true})
			}
		}
	}
	return out, nil
}

// locateIn maps a finding's path onto a schema text that has no position
// for it (the local file, for a finding placed in the registry's copy of
// an old version): the declaration of the path's last element, else of
// the closest ancestor the text declares. 0, 0 when none is found.
func locateIn(text string, format serde.Format, path string) (line, col int) {
	for _, name := range pathNames(format, path) {
		if re := declaration(format, name); re != nil {
			if loc := re.FindStringIndex(text); loc != nil {
				return lineCol(text, loc[0])
			}
		}
	}
	return 0, 0
}

// pathNames are the names along a finding's path, innermost first.
func pathNames(format serde.Format, path string) []string {
	var parts []string
	switch format {
	case serde.JSON:
		for _, p := range strings.Split(strings.TrimPrefix(path, "#"), "/") {
			p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
			switch p {
			case "", "properties", "items", "$defs", "definitions", "patternProperties", "additionalProperties":
				continue
			}
			parts = append(parts, p)
		}
	default: // Avro and Protobuf: dotted names, Avro with [] and {} for arrays and maps
		for _, p := range strings.Split(path, ".") {
			p = strings.TrimRight(p, "[]{}")
			if p != "" {
				parts = append(parts, p)
			}
		}
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return parts
}

// declaration matches where a format's text declares name.
func declaration(format serde.Format, name string) *regexp.Regexp {
	q := regexp.QuoteMeta(name)
	switch format {
	case serde.JSON:
		return regexp.MustCompile(`"` + q + `"\s*:`)
	case serde.Protobuf:
		return regexp.MustCompile(`(?m)(\b(message|enum|oneof)\s+` + q + `\b|\b` + q + `\s*=\s*-?\d+)`)
	}
	return regexp.MustCompile(`"name"\s*:\s*"` + q + `"`)
}

// lineCol is the 1-based line and column (in bytes) of offset in text.
func lineCol(text string, offset int) (line, col int) {
	line = 1 + strings.Count(text[:offset], "\n")
	return line, offset - strings.LastIndexByte(text[:offset], '\n')
}

// Package avrocompat decides whether an Avro reader schema can read data
// written with a writer schema, with the schema-resolution rules of the Avro
// specification as Apache Avro's Java SchemaCompatibility applies them, which
// is what Confluent Schema Registry runs for Avro.
//
// The rule IDs are Apache Avro's incompatibility types (TYPE_MISMATCH,
// NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
// READER_FIELD_MISSING_DEFAULT_VALUE, MISSING_UNION_BRANCH) plus
// READER_FIELD_AMBIGUOUS, where Java throws instead; docs/COMPATIBILITY.md (Avro)
// describes each. Logical types are ignored, as Apache Avro ignores them.
package avrocompat

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
)

// Rule IDs.
const (
	RuleTypeMismatch         = "TYPE_MISMATCH"
	RuleNameMismatch         = "NAME_MISMATCH"
	RuleFixedSizeMismatch    = "FIXED_SIZE_MISMATCH"
	RuleMissingEnumSymbols   = "MISSING_ENUM_SYMBOLS"
	RuleMissingDefault       = "READER_FIELD_MISSING_DEFAULT_VALUE"
	RuleMissingUnionBranch   = "MISSING_UNION_BRANCH"
	RuleReaderFieldAmbiguous = "READER_FIELD_AMBIGUOUS"
)

// Incompatibility is one finding together with the location Apache Avro's
// checker reports for it: a JSON-pointer-like path through the reader
// schema, where union steps index the writer's branches ("/fields/1/type/0").
type Incompatibility struct {
	report.Finding
	Location string

	// readerPtr is the JSON pointer of the reader schema's element, for
	// its position in the reader's text.
	readerPtr string
}

// CanRead reports why a reader with schema reader cannot read data written
// with schema writer; no findings means it can. Schema text that does not
// parse gives an error wrapping serde.ErrSchema; text over the limits gives
// an error wrapping serde.ErrLimit.
func CanRead(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]report.Finding, error) {
	incs, err := CheckSchemas(ctx, reader, writer, r)
	if err != nil {
		return nil, err
	}
	var out []report.Finding
	for _, inc := range incs {
		out = append(out, inc.Finding)
	}
	return out, nil
}

// CheckSchemas parses both schemas and compares them with Check.
func CheckSchemas(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]Incompatibility, error) {
	rs, err := parse(ctx, reader, r)
	if err != nil {
		return nil, fmt.Errorf("avro reader schema: %w", err)
	}
	ws, err := parse(ctx, writer, r)
	if err != nil {
		return nil, fmt.Errorf("avro writer schema: %w", err)
	}
	incs, err := Check(rs, ws)
	if err != nil || len(incs) == 0 {
		return incs, err
	}
	pos := scanPositions(reader.Text)
	for i := range incs {
		incs[i].Line, incs[i].Col = pos.locate(incs[i].readerPtr)
	}
	return incs, nil
}

// Check compares two parsed schemas. It returns an error wrapping
// serde.ErrLimit when the comparison would take more than MaxSteps steps.
func Check(reader, writer avro.Schema) ([]Incompatibility, error) {
	c := &checker{memo: map[pair]verdict{}, reported: map[pair]bool{}, fields: map[*avro.RecordSchema]map[string][]*avro.Field{}}
	c.collect(reader, writer, rootPath(reader), "", "", "")
	if c.overLimit {
		return nil, fmt.Errorf("%w: comparing the schemas takes more than %d steps", serde.ErrLimit, MaxSteps)
	}
	return c.out, nil
}

type pair struct{ r, w avro.Schema }

type verdict uint8

const (
	inProgress verdict = iota + 1
	compatible
	incompatible
)

type checker struct {
	fields    map[*avro.RecordSchema]map[string][]*avro.Field // writer fields by name
	memo      map[pair]verdict
	reported  map[pair]bool
	steps     int
	overLimit bool
	out       []Incompatibility
}

func deref(s avro.Schema) avro.Schema {
	if ref, ok := s.(*avro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

func (c *checker) step() bool {
	c.steps++
	if c.steps > MaxSteps {
		c.overLimit = true
		return false
	}
	return true
}

// ok answers the question without findings, memoized per pair of schema
// nodes. A pair already being compared is assumed compatible: that breaks
// the loop on recursive types, and any real difference on the cycle is
// found where the cycle is entered.
func (c *checker) ok(r, w avro.Schema) bool {
	r, w = deref(r), deref(w)
	key := pair{r, w}
	switch c.memo[key] {
	case inProgress, compatible:
		return true
	case incompatible:
		return false
	}
	if !c.step() {
		return true
	}
	c.memo[key] = inProgress
	res := c.match(r, w)
	if res {
		c.memo[key] = compatible
	} else {
		c.memo[key] = incompatible
	}
	return res
}

func (c *checker) match(r, w avro.Schema) bool {
	if r.Type() == w.Type() {
		switch r.Type() {
		case avro.Array:
			return c.ok(r.(*avro.ArraySchema).Items(), w.(*avro.ArraySchema).Items())
		case avro.Map:
			return c.ok(r.(*avro.MapSchema).Values(), w.(*avro.MapSchema).Values())
		case avro.Fixed:
			rf, wf := r.(*avro.FixedSchema), w.(*avro.FixedSchema)
			return namesMatch(rf, wf) && rf.Size() == wf.Size()
		case avro.Enum:
			re, we := r.(*avro.EnumSchema), w.(*avro.EnumSchema)
			return namesMatch(re, we) && (len(missingSymbols(re, we)) == 0 || enumDefault(re))
		case avro.Record:
			rr, wr := r.(*avro.RecordSchema), w.(*avro.RecordSchema)
			if !namesMatch(rr, wr) {
				return false
			}
			for _, rf := range rr.Fields() {
				wf, n := c.writerField(wr, rf)
				switch {
				case n > 1:
					return false
				case n == 0:
					if !rf.HasDefault() {
						return false
					}
				case !c.ok(rf.Type(), wf.Type()):
					return false
				}
			}
			return true
		case avro.Union:
			for _, wb := range w.(*avro.UnionSchema).Types() {
				if !c.ok(r, wb) {
					return false
				}
			}
			return true
		}
		return true // primitives
	}
	if wu, ok := w.(*avro.UnionSchema); ok {
		for _, wb := range wu.Types() {
			if !c.ok(r, wb) {
				return false
			}
		}
		return true
	}
	if ru, ok := r.(*avro.UnionSchema); ok {
		for _, rb := range ru.Types() {
			if c.ok(rb, w) {
				return true
			}
		}
		return false
	}
	return promotes(w.Type(), r.Type())
}

// collect walks the pair as Apache Avro's checker does and records every
// incompatibility with its path (path: reader field path; loc: Avro's
// location; rptr: the JSON pointer of r in the reader's text; field: the
// reader field whose type this is, if directly).
func (c *checker) collect(r, w avro.Schema, path, loc, rptr, field string) {
	r, w = deref(r), deref(w)
	key := pair{r, w}
	if c.overLimit || c.reported[key] {
		return
	}
	if !c.step() {
		return
	}
	if isNamed(r) {
		// Report a pair of named types once; this also ends recursion.
		c.reported[key] = true
	}
	if r.Type() == w.Type() {
		switch r.Type() {
		case avro.Array:
			c.collect(r.(*avro.ArraySchema).Items(), w.(*avro.ArraySchema).Items(), path+"[]", loc+"/items", rptr+"/items", "")
		case avro.Map:
			c.collect(r.(*avro.MapSchema).Values(), w.(*avro.MapSchema).Values(), path+"{}", loc+"/values", rptr+"/values", "")
		case avro.Fixed:
			rf, wf := r.(*avro.FixedSchema), w.(*avro.FixedSchema)
			c.checkNames(rf, wf, path, loc, rptr)
			if rf.Size() != wf.Size() {
				c.add(RuleFixedSizeMismatch, path, loc+"/size", rptr+"/size",
					"fixed %q has size %d, the writer's %q has size %d", rf.FullName(), rf.Size(), wf.FullName(), wf.Size())
			}
		case avro.Enum:
			re, we := r.(*avro.EnumSchema), w.(*avro.EnumSchema)
			c.checkNames(re, we, path, loc, rptr)
			if miss := missingSymbols(re, we); len(miss) > 0 && !enumDefault(re) {
				c.add(RuleMissingEnumSymbols, path, loc+"/symbols", rptr+"/symbols",
					"enum %q lacks the writer's symbols %s and has no default", re.FullName(), strings.Join(miss, ", "))
			}
		case avro.Record:
			c.collectRecord(r.(*avro.RecordSchema), w.(*avro.RecordSchema), path, loc, rptr)
		case avro.Union:
			ru := r.(*avro.UnionSchema)
			for i, wb := range w.(*avro.UnionSchema).Types() {
				if !c.ok(ru, wb) {
					c.missingBranch(ru, wb, path, loc+"/"+strconv.Itoa(i), rptr, field)
				}
			}
		}
		return
	}
	if wu, ok := w.(*avro.UnionSchema); ok {
		for i, wb := range wu.Types() {
			c.collect(r, wb, path, loc+"/"+strconv.Itoa(i), rptr, field)
		}
		return
	}
	if ru, ok := r.(*avro.UnionSchema); ok {
		if !c.ok(ru, w) {
			c.missingBranch(ru, w, path, loc, rptr, field)
		}
		return
	}
	if !promotes(w.Type(), r.Type()) {
		msg := fmt.Sprintf("%s cannot read the writer's %s", describe(r), describe(w))
		if field != "" {
			msg = fmt.Sprintf("field %q has type %s, which cannot read the writer's %s", field, describe(r), describe(w))
		}
		c.add(RuleTypeMismatch, path, loc, rptr, "%s", msg)
	}
}

func (c *checker) collectRecord(r, w *avro.RecordSchema, path, loc, rptr string) {
	c.checkNames(r, w, path, loc, rptr)
	for i, rf := range r.Fields() {
		floc := loc + "/fields/" + strconv.Itoa(i)
		fptr := rptr + "/fields/" + strconv.Itoa(i)
		fpath := path + "." + rf.Name()
		wf, n := c.writerField(w, rf)
		switch {
		case n > 1:
			c.add(RuleReaderFieldAmbiguous, fpath, floc, fptr,
				"field %q matches %d fields of the writer's record %q by name and aliases", rf.Name(), n, w.FullName())
		case n == 0:
			if !rf.HasDefault() {
				c.add(RuleMissingDefault, fpath, floc, fptr,
					"field %q is not in the writer's record %q and has no default", rf.Name(), w.FullName())
			}
		default:
			c.collect(rf.Type(), wf.Type(), fpath, floc+"/type", fptr+"/type", rf.Name())
		}
	}
}

func (c *checker) checkNames(r, w avro.NamedSchema, path, loc, rptr string) {
	if !namesMatch(r, w) {
		c.add(RuleNameMismatch, path, loc+"/name", rptr+"/name",
			"%s is named %q, the writer's is %q, and no reader alias names it", r.Type(), r.FullName(), w.FullName())
	}
}

// missingBranch reports that no branch of the reader union ru reads the
// writer's w. When a branch has w's type (and name), it says why that branch
// does not fit.
func (c *checker) missingBranch(ru *avro.UnionSchema, w avro.Schema, path, loc, rptr, field string) {
	w = deref(w)
	msg := fmt.Sprintf("union has no branch that reads the writer's %s", describe(w))
	if field != "" {
		msg = fmt.Sprintf("field %q: %s", field, msg)
	}
	for _, rb := range ru.Types() {
		rb = deref(rb)
		if rb.Type() != w.Type() || (isNamed(rb) && !namesMatch(rb.(avro.NamedSchema), w.(avro.NamedSchema))) {
			continue
		}
		sub := &checker{memo: c.memo, reported: map[pair]bool{}, steps: c.steps, fields: c.fields}
		sub.collect(rb, w, path, loc, rptr, "")
		c.steps = sub.steps
		if sub.overLimit {
			c.overLimit = true
		}
		if len(sub.out) > 0 {
			f := sub.out[0].Finding
			msg += fmt.Sprintf(" (the %s branch does not fit: %s: %s)", describe(rb), f.Path, f.Message)
		}
		break
	}
	c.add(RuleMissingUnionBranch, path, loc, rptr, "%s", msg)
}

func (c *checker) add(rule, path, loc, rptr, format string, args ...any) {
	if loc == "" {
		loc = "/"
	}
	c.out = append(c.out, Incompatibility{
		Finding:   report.Finding{Rule: rule, Path: path, Message: fmt.Sprintf(format, args...)},
		Location:  loc,
		readerPtr: rptr,
	})
}

// promotes reports whether a reader of type to reads a writer's from by
// the specification's promotions.
func promotes(from, to avro.Type) bool {
	switch from {
	case avro.Int:
		return to == avro.Long || to == avro.Float || to == avro.Double
	case avro.Long:
		return to == avro.Float || to == avro.Double
	case avro.Float:
		return to == avro.Double
	case avro.String:
		return to == avro.Bytes
	case avro.Bytes:
		return to == avro.String
	}
	return false
}

// namesMatch is Java's schemaNameEquals: unqualified names are equal, or a
// reader alias is the writer's full name.
func namesMatch(r, w avro.NamedSchema) bool {
	return r.Name() == w.Name() || slices.Contains(r.Aliases(), w.FullName())
}

// writerField finds the writer field for a reader field by the reader
// field's name and aliases; n is how many writer fields match.
func (c *checker) writerField(w *avro.RecordSchema, rf *avro.Field) (f *avro.Field, n int) {
	byName, ok := c.fields[w]
	if !ok {
		byName = make(map[string][]*avro.Field, len(w.Fields()))
		for _, wf := range w.Fields() {
			byName[wf.Name()] = append(byName[wf.Name()], wf)
		}
		c.fields[w] = byName
	}
	names := append([]string{rf.Name()}, rf.Aliases()...)
	for i, name := range names {
		if slices.Contains(names[:i], name) {
			continue // an alias repeating a name already looked up
		}
		for _, wf := range byName[name] {
			f = wf
			n++
		}
	}
	return f, n
}

// missingSymbols lists the writer's symbols the reader lacks, sorted.
func missingSymbols(r, w *avro.EnumSchema) []string {
	have := make(map[string]bool, len(r.Symbols()))
	for _, s := range r.Symbols() {
		have[s] = true
	}
	var miss []string
	for _, s := range w.Symbols() {
		if !have[s] {
			miss = append(miss, s)
		}
	}
	slices.Sort(miss)
	return miss
}

// enumDefault reports whether the reader enum has a default among its
// symbols, which then stands in for any symbol it lacks.
func enumDefault(r *avro.EnumSchema) bool {
	return r.HasDefault() && slices.Contains(r.Symbols(), r.Default())
}

func isNamed(s avro.Schema) bool {
	switch s.Type() {
	case avro.Record, avro.Error, avro.Enum, avro.Fixed:
		return true
	}
	return false
}

func describe(s avro.Schema) string {
	s = deref(s)
	if n, ok := s.(avro.NamedSchema); ok && isNamed(s) {
		return fmt.Sprintf("%s %q", s.Type(), n.FullName())
	}
	return string(s.Type())
}

func rootPath(s avro.Schema) string {
	s = deref(s)
	if n, ok := s.(avro.NamedSchema); ok && isNamed(s) {
		return n.FullName()
	}
	return string(s.Type())
}

package compat

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/registry/compat/internal/avrocompat"
	"github.com/schemagen/schemagen/serde"
	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

// The rules of Diff's structural Avro changes. Apache Avro has no names
// for these: they are ours.
const (
	AvroFieldAdded         = "FIELD_ADDED"
	AvroFieldRemoved       = "FIELD_REMOVED"
	AvroFieldTypeChanged   = "FIELD_TYPE_CHANGED"
	AvroFieldDefaultAdded  = "FIELD_DEFAULT_ADDED"
	AvroFieldDefaultDrop   = "FIELD_DEFAULT_REMOVED"
	AvroTypeChanged        = "TYPE_CHANGED"
	AvroNameChanged        = "NAME_CHANGED"
	AvroEnumSymbolAdded    = "ENUM_SYMBOL_ADDED"
	AvroEnumSymbolRemoved  = "ENUM_SYMBOL_REMOVED"
	AvroFixedSizeChanged   = "FIXED_SIZE_CHANGED"
	AvroUnionBranchAdded   = "UNION_BRANCH_ADDED"
	AvroUnionBranchRemoved = "UNION_BRANCH_REMOVED"
)

// avroMaxChanges bounds the structural changes one diff lists; the walk
// visits each pair of named types once, so only very large schemas reach it.
const avroMaxChanges = 10000

func diffAvro(ctx context.Context, original, update serde.Schema, r serde.Resolver) ([]Change, error) {
	oc, err := serdeavro.Compile(ctx, withFormat(original, serde.Avro), r)
	if err != nil {
		return nil, fmt.Errorf("avro original schema: %w", err)
	}
	uc, err := serdeavro.Compile(ctx, withFormat(update, serde.Avro), r)
	if err != nil {
		return nil, fmt.Errorf("avro update schema: %w", err)
	}
	// The verdicts: Apache Avro's incompatibilities of the update reading
	// the original's data.
	incs, err := avrocompat.Check(uc.Avro(), oc.Avro())
	if err != nil {
		return nil, err
	}
	d := &avroDiffer{seen: map[[2]avro.Schema]bool{}}
	u := uc.Avro()
	d.walk(oc.Avro(), u, avroRootPath(u), "")
	if d.over {
		return nil, fmt.Errorf("compat: more than %d changes: %w", avroMaxChanges, serde.ErrLimit)
	}
	used := make([]bool, len(incs))
	for i := range d.out {
		for j, inc := range incs {
			if inc.Path == d.out[i].Path {
				d.out[i].Compatible = false
				used[j] = true
			}
		}
	}
	for j, inc := range incs {
		if !used[j] {
			f := inc.Finding
			f.ConfluentPath = inc.Location
			d.out = append(d.out, Change{Finding: f})
		}
	}
	return d.out, nil
}

func withFormat(s serde.Schema, f serde.Format) serde.Schema {
	if s.Format == "" {
		s.Format = f
	}
	return s
}

type avroDiffer struct {
	seen map[[2]avro.Schema]bool
	out  []Change
	over bool
}

func (d *avroDiffer) add(rule, path, loc, format string, args ...any) {
	if len(d.out) >= avroMaxChanges {
		d.over = true
		return
	}
	if loc == "" {
		loc = "/"
	}
	d.out = append(d.out, Change{Finding: Finding{Rule: rule, Path: path, ConfluentPath: loc, Message: fmt.Sprintf(format, args...)}, Compatible: true})
}

func avroDeref(s avro.Schema) avro.Schema {
	if ref, ok := s.(*avro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

func avroRootPath(s avro.Schema) string {
	if n, ok := avroDeref(s).(avro.NamedSchema); ok {
		return n.FullName()
	}
	return string(avroDeref(s).Type())
}

// avroLabel names a type: its full name when named, else its type.
func avroLabel(s avro.Schema) string {
	s = avroDeref(s)
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	return string(s.Type())
}

// walk compares o (original) with u (update) at path; loc is Apache
// Avro's location form in the update.
func (d *avroDiffer) walk(o, u avro.Schema, path, loc string) {
	o, u = avroDeref(o), avroDeref(u)
	if d.over {
		return
	}
	key := [2]avro.Schema{o, u}
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	if o.Type() != u.Type() {
		d.add(AvroTypeChanged, path, loc, "type changed from %s to %s", avroLabel(o), avroLabel(u))
		return
	}
	if on, ok := o.(avro.NamedSchema); ok {
		if un := u.(avro.NamedSchema); on.FullName() != un.FullName() {
			d.add(AvroNameChanged, path, loc+"/name", "name changed from %q to %q", on.FullName(), un.FullName())
		}
	}
	switch ot := o.(type) {
	case *avro.RecordSchema:
		ut := u.(*avro.RecordSchema)
		for i, uf := range ut.Fields() {
			fpath, floc := path+"."+uf.Name(), loc+"/fields/"+strconv.Itoa(i)
			of := avroField(ot, uf)
			if of == nil {
				if uf.HasDefault() {
					d.add(AvroFieldAdded, fpath, floc, "field %q added with a default", uf.Name())
				} else {
					d.add(AvroFieldAdded, fpath, floc, "field %q added without a default", uf.Name())
				}
				continue
			}
			switch {
			case of.HasDefault() && !uf.HasDefault():
				d.add(AvroFieldDefaultDrop, fpath, floc, "field %q lost its default", uf.Name())
			case !of.HasDefault() && uf.HasDefault():
				d.add(AvroFieldDefaultAdded, fpath, floc, "field %q got a default", uf.Name())
			}
			ot, ut := avroDeref(of.Type()), avroDeref(uf.Type())
			if ot.Type() != ut.Type() {
				d.add(AvroFieldTypeChanged, fpath, floc+"/type", "field %q changed type from %s to %s", uf.Name(), avroLabel(ot), avroLabel(ut))
				continue
			}
			d.walk(ot, ut, fpath, floc+"/type")
		}
		for _, of := range ot.Fields() {
			if !slices.ContainsFunc(ut.Fields(), func(uf *avro.Field) bool { return avroField(ot, uf) == of }) {
				d.add(AvroFieldRemoved, path+"."+of.Name(), loc, "field %q removed", of.Name())
			}
		}
	case *avro.EnumSchema:
		ut := u.(*avro.EnumSchema)
		for _, s := range ut.Symbols() {
			if !slices.Contains(ot.Symbols(), s) {
				d.add(AvroEnumSymbolAdded, path, loc+"/symbols", "enum symbol %q added", s)
			}
		}
		for _, s := range ot.Symbols() {
			if !slices.Contains(ut.Symbols(), s) {
				d.add(AvroEnumSymbolRemoved, path, loc+"/symbols", "enum symbol %q removed", s)
			}
		}
	case *avro.FixedSchema:
		if ut := u.(*avro.FixedSchema); ot.Size() != ut.Size() {
			d.add(AvroFixedSizeChanged, path, loc+"/size", "fixed size changed from %d to %d", ot.Size(), ut.Size())
		}
	case *avro.ArraySchema:
		d.walk(ot.Items(), u.(*avro.ArraySchema).Items(), path+"[]", loc+"/items")
	case *avro.MapSchema:
		d.walk(ot.Values(), u.(*avro.MapSchema).Values(), path+"{}", loc+"/values")
	case *avro.UnionSchema:
		ut := u.(*avro.UnionSchema)
		for i, ub := range ut.Types() {
			j := slices.IndexFunc(ot.Types(), func(ob avro.Schema) bool { return avroLabel(ob) == avroLabel(ub) })
			if j < 0 {
				d.add(AvroUnionBranchAdded, path, loc+"/"+strconv.Itoa(i), "union branch %s added", avroLabel(ub))
				continue
			}
			d.walk(ot.Types()[j], ub, path, loc+"/"+strconv.Itoa(i))
		}
		for _, ob := range ot.Types() {
			if !slices.ContainsFunc(ut.Types(), func(ub avro.Schema) bool { return avroLabel(ob) == avroLabel(ub) }) {
				d.add(AvroUnionBranchRemoved, path, loc, "union branch %s removed", avroLabel(ob))
			}
		}
	}
}

// avroField returns the original's field the update's field uf reads:
// same name, or one of uf's aliases.
func avroField(o *avro.RecordSchema, uf *avro.Field) *avro.Field {
	for _, of := range o.Fields() {
		if of.Name() == uf.Name() {
			return of
		}
	}
	for _, of := range o.Fields() {
		if slices.Contains(uf.Aliases(), of.Name()) {
			return of
		}
	}
	return nil
}

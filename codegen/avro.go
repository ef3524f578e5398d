package codegen

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

// avroGen generates the Go types of one Avro entry.
type avroGen struct {
	g    *generator
	e    *Entry
	f    *goFile                 // the entry's file
	refs map[string]serde.Schema // references, by name: types they define go to their own file
}

func (g *generator) avroEntry(ctx context.Context, e *Entry) error {
	rec := newRecorder(e.Resolver)
	s := e.Schema
	s.Format = serde.Avro
	c, err := serdeavro.Compile(ctx, s, rec)
	if err != nil {
		return err
	}
	root := c.Avro()
	named, ok := root.(avro.NamedSchema)
	if !ok || (root.Type() != avro.Record && root.Type() != avro.Enum && root.Type() != avro.Fixed) {
		return fmt.Errorf("avro: top-level schema is %s; schemagen generates producers of records, enums and fixed types", root.Type())
	}
	typeName := goName(named.Name())
	f := g.file(fileName(e, typeName, "avro"), e.Source)
	ag := &avroGen{g: g, e: e, f: f, refs: rec.seen}
	if _, err := ag.goType(f, root, named.FullName()); err != nil {
		return err
	}
	valueType := typeName
	if root.Type() == avro.Record {
		valueType = "*" + typeName
	}
	return g.addStub(&stubInfo{
		e: e, f: f, name: typeName, valueType: valueType, recordName: named.FullName(),
		canonical: c.Canonical(), fp: serde.Fingerprint(c), refs: rec.seen,
	})
}

// fileFor returns the file a named type goes to: its reference's own file
// when a reference defines it at top level, else the entry's.
func (a *avroGen) fileFor(fullName string, cur *goFile) *goFile {
	if _, ok := a.refs[fullName]; ok {
		short := fullName[strings.LastIndexByte(fullName, '.')+1:]
		return a.g.file(snake(short)+".avro.go", fullName)
	}
	return cur
}

// goType returns the Go type for s, generating named types on first use.
// path names the place in the schema, for errors.
func (a *avroGen) goType(f *goFile, s avro.Schema, path string) (string, error) {
	if r, ok := s.(*avro.RefSchema); ok {
		s = r.Schema()
	}
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		switch ls.Logical().Type() {
		case avro.Date, avro.TimestampMillis, avro.TimestampMicros:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				return f.Q("time", "Time"), nil
			}
		case avro.TimeMillis, avro.TimeMicros:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				return f.Q("time", "Duration"), nil
			}
		case avro.Decimal:
			if s.Type() == avro.Bytes {
				return "*" + f.Q("math/big", "Rat"), nil
			}
		}
	}
	switch s := s.(type) {
	case *avro.PrimitiveSchema:
		switch s.Type() {
		case avro.Boolean:
			return "bool", nil
		case avro.Int:
			return "int32", nil
		case avro.Long:
			return "int64", nil
		case avro.Float:
			return "float32", nil
		case avro.Double:
			return "float64", nil
		case avro.String:
			return "string", nil
		case avro.Bytes:
			return "[]byte", nil
		case avro.Null:
			return "", fmt.Errorf("avro: %s: a field of type null has no Go type; use [\"null\", T]", path)
		}
	case *avro.ArraySchema:
		t, err := a.goType(f, s.Items(), path+"[]")
		return "[]" + t, err
	case *avro.MapSchema:
		t, err := a.goType(f, s.Values(), path+"{}")
		return "map[string]" + t, err
	case *avro.UnionSchema:
		return a.union(f, s, path)
	case *avro.RecordSchema:
		return a.record(f, s)
	case *avro.EnumSchema:
		return a.enum(f, s)
	case *avro.FixedSchema:
		return a.fixed(f, s)
	}
	return "", fmt.Errorf("avro: %s: unsupported schema type %s", path, s.Type())
}

func (a *avroGen) union(f *goFile, u *avro.UnionSchema, path string) (string, error) {
	types := u.Types()
	if u.Nullable() {
		other := types[0]
		if other.Type() == avro.Null {
			other = types[1]
		}
		t, err := a.goType(f, other, path)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "*") {
			return t, nil // nil is null
		}
		return "*" + t, nil
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t.Type())
		if n, ok := t.(avro.NamedSchema); ok {
			names[i] = n.FullName()
		}
	}
	return "", fmt.Errorf("avro: %s: union [%s] is not supported: only [\"null\", T] unions are generated (hamba/avro resolves other unions through a type registry that generated code cannot reach)", path, strings.Join(names, ", "))
}

// named reserves the Go name of a named type; done reports whether the
// type was generated already.
func (a *avroGen) named(cur *goFile, n avro.NamedSchema) (goName_ string, f *goFile, done bool, err error) {
	name := goName(n.Name())
	if prev, ok := a.g.done["avro:"+n.FullName()]; ok {
		return prev, nil, true, nil
	}
	if err := a.g.declare(name, "avro type "+n.FullName()); err != nil {
		return "", nil, false, err
	}
	if a.g.done == nil {
		a.g.done = map[string]string{}
	}
	a.g.done["avro:"+n.FullName()] = name
	return name, a.fileFor(n.FullName(), cur), false, nil
}

func docLines(f *goFile, doc string) {
	for _, l := range strings.Split(strings.TrimSpace(doc), "\n") {
		f.P("// ", strings.TrimSpace(l))
	}
}

func (a *avroGen) record(cur *goFile, r *avro.RecordSchema) (string, error) {
	name, f, done, err := a.named(cur, r)
	if err != nil || done {
		return name, err
	}
	type field struct{ name, typ, tag, doc string }
	var fields []field
	seen := map[string]bool{}
	for _, fl := range r.Fields() {
		t, err := a.goType(f, fl.Type(), r.FullName()+"."+fl.Name())
		if err != nil {
			return "", err
		}
		fn := goName(fl.Name())
		if seen[fn] {
			return "", fmt.Errorf("avro: %s: fields %s map to the same Go name %s", r.FullName(), fl.Name(), fn)
		}
		seen[fn] = true
		fields = append(fields, field{fn, t, fl.Name(), fl.Doc()})
	}
	f.P()
	f.P("// ", name, " is the Avro record ", r.FullName(), ".")
	if r.Doc() != "" {
		f.P("//")
		docLines(f, r.Doc())
	}
	f.P("type ", name, " struct {")
	for _, fl := range fields {
		if fl.doc != "" {
			docLines(f, fl.doc)
		} else {
			f.P("// ", fl.name, " is field ", fl.tag, ".")
		}
		f.P(fl.name, " ", fl.typ, " `avro:", strconv.Quote(fl.tag), "`")
	}
	f.P("}")
	return name, nil
}

func (a *avroGen) enum(cur *goFile, en *avro.EnumSchema) (string, error) {
	name, f, done, err := a.named(cur, en)
	if err != nil || done {
		return name, err
	}
	f.P()
	f.P("// ", name, " is the Avro enum ", en.FullName(), ": one of the ", name, " constants.")
	if en.Doc() != "" {
		f.P("//")
		docLines(f, en.Doc())
	}
	f.P("type ", name, " string")
	f.P()
	f.P("// The symbols of ", en.FullName(), ".")
	f.P("const (")
	consts := make([]string, len(en.Symbols()))
	for i, sym := range en.Symbols() {
		consts[i] = name + symbolName(sym)
		if err := a.g.declare(consts[i], "avro enum "+en.FullName()); err != nil {
			return "", err
		}
		f.P(consts[i], " ", name, " = ", strconv.Quote(sym))
	}
	f.P(")")
	f.P()
	f.P("// IsValid reports whether v is a symbol of ", en.FullName(), ".")
	f.P("func (v ", name, ") IsValid() bool {")
	f.P("switch v {")
	f.P("case ", strings.Join(consts, ", "), ":")
	f.P("return true")
	f.P("}")
	f.P("return false")
	f.P("}")
	return name, nil
}

func (a *avroGen) fixed(in *goFile, fx *avro.FixedSchema) (string, error) {
	if l := fx.Logical(); l != nil && l.Type() == avro.Decimal {
		return "*" + in.Q("math/big", "Rat"), nil
	}
	name, f, done, err := a.named(in, fx)
	if err != nil || done {
		return name, err
	}
	f.P()
	f.P("// ", name, " is the Avro fixed ", fx.FullName(), " of ", fx.Size(), " bytes.")
	f.P("type ", name, " [", fx.Size(), "]byte")
	return name, nil
}

// symbolName makes a Go name from an enum symbol: IN_STOCK becomes InStock.
func symbolName(sym string) string {
	if strings.ToUpper(sym) == sym {
		sym = strings.ToLower(sym)
	}
	return goName(sym)
}

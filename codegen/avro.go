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
	f    *goFile                      // the entry's file
	refs map[string]serde.Schema      // references, by name: types they define go to their own file
	sums map[*avro.UnionSchema]string // the Go type generated for each union sum
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
	ag := &avroGen{g: g, e: e, f: f, refs: rec.seen, sums: map[*avro.UnionSchema]string{}}
	if _, err := ag.goType(f, root, named.FullName(), typeName); err != nil {
		return err
	}
	if r, ok := root.(*avro.RecordSchema); ok {
		for _, fl := range r.Fields() {
			if n := goName(fl.Name()); n == "AppendAvro" || n == "SchemaFingerprint" {
				return fmt.Errorf("avro: %s: field %s would hide the generated method %s", r.FullName(), fl.Name(), n)
			}
		}
	}
	enc, err := ag.encoders(f, root)
	if err != nil {
		return err
	}
	valueType := typeName
	if root.Type() == avro.Record {
		valueType = "*" + typeName
	}
	si := &stubInfo{
		e: e, f: f, name: typeName, valueType: valueType, recordName: named.FullName(),
		canonical: c.Canonical(), fp: serde.Fingerprint(c), refs: rec.seen,
	}
	if err := g.addStub(si); err != nil {
		return err
	}
	if fx, ok := root.(*avro.FixedSchema); !ok || fx.Logical() == nil {
		enc.entryMethods(root, typeName, si.name)
	}
	return nil
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
func (a *avroGen) goType(f *goFile, s avro.Schema, path, hint string) (string, error) {
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
		t, err := a.goType(f, s.Items(), path+"[]", hint+"Item")
		return "[]" + t, err
	case *avro.MapSchema:
		t, err := a.goType(f, s.Values(), path+"{}", hint+"Value")
		return "map[string]" + t, err
	case *avro.UnionSchema:
		return a.union(f, s, path, hint)
	case *avro.RecordSchema:
		return a.record(f, s)
	case *avro.EnumSchema:
		return a.enum(f, s)
	case *avro.FixedSchema:
		return a.fixed(f, s)
	}
	return "", fmt.Errorf("avro: %s: unsupported schema type %s", path, s.Type())
}

func (a *avroGen) union(f *goFile, u *avro.UnionSchema, path, hint string) (string, error) {
	types := u.Types()
	if u.Nullable() {
		other := types[0]
		if other.Type() == avro.Null {
			other = types[1]
		}
		t, err := a.goType(f, other, path, hint)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "*") {
			return t, nil // nil is null
		}
		return "*" + t, nil
	}
	return a.sum(f, u, path, hint)
}

// sumBranch is one non-null branch of a union generated as a sum.
type sumBranch struct {
	name   string // the branch's name in the union: full name or primitive type
	goType string // the Go type in Value
	wire   string // the Go type hamba decodes the branch into, when it differs
	conv   string // converts goType to the value hamba encodes
	own    bool   // goType is a defined type made for this sum
}

var sumPrimitives = map[avro.Type]struct{ suffix, base, wire string }{
	avro.String:  {"String", "string", ""},
	avro.Int:     {"Int", "int32", "int"},
	avro.Long:    {"Long", "int64", ""},
	avro.Float:   {"Float", "float32", ""},
	avro.Double:  {"Double", "float64", ""},
	avro.Boolean: {"Boolean", "bool", ""},
	avro.Bytes:   {"Bytes", "[]byte", ""},
}

// sum generates a union other than ["null", T] as a typed sum: a struct
// holding one value of a sealed interface, with one Go type per branch,
// that implements hamba's avro.UnionConverter and serde/avro's Sum. The
// field holds a pointer to it; nil is null when the union has a null
// branch.
func (a *avroGen) sum(f *goFile, u *avro.UnionSchema, path, hint string) (string, error) {
	name := hint
	if err := a.g.declare(name, "avro union "+path); err != nil {
		return "", err
	}
	iface := name + "Value"
	if err := a.g.declare(iface, "avro union "+path); err != nil {
		return "", err
	}
	var branches []sumBranch
	var names []string
	nullable := false
	for _, t := range u.Types() {
		if r, ok := t.(*avro.RefSchema); ok {
			t = r.Schema()
		}
		if t.Type() == avro.Null {
			nullable = true
			names = append(names, "null")
			continue
		}
		if ls, ok := t.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
			return "", fmt.Errorf("avro: %s: union branch %s with logical type %s is not supported in a union of more than one non-null type", path, t.Type(), ls.Logical().Type())
		}
		switch t := t.(type) {
		case *avro.RecordSchema, *avro.EnumSchema, *avro.FixedSchema:
			gt, err := a.goType(f, t, path, hint)
			if err != nil {
				return "", err
			}
			full := t.(avro.NamedSchema).FullName()
			branches = append(branches, sumBranch{name: full, goType: gt})
			names = append(names, full)
			a.g.avroNamed[full] = gt
		case *avro.PrimitiveSchema:
			p := sumPrimitives[t.Type()]
			bt := name + p.suffix
			if err := a.g.declare(bt, "avro union "+path); err != nil {
				return "", err
			}
			branches = append(branches, sumBranch{name: string(t.Type()), goType: bt, wire: p.wire, conv: p.base, own: true})
			names = append(names, string(t.Type()))
		default:
			return "", fmt.Errorf("avro: %s: union branch %s is not supported in a union of more than one non-null type (only records, enums, fixed and primitive types)", path, t.Type())
		}
	}
	var goTypes []string
	for _, b := range branches {
		goTypes = append(goTypes, b.goType)
	}
	errorf := f.Q("fmt", "Errorf")
	P := f.P
	P()
	P("// ", name, " is the Avro union [", strings.Join(names, ", "), "] at ", path, ": Value holds")
	P("// one of its branches, ", strings.Join(goTypes, ", "), ".")
	if nullable {
		P("// A nil *", name, " is null.")
	}
	P("type ", name, " struct {")
	P("// Value is the branch that is set.")
	P("Value ", iface)
	P("}")
	P()
	P("// ", iface, " is one branch of ", name, ": ", strings.Join(goTypes, ", "), ".")
	P("type ", iface, " interface{ is", iface, "() }")
	for _, b := range branches {
		P()
		if b.own {
			P("// ", b.goType, " is the ", b.name, " branch of ", name, ".")
			P("type ", b.goType, " ", b.conv)
			P()
		}
		P("func (", b.goType, ") is", iface, "() {}")
	}
	P()
	P("// ToAny returns a pointer to the branch value, for hamba/avro (avro.UnionConverter).")
	P("func (u *", name, ") ToAny() (any, error) {")
	P("switch v := u.Value.(type) {")
	for _, b := range branches {
		P("case ", b.goType, ":")
		if b.own {
			P("x := ", b.conv, "(v)")
			P("return &x, nil")
		} else {
			P("return &v, nil")
		}
	}
	P("}")
	P("return nil, ", errorf, "(", strconv.Quote(name+": no branch set"), ")")
	P("}")
	P()
	P("// FromAny sets the branch hamba/avro decoded (avro.UnionConverter).")
	P("func (u *", name, ") FromAny(v any) error {")
	P("switch v := v.(type) {")
	for _, b := range branches {
		if !b.own {
			P("case ", b.goType, ":")
			P("u.Value = v")
			continue
		}
		if b.wire != "" {
			P("case ", b.wire, ":")
			P("u.Value = ", b.goType, "(v)")
		}
		P("case ", b.conv, ":")
		P("u.Value = ", b.goType, "(v)")
	}
	P("default:")
	P("return ", errorf, "(", strconv.Quote(name+": unexpected branch %T"), ", v)")
	P("}")
	P("return nil")
	P("}")
	P()
	P("// UnionBranch names the branch that is set, for serde/avro's validator (avro.Sum).")
	P("func (u *", name, ") UnionBranch() (string, any) {")
	P("switch v := u.Value.(type) {")
	for _, b := range branches {
		P("case ", b.goType, ":")
		if b.own {
			P("return ", strconv.Quote(b.name), ", ", b.conv, "(v)")
		} else {
			P("return ", strconv.Quote(b.name), ", v")
		}
	}
	P("}")
	P("return \"\", nil")
	P("}")
	a.g.avroSums = append(a.g.avroSums, name)
	a.sums[u] = name
	return "*" + name, nil
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
		t, err := a.goType(f, fl.Type(), r.FullName()+"."+fl.Name(), name+goName(fl.Name()))
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

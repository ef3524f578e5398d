package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"

	serdeavro "github.com/schemagen/schemagen/serde/avro"
)

// avroEnc generates the AppendAvro encoders of one Avro entry: for every
// record, enum and union sum the entry reaches, an appendAvro method that
// validates and appends in one pass, with the checks and violation paths
// of serde/avro's validator and the bytes hamba/avro writes (blocks of at
// most 100 items with their byte sizes, as serde/avro configures it).
type avroEnc struct {
	a         *avroGen
	f         *goFile
	recursive map[string]bool // records whose depth the validator counts
	q         func(name string) string
	decls     []string // package-level declarations met inside a method, written after it
}

// flush writes the declarations collected while writing a method.
func (ae *avroEnc) flush() {
	for _, d := range ae.decls {
		ae.f.P()
		ae.f.P(d)
	}
	ae.decls = nil
}

// blockItems is serde/avro's hamba BlockLength.
const blockItems = 100

func (a *avroGen) encoders(f *goFile, root avro.Schema) (*avroEnc, error) {
	rec, err := serdeavro.RecursiveRecords(root)
	if err != nil {
		return nil, err
	}
	ae := &avroEnc{a: a, f: f, recursive: rec}
	ae.q = func(name string) string { return f.Q(avroSerde, name) }
	if err := ae.walk(root, map[string]bool{}); err != nil {
		return nil, err
	}
	return ae, nil
}

func deref(s avro.Schema) avro.Schema {
	if r, ok := s.(*avro.RefSchema); ok {
		return r.Schema()
	}
	return s
}

func describe(s avro.Schema) string {
	d, err := serdeavro.Describe(s)
	if err != nil {
		return string(s.Type())
	}
	return d
}

// walk emits the methods of the named types and sums below s, once each
// in the package.
func (ae *avroEnc) walk(s avro.Schema, seen map[string]bool) error {
	s = deref(s)
	g := ae.a.g
	if g.done == nil {
		g.done = map[string]string{}
	}
	switch s := s.(type) {
	case *avro.RecordSchema:
		if seen[s.FullName()] {
			return nil
		}
		seen[s.FullName()] = true
		for _, fl := range s.Fields() {
			if err := ae.walk(fl.Type(), seen); err != nil {
				return err
			}
		}
		key := "avroenc:" + s.FullName()
		if g.done[key] != "" {
			return nil
		}
		g.done[key] = "1"
		return ae.record(s)
	case *avro.EnumSchema:
		key := "avroenc:" + s.FullName()
		if g.done[key] != "" {
			return nil
		}
		g.done[key] = "1"
		ae.enum(s)
	case *avro.ArraySchema:
		return ae.walk(s.Items(), seen)
	case *avro.MapSchema:
		return ae.walk(s.Values(), seen)
	case *avro.UnionSchema:
		for _, t := range s.Types() {
			if err := ae.walk(t, seen); err != nil {
				return err
			}
		}
		if !s.Nullable() {
			name := ae.a.sums[s]
			if name == "" {
				return fmt.Errorf("avro: no Go type was generated for union %s", describe(s))
			}
			key := "avroenc-sum:" + name
			if g.done[key] != "" {
				return nil
			}
			g.done[key] = "1"
			return ae.sum(s, name)
		}
	}
	return nil
}

// goNamed returns the Go name generated for a named type.
func (ae *avroEnc) goNamed(n avro.NamedSchema) string {
	return ae.a.g.done["avro:"+n.FullName()]
}

// canFail reports whether encoding a value of s can record a violation.
func (ae *avroEnc) canFail(s avro.Schema, seen map[string]bool) bool {
	s = deref(s)
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		switch ls.Logical().Type() {
		case avro.Date, avro.TimestampMillis, avro.TimestampMicros, avro.TimeMillis, avro.Decimal, avro.UUID:
			return s.Type() != avro.Fixed || ls.Logical().Type() == avro.Decimal
		}
	}
	switch s := s.(type) {
	case *avro.PrimitiveSchema:
		return s.Type() == avro.String
	case *avro.EnumSchema:
		return true
	case *avro.ArraySchema:
		return ae.canFail(s.Items(), seen)
	case *avro.MapSchema:
		return ae.canFail(s.Values(), seen)
	case *avro.UnionSchema:
		if s.Nullable() {
			return ae.canFail(nonNull(s), seen)
		}
		return true
	case *avro.RecordSchema:
		if ae.recursive[s.FullName()] {
			return true
		}
		if seen[s.FullName()] {
			return false
		}
		seen[s.FullName()] = true
		for _, f := range s.Fields() {
			if ae.canFail(f.Type(), seen) {
				return true
			}
		}
	}
	return false
}

func nonNull(u *avro.UnionSchema) avro.Schema {
	t := u.Types()
	if t[0].Type() == avro.Null {
		return t[1]
	}
	return t[0]
}

// nilIsNull reports whether the Go type of s is a slice or pointer already
// (its nil is the null of ["null", s]) rather than wrapped in a pointer.
func nilIsNull(s avro.Schema) bool {
	s = deref(s)
	switch s.Type() {
	case avro.Array, avro.Bytes:
		return true
	case avro.Fixed:
		l := s.(*avro.FixedSchema).Logical()
		return l != nil && l.Type() == avro.Decimal
	}
	return false
}

// longBytes returns the Avro encoding of the long v as Go byte literals.
func longBytes(v int64) string {
	b := serdeavro.AppendLong(nil, v)
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = strconv.Itoa(int(x))
	}
	return strings.Join(parts, ", ")
}

func (ae *avroEnc) decimalVar(s avro.Schema, d *avro.DecimalLogicalSchema) string {
	size, name := 0, ""
	if fx, ok := s.(*avro.FixedSchema); ok {
		size, name = fx.Size(), fx.FullName()
	}
	key := fmt.Sprintf("avrodec:%d:%d:%d:%s", d.Precision(), d.Scale(), size, name)
	g := ae.a.g
	if v := g.done[key]; v != "" {
		return v
	}
	v := fmt.Sprintf("avroDecimal%d_%d", d.Precision(), d.Scale())
	if size > 0 {
		v += "_" + goName(name)
	}
	g.done[key] = v
	ae.decls = append(ae.decls, fmt.Sprint("var ", v, " = ", ae.q("NewDecimal"), "(", d.Precision(), ", ", d.Scale(), ", ", size, ", ", strconv.Quote(name), ")"))
	return v
}

// value writes the statements that validate x, a Go value of the type
// goType gives s, and append it to dst. depth keeps loop variables apart.
func (ae *avroEnc) value(s avro.Schema, x string, depth int) error {
	s = deref(s)
	P := ae.f.P
	q := ae.q
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		switch l := ls.Logical(); l.Type() {
		case avro.Date:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				P("dst = e.AppendDate(dst, ", x, ")")
				return nil
			}
		case avro.TimestampMillis:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				P("dst = e.AppendTimestampMillis(dst, ", x, ")")
				return nil
			}
		case avro.TimestampMicros:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				P("dst = e.AppendTimestampMicros(dst, ", x, ")")
				return nil
			}
		case avro.TimeMillis:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				P("dst = e.AppendTimeMillis(dst, ", x, ")")
				return nil
			}
		case avro.TimeMicros:
			if s.Type() == avro.Int || s.Type() == avro.Long {
				P("dst = ", q("AppendTimeMicros"), "(dst, ", x, ")")
				return nil
			}
		case avro.Decimal:
			if s.Type() == avro.Bytes || s.Type() == avro.Fixed {
				P("dst = e.AppendDecimal(dst, ", x, ", ", ae.decimalVar(s, l.(*avro.DecimalLogicalSchema)), ")")
				return nil
			}
		case avro.UUID:
			if s.Type() == avro.String {
				P("dst = e.AppendUUID(dst, ", x, ")")
				return nil
			}
		}
	}
	switch s := s.(type) {
	case *avro.PrimitiveSchema:
		switch s.Type() {
		case avro.Boolean:
			P("dst = ", q("AppendBool"), "(dst, ", x, ")")
		case avro.Int:
			P("dst = ", q("AppendInt"), "(dst, ", x, ")")
		case avro.Long:
			P("dst = ", q("AppendLong"), "(dst, ", x, ")")
		case avro.Float:
			P("dst = ", q("AppendFloat"), "(dst, ", x, ")")
		case avro.Double:
			P("dst = ", q("AppendDouble"), "(dst, ", x, ")")
		case avro.String:
			P("dst = e.AppendString(dst, ", x, ")")
		case avro.Bytes:
			P("dst = ", q("AppendBytes"), "(dst, ", x, ")")
		default:
			return fmt.Errorf("avro: no encoder for %s", s.Type())
		}
	case *avro.FixedSchema:
		P("dst = append(dst, ", x, "[:]...)")
	case *avro.EnumSchema, *avro.RecordSchema:
		P("dst = ", x, ".appendAvro(dst, e)")
	case *avro.ArraySchema:
		d := strconv.Itoa(depth)
		n, i, j, st, end := "n"+d, "i"+d, "j"+d, "st"+d, "end"+d
		fails := ae.canFail(s.Items(), map[string]bool{})
		P("if ", n, " := len(", x, "); ", n, " > 0 {")
		P("for ", i, " := 0; ", i, " < ", n, "; ", i, " += ", blockItems, " {")
		P(end, " := min(", i, "+", blockItems, ", ", n, ")")
		P(st, " := len(dst)")
		P("dst = ", q("BlockStart"), "(dst)")
		P("for ", j, " := ", i, "; ", j, " < ", end, "; ", j, "++ {")
		if fails {
			P("m", d, " := e.Mark()")
		}
		if err := ae.value(s.Items(), x+"["+j+"]", depth+1); err != nil {
			return err
		}
		if fails {
			P("e.Index(m", d, ", ", j, ")")
		}
		P("}")
		P("dst = ", q("BlockEnd"), "(dst, ", st, ", ", end, "-", i, ")")
		P("}")
		P("}")
		P("dst = append(dst, 0)")
	case *avro.MapSchema:
		d := strconv.Itoa(depth)
		k, v, c, st := "k"+d, "v"+d, "c"+d, "st"+d
		fails := ae.canFail(s.Values(), map[string]bool{})
		P("if len(", x, ") > 0 {")
		P(st, " := len(dst)")
		P("dst = ", q("BlockStart"), "(dst)")
		P(c, " := 0")
		P("for ", k, ", ", v, " := range ", x, " {")
		P("if ", c, " == ", blockItems, " {")
		P("dst = ", q("BlockEnd"), "(dst, ", st, ", ", c, ")")
		P(st, ", ", c, " = len(dst), 0")
		P("dst = ", q("BlockStart"), "(dst)")
		P("}")
		P("dst = ", q("AppendMapKey"), "(dst, ", k, ")")
		if fails {
			P("m", d, " := e.Mark()")
		}
		if err := ae.value(s.Values(), v, depth+1); err != nil {
			return err
		}
		if fails {
			P("e.Key(m", d, ", ", k, ")")
		}
		P(c, "++")
		P("}")
		P("dst = ", q("BlockEnd"), "(dst, ", st, ", ", c, ")")
		P("}")
		P("dst = append(dst, 0)")
	case *avro.UnionSchema:
		if !s.Nullable() {
			P("dst = ", x, ".appendAvro(dst, e)")
			return nil
		}
		nullIdx, typeIdx := s.Indices()
		other := nonNull(s)
		P("if ", x, " == nil {")
		P("dst = append(dst, ", longBytes(int64(nullIdx)), ")")
		P("} else {")
		P("dst = append(dst, ", longBytes(int64(typeIdx)), ")")
		inner := x
		if !nilIsNull(other) {
			inner = "(*" + x + ")"
		}
		if err := ae.value(other, inner, depth); err != nil {
			return err
		}
		P("}")
	default:
		return fmt.Errorf("avro: no encoder for %s", s.Type())
	}
	return nil
}

func (ae *avroEnc) record(r *avro.RecordSchema) error {
	name := ae.goNamed(r)
	P := ae.f.P
	P()
	P("// appendAvro validates v and appends its Avro encoding: the work of AppendAvro.")
	P("func (v *", name, ") appendAvro(dst []byte, e *", ae.q("Enc"), ") []byte {")
	rec := ae.recursive[r.FullName()]
	if rec {
		P("if !e.Enter() {")
		P("return dst")
		P("}")
	}
	declared := false
	for _, fl := range r.Fields() {
		fails := ae.canFail(fl.Type(), map[string]bool{})
		if fails {
			if !declared {
				P("m := e.Mark()")
				declared = true
			} else {
				P("m = e.Mark()")
			}
		}
		if err := ae.value(fl.Type(), "v."+goName(fl.Name()), 0); err != nil {
			return fmt.Errorf("%s.%s: %w", r.FullName(), fl.Name(), err)
		}
		if fails {
			P("e.Field(m, ", strconv.Quote(fl.Name()), ")")
		}
	}
	if rec {
		P("e.Leave()")
	}
	P("return dst")
	P("}")
	ae.flush()
	return nil
}

func (ae *avroEnc) enum(en *avro.EnumSchema) {
	name := ae.goNamed(en)
	P := ae.f.P
	P()
	P("// appendAvro checks that v is a symbol and appends its index.")
	P("func (v ", name, ") appendAvro(dst []byte, e *", ae.q("Enc"), ") []byte {")
	P("switch v {")
	for i, sym := range en.Symbols() {
		P("case ", name+symbolName(sym), ":")
		P("return append(dst, ", longBytes(int64(i)), ")")
	}
	P("}")
	P("e.BadEnum(string(v), ", strconv.Quote(describe(en)), ")")
	P("return dst")
	P("}")
}

func (ae *avroEnc) sum(u *avro.UnionSchema, name string) error {
	P := ae.f.P
	desc := strconv.Quote(describe(u))
	nullIdx := -1
	for i, t := range u.Types() {
		if t.Type() == avro.Null {
			nullIdx = i
		}
	}
	P()
	P("// appendAvro validates the branch that is set and appends its index and value.")
	P("func (u *", name, ") appendAvro(dst []byte, e *", ae.q("Enc"), ") []byte {")
	P("if u == nil {")
	if nullIdx >= 0 {
		P("return append(dst, ", longBytes(int64(nullIdx)), ")")
	} else {
		P("e.Null(", desc, ")")
		P("return dst")
	}
	P("}")
	P("switch v := u.Value.(type) {")
	for i, t := range u.Types() {
		t = deref(t)
		if t.Type() == avro.Null {
			continue
		}
		var goT, x string
		switch t := t.(type) {
		case avro.NamedSchema:
			goT, x = ae.goNamed(t), "v"
		case *avro.PrimitiveSchema:
			p := sumPrimitives[t.Type()]
			goT, x = name+p.suffix, p.base+"(v)"
		default:
			return fmt.Errorf("avro: union branch %s has no encoder", t.Type())
		}
		P("case ", goT, ":")
		P("dst = append(dst, ", longBytes(int64(i)), ")")
		if err := ae.value(t, x, 0); err != nil {
			return err
		}
	}
	P("case nil:")
	if nullIdx >= 0 {
		P("e.NoBranch(", desc, ")")
	} else {
		P("e.Null(", desc, ")")
	}
	P("}")
	P("return dst")
	P("}")
	ae.flush()
	return nil
}

// entryMethods writes AppendAvro and SchemaFingerprint on the entry's root
// type: what serde.Serializer looks for.
func (ae *avroEnc) entryMethods(root avro.Schema, typeName, stubName string) {
	g := ae.a.g
	if g.fpTypes == nil {
		g.fpTypes = map[string]bool{}
	}
	if g.fpTypes[typeName] {
		return
	}
	g.fpTypes[typeName] = true
	P := ae.f.P
	recv := "v " + typeName
	if root.Type() == avro.Record {
		recv = "v *" + typeName
	}
	P()
	P("// AppendAvro validates v against ", stubName, "Schema and appends its Avro")
	P("// binary encoding (no frame) to dst, in one pass and without reflection: the")
	P("// bytes hamba/avro writes, the violations serde/avro's validator reports. On")
	P("// error dst comes back unchanged. serde.Serializer calls it for values of")
	P("// this type when it binds the schema this type was generated from.")
	P("func (", recv, ") AppendAvro(dst []byte) ([]byte, error) {")
	P("var e ", ae.q("Enc"))
	P("start := len(dst)")
	switch root.Type() {
	case avro.Record:
		P("if v == nil {")
		P("e.NilRecord(", strconv.Quote(describe(root)), ")")
		P("} else {")
		P("dst = v.appendAvro(dst, &e)")
		P("}")
	case avro.Enum:
		P("dst = v.appendAvro(dst, &e)")
	default:
		P("dst = append(dst, v[:]...)")
	}
	P("if err := e.Err(); err != nil {")
	P("return dst[:start], err")
	P("}")
	P("return dst, nil")
	P("}")
	P()
	P("// SchemaFingerprint returns ", stubName, "Fingerprint: serde uses AppendAvro")
	P("// only for the schema this type was generated from.")
	P("func (", recv, ") SchemaFingerprint() string { return ", stubName, "Fingerprint }")
}

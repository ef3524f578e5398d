package codegen

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// jsonEnc writes the AppendJSON method of one generated JSON Schema
// struct: the generated Validate, then the bytes encoding/json's Marshal
// writes for the value, appended without reflection or allocation (field
// order, omitempty, HTML-safe strings, sorted map keys, its float format).
// A struct that holds a json.RawMessage anywhere below it gets no
// AppendJSON and takes the runtime path.
type jsonEnc struct {
	j     *jsonGen
	f     *goFile
	lines []string
}

func (w *jsonEnc) p(args ...any) { w.lines = append(w.lines, fmt.Sprint(args...)) }

func (w *jsonEnc) rt(name string) string { return w.f.Q(jsonRT, name) }

// writeAppendJSON writes appendJSON and AppendJSON for struct name, or
// nothing when one of its values cannot be encoded here.
func (j *jsonGen) writeAppendJSON(f *goFile, name string, fields []jsField) {
	g := j.g
	if g.done == nil {
		g.done = map[string]string{}
	}
	w := &jsonEnc{j: j, f: f}
	w.p("sep := byte('{')")
	for _, fl := range fields {
		t := fl.t
		x := "v." + fl.goName
		ptr := !nilable(t) && (t.nullable || !fl.required)
		key, _ := json.Marshal(fl.name) // encoding/json escapes names like strings
		switch {
		case ptr && !fl.required:
			w.p("if ", x, " != nil {")
		case nilable(t) && !fl.required:
			w.p("if len(", x, ") != 0 {")
		default:
			w.p("{")
		}
		w.p("dst = append(dst, sep)")
		w.p("sep = ','")
		w.p("dst = append(dst, ", strconv.Quote(string(key)+":"), "...)")
		if ptr {
			if fl.required {
				w.p("if ", x, " == nil {")
				w.p("dst = append(dst, \"null\"...)")
				w.p("} else {")
			}
			inner := "(*" + x + ")"
			if t.kind == kStruct {
				inner = x
			}
			if !w.base(t, inner, 0) {
				return
			}
			if fl.required {
				w.p("}")
			}
		} else if !w.value(t, x, 0) {
			return
		}
		w.p("}")
	}
	w.p("if sep == '{' {")
	w.p("dst = append(dst, '{')")
	w.p("}")
	w.p("return append(dst, '}')")
	g.done["jsonenc:"+name] = "1"
	P := f.P
	P()
	P("// appendJSON appends v's JSON encoding: what encoding/json's Marshal writes.")
	P("func (v *", name, ") appendJSON(dst []byte) []byte {")
	for _, l := range w.lines {
		P(l)
	}
	P("}")
	for _, fl := range fields {
		if fl.goName == "AppendJSON" {
			return
		}
	}
	P()
	P("// AppendJSON validates v (Validate) and appends its JSON encoding, the bytes")
	P("// encoding/json's Marshal writes, to dst without reflection. On error dst")
	P("// comes back unchanged. serde.Serializer calls it for values of this type when")
	P("// it binds the schema this type was generated from.")
	P("func (v *", name, ") AppendJSON(dst []byte) ([]byte, error) {")
	P("if err := v.Validate(); err != nil {")
	P("return dst, err")
	P("}")
	P("return v.appendJSON(dst), nil")
	P("}")
}

// value writes x, of t's Go type (a pointer when t is nullable and not a
// slice or map), with null for nil.
func (w *jsonEnc) value(t *jsType, x string, depth int) bool {
	if t.nullable && !nilable(t) {
		w.p("if ", x, " == nil {")
		w.p("dst = append(dst, \"null\"...)")
		w.p("} else {")
		inner := "(*" + x + ")"
		if t.kind == kStruct {
			inner = x
		}
		if !w.base(t, inner, depth) {
			return false
		}
		w.p("}")
		return true
	}
	return w.base(t, x, depth)
}

// base writes x, a non-null value of t (a struct may be behind a pointer).
func (w *jsonEnc) base(t *jsType, x string, depth int) bool {
	d := strconv.Itoa(depth)
	switch t.kind {
	case kStruct:
		if w.j.g.done["jsonenc:"+t.expr] == "" {
			return false // not written (yet): recursion or a raw value below
		}
		w.p("dst = ", x, ".appendJSON(dst)")
	case kEnum:
		w.p("dst = ", w.rt("AppendString"), "(dst, string(", x, "))")
	case kString:
		w.p("dst = ", w.rt("AppendString"), "(dst, ", x, ")")
	case kInt:
		w.p("dst = ", w.rt("AppendInt"), "(dst, int64(", x, "))")
	case kNum:
		w.p("dst = ", w.rt("AppendFloat"), "(dst, float64(", x, "))")
	case kBool:
		w.p("dst = ", w.rt("AppendBool"), "(dst, ", x, ")")
	case kTime:
		w.p("dst = ", w.rt("AppendTime"), "(dst, ", x, ")")
	case kArray:
		i := "i" + d
		w.p("if ", x, " == nil {")
		w.p("dst = append(dst, \"null\"...)")
		w.p("} else {")
		w.p("dst = append(dst, '[')")
		w.p("for ", i, " := range ", x, " {")
		w.p("if ", i, " > 0 {")
		w.p("dst = append(dst, ',')")
		w.p("}")
		if !w.value(t.elem, x+"["+i+"]", depth+1) {
			return false
		}
		w.p("}")
		w.p("dst = append(dst, ']')")
		w.p("}")
	case kMap:
		i, k, e, kb := "i"+d, "k"+d, "e"+d, "kb"+d
		w.p("if ", x, " == nil {")
		w.p("dst = append(dst, \"null\"...)")
		w.p("} else {")
		w.p("dst = append(dst, '{')")
		w.p("var ", kb, " [16]string")
		w.p("for ", i, ", ", k, " := range ", w.rt("SortedKeys"), "(", x, ", ", kb, "[:0]) {")
		w.p("if ", i, " > 0 {")
		w.p("dst = append(dst, ',')")
		w.p("}")
		w.p("dst = ", w.rt("AppendString"), "(dst, ", k, ")")
		w.p("dst = append(dst, ':')")
		w.p(e, " := ", x, "[", k, "]")
		if !w.value(t.elem, e, depth+1) {
			return false
		}
		w.p("}")
		w.p("dst = append(dst, '}')")
		w.p("}")
	default:
		return false
	}
	return true
}

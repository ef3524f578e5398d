package codegen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// jsonEnc writes the encoders of one generated JSON Schema struct:
//
//   - appendJSON: the bytes encoding/json's Marshal writes for the value,
//     appended without reflection or allocation (field order, omitempty,
//     HTML-safe strings, sorted map keys, its float format);
//   - appendJSONValid (fused): the same bytes, with every check of the
//     generated Validate made on each value just before it is written, in
//     the same pass; it stops with ok false at the first check that fails,
//     without building a path or an error;
//   - AppendJSON: appendJSONValid, and only when it stops, Validate for the
//     errors (so their paths and messages are Validate's own).
//
// The fused checks mirror the emitter of jsonschema.go check for check
// (numberChecks is called as is; string, enum, time, bool, array and map
// checks are written the same way), so a value passes appendJSONValid
// exactly when Validate returns nil: json_diff_test and
// FuzzJSONEncoderDiff hold them to that, and to santhosh.
// A struct that holds a json.RawMessage anywhere below it gets no
// AppendJSON and takes the runtime path.
type jsonEnc struct {
	j     *jsonGen
	f     *goFile
	lines []string
	// fused: write appendJSONValid (checks, then encoding), not appendJSON.
	fused bool
	owner string // struct name, for the number checks' emitter
}

func (w *jsonEnc) p(args ...any) { w.lines = append(w.lines, fmt.Sprint(args...)) }

func (w *jsonEnc) rt(name string) string { return w.f.Q(jsonRT, name) }

// fail writes the fused encoder's exit for a value that does not fit.
func (w *jsonEnc) fail() { w.p("return dst, false") }

// writeAppendJSON writes appendJSON, appendJSONValid and AppendJSON for
// struct name, or nothing when one of its values cannot be encoded here.
func (j *jsonGen) writeAppendJSON(f *goFile, name string, fields []jsField) {
	g := j.g
	if g.done == nil {
		g.done = map[string]string{}
	}
	plain := &jsonEnc{j: j, f: f, owner: name}
	fused := &jsonEnc{j: j, f: f, owner: name, fused: true}
	for _, w := range []*jsonEnc{plain, fused} {
		if !w.fields(fields) {
			return
		}
	}
	g.done["jsonenc:"+name] = "1"
	P := f.P
	P()
	P("// appendJSON appends v's JSON encoding: what encoding/json's Marshal writes.")
	P("func (v *", name, ") appendJSON(dst []byte) []byte {")
	for _, l := range plain.lines {
		P(l)
	}
	P("}")
	P()
	P("// appendJSONValid appends v's JSON encoding, as appendJSON, checking each")
	P("// value as Validate does just before writing it. ok is false when a check")
	P("// fails; dst then holds a partial encoding, to be dropped.")
	P("func (v *", name, ") appendJSONValid(dst []byte) (_ []byte, ok bool) {")
	for _, l := range fused.lines {
		P(l)
	}
	P("}")
	for _, fl := range fields {
		if fl.goName == "AppendJSON" {
			return
		}
	}
	P()
	P("// AppendJSON validates v and appends its JSON encoding, the bytes")
	P("// encoding/json's Marshal writes, to dst in one pass, without reflection or")
	P("// allocation. On error dst comes back unchanged and the error is Validate's.")
	P("// serde.Serializer calls it for values of this type when it binds the schema")
	P("// this type was generated from.")
	P("func (v *", name, ") AppendJSON(dst []byte) ([]byte, error) {")
	P("if v != nil {")
	P("if out, ok := v.appendJSONValid(dst); ok {")
	P("return out, nil")
	P("}")
	P("}")
	P("if err := v.Validate(); err != nil {")
	P("return dst, err")
	P("}")
	P("return v.appendJSON(dst), nil")
	P("}")
}

// fields writes the body of appendJSON (or appendJSONValid) of a struct
// with these fields; false when one of its values cannot be encoded here.
func (w *jsonEnc) fields(fields []jsField) bool {
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
		if w.fused && nilable(t) && t.kind != kRaw {
			// Validate: a required non-null array or object must not
			// be nil; otherwise its checks run only when it has items.
			if fl.required && !t.nullable {
				w.p("if ", x, " == nil {")
				w.fail()
				w.p("}")
				w.collChecks(t, x, false)
			} else {
				w.collChecks(t, x, true)
			}
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
				return false
			}
			if fl.required {
				w.p("}")
			}
		} else if !w.value(t, x, 0) {
			return false
		}
		w.p("}")
	}
	w.p("if sep == '{' {")
	w.p("dst = append(dst, '{')")
	w.p("}")
	if w.fused {
		w.p("return append(dst, '}'), true")
	} else {
		w.p("return append(dst, '}')")
	}
	return true
}

// collChecks writes, in the fused encoder, the checks of array or map x
// itself (not of its items), under len(x) != 0 when gated: Validate's
// arrayChecks and mapChecks without the item loop.
func (w *jsonEnc) collChecks(t *jsType, x string, gated bool) {
	start := len(w.lines)
	o := t.node
	switch t.kind {
	case kArray:
		if n, ok := intKW(o, "minItems"); ok {
			w.p("if len(", x, ") < ", n, " {")
			w.fail()
			w.p("}")
		}
		if n, ok := intKW(o, "maxItems"); ok {
			w.p("if len(", x, ") > ", n, " {")
			w.fail()
			w.p("}")
		}
		if o.m["uniqueItems"] == true {
			// Validate's map finds two items equal when == does.
			w.p("if !", w.rt("Unique"), "(", x, ") {")
			w.fail()
			w.p("}")
		}
	case kMap:
		if n, ok := intKW(o, "minProperties"); ok {
			w.p("if len(", x, ") < ", n, " {")
			w.fail()
			w.p("}")
		}
		if n, ok := intKW(o, "maxProperties"); ok {
			w.p("if len(", x, ") > ", n, " {")
			w.fail()
			w.p("}")
		}
	}
	if gated && len(w.lines) > start {
		body := append([]string(nil), w.lines[start:]...)
		w.lines = append(w.lines[:start], "if len("+x+") != 0 {")
		w.lines = append(w.lines, body...)
		w.p("}")
	}
}

// itemChecks writes, in the fused encoder, Validate's checks of an array
// item or map value x of type t that are not the checks of its own base
// value: a nil array or object where null is not allowed, and the item
// array's or object's own checks (Validate runs them on a nil one too).
func (w *jsonEnc) itemChecks(t *jsType, x string) {
	if !nilable(t) || t.kind == kRaw {
		return
	}
	if !t.nullable {
		w.p("if ", x, " == nil {")
		w.fail()
		w.p("}")
	}
	w.collChecks(t, x, false)
}

// leafChecks writes, in the fused encoder, Validate's checks of x, a
// non-null scalar of t (checks in jsonschema.go), each failing with
// return dst, false.
func (w *jsonEnc) leafChecks(t *jsType, x string) {
	o := t.node
	switch t.kind {
	case kEnum:
		w.p("if !", x, ".IsValid() {")
		w.fail()
		w.p("}")
		w.stringChecks(o, "string("+x+")")
	case kString:
		w.stringChecks(o, x)
	case kInt, kNum:
		if t.kind == kNum {
			w.p("if ", w.f.Q("math", "IsNaN"), "(float64(", x, ")) || ", w.f.Q("math", "IsInf"), "(float64(", x, "), 0) {")
			w.fail()
			w.p("}")
		}
		// Validate's own number checks, each violation an exit.
		m := &emitter{j: w.j, f: w.f, owner: w.owner}
		err := w.j.emitErr
		m.numberChecks(t, x)
		w.j.emitErr = err // reported once, by Validate's emitter
		for _, l := range m.lines {
			if strings.HasPrefix(l, "errs = append(errs, ") {
				l = "return dst, false"
			}
			w.lines = append(w.lines, l)
		}
	case kTime:
		w.p("if y := ", x, ".Year(); y < 0 || y > 9999 {")
		w.fail()
		w.p("}")
	case kBool:
		if c, ok := o.m["const"].(bool); ok {
			w.p("if ", x, " != ", c, " {")
			w.fail()
			w.p("}")
		}
	}
}

// fastFormats are the formats whose fused check is serde/jsonschema's
// allocation-free Format function (its fast acceptor, then the library's
// check); other formats call the library's checker as Validate does.
var fastFormats = map[string]string{
	"email": "FormatEmail", "uuid": "FormatUUID", "date": "FormatDate", "date-time": "FormatDateTime",
}

// stringChecks is the emitter's stringChecks for the fused encoder: the
// same checks in the same terms, with the patterns Validate compiled.
func (w *jsonEnc) stringChecks(o *jobj, x string) {
	minL, hasMin := intKW(o, "minLength")
	maxL, hasMax := intKW(o, "maxLength")
	if hasMin || hasMax {
		count := w.f.Q("unicode/utf8", "RuneCountInString") + "(" + x + ")"
		if hasMin {
			w.p("if ", count, " < ", minL, " {")
			w.fail()
			w.p("}")
		}
		if hasMax {
			w.p("if ", count, " > ", maxL, " {")
			w.fail()
			w.p("}")
		}
	}
	if pat, ok := o.m["pattern"].(string); ok {
		name := ""
		for _, pv := range w.j.g.patterns {
			if pv.re == pat {
				name = pv.name
				break
			}
		}
		if name == "" {
			w.fail() // no compiled pattern to share: Validate decides
		} else {
			w.p("if !", name, ".MatchString(", x, ") {")
			w.fail()
			w.p("}")
		}
	}
	if fm, ok := o.m["format"].(string); ok && knownFormats[fm] {
		if fn := fastFormats[fm]; fn != "" {
			w.p("if !", w.rt(fn), "(", x, ") {")
		} else {
			w.p("if !", formatVar(fm), "(", x, ") {")
		}
		w.fail()
		w.p("}")
	}
	if c, ok := o.m["const"].(string); ok {
		w.p("if ", x, " != ", strconv.Quote(c), " {")
		w.fail()
		w.p("}")
	}
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
	if w.fused {
		w.leafChecks(t, x)
	}
	switch t.kind {
	case kStruct:
		if w.j.g.done["jsonenc:"+t.expr] == "" {
			return false // not written (yet): recursion or a raw value below
		}
		if w.fused {
			w.p("if dst, ok = ", x, ".appendJSONValid(dst); !ok {")
			w.fail()
			w.p("}")
		} else {
			w.p("dst = ", x, ".appendJSON(dst)")
		}
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
		if w.fused {
			w.itemChecks(t.elem, x+"["+i+"]")
		}
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
		if w.fused {
			w.itemChecks(t.elem, e)
		}
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

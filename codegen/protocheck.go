package codegen

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// bufGen generates BufValidate for one Protobuf entry's message: its
// buf.validate rules as plain Go, one function per message it reaches
// that has rules. The checks, their order, their rule IDs, rule paths,
// field paths and messages are protovalidate-go's (v1.4, with its native
// rules), so that serde/contract can run them in place of
// protovalidate-go. The unit is the whole message: when any message the
// root reaches has a rule this file does not generate (CEL, message
// oneof rules, predefined rules, well-known types' rules, formats whose
// check protovalidate-go keeps internal, ...), the root gets no
// BufValidate and keeps protovalidate-go.
type bufGen struct {
	g  *generator
	f  *goFile
	pb func(name string) string
	// why memoizes, per message, why it cannot be generated ("" when it
	// can); a message being examined counts as fine, so cycles end.
	why   map[protoreflect.FullName]string
	rules map[protoreflect.FullName]bool
	vars  []string // package variables to write after the functions
}

var (
	fieldRulesType = (*validate.FieldRules)(nil).ProtoReflect().Descriptor().Oneofs().ByName("type")
	numericRules   = map[string]bool{"float": true, "double": true, "int32": true, "int64": true, "uint32": true,
		"uint64": true, "sint32": true, "sint64": true, "fixed32": true, "fixed64": true, "sfixed32": true, "sfixed64": true}
)

func bufFuncName(m *protogen.Message) string {
	return "bufCheck" + strings.NewReplacer(".", "_").Replace(string(m.Desc.FullName()))
}

// setFields lists the fields set in m, extensions included, and reports
// unknown fields (predefined rules protovalidate-go resolves at run time).
func setFields(m proto.Message) (names []protoreflect.FieldDescriptor, unknown bool) {
	if m == nil {
		return nil, false
	}
	r := m.ProtoReflect()
	if !r.IsValid() {
		return nil, false
	}
	r.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		names = append(names, fd)
		return true
	})
	return names, len(r.GetUnknown()) > 0
}

// embedded is the message whose checks run for the values of field f, or
// nil: the message of a message field, list or map value, unless the
// rules ignore them always.
func embedded(f *protogen.Field, fr *validate.FieldRules) *protogen.Message {
	if fr.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
		return nil
	}
	switch {
	case f.Desc.IsMap():
		if fr.GetMap().GetValues().GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
			return nil
		}
		return f.Message.Fields[1].Message
	case f.Desc.IsList():
		if fr.GetRepeated().GetItems().GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
			return nil
		}
	}
	return f.Message
}

// hasRules reports whether m or a message it reaches has any buf.validate
// rule: whether checking it can find anything. Each question walks the
// messages m reaches afresh (with a seen set for cycles) and only its
// answer for m is kept: an answer for a message reached while another was
// still being looked at (a cycle) would be taken before that one was
// known, and could switch checks off below it.
func (b *bufGen) hasRules(m *protogen.Message) bool {
	name := m.Desc.FullName()
	if r, ok := b.rules[name]; ok {
		return r
	}
	seen := map[protoreflect.FullName]bool{}
	var reach func(m *protogen.Message) bool
	reach = func(m *protogen.Message) bool {
		if seen[m.Desc.FullName()] {
			return false // being looked at, or looked at, higher up this walk
		}
		seen[m.Desc.FullName()] = true
		if mr, _ := protovalidate.ResolveMessageRules(m.Desc); mr != nil {
			if fs, unk := setFields(mr); len(fs) > 0 || unk {
				return true
			}
		}
		for _, o := range m.Oneofs {
			if or, _ := protovalidate.ResolveOneofRules(o.Desc); or != nil {
				if fs, unk := setFields(or); len(fs) > 0 || unk {
					return true
				}
			}
		}
		for _, f := range m.Fields {
			fr, _ := protovalidate.ResolveFieldRules(f.Desc)
			if fs, unk := setFields(fr); len(fs) > 0 || unk {
				return true
			}
			if sub := embedded(f, fr); sub != nil && reach(sub) {
				return true
			}
		}
		return false
	}
	has := reach(m)
	b.rules[name] = has
	return has
}

// unsupported says why m, or a message it reaches, cannot have generated
// checks; "" when it can. Like hasRules, it keeps only the answer for m.
func (b *bufGen) unsupported(m *protogen.Message) string {
	name := m.Desc.FullName()
	if w, ok := b.why[name]; ok {
		return w
	}
	seen := map[protoreflect.FullName]bool{}
	var visit func(m *protogen.Message) string
	visit = func(m *protogen.Message) string {
		if seen[m.Desc.FullName()] {
			return "" // its own reasons are reported where it was first visited
		}
		seen[m.Desc.FullName()] = true
		return b.unsupportedMessage(m, visit)
	}
	w := visit(m)
	b.why[name] = w
	return w
}

func (b *bufGen) unsupportedMessage(m *protogen.Message, visit func(*protogen.Message) string) string {
	mr, err := protovalidate.ResolveMessageRules(m.Desc)
	if err != nil {
		return err.Error()
	}
	if fs, unk := setFields(mr); len(fs) > 0 || unk {
		return string(m.Desc.FullName()) + ": message rules (cel, oneof)"
	}
	for _, o := range m.Oneofs {
		or, err := protovalidate.ResolveOneofRules(o.Desc)
		if err != nil {
			return err.Error()
		}
		fs, unk := setFields(or)
		if unk {
			return string(o.Desc.FullName()) + ": unknown oneof rules"
		}
		for _, fd := range fs {
			if fd.Name() != "required" {
				return string(o.Desc.FullName()) + ": oneof rule " + string(fd.Name())
			}
		}
	}
	for _, f := range m.Fields {
		fr, err := protovalidate.ResolveFieldRules(f.Desc)
		if err != nil {
			return err.Error()
		}
		if w := unsupportedField(f.Desc, fr, false); w != "" {
			return string(f.Desc.FullName()) + ": " + w
		}
		sub := embedded(f, fr)
		if sub == nil || !b.hasRules(sub) {
			continue
		}
		if string(sub.GoIdent.GoImportPath) != b.g.pkg.ImportPath {
			return string(sub.Desc.FullName()) + ": rules in a message of another package"
		}
		if w := visit(sub); w != "" {
			return w
		}
	}
	return ""
}

// expectedRules is the member of FieldRules.type that fits fd's values
// (items: the elements of a list): "" for messages, whose rules
// (well-known types) are not generated.
func expectedRules(fd protoreflect.FieldDescriptor, items bool) string {
	switch {
	case fd.IsMap():
		return "map"
	case fd.IsList() && !items:
		return "repeated"
	}
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return ""
	}
	return fd.Kind().String()
}

// unsupportedField says why the rules fr of fd (of its items, map keys or
// values when items is set) cannot be generated.
func unsupportedField(fd protoreflect.FieldDescriptor, fr *validate.FieldRules, items bool) string {
	fs, unk := setFields(fr)
	if unk {
		return "unknown or predefined rules"
	}
	for _, x := range fs {
		switch {
		case x.IsExtension():
			return "predefined rule " + string(x.FullName())
		case x.Name() == "required":
			if items {
				return "required on items"
			}
		case x.Name() == "ignore":
			switch fr.GetIgnore() {
			case validate.Ignore_IGNORE_UNSPECIFIED, validate.Ignore_IGNORE_ALWAYS:
			case validate.Ignore_IGNORE_IF_ZERO_VALUE:
				if items && (fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind) {
					return "IGNORE_IF_ZERO_VALUE on message items"
				}
			default:
				return "ignore " + fr.GetIgnore().String()
			}
		case x.ContainingOneof() == nil:
			return string(x.Name()) // cel, cel_expression
		}
	}
	if fr.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
		return ""
	}
	r := fr.ProtoReflect()
	which := r.WhichOneof(fieldRulesType)
	if which == nil {
		return ""
	}
	want := expectedRules(fd, items)
	if string(which.Name()) != want {
		return fmt.Sprintf("%s rules on a %s field", which.Name(), fd.Kind())
	}
	sub := r.Get(which).Message()
	if len(sub.GetUnknown()) > 0 {
		return "predefined " + want + " rules"
	}
	bad := ""
	sub.Range(func(x protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		n := string(x.Name())
		if x.IsExtension() {
			bad = "predefined rule " + string(x.FullName())
			return false
		}
		ok := n == "example"
		switch {
		case numericRules[want]:
			switch n {
			case "const", "in", "not_in", "finite":
				ok = true
			case "gt", "gte", "lt", "lte":
				ok = !(x.Kind() == protoreflect.FloatKind || x.Kind() == protoreflect.DoubleKind) || !math.IsNaN(v.Float())
			}
		case want == "string":
			switch n {
			case "const", "len", "min_len", "max_len", "len_bytes", "min_bytes", "max_bytes",
				"prefix", "suffix", "contains", "not_contains", "in", "not_in":
				ok = true
			case "pattern":
				_, err := regexp.Compile(v.String())
				ok = err == nil
			case "uuid", "tuuid", "ulid":
				ok = v.Bool()
			}
		case want == "bytes":
			switch n {
			case "const", "len", "min_len", "max_len", "prefix", "suffix", "contains", "in", "not_in":
				ok = true
			case "ip", "ipv4", "ipv6", "uuid":
				ok = v.Bool()
			}
		case want == "bool":
			ok = ok || n == "const"
		case want == "enum":
			ok = ok || n == "const" || n == "defined_only" || n == "in" || n == "not_in"
		case want == "repeated":
			switch n {
			case "min_items", "max_items":
				ok = true
			case "unique":
				ok = !v.Bool() || (fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind)
			case "items":
				if w := unsupportedField(fd, v.Message().Interface().(*validate.FieldRules), true); w != "" {
					bad = "items: " + w
					return false
				}
				ok = true
			}
		case want == "map":
			switch n {
			case "min_pairs", "max_pairs":
				ok = true
			case "keys", "values":
				sd := fd.MapKey()
				if n == "values" {
					sd = fd.MapValue()
				}
				if w := unsupportedField(sd, v.Message().Interface().(*validate.FieldRules), true); w != "" {
					bad = n + ": " + w
					return false
				}
				ok = true
			}
		}
		if !ok {
			bad = want + "." + n
		}
		return ok
	})
	return bad
}

// root writes BufValidate on the entry's message, or nothing when the
// messages it reaches have no rules or have one not generated.
func (b *bufGen) root(root *protogen.Message) {
	for _, fl := range root.Fields {
		if fl.GoName == "BufValidate" {
			return
		}
	}
	if !b.hasRules(root) || b.unsupported(root) != "" {
		return
	}
	P := b.f.P
	name := root.GoIdent.GoName
	P()
	P("// BufValidate checks m against the buf.validate rules of its schema in")
	P("// plain Go, without reflection: the checks, rule IDs, field paths and")
	P("// messages of protovalidate-go. It returns nil, a *serde.ValidationError")
	P("// wrapping serde.ErrRule, or errors.Join of one per violation; with")
	P("// failFast, the first only. serde/contract calls it in place of")
	P("// protovalidate-go when the schema it binds has this type's rules.")
	P("func (m *", name, ") BufValidate(failFast bool) error {")
	P("c := ", b.pb("BufCheck"), "{FailFast: failFast}")
	P(bufFuncName(root), "(m, &c)")
	P("return c.Err()")
	P("}")
	b.message(root)
	for _, v := range b.vars {
		P()
		P(v)
	}
}

// message writes the check function of m and of the messages with rules
// it reaches.
func (b *bufGen) message(m *protogen.Message) {
	key := "bufcheck:" + string(m.Desc.FullName())
	if b.g.done[key] != "" {
		return
	}
	b.g.done[key] = "1"
	P := b.f.P
	typ := b.f.Q(string(m.GoIdent.GoImportPath), m.GoIdent.GoName)
	P()
	P("// ", bufFuncName(m), " records in c the buf.validate violations of m.")
	P("func ", bufFuncName(m), "(m *", typ, ", c *", b.pb("BufCheck"), ") {")
	P("if m == nil {")
	P("m = new(", typ, ") // read as protovalidate-go reads a nil message: empty")
	P("}")
	for _, o := range m.Oneofs {
		if o.Desc.IsSynthetic() {
			continue
		}
		if or, _ := protovalidate.ResolveOneofRules(o.Desc); or.GetRequired() {
			P("if m.", o.GoName, " == nil {")
			P("c.AddField(", strconv.Quote(string(o.Desc.Name())), `, "required", "buf.validate required", "exactly one field is required in oneof")`)
			P("}")
		}
	}
	var subs []*protogen.Message
	for _, f := range m.Fields {
		fr, _ := protovalidate.ResolveFieldRules(f.Desc)
		b.field(f, fr)
		if sub := embedded(f, fr); sub != nil && b.hasRules(sub) {
			subs = append(subs, sub)
		}
	}
	P("}")
	for _, sub := range subs {
		b.message(sub)
	}
}

// capture runs gen with the file's body set aside and returns what gen
// wrote.
func (b *bufGen) capture(gen func()) string {
	saved := b.f.body
	b.f.body = bytes.Buffer{}
	gen()
	out := b.f.body.String()
	b.f.body = saved
	return out
}

// field writes the checks of field f of m.
func (b *bufGen) field(f *protogen.Field, fr *validate.FieldRules) {
	d := f.Desc
	if fr.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
		return
	}
	name := strconv.Quote(string(d.Name()))
	fieldAdd := func(id, expr, msg string) string {
		return "c.AddField(" + name + ", " + strconv.Quote(id) + ", " + strconv.Quote(expr) + ", " + strconv.Quote(msg) + ")"
	}
	x := "m." + f.GoName
	var has string
	switch {
	case f.Oneof != nil && !f.Oneof.Desc.IsSynthetic():
		has = "ok"
		x = "x." + f.GoName
	case d.IsList() || d.IsMap():
		has = "len(" + x + ") > 0"
	case d.Message() != nil:
		has = x + " != nil"
	case d.HasPresence():
		has = x + " != nil"
		if d.Kind() != protoreflect.BytesKind {
			x = "(*" + x + ")"
		}
	default:
		has = b.nonZero(d, x)
	}
	body := b.capture(func() {
		switch {
		case d.IsMap():
			b.mapChecks(f, fr, x, fieldAdd)
		case d.IsList():
			b.listChecks(f, fr, x, fieldAdd)
		case d.Message() != nil:
			if sub := embedded(f, fr); sub != nil && b.hasRules(sub) {
				b.f.P("mk := c.Mark()")
				b.f.P(bufFuncName(sub), "(", x, ", c)")
				b.f.P("c.Field(mk, ", name, ")")
			}
		default:
			b.scalarChecks(d, fr, x, "", fieldAdd)
		}
	})
	required := fr.GetRequired()
	if body == "" && !required {
		return
	}
	P := b.f.P
	if f.Oneof != nil && !f.Oneof.Desc.IsSynthetic() {
		P("if x, ok := m.", f.Oneof.GoName, ".(*", b.f.Q(string(f.GoIdent.GoImportPath), f.GoIdent.GoName), "); ok {")
		if body == "" {
			P("_ = x")
		}
	} else if required && body == "" {
		P("if !(", has, ") {")
		P(fieldAdd("required", "required", "value is required"))
		P("}")
		return
	} else if required || d.HasPresence() || fr.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE {
		P("if ", has, " {")
	} else {
		P("{")
	}
	b.f.body.WriteString(body)
	if required {
		P("} else {")
		P(fieldAdd("required", "required", "value is required"))
	}
	P("}")
}

// nonZero is the Go test of protoreflect's Has for a field without
// presence: a value other than the zero value (for floats, other bits
// than +0).
func (b *bufGen) nonZero(d protoreflect.FieldDescriptor, x string) string {
	switch d.Kind() {
	case protoreflect.BoolKind:
		return x
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "len(" + x + ") > 0"
	case protoreflect.FloatKind:
		return b.f.Q("math", "Float32bits") + "(" + x + ") != 0"
	case protoreflect.DoubleKind:
		return b.f.Q("math", "Float64bits") + "(" + x + ") != 0"
	}
	return x + " != 0"
}

// listChecks writes the checks of repeated field f, its value x.
func (b *bufGen) listChecks(f *protogen.Field, fr *validate.FieldRules, x string, add func(id, expr, msg string) string) {
	P := b.f.P
	d := f.Desc
	rr := fr.GetRepeated()
	if rr.HasMinItems() {
		P("if uint64(len(", x, ")) < ", rr.GetMinItems(), " {")
		P(add("repeated.min_items", "repeated.min_items", fmt.Sprintf("must contain at least %d item(s)", rr.GetMinItems())))
		P("}")
	}
	if rr.HasMaxItems() {
		P("if uint64(len(", x, ")) > ", rr.GetMaxItems(), " {")
		P(add("repeated.max_items", "repeated.max_items", fmt.Sprintf("must contain no more than %d item(s)", rr.GetMaxItems())))
		P("}")
	}
	if rr.GetUnique() {
		fn := "BufUnique"
		if d.Kind() == protoreflect.BytesKind {
			fn = "BufUniqueBytes"
		}
		P("if !", b.pb(fn), "(", x, ") {")
		P(add("repeated.unique", "repeated.unique", "repeated value must contain unique items"))
		P("}")
	}
	items := rr.GetItems()
	var sub *protogen.Message
	if s := embedded(f, fr); s != nil && b.hasRules(s) {
		sub = s
	}
	itemAdd := func(id, expr, msg string) string {
		return "c.Add(" + strconv.Quote(id) + ", " + strconv.Quote(expr) + ", " + strconv.Quote(msg) + ")"
	}
	body := b.capture(func() {
		if items.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
			return
		}
		if sub == nil {
			b.scalarChecks(d, items, "v", "repeated.items.", itemAdd)
			return
		}
		P(bufFuncName(sub), "(v, c)")
	})
	if body == "" {
		return
	}
	P("mk := c.Mark()")
	P("for i, v := range ", x, " {")
	P("mi := c.Mark()")
	if items.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE {
		zero := dynamicpb.NewMessage(d.ContainingMessage()).Get(d).List().NewElement()
		P("if ", b.notZero(d, "v", zero), " {")
		b.f.body.WriteString(body)
		P("}")
	} else {
		b.f.body.WriteString(body)
	}
	P("c.Index(mi, i)")
	P("}")
	P("c.Field(mk, ", strconv.Quote(string(d.Name())), ")")
}

// notZero is the Go test of !v.Equal(zero) for a scalar value x of d.
func (b *bufGen) notZero(d protoreflect.FieldDescriptor, x string, zero protoreflect.Value) string {
	switch d.Kind() {
	case protoreflect.BoolKind:
		if zero.Bool() {
			return "!" + x
		}
		return x
	case protoreflect.StringKind:
		return x + " != " + strconv.Quote(zero.String())
	case protoreflect.BytesKind:
		return "string(" + x + ") != " + strconv.Quote(string(zero.Bytes()))
	case protoreflect.EnumKind:
		return "int32(" + x + ") != " + strconv.Itoa(int(zero.Enum()))
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return x + " != " + b.floatLit(zero.Float(), d.Kind() == protoreflect.FloatKind)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return x + " != " + strconv.FormatUint(zero.Uint(), 10)
	}
	return x + " != " + strconv.FormatInt(zero.Int(), 10)
}

// mapChecks writes the checks of map field f, its value x.
func (b *bufGen) mapChecks(f *protogen.Field, fr *validate.FieldRules, x string, add func(id, expr, msg string) string) {
	P := b.f.P
	d := f.Desc
	mr := fr.GetMap()
	if mr.HasMinPairs() || mr.HasMaxPairs() {
		var conds []string
		if mr.HasMinPairs() {
			conds = append(conds, fmt.Sprintf("if uint64(len(%s)) < %d {\n%s\n", x, mr.GetMinPairs(),
				add("map.min_pairs", "map.min_pairs", fmt.Sprintf("map must be at least %d entries", mr.GetMinPairs()))))
		}
		if mr.HasMaxPairs() {
			conds = append(conds, fmt.Sprintf("if uint64(len(%s)) > %d {\n%s\n", x, mr.GetMaxPairs(),
				add("map.max_pairs", "map.max_pairs", fmt.Sprintf("map must be at most %d entries", mr.GetMaxPairs()))))
		}
		b.f.body.WriteString(strings.Join(conds, "} else "))
		P("}")
	}
	itemAdd := func(id, expr, msg string) string {
		return "c.Add(" + strconv.Quote(id) + ", " + strconv.Quote(expr) + ", " + strconv.Quote(msg) + ")"
	}
	kd, vd := d.MapKey(), d.MapValue()
	keys, values := mr.GetKeys(), mr.GetValues()
	var sub *protogen.Message
	if s := embedded(f, fr); s != nil && b.hasRules(s) {
		sub = s
	}
	body := b.capture(func() {
		if keys.GetIgnore() != validate.Ignore_IGNORE_ALWAYS {
			kb := b.capture(func() { b.scalarChecks(kd, keys, "k", "map.keys.", itemAdd) })
			if kb != "" && keys.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE {
				P("if ", b.notZero(kd, "k", kd.Default()), " {")
				b.f.body.WriteString(kb)
				P("}")
			} else {
				b.f.body.WriteString(kb)
			}
		}
		if values.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
			return
		}
		if sub != nil {
			P(bufFuncName(sub), "(v, c)")
			return
		}
		vb := b.capture(func() { b.scalarChecks(vd, values, "v", "map.values.", itemAdd) })
		if vb != "" && values.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE {
			P("if ", b.notZero(vd, "v", vd.Default()), " {")
			b.f.body.WriteString(vb)
			P("}")
		} else {
			b.f.body.WriteString(vb)
		}
	})
	if body == "" {
		return
	}
	P("mk := c.Mark()")
	P("for k, v := range ", x, " {")
	P("_, _ = k, v")
	P("mi := c.Mark()")
	b.f.body.WriteString(body)
	switch kd.Kind() {
	case protoreflect.StringKind:
		P("c.Key(mi, k)")
	case protoreflect.BoolKind:
		P("c.KeyBool(mi, k)")
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		P("c.KeyUint(mi, uint64(k))")
	default:
		P("c.KeyInt(mi, int64(k))")
	}
	P("}")
	P("c.Field(mk, ", strconv.Quote(string(d.Name())), ")")
}

// scalarChecks writes the checks of the scalar rules fr on value x of d
// (the prefix of the rule paths is pfx, like repeated.items.).
func (b *bufGen) scalarChecks(d protoreflect.FieldDescriptor, fr *validate.FieldRules, x, pfx string, add func(id, expr, msg string) string) {
	r := fr.ProtoReflect()
	which := r.WhichOneof(fieldRulesType)
	if which == nil || fr.GetIgnore() == validate.Ignore_IGNORE_ALWAYS {
		return
	}
	sub := r.Get(which).Message()
	typ := string(which.Name())
	switch {
	case numericRules[typ]:
		b.numeric(d, typ, sub, x, pfx, add)
	case typ == "string":
		b.stringChecks(fr.GetString(), x, pfx, add)
	case typ == "bytes":
		b.bytesChecks(fr.GetBytes(), x, pfx, add)
	case typ == "bool":
		if br := fr.GetBool(); br.HasConst() {
			b.f.P("if ", x, " != ", br.GetConst(), " {")
			b.f.P(add("bool.const", pfx+"bool.const", fmt.Sprintf("must equal %t", br.GetConst())))
			b.f.P("}")
		}
	case typ == "enum":
		b.enumChecks(d, fr.GetEnum(), x, pfx, add)
	}
}

// ruleValue returns the value of rule field name of rules message r.
func ruleValue(r protoreflect.Message, name string) (protoreflect.Value, bool) {
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil || !r.Has(fd) {
		return protoreflect.Value{}, false
	}
	return r.Get(fd), true
}

// num is one numeric rule value: its Go literal, its text in messages,
// and its value for deduplication.
type num struct {
	lit, text string
	f         float64
	nan       bool
}

func (b *bufGen) numOf(kind string, v protoreflect.Value) num {
	switch kind {
	case "float", "double":
		f := v.Float()
		return num{lit: b.floatLit(f, kind == "float"), text: printFloat(f), f: f, nan: math.IsNaN(f)}
	case "uint32", "uint64", "fixed32", "fixed64":
		return num{lit: strconv.FormatUint(v.Uint(), 10), text: strconv.FormatUint(v.Uint(), 10)}
	}
	return num{lit: strconv.FormatInt(v.Int(), 10), text: strconv.FormatInt(v.Int(), 10)}
}

// floatLit is a Go expression of f, exact for its type.
func (b *bufGen) floatLit(f float64, f32 bool) string {
	typ := "float64"
	bits := 64
	if f32 {
		typ, bits = "float32", 32
	}
	switch {
	case math.IsNaN(f):
		return typ + "(" + b.f.Q("math", "NaN") + "())"
	case math.IsInf(f, 1):
		return typ + "(" + b.f.Q("math", "Inf") + "(1))"
	case math.IsInf(f, -1):
		return typ + "(" + b.f.Q("math", "Inf") + "(-1))"
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return typ + "(" + s + ")"
}

// printFloat is protovalidate-go's text of a float rule value.
func printFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsInf(f, 1):
		return "Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// inList writes a switch that runs stmt when x is none of lits (nil-able:
// a value that matches nothing, like NaN, is left out).
func (b *bufGen) inList(x string, lits []string, in bool, stmt string) {
	P := b.f.P
	seen := map[string]bool{}
	var cases []string
	for _, l := range lits {
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		cases = append(cases, l)
	}
	P("switch ", x, " {")
	if len(cases) > 0 {
		P("case ", strings.Join(cases, ", "), ":")
		if !in {
			P(stmt)
		}
	}
	if in {
		P("default:")
		P(stmt)
	}
	P("}")
}

func (b *bufGen) numeric(d protoreflect.FieldDescriptor, typ string, r protoreflect.Message, x, pfx string, add func(id, expr, msg string) string) {
	P := b.f.P
	isFloat := typ == "float" || typ == "double"
	listOf := func(name string) (lits, texts []string, ok bool) {
		v, ok := ruleValue(r, name)
		if !ok {
			return nil, nil, false
		}
		l := v.List()
		seenF := map[float64]bool{}
		for i := 0; i < l.Len(); i++ {
			n := b.numOf(typ, l.Get(i))
			texts = append(texts, n.text)
			switch {
			case n.nan:
				continue // equal to nothing
			case isFloat && seenF[n.f]:
				continue // 0 and -0, one case
			}
			seenF[n.f] = true
			lits = append(lits, n.lit)
		}
		return lits, texts, true
	}
	if v, ok := ruleValue(r, "const"); ok {
		n := b.numOf(typ, v)
		if n.nan {
			P("{")
		} else {
			P("if ", x, " != ", n.lit, " {")
		}
		P(add(typ+".const", pfx+typ+".const", "must equal "+n.text))
		P("}")
	}
	if lits, texts, ok := listOf("in"); ok {
		b.inList(x, lits, true, add(typ+".in", pfx+typ+".in", "must be in list ["+strings.Join(texts, ", ")+"]"))
	}
	if lits, texts, ok := listOf("not_in"); ok && len(lits) > 0 {
		b.inList(x, lits, false, add(typ+".not_in", pfx+typ+".not_in", "must not be in list ["+strings.Join(texts, ", ")+"]"))
	}
	if v, ok := ruleValue(r, "finite"); ok && v.Bool() {
		P("if ", b.f.Q("math", "IsNaN"), "(float64(", x, ")) || ", b.f.Q("math", "IsInf"), "(float64(", x, "), 0) {")
		P(add(typ+".finite", pfx+typ+".finite", "must be finite"))
		P("}")
	}
	// The range: protovalidate-go's nativeNumericCompare.
	var lo, hi num
	lower, upper := "", ""
	if v, ok := ruleValue(r, "gt"); ok {
		lower, lo = "gt", b.numOf(typ, v)
	} else if v, ok := ruleValue(r, "gte"); ok {
		lower, lo = "gte", b.numOf(typ, v)
	}
	if v, ok := ruleValue(r, "lt"); ok {
		upper, hi = "lt", b.numOf(typ, v)
	} else if v, ok := ruleValue(r, "lte"); ok {
		upper, hi = "lte", b.numOf(typ, v)
	}
	if lower == "" && upper == "" {
		return
	}
	nan := ""
	if isFloat {
		nan = b.f.Q("math", "IsNaN") + "(float64(" + x + ")) || "
	}
	below := x + " < " + lo.lit
	loMsg := "greater than or equal to " + lo.text
	if lower == "gt" {
		below = x + " <= " + lo.lit
		loMsg = "greater than " + lo.text
	}
	above := x + " > " + hi.lit
	hiMsg := "less than or equal to " + hi.text
	if upper == "lt" {
		above = x + " >= " + hi.lit
		hiMsg = "less than " + hi.text
	}
	switch {
	case lower == "":
		P("if ", nan, above, " {")
		P(add(typ+"."+upper, pfx+typ+"."+upper, "must be "+hiMsg))
	case upper == "":
		P("if ", nan, below, " {")
		P(add(typ+"."+lower, pfx+typ+"."+lower, "must be "+loMsg))
	default:
		normal := !numLess(typ, r, hi, lo)
		id := typ + "." + lower + "_" + upper
		cond, conj := "("+above+" || "+below+")", "and"
		if !normal {
			id += "_exclusive"
			cond, conj = "("+above+" && "+below+")", "or"
		}
		P("if ", nan, cond, " {")
		P(add(id, pfx+typ+"."+lower, fmt.Sprintf("must be %s %s %s", loMsg, conj, hiMsg)))
	}
	P("}")
}

// numLess reports hi < lo for the rule values of type typ.
func numLess(typ string, r protoreflect.Message, hi, lo num) bool {
	get := func(names ...string) protoreflect.Value {
		for _, n := range names {
			if v, ok := ruleValue(r, n); ok {
				return v
			}
		}
		return protoreflect.Value{}
	}
	h, l := get("lt", "lte"), get("gt", "gte")
	switch typ {
	case "float", "double":
		return h.Float() < l.Float()
	case "uint32", "uint64", "fixed32", "fixed64":
		return h.Uint() < l.Uint()
	}
	return h.Int() < l.Int()
}

func (b *bufGen) stringChecks(sr *validate.StringRules, x, pfx string, add func(id, expr, msg string) string) {
	P := b.f.P
	if sr.HasLen() || sr.HasMinLen() || sr.HasMaxLen() {
		P("{")
		P("n := uint64(", b.f.Q("unicode/utf8", "RuneCountInString"), "(", x, "))")
		if sr.HasLen() {
			P("if n != ", sr.GetLen(), " {")
			P(add("string.len", pfx+"string.len", fmt.Sprintf("must be %d characters", sr.GetLen())))
			P("}")
		}
		if sr.HasMinLen() {
			P("if n < ", sr.GetMinLen(), " {")
			P(add("string.min_len", pfx+"string.min_len", fmt.Sprintf("must be at least %d characters", sr.GetMinLen())))
			P("}")
		}
		if sr.HasMaxLen() {
			P("if n > ", sr.GetMaxLen(), " {")
			P(add("string.max_len", pfx+"string.max_len", fmt.Sprintf("must be at most %d characters", sr.GetMaxLen())))
			P("}")
		}
		P("}")
	}
	if sr.HasLenBytes() {
		P("if uint64(len(", x, ")) != ", sr.GetLenBytes(), " {")
		P(add("string.len_bytes", pfx+"string.len_bytes", fmt.Sprintf("must be %d bytes", sr.GetLenBytes())))
		P("}")
	}
	if sr.HasMinBytes() {
		P("if uint64(len(", x, ")) < ", sr.GetMinBytes(), " {")
		P(add("string.min_bytes", pfx+"string.min_bytes", fmt.Sprintf("must be at least %d bytes", sr.GetMinBytes())))
		P("}")
	}
	if sr.HasMaxBytes() {
		P("if uint64(len(", x, ")) > ", sr.GetMaxBytes(), " {")
		P(add("string.max_bytes", pfx+"string.max_bytes", fmt.Sprintf("must be at most %d bytes", sr.GetMaxBytes())))
		P("}")
	}
	if sr.HasConst() {
		P("if ", x, " != ", strconv.Quote(sr.GetConst()), " {")
		P(add("string.const", pfx+"string.const", fmt.Sprintf("must equal `%s`", sr.GetConst())))
		P("}")
	}
	if sr.HasPattern() {
		re := b.bufRegexp(sr.GetPattern())
		P("if !", re, ".MatchString(", x, ") {")
		P(add("string.pattern", pfx+"string.pattern", fmt.Sprintf("does not match regex pattern `%s`", sr.GetPattern())))
		P("}")
	}
	if sr.HasPrefix() {
		P("if !", b.f.Q("strings", "HasPrefix"), "(", x, ", ", strconv.Quote(sr.GetPrefix()), ") {")
		P(add("string.prefix", pfx+"string.prefix", fmt.Sprintf("does not have prefix `%s`", sr.GetPrefix())))
		P("}")
	}
	if sr.HasSuffix() {
		P("if !", b.f.Q("strings", "HasSuffix"), "(", x, ", ", strconv.Quote(sr.GetSuffix()), ") {")
		P(add("string.suffix", pfx+"string.suffix", fmt.Sprintf("does not have suffix `%s`", sr.GetSuffix())))
		P("}")
	}
	if sr.HasContains() {
		P("if !", b.f.Q("strings", "Contains"), "(", x, ", ", strconv.Quote(sr.GetContains()), ") {")
		P(add("string.contains", pfx+"string.contains", fmt.Sprintf("does not contain substring `%s`", sr.GetContains())))
		P("}")
	}
	if sr.HasNotContains() {
		P("if ", b.f.Q("strings", "Contains"), "(", x, ", ", strconv.Quote(sr.GetNotContains()), ") {")
		P(add("string.not_contains", pfx+"string.not_contains", fmt.Sprintf("contains substring `%s`", sr.GetNotContains())))
		P("}")
	}
	quoted := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strconv.Quote(s)
		}
		return out
	}
	if in := sr.GetIn(); len(in) > 0 {
		b.inList(x, quoted(in), true, add("string.in", pfx+"string.in", "must be in list ["+strings.Join(in, ", ")+"]"))
	}
	if in := sr.GetNotIn(); len(in) > 0 {
		b.inList(x, quoted(in), false, add("string.not_in", pfx+"string.not_in", "must not be in list ["+strings.Join(in, ", ")+"]"))
	}
	for _, wk := range []struct {
		on       bool
		name, fn string
		what     string
	}{
		{sr.GetUuid(), "uuid", "BufUUID", "UUID"},
		{sr.GetTuuid(), "tuuid", "BufTUUID", "trimmed UUID"},
		{sr.GetUlid(), "ulid", "BufULID", "ULID"},
	} {
		if !wk.on {
			continue
		}
		P("if ", x, ` == "" {`)
		P(add("string."+wk.name+"_empty", pfx+"string."+wk.name, "value is empty, which is not a valid "+wk.what))
		P("} else if !", b.pb(wk.fn), "(", x, ") {")
		P(add("string."+wk.name, pfx+"string."+wk.name, "must be a valid "+wk.what))
		P("}")
	}
}

func (b *bufGen) bytesChecks(br *validate.BytesRules, x, pfx string, add func(id, expr, msg string) string) {
	P := b.f.P
	if br.HasConst() {
		P("if string(", x, ") != ", strconv.Quote(string(br.GetConst())), " {")
		P(add("bytes.const", pfx+"bytes.const", fmt.Sprintf("must be %x", br.GetConst())))
		P("}")
	}
	if br.HasLen() {
		P("if uint64(len(", x, ")) != ", br.GetLen(), " {")
		P(add("bytes.len", pfx+"bytes.len", fmt.Sprintf("must be %d bytes", br.GetLen())))
		P("}")
	}
	if br.HasMinLen() {
		P("if uint64(len(", x, ")) < ", br.GetMinLen(), " {")
		P(add("bytes.min_len", pfx+"bytes.min_len", fmt.Sprintf("must be at least %d bytes", br.GetMinLen())))
		P("}")
	}
	if br.HasMaxLen() {
		P("if uint64(len(", x, ")) > ", br.GetMaxLen(), " {")
		P(add("bytes.max_len", pfx+"bytes.max_len", fmt.Sprintf("must be at most %d bytes", br.GetMaxLen())))
		P("}")
	}
	bs := func(fn string, v []byte) string {
		return b.f.Q("bytes", fn) + "(" + x + ", " + b.bufBytes(v) + ")"
	}
	if br.HasPrefix() {
		P("if !", bs("HasPrefix", br.GetPrefix()), " {")
		P(add("bytes.prefix", pfx+"bytes.prefix", fmt.Sprintf("does not have prefix %x", br.GetPrefix())))
		P("}")
	}
	if br.HasSuffix() {
		P("if !", bs("HasSuffix", br.GetSuffix()), " {")
		P(add("bytes.suffix", pfx+"bytes.suffix", fmt.Sprintf("does not have suffix %x", br.GetSuffix())))
		P("}")
	}
	if br.HasContains() {
		P("if !", bs("Contains", br.GetContains()), " {")
		P(add("bytes.contains", pfx+"bytes.contains", fmt.Sprintf("does not contain %x", br.GetContains())))
		P("}")
	}
	list := func(vs [][]byte) (lits []string, text string) {
		parts := make([]string, len(vs))
		for i, v := range vs {
			lits = append(lits, strconv.Quote(string(v)))
			parts[i] = string(v)
		}
		return lits, "[" + strings.Join(parts, ", ") + "]"
	}
	if in := br.GetIn(); len(in) > 0 {
		lits, text := list(in)
		b.inList("string("+x+")", lits, true, add("bytes.in", pfx+"bytes.in", "must be in list "+text))
	}
	if in := br.GetNotIn(); len(in) > 0 {
		lits, text := list(in)
		b.inList("string("+x+")", lits, false, add("bytes.not_in", pfx+"bytes.not_in", "must not be in list "+text))
	}
	for _, wk := range []struct {
		on         bool
		name, what string
		sizes      string
	}{
		{br.GetIp(), "ip", "IP address", "4, 16"},
		{br.GetIpv4(), "ipv4", "IPv4 address", "4"},
		{br.GetIpv6(), "ipv6", "IPv6 address", "16"},
		{br.GetUuid(), "uuid", "UUID", "16"},
	} {
		if !wk.on {
			continue
		}
		P("switch len(", x, ") {")
		P("case 0:")
		P(add("bytes."+wk.name+"_empty", pfx+"bytes."+wk.name, "value is empty, which is not a valid "+wk.what))
		P("case ", wk.sizes, ":")
		P("default:")
		P(add("bytes."+wk.name, pfx+"bytes."+wk.name, "must be a valid "+wk.what))
		P("}")
	}
}

func (b *bufGen) enumChecks(d protoreflect.FieldDescriptor, er *validate.EnumRules, x, pfx string, add func(id, expr, msg string) string) {
	P := b.f.P
	v := "int32(" + x + ")"
	nums := func(ns []int32) (lits []string, text string) {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = strconv.Itoa(int(n))
		}
		return parts, "[" + strings.Join(parts, ", ") + "]"
	}
	if er.HasConst() {
		P("if ", v, " != ", er.GetConst(), " {")
		P(add("enum.const", pfx+"enum.const", fmt.Sprintf("must equal %d", er.GetConst())))
		P("}")
	}
	if in := er.GetIn(); len(in) > 0 {
		lits, text := nums(in)
		b.inList(v, lits, true, add("enum.in", pfx+"enum.in", "must be in list "+text))
	}
	if in := er.GetNotIn(); len(in) > 0 {
		lits, text := nums(in)
		b.inList(v, lits, false, add("enum.not_in", pfx+"enum.not_in", "must not be in list "+text))
	}
	if er.GetDefinedOnly() {
		vals := d.Enum().Values()
		var lits []string
		for i := 0; i < vals.Len(); i++ {
			lits = append(lits, strconv.Itoa(int(vals.Get(i).Number())))
		}
		b.inList(v, lits, true, add("enum.defined_only", pfx+"enum.defined_only", "value must be one of the defined enum values"))
	}
}

// bufRegexp returns the package variable holding pattern, compiled once
// at init.
func (b *bufGen) bufRegexp(pattern string) string {
	return b.pkgVar("bufPattern", pattern, b.f.Q("regexp", "MustCompile")+"("+strconv.Quote(pattern)+")")
}

// bufBytes returns the package variable holding bytes constant v.
func (b *bufGen) bufBytes(v []byte) string {
	return b.pkgVar("bufBytes", string(v), "[]byte("+strconv.Quote(string(v))+")")
}

// pkgVar returns the package variable of kind (a name prefix) holding
// expr, whose identity is key; root writes it after the functions.
func (b *bufGen) pkgVar(kind, key, expr string) string {
	k := "bufvar:" + kind + ":" + key
	if v := b.g.done[k]; v != "" {
		return v
	}
	b.g.bufVars++
	v := kind + strconv.Itoa(b.g.bufVars)
	b.g.done[k] = v
	b.vars = append(b.vars, "var "+v+" = "+expr)
	return v
}

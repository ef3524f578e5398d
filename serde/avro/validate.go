package avro

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/hamba/avro/v2"
	"github.com/modern-go/reflect2"

	"github.com/schemagen/schemagen/serde"
)

// A checker validates the value that p points to; it was built for one
// (schema node, Go type) pair. Checkers mirror the Go types hamba's encoder
// accepts for each schema, then check what hamba does not: ranges, enum
// symbols, decimal precision and scale, uuid format, UTF-8, nil pointers.
type checker interface {
	check(p unsafe.Pointer, c *vctx)
}

// vctx collects violations. Checkers do not track the path on the way
// down (that would cost every valid record); a violation starts with an
// empty path and each container adds its segment on the way back up, when
// it sees that a child added violations.
type vctx struct {
	errs  []verr
	depth int // nesting of recursive records
	// scratch for decimal checks
	q, r, u big.Int
}

type verr struct {
	segs     []seg // innermost first
	sentinel error
	reason   string
}

type seg struct {
	name string
	idx  int
	kind uint8 // 0 field, 1 index, 2 map key
}

var vctxPool = sync.Pool{New: func() any { return &vctx{} }}

// field, index and key add a path segment to the violations added since
// mark (len(c.errs) before the child ran).
func (c *vctx) field(mark int, name string) { c.add(mark, seg{name: name}) }
func (c *vctx) index(mark int, i int)       { c.add(mark, seg{idx: i, kind: 1}) }
func (c *vctx) key(mark int, k string)      { c.add(mark, seg{name: k, kind: 2}) }

func (c *vctx) add(mark int, sg seg) {
	for i := mark; i < len(c.errs); i++ {
		c.errs[i].segs = append(c.errs[i].segs, sg)
	}
}

func pathOf(segs []seg) string {
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		switch s.kind {
		case 0:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		case 1:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		case 2:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.name))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// enter counts one more level of a recursive record; past maxValueDepth it
// records a violation (a cyclic value gets here) and reports false.
func (c *vctx) enter() bool {
	if c.depth >= maxValueDepth {
		c.fail(serde.ErrRange, "value nests deeper than %d records", maxValueDepth)
		return false
	}
	c.depth++
	return true
}

func (c *vctx) leave() { c.depth-- }

func (c *vctx) fail(sentinel error, format string, args ...any) {
	c.errs = append(c.errs, verr{sentinel: sentinel, reason: fmt.Sprintf(format, args...)})
}

func (c *vctx) result() error {
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		e := c.errs[0]
		return &serde.ValidationError{Path: pathOf(e.segs), Err: e.sentinel, Reason: e.reason}
	}
	out := make([]error, len(c.errs))
	for i, e := range c.errs {
		out[i] = &serde.ValidationError{Path: pathOf(e.segs), Err: e.sentinel, Reason: e.reason}
	}
	return errors.Join(out...)
}

func (s *Compiled) init() error {
	root, err := buildNode(s.sch, s.cfg.maxDecimalPrecision)
	if errors.Is(err, serde.ErrLimit) {
		return fmt.Errorf("avro: %w", err)
	}
	if err != nil {
		return fmt.Errorf("avro: %w: %v", serde.ErrSchema, err)
	}
	s.root = root
	return nil
}

// Validate checks v against the schema without encoding it. It returns nil,
// a *serde.ValidationError, or errors.Join of several, each with the path
// of the field at fault. A value generated from this schema (see
// serde.Validatable) validates itself.
func (s *Compiled) Validate(v any) error {
	if vv, ok := serde.SelfValidating(v, s.fingerprint()); ok {
		return vv.Validate()
	}
	return s.validate(v)
}

func (s *Compiled) validate(v any) error {
	if v == nil {
		return s.validatePlan(nil, nil)
	}
	return s.validatePlan(s.planOf(v), v)
}

// validatePlan validates v, of the type p was built for (p is nil when v
// is nil).
func (s *Compiled) validatePlan(p *typePlan, v any) (err error) {
	c := vctxPool.Get().(*vctx)
	defer func() {
		if r := recover(); r != nil {
			err = serde.Violation("", serde.ErrEncode, "validator panic: %v", r)
		}
		clear(c.errs)
		c.errs, c.depth = c.errs[:0], 0
		vctxPool.Put(c)
	}()
	if p == nil {
		checkNil(s.root, c)
	} else {
		runChk(p.chk, p.direct, v, c)
	}
	return c.result()
}

// typePlan is everything built once for one top-level Go type: the
// validation plan and hamba's encoder.
type typePlan struct {
	t      reflect.Type
	direct bool
	chk    checker
	enc    avro.ValEncoder
}

func (s *Compiled) planOf(v any) *typePlan {
	t := reflect.TypeOf(v)
	if p := s.last.Load(); p != nil && p.t == t {
		return p
	}
	if p, ok := s.typePlans.Load(t); ok {
		tp := p.(*typePlan)
		s.last.Store(tp)
		return tp
	}
	tp := &typePlan{
		t:      t,
		direct: directIface(t),
		chk:    s.root.plan(t),
		enc:    s.api.EncoderOf(s.sch, reflect2.TypeOf(v)),
	}
	s.typePlans.Store(t, tp)
	s.last.Store(tp)
	return tp
}

// checkAny validates a value held in an interface.
func checkAny(n *node, v any, c *vctx) {
	if v == nil {
		checkNil(n, c)
		return
	}
	t := reflect.TypeOf(v)
	ip := n.last.Load()
	if ip == nil || ip.t != t {
		ip = &ifacePlan{t: t, chk: n.plan(t), direct: directIface(t)}
		n.last.Store(ip)
	}
	runChk(ip.chk, ip.direct, v, c)
}

// runChk runs chk, built for v's dynamic type, on v.
func runChk(chk checker, direct bool, v any, c *vctx) {
	word := (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
	if !direct {
		chk.check(word, c)
		return
	}
	if pc, ok := chk.(*ptrChk); ok {
		pc.checkWord(word, c)
		return
	}
	p := new(unsafe.Pointer)
	*p = word
	chk.check(unsafe.Pointer(p), c)
}

func checkNil(n *node, c *vctx) {
	if n.typ == avro.Null || n.typ == avro.Union && n.hasNull() {
		return
	}
	c.fail(serde.ErrRequired, "null for non-null %s", n.describe())
}

// directIface reports whether values of t are stored in an interface word
// itself rather than behind a pointer (Go's "direct interface" types).
func directIface(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Struct:
		return t.NumField() == 1 && directIface(t.Field(0).Type)
	case reflect.Array:
		return t.Len() == 1 && directIface(t.Elem())
	}
	return false
}

// plan returns the checker of n for Go type t, building it once.
func (n *node) plan(t reflect.Type) checker {
	if c, ok := n.plans.Load(t); ok {
		return c.(checker)
	}
	b := &planBuilder{memo: map[planKey]*deferChk{}}
	c := b.build(n, t)
	n.plans.Store(t, c)
	return c
}

type planKey struct {
	n *node
	t reflect.Type
}

type planBuilder struct {
	memo map[planKey]*deferChk
}

type deferChk struct{ c checker }

func (d *deferChk) check(p unsafe.Pointer, c *vctx) { d.c.check(p, c) }

// staticErr is a Go type that can never encode with the schema; every
// value of it fails the same way.
type staticErr struct {
	sentinel error
	reason   string
}

func (e *staticErr) check(_ unsafe.Pointer, c *vctx) { c.fail(e.sentinel, "%s", e.reason) }

func mismatch(n *node, t reflect.Type) checker {
	return &staticErr{sentinel: serde.ErrType, reason: fmt.Sprintf("expected %s, got Go type %s", n.describe(), t)}
}

// nilOnlyChk accepts only a nil pointer, map or slice (null).
type nilOnlyChk struct{}

func (nilOnlyChk) check(p unsafe.Pointer, c *vctx) {
	if *(*unsafe.Pointer)(p) != nil {
		c.fail(serde.ErrType, "expected null, got a non-nil value")
	}
}

type okChk struct{}

func (okChk) check(unsafe.Pointer, *vctx) {}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	ratType      = reflect.TypeFor[big.Rat]()
	ratPtrType   = reflect.TypeFor[*big.Rat]()
	bytesType    = reflect.TypeFor[[]byte]()
	textMarshal  = reflect.TypeFor[encoding.TextMarshaler]()
	anyMapType   = reflect.TypeFor[map[string]any]()
	unionConvT   = reflect.TypeFor[avro.UnionConverter]()
)

func (b *planBuilder) build(n *node, t reflect.Type) checker {
	k := planKey{n, t}
	if d, ok := b.memo[k]; ok {
		return d
	}
	if c, ok := n.plans.Load(t); ok {
		return c.(checker)
	}
	d := &deferChk{}
	b.memo[k] = d
	d.c = b.create(n, t)
	return d.c
}

func (b *planBuilder) create(n *node, t reflect.Type) checker {
	if t.Kind() == reflect.Interface {
		return &ifaceChk{n: n, t: t}
	}
	if n.typ == avro.String && t.Implements(textMarshal) {
		return &textChk{t: t, uuid: n.logical == avro.UUID}
	}
	switch n.typ {
	case avro.Null:
		// hamba writes nothing for null whatever the value: accept only
		// values that carry nothing, so no data is dropped silently.
		switch {
		case t.Size() == 0:
			return okChk{}
		case t.Kind() == reflect.Pointer || t.Kind() == reflect.Map || t.Kind() == reflect.Slice:
			return &nilOnlyChk{}
		}
	case avro.Boolean:
		if t.Kind() == reflect.Bool {
			return okChk{}
		}
	case avro.Int:
		return b.intPlan(n, t)
	case avro.Long:
		return b.longPlan(n, t)
	case avro.Float:
		if t.Kind() == reflect.Float32 {
			return okChk{}
		}
	case avro.Double:
		if t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 {
			return okChk{}
		}
	case avro.String:
		if t.Kind() == reflect.String {
			return &stringChk{uuid: n.logical == avro.UUID}
		}
	case avro.Bytes:
		if n.logical == avro.Decimal {
			switch {
			case t.Kind() == reflect.Struct && t.ConvertibleTo(ratType):
				return &decimalChk{n: n}
			case t.Kind() == reflect.Pointer && t.Elem().ConvertibleTo(ratType):
				return &decimalChk{n: n, ptr: true}
			}
		}
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return okChk{}
		}
	case avro.Fixed:
		return b.fixedPlan(n, t)
	case avro.Enum:
		if t.Kind() == reflect.String {
			return &enumChk{n: n}
		}
		return &staticErr{sentinel: serde.ErrType, reason: fmt.Sprintf("expected %s (a string), got Go type %s", n.describe(), t)}
	case avro.Array:
		if t.Kind() == reflect.Slice {
			return &sliceChk{elem: b.build(n.items, t.Elem()), size: t.Elem().Size()}
		}
	case avro.Map:
		if t.Kind() == reflect.Map && t.Key().Kind() == reflect.String {
			if t == anyMapType {
				return &anyMapChk{n: n.values}
			}
			elem := b.build(n.values, t.Elem())
			if sc, ok := elem.(strChecker); ok && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String {
				return &strMapChk{elem: sc}
			}
			return &mapChk{t: t, elem: elem}
		}
	case avro.Record:
		return b.recordPlan(n, t)
	case avro.Union:
		return b.unionPlan(n, t)
	}
	return mismatch(n, t)
}

func (b *planBuilder) intPlan(n *node, t reflect.Type) checker {
	switch {
	case n.logical == avro.Date && t == timeType:
		return &timeChk{n: n}
	case n.logical == avro.TimeMillis && t.Kind() == reflect.Int64:
		return &durMillisChk{}
	}
	switch t.Kind() {
	case reflect.Int8, reflect.Uint8, reflect.Int16, reflect.Uint16, reflect.Int32:
		return okChk{}
	case reflect.Int:
		return &int32RangeChk{}
	}
	return mismatch(n, t)
}

func (b *planBuilder) longPlan(n *node, t reflect.Type) checker {
	isTS := n.logical == avro.TimestampMillis || n.logical == avro.TimestampMicros ||
		n.logical == avro.LocalTimestampMillis || n.logical == avro.LocalTimestampMicros
	switch {
	case isTS && t == timeType:
		return &timeChk{n: n}
	case isTS && t == durationType:
		return mismatch(n, t)
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int32, reflect.Uint32, reflect.Int64:
		return okChk{}
	}
	return mismatch(n, t)
}

func (b *planBuilder) fixedPlan(n *node, t reflect.Type) checker {
	switch t.Kind() {
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			if t.Len() != n.size {
				return &staticErr{sentinel: serde.ErrRange, reason: fmt.Sprintf("%s has size %d, Go type %s has %d bytes", n.describe(), n.size, t, t.Len())}
			}
			return okChk{}
		}
	case reflect.Uint64:
		if n.size == 8 {
			return okChk{}
		}
		return &staticErr{sentinel: serde.ErrRange, reason: fmt.Sprintf("%s has size %d, Go type %s has 8 bytes", n.describe(), n.size, t)}
	case reflect.Pointer:
		if n.logical == avro.Decimal && t.Elem().Kind() == reflect.Struct && t.Elem().ConvertibleTo(ratType) {
			return &decimalChk{n: n, ptr: true}
		}
	case reflect.Struct:
		if n.logical == avro.Duration && t == reflect.TypeFor[avro.LogicalDuration]() {
			return okChk{}
		}
	}
	return mismatch(n, t)
}

// recordPlan maps schema fields to struct fields the way hamba does: by
// the avro tag, else the Go field name, searching embedded structs breadth
// first; map[string]any records look fields up by name.
func (b *planBuilder) recordPlan(n *node, t reflect.Type) checker {
	switch t.Kind() {
	case reflect.Pointer:
		return &ptrChk{elem: b.build(n, t.Elem()), n: n}
	case reflect.Map:
		if t == anyMapType || t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Interface {
			if t != anyMapType {
				return mismatch(n, t)
			}
			return &recordMapChk{n: n}
		}
	case reflect.Struct:
		fields := describeStruct(t)
		rc := &recordChk{n: n}
		for _, f := range n.fields {
			sf, ok := fields[f.name]
			if !ok {
				if f.hasDefault {
					continue
				}
				rc.fields = append(rc.fields, recField{name: f.name, missing: true, goType: t})
				continue
			}
			chk := b.build(f.n, sf.t)
			if _, ok := chk.(okChk); ok {
				continue // nothing can be wrong with a value of this type
			}
			rf := recField{name: f.name, chk: chk}
			if len(sf.steps) == 1 && !sf.steps[0].deref {
				rf.off = sf.steps[0].offset
			} else {
				rf.steps = sf.steps
			}
			rc.fields = append(rc.fields, rf)
		}
		return rc
	}
	return mismatch(n, t)
}

type structField struct {
	steps []step
	t     reflect.Type
}

// step is one hop to a field: add offset, then dereference when the hop
// goes through an embedded pointer.
type step struct {
	offset uintptr
	deref  bool
}

func describeStruct(t reflect.Type) map[string]structField {
	out := map[string]structField{}
	type pending struct {
		t     reflect.Type
		steps []step
	}
	next := []pending{{t: t}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		curr := next
		next = nil
		for _, pd := range curr {
			if visited[pd.t] {
				continue
			}
			visited[pd.t] = true
			for i := 0; i < pd.t.NumField(); i++ {
				f := pd.t.Field(i)
				steps := append(append([]step(nil), pd.steps...), step{offset: f.Offset})
				if f.Anonymous {
					ft := f.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
						steps[len(steps)-1].deref = true
					}
					if ft.Kind() == reflect.Struct {
						next = append(next, pending{t: ft, steps: steps})
					}
					continue
				}
				if !f.IsExported() {
					continue
				}
				name := f.Name
				if tag, ok := f.Tag.Lookup("avro"); ok {
					name, _, _ = strings.Cut(tag, ",")
				}
				if _, dup := out[name]; !dup {
					out[name] = structField{steps: steps, t: f.Type}
				}
			}
		}
	}
	return out
}

func (b *planBuilder) unionPlan(n *node, t reflect.Type) checker {
	switch t.Kind() {
	case reflect.Map:
		if t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Interface {
			if t != anyMapType {
				return mismatch(n, t)
			}
			return &unionMapChk{n: n}
		}
	case reflect.Slice:
		if n.nullable() {
			return &nullableChk{elem: b.build(n.nonNull(), t)}
		}
	case reflect.Pointer:
		if t.Implements(unionConvT) {
			return &unionConvChk{n: n, t: t}
		}
		if n.nullable() {
			return &nullableChk{elem: b.build(n.nonNull(), t.Elem()), ptr: true}
		}
	}
	for _, name := range resolverNames(t) {
		if br := n.branch(name); br != nil {
			return b.build(br, t)
		}
	}
	return &staticErr{sentinel: serde.ErrUnion, reason: fmt.Sprintf("Go type %s matches no branch of %s", t, n.describe())}
}

// resolverNames mirrors hamba's default type resolver: the union branch
// names a Go type may be written as, in the order hamba tries them.
func resolverNames(t reflect.Type) []string {
	switch t {
	case reflect.TypeFor[int8](), reflect.TypeFor[int16](), reflect.TypeFor[int32]():
		return []string{"int"}
	case reflect.TypeFor[int]():
		return []string{"int", "long"}
	case reflect.TypeFor[int64]():
		return []string{"long"}
	case reflect.TypeFor[float32]():
		return []string{"float"}
	case reflect.TypeFor[float64]():
		return []string{"double"}
	case reflect.TypeFor[string]():
		return []string{"string", "string.uuid"}
	case bytesType:
		return []string{"bytes"}
	case reflect.TypeFor[bool]():
		return []string{"boolean"}
	case timeType:
		return []string{"int.date", "long.timestamp-millis", "long.timestamp-micros"}
	case durationType:
		return []string{"int.time-millis", "long.time-micros"}
	case ratPtrType:
		return []string{"bytes.decimal"}
	}
	return nil
}

// ---- checkers ----

type ifaceChk struct {
	n    *node
	t    reflect.Type
	last atomic.Pointer[ifacePlan] // the last dynamic type seen, the usual one
}

type ifacePlan struct {
	t      reflect.Type
	chk    checker
	direct bool
}

func (k *ifaceChk) check(p unsafe.Pointer, c *vctx) {
	var v any
	if k.t.NumMethod() == 0 {
		v = *(*any)(p)
	} else {
		v = reflect.NewAt(k.t, p).Elem().Interface()
	}
	if v == nil {
		checkNil(k.n, c)
		return
	}
	t := reflect.TypeOf(v)
	ip := k.last.Load()
	if ip == nil || ip.t != t {
		ip = &ifacePlan{t: t, chk: k.n.plan(t), direct: directIface(t)}
		k.last.Store(ip)
	}
	if ip.direct && k.t.NumMethod() == 0 {
		// The value sits in the interface's data word, inside the
		// container: point at it there rather than copying it out.
		ip.chk.check(unsafe.Add(p, unsafe.Sizeof(uintptr(0))), c)
		return
	}
	runChk(ip.chk, ip.direct, v, c)
}

// unionConvChk checks a union held by a type implementing hamba's
// avro.UnionConverter the way hamba encodes it: nil is null, otherwise
// ToAny must return a non-nil pointer, whose target is the branch value.
type unionConvChk struct {
	n *node
	t reflect.Type
}

func (k *unionConvChk) check(p unsafe.Pointer, c *vctx) {
	if *(*unsafe.Pointer)(p) == nil {
		checkNil(k.n, c)
		return
	}
	val, err := reflect.NewAt(k.t, p).Elem().Interface().(avro.UnionConverter).ToAny()
	if err != nil {
		c.fail(serde.ErrUnion, "ToAny: %v", err)
		return
	}
	rv := reflect.ValueOf(val)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		c.fail(serde.ErrUnion, "ToAny returned %T, want a non-nil pointer to the branch value", val)
		return
	}
	checkAny(k.n, rv.Elem().Interface(), c)
}

type ptrChk struct {
	n    *node
	elem checker
}

func (k *ptrChk) check(p unsafe.Pointer, c *vctx) { k.checkWord(*(*unsafe.Pointer)(p), c) }

func (k *ptrChk) checkWord(w unsafe.Pointer, c *vctx) {
	if w == nil {
		c.fail(serde.ErrRequired, "nil pointer for non-null %s", k.n.describe())
		return
	}
	k.elem.check(w, c)
}

type nullableChk struct {
	elem checker
	ptr  bool
}

func (k *nullableChk) check(p unsafe.Pointer, c *vctx) {
	w := *(*unsafe.Pointer)(p) // pointer value, or slice data pointer
	if w == nil {
		return
	}
	if k.ptr {
		k.elem.check(w, c)
		return
	}
	k.elem.check(p, c)
}

type int32RangeChk struct{}

func (int32RangeChk) check(p unsafe.Pointer, c *vctx) {
	if v := *(*int)(p); v < math.MinInt32 || v > math.MaxInt32 {
		c.fail(serde.ErrRange, "does not fit an Avro int (32 bits)")
	}
}

type durMillisChk struct{}

func (durMillisChk) check(p unsafe.Pointer, c *vctx) {
	if ms := *(*int64)(p) / int64(time.Millisecond); ms < math.MinInt32 || ms > math.MaxInt32 {
		c.durationRange()
	}
}

type timeChk struct{ n *node }

func (k *timeChk) check(p unsafe.Pointer, c *vctx) {
	t := (*time.Time)(p)
	sec := t.Unix()
	var ok bool
	switch k.n.logical {
	case avro.Date:
		days := sec / 86400
		ok = days >= math.MinInt32 && days <= math.MaxInt32
	case avro.TimestampMillis, avro.LocalTimestampMillis:
		ok = sec > math.MinInt64/1000+1 && sec < math.MaxInt64/1000-1
	default: // micros
		ok = sec > math.MinInt64/1000000+1 && sec < math.MaxInt64/1000000-1
	}
	if !ok {
		c.timeRange(k.n.logical)
	}
}

type stringChk struct{ uuid bool }

func (k *stringChk) check(p unsafe.Pointer, c *vctx) { k.checkStr(*(*string)(p), c) }

func (k *stringChk) checkStr(s string, c *vctx) {
	if k.uuid {
		if !isUUID(s) {
			c.notUUID(s)
		}
		return
	}
	if !validUTF8(s) {
		c.fail(serde.ErrFormat, "string is not valid UTF-8")
	}
}

// validUTF8 is utf8.ValidString with a cheaper start for the short ASCII
// strings most fields hold: eight bytes at a time while they are ASCII.
func validUTF8(s string) bool {
	if len(s) > 64 {
		return utf8.ValidString(s)
	}
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			return utf8.ValidString(s[i:])
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// Reasons never quote the value at fault: it may be a credential or
// personal data, and violations reach logs, dead-letter headers and CLI
// output. They say what is wrong, with the schema's facts (the logical
// type, the enum, the bounds) and at most the value's length (in characters).

// notUUID records a string that is not a uuid.
func (c *vctx) notUUID(s string) {
	c.fail(serde.ErrFormat, "not a uuid (string of length %d)", utf8.RuneCountInString(s))
}

// notSymbol records a string that is not a symbol of the enum desc.
func (c *vctx) notSymbol(desc string) { c.fail(serde.ErrEnum, "not a symbol of %s", desc) }

// timeRange records a time the logical type l cannot hold.
func (c *vctx) timeRange(l avro.LogicalType) {
	c.fail(serde.ErrRange, "time out of range for %s", l)
}

// durationRange records a duration beyond time-millis's 32 bits.
func (c *vctx) durationRange() { c.fail(serde.ErrRange, "duration does not fit time-millis (32 bits)") }

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// isUUID accepts the RFC 4122 text form 8-4-4-4-12, either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		if charClass[s[i]] != uuidShape[i] {
			return false
		}
	}
	return true
}

// Character classes for isUUID: hex digit, dash, anything else.
const (
	classHex uint8 = iota
	classDash
	classOther
)

var uuidShape = [36]uint8{8: classDash, 13: classDash, 18: classDash, 23: classDash}

var charClass = func() (t [256]uint8) {
	for i := range t {
		switch {
		case '0' <= i && i <= '9', 'a' <= i && i <= 'f', 'A' <= i && i <= 'F':
			t[i] = classHex
		case i == '-':
			t[i] = classDash
		default:
			t[i] = classOther
		}
	}
	return t
}()

type textChk struct {
	t    reflect.Type
	uuid bool
}

func (k *textChk) check(p unsafe.Pointer, c *vctx) {
	v := reflect.NewAt(k.t, p).Elem()
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return // hamba writes an empty string
	}
	b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		c.fail(serde.ErrFormat, "MarshalText: %v", err)
		return
	}
	if k.uuid && !isUUID(string(b)) {
		c.notUUID(string(b))
	}
}

type enumChk struct{ n *node }

func (k *enumChk) check(p unsafe.Pointer, c *vctx) { k.checkStr(*(*string)(p), c) }

func (k *enumChk) checkStr(s string, c *vctx) {
	if len(k.n.symbolList) <= 8 {
		// a short linear scan beats hashing
		for _, sym := range k.n.symbolList {
			if sym == s {
				return
			}
		}
	} else if _, ok := k.n.symbols[s]; ok {
		return
	}
	c.notSymbol(k.n.describe())
}

type decimalChk struct {
	n   *node
	ptr bool
}

func (k *decimalChk) check(p unsafe.Pointer, c *vctx) {
	var r *big.Rat
	if k.ptr {
		r = *(**big.Rat)(p)
		if r == nil {
			c.fail(serde.ErrRequired, "nil *big.Rat for %s", k.n.describe())
			return
		}
	} else {
		r = (*big.Rat)(p)
	}
	if k.fast(r, c) {
		return
	}
	n := k.n
	if r.IsInt() {
		// no Denom call: for integers it allocates
		c.u.Mul(r.Num(), n.pow10scale)
		if c.u.CmpAbs(n.pow10prec) >= 0 {
			c.fail(serde.ErrRange, "more than %d digits (precision of decimal(%d,%d))", n.prec, n.prec, n.scale)
			return
		}
		k.fixedFits(r, c)
		return
	}
	den := r.Denom()
	// r fits scale s iff its (reduced) denominator divides 10^s.
	c.q.QuoRem(n.pow10scale, den, &c.r)
	if c.r.Sign() != 0 {
		c.fail(serde.ErrRange, "more than %d decimal places (scale of decimal(%d,%d))", n.scale, n.prec, n.scale)
		return
	}
	c.u.Mul(r.Num(), &c.q) // the unscaled integer
	if c.u.CmpAbs(n.pow10prec) >= 0 {
		c.fail(serde.ErrRange, "more than %d digits (precision of decimal(%d,%d))", n.prec, n.prec, n.scale)
		return
	}
	k.fixedFits(r, c)
}

var pow10u = func() (t [19]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// fast checks decimals whose numbers fit 64 bits with integer arithmetic,
// the common case; it reports false when the value needs big.Int.
func (k *decimalChk) fast(r *big.Rat, c *vctx) bool {
	n := k.n
	if n.scale >= len(pow10u) || n.prec >= len(pow10u) {
		return false
	}
	num := r.Num()
	if !num.IsInt64() {
		return false
	}
	d := uint64(1)
	if !r.IsInt() {
		den := r.Denom() // a reference, no allocation, when r is not an integer
		if !den.IsUint64() {
			return false
		}
		d = den.Uint64()
	}
	p := pow10u[n.scale]
	if p%d != 0 {
		c.fail(serde.ErrRange, "more than %d decimal places (scale of decimal(%d,%d))", n.scale, n.prec, n.scale)
		return true
	}
	a := num.Int64()
	mag := uint64(a)
	if a < 0 {
		mag = -mag
	}
	hi, lo := bits.Mul64(mag, p/d)
	if hi != 0 || lo >= pow10u[n.prec] {
		c.fail(serde.ErrRange, "more than %d digits (precision of decimal(%d,%d))", n.prec, n.prec, n.scale)
		return true
	}
	if n.typ == avro.Fixed && n.size < 8 {
		need := bits.Len64(lo) + 1
		if a < 0 && lo > 0 {
			need = bits.Len64(lo-1) + 1
		}
		if need > 8*n.size {
			c.fail(serde.ErrRange, "does not fit %s (%d bytes)", n.describe(), n.size)
		}
	}
	return true
}

// fixedFits checks that the unscaled value in c.u fits a fixed decimal's
// size in two's complement.
func (k *decimalChk) fixedFits(r *big.Rat, c *vctx) {
	if k.n.typ != avro.Fixed {
		return
	}
	bits := c.u.BitLen()
	if c.u.Sign() < 0 {
		// -2^(8n-1) still fits
		c.q.Neg(&c.u)
		c.q.Sub(&c.q, big.NewInt(1))
		bits = c.q.BitLen()
	}
	if bits+1 > 8*k.n.size {
		c.fail(serde.ErrRange, "does not fit %s (%d bytes)", k.n.describe(), k.n.size)
	}
}

type sliceChk struct {
	elem checker
	size uintptr
}

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func (k *sliceChk) check(p unsafe.Pointer, c *vctx) {
	h := (*sliceHeader)(p)
	if _, ok := k.elem.(okChk); ok {
		return
	}
	for i := 0; i < h.len; i++ {
		mark := len(c.errs)
		k.elem.check(unsafe.Add(h.data, uintptr(i)*k.size), c)
		if len(c.errs) > mark {
			c.index(mark, i)
		}
	}
}

type mapChk struct {
	t    reflect.Type
	elem checker
}

func (k *mapChk) check(p unsafe.Pointer, c *vctx) {
	if _, ok := k.elem.(okChk); ok {
		return
	}
	m := reflect.NewAt(k.t, p).Elem()
	if m.Len() == 0 {
		return
	}
	tmp := reflect.New(k.t.Elem()).Elem()
	it := m.MapRange()
	for it.Next() {
		tmp.SetIterValue(it)
		mark := len(c.errs)
		k.elem.check(tmp.Addr().UnsafePointer(), c)
		if len(c.errs) > mark {
			c.key(mark, it.Key().String())
		}
	}
}

// strChecker checks a string without going through a pointer.
type strChecker interface {
	checkStr(s string, c *vctx)
}

// strMapChk checks maps whose keys and values are strings (map[string]T
// with T's underlying type string) with a plain range: every such map type
// shares map[string]string's layout.
type strMapChk struct{ elem strChecker }

func (k *strMapChk) check(p unsafe.Pointer, c *vctx) {
	for key, v := range *(*map[string]string)(p) {
		mark := len(c.errs)
		k.elem.checkStr(v, c)
		if len(c.errs) > mark {
			c.key(mark, key)
		}
	}
}

type anyMapChk struct{ n *node }

func (k *anyMapChk) check(p unsafe.Pointer, c *vctx) {
	for key, v := range *(*map[string]any)(p) {
		mark := len(c.errs)
		checkAny(k.n, v, c)
		if len(c.errs) > mark {
			c.key(mark, key)
		}
	}
}

type recField struct {
	off     uintptr // offset of a direct field
	chk     checker
	name    string
	steps   []step // the path to a field of an embedded struct, else nil
	missing bool   // the Go type has no field for a field without default
	goType  reflect.Type
}

type recordChk struct {
	n      *node
	fields []recField // only fields that can fail
}

func (k *recordChk) check(p unsafe.Pointer, c *vctx) {
	if k.n.recursive {
		if !c.enter() {
			return
		}
		defer c.leave()
	}
	for i := range k.fields {
		f := &k.fields[i]
		mark := len(c.errs)
		if f.steps == nil && !f.missing {
			f.chk.check(unsafe.Add(p, f.off), c)
		} else {
			k.slowField(f, p, c)
		}
		if len(c.errs) > mark {
			c.field(mark, f.name)
		}
	}
}

func (k *recordChk) slowField(f *recField, p unsafe.Pointer, c *vctx) {
	if f.missing {
		c.fail(serde.ErrRequired, "Go type %s has no field for required field %q of %s", f.goType, f.name, k.n.describe())
		return
	}
	for _, st := range f.steps {
		p = unsafe.Add(p, st.offset)
		if st.deref { // embedded *Struct, never the last step
			p = *(*unsafe.Pointer)(p)
			if p == nil {
				c.fail(serde.ErrRequired, "embedded struct pointer is nil")
				return
			}
		}
	}
	f.chk.check(p, c)
}

type recordMapChk struct{ n *node }

func (k *recordMapChk) check(p unsafe.Pointer, c *vctx) {
	if k.n.recursive {
		if !c.enter() {
			return
		}
		defer c.leave()
	}
	m := *(*map[string]any)(p)
	found := 0
	for _, f := range k.n.fields {
		v, ok := m[f.name]
		if ok {
			found++
		}
		if !ok {
			if !f.hasDefault {
				c.fail(serde.ErrRequired, "missing required field %q of %s", f.name, k.n.describe())
				c.field(len(c.errs)-1, f.name)
			}
			continue
		}
		mark := len(c.errs)
		checkAny(f.n, v, c)
		if len(c.errs) > mark {
			c.field(mark, f.name)
		}
	}
	if found < len(m) {
		// hamba would drop these keys without a word
		for key := range m {
			if !k.n.hasField(key) {
				c.fail(serde.ErrUnknownField, "%s has no field %q", k.n.describe(), truncate(key))
				c.field(len(c.errs)-1, key)
			}
		}
	}
}

// unionMapChk checks a union given as map[string]any: empty for null, or
// one entry keyed by the branch name ({"string": "x"}), as hamba and the
// Avro JSON encoding spell it.
type unionMapChk struct{ n *node }

func (k *unionMapChk) check(p unsafe.Pointer, c *vctx) {
	m := *(*map[string]any)(p)
	switch len(m) {
	case 0:
		if !k.n.hasNull() {
			c.fail(serde.ErrRequired, "null (empty union map) for non-null %s", k.n.describe())
		}
		return
	case 1:
	default:
		c.fail(serde.ErrUnion, "union map has %d entries, want 1 naming a branch of %s", len(m), k.n.describe())
		return
	}
	for name, v := range m {
		br := k.n.branch(name)
		if br == nil {
			c.fail(serde.ErrUnion, "%q is not a branch of %s", truncate(name), k.n.describe())
			return
		}
		if br.typ == avro.Array && v == nil {
			return // hamba writes an empty array
		}
		checkAny(br, v, c)
	}
}

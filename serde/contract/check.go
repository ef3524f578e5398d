package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// maxDepth bounds the walk of a value. A value nested deeper than that
// (the formats allow deeper ones) cannot be judged, so it is refused with
// serde.ErrLimit rather than passed with its deeper fields unjudged; and a
// dead letter of it carries no payload.
const maxDepth = 1000

// tooDeep records, once per run, that the value is nested past maxDepth,
// and stops the run: the record is refused.
func (r *run) tooDeep() {
	if r.deep {
		return
	}
	r.deep = true
	r.errs = append(r.errs, &serde.ValidationError{Err: serde.ErrLimit,
		Reason: fmt.Sprintf("the value is nested more than %d levels deep: its data-contract rules cannot be checked", maxDepth)})
	r.stop = true
}

// WalkStepsPerNode, WalkStepsBase and MaxWalkSteps bound the work of a
// Check of a JSON Schema contract whose schema has combinators (allOf,
// anyOf, oneOf, a "type" list): its walks (one per CEL_FIELD rule, one
// for the inline rules) may take, together, WalkStepsPerNode steps per
// node of the value plus WalkStepsBase, and never more than MaxWalkSteps
// (about a second of CPU). A step is a schema node visited at a place in
// the value, or one schema application the JSON Schema library makes
// testing a value against an anyOf/oneOf branch (counted before the test
// is made). A Check that needs more is stopped and the value refused with
// serde.ErrLimit, never passed with fields unjudged; a dead letter of it
// carries no payload. A place reached through several combinator branches
// is walked once per schema node, and each branch test is made once per
// Check, so real schemas stay far below the limit.
const (
	WalkStepsPerNode = 64
	WalkStepsBase    = 1 << 16
	MaxWalkSteps     = 1 << 20
)

// overBudget records, once per run, that a walk took more than its
// budget, and stops the run: the record is refused.
func (r *run) overBudget() {
	if r.spent {
		return
	}
	r.spent = true
	r.errs = append(r.errs, &serde.ValidationError{Err: serde.ErrLimit,
		Reason: fmt.Sprintf("checking the value's data-contract rules takes more than %d steps (contract.MaxWalkSteps, or %d per value node plus %d): refused",
			r.budget, WalkStepsPerNode, WalkStepsBase)})
	r.stop = true
}

// step spends k steps of the run's budget, and reports whether
// the walk may go on.
func (r *run) step(k int) bool {
	if r.steps += k; r.steps > r.maxSteps {
		r.maxSteps = r.steps
	}
	if r.budget <= 0 {
		return true
	}
	if r.steps > r.budget {
		r.overBudget()
		return false
	}
	return true
}

// vars is the activation every rule runs with: the names Confluent's
// executors bind, resolved without a map.
type vars struct {
	message, this, value     any
	name, fullName, typeName string
	tags                     []string
}

func (a *vars) ResolveName(n string) (any, bool) {
	switch n {
	case "message":
		return a.message, true
	case "this":
		return a.this, true
	case "value":
		return a.value, true
	case "name":
		return a.name, true
	case "fullName":
		return a.fullName, true
	case "typeName":
		return a.typeName, true
	case "tags":
		return a.tags, true
	}
	return nil, false
}

func (a *vars) Parent() interpreter.Activation { return nil }

// seg is one step of a value path: a field name, a list index or a map key.
type seg struct {
	name  string
	index int
	kind  uint8 // 0 field, 1 index, 2 key
}

// run holds the state of one Check.
type run struct {
	ct   *Contract
	act  vars
	path []seg
	errs []error
	stop bool
	deep bool // tooDeep was recorded

	// mismatch: an Avro value the walk cannot follow by its Go types (a
	// bare union member that fits no branch or more than one, a
	// container of another type than its node's). check then walks the
	// value decoded from the payload instead; decoded is set on that
	// walk, where a mismatch fails the record.
	mismatch, decoded bool
	spent             bool // overBudget was recorded

	// fanout counts the JSON Schema allOf/anyOf nodes above the walk
	// that visit a value more than once; under one, seen keeps a rule
	// from running twice on the same value alike (see once), and walked
	// keeps the walk from visiting a place twice with the same schema
	// node (see walk).
	fanout int
	seen   map[visit]struct{}
	walked map[walkKey]struct{}

	// locs[i] is the location (see loc) of path[:i+1], for i < locN.
	locs   []int32
	locN   int
	locIDs map[locKey]int32

	// branches caches, for the run, whether the value at a location is
	// valid against a branch of an anyOf/oneOf node.
	branches map[branchKey]bool

	// places holds the field metas of scoped nodes at the places the
	// walk met them that the contract's cache had no room for (see
	// placeMeta).
	places map[placeKey]*fieldMeta

	// steps is the work of the run's walks, budget its limit (0: none
	// yet, set when a walk first meets a COMBINED node); nodes is the
	// node count of the value the walks start from.
	msg           any
	steps, budget int
	nodes         int
	maxSteps      int // the steps the run took (tests)
	budgetFor     int // test hook: a budget to use instead of the default
}

// visit is a rule's evaluation at a location, with what else its
// activation holds (extra).
type visit struct {
	p     *program
	loc   int32
	extra string
}

// walkKey is a walk's visit of a location with a schema node, as the
// field f.meta describes.
type walkKey struct {
	p    *program
	n    *serde.RuleNode
	meta *fieldMeta
	loc  int32
}

// branchKey is the test of the value at loc against branch i of n.
type branchKey struct {
	n   *serde.RuleNode
	i   int
	loc int32
}

// locKey is a location's step from its parent: the segment's kind and
// exact name or index, so that a property named "a.b" and property b of
// property a are different places.
type locKey struct {
	parent int32
	seg    seg
}

// push and pop move the walk's path.
func (r *run) push(s seg) { r.path = append(r.path, s) }

func (r *run) pop() {
	r.path = r.path[:len(r.path)-1]
	if r.locN > len(r.path) {
		r.locN = len(r.path)
	}
}

// loc returns the location of the current path: a number, within the run,
// that only this path has (the root is 0). Locations are made as the walk
// asks for them, so walks that never fan out pay nothing.
func (r *run) loc() int32 {
	for r.locN < len(r.path) {
		parent := int32(0)
		if r.locN > 0 {
			parent = r.locs[r.locN-1]
		}
		k := locKey{parent: parent, seg: r.path[r.locN]}
		id, ok := r.locIDs[k]
		if !ok {
			if r.locIDs == nil {
				r.locIDs = map[locKey]int32{}
			}
			id = int32(len(r.locIDs) + 1)
			r.locIDs[k] = id
		}
		r.locs = append(r.locs[:r.locN], id)
		r.locN++
	}
	if r.locN == 0 {
		return 0
	}
	return r.locs[r.locN-1]
}

// once reports whether p has not yet run at the current path with extra,
// and notes that it has. Only a value the walk reaches through two
// branches of a JSON Schema combinator can be visited twice: elsewhere
// (fanout 0) it is always the first time, and nothing is noted.
func (r *run) once(p *program, extra string) bool {
	if r.fanout == 0 {
		return true
	}
	k := visit{p: p, loc: r.loc(), extra: extra}
	if _, ok := r.seen[k]; ok {
		return false
	}
	if r.seen == nil {
		r.seen = map[visit]struct{}{}
	}
	r.seen[k] = struct{}{}
	return true
}

// Check runs the contract on v, whose bare encoding is payload, and
// returns nil, a *serde.ValidationError wrapping serde.ErrRule (inside a
// *DLQError for a rule whose onFailure is DLQ), or errors.Join of several.
// It compiles nothing.
func (ct *Contract) Check(v any, payload []byte) error {
	if len(ct.domain) == 0 && !ct.hasInline && ct.pv == nil {
		return nil
	}
	return ct.check(v, payload, 0).result()
}

// check runs the contract on v; budget, when positive, replaces the
// default budget (tests).
func (ct *Contract) check(v any, payload []byte, budget int) *run {
	r := &run{ct: ct, budgetFor: budget}
	if ct.msg != nil {
		pm, ok := v.(proto.Message)
		if !ok {
			r.errs = append(r.errs, serde.Violation("", serde.ErrType, "expected a proto.Message, got %T", v))
			return r
		}
		m := pm.ProtoReflect()
		if ct.pv != nil {
			r.protovalidate(pm, payload)
		}
		for _, p := range ct.domain {
			if r.stop {
				break
			}
			if p.field {
				r.protoFields(p, m, 0)
			} else {
				r.act = vars{message: pm}
				r.eval(p)
			}
			if r.stop {
				break
			}
		}
		if ct.proto != nil && !r.stop {
			r.protoInline(m, 0)
		}
		return r
	}
	raw, err := ct.target.RuleValue(v, payload)
	if err != nil {
		r.errs = append(r.errs, err)
		return r
	}
	ct.walkAll(r, raw)
	if r.mismatch && !r.decoded {
		// The value as given cannot say which branch or type a place
		// is; the payload's decoded form can (hamba writes union
		// members wrapped).
		r = &run{ct: ct, budgetFor: budget, decoded: true}
		raw, err := ct.target.RuleValue(nil, payload)
		if err != nil {
			r.errs = append(r.errs, err)
			return r
		}
		ct.walkAll(r, raw)
	}
	return r
}

// walkAll runs the domain rules and the inline rules on raw, the generic
// form of the value.
func (ct *Contract) walkAll(r *run, raw any) {
	// Rules see msg, with Avro union members bare. The walks follow raw
	// alongside: a bare member no longer says which branch it was (a
	// map's only key may be named like a branch, two record branches
	// both hold maps), so each union's branch is the one bare took.
	msg := raw
	if ct.format == serde.Avro {
		msg, _ = bare(ct.root, raw, 0)
	}
	r.msg = msg
	for _, p := range ct.domain {
		if p.field {
			r.walk(p, msg, raw, ct.root, nil, 0)
		} else {
			r.act = vars{message: msg}
			r.eval(p)
		}
		if r.stop {
			break
		}
	}
	if ct.hasInline && !r.stop {
		r.walk(nil, msg, raw, ct.root, nil, 0)
	}
}

// shapeMismatch records that the Avro walk cannot follow the value at the
// current place (see run.mismatch), and stops the walk. On the decoded
// value it fails the record: a place no rule can be judged at is not
// passed.
func (r *run) shapeMismatch(what string) {
	if r.ct.format != serde.Avro || r.mismatch {
		return
	}
	r.mismatch, r.stop = true, true
	if r.decoded {
		r.errs = append(r.errs, &serde.ValidationError{Path: r.pathString(), Err: serde.ErrType,
			Reason: "the contract's rules cannot follow the value here: " + what})
	}
}

func (r *run) result() error {
	switch len(r.errs) {
	case 0:
		return nil
	case 1:
		return r.errs[0]
	}
	return errors.Join(r.errs...)
}

// eval runs p with r.act and records a violation.
func (r *run) eval(p *program) {
	if p.guard != nil {
		// A false or failing guard skips the rule, as in Confluent's
		// executors; any other result lets it run.
		if out, _, err := p.guard.Eval(&r.act); err != nil || out == types.False {
			p.stats.skips.Add(1)
			return
		}
	}
	p.stats.executions.Add(1)
	out, _, err := p.expr.Eval(&r.act)
	var reason string
	switch {
	case err != nil:
		// cel-go's error texts can quote the value ("no such key: <v>",
		// "invalid RFC 3339 timestamp <v>"), and the value can be a
		// tagged secret: the reason says what failed, not with what.
		reason = fmt.Sprintf("rule %q could not be evaluated (a CEL runtime error; its text is not shown, as it can quote the value)", p.rule.Name)
	case out == types.False:
		what := p.rule.Doc
		if what == "" {
			what = p.rule.Expr
		}
		reason = fmt.Sprintf("breaks rule %q: %s", p.rule.Name, what)
	case types.IsError(out):
		reason = fmt.Sprintf("rule %q could not be evaluated (a CEL runtime error; its text is not shown, as it can quote the value)", p.rule.Name)
	default:
		p.stats.successes.Add(1)
		return // true, or (as in Confluent's clients) a result that is not a bool
	}
	p.stats.failures.Add(1)
	if p.action == "NONE" || !r.once(p, "\x00violation") {
		return // a violation of p at this path is reported once
	}
	ve := &serde.ValidationError{Path: r.pathString(), Reason: reason, Err: serde.ErrRule,
		Rule: p.rule.Name, RuleExpr: p.rule.Expr, RuleDoc: p.rule.Doc}
	var e error = ve
	if p.action == "DLQ" {
		e = &DLQError{Rule: p.rule, Mode: "WRITE", Err: ve}
	}
	r.errs = append(r.errs, e)
	r.stop = r.ct.failFast
}

func (r *run) pathString() string {
	var b strings.Builder
	for _, s := range r.path {
		switch s.kind {
		case 0:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		case 1:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case 2:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.name))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// field is the record field a CEL_FIELD rule is visiting.
type field struct {
	name       string
	meta       *fieldMeta
	containing any
}

// walk visits v, described by n. With p set it runs the CEL_FIELD rule p on
// every primitive field p selects; with p nil it runs the inline rules.
// raw is v as RuleValue returned it: for Avro, in hamba's generic form,
// where walk reads each union's branch as bare did (see member); bare v is
// never read as a wrapper. For other formats raw is v.
func (r *run) walk(p *program, v, raw any, n *serde.RuleNode, f *field, depth int) {
	if depth > maxDepth {
		r.tooDeep()
		return
	}
	if n == nil || r.stop {
		return
	}
	if v == nil {
		if p != nil && f != nil && r.ct.format == serde.Avro {
			r.avroNull(p, n, f)
		}
		return
	}
	if r.fanout > 0 {
		// Under an allOf/anyOf a place can be reached again with the
		// same schema node (two branches $ref one schema): its rules
		// have run there, and walking it again would only cost, up to
		// exponentially in the number of combinators.
		k := walkKey{p: p, n: n, loc: r.loc()}
		if f != nil {
			k.meta = f.meta
		}
		if _, ok := r.walked[k]; ok {
			return
		}
		if r.walked == nil {
			r.walked = map[walkKey]struct{}{}
		}
		r.walked[k] = struct{}{}
	}
	if !r.step(1) {
		return
	}
	if p == nil {
		for _, ip := range r.ct.inline[n] {
			if r.once(ip, "") {
				r.act = vars{this: v}
				r.eval(ip)
			}
		}
	}
	switch n.Kind {
	case serde.RuleRecord:
		m, ok := v.(map[string]any)
		if !ok {
			r.shapeMismatch("a record that is not a map[string]any")
			return
		}
		rm, ok := raw.(map[string]any)
		if !ok {
			rm = m
		}
		metas := r.ct.fields[n]
		scope := ""
		if r.ct.scoped[n] && f != nil {
			scope = f.meta.fullName
		}
		for i := range n.Fields {
			fl := &n.Fields[i]
			fv, ok := m[fl.Name]
			if !ok || r.stop || fv == nil && (p == nil || r.ct.format != serde.Avro) {
				continue
			}
			r.push(seg{name: fl.Name})
			if p == nil {
				for _, ip := range metas[i].rules {
					if r.once(ip, "") {
						r.act = vars{this: fv}
						r.eval(ip)
					}
				}
			}
			meta := &metas[i]
			if scope != "" {
				meta = r.placeMeta(n, i, scope+"."+fl.Name)
			}
			r.walk(p, fv, rm[fl.Name], fl.Type, &field{name: fl.Name, meta: meta, containing: m}, depth+1)
			r.pop()
		}
	case serde.RuleArray:
		l, ok := v.([]any)
		if !ok {
			r.shapeMismatch("an array that is not a []any")
			return
		}
		rl, ok := raw.([]any)
		if !ok || len(rl) != len(l) {
			rl = l
		}
		for i, x := range l {
			r.push(seg{index: i, kind: 1})
			r.walk(p, x, rl[i], n.Items, f, depth+1)
			r.pop()
		}
	case serde.RuleMap:
		m, ok := v.(map[string]any)
		if !ok {
			r.shapeMismatch("a map that is not a map[string]any")
			return
		}
		rm, ok := raw.(map[string]any)
		if !ok {
			rm = m
		}
		for k, x := range m {
			r.push(seg{name: k, kind: 2})
			r.walk(p, x, rm[k], n.Items, f, depth+1)
			r.pop()
		}
	case serde.RuleCombined:
		if r.ct.format != serde.Avro {
			r.combined(p, v, n, f, depth)
			return
		}
		// v is already the member bare found in raw; only the branch is
		// wanted.
		b, raw, _ := member(n, raw)
		if b == nil {
			r.shapeMismatch("a union member that fits no branch, or more than one, by its Go type")
			return
		}
		r.walk(p, v, raw, b, f, depth+1)
	case serde.RuleString, serde.RuleBytes, serde.RuleInt, serde.RuleLong,
		serde.RuleFloat, serde.RuleDouble, serde.RuleBoolean, serde.RuleNull:
		// Only primitive fields: Confluent's CEL_FIELD executors (Java's
		// RuleContext.Type.isPrimitive, Go's FieldContext.IsPrimitive,
		// Python's FieldContext.is_primitive) pass an ENUM (Avro and
		// Protobuf enums; JSON Schema enum and const) or a FIXED value
		// through unjudged, and so does this walk.
		if r.ct.format == serde.Avro && !avroScalar(v) {
			r.shapeMismatch(fmt.Sprintf("a value of Go type %T", v))
			return
		}
		if p == nil || f == nil || !selects(p.rule.Tags, f.meta.tags) {
			return
		}
		if r.fanout > 0 && !r.once(p, n.Kind+"\x00"+f.meta.fullName+"\x00"+strings.Join(f.meta.tags, "\x00")) {
			return
		}
		r.act = vars{value: v, name: f.name, fullName: f.meta.fullName, typeName: n.Kind, tags: f.meta.tags, message: f.containing}
		r.eval(p)
	}
}

// avroScalar reports whether v is one of hamba's generic forms of an Avro
// primitive or logical value, which rules are judged on; any other Go type
// (a pointer, a named type) sends the run to the payload's decoded form.
func avroScalar(v any) bool {
	switch v.(type) {
	case string, []byte, bool, int, int32, int64, float32, float64,
		time.Time, time.Duration, *big.Rat:
		return true
	}
	return false
}

// placeMeta is field i of n, a scoped node (see Contract.scoped), at the
// place whose full name is full: the first place's meta when it is that
// one, else one with that full name and the metadata tags by it, made
// once per run and place.
func (r *run) placeMeta(n *serde.RuleNode, i int, full string) *fieldMeta {
	m := &r.ct.fields[n][i]
	if m.fullName == full {
		return m
	}
	k := placeKey{n: n, i: i, full: full}
	if pm, ok := r.ct.places.Load(k); ok {
		return pm.(*fieldMeta)
	}
	if pm, ok := r.places[k]; ok {
		return pm
	}
	pm := &fieldMeta{fullName: full, tags: r.ct.tg.of(full, n.Fields[i].Tags), rules: m.rules}
	// The places a schema has are few, but a recursive one has as many
	// as its values are deep: the contract keeps the first maxPlaces for
	// every Check, and a run keeps the others for itself.
	if r.ct.nplaces.Load() < maxPlaces {
		if _, loaded := r.ct.places.LoadOrStore(k, pm); !loaded {
			r.ct.nplaces.Add(1)
		}
		return pm
	}
	if r.places == nil {
		r.places = map[placeKey]*fieldMeta{}
	}
	r.places[k] = pm
	return pm
}

// maxPlaces bounds Contract.places.
const maxPlaces = 4096

// placeKey is a field of a scoped node at a place.
type placeKey struct {
	n    *serde.RuleNode
	i    int
	full string
}

// avroNull runs the CEL_FIELD rule p on an Avro null (a union's null
// branch, or type null) at field f, with value null and typeName NULL: NULL
// is primitive, and Java's and Python's Avro transforms hand the null
// branch to the executor. JSON Schema nulls are not visited, as Python's
// transform skips a null property.
func (r *run) avroNull(p *program, n *serde.RuleNode, f *field) {
	null := n.Kind == serde.RuleNull
	if n.Kind == serde.RuleCombined {
		for _, b := range n.Branches {
			null = null || b.Kind == serde.RuleNull
		}
	}
	if !null || !selects(p.rule.Tags, f.meta.tags) || !r.step(1) {
		return
	}
	r.act = vars{value: nil, name: f.name, fullName: f.meta.fullName, typeName: serde.RuleNull, tags: f.meta.tags, message: f.containing}
	r.eval(p)
}

// combinators is what a JSON Schema compiled schema (serde/jsonschema's
// *Compiled) says of its rule tree's COMBINED nodes: their keyword, and
// whether a value is valid against a branch.
type combinators interface {
	RuleCombinator(n *serde.RuleNode) string
	// RuleBranchCheck also counts the nodes of v it looks at, and
	// validates no v of more than max nodes (see
	// jsonschema.Compiled.RuleBranchCheck).
	RuleBranchCheck(n *serde.RuleNode, i int, v any, max int) (valid bool, nodes int)
}

// branchValid reports whether v, the value at the current location, is
// valid against branch i of n, testing it once per run and spending the
// nodes the test looks at. ok is false when the budget is spent (the run
// is then stopped).
func (r *run) branchValid(n *serde.RuleNode, i int, v any) (valid, ok bool) {
	k := branchKey{n: n, i: i, loc: r.loc()}
	if valid, seen := r.branches[k]; seen {
		return valid, true
	}
	max := -1
	if r.budget > 0 {
		max = r.budget - r.steps
	}
	valid, nodes := r.ct.combs.RuleBranchCheck(n, i, v, max)
	if !r.step(nodes) {
		return false, false
	}
	if r.branches == nil {
		r.branches = map[branchKey]bool{}
	}
	r.branches[k] = valid
	return valid, true
}

// setBudget sets the walks' budget from the size of the value, once per
// run, when a walk first meets a COMBINED node.
func (r *run) setBudget() {
	if r.budget > 0 {
		return
	}
	if r.budgetFor > 0 {
		r.budget = r.budgetFor
		return
	}
	r.nodes = countNodes(r.msg, 0)
	r.budget = min(WalkStepsPerNode*r.nodes+WalkStepsBase, MaxWalkSteps)
}

// countNodes counts the nodes of v, a JSON value, to maxDepth.
func countNodes(v any, depth int) int {
	n := 1
	if depth > maxDepth {
		return n
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			n += countNodes(e, depth+1)
		}
	case map[string]any:
		for _, e := range x {
			n += countNodes(e, depth+1)
		}
	}
	return n
}

// combined walks v, a JSON value, into the branches of the COMBINED node n
// that Confluent's clients visit (JsonSchema.toTransformedMessage,
// json_schema_util.go's transform): every allOf branch (a schema's own
// properties next to its combinators among them), every anyOf branch v
// validates against, the first oneOf branch it validates against, and for
// a "type" list the first branch v's type fits. Confluent runs a rule at
// each visit; a value reached through two branches is judged once per
// rule (once per distinct type name, full name and tags), and a rule's
// violation at a path is reported once: the verdict is Confluent's.
func (r *run) combined(p *program, v any, n *serde.RuleNode, f *field, depth int) {
	kind := ""
	if r.ct.combs != nil {
		kind = r.ct.combs.RuleCombinator(n)
		r.setBudget()
	}
	switch kind {
	case "allOf", "anyOf":
		if len(n.Branches) > 1 {
			r.fanout++
			defer func() { r.fanout-- }()
		}
		for i, b := range n.Branches {
			if r.stop {
				return
			}
			if kind == "anyOf" {
				if valid, ok := r.branchValid(n, i, v); !ok {
					return
				} else if !valid {
					continue
				}
			}
			r.walk(p, v, v, b, f, depth+1)
		}
	case "oneOf":
		for i, b := range n.Branches {
			valid, ok := r.branchValid(n, i, v)
			if !ok {
				return
			}
			if valid {
				r.walk(p, v, v, b, f, depth+1)
				return
			}
		}
	default:
		r.walk(p, v, v, fitting(n, v), f, depth+1)
	}
}

// member picks the member of the Avro union n that v, in hamba's generic
// form, holds, as hamba encodes it: a map whose only key names a branch
// is that branch's value wrapped ({"string": "x"}, {"x.R": {...}}); an
// empty map is null; any other value is a bare member, of the first branch
// its Go type fits. wrapped reports whether v was a wrapper. This is the
// only place a map is read as a union wrapper, and only ever on the value
// RuleValue returned, once per union: bare calls it, and walk calls it on
// the same raw value to learn the branch bare took.
func member(n *serde.RuleNode, v any) (b *serde.RuleNode, x any, wrapped bool) {
	if m, ok := v.(map[string]any); ok {
		switch len(m) {
		case 0:
			for _, b := range n.Branches {
				if b.Kind == serde.RuleNull {
					return b, nil, true
				}
			}
		case 1:
			for k, x := range m {
				for _, b := range n.Branches {
					if b.Name == k {
						return b, x, true
					}
				}
			}
		}
	}
	return fitting(n, v), v, false
}

// fitting is the branch of the union n whose type fits the bare value v,
// nil when none or more than one does (a string fits an enum and a
// string, a map two records): it never reads v as a wrapper.
func fitting(n *serde.RuleNode, v any) *serde.RuleNode {
	var fit *serde.RuleNode
	for _, b := range n.Branches {
		if fits(b.Kind, v) {
			if fit != nil {
				return nil
			}
			fit = b
		}
	}
	return fit
}

func fits(kind string, v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return kind == serde.RuleRecord || kind == serde.RuleMap
	case []any:
		return kind == serde.RuleArray
	case string:
		return kind == serde.RuleString || kind == serde.RuleEnum
	case []byte:
		return kind == serde.RuleBytes || kind == serde.RuleFixed
	case bool:
		return kind == serde.RuleBoolean
	case int, int32, int64:
		return kind == serde.RuleInt || kind == serde.RuleLong
	case float32, float64:
		return kind == serde.RuleFloat || kind == serde.RuleDouble
	case json.Number:
		// JSON values carry numbers so; CEL reads an integral one as an int.
		if _, err := x.Int64(); err == nil && (kind == serde.RuleInt || kind == serde.RuleLong) {
			return true
		}
		return kind == serde.RuleFloat || kind == serde.RuleDouble
	}
	return false
}

// protoFields runs the CEL_FIELD rule p on every primitive field of m it
// selects, descending into set message fields, lists and maps.
func (r *run) protoFields(p *program, m protoreflect.Message, depth int) {
	if depth > maxDepth {
		r.tooDeep()
		return
	}
	fs := m.Descriptor().Fields()
	for i := 0; i < fs.Len() && !r.stop; i++ {
		fd := fs.Get(i)
		if (fd.ContainingOneof() != nil || fd.Message() != nil) && !m.Has(fd) {
			continue // unset oneof members and messages are nil: skipped
		}
		r.push(seg{name: fd.TextName()})
		v := m.Get(fd)
		switch {
		case fd.IsList():
			l := v.List()
			for j := 0; j < l.Len() && !r.stop; j++ {
				r.push(seg{index: j, kind: 1})
				r.protoValue(p, m, fd, fd, l.Get(j), depth)
				r.pop()
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, x protoreflect.Value) bool {
				r.push(seg{name: k.String(), kind: 2})
				r.protoValue(p, m, fd, fd.MapValue(), x, depth)
				r.pop()
				return !r.stop
			})
		default:
			r.protoValue(p, m, fd, fd, v, depth)
		}
		r.pop()
	}
}

func (r *run) protoValue(p *program, m protoreflect.Message, fd, vd protoreflect.FieldDescriptor, v protoreflect.Value, depth int) {
	typeName := protoTypeName(vd)
	switch typeName {
	case serde.RuleRecord:
		r.protoFields(p, v.Message(), depth+1)
		return
	case serde.RuleEnum, "":
		return
	}
	tags := r.ct.protoTags[fd.FullName()]
	if !selects(p.rule.Tags, tags) {
		return
	}
	r.act = vars{value: v.Interface(), name: string(fd.Name()), fullName: string(fd.FullName()),
		typeName: typeName, tags: tags, message: m.Interface()}
	r.eval(p)
}

// protoTypeName is Confluent's type name for a Protobuf field's values.
func protoTypeName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return serde.RuleRecord
	case protoreflect.EnumKind:
		return serde.RuleEnum
	case protoreflect.StringKind:
		return serde.RuleString
	case protoreflect.BytesKind:
		return serde.RuleBytes
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Uint32Kind,
		protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return serde.RuleInt
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind,
		protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return serde.RuleLong
	case protoreflect.FloatKind:
		return serde.RuleFloat
	case protoreflect.DoubleKind:
		return serde.RuleDouble
	case protoreflect.BoolKind:
		return serde.RuleBoolean
	}
	return ""
}

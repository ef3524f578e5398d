package contract

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"buf.build/go/protovalidate"
	"cel.dev/cel-go/cel"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/serde"
)

// Contract is a schema's data contract compiled for one schema: its
// enforced rules as cel-go programs, ready to run on values. It is
// immutable after New and safe for concurrent use. It implements
// serde.Contract: put it in serde.SerializerConfig.Contract.
type Contract struct {
	format   serde.Format
	failFast bool

	// Generic formats (Avro, JSON Schema).
	target serde.RuleTarget
	root   *serde.RuleNode
	fields map[*serde.RuleNode][]fieldMeta
	// scoped holds the nodes without a name of their own (JSON Schema
	// objects, and the arrays, maps and combinators above them) that a
	// schema reaches from more than one place, through a shared "$ref":
	// their fields' full names, and the metadata tags by them, are the
	// place's, so the walk makes them there (fields holds the first
	// place's). tg is the metadata tagger, for those.
	scoped map[*serde.RuleNode]bool
	tg     *tagger
	// places caches the field metas of scoped nodes at places (placeKey
	// to *fieldMeta) across Checks, nplaces of them, at most maxPlaces.
	places  sync.Map
	nplaces atomic.Int64
	inline  map[*serde.RuleNode][]*program // type-level inline rules
	combs   combinators                    // JSON Schema: how COMBINED nodes are walked; nil for Avro

	// Protobuf.
	msg       protoreflect.MessageDescriptor
	pv        protovalidate.Validator            // nil when the schema has no buf.validate constraints
	protoTags map[protoreflect.FullName][]string // by field full name: generated types have other descriptors
	proto     *protoRules                        // nil when the schema has no inline rules

	domain    []*program
	all       []*program // every compiled rule, for Stats
	pvStats   counters
	hasInline bool
	kept      []serde.Rule
}

// fieldMeta is what a record field carries for rules, computed in New.
type fieldMeta struct {
	fullName string
	tags     []string
	rules    []*program
}

// program is one compiled rule.
type program struct {
	rule   serde.Rule
	field  bool // CEL_FIELD
	guard  cel.Program
	expr   cel.Program
	action string // ERROR, NONE or DLQ, for a write
	stats  counters
}

// counters count one rule's evaluations; padded so that two rules'
// counters do not share a cache line.
type counters struct {
	executions, successes, failures, skips atomic.Uint64
	_                                      [32]byte
}

// protoSchema is what a Protobuf compiled schema offers (serde/protobuf's
// *Schema).
type protoSchema interface {
	Message() protoreflect.MessageDescriptor
}

// New compiles the rules of rs, the inline rules in c's schema text, and
// the tags of md, for values of c. rs and md are the ruleSet and metadata
// the registry returned with the schema; when both are nil, c.Schema()'s
// are used. A rule that cannot be compiled or enforced fails New with a
// *CompileError naming it.
func New(c serde.Compiled, rs *serde.RuleSet, md *serde.Metadata, opts ...Opt) (*Contract, error) {
	var cfg config
	for _, o := range opts {
		o.apply(&cfg)
	}
	if rs == nil && md == nil {
		s := c.Schema()
		rs, md = s.RuleSet, s.Metadata
	}
	ct := &Contract{format: c.Format(), failFast: cfg.failFast}
	tg, err := newTagger(metadataTags(md))
	if err != nil {
		return nil, &CompileError{Rule: "metadata.tags", Err: err}
	}

	base, err := cel.NewEnv(cel.Lib(library{}))
	if err != nil {
		return nil, fmt.Errorf("contract: cel environment: %w", err)
	}
	msgType := cel.DynType
	var typeOpts []cel.EnvOption
	switch {
	case c.Format() == serde.Protobuf:
		ps, ok := c.(protoSchema)
		if !ok {
			if rs != nil && len(rs.DomainRules) > 0 {
				return nil, fmt.Errorf("%w: %T offers no message descriptor for its rules", ErrRuleSet, c)
			}
			return ct, nil
		}
		ct.msg = ps.Message()
		msgType = cel.ObjectType(string(ct.msg.FullName()))
		typeOpts = append(typeOpts, cel.TypeDescs(ct.msg.ParentFile()))
		if bv, ok := c.(bufValidated); ok && bv.ImportsBufValidate() {
			if ct.pv, err = newProtovalidate(ct.msg, cfg.failFast); err != nil {
				return nil, err
			}
		}
		ct.protoTags = map[protoreflect.FullName][]string{}
		protoFieldTags(ct.msg, tg, ct.protoTags, map[protoreflect.FullName]bool{})
	default:
		t, ok := c.(serde.RuleTarget)
		if !ok {
			// A schema type of the user's own: nothing inline to find,
			// and no way to run domain rules on its values.
			if rs != nil && len(rs.DomainRules) > 0 {
				return nil, fmt.Errorf("%w: %T offers no rule tree for its rules", ErrRuleSet, c)
			}
			return ct, nil
		}
		ct.target = t
		if cb, ok := t.(combinators); ok && ct.format != serde.Avro {
			ct.combs = cb
		}
		if ct.root, err = t.RuleTree(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRuleSet, err)
		}
	}
	domainEnv, err := base.Extend(append(typeOpts, cel.Variable("message", msgType))...)
	if err != nil {
		return nil, fmt.Errorf("contract: cel environment: %w", err)
	}
	fieldEnv, err := base.Extend(append(typeOpts,
		cel.Variable("value", cel.DynType),
		cel.Variable("fullName", cel.StringType),
		cel.Variable("name", cel.StringType),
		cel.Variable("typeName", cel.StringType),
		cel.Variable("tags", cel.ListType(cel.StringType)),
		cel.Variable("message", cel.DynType))...)
	if err != nil {
		return nil, fmt.Errorf("contract: cel environment: %w", err)
	}

	if rs != nil {
		if err := ct.compileRuleSet(rs, domainEnv, fieldEnv); err != nil {
			return nil, err
		}
	}
	if ct.msg != nil {
		inlineEnv, err := base.Extend(append(typeOpts, cel.Variable("this", cel.DynType))...)
		if err != nil {
			return nil, fmt.Errorf("contract: cel environment: %w", err)
		}
		if err := ct.compileProtoInline(ct.msg, inlineEnv); err != nil {
			return nil, err
		}
	}
	if ct.root != nil {
		inlineEnv, err := base.Extend(cel.Variable("this", cel.DynType))
		if err != nil {
			return nil, fmt.Errorf("contract: cel environment: %w", err)
		}
		ct.fields = map[*serde.RuleNode][]fieldMeta{}
		ct.inline = map[*serde.RuleNode][]*program{}
		ct.tg = tg
		// A JSON Schema's fields are named from "$" (Confluent's clients
		// start the path there), also when the root is a $ref or a
		// combinator whose node has no name of its own.
		root := ""
		if ct.format == serde.JSON {
			root = "$"
		}
		if err := ct.compileTree(ct.root, root, inlineEnv, tg, map[*serde.RuleNode]string{}); err != nil {
			return nil, err
		}
	}
	return ct, nil
}

func metadataTags(md *serde.Metadata) map[string][]string {
	if md == nil {
		return nil
	}
	return md.Tags
}

// compileRuleSet compiles the enforced domain rules and keeps the rest.
func (ct *Contract) compileRuleSet(rs *serde.RuleSet, domainEnv, fieldEnv *cel.Env) error {
	ct.kept = append(ct.kept, rs.MigrationRules...)
	ct.kept = append(ct.kept, rs.EncodingRules...)
	switch strings.ToUpper(rs.EnableAt) {
	case "", "ALL", "CLIENT":
	default:
		// Rules enabled elsewhere only (a broker): clients skip them.
		ct.kept = append(ct.kept, rs.DomainRules...)
		return nil
	}
	for _, r := range rs.DomainRules {
		kind := strings.ToUpper(r.Kind)
		mode := strings.ToUpper(r.Mode)
		switch mode {
		case "WRITE", "READ", "WRITEREAD":
		case "UPGRADE", "DOWNGRADE", "UPDOWN":
			return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("mode %s is a migration mode, not a domain rule's", r.Mode)}
		default:
			return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("unknown mode %q", r.Mode)}
		}
		switch kind {
		case "CONDITION":
		case "TRANSFORM":
			ct.kept = append(ct.kept, r)
			continue
		default:
			return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("unknown kind %q", r.Kind)}
		}
		if r.Disabled || mode == "READ" {
			ct.kept = append(ct.kept, r)
			continue
		}
		var env *cel.Env
		switch strings.ToUpper(r.Type) {
		case "CEL":
			env = domainEnv
		case "CEL_FIELD":
			env = fieldEnv
		default:
			return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("rule type %q cannot be enforced (CEL and CEL_FIELD can)", r.Type)}
		}
		p, err := compileRule(env, r)
		if err != nil {
			return err
		}
		p.field = env == fieldEnv
		if p.action, err = writeAction(r, r.OnFailure, "ERROR"); err != nil {
			return err
		}
		if _, err := writeAction(r, r.OnSuccess, "NONE"); err != nil {
			return err
		}
		ct.domain = append(ct.domain, p)
		ct.all = append(ct.all, p)
	}
	return nil
}

// writeAction picks the action a write takes from a rule's onSuccess or
// onFailure: "A,B" on a WRITEREAD rule means A for writes.
func writeAction(r serde.Rule, action, def string) (string, error) {
	if action == "" {
		return def, nil
	}
	if i := strings.IndexByte(action, ','); i >= 0 && strings.EqualFold(r.Mode, "WRITEREAD") {
		action = action[:i]
	}
	switch a := strings.ToUpper(strings.TrimSpace(action)); a {
	case "ERROR", "NONE", "DLQ":
		return a, nil
	}
	return "", &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("unknown action %q (ERROR, NONE and DLQ are known)", action)}
}

// compileRule compiles r.Expr in env, split at its first ';' into a guard
// and the condition, as Confluent's executors split it.
func compileRule(env *cel.Env, r serde.Rule) (*program, error) {
	p := &program{rule: r}
	expr := r.Expr
	if i := strings.IndexByte(expr, ';'); i >= 0 {
		if guard := strings.TrimSpace(expr[:i]); guard != "" {
			g, err := compileBool(env, guard)
			if err != nil {
				return nil, &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("guard: %w", err)}
			}
			p.guard = g
		}
		expr = expr[i+1:]
	}
	if strings.TrimSpace(expr) == "" {
		return nil, &CompileError{Rule: r.Name, Expr: r.Expr, Err: errors.New("empty expression")}
	}
	e, err := compileBool(env, expr)
	if err != nil {
		return nil, &CompileError{Rule: r.Name, Expr: r.Expr, Err: err}
	}
	p.expr = e
	return p, nil
}

func compileBool(env *cel.Env, expr string) (cel.Program, error) {
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		return nil, fmt.Errorf("expression yields %s, not bool", t)
	}
	prg, err := env.Program(ast)
	if err != nil {
		return nil, err
	}
	return withFastPath(env, ast, prg), nil
}

// compileTree computes each record field's full name and tags and
// compiles the inline rules, once per node of a possibly cyclic tree.
// seen holds the scope each node was first reached with; a node without a
// name reached again with another scope is marked scoped, with the nodes
// under it that take their names from it (each once, so a cycle ends).
func (ct *Contract) compileTree(n *serde.RuleNode, scope string, env *cel.Env, tg *tagger, seen map[*serde.RuleNode]string) error {
	if n == nil {
		return nil
	}
	if first, ok := seen[n]; ok {
		if first == scope || n.Name != "" || ct.scoped[n] {
			return nil
		}
		if ct.scoped == nil {
			ct.scoped = map[*serde.RuleNode]bool{}
		}
		ct.scoped[n] = true
		for _, f := range n.Fields {
			if err := ct.compileTree(f.Type, scope+"."+f.Name, env, tg, seen); err != nil {
				return err
			}
		}
		return ct.compileKids(n, scope, env, tg, seen)
	}
	seen[n] = scope
	inline := func(rules []serde.InlineRule) ([]*program, error) { return ct.compileInline(env, rules) }
	ps, err := inline(n.Rules)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		ct.inline[n] = ps
	}
	name := scope
	if n.Name != "" {
		name = n.Name
	}
	if len(n.Fields) > 0 {
		metas := make([]fieldMeta, len(n.Fields))
		for i, f := range n.Fields {
			full := name + "." + f.Name
			metas[i] = fieldMeta{fullName: full, tags: tg.of(full, f.Tags)}
			if metas[i].rules, err = inline(f.Rules); err != nil {
				return err
			}
		}
		ct.fields[n] = metas
		for i, f := range n.Fields {
			if err := ct.compileTree(f.Type, metas[i].fullName, env, tg, seen); err != nil {
				return err
			}
		}
	}
	return ct.compileKids(n, name, env, tg, seen)
}

// compileKids compiles the trees of n's items and union branches, which
// take n's name.
func (ct *Contract) compileKids(n *serde.RuleNode, name string, env *cel.Env, tg *tagger, seen map[*serde.RuleNode]string) error {
	if err := ct.compileTree(n.Items, name, env, tg, seen); err != nil {
		return err
	}
	for _, b := range n.Branches {
		if err := ct.compileTree(b, name, env, tg, seen); err != nil {
			return err
		}
	}
	return nil
}

// protoFieldTags computes the tags of every field reachable from md (its
// confluent.field_meta tags and the metadata's), keyed by full name.
func protoFieldTags(md protoreflect.MessageDescriptor, tg *tagger, out map[protoreflect.FullName][]string, seen map[protoreflect.FullName]bool) {
	if seen[md.FullName()] {
		return
	}
	seen[md.FullName()] = true
	fs := md.Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		if t := tg.of(string(fd.FullName()), fieldMetaTags(fd)); len(t) > 0 {
			out[fd.FullName()] = t
		}
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		if fd.Message() != nil {
			protoFieldTags(fd.Message(), tg, out, seen)
		}
	}
}

// Len returns how many rules Check enforces: domain rules and inline rules.
func (ct *Contract) Len() int {
	n := len(ct.domain)
	if ct.pv != nil {
		n++ // buf.validate constraints, counted as one rule
	}
	for _, ps := range ct.inline {
		n += len(ps)
	}
	for _, ms := range ct.fields {
		for _, m := range ms {
			n += len(m.rules)
		}
	}
	if ct.proto != nil {
		for _, ps := range ct.proto.msgs {
			n += len(ps)
		}
		for _, ps := range ct.proto.fields {
			n += len(ps)
		}
	}
	return n
}

// RuleStats counts one rule's evaluations since New: Executions (each
// value a rule judged: once per record for CEL and inline record rules,
// once per selected field for CEL_FIELD), Successes, Failures (whatever the
// action, NONE included) and Skips (a false or failing guard). The
// buf.validate constraints count as one rule named "buf.validate", once
// per record.
type RuleStats = serde.RuleStats

// Stats returns every enforced rule's counts, domain rules first, in
// rule-set order, then inline rules in schema order.
func (ct *Contract) Stats() []RuleStats {
	out := make([]RuleStats, 0, len(ct.all)+1)
	add := func(name string, c *counters) {
		out = append(out, RuleStats{Name: name, Executions: c.executions.Load(), Successes: c.successes.Load(),
			Failures: c.failures.Load(), Skips: c.skips.Load()})
	}
	if ct.pv != nil {
		add("buf.validate", &ct.pvStats)
	}
	for _, p := range ct.all {
		add(p.rule.Name, &p.stats)
	}
	return out
}

// Kept returns the rules parsed but not enforced on writes: TRANSFORM,
// migration, encoding, READ-only and disabled rules.
func (ct *Contract) Kept() []serde.Rule { return ct.kept }

var (
	_ serde.Contract    = (*Contract)(nil)
	_ serde.RuleCounter = (*Contract)(nil)
)

func init() {
	serde.RegisterContractCompiler(func(c serde.Compiled, rs *serde.RuleSet, md *serde.Metadata) (serde.Contract, error) {
		ct, err := New(c, rs, md)
		if err != nil || ct.Len() == 0 {
			return nil, err
		}
		return ct, nil
	})
}

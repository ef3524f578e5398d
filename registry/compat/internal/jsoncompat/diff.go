package jsoncompat

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"

	"github.com/schemagen/schemagen/serde"
)

// diff is one difference, with its path relative to the pair of schemas
// being compared and the facts its message needs.
//
// A diff with sub set is a link: it stands for every difference of one
// compared pair of sub-schemas, under path. Each pair is compared once and
// its differences are listed once; every path that reaches the pair (a
// definition $ref'd from many places) links to that one list, so the walk
// and its result grow with the schemas' size, not with the number of paths
// through them (which doubles with each level of a definition used twice).
// flatten expands the links when the paths are wanted.
type diff struct {
	typ    Type
	path   []string
	detail string
	sub    *result
}

// result is the differences of one compared pair, with its verdict and
// counts, which links add up without expanding.
type result struct {
	ds         []diff
	compatible bool
	// total and incompatible count the differences ds stands for, links
	// expanded (saturating at maxCount).
	total, incompatible int
}

const maxCount = 1 << 60

func satAdd(a, b int) int { return min(a+b, maxCount) }

type pair struct{ o, u *node }

// comparer walks an original (writer) and an update (reader) schema
// together, as Confluent's SchemaDiff does, and lists their differences.
type comparer struct {
	policy     Policy
	memo       map[pair]*result
	inProgress map[pair]bool
	seed       map[pair]*result
	optimistic bool
	steps      *int
	depth      int
	err        error
}

// maxStackDepth bounds recursion through nested sub-schemas.
const maxStackDepth = 20_000

func (c *comparer) compatible(ds []diff) bool {
	for _, d := range ds {
		if d.sub != nil {
			if !d.sub.compatible {
				return false
			}
		} else if !c.policy.Compatible(d.typ) {
			return false
		}
	}
	return true
}

// newResult sums up a pair's differences.
func (c *comparer) newResult(ds []diff) *result {
	r := &result{ds: ds, compatible: true}
	for _, d := range ds {
		if d.sub != nil {
			r.total = satAdd(r.total, d.sub.total)
			r.incompatible = satAdd(r.incompatible, d.sub.incompatible)
			r.compatible = r.compatible && d.sub.compatible
			continue
		}
		r.total = satAdd(r.total, 1)
		if !c.policy.Compatible(d.typ) {
			r.incompatible = satAdd(r.incompatible, 1)
			r.compatible = false
		}
	}
	return r
}

// link is the list that stands for r: nothing when r has no differences.
func (r *result) link() []diff {
	if r == nil || r.total == 0 {
		return nil
	}
	return []diff{{sub: r}}
}

// flatten expands links into the differences they stand for, with their
// full paths, in order; with onlyIncompatible, only those the policy
// refuses. It stops after limit differences and reports whether it did.
func (c *comparer) flatten(ds []diff, onlyIncompatible bool, limit int) (out []diff, truncated bool) {
	var walk func(prefix []string, ds []diff) bool
	walk = func(prefix []string, ds []diff) bool {
		for _, d := range ds {
			path := d.path
			if len(prefix) > 0 {
				path = append(append(make([]string, 0, len(prefix)+len(d.path)), prefix...), d.path...)
			}
			if d.sub != nil {
				if d.sub.total == 0 || onlyIncompatible && d.sub.incompatible == 0 {
					continue
				}
				if !walk(path, d.sub.ds) {
					return false
				}
				continue
			}
			if onlyIncompatible && c.policy.Compatible(d.typ) {
				continue
			}
			if len(out) == limit {
				return false
			}
			out = append(out, diff{typ: d.typ, path: path, detail: d.detail})
		}
		return true
	}
	return out, !walk(nil, ds)
}

func at(prefix []string, ds []diff) []diff {
	if len(prefix) == 0 || len(ds) == 0 {
		return ds
	}
	out := make([]diff, len(ds))
	for i, d := range ds {
		p := make([]string, 0, len(prefix)+len(d.path))
		p = append(append(p, prefix...), d.path...)
		out[i] = diff{typ: d.typ, path: p, detail: d.detail, sub: d.sub}
	}
	return out
}

func one(t Type, detail string, path ...string) diff {
	return diff{typ: t, path: path, detail: detail}
}

// compare returns the differences of o → u. Either may be nil (an absent
// sub-schema slot).
func (c *comparer) compare(o, u *node) []diff {
	if c.err != nil {
		return nil
	}
	switch {
	case o == nil && u == nil:
		return nil
	case o == nil:
		return []diff{one(SchemaAdded, "")}
	case u == nil:
		return []diff{one(SchemaRemoved, "")}
	}
	o, u = deref(o), deref(u)
	*c.steps++
	if *c.steps > MaxSteps {
		c.err = fmt.Errorf("jsoncompat: comparison needs more than %d steps: %w", MaxSteps, serde.ErrLimit)
		return nil
	}
	key := pair{o, u}
	if r, ok := c.memo[key]; ok {
		return r.link()
	}
	if c.inProgress[key] {
		// A recursive cycle: assume compatible unless an earlier pass
		// proved this pair incompatible.
		if r, ok := c.seed[key]; ok {
			return r.link()
		}
		c.optimistic = true
		return nil
	}
	if len(c.memo) >= MaxPairs {
		c.err = fmt.Errorf("jsoncompat: comparison needs more than %d sub-schema pairs: %w", MaxPairs, serde.ErrLimit)
		return nil
	}
	if c.depth >= maxStackDepth {
		c.err = fmt.Errorf("jsoncompat: schemas nest more than %d levels: %w", maxStackDepth, serde.ErrLimit)
		return nil
	}
	c.inProgress[key] = true
	c.depth++
	r := c.newResult(c.compareTypes(o, u))
	c.depth--
	delete(c.inProgress, key)
	c.memo[key] = r
	return r.link()
}

func (c *comparer) compareTypes(o, u *node) []diff {
	oc, uc := o.kind == kindCombined, u.kind == kindCombined
	switch {
	case !oc && uc:
		if len(u.subs) == 1 {
			if ds := c.compare(o, u.subs[0]); c.compatible(ds) {
				return ds
			}
		} else if u.criterion != "allOf" {
			for _, s := range u.subs {
				if ds := c.compare(o, s); c.compatible(ds) {
					return append(append([]diff(nil), ds...), one(SumTypeExtended, fmt.Sprintf("%s became a %s that still accepts it", kindName(o), u.criterion)))
				}
			}
		}
	case oc && !uc:
		if len(o.subs) == 1 {
			if ds := c.compare(o.subs[0], u); c.compatible(ds) {
				return ds
			}
		} else if o.criterion == "allOf" {
			for _, s := range o.subs {
				if ds := c.compare(s, u); c.compatible(ds) {
					return append(append([]diff(nil), ds...), one(ProductTypeNarrowed, fmt.Sprintf("allOf became one of its members (%s)", kindName(u))))
				}
			}
		}
	}
	if o.kind != u.kind {
		if o.kind == kindFalse || u.kind == kindEmpty {
			return nil
		}
		if o.connectType == "bytes" && u.connectType == "bytes" {
			return nil
		}
		return []diff{one(TypeChanged, fmt.Sprintf("changed type from %s to %s", kindName(o), kindName(u)))}
	}
	var ds []diff
	if !eqPtr(o.id, u.id) {
		ds = append(ds, one(IDChanged, "changed $id"))
	}
	if !eqPtr(o.title, u.title) {
		ds = append(ds, one(TitleChanged, "changed title"))
	}
	if !eqPtr(o.description, u.description) {
		ds = append(ds, one(DescriptionChanged, "changed description"))
	}
	if !eqPtr(o.def, u.def) {
		ds = append(ds, one(DefaultChanged, "changed default"))
	}
	switch o.kind {
	case kindString:
		ds = compareLimit(ds, "maxLength", o.maxLength, u.maxLength, MaxLengthAdded, MaxLengthRemoved, MaxLengthIncreased, MaxLengthDecreased)
		ds = compareLimit(ds, "minLength", o.minLength, u.minLength, MinLengthAdded, MinLengthRemoved, MinLengthIncreased, MinLengthDecreased)
		switch {
		case o.pattern == nil && u.pattern != nil:
			ds = append(ds, one(PatternAdded, fmt.Sprintf("pattern %q added", *u.pattern), "pattern"))
		case o.pattern != nil && u.pattern == nil:
			ds = append(ds, one(PatternRemoved, fmt.Sprintf("pattern %q removed", *o.pattern), "pattern"))
		case o.pattern != nil && *o.pattern != *u.pattern:
			ds = append(ds, one(PatternChanged, fmt.Sprintf("pattern changed from %q to %q", *o.pattern, *u.pattern), "pattern"))
		}
	case kindNumber:
		ds = c.compareNumber(ds, o, u)
	case kindConst:
		if o.constVal != u.constVal {
			ds = append(ds, one(EnumArrayChanged, fmt.Sprintf("const changed from %s to %s", o.constVal, u.constVal), "const"))
		}
	case kindEnum:
		ds = compareEnum(ds, o, u)
	case kindCombined:
		ds = append(ds, c.compareCombined(o, u)...)
	case kindNot:
		// The inner schemas swap roles: forbidding less accepts more.
		if inner := c.compare(u.not, o.not); c.compatible(inner) {
			ds = append(ds, one(NotTypeNarrowed, "not forbids less", "not"))
		} else {
			ds = append(ds, one(NotTypeExtended, "not forbids more", "not"))
		}
	case kindObject:
		ds = c.compareObject(ds, o, u)
	case kindArray:
		ds = c.compareArray(ds, o, u)
	}
	return ds
}

func kindName(n *node) string {
	if n.kind == kindNumber && n.integer {
		return "integer"
	}
	if n.kind == kindCombined {
		return n.criterion
	}
	return kindNames[n.kind]
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// compareLimit compares an optional numeric attribute.
func compareLimit(ds []diff, name string, o, u *float64, added, removed, increased, decreased Type) []diff {
	switch {
	case o == nil && u == nil:
	case o == nil:
		ds = append(ds, one(added, fmt.Sprintf("%s %s added", name, fmtNum(*u)), name))
	case u == nil:
		ds = append(ds, one(removed, fmt.Sprintf("%s %s removed", name, fmtNum(*o)), name))
	case *o < *u:
		ds = append(ds, one(increased, fmt.Sprintf("%s increased from %s to %s", name, fmtNum(*o), fmtNum(*u)), name))
	case *o > *u:
		ds = append(ds, one(decreased, fmt.Sprintf("%s decreased from %s to %s", name, fmtNum(*o), fmtNum(*u)), name))
	}
	return ds
}

func (c *comparer) compareNumber(ds []diff, o, u *node) []diff {
	ds = compareLimit(ds, "maximum", o.maximum, u.maximum, MaximumAdded, MaximumRemoved, MaximumIncreased, MaximumDecreased)
	ds = compareLimit(ds, "minimum", o.minimum, u.minimum, MinimumAdded, MinimumRemoved, MinimumIncreased, MinimumDecreased)
	ds = compareLimit(ds, "exclusiveMaximum", o.exMax, u.exMax, ExclusiveMaximumAdded, ExclusiveMaximumRemoved, ExclusiveMaximumIncreased, ExclusiveMaximumDecreased)
	ds = compareLimit(ds, "exclusiveMinimum", o.exMin, u.exMin, ExclusiveMinimumAdded, ExclusiveMinimumRemoved, ExclusiveMinimumIncreased, ExclusiveMinimumDecreased)
	om, um := o.multipleOf, u.multipleOf
	switch {
	case om == nil && um == nil:
	case om == nil:
		ds = append(ds, one(MultipleOfAdded, "multipleOf "+u.multipleOfText+" added", "multipleOf"))
	case um == nil:
		ds = append(ds, one(MultipleOfRemoved, "multipleOf "+o.multipleOfText+" removed", "multipleOf"))
	case om.Cmp(um) == 0:
	case om.Sign() != 0 && isIntRatio(um, om):
		ds = append(ds, one(MultipleOfExpanded, fmt.Sprintf("multipleOf changed from %s to its multiple %s", o.multipleOfText, u.multipleOfText), "multipleOf"))
	case um.Sign() != 0 && isIntRatio(om, um):
		ds = append(ds, one(MultipleOfReduced, fmt.Sprintf("multipleOf changed from %s to its divisor %s", o.multipleOfText, u.multipleOfText), "multipleOf"))
	default:
		ds = append(ds, one(MultipleOfChanged, fmt.Sprintf("multipleOf changed from %s to %s", o.multipleOfText, u.multipleOfText), "multipleOf"))
	}
	if o.integer != u.integer {
		if o.integer {
			ds = append(ds, one(TypeExtended, "changed type from integer to number"))
		} else {
			ds = append(ds, one(TypeNarrowed, "changed type from number to integer"))
		}
	}
	return ds
}

// isIntRatio reports whether a is an integer multiple of b (b != 0).
func isIntRatio(a, b *big.Rat) bool {
	return new(big.Rat).Quo(a, b).IsInt()
}

func compareEnum(ds []diff, o, u *node) []diff {
	if setEqual(o.values, u.values) {
		return ds
	}
	switch {
	case subset(o.values, u.values):
		return append(ds, one(EnumArrayExtended, "enum gained values: "+setDiff(u.values, o.values), "enum"))
	case subset(u.values, o.values):
		return append(ds, one(EnumArrayNarrowed, "enum lost values: "+setDiff(o.values, u.values), "enum"))
	}
	return append(ds, one(EnumArrayChanged, "enum lost values: "+setDiff(o.values, u.values), "enum"))
}

func setEqual(a, b map[string]bool) bool { return len(a) == len(b) && subset(a, b) }

func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func setDiff(a, b map[string]bool) string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	s := ""
	for i, x := range out {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

func (c *comparer) compareCombined(o, u *node) []diff {
	var ds []diff
	if o.criterion != u.criterion {
		os, us := len(o.subs) == 1, len(u.subs) == 1
		detail := fmt.Sprintf("changed %s to %s", o.criterion, u.criterion)
		if u.criterion == "anyOf" || (os && us) || (os && u.criterion == "oneOf") || (us && o.criterion == "allOf") {
			ds = append(ds, one(CombinedTypeExtended, detail))
		} else {
			return append(ds, one(CombinedTypeChanged, detail))
		}
	}
	osubs, usubs := dedupe(o.subs), dedupe(u.subs)
	switch {
	case len(osubs) < len(usubs) && u.criterion == "allOf":
		ds = append(ds, one(ProductTypeExtended, fmt.Sprintf("allOf grew from %d to %d members", len(osubs), len(usubs))))
	case len(osubs) < len(usubs):
		ds = append(ds, one(SumTypeExtended, fmt.Sprintf("%s grew from %d to %d members", u.criterion, len(osubs), len(usubs))))
	case len(osubs) > len(usubs) && o.criterion != "allOf":
		ds = append(ds, one(SumTypeNarrowed, fmt.Sprintf("%s shrank from %d to %d members", o.criterion, len(osubs), len(usubs))))
	case len(osubs) > len(usubs):
		ds = append(ds, one(ProductTypeNarrowed, fmt.Sprintf("allOf shrank from %d to %d members", len(osubs), len(usubs))))
	}
	// Pairwise compatibility, then a maximum matching of compatible pairs.
	edges := make([][]int, len(osubs))
	edgeDiffs := make(map[[2]int][]diff)
	for i, os := range osubs {
		for j, us := range usubs {
			sub := c.compare(os, us)
			if c.err != nil {
				return nil
			}
			if c.compatible(sub) {
				edges[i] = append(edges[i], j)
				if len(sub) > 0 {
					edgeDiffs[[2]int{i, j}] = sub
				}
			}
		}
	}
	match := maxMatching(edges, len(usubs))
	matched := 0
	for i, j := range match {
		if j >= 0 {
			matched++
			ds = append(ds, at([]string{o.criterion, strconv.Itoa(i)}, edgeDiffs[[2]int{i, j}])...)
		}
	}
	if matched < min(len(osubs), len(usubs)) {
		ds = append(ds, one(CombinedTypeSubschemasChanged, fmt.Sprintf("%s members changed: only %d of %d have a compatible counterpart", u.criterion, matched, min(len(osubs), len(usubs)))))
	}
	return ds
}

func dedupe(ns []*node) []*node {
	seen := map[string]bool{}
	var out []*node
	for _, n := range ns {
		k := n.identityKey()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

// maxMatching returns, for each left vertex, its matched right vertex or -1
// (augmenting paths; the sets are small).
func maxMatching(edges [][]int, nRight int) []int {
	matchL := make([]int, len(edges))
	matchR := make([]int, nRight)
	for i := range matchL {
		matchL[i] = -1
	}
	for j := range matchR {
		matchR[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range edges[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if matchR[j] < 0 || try(matchR[j], seen) {
				matchL[i], matchR[j] = j, i
				return true
			}
		}
		return false
	}
	for i := range edges {
		try(i, make([]bool, nRight))
	}
	return matchL
}

// isOpenObject: additional properties allowed without a schema, no
// patternProperties, unevaluatedProperties absent or true.
func isOpenObject(n *node) bool {
	if n.addlForbidden || n.addl != nil || len(n.patterns) > 0 {
		return false
	}
	return n.unevalProps == nil || n.unevalProps.kind == kindEmpty
}

// coveringProperty is the schema a partially open object gives an
// undeclared property name, or nil.
func coveringProperty(n *node, name string) *node {
	for _, p := range n.patterns {
		if p.re != nil && p.re.MatchString(name) {
			return p.schema
		}
	}
	if n.addl != nil {
		return n.addl
	}
	if !n.addlForbidden && n.unevalProps != nil {
		if k := n.unevalProps.kind; k != kindFalse && k != kindEmpty {
			return n.unevalProps
		}
	}
	return nil
}

func (c *comparer) compareObject(ds []diff, o, u *node) []diff {
	ds = compareRequired(ds, o, u)
	for _, name := range mergeSorted(o.propNames, u.propNames) {
		ds = c.compareProperty(ds, o, u, name)
	}
	ds = c.compareDependencies(ds, o, u)
	// additionalProperties
	switch {
	case o.addlForbidden != u.addlForbidden:
		if !u.addlForbidden {
			ds = append(ds, one(AdditionalPropertiesAdded, "additional properties are now allowed", "additionalProperties"))
		} else {
			ds = append(ds, one(AdditionalPropertiesRemoved, "additional properties are no longer allowed", "additionalProperties"))
		}
	case o.addl == nil && u.addl != nil:
		ds = append(ds, one(AdditionalPropertiesNarrowed, "additional properties must now match a schema", "additionalProperties"))
	case o.addl != nil && u.addl == nil:
		ds = append(ds, one(AdditionalPropertiesExtended, "additional properties no longer need to match a schema", "additionalProperties"))
	default:
		ds = append(ds, at([]string{"additionalProperties"}, c.compare(o.addl, u.addl))...)
	}
	// unevaluatedProperties
	ds = append(ds, c.compareUnevaluated(o.unevalProps, u.unevalProps, "unevaluatedProperties",
		UnevaluatedPropertiesAdded, UnevaluatedPropertiesRemoved, UnevaluatedPropertiesExtended, UnevaluatedPropertiesNarrowed)...)
	ds = compareLimit(ds, "maxProperties", o.maxProps, u.maxProps, MaxPropertiesAdded, MaxPropertiesRemoved, MaxPropertiesIncreased, MaxPropertiesDecreased)
	ds = compareLimit(ds, "minProperties", o.minProps, u.minProps, MinPropertiesAdded, MinPropertiesRemoved, MinPropertiesIncreased, MinPropertiesDecreased)
	return ds
}

// compareRequired compares required, for properties on both sides.
func compareRequired(ds []diff, o, u *node) []diff {
	for _, name := range o.propNames {
		up, ok := u.props[name]
		if !ok {
			continue
		}
		or, ur := o.required[name], u.required[name]
		switch {
		case or && !ur:
			ds = append(ds, one(RequiredAttributeRemoved, fmt.Sprintf("property %q is no longer required", name), "required", name))
		case !or && ur && up.hasDefault:
			ds = append(ds, one(RequiredAttributeWithDefaultAdded, fmt.Sprintf("property %q became required, with a default", name), "required", name))
		case !or && ur:
			ds = append(ds, one(RequiredAttributeAdded, fmt.Sprintf("property %q became required, without a default", name), "required", name))
		}
	}
	return ds
}

// compareProperty compares the property name of either side.
func (c *comparer) compareProperty(ds []diff, o, u *node, name string) []diff {
	op, up := o.props[name], u.props[name]
	path := []string{"properties", name}
	switch {
	case up == nil:
		return c.propertyRemoved(ds, o, u, name, path)
	case op == nil:
		return c.propertyAdded(ds, o, u, name, path)
	}
	return append(ds, at(path, c.compare(op, up))...)
}

func (c *comparer) propertyRemoved(ds []diff, o, u *node, name string, path []string) []diff {
	op := o.props[name]
	switch cover := coveringProperty(u, name); {
	case isOpenObject(u):
		ds = append(ds, one(PropertyRemovedFromOpenContentModel, fmt.Sprintf("property %q removed; the object still allows any additional property", name), path...))
	case cover != nil:
		sub := c.compare(op, cover)
		ds = append(ds, at(path, sub)...)
		if c.compatible(sub) {
			ds = append(ds, one(PropertyRemovedIsCoveredByPartiallyOpenContentModel, fmt.Sprintf("property %q removed; the schema for additional properties still accepts it", name), path...))
		} else {
			ds = append(ds, one(PropertyRemovedNotCoveredByPartiallyOpenContentModel, fmt.Sprintf("property %q removed; the schema for additional properties does not accept its old values", name), path...))
		}
	case op.kind == kindFalse:
		ds = append(ds, one(PropertyWithFalseRemovedFromClosedContentModel, fmt.Sprintf("property %q (false) removed", name), path...))
	default:
		ds = append(ds, one(PropertyRemovedFromClosedContentModel, fmt.Sprintf("property %q removed from a closed content model", name), path...))
	}
	return ds
}

func (c *comparer) propertyAdded(ds []diff, o, u *node, name string, path []string) []diff {
	up := u.props[name]
	required := u.required[name]
	if isOpenObject(o) {
		switch {
		case up.kind == kindEmpty:
			ds = append(ds, one(PropertyWithEmptySchemaAddedToOpenContentModel, fmt.Sprintf("property %q with an empty schema added", name), path...))
		case required && up.hasDefault:
			ds = append(ds, one(RequiredPropertyWithDefaultAddedToOpenContentModel, fmt.Sprintf("required property %q (with a default) added to an open content model", name), path...))
		case required:
			ds = append(ds, one(RequiredPropertyAddedToOpenContentModel, fmt.Sprintf("required property %q added to an open content model", name), path...))
		default:
			ds = append(ds, one(OptionalPropertyAddedToOpenContentModel, fmt.Sprintf("optional property %q added to an open content model, where old data may hold any value under that name", name), path...))
		}
		return ds
	}
	if cover := coveringProperty(o, name); cover != nil {
		sub := c.compare(cover, up)
		ds = append(ds, at(path, sub)...)
		if c.compatible(sub) {
			ds = append(ds, one(PropertyAddedIsCoveredByPartiallyOpenContentModel, fmt.Sprintf("property %q added; its schema accepts what the old schema for additional properties allowed", name), path...))
		} else {
			ds = append(ds, one(PropertyAddedNotCoveredByPartiallyOpenContentModel, fmt.Sprintf("property %q added; its schema refuses values the old schema for additional properties allowed", name), path...))
		}
	}
	switch {
	case required && up.hasDefault:
		ds = append(ds, one(RequiredPropertyWithDefaultAddedToUnopenContentModel, fmt.Sprintf("required property %q (with a default) added", name), path...))
	case required:
		ds = append(ds, one(RequiredPropertyAddedToUnopenContentModel, fmt.Sprintf("required property %q added without a default", name), path...))
	default:
		ds = append(ds, one(OptionalPropertyAddedToUnopenContentModel, fmt.Sprintf("optional property %q added", name), path...))
	}
	return ds
}

// compareDependencies compares dependencies of both forms.
func (c *comparer) compareDependencies(ds []diff, o, u *node) []diff {
	for _, name := range unionKeys(o.propDeps, u.propDeps) {
		od, oOK := o.propDeps[name]
		ud, uOK := u.propDeps[name]
		path := []string{"dependencies", name}
		switch {
		case !uOK:
			ds = append(ds, one(DependencyArrayRemoved, fmt.Sprintf("dependency of %q removed", name), path...))
		case !oOK:
			ds = append(ds, one(DependencyArrayAdded, fmt.Sprintf("dependency of %q added", name), path...))
		default:
			os, us := toSet(od), toSet(ud)
			switch {
			case setEqual(os, us):
			case subset(os, us):
				ds = append(ds, one(DependencyArrayExtended, fmt.Sprintf("%q now also needs %s", name, setDiff(us, os)), path...))
			case subset(us, os):
				ds = append(ds, one(DependencyArrayNarrowed, fmt.Sprintf("%q no longer needs %s", name, setDiff(os, us)), path...))
			default:
				ds = append(ds, one(DependencyArrayChanged, fmt.Sprintf("%q now needs %s instead of %s", name, setDiff(us, os), setDiff(os, us)), path...))
			}
		}
	}
	for _, name := range unionKeys(o.schemaDeps, u.schemaDeps) {
		od, ud := o.schemaDeps[name], u.schemaDeps[name]
		path := []string{"dependencies", name}
		switch {
		case ud == nil:
			ds = append(ds, one(DependencySchemaRemoved, fmt.Sprintf("schema dependency of %q removed", name), path...))
		case od == nil:
			ds = append(ds, one(DependencySchemaAdded, fmt.Sprintf("schema dependency of %q added", name), path...))
		default:
			ds = append(ds, at(path, c.compare(od, ud))...)
		}
	}
	return ds
}

func (c *comparer) compareUnevaluated(o, u *node, kw string, added, removed, extended, narrowed Type) []diff {
	if o == nil && u == nil {
		return nil
	}
	ok, uk := kindOf(o), kindOf(u)
	var t Type
	switch {
	case o == nil && uk == kindFalse:
		t = removed
	case o == nil:
		t = narrowed
	case u == nil && ok == kindFalse:
		t = added
	case u == nil:
		t = extended
	case ok == kindFalse && uk != kindFalse:
		t = added
	case ok != kindFalse && uk == kindFalse:
		t = removed
	case ok == kindEmpty && uk != kindEmpty:
		t = narrowed
	case ok != kindEmpty && uk == kindEmpty:
		t = extended
	default:
		return at([]string{kw}, c.compare(o, u))
	}
	details := map[Type]string{
		added: kw + " are now allowed", removed: kw + " are no longer allowed",
		extended: kw + " no longer need to match a schema", narrowed: kw + " must now match a schema",
	}
	return []diff{one(t, details[t], kw)}
}

func kindOf(n *node) kind {
	if n == nil {
		return kindEmpty
	}
	return n.kind
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return sortedKeys(keys)
}

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// isOpenArray: extra items allowed without a schema, unevaluatedItems
// absent or true.
func isOpenArray(n *node) bool {
	if n.addlItemsForbidden || n.addlItems != nil {
		return false
	}
	return n.unevalItems == nil || n.unevalItems.kind == kindEmpty
}

func coveringItem(n *node) *node {
	if n.addlItems != nil {
		return n.addlItems
	}
	if !n.addlItemsForbidden && n.unevalItems != nil {
		if k := n.unevalItems.kind; k != kindFalse && k != kindEmpty {
			return n.unevalItems
		}
	}
	return nil
}

func (c *comparer) compareArray(ds []diff, o, u *node) []diff {
	ds = append(ds, at([]string{"items"}, c.compare(o.items, u.items))...)
	common := min(len(o.tuple), len(u.tuple))
	for i := 0; i < common; i++ {
		ds = append(ds, at([]string{"items", strconv.Itoa(i)}, c.compare(o.tuple[i], u.tuple[i]))...)
	}
	for i := common; i < len(o.tuple); i++ {
		path := []string{"items", strconv.Itoa(i)}
		switch cover := coveringItem(u); {
		case isOpenArray(u):
			ds = append(ds, one(ItemRemovedFromOpenContentModel, fmt.Sprintf("tuple item %d removed; extra items are still allowed", i), path...))
		case cover != nil:
			sub := c.compare(o.tuple[i], cover)
			ds = append(ds, at(path, sub)...)
			if c.compatible(sub) {
				ds = append(ds, one(ItemRemovedIsCoveredByPartiallyOpenContentModel, fmt.Sprintf("tuple item %d removed; the schema for extra items still accepts it", i), path...))
			} else {
				ds = append(ds, one(ItemRemovedNotCoveredByPartiallyOpenContentModel, fmt.Sprintf("tuple item %d removed; the schema for extra items does not accept its old values", i), path...))
			}
		case o.tuple[i].kind == kindFalse:
			ds = append(ds, one(ItemWithFalseRemovedFromClosedContentModel, fmt.Sprintf("tuple item %d (false) removed", i), path...))
		default:
			ds = append(ds, one(ItemRemovedFromClosedContentModel, fmt.Sprintf("tuple item %d removed from a closed tuple", i), path...))
		}
	}
	for i := common; i < len(u.tuple); i++ {
		path := []string{"items", strconv.Itoa(i)}
		if isOpenArray(o) {
			if u.tuple[i].kind == kindEmpty {
				ds = append(ds, one(ItemWithEmptySchemaAddedToOpenContentModel, fmt.Sprintf("tuple item %d with an empty schema added", i), path...))
			} else {
				ds = append(ds, one(ItemAddedToOpenContentModel, fmt.Sprintf("tuple item %d added to an open tuple, where old data may hold any value at that position", i), path...))
			}
			continue
		}
		if cover := coveringItem(o); cover != nil {
			sub := c.compare(cover, u.tuple[i])
			ds = append(ds, at(path, sub)...)
			if c.compatible(sub) {
				ds = append(ds, one(ItemAddedIsCoveredByPartiallyOpenContentModel, fmt.Sprintf("tuple item %d added; its schema accepts what the old schema for extra items allowed", i), path...))
			} else {
				ds = append(ds, one(ItemAddedNotCoveredByPartiallyOpenContentModel, fmt.Sprintf("tuple item %d added; its schema refuses values the old schema for extra items allowed", i), path...))
			}
			continue
		}
		ds = append(ds, one(ItemAddedToClosedContentModel, fmt.Sprintf("tuple item %d added to a closed tuple", i), path...))
	}
	// additionalItems
	switch {
	case o.addlItemsForbidden != u.addlItemsForbidden:
		if !o.addlItemsForbidden {
			ds = append(ds, one(AdditionalItemsRemoved, "extra items are no longer allowed", "additionalItems"))
		} else {
			ds = append(ds, one(AdditionalItemsAdded, "extra items are now allowed", "additionalItems"))
		}
	case o.addlItems == nil && u.addlItems != nil:
		ds = append(ds, one(AdditionalItemsNarrowed, "extra items must now match a schema", "additionalItems"))
	case o.addlItems != nil && u.addlItems == nil:
		ds = append(ds, one(AdditionalItemsExtended, "extra items no longer need to match a schema", "additionalItems"))
	default:
		ds = append(ds, at([]string{"additionalItems"}, c.compare(o.addlItems, u.addlItems))...)
	}
	ds = append(ds, c.compareUnevaluated(o.unevalItems, u.unevalItems, "unevaluatedItems",
		UnevaluatedItemsAdded, UnevaluatedItemsRemoved, UnevaluatedItemsExtended, UnevaluatedItemsNarrowed)...)
	ds = compareLimit(ds, "maxItems", o.maxItems, u.maxItems, MaxItemsAdded, MaxItemsRemoved, MaxItemsIncreased, MaxItemsDecreased)
	ds = compareLimit(ds, "minItems", o.minItems, u.minItems, MinItemsAdded, MinItemsRemoved, MinItemsIncreased, MinItemsDecreased)
	if o.unique != u.unique {
		if o.unique {
			ds = append(ds, one(UniqueItemsRemoved, "items no longer need to be unique", "uniqueItems"))
		} else {
			ds = append(ds, one(UniqueItemsAdded, "items must now be unique", "uniqueItems"))
		}
	}
	ds = compareLimit(ds, "maxContains", o.maxContains, u.maxContains, MaxContainsAdded, MaxContainsRemoved, MaxContainsIncreased, MaxContainsDecreased)
	ds = compareLimit(ds, "minContains", o.minContains, u.minContains, MinContainsAdded, MinContainsRemoved, MinContainsIncreased, MinContainsDecreased)
	return ds
}

// mergeSorted returns the union of two sorted lists, sorted.
func mergeSorted(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

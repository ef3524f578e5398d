package avro

import (
	"reflect"
	"unsafe"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// Sum is implemented by the union types schemagen generates for Avro
// unions other than ["null", T] (pointer receivers). A field of such a
// union holds a *Sum type: nil is null, when the union has a null branch.
// hamba/avro encodes and decodes it through avro.UnionConverter; the
// validator asks UnionBranch which branch is set.
type Sum interface {
	avro.UnionConverter
	// UnionBranch returns the name of the branch that is set, as the
	// union names it (a full name, or a primitive type name like
	// "string"), and the branch's value; "" and nil when none is.
	UnionBranch() (name string, value any)
}

// UseSums readies s for values of generated types whose unions are sums.
// named maps the full name of every named type that is a union branch to a
// value of the Go type generated for it (hamba/avro resolves union branches
// by these names, in a registry private to s); sums are values of the
// generated sum types, (*T)(nil) will do. Call it once, before s is used.
func (s *Compiled) UseSums(named map[string]any, sums ...Sum) {
	for name, v := range named {
		s.api.Register(name, v)
	}
	if len(sums) == 0 {
		return
	}
	seen := map[*node]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.typ == avro.Union {
			for _, sum := range sums {
				t := reflect.TypeOf(sum)
				n.plans.Store(t, &sumChk{n: n, t: t})
			}
		}
		for _, f := range n.fields {
			walk(f.n)
		}
		walk(n.items)
		walk(n.values)
		for _, b := range n.types {
			walk(b)
		}
	}
	walk(s.root)
}

// sumChk checks a *Sum field: the branch it names must be one of the
// union's, and its value must fit that branch.
type sumChk struct {
	n *node
	t reflect.Type
}

func (k *sumChk) check(p unsafe.Pointer, c *vctx) {
	v := reflect.NewAt(k.t, p).Elem()
	if v.IsNil() {
		checkNil(k.n, c)
		return
	}
	name, val := v.Interface().(Sum).UnionBranch()
	if name == "" {
		if k.n.hasNull() {
			c.fail(serde.ErrUnion, "no branch of %s set (a nil pointer is null)", k.n.describe())
			return
		}
		checkNil(k.n, c)
		return
	}
	br := k.n.branch(name)
	if br == nil {
		c.fail(serde.ErrUnion, "%s is not a branch of %s", name, k.n.describe())
		return
	}
	checkAny(br, val, c)
}

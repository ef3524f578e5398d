package avro

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// node is the validator's view of one schema, built once per Schema. Named
// types map to one node, so recursive schemas give cyclic node graphs.
type node struct {
	typ     avro.Type // primitive or complex type, never Ref
	logical avro.LogicalType
	name    string // full name of a named type, else the type (with .logical)

	// decimal
	prec, scale int
	pow10scale  *big.Int
	pow10prec   *big.Int

	size       int            // fixed
	symbols    map[string]int // enum
	symbolList []string

	fields []fieldNode // record

	items  *node   // array
	values *node   // map
	types  []*node // union

	// recursive marks a record that contains itself; values of such a
	// schema can nest without bound, so checks count their depth.
	recursive bool

	plans sync.Map                  // reflect.Type -> checker
	last  atomic.Pointer[ifacePlan] // the plan of the Go type seen last
}

// maxValueDepth bounds how deep values of recursive schemas may nest, when
// validating and when decoding: a cyclic value or a hostile payload must
// not exhaust the stack.
const maxValueDepth = 10000

type fieldNode struct {
	name       string
	aliases    []string
	n          *node
	hasDefault bool
}

func (n *node) nullable() bool {
	return n.typ == avro.Union && len(n.types) == 2 && (n.types[0].typ == avro.Null || n.types[1].typ == avro.Null)
}

// nonNull returns the non-null branch of a nullable union.
func (n *node) nonNull() *node {
	if n.types[0].typ == avro.Null {
		return n.types[1]
	}
	return n.types[0]
}

func (n *node) hasNull() bool {
	for _, t := range n.types {
		if t.typ == avro.Null {
			return true
		}
	}
	return false
}

func (n *node) branch(name string) *node {
	for _, t := range n.types {
		if t.name == name {
			return t
		}
	}
	return nil
}

// describe names the schema for messages: "long", "record shop.Order".
func (n *node) describe() string {
	switch n.typ {
	case avro.Record, avro.Enum, avro.Fixed:
		return string(n.typ) + " " + n.name
	case avro.Union:
		var b strings.Builder
		b.WriteString("union [")
		for i, t := range n.types {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 8 && len(n.types) > 9 {
				fmt.Fprintf(&b, "... %d more", len(n.types)-8)
				break
			}
			b.WriteString(t.name)
		}
		b.WriteString("]")
		return b.String()
	}
	return n.name
}

type nodeBuilder struct {
	named    map[string]*node
	building map[*node]bool
	maxPrec  int
}

// buildNode builds the node graph of a schema. Decimals with a precision
// above maxPrec are refused before 10^precision is computed.
func buildNode(s avro.Schema, maxPrec int) (*node, error) {
	b := &nodeBuilder{named: map[string]*node{}, building: map[*node]bool{}, maxPrec: maxPrec}
	return b.build(s)
}

func (b *nodeBuilder) build(s avro.Schema) (*node, error) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if ns, ok := s.(avro.NamedSchema); ok {
		if n := b.named[ns.FullName()]; n != nil {
			if b.building[n] {
				n.recursive = true
			}
			return n, nil
		}
	}
	n := &node{typ: s.Type(), name: string(s.Type())}
	switch s := s.(type) {
	case *avro.NullSchema:
	case *avro.PrimitiveSchema:
		if l := s.Logical(); l != nil {
			n.logical = l.Type()
			n.name += "." + string(l.Type())
			if d, ok := l.(*avro.DecimalLogicalSchema); ok {
				if err := b.setDecimal(n, d); err != nil {
					return nil, err
				}
			}
		}
	case *avro.FixedSchema:
		n.name = s.FullName()
		b.named[n.name] = n
		n.size = s.Size()
		if l := s.Logical(); l != nil {
			n.logical = l.Type()
			if d, ok := l.(*avro.DecimalLogicalSchema); ok {
				if err := b.setDecimal(n, d); err != nil {
					return nil, err
				}
			}
		}
	case *avro.EnumSchema:
		n.name = s.FullName()
		b.named[n.name] = n
		n.symbolList = s.Symbols()
		n.symbols = make(map[string]int, len(s.Symbols()))
		for i, sym := range s.Symbols() {
			n.symbols[sym] = i
		}
	case *avro.RecordSchema:
		n.name = s.FullName()
		b.named[n.name] = n
		b.building[n] = true
		for _, f := range s.Fields() {
			fn, err := b.build(f.Type())
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, fieldNode{name: f.Name(), aliases: f.Aliases(), n: fn, hasDefault: f.HasDefault()})
		}
		b.building[n] = false
	case *avro.ArraySchema:
		it, err := b.build(s.Items())
		if err != nil {
			return nil, err
		}
		n.items = it
	case *avro.MapSchema:
		v, err := b.build(s.Values())
		if err != nil {
			return nil, err
		}
		n.values = v
	case *avro.UnionSchema:
		for _, t := range s.Types() {
			tn, err := b.build(t)
			if err != nil {
				return nil, err
			}
			n.types = append(n.types, tn)
		}
	default:
		return nil, fmt.Errorf("unsupported schema type %s", s.Type())
	}
	return n, nil
}

func (b *nodeBuilder) setDecimal(n *node, d *avro.DecimalLogicalSchema) error {
	if d.Precision() > b.maxPrec {
		return fmt.Errorf("%w: decimal precision %d is more than %d digits", serde.ErrLimit, d.Precision(), b.maxPrec)
	}
	n.prec, n.scale = d.Precision(), d.Scale()
	n.pow10scale = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.scale)), nil)
	n.pow10prec = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.prec)), nil)
	return nil
}

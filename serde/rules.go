package serde

import (
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf16"
)

// This file holds the data-contract model a registry stores next to a
// schema (Confluent's Rule, RuleSet and Metadata, with the same JSON
// shapes), and the seams through which serde/contract enforces it. The
// rules themselves are compiled and run by serde/contract: serde only
// carries them and calls the Contract a Serializer was given.

// Rule is one data-contract rule, as Confluent's registry stores it.
// Kind is CONDITION or TRANSFORM; Mode is one of UPGRADE, DOWNGRADE,
// UPDOWN (migration rules), WRITE, READ, WRITEREAD (domain rules); Type
// names the executor (CEL, CEL_FIELD, JSONATA, ENCRYPT, ...). OnSuccess and
// OnFailure name actions (NONE, ERROR, DLQ); for WRITEREAD and UPDOWN rules
// they may hold two, comma-separated, the first for writes.
type Rule struct {
	Name      string            `json:"name,omitempty"`
	Doc       string            `json:"doc,omitempty"`
	Kind      string            `json:"kind,omitempty"`
	Mode      string            `json:"mode,omitempty"`
	Type      string            `json:"type,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Expr      string            `json:"expr,omitempty"`
	OnSuccess string            `json:"onSuccess,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
	Disabled  bool              `json:"disabled,omitempty"`
}

// RuleSet groups a schema's rules by phase, as Confluent's registry stores
// them. EnableAt (Confluent's enableAt) says where rules run: empty or ALL
// or CLIENT here; anything else disables them on clients.
type RuleSet struct {
	MigrationRules []Rule `json:"migrationRules,omitempty"`
	DomainRules    []Rule `json:"domainRules,omitempty"`
	EncodingRules  []Rule `json:"encodingRules,omitempty"`
	EnableAt       string `json:"enableAt,omitempty"`
}

// Empty reports whether rs holds no rule.
func (rs *RuleSet) Empty() bool {
	return rs == nil || len(rs.MigrationRules)+len(rs.DomainRules)+len(rs.EncodingRules) == 0
}

// Metadata is a schema's user-defined metadata, as Confluent's registry
// stores it. Tags maps a field-name pattern (Confluent's glob, with * and
// **) to the tags of the fields it matches.
type Metadata struct {
	Tags       map[string][]string `json:"tags,omitempty"`
	Properties map[string]string   `json:"properties,omitempty"`
	Sensitive  []string            `json:"sensitive,omitempty"`
}

// Contract enforces the rules bound to a schema on a value that passed the
// schema's types. The Serializer calls Check after encoding, before the
// record is returned; payload is the value's bare encoding. Check returns
// nil, a *ValidationError wrapping ErrRule, or errors.Join of several.
// serde/contract builds one.
type Contract interface {
	Check(v any, payload []byte) error
}

// InlineRule is a rule written in the schema text: Avro's and JSON
// Schema's "confluent:rules" entries. Expr sees the value at the place
// the rule is written as this.
type InlineRule struct {
	Name string `json:"name"`
	Doc  string `json:"doc,omitempty"`
	Expr string `json:"expr"`
}

// Rule kinds of RuleNode, with Confluent's type names (what CEL_FIELD
// rules see as typeName).
const (
	RuleRecord   = "RECORD"
	RuleEnum     = "ENUM"
	RuleArray    = "ARRAY"
	RuleMap      = "MAP"
	RuleCombined = "COMBINED"
	RuleFixed    = "FIXED"
	RuleString   = "STRING"
	RuleBytes    = "BYTES"
	RuleInt      = "INT"
	RuleLong     = "LONG"
	RuleFloat    = "FLOAT"
	RuleDouble   = "DOUBLE"
	RuleBoolean  = "BOOLEAN"
	RuleNull     = "NULL"
)

// RuleNode is a schema as rules see it, built by a format package for the
// values its RuleValue returns (map[string]any for records and maps, []any
// for arrays, scalars). Recursive schemas give cyclic trees: walk them
// along a value, never on their own.
type RuleNode struct {
	// Kind is one of the Rule* type names.
	Kind string
	// Name is a record's full name (Avro) or the JSON pointer of a JSON
	// Schema object.
	Name string
	// Fields are a record's or object's fields, in schema order.
	Fields []RuleField
	// Items is the node of an array's items or a map's values.
	Items *RuleNode
	// Branches are a union's (COMBINED) members.
	Branches []*RuleNode
	// Rules are the inline rules written on this type (an Avro record, a
	// JSON Schema object).
	Rules []InlineRule
}

// RuleField is one field of a record or object.
type RuleField struct {
	Name string
	// Tags are the field's inline tags ("confluent:tags").
	Tags []string
	// Rules are the inline rules written on the field.
	Rules []InlineRule
	Type  *RuleNode
}

// RuleTarget is implemented by the compiled schemas of formats whose values
// rules see as generic trees (Avro, JSON Schema): the schema as a RuleNode
// tree, and a value in the shape the tree describes.
type RuleTarget interface {
	RuleTree() (*RuleNode, error)
	// RuleValue returns v as map[string]any, []any and scalars. payload is
	// v's bare encoding by this schema, decoded when v is not already in
	// that shape.
	RuleValue(v any, payload []byte) (any, error)
}

// DeadLetterer is a violation of a rule whose onFailure action is DLQ:
// the record belongs on a dead-letter topic. serde/contract's DLQError is
// one; the producer finds it with errors.As.
type DeadLetterer interface {
	error
	// DeadLetterRule returns the rule and the mode it ran in (WRITE).
	DeadLetterRule() (Rule, string)
}

// ContractCompiler compiles the data contract of a compiled schema: rs and
// md as the registry returned them (nil for the schema's own). It returns
// nil when there is nothing to enforce. serde/contract registers one.
type ContractCompiler func(c Compiled, rs *RuleSet, md *Metadata) (Contract, error)

var contractCompiler atomic.Pointer[ContractCompiler]

// RegisterContractCompiler makes f the rule engine CompileContract uses.
// serde/contract calls it when a program imports it: programs that do not
// link no CEL (cel-go needs protobuf-go, which an Avro-only program does
// not otherwise link).
func RegisterContractCompiler(f ContractCompiler) { contractCompiler.Store(&f) }

// CompileContract compiles c's data contract with the registered rule
// engine. With no engine linked it returns nil when c has nothing to
// enforce, and an error wrapping ErrNoRuleEngine when it has: enabled
// CONDITION domain rules, inline "confluent:rules", or (Protobuf) an
// import of buf/validate/validate.proto or confluent.Meta inline rules. A contract is never skipped.
func CompileContract(c Compiled, rs *RuleSet, md *Metadata) (Contract, error) {
	if f := contractCompiler.Load(); f != nil {
		return (*f)(c, rs, md)
	}
	if rs == nil && md == nil {
		rs = c.Schema().RuleSet
	}
	var why string
	if rs != nil && (rs.EnableAt == "" || strings.EqualFold(rs.EnableAt, "ALL") || strings.EqualFold(rs.EnableAt, "CLIENT")) {
		for _, r := range rs.DomainRules {
			if strings.EqualFold(r.Kind, "CONDITION") && !r.Disabled && !strings.EqualFold(r.Mode, "READ") {
				why = fmt.Sprintf("domain rule %q", r.Name)
				break
			}
		}
	}
	if why == "" && strings.Contains(c.Schema().Text, "confluent:rules") {
		why = "inline confluent:rules"
	}
	if bv, ok := c.(interface{ ImportsBufValidate() bool }); why == "" && ok && bv.ImportsBufValidate() {
		why = "buf.validate constraints"
	}
	if ir, ok := c.(interface{ HasInlineRules() bool }); why == "" && ok && ir.HasInlineRules() {
		why = "confluent.Meta inline rules"
	}
	if why != "" {
		return nil, fmt.Errorf("%w: the schema has %s", ErrNoRuleEngine, why)
	}
	return nil, nil
}

// RuleStats counts one rule's evaluations: Executions (each value the rule
// judged), Successes, Failures (whatever the action) and Skips (a false or
// failing guard). serde/contract's Contract reports them.
type RuleStats struct {
	Name                                   string
	Executions, Successes, Failures, Skips uint64
}

// RuleCounter is a Contract that counts its rules' evaluations.
type RuleCounter interface {
	Stats() []RuleStats
}

// RuleNameMax is Confluent's Rule.NAME_MAX_LENGTH, in Java chars (UTF-16
// code units).
const RuleNameMax = 256

// RuleNameProblem is Confluent's Rule.validateName: "" for a name its
// registry accepts, else why not. A name starts with a letter or '_' and
// goes on with letters, digits, '_' and '-', at most RuleNameMax Java
// chars; letters and digits are those of the Basic Multilingual Plane.
func RuleNameProblem(name string) string {
	if name == "" {
		return "empty rule name"
	}
	if n := len(utf16.Encode([]rune(name))); n > RuleNameMax {
		return fmt.Sprintf("rule name too long: %d characters, more than %d", n, RuleNameMax)
	}
	for i, c := range []rune(name) {
		bmp := c <= 0xFFFF
		switch {
		case i == 0 && !(bmp && unicode.IsLetter(c) || c == '_'):
			return fmt.Sprintf("illegal initial character %s in rule name: it must be a letter or '_'", quoteRune(c))
		case i > 0 && !(bmp && (unicode.IsLetter(c) || unicode.IsDigit(c)) || c == '_' || c == '-'):
			return fmt.Sprintf("illegal character %s at position %d in rule name: only letters, digits, '_' and '-' may follow the first character", quoteRune(c), i+1)
		}
	}
	return ""
}

// quoteRune spells c as 'c' (U+0063).
func quoteRune(c rune) string { return fmt.Sprintf("%q (%U)", c, c) }

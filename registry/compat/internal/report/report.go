// Package report holds the finding type that every format checker returns,
// so the per-format checkers and package compat share it without a cycle.
package report

import "fmt"

// Finding is one reason a schema change is incompatible.
type Finding struct {
	// Rule is a SCREAMING_SNAKE rule ID, like FIELD_TYPE_CHANGED.
	Rule string `json:"rule"`
	// Path locates the change in the schema: a field path for Avro
	// (Order.items[].sku), a message/field path for Protobuf
	// (acme.Order.total), a JSON pointer for JSON Schema (#/properties/total).
	Path string `json:"path"`
	// Line and Col locate Path in the new schema's source, 1-based; 0 when
	// the source gives no position.
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
	// Message says what changed, like: field "total" changed type from long to string.
	Message string `json:"message"`
	// ConfluentPath is where Confluent's own checker locates the same
	// finding: "#/Order/3" (message, field number) for Protobuf, Apache
	// Avro's "/fields/1/type" for Avro, the JSON pointer for JSON Schema.
	// Empty when the checker knows none.
	ConfluentPath string `json:"confluentPath,omitempty"`
	// Version is the existing version the new schema was compared with (set
	// by package compat; 0 when the caller gave no versions).
	Version int `json:"version,omitempty"`
}

func (f Finding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s: %s", f.Path, f.Line, f.Col, f.Rule, f.Message)
	}
	return fmt.Sprintf("%s: %s: %s", f.Path, f.Rule, f.Message)
}

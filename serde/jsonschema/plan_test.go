package jsonschema

import (
	"slices"
	"testing"
)

// TestPlanKeyOrder: the plan knows properties in the order the schema
// text writes them, through $ref too; required-only names come after.
func TestPlanKeyOrder(t *testing.T) {
	s := orderSchema(t)
	root := s.plan
	want := []string{"order_id", "customer_id", "email", "status", "created_at", "total", "currency", "items", "shipping_address", "note", "gift", "tags"}
	if !slices.Equal(root.keyNames, want) {
		t.Fatalf("root keys %v, want %v", root.keyNames, want)
	}
	addr := root.keyNodes[8]
	for addr.onlyRef {
		addr = addr.ref
	}
	if want := []string{"street", "city", "postal_code", "country"}; !slices.Equal(addr.keyNames, want) {
		t.Fatalf("address keys %v, want %v", addr.keyNames, want)
	}
	u := compileText(t, `{"properties":{"b":{},"a":{}},"required":["z"]}`)
	if want := []string{"b", "a", "z"}; !slices.Equal(u.plan.keyNames, want) {
		t.Fatalf("keys %v, want %v", u.plan.keyNames, want)
	}
}

// TestPlanKeyOrderRelativeID: a relative $id moves the base URI; the
// order still comes from the text.
func TestPlanKeyOrderRelativeID(t *testing.T) {
	s := compileText(t, `{"$id":"orders/v1.json","properties":{"zeta":{},"alpha":{},"mid":{}}}`)
	if want := []string{"zeta", "alpha", "mid"}; !slices.Equal(s.plan.keyNames, want) {
		t.Fatalf("keys %v, want %v", s.plan.keyNames, want)
	}
}

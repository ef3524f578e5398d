package registry

import (
	"net/http"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// TestAssociatedNameAgainstServer runs AssociatedName against our own
// server's associations API: an associated topic gets the association's
// subject, any other topic or role falls back to TopicName, and a deleted
// association falls back again.
func TestAssociatedNameAgainstServer(t *testing.T) {
	srv := registrytest.New(t)
	post := func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: status %d", method, path, resp.StatusCode)
		}
	}
	post("POST", "/associations", `{"resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-1",
		"associations":[{"associationType":"value","schema":{"schema":"\"string\""}}]}`)

	tests := []struct {
		name, cluster, topic string
		role                 serde.Role
		want                 string
	}{
		{name: "associated, any cluster", topic: "orders", role: serde.Value, want: ":.lkc-1:orders-value"},
		{name: "associated, its cluster", cluster: "lkc-1", topic: "orders", role: serde.Value, want: ":.lkc-1:orders-value"},
		{name: "other cluster falls back", cluster: "lkc-2", topic: "orders", role: serde.Value, want: "orders-value"},
		{name: "key has no association", topic: "orders", role: serde.Key, want: "orders-key"},
		{name: "other topic falls back", topic: "payments", role: serde.Value, want: "payments-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, _ := client(t, srv.URL())
			got, err := AssociatedName(cl, tt.cluster)(tt.topic, tt.role, "")
			if err != nil || got != tt.want {
				t.Fatalf("subject %q, %v; want %q", got, err, tt.want)
			}
		})
	}

	post("DELETE", "/associations/resources/t-1?cascadeLifecycle=true", "")
	cl, _ := client(t, srv.URL())
	if got, err := AssociatedName(cl, "")("orders", serde.Value, ""); err != nil || got != "orders-value" {
		t.Fatalf("after delete: %q, %v; want orders-value", got, err)
	}
}

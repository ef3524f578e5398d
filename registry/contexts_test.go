package registry

import (
	"context"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

func TestQualify(t *testing.T) {
	for _, tc := range []struct{ ctx, subject, want string }{
		{".orders", "t-value", ":.orders:t-value"},
		{"orders", "t-value", ":.orders:t-value"},
		{".", "t-value", "t-value"},
		{"", "t-value", "t-value"},
		{".orders", "", ":.orders:"},
	} {
		got := Qualify(tc.ctx, tc.subject)
		if got != tc.want {
			t.Errorf("Qualify(%q, %q) = %q, want %q", tc.ctx, tc.subject, got, tc.want)
		}
		if want := normContext(tc.ctx); ContextOf(got) != want && tc.subject != "" {
			t.Errorf("ContextOf(%q) = %q, want %q", got, ContextOf(got), want)
		}
	}
	for _, s := range []string{"t-value", ":.:t-value", ":x:t-value", ":.nocolon"} {
		if got := ContextOf(s); got != DefaultContext {
			t.Errorf("ContextOf(%q) = %q, want %q", s, got, DefaultContext)
		}
	}
	subj, err := InContext(".orders", TopicName)("t", serde.Value, "")
	if err != nil || subj != ":.orders:t-value" {
		t.Errorf("InContext: %q, %v", subj, err)
	}
	if _, err := New(URLs("http://localhost:1"), IDContext("a:b")); !errors.Is(err, ErrConfig) {
		t.Errorf("IDContext(\"a:b\"): %v, want ErrConfig", err)
	}
}

// TestContextsAgainstServer: IDs are per context on our server; a client
// resolves them in its IDContext, and its cache keeps the contexts apart.
func TestContextsAgainstServer(t *testing.T) {
	srv := registrytest.New(t)
	ctx := context.Background()
	inCtx := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"InCtx","fields":[{"name":"a","type":"long"}]}`}
	inDefault := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"InDefault","fields":[{"name":"b","type":"string"}]}`}

	a, _ := client(t, srv.URL())
	ss, err := a.Register(ctx, Qualify(".orders", "t-value"), inCtx)
	if err != nil || ss.ID != 1 {
		t.Fatalf("register in .orders: %+v, %v", ss, err)
	}
	b, _ := client(t, srv.URL())
	ss, err = b.Register(ctx, "t-value", inDefault)
	if err != nil || ss.ID != 1 {
		t.Fatalf("register in the default context: %+v, %v (IDs are per context)", ss, err)
	}
	// a registered id 1 of .orders and has it cached; its SchemaByID
	// resolves in the default context all the same.
	got, err := a.SchemaByID(ctx, 1)
	if err != nil || got.Text != inDefault.Text {
		t.Fatalf("default context id 1: %q, %v; want the default context's schema", got.Text, err)
	}
	c, _ := client(t, srv.URL(), IDContext("orders"))
	for range 2 { // the second from the cache
		got, err = c.SchemaByID(ctx, 1)
		if err != nil || got.Text != inCtx.Text {
			t.Fatalf(".orders id 1: %q, %v", got.Text, err)
		}
	}
	if _, err := c.SchemaByID(ctx, 2); !errors.Is(err, ErrSchemaNotFound) {
		t.Fatalf(".orders id 2: %v, want ErrSchemaNotFound", err)
	}
}

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

// TestContextReferenceResolution: a reference from a schema in context .a
// to an unqualified subject is to .a's subject, for Resolve, for Bind's
// fingerprints and drift check, and for references of references; the
// same text with the same references in two contexts are two schemas, not
// one cache entry.
func TestContextReferenceResolution(t *testing.T) {
	srv := registrytest.New(t)
	ctx := context.Background()
	c, _ := client(t, srv.URL())
	baseA := avroSchema(`{"type":"record","name":"Base","fields":[{"name":"x","type":"long"}]}`)
	baseDef := avroSchema(`{"type":"record","name":"Base","fields":[{"name":"y","type":"string"}]}`)
	user := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"User","fields":[{"name":"b","type":"Base"}]}`,
		References: []serde.Reference{{Name: "Base", Subject: "base", Version: 1}}}
	for _, r := range []struct {
		subject string
		s       serde.Schema
	}{{":.a:base", baseA}, {"base", baseDef}, {":.a:user", user}, {"user", user}} {
		if _, err := c.Register(ctx, r.subject, r.s); err != nil {
			t.Fatalf("register %s: %v", r.subject, err)
		}
	}

	got, err := c.ResolverIn(".a").Resolve(ctx, serde.Reference{Name: "Base", Subject: "base", Version: 1})
	if err != nil || got.Text != baseA.Text {
		t.Fatalf("ResolverIn(.a): %q, %v; want .a's base", got.Text, err)
	}
	got, err = c.Resolve(ctx, serde.Reference{Name: "Base", Subject: "base", Version: 1})
	if err != nil || got.Text != baseDef.Text {
		t.Fatalf("Resolve in the default context: %q, %v; want the default base", got.Text, err)
	}
	ca, _ := client(t, srv.URL(), IDContext(".a"))
	got, err = ca.Resolve(ctx, serde.Reference{Name: "Base", Subject: "base", Version: 1})
	if err != nil || got.Text != baseA.Text {
		t.Fatalf("Resolve with IDContext(.a): %q, %v; want .a's base", got.Text, err)
	}

	// One client binds the same text with the same references in both
	// contexts: each must match its own registration (a fingerprint
	// memoized without the context would make one of them drift).
	for _, subject := range []string{":.a:user", "user", ":.a:user"} {
		for _, src := range []Source{UseLatest(nil), LookupBySchema()} {
			ss, err := c.Bind(ctx, subject, user, src, DriftFail)
			if err != nil {
				t.Fatalf("bind %s: %v", subject, err)
			}
			if ss.Subject != subject {
				t.Fatalf("bind %s: got subject %s", subject, ss.Subject)
			}
		}
	}

	// The memoized fingerprints: user's references resolve in .a, not in
	// .c, which has no base; the memo of .a's answer must not be .c's.
	if _, err := c.fingerprint(ctx, ".a", user); err != nil {
		t.Fatalf("fingerprint of user in .a: %v", err)
	}
	if fp, err := c.fingerprint(ctx, ".c", user); err == nil {
		t.Fatalf("fingerprint of user in .c, which has no base: %s, want an unresolved reference", fp)
	}

	// References of references: .a's top names ":.b:mid", whose own
	// unqualified reference "leaf" is .b's leaf, not .a's or the default's.
	leafB := avroSchema(`{"type":"record","name":"Leaf","fields":[{"name":"z","type":"int"}]}`)
	mid := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Mid","fields":[{"name":"l","type":"Leaf"}]}`,
		References: []serde.Reference{{Name: "Leaf", Subject: "leaf", Version: 1}}}
	top := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Top","fields":[{"name":"m","type":"Mid"}]}`,
		References: []serde.Reference{{Name: "Mid", Subject: ":.b:mid", Version: 1}}}
	for _, r := range []struct {
		subject string
		s       serde.Schema
	}{{":.b:leaf", leafB}, {":.a:leaf", avroSchema(`"string"`)}, {":.b:mid", mid}, {":.a:top", top}} {
		if _, err := c.Register(ctx, r.subject, r.s); err != nil {
			t.Fatalf("register %s: %v", r.subject, err)
		}
	}
	// .a's leaf is a string and the default context has none: only .b's
	// leaf defines the Leaf that Mid names. The server's registration of
	// top above needed the same resolution.
	if _, err := serde.Compile(ctx, top, c.ResolverIn(".a")); err != nil {
		t.Fatalf("compile .a's top: %v", err)
	}
	// Negative control: a resolver that qualifies with the top schema's
	// context only, not each referenced subject's, finds .a's leaf.
	flat := serde.ResolverFunc(func(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
		ss, err := c.SchemaByVersion(ctx, qualifyRef(".a", ref.Subject), ref.Version)
		return ss.Schema, err
	})
	if _, err := serde.Compile(ctx, top, flat); err == nil {
		t.Fatal("negative control: compiled .a's top with every reference in .a; the check above cannot fail")
	}
}

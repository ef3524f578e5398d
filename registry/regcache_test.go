package registry

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// Registering the same schema with other metadata is a new request (the
// registry records a new version), not a cache hit.
func TestRegisterCacheKeyedByOptions(t *testing.T) {
	ctx := context.Background()
	srv := registrytest.New(t)
	cl, cnt := client(t, srv.URL(), Logger(slog.New(slog.DiscardHandler)))
	s := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}`}

	alice, err := cl.Register(ctx, "md-value", s, Metadata(map[string]string{"owner": "alice"}))
	if err != nil {
		t.Fatal(err)
	}
	before := cnt.n.Load()
	if _, err := cl.Register(ctx, "md-value", s, Metadata(map[string]string{"owner": "alice"})); err != nil {
		t.Fatal(err)
	}
	if cnt.n.Load() != before {
		t.Fatal("the same registration again made a request")
	}
	bob, err := cl.Register(ctx, "md-value", s, Metadata(map[string]string{"owner": "bob"}))
	if err != nil {
		t.Fatal(err)
	}
	if cnt.n.Load() == before {
		t.Fatal("a registration with other metadata was served from the cache")
	}
	got, err := cl.LatestWithMetadata(ctx, "md-value", map[string]string{"owner": "bob"})
	if err != nil {
		t.Fatalf("latest with owner=bob: %v (alice %+v, bob %+v)", err, alice, bob)
	}
	if got.Version != bob.Version {
		t.Fatalf("latest with owner=bob is version %d, registered %d", got.Version, bob.Version)
	}
}

// A registry with the metadata endpoint (ours) that has no matching version
// gives ErrNoMatch, as the fallback path does.
func TestLatestWithMetadataNoMatch(t *testing.T) {
	ctx := context.Background()
	srv := registrytest.New(t)
	cl, _ := client(t, srv.URL(), Logger(slog.New(slog.DiscardHandler)))
	s := serde.Schema{Format: serde.Avro, Text: `"long"`}
	if _, err := cl.Register(ctx, "nm-value", s, Metadata(map[string]string{"owner": "alice"})); err != nil {
		t.Fatal(err)
	}
	_, err := cl.LatestWithMetadata(ctx, "nm-value", map[string]string{"owner": "carol"})
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v, want ErrNoMatch", err)
	}
}

// A URL that does not parse is reported without any part of it when it may
// hold credentials (a password with a slash reads as a bad port).
func TestUnparsableURLHidesCredentials(t *testing.T) {
	_, err := New(URLs("http://user:sec/ret99@host"))
	if err == nil {
		t.Fatal("New accepted an unparsable URL")
	}
	for _, part := range []string{"sec", "ret99", "user"} {
		if strings.Contains(err.Error(), part) {
			t.Fatalf("error %q shows %q", err, part)
		}
	}
}

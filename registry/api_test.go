package registry

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/schemagen/schemagen/serde"
)

func TestLatestWithMetadata(t *testing.T) {
	ctx := context.Background()
	md := func(kv ...string) *sr.SchemaMetadata {
		m := &sr.SchemaMetadata{Properties: map[string]string{}}
		for i := 0; i < len(kv); i += 2 {
			m.Properties[kv[i]] = kv[i+1]
		}
		return m
	}

	t.Run("fallback without the endpoint", func(t *testing.T) {
		reg, cl, cnt := fakeClient(t)
		reg.SeedSchema("u-value", 1, 1, sr.Schema{Schema: avroUser, SchemaMetadata: md("app", "v1")})
		reg.SeedSchema("u-value", 2, 2, sr.Schema{Schema: avroUser2, SchemaMetadata: md("app", "v2")})
		reg.SeedSchema("u-value", 3, 3, sr.Schema{Schema: `"string"`})
		tests := []struct {
			name string
			md   map[string]string
			id   int
			want error
		}{
			{"older version", map[string]string{"app": "v1"}, 1, nil},
			{"newer version", map[string]string{"app": "v2"}, 2, nil},
			{"no metadata is latest", nil, 3, nil},
			{"no match", map[string]string{"app": "v9"}, 0, ErrNoMatch},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ss, err := cl.LatestWithMetadata(ctx, "u-value", tt.md)
				if !errors.Is(err, tt.want) || ss.ID != tt.id {
					t.Fatalf("= %+v, %v; want id %d, %v", ss, err, tt.id, tt.want)
				}
			})
		}
		if !slices.Contains(cnt.seen, "GET /subjects/u-value/metadata") {
			t.Errorf("the metadata endpoint was not tried: %v", cnt.seen)
		}
		// Bind through UseLatest with metadata.
		ss, err := cl.Bind(ctx, "u-value", avroSchema(avroUser), UseLatest(map[string]string{"app": "v1"}), DriftFail)
		if err != nil || ss.ID != 1 {
			t.Fatalf("Bind = %+v, %v", ss, err)
		}
	})

	t.Run("endpoint", func(t *testing.T) {
		s := server(t, func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if r.URL.EscapedPath() != "/subjects/u%2Fvalue/metadata" || q.Get("key") != "app" || q.Get("value") != "v1" {
				writeErr(w, 404, 40403, "no match for "+r.URL.String())
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"subject": "u/value", "version": 4, "id": 40, "schema": avroUser})
		})
		cl, _ := client(t, s.URL)
		ss, err := cl.LatestWithMetadata(ctx, "u/value", map[string]string{"app": "v1"})
		if err != nil || ss.ID != 40 || ss.Version != 4 {
			t.Fatalf("= %+v, %v", ss, err)
		}
		if _, err := cl.LatestWithMetadata(ctx, "u/value", map[string]string{"app": "v2"}); !errors.Is(err, ErrSchemaNotFound) {
			t.Fatalf("no match: %v, want ErrSchemaNotFound", err)
		}
	})
}

func TestREST(t *testing.T) {
	ctx := context.Background()
	reg, cl, _ := fakeClient(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	v1, err := cl.Register(ctx, "u-value", avroSchema(avroUser), Normalize(), Metadata(map[string]string{"app": "v1"}))
	must(err)
	v2, err := cl.Register(ctx, "u-value", avroSchema(avroUser2))
	must(err)
	if v1.Version != 1 || v2.Version != 2 || v1.ID == v2.ID {
		t.Fatalf("registered %+v and %+v", v1, v2)
	}

	t.Run("lookup", func(t *testing.T) {
		ss, err := cl.LookupSchema(ctx, "u-value", avroSchema(avroUserReordered))
		if err != nil || ss.ID != v1.ID || ss.Version != 1 {
			t.Fatalf("= %+v, %v", ss, err)
		}
	})
	t.Run("schema by id and version", func(t *testing.T) {
		s, err := cl.SchemaByID(ctx, v2.ID)
		if err != nil || s.Text != avroUser2 || s.Format != serde.Avro {
			t.Fatalf("= %+v, %v", s, err)
		}
		ss, err := cl.SchemaByVersion(ctx, "u-value", 1)
		if err != nil || ss.ID != v1.ID {
			t.Fatalf("= %+v, %v", ss, err)
		}
	})
	t.Run("guid", func(t *testing.T) {
		// srfake gives every schema a GUID: a client that stops reading
		// them must fail here, not skip.
		if v1.GUID == "" || v2.GUID == "" || v1.GUID == v2.GUID {
			t.Fatalf("GUIDs %q and %q: want two distinct, non-empty", v1.GUID, v2.GUID)
		}
		ss, err := cl.SchemaByGUID(ctx, v1.GUID)
		if err != nil || ss.Schema.Text != avroUser {
			t.Fatalf("= %+v, %v", ss, err)
		}
	})
	t.Run("usages", func(t *testing.T) {
		us, err := cl.Usages(ctx, v2.ID)
		if err != nil || !slices.Equal(us, []SubjectVersion{{"u-value", 2}}) {
			t.Fatalf("= %v, %v", us, err)
		}
	})
	t.Run("compatibility", func(t *testing.T) {
		must(cl.SetCompatibility(ctx, "", "FULL"))
		if l, err := cl.Compatibility(ctx, ""); err != nil || l != "FULL" {
			t.Fatalf("global = %v, %v", l, err)
		}
		if l, err := cl.Compatibility(ctx, "u-value"); err != nil || l != "FULL" {
			t.Fatalf("subject defaults to global: %v, %v", l, err)
		}
		must(cl.SetCompatibility(ctx, "u-value", "FORWARD_TRANSITIVE"))
		if l, err := cl.Compatibility(ctx, "u-value"); err != nil || l != "FORWARD_TRANSITIVE" {
			t.Fatalf("subject = %v, %v", l, err)
		}
		must(cl.ResetCompatibility(ctx, "u-value"))
		if l, err := cl.Compatibility(ctx, "u-value"); err != nil || l != "FULL" {
			t.Fatalf("after reset = %v, %v", l, err)
		}
		if err := cl.SetCompatibility(ctx, "u-value", "SIDEWAYS"); !errors.Is(err, ErrInvalidCompatibilityLevel) {
			t.Fatalf("bad level: %v", err)
		}
		res, err := cl.CheckCompatibility(ctx, "u-value", -1, avroSchema(avroUser))
		if err != nil || !res.Compatible {
			t.Fatalf("check = %+v, %v", res, err)
		}
	})
	t.Run("mode", func(t *testing.T) {
		must(cl.SetMode(ctx, "u-value", "READONLY"))
		if m, err := cl.Mode(ctx, "u-value"); err != nil || m != "READONLY" {
			t.Fatalf("= %v, %v", m, err)
		}
		if m, err := cl.Mode(ctx, ""); err != nil || m != "READWRITE" {
			t.Fatalf("global = %v, %v", m, err)
		}
		if err := cl.SetMode(ctx, "", "SOMETIMES"); !errors.Is(err, ErrInvalidMode) {
			t.Fatalf("bad mode: %v", err)
		}
		must(cl.SetMode(ctx, "u-value", "READWRITE"))
	})
	t.Run("referenced by", func(t *testing.T) {
		money, err := cl.Register(ctx, "acme.Money", avroSchema(avroMoney))
		must(err)
		wallet := avroSchema(`{"type":"record","name":"Wallet","namespace":"acme","fields":[{"name":"m","type":"acme.Money"}]}`)
		wallet.References = []serde.Reference{{Name: "acme.Money", Subject: "acme.Money", Version: 1}}
		w, err := cl.Register(ctx, "wallet-value", wallet)
		must(err)
		ids, err := cl.ReferencedBy(ctx, "acme.Money", money.Version)
		if err != nil || !slices.Equal(ids, []int{w.ID}) {
			t.Fatalf("= %v, %v", ids, err)
		}
		if _, err := cl.DeleteSubject(ctx, "acme.Money", false); err == nil {
			t.Fatalf("deleted a referenced subject")
		}
	})
	t.Run("delete", func(t *testing.T) {
		must(cl.DeleteVersion(ctx, "u-value", 1, false))
		if vs, err := cl.Versions(ctx, "u-value"); err != nil || !slices.Equal(vs, []int{2}) {
			t.Fatalf("versions = %v, %v", vs, err)
		}
		must(cl.DeleteVersion(ctx, "u-value", 1, true))
		vs, err := cl.DeleteSubject(ctx, "u-value", false)
		if err != nil || !slices.Equal(vs, []int{2}) {
			t.Fatalf("soft delete = %v, %v", vs, err)
		}
		if _, err := cl.DeleteSubject(ctx, "u-value", true); err != nil {
			t.Fatalf("hard delete: %v", err)
		}
		if reg.SubjectExists("u-value") {
			t.Fatal("subject survived a hard delete")
		}
		if _, err := cl.Latest(ctx, "u-value"); !errors.Is(err, ErrSubjectNotFound) {
			t.Fatalf("latest after delete: %v", err)
		}
	})
}

// TestBasePath: registries served under a path (Apicurio's
// /apis/ccompat/v7) keep it in every request.
func TestBasePath(t *testing.T) {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("a/b", 1, 1, sr.Schema{Schema: avroUser})
	const base = "/apis/ccompat/v7"
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.EscapedPath(), base+"/") {
			writeErr(w, 404, 404, "outside the base path: "+r.URL.EscapedPath())
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, base)
		r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, base)
		reg.Handler().ServeHTTP(w, r2)
	})
	cl, _ := client(t, s.URL+base+"/")
	ss, err := cl.Latest(context.Background(), "a/b")
	if err != nil || ss.ID != 1 {
		t.Fatalf("= %+v, %v", ss, err)
	}
}

// TestLatestCache: the latest version is served from the cache for
// CacheTTL, refetched after it, and forgotten when this client registers a
// new version.
func TestLatestCache(t *testing.T) {
	ctx := context.Background()
	reg, cl, cnt := fakeClient(t, CacheTTL(time.Minute))
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	cl.cache.now = func() time.Time { return now }
	reg.SeedSchema("u-value", 1, 1, sr.Schema{Schema: avroUser})
	latest := func(wantID int, wantRequests int64) {
		t.Helper()
		before := cnt.n.Load()
		ss, err := cl.Latest(ctx, "u-value")
		if err != nil || ss.ID != wantID {
			t.Fatalf("Latest = %+v, %v; want id %d", ss, err, wantID)
		}
		if got := cnt.n.Load() - before; got != wantRequests {
			t.Fatalf("%d requests, want %d", got, wantRequests)
		}
	}
	latest(1, 1)
	latest(1, 0)
	// Another client registers version 2: within the TTL we still see 1.
	if _, _, err := reg.RegisterSchema("u-value", sr.Schema{Schema: avroUser2}); err != nil {
		t.Fatal(err)
	}
	latest(1, 0)
	now = now.Add(time.Minute)
	latest(2, 1)
	// This client registers version 3: the cached latest is dropped.
	if _, err := cl.Register(ctx, "u-value", avroSchema(`"string"`)); err != nil {
		t.Fatal(err)
	}
	latest(3, 1)

	t.Run("ttl zero disables", func(t *testing.T) {
		reg, cl, cnt := fakeClient(t, CacheTTL(0))
		reg.SeedSchema("u-value", 1, 1, sr.Schema{Schema: avroUser})
		for range 3 {
			if _, err := cl.Latest(ctx, "u-value"); err != nil {
				t.Fatal(err)
			}
		}
		if cnt.n.Load() != 3 {
			t.Fatalf("%d requests, want 3", cnt.n.Load())
		}
	})
}

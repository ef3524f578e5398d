package registry

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/registrytest"
	regserver "github.com/schemagen/schemagen/registry/server"
	"github.com/schemagen/schemagen/serde"
)

// TestEndToEnd runs the client against schemagen's own registry, which
// enforces compatibility for real.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	srv := registrytest.New(t, regserver.BasicAuth("producer", "e2e-pa55word"))
	quiet := Logger(slog.New(slog.DiscardHandler))
	cl, cnt := client(t, srv.URL(), BasicAuth("producer", "e2e-pa55word"), quiet)

	t.Run("wrong password", func(t *testing.T) {
		bad, _ := client(t, srv.URL(), BasicAuth("producer", "not-the-pa55word"))
		_, err := bad.Latest(ctx, "users-value")
		if !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), "not-the-pa55word") {
			t.Fatalf("err = %v, want ErrUnauthorized without the password", err)
		}
	})

	v1, err := cl.Bind(ctx, "users-value", avroSchema(avroUser), AutoRegister(), DriftFail)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.SetCompatibility(ctx, "users-value", "BACKWARD"); err != nil {
		t.Fatal(err)
	}

	t.Run("incompatible registration", func(t *testing.T) {
		res, err := cl.CheckCompatibility(ctx, "users-value", -1, avroSchema(avroUserString))
		if err != nil || res.Compatible || len(res.Messages) == 0 {
			t.Fatalf("check = %+v, %v; want incompatible with messages", res, err)
		}
		_, err = cl.Register(ctx, "users-value", avroSchema(avroUserString))
		if !errors.Is(err, ErrIncompatible) {
			t.Fatalf("register = %v, want ErrIncompatible", err)
		}
	})

	v2, err := cl.Register(ctx, "users-value", avroSchema(avroUser2), Metadata(map[string]string{"app": "v2"}))
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.ID == v1.ID {
		t.Fatalf("v2 = %+v", v2)
	}

	tests := []struct {
		name  string
		local string
		src   Source
		drift Drift
		id    int
		want  error
	}{
		{"lookup written differently", avroUserReordered, LookupBySchema(), DriftFail, v1.ID, nil},
		{"latest", avroUser2, UseLatest(nil), DriftFail, v2.ID, nil},
		{"latest drift", avroUser, UseLatest(nil), DriftFail, 0, ErrDrift},
		{"latest drift, registered reads local", avroUser, UseLatest(nil), DriftAllowIfCompatible(compat.CanRead), v2.ID, nil},
		{"latest drift, registered cannot read local", avroUserString, UseLatest(nil), DriftAllowIfCompatible(compat.CanRead), 0, ErrIncompatible},
		{"pinned", avroUser, PinID(v1.ID), DriftFail, v1.ID, nil},
		{"latest with metadata", avroUser2, UseLatest(map[string]string{"app": "v2"}), DriftFail, v2.ID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss, err := cl.Bind(ctx, "users-value", avroSchema(tt.local), tt.src, tt.drift)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				return
			}
			if err != nil || ss.ID != tt.id {
				t.Fatalf("Bind = %+v, %v; want id %d", ss, err, tt.id)
			}
		})
	}

	t.Run("references with slashes", func(t *testing.T) {
		got, err := cl.RegisterAll(ctx, []NamedSchema{
			{Subject: "orders-value", Schema: serde.Schema{Format: serde.Protobuf, Text: orderProto, References: []serde.Reference{{Name: "acme/money.proto"}}}},
			{Name: "acme/money.proto", Schema: serde.Schema{Format: serde.Protobuf, Text: moneyProto}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[1].Subject != "acme/money.proto" || got[0].Schema.References[0].Subject != "acme/money.proto" {
			t.Fatalf("RegisterAll = %+v", got)
		}
		ids, err := cl.ReferencedBy(ctx, "acme/money.proto", 1)
		if err != nil || len(ids) != 1 || ids[0] != got[0].ID {
			t.Fatalf("ReferencedBy = %v, %v", ids, err)
		}
		ss, err := cl.Bind(ctx, "orders-value", got[0].Schema, LookupBySchema(), DriftFail)
		if err != nil || ss.ID != got[0].ID {
			t.Fatalf("Bind = %+v, %v", ss, err)
		}
	})

	t.Run("read-only mode", func(t *testing.T) {
		if err := cl.SetMode(ctx, "ro-value", "READONLY"); err != nil {
			t.Fatal(err)
		}
		_, err := cl.Register(ctx, "ro-value", avroSchema(avroUser))
		if !errors.Is(err, ErrOperationNotPermitted) {
			t.Fatalf("register in READONLY = %v, want ErrOperationNotPermitted", err)
		}
	})

	t.Run("no request after warm-up", func(t *testing.T) {
		before := cnt.n.Load()
		for range 100 {
			for _, tt := range tests {
				if tt.want == nil {
					if _, err := cl.Bind(ctx, "users-value", avroSchema(tt.local), tt.src, tt.drift); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if got := cnt.n.Load(); got != before {
			t.Fatalf("%d requests after warm-up: %v", got-before, cnt.seen[before:])
		}
	})
}

package registry

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// Generated code carries references by name only (the Avro full name, the
// .proto import path); Bind pins them to the registered subject and its
// latest version before looking the schema up.
func TestBindPinsNamedReferences(t *testing.T) {
	ctx := context.Background()
	srv := registrytest.New(t)
	cl, _ := client(t, srv.URL(), Logger(slog.New(slog.DiscardHandler)))

	money := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}`}
	order := `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":"shop.Money"}]}`

	regs, err := cl.RegisterAll(ctx, []NamedSchema{
		{Name: "shop.Money", Subject: "shop.Money", Schema: money},
		{Name: "order", Subject: "orders-value", Schema: serde.Schema{Format: serde.Avro, Text: order, References: []serde.Reference{{Name: "shop.Money"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := regs[1]

	tests := []struct {
		name string
		refs []serde.Reference
		src  Source
		err  error
	}{
		{name: "name only, lookup", refs: []serde.Reference{{Name: "shop.Money"}}, src: LookupBySchema()},
		{name: "name only, latest", refs: []serde.Reference{{Name: "shop.Money"}}, src: UseLatest(nil)},
		{name: "subject without version", refs: []serde.Reference{{Name: "shop.Money", Subject: "shop.Money"}}, src: LookupBySchema()},
		{name: "fully pinned", refs: []serde.Reference{{Name: "shop.Money", Subject: "shop.Money", Version: 1}}, src: LookupBySchema()},
		{name: "unregistered reference", refs: []serde.Reference{{Name: "shop.Missing"}}, src: LookupBySchema(), err: ErrSubjectNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := serde.Schema{Format: serde.Avro, Text: order, References: tt.refs}
			got, err := cl.Bind(ctx, "orders-value", local, tt.src, DriftFail)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != want.ID || got.Version != want.Version {
				t.Fatalf("bound %+v, want id %d version %d", got, want.ID, want.Version)
			}
			if tt.refs[0].Subject == "" && local.References[0].Subject != "" {
				t.Fatal("Bind modified the caller's references")
			}
		})
	}
}

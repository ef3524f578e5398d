package producer_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

// The same root text over two versions of its reference: moneyB declares
// moneyA's fields in the other order, so the bytes differ.
const (
	wrapText = `{"type":"record","name":"Wrap","namespace":"t","fields":[{"name":"m","type":"t.Money"}]}`
	moneyA   = `{"type":"record","name":"Money","namespace":"t","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`
	moneyB   = `{"type":"record","name":"Money","namespace":"t","fields":[{"name":"b","type":"string"},{"name":"a","type":"int"}]}`
)

type wrapMoney struct {
	A int    `avro:"a"`
	B string `avro:"b"`
}

type wrap struct {
	M wrapMoney `avro:"m"`
}

// TestRegisteredReferencesDrift: a registered schema whose text equals the
// local one but whose references resolve to other texts is what the ID
// means, so a non-strict drift policy encodes with it; DriftFail refuses.
func TestRegisteredReferencesDrift(t *testing.T) {
	ctx := context.Background()
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	for subject, text := range map[string]string{"money-a": moneyA, "money-b": moneyB} {
		if _, err := rc.Register(ctx, subject, serde.Schema{Format: serde.Avro, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	regRef := []serde.Reference{{Name: "t.Money", Subject: "money-b", Version: 1}}
	registered, err := rc.Register(ctx, "wraps-value", serde.Schema{Format: serde.Avro, Text: wrapText, References: regRef})
	if err != nil {
		t.Fatal(err)
	}
	v := &wrap{M: wrapMoney{A: 7, B: "x"}}

	tests := []struct {
		name    string
		src     producer.SchemaSource
		drift   registry.Drift
		wantErr error
	}{
		// Local references name another subject, resolved by the registry.
		{name: "other subject, warn", drift: registry.DriftWarn, src: producer.SchemaSource{
			Local: serde.Schema{Format: serde.Avro, Text: wrapText, References: []serde.Reference{{Name: "t.Money", Subject: "money-a", Version: 1}}},
		}},
		// Local references name the registered subject and version, but
		// the source's own resolver (as generated code embeds) serves
		// another text for it.
		{name: "embedded text, warn", drift: registry.DriftWarn, src: producer.SchemaSource{
			Local:    serde.Schema{Format: serde.Avro, Text: wrapText, References: regRef},
			Resolver: serde.MapResolver{"t.Money": {Format: serde.Avro, Text: moneyA}},
		}},
		{name: "embedded text, fail", drift: registry.DriftFail, wantErr: registry.ErrDrift, src: producer.SchemaSource{
			Local:    serde.Schema{Format: serde.Avro, Text: wrapText, References: regRef},
			Resolver: serde.MapResolver{"t.Money": {Format: serde.Avro, Text: moneyA}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "wraps"))
			p := newProducer(t, c, producer.Registry(rc))
			typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *wrap]{
				Topic: "wraps",
				Value: producer.Side{Schema: tt.src, IDSource: registry.UseLatest(nil), Drift: tt.drift},
			})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("NewTyped: %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if typed.SchemaID() != registered.ID {
				t.Fatalf("schema ID %d, want %d", typed.SchemaID(), registered.ID)
			}
			if _, err := typed.ProduceSync(ctx, nil, v); err != nil {
				t.Fatal(err)
			}
			recs := consumeAll(t, c, "wraps")
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			got := recs[0].Value
			if int(binary.BigEndian.Uint32(got[1:5])) != registered.ID {
				t.Fatalf("frame %x", got[:5])
			}
			writer, err := avro.Compile(ctx, registered.Schema, rc)
			if err != nil {
				t.Fatal(err)
			}
			want, err := writer.AppendEncode(nil, v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got[5:]) != string(want) {
				t.Fatalf("payload %x under id %d, the registered schema writes %x", got[5:], registered.ID, want)
			}
		})
	}
}

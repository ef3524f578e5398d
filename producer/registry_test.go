package producer_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

const userV1 = `{"type":"record","name":"User","namespace":"test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}`

// userV2 adds a field with a default. A v1 reader ignores it, so the
// registered v1 can read data written with the local v2: the case
// DriftAllowIfCompatible accepts (and then encodes with v1).
const userV2 = `{"type":"record","name":"User","namespace":"test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"},{"name":"email","type":"string","default":""}]}`

type user struct {
	Name string `avro:"name"`
	Age  int    `avro:"age"`
}

func avroSchema(text string) producer.SchemaSource {
	return producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: text}}
}

func newRegistry(t *testing.T, url string) *registry.Client {
	t.Helper()
	rc, err := registry.New(registry.URLs(url), registry.Retries(0))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func TestRegistryBinding(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	v1, err := rc.Register(ctx, "registered-value", serde.Schema{Format: serde.Avro, Text: userV1})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		spec    producer.Spec[[]byte, *user]
		wantID  int
		wantErr []error
	}{
		{name: "auto register", spec: producer.Spec[[]byte, *user]{Topic: "fresh", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.AutoRegister()}}, wantID: v1.ID},
		{name: "lookup default finds it", spec: producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV1)}}, wantID: v1.ID},
		{name: "pinned id checked", spec: producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV1), ID: v1.ID}}, wantID: v1.ID},
		{name: "latest", spec: producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.UseLatest(nil)}}, wantID: v1.ID},
		{name: "subject strategy", spec: producer.Spec[[]byte, *user]{Topic: "other", Value: producer.Side{Schema: avroSchema(userV1), Strategy: registry.RecordName, RecordName: "registered-value"}}, wantID: v1.ID},
		{name: "subject missing without auto register",
			spec:    producer.Spec[[]byte, *user]{Topic: "missing", Value: producer.Side{Schema: avroSchema(userV1)}},
			wantErr: []error{producer.ErrSchemaBinding, registry.ErrNotFound}},
		{name: "drift refused",
			spec:    producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV2), IDSource: registry.UseLatest(nil), Drift: registry.DriftFail}},
			wantErr: []error{producer.ErrSchemaBinding, registry.ErrDrift}},
		{name: "drift allowed if compatible", spec: producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV2), IDSource: registry.UseLatest(nil), Drift: registry.DriftAllowIfCompatible(compat.CanRead)}}, wantID: v1.ID},
		{name: "unknown pinned id",
			spec:    producer.Spec[[]byte, *user]{Topic: "registered", Value: producer.Side{Schema: avroSchema(userV1), ID: 99999}},
			wantErr: []error{producer.ErrSchemaBinding}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, tt.spec.Topic))
			p := newProducer(t, c, producer.Registry(rc))
			typed, err := producer.NewTyped(ctx, p, tt.spec)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatal("NewTyped succeeded")
				}
				for _, w := range tt.wantErr {
					if !errors.Is(err, w) {
						t.Errorf("err %v does not wrap %v", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if typed.SchemaID() != tt.wantID {
				t.Fatalf("schema ID %d, want %d", typed.SchemaID(), tt.wantID)
			}
			md, err := typed.ProduceSync(ctx, []byte("k"), &user{Name: "ann", Age: 30})
			if err != nil {
				t.Fatal(err)
			}
			if md.ValueSchemaID != tt.wantID {
				t.Fatalf("metadata %+v", md)
			}
			recs := consumeAll(t, c, tt.spec.Topic)
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			// Decode with the schema the frame names, fetched from the
			// registry: what a consumer does.
			v := recs[0].Value
			if v[0] != 0 || int(binary.BigEndian.Uint32(v[1:5])) != tt.wantID {
				t.Fatalf("frame %x", v[:5])
			}
			text, err := rc.SchemaByID(ctx, tt.wantID)
			if err != nil {
				t.Fatal(err)
			}
			writer, err := avro.Compile(ctx, text, rc)
			if err != nil {
				t.Fatal(err)
			}
			var got user
			if err := writer.Decode(v[5:], &got); err != nil || got != (user{Name: "ann", Age: 30}) {
				t.Fatalf("decoded %+v, %v", got, err)
			}
			// Byte for byte what the registered schema writes (under
			// drift, the local schema would add a field).
			want, err := writer.AppendEncode(nil, &user{Name: "ann", Age: 30})
			if err != nil || string(want) != string(v[5:]) {
				t.Fatalf("payload %x, the registered schema writes %x (%v)", v[5:], want, err)
			}
		})
	}
}

func TestRegistryUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	rc := newRegistry(t, url)
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c, producer.Registry(rc))
	_, err = producer.NewTyped(context.Background(), p, producer.Spec[[]byte, *user]{Topic: "t", Value: producer.Side{Schema: avroSchema(userV1)}})
	if !errors.Is(err, producer.ErrSchemaBinding) {
		t.Fatalf("NewTyped with an unreachable registry = %v", err)
	}
}

func TestAvroRejects(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, any]{
		Topic: "t", Value: producer.Side{Schema: avroSchema(userV1), ID: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = typed.Produce(context.Background(), nil, map[string]any{"name": "x", "age": "old"})
	vs := serde.Violations(err)
	if !errors.Is(err, producer.ErrRejected) || len(vs) == 0 || vs[0].SchemaID != 3 || vs[0].Subject != "t-value" {
		t.Fatalf("Produce = %v (violations %v)", err, vs)
	}
	t.Logf("rejected: %v", err)
}

package producer_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/registry/server"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// A record that breaks the rule set registered with its schema never
// reaches the topic; the caller gets ErrRule with the rule's name.
func TestContractFromRegistry(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}}}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people"))
	p := newProducer(t, c, producer.Registry(rc))
	// The local schema carries no rules: the registered ones apply.
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "people", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.UseLatest(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(ctx, nil, &user{Name: "ann", Age: 30}); err != nil {
		t.Fatal(err)
	}
	_, err = typed.ProduceSync(ctx, nil, &user{Name: "kid", Age: 7})
	vs := serde.Violations(err)
	if !errors.Is(err, serde.ErrRule) || !errors.Is(err, producer.ErrRejected) || len(vs) != 1 || vs[0].Rule != "adult" || vs[0].Subject != "people-value" {
		t.Fatalf("err = %v", err)
	}
	if recs := consumeAll(t, c, "people"); len(recs) != 1 {
		t.Fatalf("%d records on the topic, want 1", len(recs))
	}
	rm := p.Metrics().Rules
	want := producer.RuleMetrics{Topic: "people", Subject: "people-value", Rule: "adult", Executions: 2, Successes: 1, Failures: 1}
	if len(rm) != 1 || rm[0] != want {
		t.Fatalf("Metrics().Rules = %+v, want [%+v]", rm, want)
	}
}

// A rule that does not compile fails NewTyped, naming the rule.
func TestContractBindFails(t *testing.T) {
	// Our server refuses a rule that does not compile (42210); Confluent's
	// never compiles CEL, so the producer must catch it at bind.
	reg := registrytest.New(t, server.CompileCEL(false))
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "broken", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >"}}}
	if _, err := rc.Register(ctx, "broken-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "broken"))
	p := newProducer(t, c, producer.Registry(rc))
	_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "broken", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.UseLatest(nil)}})
	var ce *contract.CompileError
	if !errors.As(err, &ce) || ce.Rule != "broken" || !errors.Is(err, producer.ErrSchemaBinding) {
		t.Fatalf("err = %v", err)
	}
}

// A record breaking a DLQ rule lands once on the rule's dead-letter topic
// with Java DlqAction's headers; one breaking an ERROR rule is returned to
// the caller and written nowhere; one breaking a NONE rule is sent.
func TestContractActions(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18", OnFailure: "DLQ",
			Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}},
		{Name: "named", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "size(message.name) > 0"},
		{Name: "notBob", Kind: "CONDITION", Mode: "WRITEREAD", Type: "CEL", Expr: "message.name != 'bob'", OnFailure: "NONE,ERROR"},
	}}
	if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
		t.Fatal(err)
	}
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c, producer.Registry(rc))
	typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "people", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.UseLatest(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	// NONE: sent.
	if _, err := typed.ProduceSync(ctx, nil, &user{Name: "bob", Age: 40}); err != nil {
		t.Fatalf("NONE rule: %v", err)
	}
	// ERROR: returned, not written.
	_, err = typed.ProduceSync(ctx, nil, &user{Name: "", Age: 40})
	if vs := serde.Violations(err); !errors.Is(err, serde.ErrRule) || len(vs) != 1 || vs[0].Rule != "named" {
		t.Fatalf("ERROR rule: %v", err)
	}
	// DLQ: to people-dlq, and the caller learns it was rejected.
	_, err = typed.ProduceSync(ctx, []byte("k7"), &user{Name: "kid", Age: 7})
	var de *contract.DLQError
	if !errors.As(err, &de) || de.Rule.Name != "adult" {
		t.Fatalf("DLQ rule: %v", err)
	}
	// Both an ERROR and a DLQ violation: ERROR wins, nothing is written.
	if _, err = typed.ProduceSync(ctx, nil, &user{Name: "", Age: 7}); !errors.Is(err, serde.ErrRule) {
		t.Fatalf("ERROR and DLQ: %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	main := consumeAll(t, c, "people")
	if len(main) != 1 {
		t.Fatalf("%d records on people, want 1 (the NONE one)", len(main))
	}
	dlq := consumeAll(t, c, "people-dlq")
	if len(dlq) != 1 {
		t.Fatalf("%d records on people-dlq, want 1", len(dlq))
	}
	r := dlq[0]
	if string(r.Key) != "k7" {
		t.Errorf("key %q", r.Key)
	}
	for k, want := range map[string]string{
		producer.HeaderRuleName: "adult", producer.HeaderRuleMode: "WRITE", producer.HeaderRuleSubject: "people-value",
		producer.HeaderRuleTopic: "people", producer.HeaderDLTTopic: "people",
	} {
		if got := header(r, k); len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if got := header(r, producer.HeaderRuleException); len(got) != 1 || !strings.Contains(got[0], `breaks rule "adult"`) {
		t.Errorf("exception header %q", got)
	}
}

// A DLQ rule whose dlq.topic is the producer's own topic (or empty) fails
// NewTyped, as DeadLetter with that topic would: the rejected value would
// otherwise land on the topic as plain JSON among framed records.
func TestContractDLQTopicChecked(t *testing.T) {
	for _, tt := range []struct {
		name, mode, dlq, onFailure string
		ok                         bool
	}{
		{name: "own topic", mode: "WRITE", dlq: "people", onFailure: "DLQ"},
		{name: "own topic, writeread", mode: "WRITEREAD", dlq: "people", onFailure: "DLQ,ERROR"},
		{name: "empty", mode: "WRITE", dlq: "", onFailure: "DLQ"},
		{name: "other topic", mode: "WRITE", dlq: "people-dlq", onFailure: "DLQ", ok: true},
		{name: "not a DLQ rule", mode: "WRITE", dlq: "people", onFailure: "ERROR", ok: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := registrytest.New(t)
			rc := newRegistry(t, reg.URL())
			ctx := context.Background()
			rules := &serde.RuleSet{DomainRules: []serde.Rule{
				{Name: "adult", Kind: "CONDITION", Mode: tt.mode, Type: "CEL", Expr: "message.age >= 18", OnFailure: tt.onFailure,
					Params: map[string]string{producer.ParamDLQTopic: tt.dlq}},
			}}
			if _, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules}); err != nil {
				t.Fatal(err)
			}
			c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
			p := newProducer(t, c, producer.Registry(rc))
			_, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "people", Value: producer.Side{Schema: avroSchema(userV1), IDSource: registry.UseLatest(nil)}})
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, producer.ErrSchemaBinding) || !errors.Is(err, producer.ErrInvalidOption) || !strings.Contains(err.Error(), `"adult"`) {
				t.Fatalf("err = %v, want a binding error naming rule adult", err)
			}
		})
	}
}

// A producer bound by PinID through a client loaded from a snapshot
// enforces the rule set registered with the schema, with the registry up
// (the snapshot-filled cache answers SchemaByID) and with it down.
func TestContractFromSnapshot(t *testing.T) {
	reg := registrytest.New(t)
	rc := newRegistry(t, reg.URL())
	ctx := context.Background()
	rules := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}}}
	ss, err := rc.Register(ctx, "people-value", serde.Schema{Format: serde.Avro, Text: userV1, RuleSet: rules,
		Metadata: &serde.Metadata{Properties: map[string]string{"owner": "ann"}}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rc.WriteSnapshot(ctx, &buf, "people-value"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	for _, tt := range []struct{ name, url string }{{"registry up", reg.URL()}, {"registry down", dead}} {
		t.Run(tt.name, func(t *testing.T) {
			warm, err := registry.New(registry.URLs(tt.url), registry.Retries(0), registry.Snapshot(path))
			if err != nil {
				t.Fatal(err)
			}
			got, err := warm.SchemaByID(ctx, ss.ID)
			if err != nil || got.RuleSet.Empty() || got.Metadata == nil || got.Metadata.Properties["owner"] != "ann" {
				t.Fatalf("SchemaByID = %+v, %v: want the rule set and metadata", got, err)
			}
			c := cluster(t, kfake.SeedTopics(1, "people"))
			p := newProducer(t, c, producer.Registry(warm))
			typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, *user]{Topic: "people",
				Value: producer.Side{Schema: avroSchema(userV1), ID: ss.ID, IDSource: registry.PinID(ss.ID)}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = typed.ProduceSync(ctx, nil, &user{Name: "kid", Age: 7})
			if vs := serde.Violations(err); !errors.Is(err, serde.ErrRule) || len(vs) != 1 || vs[0].Rule != "adult" {
				t.Fatalf("err = %v, want the adult rule broken", err)
			}
		})
	}
}

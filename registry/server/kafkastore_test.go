package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func newCluster(t *testing.T, brokers int) []string {
	t.Helper()
	return newClusterTB(t, brokers)
}

func newClusterTB(t testing.TB, brokers int) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func newClient(t *testing.T, addrs []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// TestKafkaStoreReplay: what one server writes to the topic, another
// replays to the same state, and goes on numbering after it.
func TestKafkaStoreReplay(t *testing.T) {
	addrs := newCluster(t, 1)
	s, err := New(KafkaStore("", kgo.SeedBrokers(addrs...)))
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s.Handler())
	before := snapshot(t, s.Handler())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)))
	if after := snapshot(t, s2.Handler()); after != before {
		t.Fatalf("state after replay differs:\n got %s\nwant %s", after, before)
	}
	runSteps(t, s2.Handler(), []step{
		{name: "v3", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1Spaced), status: 200},
		{name: "ids continue", method: "POST", path: "/subjects/x/versions", body: avroBody(`"int"`), status: 200,
			want: `{"id":5,"subject":"x","version":1,"guid":"<guid>","schema":"\"int\""}`},
		// The canonical text was recomputed on replay: userV1 written
		// another way is found as version 1 of other.
		{name: "canonical lookup", method: "POST", path: "/subjects/other?normalize=true", body: avroBody(userV1Spaced), status: 200},
	})
}

// TestKafkaStoreTopic: the topic is made compacted, with replication
// factor 3 and min.insync.replicas 2 on three brokers, and with what
// there is on one.
func TestKafkaStoreTopic(t *testing.T) {
	tests := []struct {
		name    string
		brokers int
		rf      int
		minISR  string // "": not set by us
	}{
		{name: "three brokers", brokers: 3, rf: 3, minISR: "2"},
		{name: "one broker", brokers: 1, rf: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addrs := newCluster(t, tt.brokers)
			newServer(t, KafkaStore("reg", kgo.SeedBrokers(addrs...)))
			adm := kadm.NewClient(newClient(t, addrs))
			ctx := context.Background()
			td, err := adm.ListTopics(ctx, "reg")
			if err != nil {
				t.Fatal(err)
			}
			p := td["reg"].Partitions
			if len(p) != 1 || len(p[0].Replicas) != tt.rf {
				t.Fatalf("partitions %+v, want one with %d replicas", p, tt.rf)
			}
			rcs, err := adm.DescribeTopicConfigs(ctx, "reg")
			if err != nil {
				t.Fatal(err)
			}
			rc, err := rcs.On("reg", nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, c := range rc.Configs {
				if c.Value != nil && c.Source == 1 { // DYNAMIC_TOPIC_CONFIG: set at creation
					got[c.Key] = *c.Value
				}
			}
			if got["cleanup.policy"] != "compact" {
				t.Errorf("cleanup.policy %q, want compact", got["cleanup.policy"])
			}
			if got["min.insync.replicas"] != tt.minISR {
				t.Errorf("min.insync.replicas %q, want %q", got["min.insync.replicas"], tt.minISR)
			}
		})
	}
}

// confluentRecords are _schemas records as Confluent's registry writes
// them (keys with Confluent's property order and magic bytes; values with
// its property names), including what compaction leaves behind.
var confluentRecords = []struct{ key, value string }{
	// An old registry: no schemaType means Avro.
	{`{"keytype":"SCHEMA","subject":"s1","version":1,"magic":1}`, `{"subject":"s1","version":1,"id":1,"schema":"\"string\"","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"s1","version":2,"magic":1}`, `{"subject":"s1","version":2,"id":2,"schemaType":"AVRO","metadata":{"properties":{"owner":"team-a"}},"schema":"\"long\"","deleted":false,"offset":1,"ts":1700000000000}`},
	{`{"keytype":"SCHEMA","subject":"s2","version":1,"magic":1}`, `{"subject":"s2","version":1,"id":1,"schemaType":"AVRO","schema":"\"string\"","deleted":false}`},
	// Soft delete of one version: the value again, deleted.
	{`{"keytype":"SCHEMA","subject":"s1","version":1,"magic":1}`, `{"subject":"s1","version":1,"id":1,"schema":"\"string\"","deleted":true}`},
	{`{"keytype":"CONFIG","magic":0}`, `{"compatibilityLevel":"FULL"}`},
	{`{"keytype":"CONFIG","subject":"s2","magic":0}`, `{"subject":"s2","compatibilityLevel":"NONE","normalize":true}`},
	{`{"keytype":"MODE","subject":"s2","magic":0}`, `{"subject":"s2","mode":"READONLY"}`},
	{`{"keytype":"NOOP","magic":0}`, ``},
	// A subject soft-deleted, then hard-deleted and cleared.
	{`{"keytype":"SCHEMA","subject":"s3","version":1,"magic":1}`, `{"subject":"s3","version":1,"id":3,"schemaType":"JSON","schema":"{\"type\":\"string\"}","deleted":false}`},
	{`{"keytype":"DELETE_SUBJECT","subject":"s3","magic":0}`, `{"subject":"s3","version":1}`},
	{`{"keytype":"SCHEMA","subject":"s3","version":1,"magic":1}`, ``},
	{`{"keytype":"CLEAR_SUBJECT","subject":"s3","magic":0}`, `{"subject":"s3"}`},
	// Compaction kept only the soft-deleted value of s4.
	{`{"keytype":"SCHEMA","subject":"s4","version":1,"magic":1}`, `{"subject":"s4","version":1,"id":4,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\nmessage M { string a = 1; }\n","deleted":true}`},
	// A subject soft-deleted through DELETE_SUBJECT only.
	{`{"keytype":"SCHEMA","subject":"s5","version":1,"magic":1}`, `{"subject":"s5","version":1,"id":5,"schema":"\"int\"","deleted":false}`},
	{`{"keytype":"DELETE_SUBJECT","subject":"s5","magic":0}`, `{"subject":"s5","version":1}`},
	// A config set and then removed; a key type of a feature we lack.
	{`{"keytype":"CONFIG","subject":"s1","magic":0}`, `{"subject":"s1","compatibilityLevel":"NONE"}`},
	{`{"keytype":"CONFIG","subject":"s1","magic":0}`, ``},
	{`{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}`, `{"tenant":"default","context":".ctx"}`},
}

func produceRaw(t *testing.T, addrs []string, topic string, recs []struct{ key, value string }) {
	t.Helper()
	cl := newClient(t, addrs, kgo.DefaultProduceTopic(topic))
	if err := ensureTopic(context.Background(), kadm.NewClient(cl), topic); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		kr := &kgo.Record{Key: []byte(r.key)}
		if r.value != "" {
			kr.Value = []byte(r.value)
		}
		if err := cl.ProduceSync(context.Background(), kr).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKafkaStoreReadsConfluent replays a topic written as Confluent's
// registry writes it.
func TestKafkaStoreReadsConfluent(t *testing.T) {
	addrs := newCluster(t, 1)
	produceRaw(t, addrs, "_schemas", confluentRecords)
	var logs bytes.Buffer
	s := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)), Logger(slog.New(slog.NewTextHandler(&logs, nil))))
	runSteps(t, s.Handler(), []step{
		{name: "subjects", method: "GET", path: "/subjects", status: 200, want: `["s1","s2"]`},
		{name: "subjects with deleted", method: "GET", path: "/subjects?deleted=true", status: 200, want: `["s1","s2","s4","s5"]`},
		{name: "s1 versions", method: "GET", path: "/subjects/s1/versions", status: 200, want: `[2]`},
		{name: "s1 v1 soft-deleted", method: "GET", path: "/subjects/s1/versions/1", status: 404},
		{name: "s1 v1 with deleted", method: "GET", path: "/subjects/s1/versions/1?deleted=true", status: 200,
			want: `{"subject":"s1","version":1,"id":1,"guid":"<guid>","schema":"\"string\""}`},
		{name: "s1 v2 metadata", method: "GET", path: "/subjects/s1/versions/2", status: 200,
			want: `{"subject":"s1","version":2,"id":2,"guid":"<guid>","metadata":{"properties":{"owner":"team-a"}},"schema":"\"long\""}`},
		{name: "shared id", method: "GET", path: "/subjects/s2/versions/1", status: 200,
			want: `{"subject":"s2","version":1,"id":1,"guid":"<guid>","schema":"\"string\""}`},
		{name: "global config", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"FULL"}`},
		{name: "subject config", method: "GET", path: "/config/s2", status: 200, want: `{"compatibilityLevel":"NONE","normalize":true}`},
		{name: "removed config", method: "GET", path: "/config/s1", status: 404},
		{name: "mode", method: "GET", path: "/mode/s2", status: 200, want: `{"mode":"READONLY"}`},
		{name: "hard-deleted id", method: "GET", path: "/schemas/ids/3", status: 404},
		{name: "compacted soft-deleted", method: "GET", path: "/subjects/s4/versions/1?deleted=true", status: 200},
		{name: "delete-subject watermark", method: "GET", path: "/subjects/s5/versions", status: 404},
		{name: "new id after the highest", method: "POST", path: "/subjects/n/versions", body: avroBody(`"boolean"`), status: 200,
			want: `{"id":6,"subject":"n","version":1,"guid":"<guid>","schema":"\"boolean\""}`},
	})
	if strings.Contains(logs.String(), "skipping") {
		t.Errorf("records skipped: %s", logs.String())
	}
}

// TestKafkaStoreReplayedGUID: a schema replayed from a record without a
// GUID gets the same GUID on every instance and after a restart, so that
// records framed with it resolve everywhere; another ID gets another.
func TestKafkaStoreReplayedGUID(t *testing.T) {
	addrs := newCluster(t, 1)
	produceRaw(t, addrs, "_schemas", confluentRecords)
	guidOf := func(h http.Handler, id int) string {
		t.Helper()
		st, body := do(t, h, "GET", fmt.Sprintf("/schemas/ids/%d", id), nil)
		var r struct{ GUID string }
		if err := json.Unmarshal([]byte(body), &r); st != 200 || err != nil || r.GUID == "" {
			t.Fatalf("id %d: status %d %s (%v)", id, st, body, err)
		}
		return r.GUID
	}
	a := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)))
	b := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)))
	g1, g2 := guidOf(a.Handler(), 1), guidOf(a.Handler(), 2)
	if g1 == g2 {
		t.Fatalf("ids 1 and 2 share the GUID %s", g1)
	}
	if g := guidOf(b.Handler(), 1); g != g1 {
		t.Fatalf("id 1: GUID %s on one instance, %s on another", g1, g)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	c := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)))
	if g := guidOf(c.Handler(), 1); g != g1 {
		t.Fatalf("id 1: GUID %s before a restart, %s after", g1, g)
	}
	for name, h := range map[string]http.Handler{"other instance": b.Handler(), "restarted": c.Handler()} {
		if st, body := do(t, h, "GET", "/schemas/guids/"+g2, nil); st != 200 || !strings.Contains(body, `long`) {
			t.Errorf("%s: GUID %s: status %d %s", name, g2, st, body)
		}
	}
}

// TestKafkaStoreWritesConfluent: the keys and values the store writes are
// Confluent's, byte for byte for the keys (compaction compares bytes).
func TestKafkaStoreWritesConfluent(t *testing.T) {
	addrs := newCluster(t, 1)
	klog, logOpt := failLogs(t, "the server")
	s := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...), klog), logOpt)
	runSteps(t, s.Handler(), []step{
		{name: "register", method: "POST", path: "/subjects/a/versions", body: avroBody(`"string"`), status: 200},
		{name: "soft delete", method: "DELETE", path: "/subjects/a/versions/1", status: 200},
		{name: "hard delete", method: "DELETE", path: "/subjects/a/versions/1?permanent=true", status: 200},
		{name: "config", method: "PUT", path: "/config", body: map[string]any{"compatibility": "FULL"}, status: 200},
		{name: "mode", method: "PUT", path: "/mode/b", body: map[string]any{"mode": "READONLY"}, status: 200},
		{name: "register b", method: "POST", path: "/subjects/c/versions", body: avroBody(`"int"`), status: 200},
		{name: "delete subject", method: "DELETE", path: "/subjects/c", status: 200},
	})
	want := []struct{ key, value string }{
		{`{"keytype":"NOOP","magic":0}`, ``}, // the replay's end at start
		{`{"keytype":"NOOP","magic":0}`, ``}, // the leader's warm-up (aborted; this reader reads uncommitted)
		{`{"keytype":"NOOP","magic":0}`, ``}, // the leader's catch-up
		{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"subject":"a","version":1,"id":1,"schemaType":"AVRO","schema":"\"string\"","deleted":false,"guid":"<guid>"}`},
		{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"subject":"a","version":1,"id":1,"schemaType":"AVRO","schema":"\"string\"","deleted":true,"guid":"<guid>"}`},
		{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, ``},
		{`{"keytype":"CONFIG","magic":0}`, `{"compatibilityLevel":"FULL"}`},
		{`{"keytype":"MODE","subject":"b","magic":0}`, `{"mode":"READONLY"}`},
		{`{"keytype":"SCHEMA","subject":"c","version":1,"magic":1}`, `{"subject":"c","version":1,"id":2,"schemaType":"AVRO","schema":"\"int\"","deleted":false,"guid":"<guid>"}`},
		{`{"keytype":"DELETE_SUBJECT","subject":"c","magic":0}`, `{"subject":"c","version":1}`},
	}
	cl := newClient(t, addrs, kgo.ConsumeTopics("_schemas"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []*kgo.Record
	for len(got) < len(want) && ctx.Err() == nil {
		got = append(got, cl.PollFetches(ctx).Records()...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i, w := range want {
		if string(got[i].Key) != w.key {
			t.Errorf("record %d key %s, want %s", i, got[i].Key, w.key)
		}
		switch {
		case w.value == "":
			if got[i].Value != nil {
				t.Errorf("record %d value %s, want a tombstone", i, got[i].Value)
			}
		case !jsonEqual(t, string(got[i].Value), w.value):
			t.Errorf("record %d value %s, want %s", i, got[i].Value, w.value)
		}
	}
}

// TestDecodeRecordErrors: records that contradict the state or are not
// Confluent's are refused with ErrBadRecord, and the state is unchanged.
func TestDecodeRecordErrors(t *testing.T) {
	st := newState("BACKWARD")
	if err := st.apply(&event{Op: opRegister, Subject: "s", Version: 1, ID: 1, Schema: `"string"`, Format: "AVRO"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		key, value string
	}{
		{name: "key not json", key: `SCHEMA:s:1`, value: `{}`},
		{name: "schema key without version", key: `{"keytype":"SCHEMA","subject":"s","magic":1}`, value: `{"subject":"s","id":2,"schema":"\"int\""}`},
		{name: "version with another id", key: `{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, value: `{"subject":"s","version":1,"id":7,"schema":"\"string\""}`},
		{name: "id of another schema", key: `{"keytype":"SCHEMA","subject":"t","version":1,"magic":1}`, value: `{"subject":"t","version":1,"id":1,"schema":"\"int\""}`},
		{name: "value without id", key: `{"keytype":"SCHEMA","subject":"t","version":1,"magic":1}`, value: `{"subject":"t","version":1,"schema":"\"int\""}`},
		{name: "unknown schema type", key: `{"keytype":"SCHEMA","subject":"t","version":1,"magic":1}`, value: `{"subject":"t","version":1,"id":2,"schemaType":"XML","schema":"<a/>"}`},
		{name: "unknown mode", key: `{"keytype":"MODE","magic":0}`, value: `{"mode":"SOMETIMES"}`},
		{name: "unknown level", key: `{"keytype":"CONFIG","magic":0}`, value: `{"compatibilityLevel":"MOSTLY"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decodeRecord([]byte(tt.key), []byte(tt.value), st)
			if !errors.Is(err, ErrBadRecord) {
				t.Fatalf("decodeRecord = %v, %v; want ErrBadRecord", evs, err)
			}
		})
	}
}

// TestReplayCompilesOutsideLock: the compile of a replayed schema (for
// its canonical text) runs without the Server's lock, so that reads go on
// while it takes long.
func TestReplayCompilesOutsideLock(t *testing.T) {
	addrs := newCluster(t, 1)
	const slow = `{"type":"fixed","name":"Slow","size":1}`
	release := make(chan struct{})
	var released sync.Once
	started := make(chan struct{}, 1)
	compile := func(ctx context.Context, sch serde.Schema, r serde.Resolver) (compiled, error) {
		if sch.Text == slow {
			select {
			case started <- struct{}{}:
			default:
			}
			<-release
		}
		return defaultCompile(ctx, sch, r)
	}
	s := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)), optFunc(func(c *config) { c.compile = compile }))
	t.Cleanup(func() { released.Do(func() { close(release) }) }) // before s closes
	produceRaw(t, addrs, "_schemas", []struct{ key, value string }{
		{`{"keytype":"SCHEMA","subject":"slow","version":1,"magic":1}`, `{"subject":"slow","version":1,"id":1,"schema":` + q(slow) + `,"deleted":false}`},
	})
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the replayed schema was never compiled")
	}
	answered := make(chan int, 1)
	go func() {
		st, _ := do(t, s.Handler(), "GET", "/config", nil)
		answered <- st
	}()
	select {
	case st := <-answered:
		if st != 200 {
			t.Fatalf("GET /config during the compile: status %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a read waited for the compile of a replayed schema")
	}
	released.Do(func() { close(release) })
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, body := do(t, s.Handler(), "GET", "/subjects/slow/versions/1", nil)
		if st == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replayed schema never arrived: %d %s", st, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

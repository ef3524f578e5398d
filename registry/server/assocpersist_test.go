package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fillAssociations makes a STRONG association (with its schema, on the
// subject ":.lkc-1:orders-value"), a WEAK one on the same resource, a
// WEAK one on another resource, and one created and deleted again.
func fillAssociations(t *testing.T, h http.Handler) {
	t.Helper()
	weak := func(name, id, typ, subject string) map[string]any {
		return map[string]any{"resourceName": name, "resourceNamespace": "lkc-1", "resourceId": id,
			"associations": []map[string]any{{"associationType": typ, "subject": subject}}}
	}
	runSteps(t, h, []step{
		{name: "strong", method: "POST", path: "/associations", status: 200, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-1",
			"associations": []map[string]any{{"associationType": "value", "schema": avroBody(userV1)}}}},
		{name: "key subject", method: "POST", path: "/subjects/shared-key/versions", body: avroBody(`"string"`), status: 200},
		{name: "weak key", method: "POST", path: "/associations", body: weak("orders", "topic-1", "key", "shared-key"), status: 200},
		{name: "weak other", method: "POST", path: "/associations", body: weak("payments", "topic-2", "key", "shared-key"), status: 200},
		{name: "weak gone", method: "POST", path: "/associations", body: weak("refunds", "topic-3", "key", "shared-key"), status: 200},
		{name: "delete weak gone", method: "DELETE", path: "/associations/resources/topic-3", status: 204},
	})
}

// associationsSnapshot reads the associations back.
func associationsSnapshot(t *testing.T, h http.Handler) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{
		"/associations/resources/topic-1", "/associations/resources/topic-2", "/associations/resources/topic-3",
		"/associations/subjects/shared-key", "/associations/subjects/:.lkc-1:orders-value",
		"/associations/resources/-/orders?resourceType=topic&associationType=value",
	} {
		status, body := do(t, h, "GET", p, nil)
		fmt.Fprintf(&b, "%s %d %s\n", p, status, body)
	}
	return b.String()
}

// checkAssociations asserts what fillAssociations made, on a restarted
// server, and that the STRONG association still guards its subject: the
// subject cannot be deleted, the association cannot be deleted without
// cascadeLifecycle, and with it both go.
func checkAssociations(t *testing.T, h http.Handler) {
	t.Helper()
	var got []association
	_, body := do(t, h, "GET", "/associations/resources/topic-1", nil)
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	want := []association{
		{Subject: "shared-key", ResourceName: "orders", ResourceNamespace: "lkc-1", ResourceID: "topic-1", ResourceType: "topic", AssociationType: "key", Lifecycle: "WEAK", Frozen: false},
		{Subject: ":.lkc-1:orders-value", ResourceName: "orders", ResourceNamespace: "lkc-1", ResourceID: "topic-1", ResourceType: "topic", AssociationType: "value", Lifecycle: "STRONG", Frozen: true},
	}
	if len(got) != len(want) {
		t.Fatalf("topic-1 has %d associations, want %d: %s", len(got), len(want), body)
	}
	for i := range want {
		g := got[i]
		if g.CreateTimestamp == 0 || g.UpdateTimestamp == 0 {
			t.Errorf("association %d lost its timestamps: %+v", i, g)
		}
		g.CreateTimestamp, g.UpdateTimestamp = 0, 0
		if g != want[i] {
			t.Errorf("association %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
	runSteps(t, h, []step{
		{name: "deleted one stays deleted", method: "GET", path: "/associations/resources/topic-3", status: 200, want: `[]`},
		{name: "strong subject cannot be deleted", method: "DELETE", path: "/subjects/:.lkc-1:orders-value", status: 409, code: CodeAssociationForSubjectExists},
		{name: "weak subject cannot be deleted", method: "DELETE", path: "/subjects/shared-key", status: 409, code: CodeAssociationForSubjectExists},
		{name: "frozen without cascade", method: "DELETE", path: "/associations/resources/topic-1?associationType=value", status: 409, code: CodeAssociationFrozen},
		{name: "frozen with cascade", method: "DELETE", path: "/associations/resources/topic-1?associationType=value&cascadeLifecycle=true", status: 204},
		{name: "its subject went with it", method: "GET", path: "/subjects/:.lkc-1:orders-value/versions?deleted=true", status: 404, code: CodeSubjectNotFound},
	})
}

// afterCascade is what a server replaying the store after checkAssociations
// must answer.
func afterCascade(t *testing.T, h http.Handler) {
	t.Helper()
	runSteps(t, h, []step{
		{name: "strong association stays deleted", method: "GET", path: "/associations/resources/topic-1?associationType=value", status: 200, want: `[]`},
		{name: "strong subject stays deleted", method: "GET", path: "/subjects/:.lkc-1:orders-value/versions?deleted=true", status: 404, code: CodeSubjectNotFound},
		{name: "weak ones remain", method: "GET", path: "/associations/subjects/shared-key", status: 200},
		{name: "the subject is free again", method: "POST", path: "/subjects/:.lkc-1:orders-value/versions", body: avroBody(userV2), status: 200},
	})
}

// TestAssociationsSurviveRestart: associations are in the data file; a
// server restarted on it answers the same and guards STRONG subjects as
// before. The negative control replays the same file without its
// association events (what the data file held before they were written
// there) and shows the checks fire.
func TestAssociationsSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.log")
	s1, err := New(LogFile(path))
	if err != nil {
		t.Fatal(err)
	}
	fillAssociations(t, s1.Handler())
	before := associationsSnapshot(t, s1.Handler())
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	// Negative control: the same log without association events.
	stripped := filepath.Join(t.TempDir(), "stripped.log")
	n := copyLogWithout(t, path, stripped, opAssociate, opDissociate)
	if n != 5 {
		t.Fatalf("stripped %d association events, want 5 (4 created, 1 deleted)", n)
	}
	s0 := newServer(t, LogFile(stripped))
	if after := associationsSnapshot(t, s0.Handler()); after == before {
		t.Fatal("negative control: a log without association events answers the same")
	}
	if st, body := do(t, s0.Handler(), "DELETE", "/subjects/:.lkc-1:orders-value", nil); st != 200 {
		t.Fatalf("negative control: without associations the strong subject can be deleted, got %d: %s", st, body)
	}

	s2 := newServer(t, LogFile(path))
	if after := associationsSnapshot(t, s2.Handler()); after != before {
		t.Fatalf("associations after restart differ:\n got %s\nwant %s", after, before)
	}
	checkAssociations(t, s2.Handler())
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	afterCascade(t, newServer(t, LogFile(path)).Handler())
}

// copyLogWithout copies the data file at from to to, leaving out the
// events whose op is one of ops, and returns how many it left out.
func copyLogWithout(t *testing.T, from, to string, ops ...string) int {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err == nil && (ev.Op == ops[0] || ev.Op == ops[1]) {
			n++
			continue
		}
		out.Write(sc.Bytes())
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKafkaStoreAssociations: associations are records of the topic, under
// Confluent 8.x's ASSOC keys; a server replaying the topic has them back.
// The negative control replays a copy of the topic without the ASSOC
// records.
func TestKafkaStoreAssociations(t *testing.T) {
	addrs := newCluster(t, 1)
	s1, err := New(KafkaStore("", kgo.SeedBrokers(addrs...)))
	if err != nil {
		t.Fatal(err)
	}
	fillAssociations(t, s1.Handler())
	before := associationsSnapshot(t, s1.Handler())
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	recs := readTopic(t, addrs, "_schemas")
	var assoc, rest []struct{ key, value string }
	for _, r := range recs {
		var k crKey
		if err := json.Unmarshal(r.Key, &k); err != nil {
			t.Fatal(err)
		}
		kv := struct{ key, value string }{string(r.Key), string(r.Value)}
		if k.KeyType == keyAssoc {
			assoc = append(assoc, kv)
		} else if k.KeyType != keyNoop {
			rest = append(rest, kv)
		}
	}
	// Five records, in Confluent's key form; the deleted one's tombstone last.
	if len(assoc) != 5 {
		t.Fatalf("%d ASSOC records, want 5: %v", len(assoc), assoc)
	}
	wantKey := `{"keytype":"ASSOC","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value","subject":":.lkc-1:orders-value","magic":0}`
	if assoc[0].key != wantKey {
		t.Errorf("first ASSOC key\n got %s\nwant %s", assoc[0].key, wantKey)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(assoc[0].value), &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"guid", "tenant", "resourceName", "resourceNamespace", "resourceId", "resourceType", "associationType", "subject", "lifecycle", "frozen", "createTs"} {
		if _, ok := v[p]; !ok {
			t.Errorf("ASSOC value has no %q: %s", p, assoc[0].value)
		}
	}
	if !strings.Contains(assoc[4].key, `"resourceName":"refunds"`) || assoc[4].value != "" {
		t.Errorf("last ASSOC record is not the tombstone of refunds: %v", assoc[4])
	}

	// Negative control: the topic without its ASSOC records.
	produceRaw(t, addrs, "_schemas_noassoc", rest)
	s0 := newServer(t, KafkaStore("_schemas_noassoc", kgo.SeedBrokers(addrs...)))
	if after := associationsSnapshot(t, s0.Handler()); after == before {
		t.Fatal("negative control: a topic without ASSOC records answers the same")
	}

	s2, err := New(KafkaStore("", kgo.SeedBrokers(addrs...)))
	if err != nil {
		t.Fatal(err)
	}
	if after := associationsSnapshot(t, s2.Handler()); after != before {
		t.Fatalf("associations after replay differ:\n got %s\nwant %s", after, before)
	}
	checkAssociations(t, s2.Handler())
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	afterCascade(t, newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...))).Handler())
}

// readTopic returns every record of partition 0 of topic, up to its end.
func readTopic(t *testing.T, addrs []string, topic string) []*kgo.Record {
	t.Helper()
	ctx := context.Background()
	ends, err := kadm.NewClient(newClient(t, addrs)).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	end, ok := ends.Lookup(topic, 0)
	if !ok || end.Err != nil {
		t.Fatalf("end offset of %s: %v", topic, end.Err)
	}
	cl := newClient(t, addrs, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	var out []*kgo.Record
	for {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		last := int64(-1)
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, r)
			last = r.Offset
		})
		// The store writes in transactions, whose commit markers take
		// offsets too: the last record is just before the last marker.
		// (Stopping early shows: the caller checks the last record.)
		if last >= end.Offset-2 {
			return out
		}
	}
}

// TestDecodeAssocRecords reads ASSOC records as Confluent's registry 8.x
// writes them.
func TestDecodeAssocRecords(t *testing.T) {
	key := func(tenant, name string) string {
		return fmt.Sprintf(`{"keytype":"ASSOC","tenant":%q,"resourceName":%q,"resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value","subject":":.lkc-1:orders-value","magic":0}`, tenant, name)
	}
	// Confluent's AssociationValue: no updateTs, createTs in milliseconds.
	value := `{"guid":"0b0f6a4e-6a55-4f47-9d46-8b1c1cb1f0a1","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"lkc-1:orders","resourceType":"topic","associationType":"value","subject":":.lkc-1:orders-value","lifecycle":"STRONG","frozen":true,"createTs":1760000000000}`
	st := newState("")
	cases := []struct {
		name       string
		key, value string
		tombstone  bool
		op         string // "" : no event
		bad        bool
	}{
		{name: "confluent value", key: key("default", "orders"), value: value, op: opAssociate},
		{name: "tombstone", key: key("default", "orders"), tombstone: true, op: opDissociate},
		{name: "another tenant's", key: key("lsrc-1", "orders"), value: value},
		{name: "value of another key", key: key("default", "payments"), value: value, bad: true},
		{name: "unknown lifecycle", key: key("default", "orders"), value: strings.Replace(value, "STRONG", "FOREVER", 1), bad: true},
		{name: "key without subject", key: `{"keytype":"ASSOC","tenant":"default","resourceName":"orders","magic":0}`, tombstone: true, bad: true},
		{name: "not JSON", key: key("default", "orders"), value: `{"guid":`, bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v []byte
			if !tc.tombstone {
				v = []byte(tc.value)
			}
			evs, err := decodeRecord([]byte(tc.key), v, st)
			if tc.bad {
				if !errors.Is(err, ErrBadRecord) {
					t.Fatalf("err = %v, want ErrBadRecord", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.op == "" {
				if len(evs) != 0 {
					t.Fatalf("%d events, want none", len(evs))
				}
				return
			}
			if len(evs) != 1 || evs[0].Op != tc.op || evs[0].Association.Subject != ":.lkc-1:orders-value" {
				t.Fatalf("events %+v", evs)
			}
			if tc.op == opAssociate {
				a := evs[0].Association.association()
				if a.ResourceID != "lkc-1:orders" || a.Lifecycle != lifecycleStrong || !a.Frozen || a.CreateTimestamp != 1760000000000 {
					t.Fatalf("association %+v", a)
				}
			}
		})
	}
}

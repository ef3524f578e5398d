package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry/compat"
)

func TestContextOf(t *testing.T) {
	for _, tc := range []struct{ subject, want string }{
		{"orders-value", "."},
		{":.ctx:orders-value", ".ctx"},
		{":.ctx:", ".ctx"},
		{":.:orders-value", "."},
		{":.a.b:x:y", ".a.b"},
		{":ctx:x", "."}, // a context starts with "."
		{":.nocolon", "."},
		{"", "."},
	} {
		if got := contextOf(tc.subject); got != tc.want {
			t.Errorf("contextOf(%q) = %q, want %q", tc.subject, got, tc.want)
		}
	}
}

// fillContexts registers in the default context and in two others.
func fillContexts(t *testing.T, h http.Handler) {
	t.Helper()
	id := func(n int) string { return fmt.Sprintf(`{"id":%d}`, n) }
	for _, r := range []struct {
		subject, schema string
		id              int
	}{
		{"a", userV1, 1},
		{":.ctx1:a", userV2, 1},  // its own sequence
		{":.ctx1:b", userV1, 2},  // userV1 is not in .ctx1 yet
		{":.ctx2:c", userV1, 1},  // nor in .ctx2
		{"b", userV1, 1},         // shared within the default context
		{":.ctx1:c", userV2, 1},  // and within .ctx1
		{":.ctx1:a", userBad, 3}, // a new version in .ctx1 (level NONE)
	} {
		st, body := do(t, h, "POST", "/subjects/"+r.subject+"/versions", avroBody(r.schema))
		if st != 200 || !strings.Contains(body, `"id":`+fmt.Sprint(r.id)+",") {
			t.Fatalf("register %s: status %d %s, want %s", r.subject, st, body, id(r.id))
		}
	}
}

func contextsSnapshot(t *testing.T, h http.Handler) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{
		"/contexts", "/subjects",
		"/schemas/ids/1", "/schemas/ids/2", "/schemas/ids/3",
		"/schemas/ids/1?subject=:.ctx1:a", "/schemas/ids/2?subject=:.ctx1:b", "/schemas/ids/3?subject=:.ctx1:", "/schemas/ids/1?subject=:.ctx2:c",
		"/schemas/ids/1/subjects", "/schemas/ids/1/subjects?subject=:.ctx1:", "/schemas/ids/1/versions?subject=:.ctx2:",
		"/subjects/:.ctx1:a/versions/2",
	} {
		status, body := do(t, h, "GET", p, nil)
		fmt.Fprintf(&b, "%s %d %s\n", p, status, scrubGUIDs(body))
	}
	return b.String()
}

func scrubGUIDs(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return body
	}
	out, _ := json.Marshal(scrub(v))
	return string(out)
}

func TestContexts(t *testing.T) {
	h := newServer(t, DefaultCompatibility(compat.None)).Handler()
	fillContexts(t, h)
	runSteps(t, h, []step{
		{name: "contexts", method: "GET", path: "/contexts", status: 200, want: `[".",".ctx1",".ctx2"]`},
		{name: "id 1 in the default context", method: "GET", path: "/schemas/ids/1", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "id 1 in .ctx1 through a subject", method: "GET", path: "/schemas/ids/1?subject=:.ctx1:a", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV2))},
		{name: "id 2 in .ctx1", method: "GET", path: "/schemas/ids/2?subject=:.ctx1:b", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "id 2 in .ctx1 through the context alone", method: "GET", path: "/schemas/ids/2?subject=:.ctx1:", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "id 2 is not in the default context", method: "GET", path: "/schemas/ids/2", status: 404, code: CodeSchemaNotFound},
		{name: "id 3 is not in .ctx2", method: "GET", path: "/schemas/ids/3?subject=:.ctx2:c", status: 404, code: CodeSchemaNotFound},
		{name: "id 1 of .ctx1 is not used by b", method: "GET", path: "/schemas/ids/1?subject=:.ctx1:b", status: 404, code: CodeSchemaNotFound},
		{name: "subjects of id 1, default context", method: "GET", path: "/schemas/ids/1/subjects", status: 200, want: `["a","b"]`},
		{name: "subjects of id 1 in .ctx1", method: "GET", path: "/schemas/ids/1/subjects?subject=:.ctx1:", status: 200, want: `[":.ctx1:a",":.ctx1:c"]`},
		{name: "version by subject", method: "GET", path: "/subjects/:.ctx1:a/versions/2", status: 200,
			want: fmt.Sprintf(`{"subject":":.ctx1:a","version":2,"id":3,"guid":"<guid>","schema":%s}`, q(userBad))},
		// Deleting .ctx1's id 1 everywhere keeps the default context's.
		{name: "soft delete .ctx1 a", method: "DELETE", path: "/subjects/:.ctx1:a", status: 200},
		{name: "hard delete .ctx1 a", method: "DELETE", path: "/subjects/:.ctx1:a?permanent=true", status: 200},
		{name: "soft delete .ctx1 c", method: "DELETE", path: "/subjects/:.ctx1:c", status: 200},
		{name: "hard delete .ctx1 c", method: "DELETE", path: "/subjects/:.ctx1:c?permanent=true", status: 200},
		{name: ".ctx1 id 1 is gone", method: "GET", path: "/schemas/ids/1?subject=:.ctx1:", status: 404, code: CodeSchemaNotFound},
		{name: "the default context's id 1 stays", method: "GET", path: "/schemas/ids/1", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: ".ctx1 continues its own sequence", method: "POST", path: "/subjects/:.ctx1:d/versions", body: avroBody(`"long"`), status: 200,
			want: `{"id":4,"subject":":.ctx1:d","version":1,"guid":"<guid>","schema":"\"long\""}`},
	})
}

// TestContextsGUID: a GUID names its context.
func TestContextsGUID(t *testing.T) {
	h := newServer(t).Handler()
	_, body := do(t, h, "POST", "/subjects/:.ctx1:a/versions", avroBody(userV1))
	var r struct{ GUID string }
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.GUID == "" {
		t.Fatalf("%s: %v", body, err)
	}
	runSteps(t, h, []step{
		{name: "ids of the guid", method: "GET", path: "/schemas/guids/" + r.GUID + "/ids", status: 200, want: `[{"context":".ctx1","id":1}]`},
	})
}

// TestContextsReplay: per-context IDs survive a restart on the data file
// and a replay of the Kafka topic, where the first registration of a
// context writes Confluent's CONTEXT record once.
func TestContextsReplay(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "registry.log")
		s1, err := New(LogFile(path), DefaultCompatibility(compat.None))
		if err != nil {
			t.Fatal(err)
		}
		fillContexts(t, s1.Handler())
		before := contextsSnapshot(t, s1.Handler())
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}
		s2 := newServer(t, LogFile(path), DefaultCompatibility(compat.None))
		if after := contextsSnapshot(t, s2.Handler()); after != before {
			t.Fatalf("after restart:\n got %s\nwant %s", after, before)
		}
	})
	t.Run("kafka", func(t *testing.T) {
		addrs := newCluster(t, 1)
		s1, err := New(KafkaStore("", kgo.SeedBrokers(addrs...)), DefaultCompatibility(compat.None))
		if err != nil {
			t.Fatal(err)
		}
		fillContexts(t, s1.Handler())
		before := contextsSnapshot(t, s1.Handler())
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}
		var ctxKeys []string
		for _, r := range readTopic(t, addrs, "_schemas") {
			if strings.Contains(string(r.Key), `"keytype":"CONTEXT"`) {
				ctxKeys = append(ctxKeys, string(r.Key)+" "+string(r.Value))
			}
		}
		want := []string{
			`{"keytype":"CONTEXT","tenant":"default","context":".ctx1","magic":0} {"tenant":"default","context":".ctx1"}`,
			`{"keytype":"CONTEXT","tenant":"default","context":".ctx2","magic":0} {"tenant":"default","context":".ctx2"}`,
		}
		if strings.Join(ctxKeys, "\n") != strings.Join(want, "\n") {
			t.Errorf("CONTEXT records:\n got %q\nwant %q", ctxKeys, want)
		}
		s2 := newServer(t, KafkaStore("", kgo.SeedBrokers(addrs...)), DefaultCompatibility(compat.None))
		if after := contextsSnapshot(t, s2.Handler()); after != before {
			t.Fatalf("after replay:\n got %s\nwant %s", after, before)
		}
	})
}

// TestContextReferences: a reference to an unqualified subject is to that
// subject in the referrer's context, as Confluent qualifies it.
func TestContextReferences(t *testing.T) {
	h := newServer(t).Handler()
	base := `{"type":"record","name":"Base","fields":[{"name":"x","type":"long"}]}`
	user := `{"type":"record","name":"User","fields":[{"name":"b","type":"Base"}]}`
	withRef := map[string]any{"schema": user, "references": []map[string]any{{"name": "Base", "subject": "base", "version": 1}}}
	runSteps(t, h, []step{
		{name: "base in .ctx1", method: "POST", path: "/subjects/:.ctx1:base/versions", body: avroBody(base), status: 200},
		{name: "default context has no base", method: "POST", path: "/subjects/user/versions", body: withRef, status: 422, code: CodeInvalidSchema},
		{name: "user in .ctx1 references .ctx1's base", method: "POST", path: "/subjects/:.ctx1:user/versions", body: withRef, status: 200,
			want: fmt.Sprintf(`{"id":2,"subject":":.ctx1:user","version":1,"guid":"<guid>","schema":%s,"references":[{"name":"Base","subject":"base","version":1}]}`, q(user))},
		{name: "referenced by", method: "GET", path: "/subjects/:.ctx1:base/versions/1/referencedby", status: 200, want: `[2]`},
		{name: "the referenced version cannot be deleted", method: "DELETE", path: "/subjects/:.ctx1:base/versions/1", status: 422, code: CodeReferenceExists},
		{name: "lookup in .ctx1", method: "POST", path: "/subjects/:.ctx1:user", body: withRef, status: 200},
		{name: "a base in the default context is another subject", method: "POST", path: "/subjects/base/versions", body: avroBody(`"string"`), status: 200},
		{name: "default user does not compile against it", method: "POST", path: "/subjects/user/versions", body: withRef, status: 422, code: CodeInvalidSchema},
	})
}

// TestContextConfig: the config and mode of ":.ctx:" apply to the
// context's subjects that have none of their own, before the global ones.
func TestContextConfig(t *testing.T) {
	h := newServer(t).Handler()
	runSteps(t, h, []step{
		{name: "v1 in .ctx1", method: "POST", path: "/subjects/:.ctx1:a/versions", body: avroBody(userV1), status: 200},
		{name: "v1 in the default context", method: "POST", path: "/subjects/a/versions", body: avroBody(userV1), status: 200},
		{name: "v1 in .ctx2", method: "POST", path: "/subjects/:.ctx2:a/versions", body: avroBody(userV1), status: 200},
		{name: "context level NONE", method: "PUT", path: "/config/:.ctx1:", body: map[string]any{"compatibility": "NONE"}, status: 200},
		{name: "context default rule set", method: "PUT", path: "/config/:.ctx1:", body: map[string]any{"defaultRuleSet": map[string]any{"domainRules": []any{celRule("c", "CEL", "true")}}}, status: 200},
		{name: "incompatible in .ctx1 is accepted", method: "POST", path: "/subjects/:.ctx1:a/versions", body: avroBody(userBad), status: 200,
			want: fmt.Sprintf(`{"id":2,"subject":":.ctx1:a","version":2,"guid":"<guid>","schema":%s,"ruleSet":{"domainRules":[{"name":"c","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]}}`, q(userBad))},
		{name: "incompatible in the default context is refused", method: "POST", path: "/subjects/a/versions", body: avroBody(userBad), status: 409, code: CodeIncompatibleSchema},
		{name: "incompatible in .ctx2 is refused", method: "POST", path: "/subjects/:.ctx2:a/versions", body: avroBody(userBad), status: 409, code: CodeIncompatibleSchema},
		{name: "the subject's own level wins", method: "PUT", path: "/config/:.ctx1:a", body: map[string]any{"compatibility": "FULL"}, status: 200},
		{name: "now refused in .ctx1 a", method: "POST", path: "/subjects/:.ctx1:a/versions", body: avroBody(userV2), status: 409, code: CodeIncompatibleSchema},
		{name: "context read-only", method: "PUT", path: "/mode/:.ctx2:", body: map[string]any{"mode": "READONLY"}, status: 200},
		{name: "writes in .ctx2 refused", method: "POST", path: "/subjects/:.ctx2:b/versions", body: avroBody(userV1), status: 422, code: CodeOperationNotPermitted},
		{name: "writes elsewhere go on", method: "POST", path: "/subjects/b/versions", body: avroBody(userV1), status: 200},
	})
}

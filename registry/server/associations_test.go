package server

import (
	"encoding/json"
	"testing"
)

// TestAssociations walks the associations API through the calls
// Confluent's clients make: AssociatedNameStrategy's lookup
// (GET /associations/resources/{namespace}/{name}?resourceType=topic&associationType=value,
// an empty list meaning "fall back to TopicNameStrategy"), creation of a
// STRONG association with its schema, WEAK ones on existing subjects,
// and deletion with and without cascadeLifecycle.
func TestAssociations(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	strong := map[string]any{
		"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-1",
		"associations": []map[string]any{{"associationType": "value", "schema": avroBody(userV1)}},
	}
	weak := func(id, typ, subject string) map[string]any {
		return map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": id,
			"associations": []map[string]any{{"associationType": typ, "subject": subject}},
		}
	}
	const lookup = "/associations/resources/-/orders?resourceType=topic&associationType=value"
	runSteps(t, h, []step{
		{name: "strategy lookup before any association is an empty list", method: "GET", path: lookup, status: 200, want: `[]`},
		{name: "create strong with its schema", method: "POST", path: "/associations", body: strong, status: 200, want: `{
			"resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"topic-1","resourceType":"topic",
			"associations":[{"subject":":.lkc-1:orders-value","associationType":"value","lifecycle":"STRONG","frozen":true,
				"schema":{"subject":":.lkc-1:orders-value","version":1,"id":1,"guid":"<guid>","schema":` + q(userV1) + `}}]}`},
		{name: "the strong subject holds the schema", method: "GET", path: "/subjects/:.lkc-1:orders-value/versions/1/schema", status: 200, want: userV1},
		{name: "creating the same again is accepted", method: "POST", path: "/associations", body: strong, status: 200},
		{name: "another value association for the resource", method: "POST", path: "/associations", body: weak("topic-1", "value", "other"), status: 409, code: CodeAssociationForResourceExists},
		{name: "weak needs a subject with a live version", method: "POST", path: "/associations", body: weak("topic-1", "key", "orders-key"), status: 409, code: CodeNoActiveSubjectVersion},
		{name: "register the key subject", method: "POST", path: "/subjects/orders-key/versions", body: avroBody(`"string"`), status: 200},
		{name: "weak key association", method: "POST", path: "/associations", body: weak("topic-1", "key", "orders-key"), status: 200},
		{name: "weak on a strong association's subject", method: "POST", path: "/associations", status: 409, body: map[string]any{
			"resourceName": "payments", "resourceNamespace": "lkc-1", "resourceId": "topic-2",
			"associations": []map[string]any{{"subject": ":.lkc-1:orders-value"}}}, code: CodeStrongAssociationForSubject},
		{name: "weak with a schema", method: "POST", path: "/associations", status: 422, code: CodeInvalidAssociation, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-3",
			"associations": []map[string]any{{"lifecycle": "WEAK", "subject": "x", "schema": avroBody(userV1)}}}},
		{name: "strong without a schema", method: "POST", path: "/associations", status: 422, code: CodeInvalidAssociation, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-3",
			"associations": []map[string]any{{"lifecycle": "STRONG"}}}},
		{name: "unfrozen with a schema", method: "POST", path: "/associations", status: 422, code: CodeInvalidAssociation, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-3",
			"associations": []map[string]any{{"frozen": false, "schema": avroBody(userV1)}}}},
		{name: "resource type other than topic", method: "POST", path: "/associations", status: 422, code: CodeInvalidAssociation, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "topic-3", "resourceType": "table",
			"associations": []map[string]any{{"subject": "orders-key"}}}},
		{name: "no resource id", method: "POST", path: "/associations", body: weak("", "key", "orders-key"), status: 422, code: CodeInvalidAssociation},
		{name: "strong subject with an older history", method: "POST", path: "/associations", status: 422, code: CodeInvalidAssociation, body: func() map[string]any {
			// Two versions in ":.lkc-1:pay-value" first: a frozen subject must start empty or at version 1.
			do(t, h, "POST", "/subjects/:.lkc-1:pay-value/versions", avroBody(userV1))
			do(t, h, "POST", "/subjects/:.lkc-1:pay-value/versions", avroBody(userV2))
			return map[string]any{"resourceName": "pay", "resourceNamespace": "lkc-1", "resourceId": "topic-9",
				"associations": []map[string]any{{"schema": avroBody(userV2)}}}
		}()},
		{name: "dry run creates nothing", method: "POST", path: "/associations?dryRun=true", body: weak("topic-5", "key", "orders-key"), status: 200},
		{name: "dry run left no association", method: "DELETE", path: "/associations/resources/topic-5", status: 404, code: CodeAssociationNotFound},
	})

	var got []association
	status, body := do(t, h, "GET", lookup, nil)
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got) != 1 {
		t.Fatalf("strategy lookup: %d %s", status, body)
	}
	if a := got[0]; a.Subject != ":.lkc-1:orders-value" || a.ResourceID != "topic-1" || a.Lifecycle != lifecycleStrong || !a.Frozen || a.CreateTimestamp == 0 {
		t.Errorf("strategy lookup: %+v", a)
	}
	for _, tt := range []struct {
		name, path string
		want       int
	}{
		{name: "by resource id", path: "/associations/resources/topic-1", want: 2},
		{name: "by resource id, key only", path: "/associations/resources/topic-1?associationType=key", want: 1},
		{name: "by subject", path: "/associations/subjects/orders-key", want: 1},
		{name: "by namespace and name", path: "/associations/resources/lkc-1/orders", want: 2},
		{name: "whole namespace, weak only", path: "/associations/resources/lkc-1/-?lifecycle=WEAK", want: 1},
		{name: "other namespace", path: "/associations/resources/lkc-2/orders", want: 0},
		{name: "paged", path: "/associations/resources/topic-1?offset=1&limit=5", want: 1},
		{name: "other resource type", path: "/associations/resources/topic-1?resourceType=table", want: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []association
			status, body := do(t, h, "GET", tt.path, nil)
			if status != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got) != tt.want {
				t.Fatalf("%d %s: want %d associations", status, body, tt.want)
			}
		})
	}

	runSteps(t, h, []step{
		{name: "an associated subject cannot be deleted", method: "DELETE", path: "/subjects/orders-key", status: 409, code: CodeAssociationForSubjectExists},
		{name: "nor a strong one", method: "DELETE", path: "/subjects/:.lkc-1:orders-value", status: 409, code: CodeAssociationForSubjectExists},
		{name: "a frozen association needs the cascade", method: "DELETE", path: "/associations/resources/topic-1?associationType=value", status: 409, code: CodeAssociationFrozen},
		{name: "the strong subject is still there", method: "GET", path: "/subjects/:.lkc-1:orders-value/versions/1", status: 200},
		{name: "delete the weak key association", method: "DELETE", path: "/associations/resources/topic-1?associationType=key", status: 204},
		{name: "a weak association leaves its subject", method: "GET", path: "/subjects/orders-key/versions/1", status: 200},
		{name: "without its association the subject can be deleted", method: "DELETE", path: "/subjects/orders-key", status: 200},
		{name: "cascade deletes the strong subject", method: "DELETE", path: "/associations/resources/topic-1?cascadeLifecycle=true", status: 204},
		{name: "the strong subject is gone for good", method: "GET", path: "/subjects/:.lkc-1:orders-value/versions?deleted=true", status: 404, code: CodeSubjectNotFound},
		{name: "nothing left to delete", method: "DELETE", path: "/associations/resources/topic-1", status: 404, code: CodeAssociationNotFound},
		{name: "strategy lookup falls back again", method: "GET", path: lookup, status: 200, want: `[]`},
		{name: "read-only mode refuses", method: "PUT", path: "/mode", body: map[string]any{"mode": "READONLY"}, status: 200},
		{name: "no association in read-only mode", method: "POST", path: "/associations", body: weak("topic-7", "key", "orders-key"), status: 422, code: CodeOperationNotPermitted},
	})
}

func TestUpsertAssociations(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	res := func(assocs ...map[string]any) map[string]any {
		return map[string]any{"resourceName": "orders", "resourceNamespace": "lkc-1", "associations": assocs}
	}
	runSteps(t, h, []step{
		{name: "key subject", method: "POST", path: "/subjects/orders-key/versions", body: avroBody(`"string"`), status: 200},
		{name: "strong value with the topic", method: "POST", path: "/associations", status: 200, body: map[string]any{
			"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-1",
			"associations": []map[string]any{{"schema": avroBody(userV1)}}}},
		{name: "path and body ids differ", method: "PUT", path: "/associations/resources/t-1", status: 422, code: CodeInvalidAssociation,
			body: map[string]any{"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-2", "associations": []map[string]any{{"associationType": "key", "subject": "orders-key"}}}},
		{name: "strong cannot be added by upsert", method: "PUT", path: "/associations/resources/t-1", status: 422, code: CodeInvalidAssociation,
			body: res(map[string]any{"associationType": "key", "lifecycle": "STRONG"})},
		{name: "no schema by upsert", method: "PUT", path: "/associations/resources/t-1", status: 422, code: CodeInvalidAssociation,
			body: res(map[string]any{"associationType": "key", "subject": "orders-key", "schema": avroBody(`"string"`)})},
		{name: "add a weak key", method: "PUT", path: "/associations/resources/t-1", status: 200,
			body: res(map[string]any{"associationType": "key", "subject": "orders-key"}),
			want: `{"resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-1","resourceType":"topic",
				"associations":[{"subject":"orders-key","associationType":"key","lifecycle":"WEAK","frozen":false}]}`},
		{name: "the same again", method: "PUT", path: "/associations/resources/t-1", status: 200,
			body: res(map[string]any{"associationType": "key", "subject": "orders-key"})},
		{name: "the subject cannot change", method: "PUT", path: "/associations/resources/t-1", status: 422, code: CodeInvalidAssociation,
			body: res(map[string]any{"associationType": "key", "subject": "other"})},
		{name: "a weak one cannot become strong", method: "PUT", path: "/associations/resources/t-1", status: 422, code: CodeInvalidAssociation,
			body: res(map[string]any{"associationType": "key", "lifecycle": "STRONG"})},
		{name: "a frozen one cannot change", method: "PUT", path: "/associations/resources/t-1", status: 409, code: CodeAssociationFrozen,
			body: res(map[string]any{"associationType": "value", "lifecycle": "WEAK"})},
	})
	var got []association
	status, body := do(t, h, "GET", "/associations/resources/t-1", nil)
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got) != 2 ||
		got[0].AssociationType != "key" || got[0].Lifecycle != lifecycleWeak || got[1].Lifecycle != lifecycleStrong {
		t.Fatalf("after upserts: %d %s", status, body)
	}
}

func TestTooManyAssociations(t *testing.T) {
	defer func(n int) { maxAssociations = n }(maxAssociations)
	maxAssociations = 2
	s := newServer(t)
	h := s.Handler()
	weak := func(id string) map[string]any {
		return map[string]any{"resourceName": "t" + id, "resourceNamespace": "lkc-1", "resourceId": id,
			"associations": []map[string]any{{"subject": "k"}}}
	}
	runSteps(t, h, []step{
		{name: "subject", method: "POST", path: "/subjects/k/versions", body: avroBody(`"string"`), status: 200},
		{name: "first", method: "POST", path: "/associations", body: weak("1"), status: 200},
		{name: "second", method: "POST", path: "/associations", body: weak("2"), status: 200},
		{name: "third is one too many", method: "POST", path: "/associations", body: weak("3"), status: 409, code: CodeTooManyAssociations},
		{name: "delete one", method: "DELETE", path: "/associations/resources/1", status: 204},
		{name: "then there is room", method: "POST", path: "/associations", body: weak("3"), status: 200},
	})
}

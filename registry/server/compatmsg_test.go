package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCompatibilityMessagesConfluentShape checks the verbose answer of
// /compatibility and the 409 of a registration against the shapes
// Confluent's registry gives: each difference as {errorType:...}, then
// the old version and its text, then the level.
func TestCompatibilityMessagesConfluentShape(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	do(t, h, "POST", "/subjects/u/versions", avroBody(userV1))

	status, body := do(t, h, "POST", "/compatibility/subjects/u/versions?verbose=true", avroBody(userBad))
	var res compatResponse
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil || res.IsCompatible || res.Messages == nil {
		t.Fatalf("%d %s", status, body)
	}
	want := []string{
		"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'at 'User.age': ",
		"{oldSchemaVersion: 1}",
		"{oldSchema: '" + userV1 + "'}",
		"{validateFields: 'false', compatibility: 'BACKWARD'}",
	}
	msgs := *res.Messages
	if len(msgs) != len(want) {
		t.Fatalf("messages %q, want %d", msgs, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(msgs[i], want[i]) {
			t.Errorf("message %d: %q, want it to start with %q", i, msgs[i], want[i])
		}
	}

	status, body = do(t, h, "POST", "/subjects/u/versions", avroBody(userBad))
	var e errorBody
	if status != 409 || json.Unmarshal([]byte(body), &e) != nil || e.ErrorCode != 40901 ||
		!strings.Contains(e.Message, `details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'`) ||
		!strings.HasSuffix(e.Message, "{validateFields: 'false', compatibility: 'BACKWARD'}]") {
		t.Errorf("register: %d %s", status, body)
	}
}

// TestUnresolvablePreviousReference: when an existing version's
// reference no longer resolves, Confluent answers an incompatibility
// (409, is_compatible false), not an invalid schema (422). The state is
// edited by hand to get there, as a damaged or hand-made data file would.
func TestUnresolvablePreviousReference(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	const dep = `{"type":"record","name":"Dep","fields":[{"name":"x","type":"int"}]}`
	const user = `{"type":"record","name":"User","fields":[{"name":"d","type":"Dep"}]}`
	const user2 = `{"type":"record","name":"User","fields":[{"name":"d","type":{"type":"record","name":"Dep","fields":[{"name":"x","type":"int"}]}}]}`
	withRef := map[string]any{"schema": user, "references": []map[string]any{{"name": "Dep", "subject": "dep", "version": 1}}}
	runSteps(t, h, []step{
		{name: "dep", method: "POST", path: "/subjects/dep/versions", body: avroBody(dep), status: 200},
		{name: "user with reference", method: "POST", path: "/subjects/u/versions", body: withRef, status: 200},
		{name: "before: the same change is compatible", method: "POST", path: "/compatibility/subjects/u/versions/latest", body: avroBody(user2), status: 200, want: `{"is_compatible":true}`},
	})
	s.mu.Lock()
	delete(s.st.subjects, "dep")
	s.mu.Unlock()
	runSteps(t, h, []step{
		{name: "a new schema whose reference does not resolve is invalid", method: "POST", path: "/compatibility/subjects/u/versions/latest", body: withRef, status: 422, code: CodeInvalidSchema},
		{name: "compatibility names the broken version", method: "POST", path: "/compatibility/subjects/u/versions/latest", body: avroBody(user2), status: 200, want: `{"is_compatible":false}`},
		{name: "register is an incompatibility", method: "POST", path: "/subjects/u/versions", body: avroBody(user2), status: 409, code: CodeIncompatibleSchema},
		{name: "nothing registered", method: "GET", path: "/subjects/u/versions", status: 200, want: `[1]`},
	})
	status, body := do(t, h, "POST", "/compatibility/subjects/u/versions/latest?verbose=true", avroBody(user2))
	if status != 200 || !strings.Contains(body, "PREVIOUS_SCHEMA_UNREADABLE") || !strings.Contains(body, "{oldSchemaVersion: 1}") {
		t.Errorf("verbose: %d %s", status, body)
	}
}

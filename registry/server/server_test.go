package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
)

func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestSubjectEndpoints(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	v1 := fmt.Sprintf(`{"subject":"users-value","version":1,"id":1,"guid":"<guid>","schema":%s}`, q(userV1))
	v2 := fmt.Sprintf(`{"subject":"users-value","version":2,"id":2,"guid":"<guid>","schema":%s}`, q(userV2))
	runSteps(t, h, []step{
		{name: "root", method: "GET", path: "/", status: 200, want: `{}`},
		{name: "no subjects", method: "GET", path: "/subjects", status: 200, want: `[]`},
		{name: "types", method: "GET", path: "/schemas/types", status: 200, want: `["JSON","PROTOBUF","AVRO"]`},
		{name: "register v1", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1), status: 200,
			want: fmt.Sprintf(`{"id":1,"subject":"users-value","version":1,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "register v1 again", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1), status: 200,
			want: fmt.Sprintf(`{"id":1,"subject":"users-value","version":1,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "register v1 written another way", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV1Spaced), status: 200,
			want: fmt.Sprintf(`{"id":1,"subject":"users-value","version":1,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "register v2", method: "POST", path: "/subjects/users-value/versions", body: avroBody(userV2), status: 200,
			want: fmt.Sprintf(`{"id":2,"subject":"users-value","version":2,"guid":"<guid>","schema":%s}`, q(userV2))},
		{name: "same schema other subject shares id", method: "POST", path: "/subjects/other-value/versions", body: avroBody(userV1), status: 200,
			want: fmt.Sprintf(`{"id":1,"subject":"other-value","version":1,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "subjects", method: "GET", path: "/subjects", status: 200, want: `["other-value","users-value"]`},
		{name: "subjects by prefix", method: "GET", path: "/subjects?subjectPrefix=users", status: 200, want: `["users-value"]`},
		{name: "max id", method: "GET", path: "/schemas/ids/1?fetchMaxId=true", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s,"maxId":2}`, q(userV1))},
		{name: "versions", method: "GET", path: "/subjects/users-value/versions", status: 200, want: `[1,2]`},
		{name: "version 1", method: "GET", path: "/subjects/users-value/versions/1", status: 200, want: v1},
		{name: "latest", method: "GET", path: "/subjects/users-value/versions/latest", status: 200, want: v2},
		{name: "minus one is latest", method: "GET", path: "/subjects/users-value/versions/-1", status: 200, want: v2},
		{name: "raw schema", method: "GET", path: "/subjects/users-value/versions/1/schema", status: 200, want: userV1},
		{name: "version not found", method: "GET", path: "/subjects/users-value/versions/3", status: 404, code: CodeVersionNotFound},
		{name: "invalid version", method: "GET", path: "/subjects/users-value/versions/zero", status: 422, code: CodeInvalidVersion},
		{name: "version 0 invalid", method: "GET", path: "/subjects/users-value/versions/0", status: 422, code: CodeInvalidVersion},
		{name: "subject not found", method: "GET", path: "/subjects/nope/versions", status: 404, code: CodeSubjectNotFound},
		{name: "subject not found version", method: "GET", path: "/subjects/nope/versions/1", status: 404, code: CodeSubjectNotFound},
		{name: "lookup", method: "POST", path: "/subjects/users-value", body: avroBody(userV2), status: 200, want: v2},
		{name: "lookup other text", method: "POST", path: "/subjects/users-value", body: avroBody(userV1Spaced), status: 200, want: v1},
		{name: "lookup python flags", method: "POST", path: "/subjects/users-value?normalize=False&deleted=False", body: avroBody(userV1), status: 200, want: v1},
		{name: "lookup missing schema", method: "POST", path: "/subjects/users-value", body: avroBody(`"string"`), status: 404, code: CodeSchemaNotFound},
		{name: "lookup missing subject", method: "POST", path: "/subjects/nope", body: avroBody(userV1), status: 404, code: CodeSubjectNotFound},
		{name: "lookup invalid schema", method: "POST", path: "/subjects/users-value", body: avroBody(`{"type":`), status: 422, code: CodeInvalidSchema},
		{name: "schema by id", method: "GET", path: "/schemas/ids/1", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "schema by id in subject", method: "GET", path: "/schemas/ids/2?subject=users-value", status: 200, want: fmt.Sprintf(`{"guid":"<guid>","schema":%s}`, q(userV2))},
		{name: "schema by id wrong subject", method: "GET", path: "/schemas/ids/2?subject=other-value", status: 404, code: CodeSchemaNotFound},
		{name: "schema by id format accepted", method: "GET", path: "/schemas/ids/1?format=resolved", status: 200},
		{name: "schema text by id", method: "GET", path: "/schemas/ids/1/schema", status: 200, want: userV1},
		{name: "subjects by id", method: "GET", path: "/schemas/ids/1/subjects", status: 200, want: `["other-value","users-value"]`},
		{name: "versions by id", method: "GET", path: "/schemas/ids/1/versions", status: 200,
			want: `[{"subject":"other-value","version":1},{"subject":"users-value","version":1}]`},
		{name: "unknown id", method: "GET", path: "/schemas/ids/99", status: 404, code: CodeSchemaNotFound},
		{name: "non-numeric id", method: "GET", path: "/schemas/ids/x", status: 404, code: CodeSchemaNotFound},
		{name: "all schemas latest", method: "GET", path: "/schemas?latestOnly=true", status: 200,
			want: fmt.Sprintf(`[{"subject":"other-value","version":1,"id":1,"guid":"<guid>","schema":%s},%s]`, q(userV1), v2)},
		{name: "referencedby none", method: "GET", path: "/subjects/users-value/versions/1/referencedby", status: 200, want: `[]`},
		{name: "contexts", method: "GET", path: "/contexts", status: 200, want: `["."]`},
		{name: "cluster id", method: "GET", path: "/v1/metadata/id", status: 200, want: `{"scope":{"path":[],"clusters":{"schema-registry-cluster":"schemagen"}}}`},
	})
}

func TestGUID(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	_, body := do(t, h, "POST", "/subjects/a/versions", avroBody(userV1))
	var reg struct {
		ID   int    `json:"id"`
		GUID string `json:"guid"`
	}
	if err := json.Unmarshal([]byte(body), &reg); err != nil || !guidRE.MatchString(reg.GUID) {
		t.Fatalf("register: %s: no GUID (%v)", body, err)
	}
	_, body2 := do(t, h, "POST", "/subjects/b/versions", avroBody(userV1))
	if !jsonEqual(t, body2, body) || !json.Valid([]byte(body2)) {
		t.Logf("second subject: %s", body2)
	}
	var reg2 struct {
		GUID string `json:"guid"`
	}
	_ = json.Unmarshal([]byte(body2), &reg2)
	if reg2.GUID != reg.GUID {
		t.Errorf("same schema in two subjects got GUIDs %s and %s", reg.GUID, reg2.GUID)
	}
	runSteps(t, h, []step{
		{name: "by guid", method: "GET", path: "/schemas/guids/" + reg.GUID, status: 200,
			want: fmt.Sprintf(`{"id":%d,"guid":%q,"schema":%s}`, reg.ID, reg.GUID, q(userV1))},
		{name: "ids by guid", method: "GET", path: "/schemas/guids/" + reg.GUID + "/ids", status: 200,
			want: fmt.Sprintf(`[{"context":".","id":%d}]`, reg.ID)},
		{name: "unknown guid", method: "GET", path: "/schemas/guids/00000000-0000-4000-8000-000000000000", status: 404, code: CodeSchemaNotFound},
	})
}

func TestRegisterErrors(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "empty schema", method: "POST", path: "/subjects/s/versions", body: avroBody(""), status: 422, code: CodeInvalidSchema},
		{name: "not avro", method: "POST", path: "/subjects/s/versions", body: avroBody(`{"type":"recordx"}`), status: 422, code: CodeInvalidSchema},
		{name: "unknown type", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": "x", "schemaType": "XML"}, status: 422, code: CodeInvalidSchema},
		{name: "bad protobuf", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": "message {", "schemaType": "PROTOBUF"}, status: 422, code: CodeInvalidSchema},
		{name: "bad json schema", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": `{"type":12}`, "schemaType": "JSON"}, status: 422, code: CodeInvalidSchema},
		{name: "missing reference", method: "POST", path: "/subjects/s/versions",
			body: map[string]any{"schema": userV1, "references": []map[string]any{{"name": "x", "subject": "nope", "version": 1}}}, status: 422, code: CodeInvalidSchema},
		{name: "malformed json", method: "POST", path: "/subjects/s/versions", body: `{"schema":`, status: 400, code: 400},
		{name: "no body", method: "POST", path: "/subjects/s/versions", body: ``, status: 400, code: 400},
		{name: "id outside import mode", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": userV1, "id": 7}, status: 422, code: CodeOperationNotPermitted},
		{name: "nothing registered", method: "GET", path: "/subjects", status: 200, want: `[]`},
		{name: "unknown path", method: "GET", path: "/nope", status: 404, code: 404},
		{name: "wrong method", method: "PATCH", path: "/subjects", status: 405, code: 405},
		{name: "wrong method on versions", method: "PUT", path: "/subjects/s/versions", status: 405, code: 405},
	})
}

func TestRawSchemaText(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	const proto1 = "syntax = \"proto3\";\npackage acme;\nmessage Order { int64 id = 1; }\n"
	do(t, h, "POST", "/subjects/p/versions", map[string]any{"schema": proto1, "schemaType": "PROTOBUF"})
	do(t, h, "POST", "/subjects/a/versions", avroBody(userV1Spaced))
	tests := []struct {
		name, path, want string
	}{
		{name: "protobuf by id", path: "/schemas/ids/1/schema", want: proto1},
		{name: "protobuf by version", path: "/subjects/p/versions/1/schema", want: proto1},
		{name: "avro by id", path: "/schemas/ids/2/schema", want: userV1Spaced},
		{name: "avro latest", path: "/subjects/a/versions/latest/schema", want: userV1Spaced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, h, "GET", tt.path, nil)
			if status != 200 || body != tt.want {
				t.Errorf("%d %q, want the text as stored: %q", status, body, tt.want)
			}
		})
	}
}

func TestOtherFormats(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	const proto1 = "syntax = \"proto3\";\npackage acme;\nmessage Order { int64 id = 1; }\n"
	const proto2 = "syntax = \"proto3\";\npackage acme;\nmessage Order { int64 id = 1; string sku = 2; }\n"
	const js1 = `{"type":"object","properties":{"id":{"type":"integer"}}}`
	runSteps(t, h, []step{
		{name: "protobuf", method: "POST", path: "/subjects/orders-value/versions", body: map[string]any{"schema": proto1, "schemaType": "PROTOBUF"}, status: 200,
			want: fmt.Sprintf(`{"id":1,"subject":"orders-value","version":1,"guid":"<guid>","schemaType":"PROTOBUF","schema":%s}`, q(proto1))},
		{name: "protobuf v2", method: "POST", path: "/subjects/orders-value/versions", body: map[string]any{"schema": proto2, "schemaType": "PROTOBUF"}, status: 200},

		{name: "protobuf by id", method: "GET", path: "/schemas/ids/1", status: 200,
			want: fmt.Sprintf(`{"guid":"<guid>","schemaType":"PROTOBUF","schema":%s}`, q(proto1))},
		{name: "json schema", method: "POST", path: "/subjects/j-value/versions", body: map[string]any{"schema": js1, "schemaType": "JSON"}, status: 200,
			want: fmt.Sprintf(`{"id":3,"subject":"j-value","version":1,"guid":"<guid>","schemaType":"JSON","schema":%s}`, q(js1))},
		{name: "same text other format is another schema", method: "POST", path: "/subjects/k-value/versions",
			body: map[string]any{"schema": `{"type":"string"}`, "schemaType": "JSON"}, status: 200},
		{name: "lookup needs the format", method: "POST", path: "/subjects/j-value", body: avroBody(js1), status: 422, code: CodeInvalidSchema},
	})
}

func TestSubjectWithSlash(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "register escaped", method: "POST", path: "/subjects/a%2Fb.proto/versions", body: avroBody(userV1), status: 200},
		{name: "list", method: "GET", path: "/subjects", status: 200, want: `["a/b.proto"]`},
		{name: "versions", method: "GET", path: "/subjects/a%2Fb.proto/versions", status: 200, want: `[1]`},
		{name: "latest", method: "GET", path: "/subjects/a%2Fb.proto/versions/latest", status: 200,
			want: fmt.Sprintf(`{"subject":"a/b.proto","version":1,"id":1,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "lookup", method: "POST", path: "/subjects/a%2Fb.proto", body: avroBody(userV1), status: 200},
		{name: "config", method: "PUT", path: "/config/a%2Fb.proto", body: map[string]any{"compatibility": "NONE"}, status: 200, want: `{"compatibility":"NONE"}`},
		{name: "config get", method: "GET", path: "/config/a%2Fb.proto", status: 200, want: `{"compatibilityLevel":"NONE"}`},
		{name: "unescaped is another path", method: "GET", path: "/subjects/a/b.proto/versions", status: 404, code: 404},
	})
}

func TestCompatibilityEnforced(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "compat on missing subject", method: "POST", path: "/compatibility/subjects/u/versions", body: avroBody(userV1), status: 200, want: `{"is_compatible":true}`},
		{name: "compat latest on missing subject", method: "POST", path: "/compatibility/subjects/u/versions/latest", body: avroBody(userV1), status: 404, code: CodeSubjectNotFound},
		{name: "v1", method: "POST", path: "/subjects/u/versions", body: avroBody(userV1), status: 200},
		{name: "compatible", method: "POST", path: "/compatibility/subjects/u/versions/latest", body: avroBody(userV2), status: 200, want: `{"is_compatible":true}`},
		{name: "compatible all", method: "POST", path: "/compatibility/subjects/u/versions?verbose=true", body: avroBody(userV2), status: 200, want: `{"is_compatible":true,"messages":[]}`},
		{name: "compat version missing", method: "POST", path: "/compatibility/subjects/u/versions/9", body: avroBody(userV2), status: 404, code: CodeVersionNotFound},
		{name: "compat invalid schema", method: "POST", path: "/compatibility/subjects/u/versions/1", body: avroBody("{"), status: 422, code: CodeInvalidSchema},
		{name: "incompatible register", method: "POST", path: "/subjects/u/versions", body: avroBody(userBad), status: 409, code: CodeIncompatibleSchema},
		{name: "still one version", method: "GET", path: "/subjects/u/versions", status: 200, want: `[1]`},
		{name: "set NONE", method: "PUT", path: "/config/u", body: map[string]any{"compatibility": "none"}, status: 200, want: `{"compatibility":"NONE"}`},
		{name: "incompatible allowed at NONE", method: "POST", path: "/subjects/u/versions", body: avroBody(userBad), status: 200},
		{name: "versions", method: "GET", path: "/subjects/u/versions", status: 200, want: `[1,2]`},
	})
	// The compatibility endpoint with findings.
	status, body := do(t, h, "POST", "/compatibility/subjects/u/versions/1?verbose=true", avroBody(`{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`))
	var res compatResponse
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("compatibility: %d %s", status, body)
	}
	// The subject is at NONE now: everything is compatible.
	if !res.IsCompatible {
		t.Errorf("at NONE: %s", body)
	}
	do(t, h, "PUT", "/config/u", map[string]any{"compatibility": "BACKWARD"})
	status, body = do(t, h, "POST", "/compatibility/subjects/u/versions/1?verbose=true", avroBody(`{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`))
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil || res.IsCompatible || res.Messages == nil || len(*res.Messages) == 0 {
		t.Fatalf("type change at BACKWARD: %d %s, want incompatible with messages", status, body)
	}
	// Without verbose, the verdict alone, as Confluent answers.
	status, body = do(t, h, "POST", "/compatibility/subjects/u/versions/1", avroBody(`{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`))
	if status != 200 || !jsonEqual(t, body, `{"is_compatible":false}`) {
		t.Fatalf("without verbose: %d %s", status, body)
	}
}

func TestCheckerOption(t *testing.T) {
	tests := []struct {
		name      string
		global    compat.Level
		subject   compat.Level
		path      string
		res       compat.Result
		status    int
		wantLevel compat.Level
		wantN     int
	}{
		{name: "register uses global level", global: compat.FullTransitive, path: "/subjects/s/versions",
			res: compat.Result{Compatible: true}, status: 200, wantLevel: compat.FullTransitive, wantN: 2},
		{name: "register uses subject level", global: compat.Backward, subject: compat.Forward, path: "/subjects/s/versions",
			res: compat.Result{Compatible: true}, status: 200, wantLevel: compat.Forward, wantN: 2},
		{name: "incompatible is 409", global: compat.Backward, path: "/subjects/s/versions",
			res: compat.Result{Findings: []compat.Finding{{Rule: "FIELD_REMOVED", Path: "User.id", Message: "gone"}}}, status: 409, wantLevel: compat.Backward, wantN: 2},
		{name: "endpoint with version is not transitive", global: compat.BackwardTransitive, path: "/compatibility/subjects/s/versions/1",
			res: compat.Result{Compatible: true}, status: 200, wantLevel: compat.Backward, wantN: 1},
		{name: "endpoint without version passes all", global: compat.BackwardTransitive, path: "/compatibility/subjects/s/versions",
			res: compat.Result{Compatible: true}, status: 200, wantLevel: compat.BackwardTransitive, wantN: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := &fakeChecker{res: compat.Result{Compatible: true}}
			s := newServer(t, Checker(fc), DefaultCompatibility(tt.global))
			h := s.Handler()
			do(t, h, "POST", "/subjects/s/versions", avroBody(userV1))
			do(t, h, "POST", "/subjects/s/versions", avroBody(userV2))
			if tt.subject != "" {
				do(t, h, "PUT", "/config/s", map[string]any{"compatibility": tt.subject})
			}
			fc.res = tt.res
			status, body := do(t, h, "POST", tt.path, avroBody(userBad))
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if fc.level != tt.wantLevel || fc.n != tt.wantN {
				t.Errorf("checker asked at %s with %d versions, want %s with %d", fc.level, fc.n, tt.wantLevel, tt.wantN)
			}
			if status == 409 && !jsonEqual(t, body, `{"error_code":40901,"message":"schema being registered is incompatible with an earlier schema for subject \"s\", details: [{errorType:'FIELD_REMOVED', description:'at 'User.id': gone', additionalInfo:'User.id'}, {validateFields: 'false', compatibility: 'BACKWARD'}]"}`) {
				t.Errorf("409 body %s", body)
			}
		})
	}
}

func TestCheckerError(t *testing.T) {
	fc := &fakeChecker{res: compat.Result{Compatible: true}}
	s := newServer(t, Checker(fc))
	h := s.Handler()
	do(t, h, "POST", "/subjects/s/versions", avroBody(userV1))
	fc.err = errors.New("compat: no checker for format \"AVRO\"")
	runSteps(t, h, []step{
		{name: "register", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 422, code: CodeInvalidSchema},
		{name: "compatibility", method: "POST", path: "/compatibility/subjects/s/versions/latest", body: avroBody(userV2), status: 422, code: CodeInvalidSchema},
		{name: "nothing registered", method: "GET", path: "/subjects/s/versions", status: 200, want: `[1]`},
	})
}

func TestCheckerNotCalledFirstOrImport(t *testing.T) {
	fc := &fakeChecker{res: compat.Result{Compatible: false}}
	s := newServer(t, Checker(fc))
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "first version is not checked", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200},
		{name: "second is", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 409, code: CodeIncompatibleSchema},
		{name: "import mode", method: "PUT", path: "/mode/s?force=true", body: map[string]any{"mode": "IMPORT"}, status: 200, want: `{"mode":"IMPORT"}`},
		{name: "import skips the check", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": userV2, "id": 100, "version": 5}, status: 200},
	})
	if fc.calls != 1 {
		t.Errorf("checker called %d times, want 1", fc.calls)
	}
}

func TestConfigEndpoints(t *testing.T) {
	s := newServer(t, DefaultCompatibility(compat.Full))
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "default", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"FULL"}`},
		{name: "put global", method: "PUT", path: "/config", body: map[string]any{"compatibility": "FORWARD_TRANSITIVE"}, status: 200, want: `{"compatibility":"FORWARD_TRANSITIVE"}`},
		{name: "get global", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"FORWARD_TRANSITIVE"}`},
		{name: "invalid level", method: "PUT", path: "/config", body: map[string]any{"compatibility": "SIDEWAYS"}, status: 422, code: CodeInvalidCompatibilityLevel},
		{name: "missing level", method: "PUT", path: "/config", body: map[string]any{}, status: 422, code: CodeInvalidCompatibilityLevel},
		{name: "subject not configured", method: "GET", path: "/config/s", status: 404, code: CodeSubjectCompatNotConfigured},
		{name: "subject default to global", method: "GET", path: "/config/s?defaultToGlobal=true", status: 200, want: `{"compatibilityLevel":"FORWARD_TRANSITIVE"}`},
		{name: "put subject", method: "PUT", path: "/config/s", body: map[string]any{"compatibility": "NONE"}, status: 200, want: `{"compatibility":"NONE"}`},
		{name: "get subject", method: "GET", path: "/config/s", status: 200, want: `{"compatibilityLevel":"NONE"}`},
		{name: "normalize flag", method: "PUT", path: "/config/s", body: map[string]any{"normalize": true}, status: 200, want: `{"normalize":true}`},
		{name: "get subject with normalize", method: "GET", path: "/config/s", status: 200, want: `{"compatibilityLevel":"NONE","normalize":true}`},
		{name: "delete subject", method: "DELETE", path: "/config/s", status: 200, want: `{"compatibilityLevel":"NONE","compatibility":"NONE","normalize":true}`},
		{name: "deleted", method: "GET", path: "/config/s", status: 404, code: CodeSubjectCompatNotConfigured},
		{name: "delete again", method: "DELETE", path: "/config/s", status: 404, code: CodeSubjectCompatNotConfigured},
		{name: "delete unknown subject", method: "DELETE", path: "/config/nope", status: 404, code: CodeSubjectNotFound},
		{name: "delete global", method: "DELETE", path: "/config", status: 200, want: `{"compatibilityLevel":"FORWARD_TRANSITIVE","compatibility":"FORWARD_TRANSITIVE"}`},
		{name: "global back to default", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"FULL"}`},
		{name: "json content type accepted", method: "PUT", path: "/config", body: map[string]any{"compatibility": "BACKWARD"}, status: 200},
	})
}

func TestModes(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "default", method: "GET", path: "/mode", status: 200, want: `{"mode":"READWRITE"}`},
		{name: "subject not set", method: "GET", path: "/mode/s", status: 404, code: CodeSubjectModeNotConfigured},
		{name: "subject default to global", method: "GET", path: "/mode/s?defaultToGlobal=true", status: 200, want: `{"mode":"READWRITE"}`},
		{name: "invalid", method: "PUT", path: "/mode", body: map[string]any{"mode": "SOMETIMES"}, status: 422, code: CodeInvalidMode},
		{name: "register", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200},
		{name: "read only", method: "PUT", path: "/mode", body: map[string]any{"mode": "READONLY"}, status: 200, want: `{"mode":"READONLY"}`},
		{name: "register refused", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 422, code: CodeOperationNotPermitted},
		{name: "delete refused", method: "DELETE", path: "/subjects/s/versions/1", status: 422, code: CodeOperationNotPermitted},
		{name: "subject delete refused", method: "DELETE", path: "/subjects/s", status: 422, code: CodeOperationNotPermitted},
		{name: "reads work", method: "GET", path: "/subjects/s/versions/1", status: 200},
		{name: "lookup works", method: "POST", path: "/subjects/s", body: avroBody(userV1), status: 200},
		{name: "subject read write overrides", method: "PUT", path: "/mode/s", body: map[string]any{"mode": "READWRITE"}, status: 200, want: `{"mode":"READWRITE"}`},
		{name: "register in subject", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 200},
		{name: "other subject refused", method: "POST", path: "/subjects/t/versions", body: avroBody(userV2), status: 422, code: CodeOperationNotPermitted},
		{name: "delete subject mode", method: "DELETE", path: "/mode/s", status: 200, want: `{"mode":"READWRITE"}`},
		{name: "global back", method: "PUT", path: "/mode", body: map[string]any{"mode": "READWRITE"}, status: 200},
		{name: "import on non-empty refused", method: "PUT", path: "/mode", body: map[string]any{"mode": "IMPORT"}, status: 422, code: CodeOperationNotPermitted},
		{name: "import on empty subject", method: "PUT", path: "/mode/imp", body: map[string]any{"mode": "IMPORT"}, status: 200, want: `{"mode":"IMPORT"}`},
		{name: "import with id and version", method: "POST", path: "/subjects/imp/versions", body: map[string]any{"schema": userV1Spaced, "id": 42, "version": 7}, status: 200},
		{name: "imported version", method: "GET", path: "/subjects/imp/versions/7", status: 200,
			want: fmt.Sprintf(`{"subject":"imp","version":7,"id":42,"guid":"<guid>","schema":%s}`, q(userV1Spaced))},
		{name: "imported id", method: "GET", path: "/schemas/ids/42/schema", status: 200, want: userV1Spaced},
		{name: "id taken by another schema", method: "POST", path: "/subjects/imp/versions", body: map[string]any{"schema": userV2, "id": 42}, status: 422, code: CodeIDDoesNotMatch},
		{name: "version taken", method: "POST", path: "/subjects/imp/versions", body: map[string]any{"schema": `"string"`, "id": 43, "version": 7}, status: 422, code: CodeOperationNotPermitted},
		{name: "import without id gets a fresh one", method: "POST", path: "/subjects/imp/versions", body: avroBody(userBad), status: 200,
			want: fmt.Sprintf(`{"id":43,"subject":"imp","version":8,"guid":"<guid>","schema":%s}`, q(userBad))},
		{name: "global mode delete", method: "DELETE", path: "/mode", status: 200, want: `{"mode":"READWRITE"}`},
	})
}

func TestDeletes(t *testing.T) {
	s := newServer(t, DefaultCompatibility(compat.None))
	h := s.Handler()
	runSteps(t, h, []step{
		{name: "v1", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200},
		{name: "v2", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 200},
		{name: "v3", method: "POST", path: "/subjects/s/versions", body: avroBody(userBad), status: 200},
		{name: "hard delete needs soft first", method: "DELETE", path: "/subjects/s/versions/1?permanent=true", status: 404, code: CodeVersionNotSoftDeleted},
		{name: "soft delete v1", method: "DELETE", path: "/subjects/s/versions/1", status: 200, want: `1`},
		{name: "soft delete v1 again", method: "DELETE", path: "/subjects/s/versions/1", status: 404, code: CodeVersionSoftDeleted},
		{name: "v1 hidden", method: "GET", path: "/subjects/s/versions/1", status: 404, code: CodeVersionNotFound},
		{name: "v1 with deleted", method: "GET", path: "/subjects/s/versions/1?deleted=true", status: 200},
		{name: "versions hide v1", method: "GET", path: "/subjects/s/versions", status: 200, want: `[2,3]`},
		{name: "versions deleted", method: "GET", path: "/subjects/s/versions?deleted=true", status: 200, want: `[1,2,3]`},
		{name: "versions deleted only", method: "GET", path: "/subjects/s/versions?deletedOnly=true", status: 200, want: `[1]`},
		{name: "no subject is deleted yet", method: "GET", path: "/subjects?deletedOnly=true", status: 200, want: `[]`},
		{name: "id still served", method: "GET", path: "/schemas/ids/1", status: 200},
		{name: "usages hide soft-deleted", method: "GET", path: "/schemas/ids/1/versions", status: 200, want: `[]`},
		{name: "usages deleted", method: "GET", path: "/schemas/ids/1/versions?deleted=true", status: 200, want: `[{"subject":"s","version":1}]`},
		{name: "lookup hides deleted", method: "POST", path: "/subjects/s", body: avroBody(userV1), status: 404, code: CodeSchemaNotFound},
		{name: "lookup deleted", method: "POST", path: "/subjects/s?deleted=true", body: avroBody(userV1), status: 200},
		{name: "hard delete v1", method: "DELETE", path: "/subjects/s/versions/1?permanent=true", status: 200, want: `1`},
		{name: "v1 gone", method: "GET", path: "/subjects/s/versions/1?deleted=true", status: 404, code: CodeVersionNotFound},
		{name: "id gone", method: "GET", path: "/schemas/ids/1", status: 404, code: CodeSchemaNotFound},
		{name: "delete latest", method: "DELETE", path: "/subjects/s/versions/latest", status: 200, want: `3`},
		{name: "re-register v1 gets a new version and id", method: "POST", path: "/subjects/s/versions", body: avroBody(userV1), status: 200,
			want: fmt.Sprintf(`{"id":4,"subject":"s","version":4,"guid":"<guid>","schema":%s}`, q(userV1))},
		{name: "hard delete subject needs soft first", method: "DELETE", path: "/subjects/s?permanent=true", status: 404, code: CodeSubjectNotSoftDeleted},
		{name: "soft delete subject", method: "DELETE", path: "/subjects/s", status: 200, want: `[2,4]`},
		{name: "soft delete subject again", method: "DELETE", path: "/subjects/s", status: 404, code: CodeSubjectSoftDeleted},
		{name: "subject hidden", method: "GET", path: "/subjects", status: 200, want: `[]`},
		{name: "subject with deleted", method: "GET", path: "/subjects?deleted=true", status: 200, want: `["s"]`},
		{name: "subject deleted only", method: "GET", path: "/subjects?deletedOnly=true", status: 200, want: `["s"]`},
		{name: "versions of deleted subject", method: "GET", path: "/subjects/s/versions", status: 404, code: CodeSubjectNotFound},
		{name: "hard delete subject", method: "DELETE", path: "/subjects/s?permanent=true", status: 200, want: `[2,3,4]`},
		{name: "gone", method: "GET", path: "/subjects?deleted=true", status: 200, want: `[]`},
		{name: "delete unknown subject", method: "DELETE", path: "/subjects/s", status: 404, code: CodeSubjectNotFound},
		{name: "delete unknown version", method: "DELETE", path: "/subjects/s/versions/1", status: 404, code: CodeSubjectNotFound},
		{name: "fresh start at version 1", method: "POST", path: "/subjects/s/versions", body: avroBody(userV2), status: 200,
			want: fmt.Sprintf(`{"id":5,"subject":"s","version":1,"guid":"<guid>","schema":%s}`, q(userV2))},
		{name: "delete invalid version", method: "DELETE", path: "/subjects/s/versions/x", status: 422, code: CodeInvalidVersion},
		{name: "delete missing version", method: "DELETE", path: "/subjects/s/versions/9", status: 404, code: CodeVersionNotFound},
	})
}

func TestReferences(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	const address = `{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"city","type":"string"}]}`
	const person = `{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":"acme.Address"}]}`
	ref := []map[string]any{{"name": "acme.Address", "subject": "address", "version": 1}}
	latestRef := []map[string]any{{"name": "acme.Address", "subject": "address", "version": -1}}
	runSteps(t, h, []step{
		{name: "address", method: "POST", path: "/subjects/address/versions", body: avroBody(address), status: 200},
		{name: "person without reference", method: "POST", path: "/subjects/person/versions", body: avroBody(person), status: 422, code: CodeInvalidSchema},
		{name: "person", method: "POST", path: "/subjects/person/versions", body: map[string]any{"schema": person, "references": ref}, status: 200,
			want: fmt.Sprintf(`{"id":2,"subject":"person","version":1,"guid":"<guid>","references":[{"name":"acme.Address","subject":"address","version":1}],"schema":%s}`, q(person))},
		{name: "person again with latest ref", method: "POST", path: "/subjects/person/versions", body: map[string]any{"schema": person, "references": latestRef}, status: 200,
			want: fmt.Sprintf(`{"id":2,"subject":"person","version":1,"guid":"<guid>","references":[{"name":"acme.Address","subject":"address","version":1}],"schema":%s}`, q(person))},
		{name: "by id has references", method: "GET", path: "/schemas/ids/2", status: 200,
			want: fmt.Sprintf(`{"guid":"<guid>","references":[{"name":"acme.Address","subject":"address","version":1}],"schema":%s}`, q(person))},
		{name: "lookup with references", method: "POST", path: "/subjects/person", body: map[string]any{"schema": person, "references": ref}, status: 200},
		{name: "lookup without references misses", method: "POST", path: "/subjects/person", body: avroBody(person), status: 422, code: CodeInvalidSchema},
		{name: "referenced by", method: "GET", path: "/subjects/address/versions/1/referencedby", status: 200, want: `[2]`},
		{name: "cannot delete referenced version", method: "DELETE", path: "/subjects/address/versions/1", status: 422, code: CodeReferenceExists},
		{name: "cannot delete referenced subject", method: "DELETE", path: "/subjects/address", status: 422, code: CodeReferenceExists},
		{name: "delete the referrer", method: "DELETE", path: "/subjects/person", status: 200, want: `[1]`},
		{name: "not referenced by live schemas", method: "GET", path: "/subjects/address/versions/1/referencedby", status: 200, want: `[]`},
		{name: "now deletable", method: "DELETE", path: "/subjects/address/versions/1", status: 200, want: `1`},
		// Schema 2 is soft-deleted but still served by ID: what it
		// references must stay until it is gone for good.
		{name: "soft-deleted referrer still served", method: "GET", path: "/schemas/ids/2", status: 200},
		{name: "cannot hard-delete what a soft-deleted schema references", method: "DELETE", path: "/subjects/address/versions/1?permanent=true", status: 422, code: CodeReferenceExists},
		{name: "hard-delete the referrer", method: "DELETE", path: "/subjects/person?permanent=true", status: 200, want: `[1]`},
		{name: "now hard-deletable", method: "DELETE", path: "/subjects/address/versions/1?permanent=true", status: 200, want: `1`},
	})
}

// A permanent subject delete drops every schema ID only that subject used,
// also one that two of its versions shared.
func TestPermanentDeleteDropsSharedIDs(t *testing.T) {
	s := newServer(t, DefaultCompatibility(compat.None))
	h := s.Handler()
	const a = `{"type":"record","name":"A","fields":[{"name":"x","type":"long"}]}`
	const b = `{"type":"record","name":"B","fields":[{"name":"y","type":"long"}]}`
	runSteps(t, h, []step{
		{name: "a as v1", method: "POST", path: "/subjects/s/versions", body: avroBody(a), status: 200, want: `{"id":1,"subject":"s","version":1,"guid":"<guid>","schema":` + q(a) + `}`},
		{name: "soft-delete v1", method: "DELETE", path: "/subjects/s/versions/1", status: 200, want: `1`},
		{name: "a again as v2, same id", method: "POST", path: "/subjects/s/versions", body: avroBody(a), status: 200, want: `{"id":1,"subject":"s","version":2,"guid":"<guid>","schema":` + q(a) + `}`},
		{name: "b in another subject", method: "POST", path: "/subjects/other/versions", body: avroBody(b), status: 200},
		{name: "soft-delete s", method: "DELETE", path: "/subjects/s", status: 200},
		{name: "hard-delete s", method: "DELETE", path: "/subjects/s?permanent=true", status: 200},
		{name: "id 1 is gone", method: "GET", path: "/schemas/ids/1", status: 404, code: CodeSchemaNotFound},
		{name: "id 2 stays", method: "GET", path: "/schemas/ids/2", status: 200},
	})
}

func TestNormalize(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	status, body := do(t, h, "POST", "/subjects/n/versions?normalize=true", avroBody(userV1Spaced))
	if status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	_, raw := do(t, h, "GET", "/subjects/n/versions/1/schema", nil)
	if raw == userV1Spaced+"\n" {
		t.Errorf("normalize=true stored the text as sent: %s", raw)
	}
	if !json.Valid([]byte(raw)) {
		t.Errorf("stored canonical text is not JSON: %s", raw)
	}
	// Without normalize, the text is kept as sent.
	status, body = do(t, h, "POST", "/subjects/m/versions", avroBody(userV1Spaced))
	if status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	_, body = do(t, h, "GET", "/subjects/m/versions/1", nil)
	var got subjectSchema
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Schema != userV1Spaced {
		t.Errorf("without normalize stored %q, want the text as sent", got.Schema)
	}
	if got.ID == 1 {
		t.Errorf("normalized and raw texts share id 1; they are different texts")
	}
}

func TestContentTypes(t *testing.T) {
	s := newServer(t)
	h := s.Handler()
	tests := []struct {
		name   string
		ct     string
		status int
	}{
		{name: "v1", ct: "application/vnd.schemaregistry.v1+json", status: 200},
		{name: "unversioned", ct: "application/vnd.schemaregistry+json", status: 200},
		{name: "json", ct: "application/json", status: 200},
		{name: "json with charset", ct: "application/json; charset=utf-8", status: 200},
		{name: "form", ct: "application/x-www-form-urlencoded", status: 415},
		{name: "garbage", ct: "///", status: 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(avroBody(userV1))
			req, _ := http.NewRequest("POST", "/subjects/ct/versions", bytes.NewReader(body))
			req.Header.Set("Content-Type", tt.ct)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
		})
	}
}

func TestLatestWithMetadata(t *testing.T) {
	s := newServer(t, DefaultCompatibility(compat.None))
	h := s.Handler()
	md := func(kv ...string) map[string]any {
		p := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
		return map[string]any{"properties": p}
	}
	runSteps(t, h, []step{
		{name: "v1 owner a", method: "POST", path: "/subjects/m/versions", body: map[string]any{"schema": userV1, "metadata": md("owner", "a", "tier", "1")}, status: 200},
		{name: "v2 owner b", method: "POST", path: "/subjects/m/versions", body: map[string]any{"schema": userV2, "metadata": md("owner", "b")}, status: 200},
		// As in Confluent, a schema registered without metadata inherits
		// the previous version's.
		{name: "v3 no metadata inherits v2's", method: "POST", path: "/subjects/m/versions", body: avroBody(userBad), status: 200,
			want: fmt.Sprintf(`{"id":3,"subject":"m","version":3,"guid":"<guid>","metadata":{"properties":{"owner":"b"}},"schema":%s}`, q(userBad))},
		{name: "same schema other metadata is a new version", method: "POST", path: "/subjects/m/versions", body: map[string]any{"schema": userV1, "metadata": md("owner", "c")}, status: 200,
			want: fmt.Sprintf(`{"id":4,"subject":"m","version":4,"guid":"<guid>","metadata":{"properties":{"owner":"c"}},"schema":%s}`, q(userV1))},
		{name: "owner a", method: "GET", path: "/subjects/m/metadata?key=owner&value=a", status: 200,
			want: fmt.Sprintf(`{"subject":"m","version":1,"id":1,"guid":"<guid>","metadata":{"properties":{"owner":"a","tier":"1"}},"schema":%s}`, q(userV1))},
		{name: "owner a tier 1", method: "GET", path: "/subjects/m/metadata?key=owner&value=a&key=tier&value=1", status: 200},
		{name: "owner a tier 2", method: "GET", path: "/subjects/m/metadata?key=owner&value=a&key=tier&value=2", status: 404, code: CodeSchemaNotFound},
		{name: "owner b is the latest with it, v3", method: "GET", path: "/subjects/m/metadata?key=owner&value=b", status: 200,
			want: fmt.Sprintf(`{"subject":"m","version":3,"id":3,"guid":"<guid>","metadata":{"properties":{"owner":"b"}},"schema":%s}`, q(userBad))},
		{name: "unknown subject", method: "GET", path: "/subjects/nope/metadata?key=owner&value=b", status: 404, code: CodeSubjectNotFound},
		{name: "key without value", method: "GET", path: "/subjects/m/metadata?key=owner", status: 422, code: CodeInvalidSchema},
		{name: "lookup with metadata", method: "POST", path: "/subjects/m", body: map[string]any{"schema": userV1, "metadata": md("owner", "a", "tier", "1")}, status: 200,
			want: fmt.Sprintf(`{"subject":"m","version":1,"id":1,"guid":"<guid>","metadata":{"properties":{"owner":"a","tier":"1"}},"schema":%s}`, q(userV1))},
	})
}

package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandlers sends arbitrary requests to the registry's HTTP handler:
// it never panics, never answers 5xx (there is no store to fail), always
// answers JSON with a Confluent error body on failure, and caps the error
// message. Seeds include the reproducers of issue 13 item 6.
func FuzzHandlers(f *testing.F) {
	s, err := New(MaxErrorBytes(512), MaxErrorItems(5), MaxSubjectBytes(64))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	h := s.Handler()
	seeds := []struct {
		method uint8
		path   string
		body   string
	}{
		{1, "/subjects/s/versions", `{"schema":"\"int\""}`},
		{1, "/subjects/s/versions", `{"schema":"\"int\""}{"schema":"\"long\""}`},
		{1, "/subjects/s/versions", `{"schema":"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":999999999,\"scale\":2}"}`},
		{1, "/subjects/s/versions", `{"schema":"\"int\"","metadata":{"properties":{"a":"b"}},"ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","type":"CEL","expr":"true"}]}}`},
		{1, "/subjects/s/versions", `{"schema":"\"int\"","metadata":` + strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200) + `}`},
		{1, "/subjects/o%E2%80%AEs/versions", `{"schema":"\"int\""}`},
		{1, "/subjects/s/versions", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\"; message M { int32 x = 1; }"}`},
		{1, "/subjects/s/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}`},
		{1, "/compatibility/subjects/s/versions/latest?verbose=true", `{"schema":"\"long\""}`},
		{2, "/config/s", `{"compatibility":"NONE"}`},
		{2, "/mode/s", `{"mode":"IMPORT"}`},
		{0, "/schemas/ids/1", ""},
		{0, "/subjects/s/versions/latest", ""},
		{3, "/subjects/s", ""},
	}
	for _, sd := range seeds {
		f.Add(sd.method, sd.path, []byte(sd.body))
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	f.Fuzz(func(t *testing.T, method uint8, path string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return // not a request line httptest can build
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://registry"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", ContentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", req.Method, path, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorCode == 0 {
				t.Fatalf("%s %s: %d with body %q", req.Method, path, rec.Code, rec.Body)
			}
			if len(e.Message) > 512+64 {
				t.Fatalf("error message of %d bytes", len(e.Message))
			}
		}
	})
}

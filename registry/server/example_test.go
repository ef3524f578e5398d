package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/schemagen/schemagen/registry/server"
)

// A registry answers Confluent's REST API; an incompatible schema is
// refused with HTTP 409.
func Example() {
	s, err := server.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	post := func(path, body string) {
		resp, err := http.Post(ts.URL+path, server.ContentType, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, strings.Split(string(b), `,"subject"`)[0])
	}
	v1 := `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	v2 := `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}`
	post("/subjects/users-value/versions", fmt.Sprintf(`{"schema":%q}`, v1))
	post("/subjects/users-value/versions", fmt.Sprintf(`{"schema":%q}`, v1))
	resp, _ := http.Post(ts.URL+"/subjects/users-value/versions", server.ContentType, strings.NewReader(fmt.Sprintf(`{"schema":%q}`, v2)))
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 200 {"id":1
	// 200 {"id":1
	// 409
}

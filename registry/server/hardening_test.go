package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

func errorOf(t *testing.T, body string) (int, string) {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.ErrorCode, e.Message
}

// TestTrailingDataRefused: issue 13 item 6. Data after the JSON body was
// ignored, so {"schema":"\"int\""}{"schema":"\"long\""} registered int.
func TestTrailingDataRefused(t *testing.T) {
	h := newServer(t).Handler()
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{name: "second object", body: `{"schema":"\"int\""}{"schema":"\"long\""}`, status: 400},
		{name: "garbage", body: `{"schema":"\"int\""} x`, status: 400},
		{name: "trailing whitespace", body: "{\"schema\":\"\\\"int\\\"\"}\n\t ", status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := do(t, h, "POST", "/subjects/trail-value/versions", tc.body)
			if st != tc.status {
				t.Fatalf("status %d (%s), want %d", st, body, tc.status)
			}
		})
	}
	if st, body := do(t, h, "GET", "/subjects/trail-value/versions", nil); st != 200 || body != "[1]\n" {
		t.Errorf("versions: %d %s, want only the accepted registration", st, body)
	}
}

func TestSubjectNames(t *testing.T) {
	h := newServer(t, MaxSubjectBytes(32)).Handler()
	cases := []struct {
		name    string
		subject string
		ok      bool
	}{
		{name: "at limit", subject: strings.Repeat("s", 32), ok: true},
		{name: "past limit", subject: strings.Repeat("s", 33)},
		{name: "unicode letters", subject: "über-значение", ok: true},
		{name: "right-to-left override", subject: "orders\u202Eeulav-"},
		{name: "left-to-right isolate", subject: "orders\u2066-value"},
		{name: "zero width space", subject: "orders\u200B-value"},
		{name: "zero width joiner", subject: "orders\u200D-value"},
		{name: "byte order mark", subject: "\uFEFForders-value"},
		{name: "control", subject: "orders\x01-value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := do(t, h, "POST", "/subjects/"+url.PathEscape(tc.subject)+"/versions", avroBody(`"int"`))
			if tc.ok {
				if st != 200 {
					t.Fatalf("status %d: %s", st, body)
				}
				return
			}
			if code, _ := errorOf(t, body); st != 422 || code != CodeInvalidSubject {
				t.Fatalf("status %d code %d (%s), want 422 42208", st, code, body)
			}
		})
	}
	// the default, at and past
	h = newServer(t).Handler()
	for _, n := range []int{DefaultMaxSubjectBytes, DefaultMaxSubjectBytes + 1} {
		st, body := do(t, h, "PUT", "/config/"+strings.Repeat("x", n), map[string]string{"compatibility": "NONE"})
		if want := map[bool]int{true: 200, false: 422}[n <= DefaultMaxSubjectBytes]; st != want {
			t.Errorf("subject of %d bytes: status %d, want %d", n, st, want)
		}
		if len(body) > 1024 {
			t.Errorf("error echoes the subject: %d bytes", len(body))
		}
	}
}

func TestMetadataAndRuleSetShape(t *testing.T) {
	h := newServer(t, MaxMetadataBytes(200), MaxRuleSetBytes(400)).Handler()
	deep := strings.Repeat(`{"a":`, 9990) + "1" + strings.Repeat("}", 9990)
	rule := `{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true","tags":["PII"],"params":{"k":"v"},"onSuccess":"NONE","onFailure":"DLQ","disabled":false,"doc":null}`
	cases := []struct {
		name     string
		metadata string
		ruleSet  string
		ok       bool
		code     int // the error_code when not ok; 0: 42201, the shape is wrong
	}{
		{name: "confluent metadata", metadata: `{"tags":{"f":["PII"]},"properties":{"owner":"team"},"sensitive":["f"]}`, ok: true},
		{name: "null parts", metadata: `{"tags":null,"properties":null,"sensitive":null}`, ruleSet: `{"domainRules":null}`, ok: true},
		{name: "confluent rule set", ruleSet: `{"domainRules":[` + rule + `],"migrationRules":[],"encodingRules":[]}`, ok: true},
		{name: "unknown metadata key", metadata: `{"owner":"team"}`},
		{name: "property not a string", metadata: `{"properties":{"a":{"b":1}}}`},
		{name: "deep metadata", metadata: deep},
		{name: "metadata at limit", metadata: `{"properties":{"k":"` + strings.Repeat("v", 200-23) + `"}}`, ok: true},
		{name: "metadata past limit", metadata: `{"properties":{"k":"` + strings.Repeat("v", 200-22) + `"}}`},
		{name: "rule set array", ruleSet: `[1,2]`},
		{name: "rule without name", ruleSet: `{"domainRules":[{"kind":"CONDITION"}]}`, code: CodeInvalidRuleSet},
		{name: "rule set enableAt", ruleSet: `{"domainRules":[{"name":"r","kind":"CONDITION","type":"CEL","expr":"true"}],"enableAt":"CLIENT"}`, ok: true},
		{name: "rule kind and mode lower case", ruleSet: `{"domainRules":[{"name":"r","kind":"condition","mode":"writeRead","type":"CEL","expr":"true"}]}`, ok: true},
		{name: "rule bad mode", ruleSet: `{"domainRules":[{"name":"r","kind":"CONDITION","mode":"SOMETIMES"}]}`, code: CodeInvalidRuleSet},
		{name: "rule bad kind", ruleSet: `{"domainRules":[{"name":"r","kind":"EXPLODE"}]}`, code: CodeInvalidRuleSet},
		{name: "rule unknown field", ruleSet: `{"domainRules":[{"name":"r","x":1}]}`},
		{name: "rule params nested", ruleSet: `{"domainRules":[{"name":"r","params":{"a":[1]}}]}`},
		{name: "rule set past limit", ruleSet: `{"domainRules":[` + rule + `,` + rule + `,` + rule + `]}`},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"schema":"{\"type\":\"fixed\",\"name\":\"F%d\",\"size\":1}"`, i)
			if tc.metadata != "" {
				body += `,"metadata":` + tc.metadata
			}
			if tc.ruleSet != "" {
				body += `,"ruleSet":` + tc.ruleSet
			}
			st, resp := do(t, h, "POST", fmt.Sprintf("/subjects/md%d/versions", i), body+"}")
			if tc.ok {
				if st != 200 {
					t.Fatalf("status %d: %s", st, resp)
				}
				return
			}
			want := tc.code
			if want == 0 {
				want = CodeInvalidSchema
			}
			code, msg := errorOf(t, resp)
			if st != 422 || code != want {
				t.Fatalf("status %d code %d (%s), want 422 %d", st, code, resp, want)
			}
			if len(msg) > 600 {
				t.Errorf("message of %d bytes", len(msg))
			}
		})
	}
}

func TestErrorMessagesCapped(t *testing.T) {
	s := newServer(t, MaxErrorItems(3), MaxErrorBytes(100))
	cases := []struct {
		name, msg, want string
	}{
		{name: "at limits", msg: "a\nb\nc", want: "a\nb\nc"},
		{name: "one line more", msg: "a\nb\nc\nd", want: "a\nb\nc\n... and 1 more"},
		{name: "at byte limit", msg: strings.Repeat("x", 100), want: strings.Repeat("x", 100)},
		{name: "past byte limit", msg: strings.Repeat("x", 101), want: strings.Repeat("x", 100) + "... (1 more bytes)"},
		{name: "cut in a rune", msg: strings.Repeat("x", 99) + "é", want: strings.Repeat("x", 99) + "... (2 more bytes)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.capMessage(tc.msg); got != tc.want {
				t.Errorf("capMessage = %q, want %q", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{in: []string{"1", "2", "3"}, want: "1|2|3"},
		{in: []string{"1", "2", "3", "4", "5"}, want: "1|2|3|and 2 more"},
		{in: []string{strings.Repeat("a", 60), strings.Repeat("b", 40), "c"}, want: strings.Repeat("a", 60) + "|" + strings.Repeat("b", 40) + "|and 1 more"},
		{in: []string{strings.Repeat("a", 101)}, want: strings.Repeat("a", 100) + "... (1 more bytes)"},
	} {
		if got := strings.Join(s.capItems(tc.in), "|"); got != tc.want {
			t.Errorf("capItems(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Through the handler with the defaults: a 1 MB invalid schema and a
	// 40,000-key object give short errors.
	h := newServer(t).Handler()
	big := `{"type":"record","name":"R","fields":[` + strings.Repeat(`{"name":"f","type":"nope"},`, 38000) + `]}`
	var keys strings.Builder
	keys.WriteString(`{"type":"object","properties":{`)
	for i := range 4000 { // 40,000 takes seconds in serde/jsonschema: see tests/adversarial
		fmt.Fprintf(&keys, `"k%d":{"type":"nope"},`, i)
	}
	keys.WriteString(`"z":{}}}`)
	for _, body := range []map[string]any{
		{"schema": big},
		{"schema": keys.String(), "schemaType": "JSON"},
		{"schema": strings.Repeat("message M { int32 x = 1; }\n", 3000), "schemaType": "PROTOBUF"},
	} {
		start := time.Now()
		st, resp := do(t, h, "POST", "/subjects/big/versions", body)
		t.Logf("%v: %d bytes of error in %v", body["schemaType"], len(resp), time.Since(start))
		if st < 400 {
			t.Fatalf("status %d", st)
		}
		// JSON escaping can double the message
		if len(resp) > 2*DefaultMaxErrorBytes+200 || strings.Count(resp, `\n`) > DefaultMaxErrorItems+1 {
			t.Errorf("error response of %d bytes and %d lines", len(resp), strings.Count(resp, `\n`))
		}
	}
}

func TestServerFormatRedacts(t *testing.T) {
	const pw = "hunter2-server-password"
	s := newServer(t, BasicAuth("alice", pw))
	type hidden struct{ s *Server }
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%q"} {
		for _, arg := range []any{s, hidden{s}, &hidden{s}, struct{ S *Server }{s}} {
			if out := fmt.Sprintf(verb, arg); strings.Contains(out, pw) {
				t.Errorf("%s of %T prints the password: %s", verb, arg, out)
			}
		}
	}
	if s.cfg.auth.pass != pw {
		t.Fatal("test does not exercise the password")
	}
}

// TestSlowClientsCutOff: a client trickling its headers or body is cut off
// at the timeouts; before, 100 such connections were held forever.
func TestSlowClientsCutOff(t *testing.T) {
	s := newServer(t, ReadHeaderTimeout(200*time.Millisecond), ReadTimeout(400*time.Millisecond), MaxHeaderBytes(4096))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	cases := []struct {
		name string
		send string
	}{
		{name: "slow headers", send: "POST /subjects/x/versions HTTP/1.1\r\nHost: x\r\n"},
		{name: "slow body", send: "POST /subjects/x/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"sch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tc.send); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, _ = io.Copy(io.Discard, c) // returns when the server closes
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("connection held for %v", d)
			}
		})
	}
	t.Run("huge header", func(t *testing.T) {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /subjects HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 64<<10))
		resp, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.Contains(resp, "431") {
			t.Fatalf("response %q, %v; want 431", resp, err)
		}
	})
}

func TestLimitOptionsValidated(t *testing.T) {
	for _, o := range []Opt{MaxHeaderBytes(0), ReadTimeout(0), ReadHeaderTimeout(-1), WriteTimeout(0), IdleTimeout(0),
		MaxSubjectBytes(0), MaxMetadataBytes(0), MaxRuleSetBytes(-1), MaxErrorBytes(0), MaxErrorItems(0)} {
		if _, err := New(o); err == nil {
			t.Errorf("New accepted a non-positive limit")
		}
	}
}

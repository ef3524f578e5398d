package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
)

// celRule is a domain rule of type typ with expression expr.
func celRule(name, typ, expr string) map[string]any {
	return map[string]any{"name": name, "kind": "CONDITION", "mode": "WRITE", "type": typ, "expr": expr}
}

func TestRuleSetCEL(t *testing.T) {
	h := newServer(t, DefaultCompatibility(compat.None)).Handler()
	cases := []struct {
		name    string
		ruleSet any
		code    int    // 0: registered
		inMsg   string // what the message must name
	}{
		{name: "CEL", ruleSet: map[string]any{"domainRules": []any{celRule("idPositive", "CEL", "message.id > 0")}}},
		{name: "CEL with the executors' library", ruleSet: map[string]any{"domainRules": []any{celRule("mail", "CEL", "message.email.isEmail() && message.name.lowerAscii() != ''")}}},
		{name: "CEL_FIELD with guard", ruleSet: map[string]any{"domainRules": []any{celRule("pii", "CEL_FIELD", "'PII' in tags && typeName == 'STRING' ; size(value) < 64 && name != ''")}}},
		{name: "CEL_FIELD without guard", ruleSet: map[string]any{"domainRules": []any{celRule("nn", "CEL_FIELD", "value != null")}}},
		{name: "disabled rule is compiled too", ruleSet: map[string]any{"domainRules": []any{map[string]any{"name": "off", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "message.id >", "disabled": true}}},
			code: CodeInvalidRuleSet, inMsg: `"off"`},
		{name: "CEL syntax error", ruleSet: map[string]any{"domainRules": []any{celRule("ok", "CEL", "true"), celRule("broken", "CEL", "message.id >")}},
			code: CodeInvalidRuleSet, inMsg: `rule "broken" does not compile: ERROR: <input>:1:13: Syntax error`},
		{name: "CEL undeclared name", ruleSet: map[string]any{"domainRules": []any{celRule("who", "CEL", "msg.id > 0")}},
			code: CodeInvalidRuleSet, inMsg: `rule "who" does not compile: ERROR: <input>:1:1: undeclared reference to 'msg'`},
		{name: "CEL not a bool", ruleSet: map[string]any{"domainRules": []any{celRule("num", "CEL", "1 + 2")}},
			code: CodeInvalidRuleSet, inMsg: `rule "num" does not compile: expression yields int, not bool`},
		{name: "CEL_FIELD names CEL does not bind", ruleSet: map[string]any{"domainRules": []any{celRule("f", "CEL", "size(value) > 0")}},
			code: CodeInvalidRuleSet, inMsg: `undeclared reference to 'value'`},
		{name: "CEL_FIELD guard error", ruleSet: map[string]any{"domainRules": []any{celRule("g", "CEL_FIELD", "tags.contains( ; true")}},
			code: CodeInvalidRuleSet, inMsg: `rule "g" does not compile: guard: ERROR`},
		{name: "CEL_FIELD empty expression", ruleSet: map[string]any{"domainRules": []any{celRule("e", "CEL_FIELD", "true ; ")}},
			code: CodeInvalidRuleSet, inMsg: `rule "e" does not compile: empty expression`},
		{name: "migration CEL transform may yield anything", ruleSet: map[string]any{"migrationRules": []any{map[string]any{"name": "up", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "CEL", "expr": "message"}}}},
		{name: "migration CEL error", ruleSet: map[string]any{"migrationRules": []any{map[string]any{"name": "up", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "CEL_FIELD", "expr": "name == 'a' ; value +"}}},
			code: CodeInvalidRuleSet, inMsg: `rule "up" does not compile`},
		{name: "other types unchecked", ruleSet: map[string]any{
			"domainRules":    []any{map[string]any{"name": "enc", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT", "tags": []string{"PII"}, "params": map[string]string{"encrypt.kek.name": "k"}}},
			"migrationRules": []any{map[string]any{"name": "j", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA", "expr": "$merge([$, {'x': ))"}},
		}},
		{name: "duplicate names", ruleSet: map[string]any{"domainRules": []any{celRule("a", "CEL", "true")}, "migrationRules": []any{map[string]any{"name": "a", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA", "expr": "$"}}},
			code: CodeInvalidRuleSet, inMsg: `duplicate name "a"`},
		{name: "domain rule with a migration mode", ruleSet: map[string]any{"domainRules": []any{map[string]any{"name": "m", "kind": "CONDITION", "mode": "UPGRADE", "type": "CEL", "expr": "true"}}},
			code: CodeInvalidRuleSet, inMsg: `domainRules can only be WRITE, READ or WRITEREAD`},
		{name: "migration rule with a domain mode", ruleSet: map[string]any{"migrationRules": []any{map[string]any{"name": "m", "kind": "TRANSFORM", "mode": "WRITE", "type": "JSONATA", "expr": "$"}}},
			code: CodeInvalidRuleSet, inMsg: `migrationRules can only be UPGRADE, DOWNGRADE or UPDOWN`},
		{name: "unknown kind", ruleSet: map[string]any{"domainRules": []any{map[string]any{"name": "k", "kind": "EXPLODE", "type": "CEL", "expr": "true"}}},
			code: CodeInvalidRuleSet, inMsg: `domainRules[0] ("k"): kind "EXPLODE" is not TRANSFORM or CONDITION`},
		{name: "unknown mode", ruleSet: map[string]any{"domainRules": []any{map[string]any{"name": "k", "kind": "CONDITION", "mode": "SOMETIMES", "type": "CEL", "expr": "true"}}},
			code: CodeInvalidRuleSet, inMsg: `domainRules[0] ("k"): mode "SOMETIMES" is not one of`},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"schema": fmt.Sprintf(`{"type":"fixed","name":"F%d","size":1}`, i), "ruleSet": tc.ruleSet}
			st, resp := do(t, h, "POST", fmt.Sprintf("/subjects/cel%d/versions", i), body)
			if tc.code == 0 {
				if st != 200 {
					t.Fatalf("status %d: %s", st, resp)
				}
				// The rule set is stored as sent.
				_, got := do(t, h, "GET", fmt.Sprintf("/subjects/cel%d/versions/1", i), nil)
				var v struct{ RuleSet json.RawMessage }
				if err := json.Unmarshal([]byte(got), &v); err != nil || len(v.RuleSet) == 0 {
					t.Fatalf("no rule set in %s (%v)", got, err)
				}
				return
			}
			code, msg := errorOf(t, resp)
			if st != 422 || code != tc.code {
				t.Fatalf("status %d code %d (%s), want 422 %d", st, code, resp, tc.code)
			}
			if !strings.Contains(msg, tc.inMsg) {
				t.Fatalf("message %q does not say %q", msg, tc.inMsg)
			}
			// Nothing was registered.
			if st, _ := do(t, h, "GET", fmt.Sprintf("/subjects/cel%d/versions", i), nil); st != 404 {
				t.Fatalf("subject exists after a refused registration: status %d", st)
			}
		})
	}
}

func TestConfigRuleSets(t *testing.T) {
	h := newServer(t).Handler()
	rs := `{"domainRules":[{"name":"pos","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.id > 0"}]}`
	md := `{"properties":{"owner":"team"}}`
	runSteps(t, h, []step{
		{name: "global set", method: "PUT", path: "/config", body: `{"defaultRuleSet":` + rs + `,"overrideMetadata":` + md + `}`, status: 200,
			want: `{"defaultRuleSet":` + rs + `,"overrideMetadata":` + md + `}`},
		{name: "global get", method: "GET", path: "/config", status: 200,
			want: `{"compatibilityLevel":"BACKWARD","defaultRuleSet":` + rs + `,"overrideMetadata":` + md + `}`},
		{name: "subject without config", method: "GET", path: "/config/s", status: 404, code: CodeSubjectCompatNotConfigured},
		{name: "subject defaultToGlobal", method: "GET", path: "/config/s?defaultToGlobal=true", status: 200,
			want: `{"compatibilityLevel":"BACKWARD","defaultRuleSet":` + rs + `,"overrideMetadata":` + md + `}`},
		{name: "subject set", method: "PUT", path: "/config/s", body: `{"overrideRuleSet":{"domainRules":[]},"defaultMetadata":{"tags":{"**.ssn":["PII"]}}}`, status: 200},
		{name: "subject get falls back field by field", method: "GET", path: "/config/s", status: 200,
			want: `{"compatibilityLevel":"BACKWARD","defaultRuleSet":` + rs + `,"overrideRuleSet":{"domainRules":[]},"defaultMetadata":{"tags":{"**.ssn":["PII"]}},"overrideMetadata":` + md + `}`},
		{name: "subject set keeps the others", method: "PUT", path: "/config/s", body: `{"compatibility":"FULL"}`, status: 200},
		{name: "subject get again", method: "GET", path: "/config/s", status: 200,
			want: `{"compatibilityLevel":"FULL","defaultRuleSet":` + rs + `,"overrideRuleSet":{"domainRules":[]},"defaultMetadata":{"tags":{"**.ssn":["PII"]}},"overrideMetadata":` + md + `}`},
		{name: "bad CEL in defaultRuleSet", method: "PUT", path: "/config/s", body: `{"defaultRuleSet":{"domainRules":[{"name":"x","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.id >"}]}}`,
			status: 422, code: CodeInvalidRuleSet},
		{name: "bad shape in overrideRuleSet", method: "PUT", path: "/config", body: `{"overrideRuleSet":{"domainRules":[{"name":"x","type":"CEL","params":{"a":1}}]}}`, status: 422, code: CodeInvalidSchema},
		{name: "bad kind in overrideRuleSet", method: "PUT", path: "/config", body: `{"overrideRuleSet":{"domainRules":[{"name":"x","kind":"EXPLODE","type":"CEL"}]}}`, status: 422, code: CodeInvalidRuleSet},
		{name: "bad rule name in defaultRuleSet", method: "PUT", path: "/config", body: `{"defaultRuleSet":{"domainRules":[{"name":"a.b","type":"CEL","expr":"true"}]}}`, status: 422, code: CodeInvalidRuleSet},
		{name: "action pair on a WRITE rule in overrideRuleSet", method: "PUT", path: "/config", body: `{"overrideRuleSet":{"domainRules":[{"name":"x","mode":"WRITE","type":"CEL","expr":"true","onFailure":"NONE,ERROR"}]}}`, status: 422, code: CodeInvalidRuleSet},
		{name: "bad metadata", method: "PUT", path: "/config", body: `{"defaultMetadata":{"owner":"x"}}`, status: 422, code: CodeInvalidSchema},
		{name: "empty body", method: "PUT", path: "/config", body: `{}`, status: 422, code: CodeInvalidCompatibilityLevel},
		{name: "subject delete", method: "DELETE", path: "/config/s", status: 200,
			want: `{"compatibilityLevel":"FULL","compatibility":"FULL","overrideRuleSet":{"domainRules":[]},"defaultMetadata":{"tags":{"**.ssn":["PII"]}}}`},
		{name: "global delete", method: "DELETE", path: "/config", status: 200},
		{name: "global get after delete", method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
	})
}

// TestRegisterMergesRuleSets: registration fills and merges the rule set
// and metadata as Confluent's maybeSetMetadataRuleSet does:
// merge(merge(config default, own or previous version's), config override).
func TestRegisterMergesRuleSets(t *testing.T) {
	rule := func(name, expr string) string {
		return fmt.Sprintf(`{"name":%q,"kind":"CONDITION","mode":"WRITE","type":"CEL","expr":%q}`, name, expr)
	}
	rules := func(rs ...string) string { return `{"domainRules":[` + strings.Join(rs, ",") + `]}` }
	reg := func(schema, extra string) string {
		return fmt.Sprintf(`{"schema":%q%s}`, schema, extra)
	}
	withRules := func(rs string) string { return `,"ruleSet":` + rs }
	withMD := func(md string) string { return `,"metadata":` + md }
	type want struct {
		version, id int
		ruleSet     string // "" : none
		metadata    string
	}
	cases := []struct {
		name   string
		config []step // before the registrations
		before []string
		body   string
		want   want
	}{
		{name: "nothing anywhere", body: reg(userV1, ""), want: want{version: 1, id: 1}},
		{name: "global default applies to a schema without rules",
			config: []step{{method: "PUT", path: "/config", body: `{"defaultRuleSet":` + rules(rule("d", "true")) + `}`}},
			body:   reg(userV1, ""), want: want{version: 1, id: 1, ruleSet: rules(rule("d", "true"))}},
		{name: "default merges under the schema's own",
			config: []step{{method: "PUT", path: "/config", body: `{"defaultRuleSet":` + rules(rule("d", "true"), rule("x", "false")) + `}`}},
			body:   reg(userV1, withRules(rules(rule("x", "message.id > 0")))),
			want:   want{version: 1, id: 1, ruleSet: rules(rule("d", "true"), rule("x", "message.id > 0"))}},
		{name: "a schema without rules inherits the previous version's",
			before: []string{reg(userV1, withRules(rules(rule("p", "message.id > 0")))+withMD(`{"properties":{"owner":"a"}}`))},
			body:   reg(userV2, ""),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("p", "message.id > 0")), metadata: `{"properties":{"owner":"a"}}`}},
		{name: "the previous is the latest live version",
			before: []string{reg(userV1, withRules(rules(rule("p1", "true")))), reg(userV2, withRules(rules(rule("p2", "true"))))},
			config: []step{{method: "DELETE", path: "/subjects/s/versions/2"}},
			body:   reg(`{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"n","type":"int","default":0}]}`, ""),
			want:   want{version: 3, id: 3, ruleSet: rules(rule("p1", "true"))}},
		{name: "the schema's own rules replace the previous version's",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			body:   reg(userV2, withRules(rules(rule("q", "true")))),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("q", "true"))}},
		{name: "a default does not replace inherited rules, it merges under them",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			config: []step{{method: "PUT", path: "/config/s", body: `{"defaultRuleSet":` + rules(rule("p", "false"), rule("d", "true")) + `}`}},
			body:   reg(userV2, ""),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("d", "true"), rule("p", "true"))}},
		{name: "override replaces a rule of the same name and adds the others",
			config: []step{{method: "PUT", path: "/config", body: `{"overrideRuleSet":` + rules(rule("x", "message.id > 10"), rule("o", "true")) + `}`}},
			body:   reg(userV1, withRules(rules(rule("x", "message.id > 0"), rule("y", "true")))),
			want:   want{version: 1, id: 1, ruleSet: rules(rule("y", "true"), rule("x", "message.id > 10"), rule("o", "true"))}},
		{name: "override merges over inherited rules",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			config: []step{{method: "PUT", path: "/config/s", body: `{"overrideRuleSet":` + rules(rule("o", "true")) + `}`}},
			body:   reg(userV2, ""),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("p", "true"), rule("o", "true"))}},
		{name: "subject config wins over global",
			config: []step{
				{method: "PUT", path: "/config", body: `{"defaultRuleSet":` + rules(rule("g", "true")) + `}`},
				{method: "PUT", path: "/config/s", body: `{"defaultRuleSet":` + rules(rule("s", "true")) + `}`},
			},
			body: reg(userV1, ""), want: want{version: 1, id: 1, ruleSet: rules(rule("s", "true"))}},
		{name: "another subject's config does not apply",
			config: []step{{method: "PUT", path: "/config/other", body: `{"defaultRuleSet":` + rules(rule("s", "true")) + `}`}},
			body:   reg(userV1, ""), want: want{version: 1, id: 1}},
		{name: "enableAt of the newer set wins",
			config: []step{{method: "PUT", path: "/config", body: `{"defaultRuleSet":{"domainRules":[` + rule("d", "true") + `],"enableAt":"CLIENT"}}`}},
			body:   reg(userV1, withRules(`{"domainRules":[`+rule("o", "true")+`],"enableAt":"ALL"}`)),
			want:   want{version: 1, id: 1, ruleSet: `{"domainRules":[` + rule("d", "true") + `,` + rule("o", "true") + `],"enableAt":"ALL"}`}},
		{name: "metadata: default under own under override, sensitive united",
			config: []step{{method: "PUT", path: "/config", body: `{"defaultMetadata":{"properties":{"a":"1","b":"1"},"sensitive":["z"]},"overrideMetadata":{"properties":{"c":"3"},"tags":{"f":["PII"]}}}`}},
			body:   reg(userV1, withMD(`{"properties":{"b":"2"},"sensitive":["y","z"]}`)),
			want:   want{version: 1, id: 1, metadata: `{"properties":{"a":"1","b":"2","c":"3"},"tags":{"f":["PII"]},"sensitive":["y","z"]}`}},
		{name: "same schema, same rules: the same version",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			body:   reg(userV1, withRules(rules(rule("p", "true")))),
			want:   want{version: 1, id: 1, ruleSet: rules(rule("p", "true"))}},
		{name: "same schema without rules: the same version (it inherits them)",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			body:   reg(userV1, ""),
			want:   want{version: 1, id: 1, ruleSet: rules(rule("p", "true"))}},
		{name: "same schema, changed rules: a new version and id",
			before: []string{reg(userV1, withRules(rules(rule("p", "true"))))},
			body:   reg(userV1, withRules(rules(rule("p", "message.id > 0")))),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("p", "message.id > 0"))}},
		{name: "same schema, a new override: a new version",
			before: []string{reg(userV1, "")},
			config: []step{{method: "PUT", path: "/config", body: `{"overrideRuleSet":` + rules(rule("o", "true")) + `}`}},
			body:   reg(userV1, ""),
			want:   want{version: 2, id: 2, ruleSet: rules(rule("o", "true"))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newServer(t).Handler()
			for i, b := range tc.before {
				if st, resp := do(t, h, "POST", "/subjects/s/versions", b); st != 200 {
					t.Fatalf("before %d: status %d: %s", i, st, resp)
				}
			}
			for _, c := range tc.config {
				if st, resp := do(t, h, c.method, c.path, c.body); st != 200 {
					t.Fatalf("%s %s: status %d: %s", c.method, c.path, st, resp)
				}
			}
			st, resp := do(t, h, "POST", "/subjects/s/versions", tc.body)
			if st != 200 {
				t.Fatalf("status %d: %s", st, resp)
			}
			var got struct {
				ID      int             `json:"id"`
				Version int             `json:"version"`
				RuleSet json.RawMessage `json:"ruleSet"`
				MD      json.RawMessage `json:"metadata"`
			}
			if err := json.Unmarshal([]byte(resp), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != tc.want.id || got.Version != tc.want.version {
				t.Fatalf("id %d version %d, want id %d version %d: %s", got.ID, got.Version, tc.want.id, tc.want.version, resp)
			}
			// The stored version says the same.
			_, stored := do(t, h, "GET", fmt.Sprintf("/subjects/s/versions/%d", got.Version), nil)
			for _, f := range []struct{ name, got, want string }{
				{"ruleSet", string(got.RuleSet), tc.want.ruleSet},
				{"metadata", string(got.MD), tc.want.metadata},
			} {
				if f.want == "" {
					if f.got != "" {
						t.Errorf("%s %s, want none", f.name, f.got)
					}
					continue
				}
				if !jsonEqual(t, f.got, f.want) {
					t.Errorf("%s:\n got %s\nwant %s", f.name, f.got, f.want)
				}
				if !strings.Contains(stored, `"`+f.name+`":`) {
					t.Errorf("stored version has no %s: %s", f.name, stored)
				}
			}
		})
	}
}

// TestCompileCELOff: CompileCEL(false) lets in a rule whose CEL does not
// compile, as Confluent's registry does, and still checks the rest.
func TestCompileCELOff(t *testing.T) {
	h := newServer(t, CompileCEL(false)).Handler()
	broken := map[string]any{"domainRules": []any{celRule("broken", "CEL", "message.id >")}}
	dup := map[string]any{"domainRules": []any{celRule("a", "CEL", "true"), celRule("a", "CEL", "true")}}
	runSteps(t, h, []step{
		{name: "broken CEL accepted", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": userV1, "ruleSet": broken}, status: 200},
		{name: "broken CEL in config accepted", method: "PUT", path: "/config", body: map[string]any{"defaultRuleSet": broken}, status: 200},
		{name: "duplicate names still refused", method: "POST", path: "/subjects/s/versions", body: map[string]any{"schema": userV2, "ruleSet": dup}, status: 422, code: CodeInvalidRuleSet},
	})
}

// BenchmarkRegisterRuleSet: the cost of checking a rule set of ten CEL
// rules on registration, compiled (the default) and not (CompileCEL(false)).
func BenchmarkRegisterRuleSet(b *testing.B) {
	var rules []any
	for i := range 10 {
		rules = append(rules, celRule(fmt.Sprintf("r%d", i), "CEL", fmt.Sprintf("message.id > %d && size(message.name) < 64", i)))
	}
	rs := map[string]any{"domainRules": rules}
	for _, bc := range []struct {
		name string
		opts []Opt
	}{{"compiled", nil}, {"not compiled", []Opt{CompileCEL(false)}}} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := New(append([]Opt{DefaultCompatibility(compat.None)}, bc.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			h := s.Handler()
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i], _ = json.Marshal(map[string]any{"schema": fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"id","type":"long"}]}`, i), "ruleSet": rs})
			}
			b.ResetTimer()
			for i := range b.N {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("POST", fmt.Sprintf("/subjects/bench%d/versions", i), bytes.NewReader(bodies[i])))
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

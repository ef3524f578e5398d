package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// ruleCase is one rule set given to validateRuleSet: ok, or refused with
// a *ruleError (42210) whose message holds want.
type ruleCase struct {
	name    string
	ruleSet string
	want    string // "": valid
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validateRuleSet([]byte(tc.ruleSet), 1<<20, true, true)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var re *ruleError
			if !errors.As(err, &re) {
				t.Fatalf("err %v (%T), want a *ruleError saying %q", err, err, tc.want)
			}
			if !strings.Contains(re.msg, tc.want) {
				t.Fatalf("message %q does not say %q", re.msg, tc.want)
			}
			if aerr := invalidRuleSet(err); aerr.status != 422 || aerr.code != CodeInvalidRuleSet {
				t.Fatalf("answered %d %d, want 422 %d", aerr.status, aerr.code, CodeInvalidRuleSet)
			}
		})
	}
}

// domain is a rule set of one domain rule, the JSON object fields.
func domain(fields string) string { return `{"domainRules":[{` + fields + `}]}` }

// migration is a rule set of one migration rule.
func migration(fields string) string { return `{"migrationRules":[{` + fields + `}]}` }

// TestRuleName: Confluent's Rule.validateName. Required, not empty, at
// most 256 Java chars, a letter or '_' then letters, digits, '_', '-'.
func TestRuleName(t *testing.T) {
	named := func(n string) string {
		b, _ := json.Marshal(n)
		return domain(`"name":` + string(b) + `,"type":"X"`)
	}
	runRuleCases(t, []ruleCase{
		{name: "missing", ruleSet: domain(`"type":"X"`), want: `domainRules[0]: missing rule name`},
		{name: "null", ruleSet: domain(`"name":null,"type":"X"`), want: `domainRules[0]: missing rule name`},
		{name: "empty", ruleSet: named(""), want: `domainRules[0] (""): empty rule name`},
		{name: "one letter", ruleSet: named("a")},
		{name: "underscore first", ruleSet: named("_x")},
		{name: "letters digits _ -", ruleSet: named("checkId_2-b")},
		{name: "non-ASCII letters", ruleSet: named("prüfé_名前")},
		{name: "digit first", ruleSet: named("0a"), want: `illegal initial character '0' (U+0030) in rule name: it must be a letter or '_'`},
		{name: "dash first", ruleSet: named("-a"), want: `illegal initial character '-' (U+002D)`},
		{name: "dot", ruleSet: named("a.b"), want: `domainRules[0] ("a.b"): illegal character '.' (U+002E) at position 2 in rule name`},
		{name: "space", ruleSet: named("With space"), want: `illegal character ' ' (U+0020) at position 5`},
		{name: "slash", ruleSet: named("a/b"), want: `illegal character '/'`},
		{name: "outside the BMP", ruleSet: named("a𝒜"), want: `illegal character '𝒜' (U+1D49C) at position 2`},
		{name: "outside the BMP first", ruleSet: named("𝒜"), want: `illegal initial character '𝒜'`},
		{name: "256 chars", ruleSet: named(strings.Repeat("a", 256))},
		{name: "257 chars", ruleSet: named(strings.Repeat("a", 257)), want: `rule name too long: 257 characters, more than 256`},
		{name: "256 two-byte chars", ruleSet: named(strings.Repeat("é", 256))},
		{name: "257 two-byte chars", ruleSet: named(strings.Repeat("é", 257)), want: `rule name too long: 257 characters`},
		// Java counts UTF-16 code units: 128 characters outside the BMP are
		// 256 chars, and only then does the character check refuse them.
		{name: "128 astral chars: too long is not the reason", ruleSet: named(strings.Repeat("𝒜", 128)), want: `illegal initial character`},
		{name: "129 astral chars: too long", ruleSet: named(strings.Repeat("𝒜", 129)), want: `rule name too long: 258 characters`},
	})
}

// TestRuleNameDuplicate: names are unique across the three lists,
// compared exactly.
func TestRuleNameDuplicate(t *testing.T) {
	r := func(name, mode string) string {
		return `{"name":"` + name + `","mode":"` + mode + `","type":"X"}`
	}
	runRuleCases(t, []ruleCase{
		{name: "distinct", ruleSet: `{"domainRules":[` + r("a", "WRITE") + `,` + r("b", "WRITE") + `]}`},
		{name: "case differs", ruleSet: `{"domainRules":[` + r("a", "WRITE") + `,` + r("A", "WRITE") + `]}`},
		{name: "same list", ruleSet: `{"domainRules":[` + r("a", "WRITE") + `,` + r("a", "READ") + `]}`,
			want: `domainRules[1] ("a"): found rule with duplicate name "a"`},
		{name: "across lists", ruleSet: `{"migrationRules":[` + r("a", "UPGRADE") + `],"encodingRules":[` + r("a", "WRITE") + `]}`,
			want: `encodingRules[0] ("a"): found rule with duplicate name "a"`},
	})
}

// TestRuleType: the type is required; empty is allowed (Confluent checks
// type == null only); its value is not checked.
func TestRuleType(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "given", ruleSet: domain(`"name":"r","type":"ENCRYPT"`)},
		{name: "unknown type", ruleSet: domain(`"name":"r","type":"MY_EXECUTOR"`)},
		{name: "empty", ruleSet: domain(`"name":"r","type":""`)},
		{name: "missing", ruleSet: domain(`"name":"r"`), want: `domainRules[0] ("r"): missing rule type`},
		{name: "null", ruleSet: domain(`"name":"r","type":null`), want: `domainRules[0] ("r"): missing rule type`},
	})
}

// TestRuleKindAndMode: kind and mode are Confluent's enums (any case
// here); a missing mode is WRITEREAD, which a migration rule cannot be.
func TestRuleKindAndMode(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "kind TRANSFORM", ruleSet: domain(`"name":"r","kind":"TRANSFORM","type":"X"`)},
		{name: "kind condition", ruleSet: domain(`"name":"r","kind":"condition","type":"X"`)},
		{name: "kind missing", ruleSet: domain(`"name":"r","type":"X"`)},
		{name: "kind unknown", ruleSet: domain(`"name":"r","kind":"VALIDATE","type":"X"`), want: `domainRules[0] ("r"): kind "VALIDATE" is not TRANSFORM or CONDITION`},
		{name: "mode unknown", ruleSet: domain(`"name":"r","mode":"ALWAYS","type":"X"`), want: `domainRules[0] ("r"): mode "ALWAYS" is not one of UPGRADE, DOWNGRADE, UPDOWN, WRITE, READ, WRITEREAD`},
		{name: "domain WRITEREAD", ruleSet: domain(`"name":"r","mode":"WRITEREAD","type":"X"`)},
		{name: "domain mode missing", ruleSet: domain(`"name":"r","type":"X"`)},
		{name: "domain UPDOWN", ruleSet: domain(`"name":"r","mode":"UPDOWN","type":"X"`), want: `domainRules[0] ("r"): mode UPDOWN: domainRules can only be WRITE, READ or WRITEREAD`},
		{name: "encoding READ", ruleSet: `{"encodingRules":[{"name":"r","mode":"READ","type":"X"}]}`},
		{name: "encoding DOWNGRADE", ruleSet: `{"encodingRules":[{"name":"r","mode":"DOWNGRADE","type":"X"}]}`, want: `encodingRules can only be WRITE, READ or WRITEREAD`},
		{name: "migration UPDOWN", ruleSet: migration(`"name":"r","mode":"updown","type":"X"`)},
		{name: "migration WRITE", ruleSet: migration(`"name":"r","mode":"WRITE","type":"X"`), want: `migrationRules[0] ("r"): mode WRITE: migrationRules can only be UPGRADE, DOWNGRADE or UPDOWN`},
		{name: "migration mode missing", ruleSet: migration(`"name":"r","type":"X"`),
			want: `migrationRules[0] ("r"): mode WRITEREAD (the default when none is given): migrationRules can only be UPGRADE, DOWNGRADE or UPDOWN`},
	})
}

// TestRuleActions: onSuccess and onFailure name pluggable actions, any
// name; a comma pair (first for WRITE or UPGRADE, second for READ or
// DOWNGRADE) only with WRITEREAD or UPDOWN (or no mode: WRITEREAD).
func TestRuleActions(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "built-ins", ruleSet: domain(`"name":"r","mode":"WRITE","type":"X","onSuccess":"NONE","onFailure":"DLQ"`)},
		{name: "ERROR", ruleSet: domain(`"name":"r","mode":"READ","type":"X","onFailure":"ERROR"`)},
		{name: "custom action", ruleSet: domain(`"name":"r","mode":"WRITE","type":"X","onFailure":"MY_ALERT"`)},
		{name: "lower case", ruleSet: domain(`"name":"r","mode":"WRITE","type":"X","onFailure":"dlq"`)},
		{name: "pair with WRITEREAD", ruleSet: domain(`"name":"r","mode":"WRITEREAD","type":"X","onSuccess":"NONE,NONE","onFailure":"ERROR,NONE"`)},
		{name: "pair with no mode", ruleSet: domain(`"name":"r","type":"X","onFailure":"DLQ,ERROR"`)},
		{name: "pair with UPDOWN", ruleSet: migration(`"name":"r","mode":"UPDOWN","type":"X","onFailure":"ERROR,NONE"`)},
		{name: "three with WRITEREAD", ruleSet: domain(`"name":"r","mode":"writeread","type":"X","onFailure":"A,B,C"`)},
		{name: "pair with WRITE", ruleSet: domain(`"name":"r","mode":"WRITE","type":"X","onFailure":"ERROR,NONE"`),
			want: `domainRules[0] ("r"): onFailure "ERROR,NONE": multiple actions only valid with WRITEREAD and UPDOWN, not WRITE`},
		{name: "pair with READ onSuccess", ruleSet: domain(`"name":"r","mode":"read","type":"X","onSuccess":"NONE,NONE"`),
			want: `onSuccess "NONE,NONE": multiple actions only valid with WRITEREAD and UPDOWN, not READ`},
		{name: "lone comma with UPGRADE", ruleSet: migration(`"name":"r","mode":"UPGRADE","type":"X","onFailure":","`),
			want: `onFailure ",": multiple actions only valid with WRITEREAD and UPDOWN, not UPGRADE`},
		{name: "pair with DOWNGRADE", ruleSet: migration(`"name":"r","mode":"DOWNGRADE","type":"X","onSuccess":"NONE","onFailure":"NONE,ERROR"`),
			want: `migrationRules[0] ("r"): onFailure "NONE,ERROR"`},
	})
}

// TestRuleOrder: the first of several problems is reported in Confluent's
// order: unknown kind or mode anywhere, then rule by rule (migration,
// domain, encoding) duplicate name, name, type, onSuccess, onFailure, mode
// of the phase; then CEL.
func TestRuleOrder(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "unknown kind in a later list first", ruleSet: `{"migrationRules":[{"name":"0"}],"encodingRules":[{"name":"e","kind":"X"}]}`, want: `encodingRules[0] ("e"): kind "X"`},
		{name: "name before type", ruleSet: domain(`"name":"a b"`), want: `illegal character ' '`},
		{name: "type before actions", ruleSet: domain(`"name":"r","mode":"WRITE","onFailure":"A,B"`), want: `missing rule type`},
		{name: "onSuccess before onFailure", ruleSet: domain(`"name":"r","mode":"WRITE","type":"X","onSuccess":"A,B","onFailure":"C,D"`), want: `onSuccess "A,B"`},
		{name: "actions before phase", ruleSet: migration(`"name":"r","mode":"WRITE","type":"X","onFailure":"A,B"`), want: `onFailure "A,B"`},
		{name: "duplicate before its name check", ruleSet: `{"domainRules":[{"name":"a b","type":"X"}],"encodingRules":[{"name":"a b","type":"X"}]}`, want: `domainRules[0] ("a b"): illegal character`},
		{name: "rule checks before CEL", ruleSet: `{"domainRules":[{"name":"c","type":"CEL","expr":"1 +"},{"name":"d"}]}`, want: `domainRules[1] ("d"): missing rule type`},
	})
}

// TestRuleMessagesWhole: a long name is cut where it is quoted, the
// reason after it is whole.
func TestRuleMessagesWhole(t *testing.T) {
	long := strings.Repeat("n", 300)
	err := validateRuleSet([]byte(`{"domainRules":[{"name":"`+long+`","type":"X"}]}`), 1<<20, true, true)
	want := `domainRules[0] ("` + strings.Repeat("n", 64) + `"... (300 bytes)): rule name too long: 300 characters, more than 256`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestRuleChecksThroughSR registers through franz-go's sr client: a rule
// set that Confluent's Rule.validate refuses is refused with 42210 and the
// reason; the same set fixed registers and comes back as sent.
func TestRuleChecksThroughSR(t *testing.T) {
	ts := httptest.NewServer(newServer(t).Handler())
	defer ts.Close()
	cl, err := sr.NewClient(sr.URLs(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rule := sr.SchemaRule{Name: "idPositive", Kind: sr.SchemaRuleKindCondition, Mode: sr.SchemaRuleModeWrite,
		Type: "CEL", Expr: "message.id > 0", OnSuccess: "NONE", OnFailure: "DLQ,ERROR"}
	schema := sr.Schema{Schema: userV1, SchemaRuleSet: &sr.SchemaRuleSet{DomainRules: []sr.SchemaRule{rule}}}

	_, err = cl.CreateSchema(ctx, "orders-value", schema)
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err %v, want a *sr.ResponseError", err)
	}
	want := `invalid rule set: domainRules[0] ("idPositive"): onFailure "DLQ,ERROR": multiple actions only valid with WRITEREAD and UPDOWN, not WRITE`
	if re.StatusCode != 422 || re.ErrorCode != CodeInvalidRuleSet || re.Message != want {
		t.Fatalf("got %d %d %q\nwant 422 %d %q", re.StatusCode, re.ErrorCode, re.Message, CodeInvalidRuleSet, want)
	}

	rule.Name = "id.positive"
	rule.Mode = sr.SchemaRuleModeWriteRead
	schema.SchemaRuleSet.DomainRules[0] = rule
	_, err = cl.CreateSchema(ctx, "orders-value", schema)
	if !errors.As(err, &re) || re.ErrorCode != CodeInvalidRuleSet || !strings.Contains(re.Message, `domainRules[0] ("id.positive"): illegal character '.' (U+002E) at position 3 in rule name`) {
		t.Fatalf("err %v, want 42210 naming the '.'", err)
	}

	rule.Name = "id_positive"
	schema.SchemaRuleSet.DomainRules[0] = rule
	got, err := cl.CreateSchema(ctx, "orders-value", schema)
	if err != nil {
		t.Fatalf("fixed rule set: %v", err)
	}
	if got.SchemaRuleSet == nil || len(got.SchemaRuleSet.DomainRules) != 1 || got.SchemaRuleSet.DomainRules[0].OnFailure != "DLQ,ERROR" ||
		got.SchemaRuleSet.DomainRules[0].Mode != sr.SchemaRuleModeWriteRead {
		t.Fatalf("registered rule set %+v", got.SchemaRuleSet)
	}
}

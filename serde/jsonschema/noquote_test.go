package jsonschema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

// secret stands for a credential or PII in a record: validation reasons
// must never quote it (errors reach logs, dead-letter headers and the CLI).
const (
	secret    = "078-05-1120-SECRET"
	secretNum = "4111111111111111"
)

func assertNoSecret(t *testing.T, err error, forbidden ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
	if len(forbidden) == 0 {
		forbidden = []string{secret, secretNum}
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("error quotes the value %q: %s", f, text)
			}
		}
	}
}

// noQuoteProps are properties with every check a secret can fail.
const noQuoteProps = `"properties":{
	"mail":{"type":"string","format":"email"},
	"id":{"type":"string","format":"uuid"},
	"day":{"type":"string","format":"date"},
	"at":{"type":"string","format":"date-time"},
	"ip":{"format":"ipv4"},
	"host":{"format":"hostname"},
	"color":{"enum":["red","green"]},
	"fixed":{"const":"x"},
	"code":{"type":"string","pattern":"^[a-z]+$"},
	"short":{"type":"string","maxLength":4},
	"long":{"type":"string","minLength":40},
	"min":{"type":"number","minimum":1e17},
	"max":{"type":"integer","maximum":10},
	"exmin":{"type":"number","exclusiveMinimum":1e17},
	"exmax":{"type":"number","exclusiveMaximum":10},
	"mult":{"type":"integer","multipleOf":7},
	"numenum":{"enum":[1,2]},
	"numconst":{"const":3},
	"str":{"type":"string"}
}`

func noQuoteInstance() string {
	s, n := `"`+secret+`"`, secretNum
	return `{"mail":` + s + `,"id":` + s + `,"day":` + s + `,"at":` + s + `,"ip":` + s + `,"host":"` + secret + `!"` +
		`,"color":` + s + `,"fixed":` + s + `,"code":` + s + `,"short":` + s + `,"long":` + s +
		`,"min":` + n + `,"max":` + n + `,"exmin":` + n + `,"exmax":` + n + `,"mult":` + n +
		`,"numenum":` + n + `,"numconst":` + n + `,"str":` + n + `}`
}

// noQuoteViolations is how many checks noQuoteInstance fails.
const noQuoteViolations = 19

func TestValidateNoValueInReasons(t *testing.T) {
	for _, tc := range []struct{ name, schema string }{
		{"plan", `{"type":"object",` + noQuoteProps + `}`},
		// unevaluatedProperties keeps the plan out: the library validates.
		{"library", `{"type":"object","unevaluatedProperties":false,` + noQuoteProps + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(context.Background(), serde.Schema{Text: tc.schema}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := s.FastPath(); ok != (tc.name == "plan") {
				t.Fatalf("FastPath %v", ok)
			}
			inst := noQuoteInstance()
			err = s.Validate([]byte(inst))
			if n := len(serde.Violations(err)); n != noQuoteViolations {
				t.Errorf("%d violations, want %d: %v", n, noQuoteViolations, err)
			}
			assertNoSecret(t, err)
			// A duplicate key declines the plan: the library decides.
			dup := strings.Replace(inst, `{"mail":`, `{"mail":"a@b.c","mail":`, 1)
			assertNoSecret(t, s.Validate([]byte(dup)))
			// Go values, encoded by encoding/json first.
			v, err := FromJSON([]byte(inst))
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecret(t, s.Validate(v))
		})
	}
}

func TestDecodeNoValueInReasons(t *testing.T) {
	s, err := Compile(context.Background(), serde.Schema{Text: `{"type":"object"}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var small struct {
		N int8 `json:"n"`
	}
	assertNoSecret(t, s.Decode([]byte(`{"n":`+secretNum+`}`), &small))
	var quoted struct {
		N int `json:"n,string"`
	}
	assertNoSecret(t, s.Decode([]byte(`{"n":"`+secret+`"}`), &quoted))
	var m map[int]string
	assertNoSecret(t, s.Decode([]byte(`{"`+secretNum+`0000":"x"}`), &m))
	var at struct {
		T time.Time `json:"t"` // its UnmarshalJSON quotes the text
	}
	err = s.Decode([]byte(`{"t":"`+secret+`"}`), &at)
	assertNoSecret(t, err)
	var pe *time.ParseError
	if !errors.Is(err, serde.ErrDecode) || !errors.As(err, &pe) {
		t.Errorf("the original error is gone: %v", err)
	}
}

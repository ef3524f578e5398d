package protobuf

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// secret stands for a credential or PII in a record: validation reasons
// must never quote it (errors reach logs, dead-letter headers and the CLI).
const (
	secret    = "078-05-1120-SECRET"
	secretNum = "4111111111111111"
)

// assertNoSecret fails when err's text, in any verb, holds one of the
// forbidden strings.
func assertNoSecret(t *testing.T, err error, forbidden ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if len(forbidden) == 0 {
		forbidden = []string{secret, secretNum}
	}
	t.Log(err)
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("error quotes the value %q: %s", f, text)
			}
		}
	}
}

func TestFromJSONNoValueInReasons(t *testing.T) {
	env := envelopeSchema(t)
	ord := orderSchema(t)
	tests := []struct {
		name   string
		schema *Compiled
		line   string
	}{
		{"string for int", env, `{"small":"` + secret + `"}`},
		{"string for uint64", env, `{"big":"` + secret + `"}`},
		{"int32 out of range", env, `{"small":` + secretNum + `}`},
		{"fraction for int", env, `{"small":` + secretNum + `.5}`},
		{"number for string", env, `{"name":` + secretNum + `}`},
		{"bad enum name", env, `{"kind":"` + secret + `"}`},
		{"enum number out of int32", env, `{"kind":` + secretNum + `}`},
		{"closed enum name", ord, `{"id":"o","status":"` + secret + `"}`},
		{"bad base64", env, `{"raw":"` + secret + `!"}`},
		{"bad timestamp", env, `{"at":"` + secret + `"}`},
		{"timestamp out of range", env, `{"at":"` + "99999-01-01T00:00:00Z" + `"}`},
		{"bad struct", env, `{"extra":["` + secret + `"]}`},
		{"list element", env, `{"tags":["a",` + secretNum + `]}`},
		{"map value", env, `{"labels":{"a":` + secretNum + `}}`},
		{"oneof twice", env, `{"text":"` + secret + `","number":"` + secretNum + `"}`},
		{"truncated JSON", env, `{"name":"` + secret + `",`},
		{"not an object", env, `["` + secret + `"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.schema.FromJSON([]byte(tt.line))
			assertNoSecret(t, err)
		})
	}
}

func TestValidateNoValueInReasons(t *testing.T) {
	ord := orderSchema(t)
	o := func() msg { return newMsg(ord.Message()).set("id", secret) }
	err := ord.Validate(o().set("status", protoreflect.EnumNumber(411111111)).m)
	assertNoSecret(t, err, "411111111")
	var e Enc
	e.BadEnum(411111111, "legacy.Status")
	assertNoSecret(t, e.Err(), "411111111")
}

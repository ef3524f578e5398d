package producer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry"
)

// TestFormatHidesCredentials: issue 13 item 5. No verb of fmt prints the
// SASL password of a Producer or the registry password it holds (franz-go
// keeps SASL credentials in closures; registry.Client formats redacted).
func TestFormatHidesCredentials(t *testing.T) {
	const pw = "hunter2-sasl-password"
	rc, err := registry.New(registry.URLs("http://127.0.0.1:1"), registry.BasicAuth("alice", pw+"-registry"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Opt{SASLPlain("u", pw), SASLScramSHA256("u", pw), SASLScramSHA512("u", pw)} {
		p, err := New(SeedBrokers("127.0.0.1:1"), Registry(rc), o)
		if err != nil {
			t.Fatal(err)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if out := fmt.Sprintf(verb, p); strings.Contains(out, pw) {
				t.Errorf("%s of the producer prints a password: %s", verb, out)
			}
		}
		_ = p.Close(t.Context())
	}
}

package producer

import (
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
)

func TestOAuthRejected(t *testing.T) {
	tests := []struct {
		name string
		resp string
		want string
	}{
		{name: "rfc 7628 error", resp: `{"status":"invalid_token","scope":"x"}`, want: `status "invalid_token"`},
		{name: "not json", resp: "\x00garbage", want: "unreadable error response"},
		{name: "overlong status", resp: `{"status":"` + strings.Repeat("a", 100) + `"}`, want: "unreadable error response"},
	}
	mech := oauthMechanism{oauth.Auth{Token: "tok-secret"}.AsMechanism()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, first, err := mech.Authenticate(t.Context(), "host:9092")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(first), "tok-secret") {
				t.Fatalf("first message %q lacks the token", first)
			}
			done, _, err := s.Challenge([]byte(tt.resp))
			if done || err == nil {
				t.Fatalf("Challenge = %v, %v; want an error", done, err)
			}
			if !errors.Is(err, kerr.SaslAuthenticationFailed) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "tok-secret") {
				t.Errorf("error %q: want SASL_AUTHENTICATION_FAILED, %q, no token", err, tt.want)
			}
			done, _, err = s.Challenge(nil)
			if !done || err != nil {
				t.Errorf("empty challenge = %v, %v; want done", done, err)
			}
		})
	}
}

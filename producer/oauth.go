package producer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/sasl"
)

// oauthMechanism wraps franz-go's OAUTHBEARER mechanism so that a broker's
// rejection of the token is a clear error. The broker answers a bad token
// (expired, wrong scope) with an RFC 7628 error challenge, which franz-go
// reports only as "unexpected data in oauth response".
type oauthMechanism struct{ sasl.Mechanism }

func (m oauthMechanism) Authenticate(ctx context.Context, host string) (sasl.Session, []byte, error) {
	s, first, err := m.Mechanism.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	return oauthSession{s}, first, nil
}

type oauthSession struct{ sasl.Session }

func (s oauthSession) Challenge(resp []byte) (bool, []byte, error) {
	if len(resp) == 0 {
		return s.Session.Challenge(resp)
	}
	return false, nil, oauthRejected(resp)
}

// oauthRejected describes an RFC 7628 error challenge by its status only:
// the other members (scope, openid-configuration) come from the broker
// but are not needed, and the token itself is never in the message.
func oauthRejected(resp []byte) error {
	var e struct {
		Status string `json:"status"`
	}
	status := "unreadable error response"
	if json.Unmarshal(resp, &e) == nil && e.Status != "" && len(e.Status) <= 64 {
		status = fmt.Sprintf("status %q", e.Status)
	}
	return fmt.Errorf("sasl oauthbearer: the broker rejected the token (%s; expired, not yet valid or lacking a required claim or scope): %w",
		status, kerr.SaslAuthenticationFailed)
}

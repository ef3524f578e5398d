package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/schemagen/schemagen/producer"
)

// saslPasswordEnv holds the SASL password when --sasl-password-file is not
// given. There is deliberately no flag for the password itself: a flag's
// value lands in shell history and in every process listing.
const saslPasswordEnv = "SCHEMAGEN_SASL_PASSWORD"

// The SASL mechanisms --sasl-mechanism accepts.
const (
	mechPlain       = "PLAIN"
	mechScram256    = "SCRAM-SHA-256"
	mechScram512    = "SCRAM-SHA-512"
	mechOAuthBearer = "OAUTHBEARER"
)

// kafkaFlags are the Kafka connection security flags of produce, consume
// and registry.
type kafkaFlags struct {
	tls                    bool
	tlsCA, tlsCert, tlsKey string
	insecure               bool
	mechanism              string
	user                   string
	passFile               string
	tokenFile              string
}

func (k *kafkaFlags) bind(fs *flag.FlagSet) {
	fs.BoolVar(&k.tls, "tls", false, "connect to the Kafka brokers with TLS (implied by the other --tls-* flags)")
	fs.StringVar(&k.tlsCA, "tls-ca", "", "PEM file of the CA certificates that sign the brokers' certificates (default: the system's)")
	fs.StringVar(&k.tlsCert, "tls-cert", "", "PEM file of the client certificate for mutual TLS (with --tls-key)")
	fs.StringVar(&k.tlsKey, "tls-key", "", "PEM file of the client certificate's private key (with --tls-cert)")
	fs.BoolVar(&k.insecure, "tls-insecure-skip-verify", false, "do not verify the brokers' certificates: for tests only, it lets anyone in the middle read everything")
	fs.StringVar(&k.mechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (default: no SASL)")
	fs.StringVar(&k.user, "sasl-user", "", "SASL user name (PLAIN, SCRAM-*)")
	fs.StringVar(&k.passFile, "sasl-password-file", "", "file holding the SASL password (PLAIN, SCRAM-*); else $"+saslPasswordEnv+". There is no flag for the password itself")
	fs.StringVar(&k.tokenFile, "sasl-token-file", "", "file holding the OAUTHBEARER token, read again for every new connection (so it may be refreshed in place)")
}

// secret is a credential: it prints as [redacted] with every verb, so no
// error, log line or %v of a struct holding one shows it.
type secret string

func (secret) String() string   { return "[redacted]" }
func (secret) GoString() string { return "[redacted]" }

// kafkaAuth is the Kafka security the flags asked for, files read and
// checked.
type kafkaAuth struct {
	tls       *tls.Config // nil: plain TCP
	mechanism string      // "": no SASL
	user      string
	pass      secret
	tokenFile string
}

// String describes the connection's security without any secret. It has
// a value receiver so that a kafkaAuth prints through it however it is
// formatted (fmt does not call the String method of an unexported field,
// so secret alone would not hide the password inside a struct).
func (a kafkaAuth) String() string {
	var parts []string
	if a.tls != nil {
		s := "tls"
		if len(a.tls.Certificates) > 0 {
			s += " with a client certificate"
		}
		if a.tls.InsecureSkipVerify {
			s += " (certificates not verified)"
		}
		parts = append(parts, s)
	}
	switch a.mechanism {
	case "":
	case mechOAuthBearer:
		parts = append(parts, "sasl "+a.mechanism+" (token from "+a.tokenFile+")")
	default:
		parts = append(parts, "sasl "+a.mechanism+" as "+a.user)
	}
	if len(parts) == 0 {
		return "plaintext"
	}
	return strings.Join(parts, ", ")
}

// GoString is String, so that %#v shows no secret either.
func (a kafkaAuth) GoString() string { return a.String() }

// refuseSecretFlags refuses a password or token given as a flag, without
// repeating the value (the flag package's own error would): it already
// landed in shell history, so the error says so.
func refuseSecretFlags(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		name := strings.TrimLeft(a, "-")
		if name == a {
			continue
		}
		name, _, _ = strings.Cut(name, "=")
		switch name {
		case "sasl-password", "sasl-pass", "sasl-token", "password":
			return usageErr("--%s: secrets are not taken as flag values (they land in shell history and ps); use --sasl-password-file FILE or $%s for a password, --sasl-token-file FILE for a token",
				name, saslPasswordEnv)
		}
	}
	return nil
}

// load checks the flags together and reads the files they name. Mistakes
// are usage errors (exit 2); no error holds a password or token.
func (k *kafkaFlags) load(e *env) (*kafkaAuth, error) {
	a := &kafkaAuth{}
	if k.tlsCert != "" && k.tlsKey == "" || k.tlsCert == "" && k.tlsKey != "" {
		return nil, usageErr("--tls-cert and --tls-key go together (the client certificate and its key)")
	}
	if k.tls || k.tlsCA != "" || k.tlsCert != "" || k.insecure {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: k.insecure} //nolint:gosec // asked for, for tests
		if k.tlsCA != "" {
			pem, err := os.ReadFile(e.path(k.tlsCA))
			if err != nil {
				return nil, usageErr("--tls-ca: %v", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, usageErr("--tls-ca %s: no PEM certificate in it", k.tlsCA)
			}
			cfg.RootCAs = pool
		}
		if k.tlsCert != "" {
			cert, err := tls.LoadX509KeyPair(e.path(k.tlsCert), e.path(k.tlsKey))
			if err != nil {
				// crypto/tls names the files and the problem, never
				// the key's bytes.
				return nil, usageErr("--tls-cert %s / --tls-key %s: %v", k.tlsCert, k.tlsKey, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		a.tls = cfg
	}
	mech := strings.ToUpper(strings.TrimSpace(k.mechanism))
	if mech == "" {
		if k.user != "" || k.passFile != "" || k.tokenFile != "" {
			return nil, usageErr("--sasl-user, --sasl-password-file and --sasl-token-file need --sasl-mechanism")
		}
		return a, nil
	}
	a.mechanism = mech
	switch mech {
	case mechPlain, mechScram256, mechScram512:
		if k.tokenFile != "" {
			return nil, usageErr("--sasl-token-file is for OAUTHBEARER, not %s", mech)
		}
		if k.user == "" {
			return nil, usageErr("--sasl-mechanism %s needs --sasl-user", mech)
		}
		a.user = k.user
		switch {
		case k.passFile != "":
			p, err := readSecretFile(e, "--sasl-password-file", k.passFile)
			if err != nil {
				return nil, err
			}
			a.pass = p
		case e.getenv(saslPasswordEnv) != "":
			a.pass = secret(e.getenv(saslPasswordEnv))
		default:
			return nil, usageErr("--sasl-mechanism %s needs a password: --sasl-password-file FILE or $%s", mech, saslPasswordEnv)
		}
	case mechOAuthBearer:
		if k.user != "" || k.passFile != "" {
			return nil, usageErr("--sasl-user and --sasl-password-file are for PLAIN and SCRAM, not OAUTHBEARER (its identity is in the token)")
		}
		if k.tokenFile == "" {
			return nil, usageErr("--sasl-mechanism OAUTHBEARER needs --sasl-token-file FILE")
		}
		a.tokenFile = e.path(k.tokenFile)
		if _, err := readSecretFile(e, "--sasl-token-file", k.tokenFile); err != nil {
			return nil, err
		}
	default:
		return nil, usageErr("--sasl-mechanism %q: want PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER", k.mechanism)
	}
	if mech == mechPlain && a.tls == nil {
		fmt.Fprintln(e.stderr, "warning: SASL PLAIN without --tls sends the password in the clear")
	}
	return a, nil
}

// readSecretFile reads a password or token file: its content without the
// final line break. Errors name the file, never its content.
func readSecretFile(e *env, flagName, file string) (secret, error) {
	b, err := readSmallFile(e.path(file))
	if err != nil {
		return "", usageErr("%s: %v", flagName, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(s) == "" {
		return "", usageErr("%s %s: the file is empty", flagName, file)
	}
	return secret(s), nil
}

// readSmallFile reads at most 64 KiB: a secret is short, and a wrong path
// (a log, a device) should not be read whole.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10+1))
	if err != nil {
		return nil, err
	}
	if len(b) > 64<<10 {
		return nil, fmt.Errorf("%s: larger than 64 KiB, not a password or token file", path)
	}
	return b, nil
}

// token reads the token file again (for every new connection).
func (a *kafkaAuth) token(context.Context) (string, error) {
	b, err := readSmallFile(a.tokenFile)
	if err != nil {
		return "", fmt.Errorf("--sasl-token-file: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("--sasl-token-file %s: the file is empty", a.tokenFile)
	}
	return t, nil
}

// producerOpts are the producer's own TLS and SASL options.
func (a *kafkaAuth) producerOpts() []producer.Opt {
	var out []producer.Opt
	if a.tls != nil {
		out = append(out, producer.TLS(a.tls))
	}
	switch a.mechanism {
	case mechPlain:
		out = append(out, producer.SASLPlain(a.user, string(a.pass)))
	case mechScram256:
		out = append(out, producer.SASLScramSHA256(a.user, string(a.pass)))
	case mechScram512:
		out = append(out, producer.SASLScramSHA512(a.user, string(a.pass)))
	case mechOAuthBearer:
		out = append(out, producer.SASLOAuthBearer(a.token))
	}
	return out
}

// kgoOpts are the same settings for a plain kgo client (consume, the
// registry's Kafka store).
func (a *kafkaAuth) kgoOpts() []kgo.Opt {
	var out []kgo.Opt
	if a.tls != nil {
		out = append(out, kgo.DialTLSConfig(a.tls.Clone()))
	}
	var m sasl.Mechanism
	switch a.mechanism {
	case mechPlain:
		m = plain.Auth{User: a.user, Pass: string(a.pass)}.AsMechanism()
	case mechScram256:
		m = scram.Auth{User: a.user, Pass: string(a.pass)}.AsSha256Mechanism()
	case mechScram512:
		m = scram.Auth{User: a.user, Pass: string(a.pass)}.AsSha512Mechanism()
	case mechOAuthBearer:
		m = oauthRejection{oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
			t, err := a.token(ctx)
			return oauth.Auth{Token: t}, err
		})}
	}
	if m != nil {
		out = append(out, kgo.SASL(m))
	}
	return out
}

// oauthRejection makes a broker's refusal of a token a clear error:
// franz-go reports the broker's RFC 7628 error challenge only as
// "unexpected data in oauth response". (producer does the same for its
// clients; this one is for plain kgo clients.)
type oauthRejection struct{ sasl.Mechanism }

func (m oauthRejection) Authenticate(ctx context.Context, host string) (sasl.Session, []byte, error) {
	s, first, err := m.Mechanism.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	return oauthRejectionSession{s}, first, nil
}

type oauthRejectionSession struct{ sasl.Session }

func (s oauthRejectionSession) Challenge(resp []byte) (bool, []byte, error) {
	if len(resp) == 0 {
		return s.Session.Challenge(resp)
	}
	var c struct {
		Status string `json:"status"`
	}
	status := "an unreadable error response"
	if json.Unmarshal(resp, &c) == nil && c.Status != "" && len(c.Status) <= 64 {
		status = fmt.Sprintf("status %q", c.Status)
	}
	return false, nil, fmt.Errorf("sasl oauthbearer: the broker rejected the token (%s; expired, not yet valid or lacking a required claim or scope): %w",
		status, kerr.SaslAuthenticationFailed)
}

//go:build interop

package interop

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

// clusterTLS is a TLS config trusting the cluster's test CA; with client,
// it also presents the client certificate (mTLS listener).
func clusterTLS(t testing.TB, kc *kcluster, client bool) *tls.Config {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(kc.tlsDir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatal("no certificate in ca.pem")
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if client {
		cert, err := tls.LoadX509KeyPair(filepath.Join(kc.tlsDir, "client.pem"), filepath.Join(kc.tlsDir, "client.key"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg
}

// unsecuredJWS is a token for Kafka's unsecured OAUTHBEARER validator
// (OAuthBearerUnsecuredValidatorCallbackHandler): an unsigned JWS
// ("alg":"none") with sub, iat and exp.
func unsecuredJWS(t testing.TB, sub string, iat, exp time.Time) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]any{"alg": "none"}) + "." +
		enc(map[string]any{"sub": sub, "iat": iat.Unix(), "exp": exp.Unix()}) + "."
}

// TestClusterSecurity connects typed producers through the cluster's
// SASL_SSL listener (SCRAM-SHA-512, OAUTHBEARER with an unsecured JWS)
// and its mTLS listener, with certificates cluster.sh made at start. Each
// writes records that are then read back over PLAINTEXT. A wrong
// password, an expired token and a missing client certificate fail fast
// (Ping within 15s) with an error that names the cause and holds no
// secret.
func TestClusterSecurity(t *testing.T) {
	kc := clusterEnv(t)
	_, rc := newRegistry(t)
	vc := compile(t, serde.Schema{Format: serde.Avro, Text: avroValue}, "")
	now := time.Now()
	goodToken := unsecuredJWS(t, "bob", now.Add(-time.Minute), now.Add(time.Hour))
	expiredToken := unsecuredJWS(t, "bob", now.Add(-2*time.Hour), now.Add(-time.Hour))
	const wrongPass = "wrong-pw-0xd1e5"
	token := func(tok string) producer.OAuthToken {
		return func(context.Context) (string, error) { return tok, nil }
	}
	tests := []struct {
		name    string
		brokers []string
		opts    []producer.Opt
		secrets []string // must not appear in any error
		wantErr error    // nil: connects and produces
		errText string   // the error names its cause
	}{
		{
			name: "SASL_SSL SCRAM-SHA-512", brokers: kc.saslBrokers,
			opts:    []producer.Opt{producer.TLS(clusterTLS(t, kc, false)), producer.SASLScramSHA512(kc.scramUser, kc.scramPass)},
			secrets: []string{kc.scramPass},
		},
		{
			name: "SASL_SSL OAUTHBEARER unsecured JWS", brokers: kc.saslBrokers,
			opts:    []producer.Opt{producer.TLS(clusterTLS(t, kc, false)), producer.SASLOAuthBearer(token(goodToken))},
			secrets: []string{goodToken},
		},
		{
			name: "SSL with client certificate (mTLS)", brokers: kc.mtlsBrokers,
			opts: []producer.Opt{producer.TLS(clusterTLS(t, kc, true))},
		},
		{
			name: "SCRAM-SHA-512 wrong password", brokers: kc.saslBrokers,
			opts:    []producer.Opt{producer.TLS(clusterTLS(t, kc, false)), producer.SASLScramSHA512(kc.scramUser, wrongPass)},
			secrets: []string{wrongPass, kc.scramPass},
			wantErr: kerr.SaslAuthenticationFailed, errText: "SASL_AUTHENTICATION_FAILED",
		},
		{
			name: "OAUTHBEARER expired token", brokers: kc.saslBrokers,
			opts:    []producer.Opt{producer.TLS(clusterTLS(t, kc, false)), producer.SASLOAuthBearer(token(expiredToken))},
			secrets: []string{expiredToken, strings.Split(expiredToken, ".")[1]},
			wantErr: kerr.SaslAuthenticationFailed, errText: "SASL_AUTHENTICATION_FAILED",
		},
		{
			name: "mTLS listener without a client certificate", brokers: kc.mtlsBrokers,
			opts:    []producer.Opt{producer.TLS(clusterTLS(t, kc, false))},
			errText: "certificate",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic := topicName("cluster-sec")
			kc.createTopic(t, topic, 1, nil)
			fail := tt.wantErr != nil || tt.errText != ""
			// Records that should fail do so within 5s; records that
			// should get through get 30s (a loaded machine, a topic just
			// created on nodes restarted by the fault tests).
			delivery := 30 * time.Second
			if fail {
				delivery = 5 * time.Second
			}
			p, err := producer.New(append([]producer.Opt{producer.SeedBrokers(tt.brokers...), producer.Registry(rc),
				producer.DeliveryTimeout(delivery), producer.ClientID("cluster-security")}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			start := time.Now()
			err = p.Ping(ctx)
			took := time.Since(start)
			if !fail {
				if err != nil {
					t.Fatalf("Ping: %v", err)
				}
				typed := clusterTyped(t, ctx, p, topic, vc)
				for i := range 100 {
					if _, err := typed.ProduceSync(ctx, []byte{byte('0' + i%10)}, orderValue(i)); err != nil {
						t.Fatalf("record %d: %v", i, err)
					}
				}
				n := kc.consumeEach(t, topic, func(*kgo.Record) {})
				t.Logf("connected in %v; 100 records acknowledged, %d on the topic", took.Round(time.Millisecond), n)
				if n != 100 {
					t.Errorf("%d records on the topic, want 100", n)
				}
				return
			}
			if err == nil {
				t.Fatal("Ping succeeded, want an error")
			}
			// A typed produce fails the same way, through its error.
			typed, terr := producer.NewTyped(ctx, p, producer.Spec[[]byte, map[string]any]{
				Topic: topic, Value: producer.Side{Schema: producer.SchemaSource{Compiled: vc}, ID: 1},
			})
			var perr error
			if terr == nil {
				_, perr = typed.ProduceSync(ctx, nil, orderValue(0))
			}
			t.Logf("Ping failed after %v: %v; ProduceSync: %v", took.Round(time.Millisecond), err, perr)
			if took > 10*time.Second {
				t.Errorf("Ping took %v to fail, want a fast failure", took)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Ping error %v does not wrap %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("Ping error %q does not say %q", err, tt.errText)
			}
			if perr == nil && terr == nil {
				t.Error("ProduceSync succeeded where Ping failed")
			}
			for _, e := range []error{err, perr, terr} {
				if e == nil {
					continue
				}
				for _, s := range tt.secrets {
					if strings.Contains(e.Error(), s) {
						t.Errorf("error holds a secret: %v", e)
					}
				}
			}
		})
	}
}

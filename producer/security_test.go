package producer_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/producer"
)

func TestSASL(t *testing.T) {
	tests := []struct {
		name    string
		opt     producer.Opt
		wantErr bool
	}{
		{name: "plain", opt: producer.SASLPlain("alice", "alice-secret")},
		{name: "scram-sha-256", opt: producer.SASLScramSHA256("bob", "bob-secret")},
		{name: "scram-sha-512", opt: producer.SASLScramSHA512("carol", "carol-secret")},
		{name: "plain wrong password", opt: producer.SASLPlain("alice", "nope"), wantErr: true},
		{name: "scram wrong password", opt: producer.SASLScramSHA256("bob", "nope"), wantErr: true},
		{name: "no sasl", opt: producer.ClientID("anonymous"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t,
				kfake.EnableSASL(),
				kfake.Superuser("PLAIN", "alice", "alice-secret"),
				kfake.Superuser("SCRAM-SHA-256", "bob", "bob-secret"),
				kfake.Superuser("SCRAM-SHA-512", "carol", "carol-secret"),
				kfake.SeedTopics(1, "t"),
			)
			p := newProducer(t, c, tt.opt, producer.ClientID("sasl-test"))
			typed := newOrders(t, p, "t", nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			// Ping tries every broker once and fails at once when
			// the handshake fails; a produce would retry until ctx.
			err := p.Ping(ctx)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Ping = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Fatalf("error leaks the password: %v", err)
			}
			if err == nil {
				if _, err := typed.ProduceSync(ctx, nil, &order{ID: "a"}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestSASLOAuthBearer answers the SASL exchange through kfake control
// functions (kfake implements PLAIN and SCRAM only) to check the token
// reaches the wire as RFC 7628 asks: "n,,\x01auth=Bearer <token>\x01\x01".
func TestSASLOAuthBearer(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "t"))
	var mu sync.Mutex
	var got [][]byte
	c.ControlKey(int16(kmsg.SASLHandshake), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := kmsg.NewPtrSASLHandshakeResponse()
		resp.SetVersion(r.GetVersion())
		resp.SupportedMechanisms = []string{"OAUTHBEARER"}
		return resp, nil, true
	})
	c.ControlKey(int16(kmsg.SASLAuthenticate), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		mu.Lock()
		got = append(got, bytes.Clone(r.(*kmsg.SASLAuthenticateRequest).SASLAuthBytes))
		mu.Unlock()
		resp := kmsg.NewPtrSASLAuthenticateResponse()
		resp.SetVersion(r.GetVersion())
		resp.SessionLifetimeMillis = int64(time.Hour / time.Millisecond)
		return resp, nil, true
	})
	calls := 0
	p := newProducer(t, c, producer.SASLOAuthBearer(func(context.Context) (string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return "tok-123", nil
	}))
	typed := newOrders(t, p, "t", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := typed.ProduceSync(ctx, nil, &order{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls == 0 || len(got) == 0 {
		t.Fatalf("token calls %d, authenticate requests %d", calls, len(got))
	}
	if want := "n,,\x01auth=Bearer tok-123\x01\x01"; string(got[0]) != want {
		t.Fatalf("auth bytes %q, want %q", got[0], want)
	}
}

// pki is a throwaway CA with a server and a client certificate.
type pki struct {
	pool   *x509.CertPool
	server tls.Certificate
	client tls.Certificate
}

func newPKI(t *testing.T) pki {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, usage x509.ExtKeyUsage) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "127.0.0.1"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return pki{pool: pool, server: leaf(2, x509.ExtKeyUsageServerAuth), client: leaf(3, x509.ExtKeyUsageClientAuth)}
}

func TestTLS(t *testing.T) {
	k := newPKI(t)
	tests := []struct {
		name       string
		mutual     bool
		clientCert bool
		trustCA    bool
		wantErr    bool
	}{
		{name: "tls", trustCA: true},
		{name: "tls untrusted server", wantErr: true},
		{name: "mtls", mutual: true, clientCert: true, trustCA: true},
		{name: "mtls without client cert", mutual: true, trustCA: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &tls.Config{Certificates: []tls.Certificate{k.server}, MinVersion: tls.VersionTLS12}
			if tt.mutual {
				srv.ClientAuth = tls.RequireAndVerifyClientCert
				srv.ClientCAs = k.pool
			}
			c := cluster(t, kfake.TLS(srv), kfake.SeedTopics(1, "t"))
			cli := &tls.Config{MinVersion: tls.VersionTLS12}
			if tt.trustCA {
				cli.RootCAs = k.pool
			}
			if tt.clientCert {
				cli.Certificates = []tls.Certificate{k.client}
			}
			p := newProducer(t, c, producer.TLS(cli))
			typed := newOrders(t, p, "t", nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := p.Ping(ctx)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Ping = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil {
				if _, err := typed.ProduceSync(ctx, nil, &order{ID: "a"}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

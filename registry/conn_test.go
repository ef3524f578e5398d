package registry

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "schemagen test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue makes a leaf certificate for a server (with 127.0.0.1) or a client.
func (ca *testCA) issue(t *testing.T, serial int64, server bool) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.Subject.CommonName = "127.0.0.1"
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLS(t *testing.T) {
	ca := newCA(t)
	other := newCA(t)
	serverCert := ca.issue(t, 2, true)
	clientCert := ca.issue(t, 3, false)
	strangerCert := other.issue(t, 4, false)
	tests := []struct {
		name       string
		clientAuth tls.ClientAuthType
		cfg        *tls.Config
		ok         bool
	}{
		{"tls", tls.NoClientCert, &tls.Config{RootCAs: ca.pool}, true},
		{"tls, unknown server CA", tls.NoClientCert, &tls.Config{RootCAs: other.pool}, false},
		{"mtls", tls.RequireAndVerifyClientCert, &tls.Config{RootCAs: ca.pool, Certificates: []tls.Certificate{clientCert}}, true},
		{"mtls, no client cert", tls.RequireAndVerifyClientCert, &tls.Config{RootCAs: ca.pool}, false},
		{"mtls, client cert from another CA", tls.RequireAndVerifyClientCert, &tls.Config{RootCAs: ca.pool, Certificates: []tls.Certificate{strangerCert}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := srfake.NewRegistry()
			reg.SeedSchema("a-value", 1, 1, sr.Schema{Schema: avroUser})
			s := httptest.NewUnstartedServer(reg.Handler())
			s.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: ca.pool, ClientAuth: tt.clientAuth}
			s.Config.ErrorLog = log.New(io.Discard, "", 0)
			s.StartTLS()
			t.Cleanup(s.Close)
			cl, err := New(URLs(s.URL), DialTLSConfig(tt.cfg), Retries(3))
			if err != nil {
				t.Fatal(err)
			}
			var slept int
			cl.sleep = func(context.Context, time.Duration) error { slept++; return nil }
			_, err = cl.SchemaByID(context.Background(), 1)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && slept > 0 {
				t.Errorf("a certificate error was retried %d times: %v", slept, err)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name   string
		expect string // Authorization header the registry wants
		opts   []Opt
		url    func(string) string
		ok     bool
	}{
		{"bearer", "Bearer tok-123", []Opt{BearerToken("tok-123")}, nil, true},
		{"wrong bearer", "Bearer tok-123", []Opt{BearerToken("tok-999")}, nil, false},
		{"basic", "Basic YWxpY2U6cGFzc3dvcmQ=", []Opt{BasicAuth("alice", "password")}, nil, true},
		{"basic from url", "Basic YWxpY2U6cGFzc3dvcmQ=", nil, func(u string) string { return strings.Replace(u, "http://", "http://alice:password@", 1) }, true},
		{"header provider", "Bearer fresh", []Opt{HeaderProvider(func(ctx context.Context) (http.Header, error) {
			return http.Header{"authorization": {"Bearer fresh"}}, nil
		})}, nil, true},
		{"no credentials", "Bearer tok-123", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := srfake.New(srfake.WithAuth(tt.expect))
			t.Cleanup(reg.Close)
			reg.SeedSchema("a-value", 1, 1, sr.Schema{Schema: avroUser})
			u := reg.URL()
			if tt.url != nil {
				u = tt.url(u)
			}
			cl, cnt := client(t, u, tt.opts...)
			_, err := cl.SchemaByID(context.Background(), 1)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrUnauthorized) {
					t.Errorf("err = %v, want ErrUnauthorized", err)
				}
				if cnt.n.Load() != 1 {
					t.Errorf("an auth failure was retried")
				}
			}
		})
	}
}

func TestHeaderProviderError(t *testing.T) {
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("request sent despite the header provider failing")
	})
	boom := errors.New("token endpoint down")
	cl, _ := client(t, s.URL, HeaderProvider(func(context.Context) (http.Header, error) { return nil, boom }))
	_, err := cl.SchemaByID(context.Background(), 1)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
}

package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// testPKI is a CA, a server certificate for 127.0.0.1 and a client
// certificate, made at test time, as PEM files in dir.
type testPKI struct {
	dir                          string
	caFile, certFile, keyFile    string
	serverCert                   tls.Certificate
	pool                         *x509.CertPool
	clientCertFile, clientKeyPEM string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "schemagen test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) (certPEM, keyPEM []byte) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips, KeyUsage: x509.KeyUsageDigitalSignature,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})
	}
	p := &testPKI{dir: dir, pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.caFile = filepath.Join(dir, "ca.pem")
	writeFile(t, p.caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	sc, sk := issue(2, "localhost", x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
	if p.serverCert, err = tls.X509KeyPair(sc, sk); err != nil {
		t.Fatal(err)
	}
	cc, ck := issue(3, "client", x509.ExtKeyUsageClientAuth, nil)
	p.certFile, p.keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writeFile(t, p.certFile, string(cc))
	writeFile(t, p.keyFile, string(ck))
	p.clientKeyPEM = string(ck)
	return p
}

// loadFlags parses args with the Kafka flags only and loads them.
func loadFlags(args []string, getenv func(string) string, dir string) (*kafkaAuth, string, error) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var k kafkaFlags
	k.bind(fs)
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	var stderr bytes.Buffer
	a, err := k.load(&env{ctx: context.Background(), stderr: &stderr, getenv: getenv, dir: dir})
	return a, stderr.String(), err
}

func TestKafkaFlags(t *testing.T) {
	pki := newTestPKI(t)
	dir := pki.dir
	const pass, token = "pw-Xq7-secret", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ."
	writeFile(t, filepath.Join(dir, "pass"), pass+"\n")
	writeFile(t, filepath.Join(dir, "token"), token+"\n")
	writeFile(t, filepath.Join(dir, "empty"), "\n")
	writeFile(t, filepath.Join(dir, "notpem"), "hello\n")
	envPass := func(k string) string {
		if k == saslPasswordEnv {
			return pass
		}
		return ""
	}
	noEnv := func(string) string { return "" }
	tests := []struct {
		name     string
		args     []string
		getenv   func(string) string
		want     string // kafkaAuth.String(), or a part of the usage error
		wantErr  bool
		wantWarn string
		wantPass string
	}{
		{name: "none", want: "plaintext"},
		{name: "tls", args: []string{"--tls"}, want: "tls"},
		{name: "tls ca implies tls", args: []string{"--tls-ca", "ca.pem"}, want: "tls"},
		{name: "insecure", args: []string{"--tls-insecure-skip-verify"}, want: "tls (certificates not verified)"},
		{name: "mtls", args: []string{"--tls-ca", "ca.pem", "--tls-cert", "client.pem", "--tls-key", "client.key"}, want: "tls with a client certificate"},
		{name: "ca missing", args: []string{"--tls-ca", "nope.pem"}, wantErr: true, want: "--tls-ca: open"},
		{name: "ca not pem", args: []string{"--tls-ca", "notpem"}, wantErr: true, want: "no PEM certificate"},
		{name: "cert without key", args: []string{"--tls-cert", "client.pem"}, wantErr: true, want: "--tls-cert and --tls-key go together"},
		{name: "key without cert", args: []string{"--tls-key", "client.key"}, wantErr: true, want: "--tls-cert and --tls-key go together"},
		{name: "cert and key swapped", args: []string{"--tls-cert", "client.key", "--tls-key", "client.pem"}, wantErr: true, want: "--tls-cert client.key / --tls-key client.pem"},
		{name: "scram file", args: []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice", "--sasl-password-file", "pass"}, getenv: noEnv, want: "sasl SCRAM-SHA-512 as alice", wantPass: pass},
		{name: "scram env lower case", args: []string{"--sasl-mechanism", "scram-sha-256", "--sasl-user", "alice"}, getenv: envPass, want: "sasl SCRAM-SHA-256 as alice", wantPass: pass},
		{name: "file wins over env", args: []string{"--sasl-mechanism", "PLAIN", "--tls", "--sasl-user", "alice", "--sasl-password-file", "pass"}, getenv: func(string) string { return "other" }, want: "tls, sasl PLAIN as alice", wantPass: pass},
		{name: "plain without tls warns", args: []string{"--sasl-mechanism", "PLAIN", "--sasl-user", "alice"}, getenv: envPass, want: "sasl PLAIN as alice", wantWarn: "in the clear"},
		{name: "no password", args: []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice"}, getenv: noEnv, wantErr: true, want: "needs a password"},
		{name: "empty password file", args: []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice", "--sasl-password-file", "empty"}, wantErr: true, want: "the file is empty"},
		{name: "missing password file", args: []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice", "--sasl-password-file", "nope"}, wantErr: true, want: "--sasl-password-file: open"},
		{name: "no user", args: []string{"--sasl-mechanism", "SCRAM-SHA-512"}, getenv: envPass, wantErr: true, want: "needs --sasl-user"},
		{name: "unknown mechanism", args: []string{"--sasl-mechanism", "GSSAPI"}, wantErr: true, want: `--sasl-mechanism "GSSAPI"`},
		{name: "user without mechanism", args: []string{"--sasl-user", "alice"}, wantErr: true, want: "need --sasl-mechanism"},
		{name: "oauth", args: []string{"--tls", "--sasl-mechanism", "OAUTHBEARER", "--sasl-token-file", "token"}, want: "tls, sasl OAUTHBEARER (token from " + filepath.Join(dir, "token") + ")"},
		{name: "oauth no token", args: []string{"--sasl-mechanism", "OAUTHBEARER"}, wantErr: true, want: "needs --sasl-token-file"},
		{name: "oauth empty token", args: []string{"--sasl-mechanism", "OAUTHBEARER", "--sasl-token-file", "empty"}, wantErr: true, want: "the file is empty"},
		{name: "oauth with user", args: []string{"--sasl-mechanism", "OAUTHBEARER", "--sasl-user", "bob", "--sasl-token-file", "token"}, wantErr: true, want: "not OAUTHBEARER"},
		{name: "token file with scram", args: []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "a", "--sasl-token-file", "token"}, getenv: envPass, wantErr: true, want: "for OAUTHBEARER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := tt.getenv
			if getenv == nil {
				getenv = noEnv
			}
			a, warn, err := loadFlags(tt.args, getenv, dir)
			var shown []string
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, want one saying %q", tt.want)
				}
				if exitCode(err) != ExitUsage {
					t.Errorf("exit code %d, want %d", exitCode(err), ExitUsage)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not say %q", err, tt.want)
				}
				shown = append(shown, err.Error())
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if got := a.String(); got != tt.want {
					t.Errorf("String() = %q, want %q", got, tt.want)
				}
				if tt.wantPass != "" && string(a.pass) != tt.wantPass {
					t.Errorf("password not read as it is in the file or env (length %d, want %d)", len(a.pass), len(tt.wantPass))
				}
				if len(a.kgoOpts()) == 0 != (tt.want == "plaintext") || len(a.producerOpts()) == 0 != (tt.want == "plaintext") {
					t.Errorf("kgo opts %d, producer opts %d for %q", len(a.kgoOpts()), len(a.producerOpts()), tt.want)
				}
				shown = append(shown, fmt.Sprintf("%v %+v %#v %s", a, a, a, a), fmt.Sprintf("%v %+v %#v", *a, *a, *a))
			}
			if !strings.Contains(warn, tt.wantWarn) || tt.wantWarn == "" && warn != "" {
				t.Errorf("stderr %q, want %q", warn, tt.wantWarn)
			}
			shown = append(shown, warn)
			for _, s := range shown {
				for _, sec := range []string{pass, token, "PRIVATE KEY", strings.Split(pki.clientKeyPEM, "\n")[1]} {
					if strings.Contains(s, sec) {
						t.Errorf("a secret shows: %q", s)
					}
				}
			}
		})
	}
}

// The control for the redaction check above: the same formatting of a
// plain string field does show the secret, so the check can fire.
func TestSecretRedactionControl(t *testing.T) {
	type plainAuth struct{ pass string }
	const pass = "pw-Xq7-secret"
	if s := fmt.Sprintf("%+v", plainAuth{pass}); !strings.Contains(s, pass) {
		t.Fatalf("control: %q does not show the plain field", s)
	}
	if s := fmt.Sprintf("%v %+v %#v %s %q", secret(pass), secret(pass), secret(pass), secret(pass), secret(pass)); strings.Contains(s, pass) {
		t.Fatalf("secret shows: %q", s)
	}
}

// A password or token given as a flag is refused before anything runs,
// and the error does not repeat it.
func TestSecretFlagRefused(t *testing.T) {
	const pass = "hunter2-Zq9"
	for _, cmd := range []string{"produce", "consume", "registry"} {
		for _, arg := range [][]string{{"--sasl-password", pass}, {"--sasl-password=" + pass}, {"-sasl-token", pass}} {
			t.Run(cmd+" "+arg[0], func(t *testing.T) {
				r := runCLI(t, t.TempDir(), "", append([]string{cmd, "--topic", "t", "--kafka", "127.0.0.1:1"}, arg...)...)
				if r.code != ExitUsage || !strings.Contains(r.stderr, "--sasl-password-file") || !strings.Contains(r.stderr, saslPasswordEnv) {
					t.Errorf("exit %d, stderr %q; want %d and a pointer to the file and env", r.code, r.stderr, ExitUsage)
				}
				if strings.Contains(r.stderr+r.stdout, pass) {
					t.Errorf("the password is repeated: %q", r.stderr)
				}
			})
		}
	}
	// Control: the flag package's own error for an unknown flag with a
	// value would repeat it (that is why the flag is refused first).
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("b", false, "")
	if err := fs.Parse([]string{"-b=" + pass}); err == nil || !strings.Contains(err.Error(), pass) {
		t.Fatalf("control: the flag package's error %v does not repeat the value", err)
	}
}

// secureCluster is a kfake cluster that takes only TLS connections with a
// client certificate from pki's CA, authenticated with SCRAM-SHA-512 as
// alice.
func secureCluster(t *testing.T, pki *testPKI, pass string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "alice", pass),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{pki.serverCert}, ClientCAs: pki.pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ",")
}

// produce, consume and registry connect through TLS with a client
// certificate and SCRAM-SHA-512; a wrong password, a missing client
// certificate or no SASL fail with exit 1 and an error without the
// password.
func TestKafkaSecurityCommands(t *testing.T) {
	pki := newTestPKI(t)
	const pass, wrong = "alice-pw-8e1", "wrong-pw-5b2"
	brokers := secureCluster(t, pki, pass)
	writeFile(t, filepath.Join(pki.dir, "pass"), pass+"\n")
	writeFile(t, filepath.Join(pki.dir, "wrong"), wrong+"\n")
	tlsArgs := []string{"--tls-ca", pki.caFile, "--tls-cert", pki.certFile, "--tls-key", pki.keyFile}
	scram := func(file string) []string {
		return append(append([]string{}, tlsArgs...), "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice", "--sasl-password-file", filepath.Join(pki.dir, file))
	}
	reg := registrytest.New(t)
	examples := copyExamples(t)
	if r := runCLI(t, examples, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	line := `{"order_id":"a","amount_cents":5,"method":"card"}` + "\n"
	produce := func(extra ...string) result {
		return runCLI(t, examples, line, append([]string{"produce", "--registry", reg.URL(), "--brokers", brokers, "--topic", "payments", "--timeout", "20s"}, extra...)...)
	}
	if r := produce(scram("pass")...); r.code != 0 || !strings.Contains(r.stderr, "1 records delivered") {
		t.Fatalf("produce over TLS+SCRAM: %d %s", r.code, r.stderr)
	}
	t.Setenv(saslPasswordEnv, pass)
	envArgs := append(append([]string{}, tlsArgs...), "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice")
	if r := produce(envArgs...); r.code != 0 {
		t.Fatalf("produce with $%s: %d %s", saslPasswordEnv, r.code, r.stderr)
	}
	r := runCLI(t, examples, "", append([]string{"consume", "--registry", reg.URL(), "--brokers", brokers, "--from-beginning", "-n", "2", "--timeout", "20s", "payments"}, scram("pass")...)...)
	if r.code != 0 || strings.Count(r.stdout, `"order_id":"a"`) != 2 {
		t.Fatalf("consume over TLS+SCRAM: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	failures := []struct {
		name string
		args []string
		want string
	}{
		// kfake hangs up on a failed SCRAM exchange (a real broker answers
		// SASL_AUTHENTICATION_FAILED: tests/interop checks that).
		{name: "wrong password", args: scram("wrong"), want: "brokers"},
		{name: "no client certificate", args: []string{"--tls-ca", pki.caFile, "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "alice", "--sasl-password-file", filepath.Join(pki.dir, "pass")}, want: "brokers"},
		{name: "no sasl", args: tlsArgs, want: "brokers"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			outs := map[string]result{
				"produce": produce(f.args...),
				"consume": runCLI(t, examples, "", append([]string{"consume", "--registry", reg.URL(), "--brokers", brokers, "-n", "1", "--timeout", "20s", "payments"}, f.args...)...),
			}
			for cmd, r := range outs {
				if r.code != ExitError || !strings.Contains(r.stderr, f.want) {
					t.Errorf("%s: exit %d, stderr %q; want %d and %q", cmd, r.code, r.stderr, ExitError, f.want)
				}
				if strings.Contains(r.stderr, "within --timeout") {
					t.Errorf("%s: ran into its --timeout instead of failing on the refusal: %s", cmd, r.stderr)
				}
				for _, s := range []string{pass, wrong} {
					if strings.Contains(r.stdout+r.stderr, s) {
						t.Errorf("%s: a password shows: %s", cmd, r.stderr)
					}
				}
			}
		})
	}
	// The registry's Kafka store through the same flags.
	url, _ := startRegistry(t, append([]string{"--kafka", brokers}, scram("pass")...)...)
	if r := runCLI(t, examples, "", "register", "--registry", url); r.code != 0 {
		t.Fatalf("register through a registry on TLS+SCRAM: %d %s", r.code, r.stderr)
	}
	rr := runCLI(t, t.TempDir(), "", append([]string{"registry", "--listen", "127.0.0.1:0", "--kafka", brokers}, scram("wrong")...)...)
	if rr.code != ExitError || !strings.Contains(rr.stderr, "kafka store") || strings.Contains(rr.stderr, wrong) || strings.Contains(rr.stderr, pass) {
		t.Fatalf("registry with a wrong password: exit %d, stderr %q", rr.code, rr.stderr)
	}
}

// A broker's RFC 7628 error challenge to an OAUTHBEARER token becomes an
// error that gives its status and wraps SASL_AUTHENTICATION_FAILED, and
// nothing else of the challenge.
func TestOAuthRejection(t *testing.T) {
	s := oauthRejectionSession{}
	_, _, err := s.Challenge([]byte(`{"status":"invalid_token","scope":"secret-scope-7f","openid-configuration":"https://idp.example/x"}`))
	if err == nil || !errors.Is(err, kerr.SaslAuthenticationFailed) || !strings.Contains(err.Error(), `status "invalid_token"`) {
		t.Fatalf("error %v: want the status and SASL_AUTHENTICATION_FAILED", err)
	}
	if strings.Contains(err.Error(), "secret-scope-7f") || strings.Contains(err.Error(), "idp.example") {
		t.Errorf("error repeats the challenge: %v", err)
	}
	if _, _, err := s.Challenge([]byte("not json")); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("unreadable challenge: %v", err)
	}
}

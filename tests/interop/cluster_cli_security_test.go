//go:build interop

package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/serde"
)

// runBin runs the built schemagen with stdin and extra environment and
// returns its exit code, stdout, stderr and how long it took.
func runBin(t testing.TB, stdin string, env []string, args ...string) (int, string, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, schemagenBin(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("schemagen %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return code, stdout.String(), stderr.String(), took
}

// TestClusterCLISecurity runs `schemagen produce`, `consume` and
// `registry` (the built binary) through the cluster's SASL_SSL listener
// with SCRAM-SHA-512 (password from a file and from
// $SCHEMAGEN_SASL_PASSWORD) and OAUTHBEARER (Kafka's unsecured JWS
// validator; token from a file), and through its mTLS listener. A wrong
// password, an expired token and a missing client certificate exit 1 on
// the broker's refusal (not on the command's --timeout) with an error
// that holds no secret.
func TestClusterCLISecurity(t *testing.T) {
	kc := clusterEnv(t)
	reg, rc := newRegistry(t)
	dir := t.TempDir()
	ca := filepath.Join(kc.tlsDir, "ca.pem")
	now := time.Now()
	goodToken := unsecuredJWS(t, "bob", now.Add(-time.Minute), now.Add(time.Hour))
	expiredToken := unsecuredJWS(t, "bob", now.Add(-2*time.Hour), now.Add(-time.Hour))
	const wrongPass = "wrong-pw-0x7a3e"
	files := map[string]string{"pass": kc.scramPass, "wrong": wrongPass, "token": goodToken, "expired": expiredToken}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sasl := strings.Join(kc.saslBrokers, ",")
	mtls := strings.Join(kc.mtlsBrokers, ",")
	scram := func(file string) []string {
		return []string{"--tls-ca", ca, "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", kc.scramUser, "--sasl-password-file", filepath.Join(dir, file)}
	}
	oauth := func(file string) []string {
		return []string{"--tls-ca", ca, "--sasl-mechanism", "OAUTHBEARER", "--sasl-token-file", filepath.Join(dir, file)}
	}
	clientCert := []string{"--tls-ca", ca, "--tls-cert", filepath.Join(kc.tlsDir, "client.pem"), "--tls-key", filepath.Join(kc.tlsDir, "client.key")}
	secrets := []string{kc.scramPass, wrongPass, goodToken, expiredToken, strings.Split(goodToken, ".")[1], strings.Split(expiredToken, ".")[1]}
	const value = `{"type":"record","name":"Sec","namespace":"interop","fields":[{"name":"n","type":"long"}]}`
	const lines = 20
	var input strings.Builder
	for i := range lines {
		fmt.Fprintf(&input, "{\"n\":%d}\n", i)
	}
	noSecret := func(t *testing.T, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("output holds a secret:\n%s", out)
			}
		}
	}

	tests := []struct {
		name    string
		brokers string
		args    []string
		env     []string
		want    string // "": connects; else the refusal's text in stderr
	}{
		{name: "SCRAM-SHA-512 password file", brokers: sasl, args: scram("pass")},
		{name: "SCRAM-SHA-512 password env", brokers: sasl, args: []string{"--tls-ca", ca, "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", kc.scramUser},
			env: []string{"SCHEMAGEN_SASL_PASSWORD=" + kc.scramPass}},
		{name: "OAUTHBEARER token file", brokers: sasl, args: oauth("token")},
		{name: "mTLS", brokers: mtls, args: clientCert},
		{name: "SCRAM-SHA-512 wrong password", brokers: sasl, args: scram("wrong"), want: "SASL_AUTHENTICATION_FAILED"},
		{name: "OAUTHBEARER expired token", brokers: sasl, args: oauth("expired"), want: "the broker rejected the token"},
		{name: "mTLS without a client certificate", brokers: mtls, args: []string{"--tls-ca", ca}, want: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic := topicName("cli-sec")
			kc.createTopic(t, topic, 1, nil)
			if _, err := rc.Register(context.Background(), topic+"-value", serde.Schema{Format: serde.Avro, Text: value}); err != nil {
				t.Fatal(err)
			}
			pargs := append([]string{"produce", "--registry", reg.URL(), "--brokers", tt.brokers, "--topic", topic, "--timeout", "60s"}, tt.args...)
			code, _, stderr, took := runBin(t, input.String(), tt.env, pargs...)
			noSecret(t, stderr)
			cargs := append([]string{"consume", "--registry", reg.URL(), "--brokers", tt.brokers, "--from-beginning", "-n", fmt.Sprint(lines), "--timeout", "60s", topic}, tt.args...)
			if tt.want == "" {
				if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d records delivered", lines)) {
					t.Fatalf("produce: exit %d\n%s", code, stderr)
				}
				n := kc.consumeEach(t, topic, func(*kgo.Record) {})
				if n != lines {
					t.Errorf("%d records on the topic (read over PLAINTEXT), want %d", n, lines)
				}
				ccode, out, cerr, _ := runBin(t, "", tt.env, cargs...)
				noSecret(t, cerr)
				if ccode != 0 || strings.Count(out, `{"n":`) != lines {
					t.Fatalf("consume: exit %d\n%s%s", ccode, out, cerr)
				}
				t.Logf("produce took %v; %d records produced and consumed back through the same listener", took.Round(time.Millisecond), lines)
				return
			}
			if code != 1 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "within --timeout") {
				t.Errorf("produce: exit %d after %v, stderr %q; want 1 on the refusal (%q)", code, took.Round(time.Millisecond), stderr, tt.want)
			}
			ccode, _, cerr, ctook := runBin(t, "", tt.env, cargs...)
			noSecret(t, cerr)
			if ccode != 1 || !strings.Contains(cerr, tt.want) || strings.Contains(cerr, "within --timeout") {
				t.Errorf("consume: exit %d after %v, stderr %q; want 1 on the refusal (%q)", ccode, ctook.Round(time.Millisecond), cerr, tt.want)
			}
			t.Logf("refused: produce exit %d after %v (%s), consume exit %d after %v",
				code, took.Round(time.Millisecond), strings.TrimSpace(stderr), ccode, ctook.Round(time.Millisecond))
		})
	}

	// `schemagen registry` keeps its state on a topic through SASL_SSL.
	t.Run("registry over SCRAM-SHA-512", func(t *testing.T) {
		topic := topicName("sec-schemas")
		ri := newRegInstance(t, "sec-registry", sasl, topic, dir)
		ri.args = append(ri.args, scram("pass")...)
		ri.start(t)
		a, kind := register(context.Background(), ri.url, topic+"-value", value)
		if kind != "" {
			t.Fatalf("register: %s", kind)
		}
		ri.stop()
		ri.start(t) // replays the topic through SASL_SSL
		resp, err := http.Get(fmt.Sprintf("%s/subjects/%s-value/versions/1", ri.url, topic))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("after a restart, version 1 (id %d): %d", a.ID, resp.StatusCode)
		}
		b, _ := os.ReadFile(ri.log)
		noSecret(t, string(b))
		code, _, stderr, took := runBin(t, "", nil, append([]string{"registry", "--listen", "127.0.0.1:0", "--kafka", sasl, "--topic", topic}, scram("wrong")...)...)
		noSecret(t, stderr)
		if code != 1 || !strings.Contains(stderr, "SASL_AUTHENTICATION_FAILED") {
			t.Errorf("registry with a wrong password: exit %d after %v: %s", code, took.Round(time.Millisecond), stderr)
		}
		t.Logf("registry with a wrong password: exit %d after %v: %s", code, took.Round(time.Millisecond), strings.TrimSpace(stderr))
	})
}

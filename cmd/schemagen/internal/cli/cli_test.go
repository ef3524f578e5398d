package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/registry/server"
)

// Every exit code of every command that has one, through Run.
func TestExitCodes(t *testing.T) {
	reg := registrytest.New(t)
	examples := copyExamples(t)
	if r := runCLI(t, examples, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	bad := t.TempDir()
	writeFile(t, filepath.Join(bad, "schemagen.yaml"), "version: 1\nregistri: {url: x}\n")
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	old := t.TempDir()
	writeFile(t, filepath.Join(old, "schemas/json/payment.json"), `{"type":"object","properties":{"order_id":{"type":"string"}}}`)

	tests := []struct {
		name  string
		dir   string
		stdin string
		args  []string
		code  int
		want  string // in stdout or stderr
	}{
		{name: "no command", args: nil, code: ExitUsage, want: "usage: schemagen"},
		{name: "unknown command", args: []string{"frobnicate"}, code: ExitUsage, want: `unknown command "frobnicate"`},
		{name: "help", args: []string{"help"}, code: ExitOK, want: "commands:"},
		{name: "version", args: []string{"version"}, code: ExitOK, want: "schemagen v"},
		{name: "command help", args: []string{"register", "-h"}, code: ExitOK, want: "-dry-run"},
		{name: "unknown flag", args: []string{"register", "--frob"}, code: ExitUsage, want: "flag provided but not defined"},
		{name: "missing config", dir: t.TempDir(), args: []string{"register"}, code: ExitUsage, want: "schemagen.yaml"},
		{name: "config typo", dir: bad, args: []string{"register"}, code: ExitUsage, want: `unknown key "registri"`},
		{name: "bad output", dir: examples, args: []string{"check", "--output", "yaml"}, code: ExitUsage, want: "want text or json"},
		{name: "auth env unset", dir: examples, args: []string{"register", "--registry-token-env", "SCHEMAGEN_TEST_UNSET_TOKEN"}, code: ExitUsage, want: "SCHEMAGEN_TEST_UNSET_TOKEN is not set"},
		{name: "registry down", dir: examples, args: []string{"register", "--registry", "http://127.0.0.1:1"}, code: ExitError, want: "connection refused"},
		{name: "register again", dir: examples, args: []string{"register", "--registry", reg.URL()}, code: ExitOK, want: "registered 0, unchanged 5"},
		{name: "check registry ok", dir: examples, args: []string{"check", "--registry", reg.URL()}, code: ExitOK, want: "5 schemas checked"},
		{name: "check against dir incompatible", dir: examples, args: []string{"check", "--against", old}, code: ExitFindings, want: "schemas/json/payment.json:"},
		{name: "check against missing dir", dir: examples, args: []string{"check", "--against", "/nonexistent"}, code: ExitUsage, want: "not a directory"},
		{name: "check bad level", dir: examples, args: []string{"check", "--level", "sideways"}, code: ExitUsage, want: "--level"},
		{name: "fetch no subject", dir: examples, args: []string{"fetch", "--registry", reg.URL()}, code: ExitUsage, want: "want one subject"},
		{name: "fetch bad version", dir: examples, args: []string{"fetch", "--registry", reg.URL(), "orders-value@x"}, code: ExitUsage, want: "positive number"},
		{name: "fetch unknown subject", dir: examples, args: []string{"fetch", "--registry", reg.URL(), "nope-value", "-o", t.TempDir()}, code: ExitUsage, want: "404 (40401)"},
		{name: "config bad level", dir: examples, args: []string{"config", "--registry", reg.URL(), "--compatibility", "sideways"}, code: ExitUsage, want: "--compatibility"},
		{name: "config bad mode", dir: examples, args: []string{"config", "--registry", reg.URL(), "--mode", "sleepy"}, code: ExitUsage, want: "--mode"},
		{name: "config get", dir: examples, args: []string{"config", "--registry", reg.URL()}, code: ExitOK, want: "global: compatibility BACKWARD, mode READWRITE"},
		{name: "produce no topic", dir: examples, args: []string{"produce", "--registry", reg.URL()}, code: ExitUsage, want: "--topic is required"},
		{name: "produce unknown subject", dir: examples, args: []string{"produce", "--registry", reg.URL(), "--brokers", brokers, "--topic", "nope"}, code: ExitError, want: "404 (40401)"},
		{name: "produce rejected line", dir: examples, stdin: "{\"order_id\":\"a\",\"amount_cents\":5,\"method\":\"card\"}\n{\"order_id\":\"b\",\"amount_cents\":0,\"method\":\"card\"}\n", args: []string{"produce", "--registry", reg.URL(), "--brokers", brokers, "--topic", "payments"}, code: ExitFindings, want: "line 2: rejected: payments-value (id 5): amount_cents"},
		{name: "produce rejected line continue", dir: examples, stdin: "{\"order_id\":\"b\",\"amount_cents\":0,\"method\":\"card\"}\n{\"order_id\":\"a\",\"amount_cents\":5,\"method\":\"card\"}\n", args: []string{"produce", "--registry", reg.URL(), "--brokers", brokers, "--topic", "payments", "--continue"}, code: ExitOK, want: "produce: 1 records delivered to payments"},
		{name: "produce ok", dir: examples, stdin: "{\"order_id\":\"a\",\"amount_cents\":5,\"method\":\"card\"}\n", args: []string{"produce", "--registry", reg.URL(), "--brokers", brokers, "--topic", "payments"}, code: ExitOK, want: "0 rejected"},
		{name: "dev non-loopback", args: []string{"dev", "--registry-addr", "0.0.0.0:0"}, code: ExitUsage, want: "loopback"},
		{name: "dev port too high", args: []string{"dev", "--registry-addr", "127.0.0.1:0", "--kafka-port", "70000"}, code: ExitUsage, want: "--kafka-port"},
		{name: "dev negative port", args: []string{"dev", "--registry-addr", "127.0.0.1:0", "--kafka-port", "-5"}, code: ExitUsage, want: "--kafka-port"},
		{name: "produce bad timeout", args: []string{"produce", "--topic", "t", "--registry", "http://127.0.0.1:1", "--timeout", "0s"}, code: ExitUsage, want: "--timeout"},
		{name: "generate missing config", dir: t.TempDir(), args: []string{"generate"}, code: ExitUsage, want: "schemagen.yaml"},
		{name: "init refuses to overwrite", dir: examples, args: []string{"init"}, code: ExitUsage, want: "does not overwrite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.dir, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("output lacks %q\nstdout: %s\nstderr: %s", tt.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestCheckFindings(t *testing.T) {
	dir := copyExamples(t)
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "schemas")
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	// An incompatible change: a new required field without a default.
	order, _ := os.ReadFile(filepath.Join(dir, "schemas/avro/order.avsc"))
	changed := strings.Replace(string(order), `{"name": "quantity", "type": "int"},`, `{"name": "quantity", "type": "int"},
    {"name": "channel", "type": "string"},`, 1)
	writeFile(t, filepath.Join(dir, "schemas/avro/order.avsc"), changed)
	// A referenced file is checked under its own subject, and through
	// the entry that uses it.
	money, _ := os.ReadFile(filepath.Join(dir, "schemas/avro/money.avsc"))
	writeFile(t, filepath.Join(dir, "schemas/avro/money.avsc"), strings.Replace(string(money), `{"name": "cents", "type": "long"}`, `{"name": "cents", "type": "long"},
    {"name": "rate", "type": "double"}`, 1))

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "git ref", args: []string{"check", "--against", "git:HEAD"}, code: ExitFindings, want: "schemas/avro/order.avsc:"},
		{name: "registry", args: []string{"check", "--registry", reg.URL()}, code: ExitFindings, want: "schemas/avro/order.avsc:"},
		{name: "referenced file", args: []string{"check", "--against", "git:HEAD"}, code: ExitFindings, want: `schemas/avro/money.avsc:9:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "rate"`},
		{name: "referenced file registry", args: []string{"check", "--registry", reg.URL()}, code: ExitFindings, want: `schemas/avro/money.avsc:9:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "rate"`},
		{name: "level none", args: []string{"check", "--against", "git:HEAD", "--level", "none"}, code: ExitOK, want: ""},
		{name: "unknown git ref", args: []string{"check", "--against", "git:nosuchref"}, code: ExitUsage, want: "nosuchref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, dir, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), want %q\nstdout: %s\nstderr: %s", r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
			if tt.code == ExitFindings {
				// path:line:col: RULE: message
				line := strings.SplitN(r.stdout, "\n", 2)[0]
				parts := strings.SplitN(line, ":", 5)
				if len(parts) < 5 || parts[3] == "" || strings.ToUpper(strings.TrimSpace(parts[3])) != strings.TrimSpace(parts[3]) {
					t.Fatalf("finding %q is not path:line:col: RULE: message", line)
				}
				if parts[1] == "0" {
					t.Errorf("finding %q has no line", line)
				}
			}
		})
	}
	r := runCLI(t, dir, "", "check", "--against", "git:HEAD", "--output", "json")
	var got struct {
		Compatible bool
		Findings   []struct{ File, Rule, Message string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != ExitFindings || got.Compatible || len(got.Findings) == 0 || got.Findings[0].Rule == "" {
		t.Fatalf("json: %v exit %d %s", err, r.code, r.stdout)
	}
}

func TestFetch(t *testing.T) {
	dir := copyExamples(t)
	reg := registrytest.New(t)
	if r := runCLI(t, dir, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	tests := []struct {
		name    string
		subject string
		files   map[string]string // file -> text it must contain
	}{
		{name: "avro with reference", subject: "orders-value", files: map[string]string{"orders-value.avsc": `"shop.Money"`, "shop.Money.avsc": `"cents"`}},
		{name: "proto with import", subject: "users-value@1", files: map[string]string{"users-value.proto": `import "shop/v1/address.proto"`, "shop/v1/address.proto": "message Address"}},
		{name: "json", subject: "payments-value", files: map[string]string{"payments-value.json": "amount_cents"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			r := runCLI(t, dir, "", "fetch", tt.subject, "--registry", reg.URL(), "-o", out)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for f, want := range tt.files {
				b, err := os.ReadFile(filepath.Join(out, f))
				if err != nil || !strings.Contains(string(b), want) {
					t.Errorf("%s: %v, lacks %q:\n%s", f, err, want, b)
				}
			}
		})
	}
}

func TestConfigSet(t *testing.T) {
	reg := registrytest.New(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "global level", args: []string{"--compatibility", "full"}, want: "global: compatibility FULL, mode READWRITE"},
		{name: "subject level", args: []string{"--subject", "orders-value", "--compatibility", "none"}, want: "orders-value: compatibility NONE"},
		{name: "subject mode", args: []string{"--subject", "orders-value", "--mode", "readonly"}, want: "mode READONLY"},
		{name: "global still", args: nil, want: "global: compatibility FULL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), "", append([]string{"config", "--registry", reg.URL()}, tt.args...)...)
			if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
				t.Fatalf("exit %d, want %q\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/shop\n\ngo 1.26\n")
	r := runCLI(t, dir, "", "init")
	if r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "schemagen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# yaml-language-server: $schema=./schemagen.schema.json", "package: example.com/shop/gen/users"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("schemagen.yaml lacks %q:\n%s", want, b)
		}
	}
	if r := runCLI(t, dir, "", "generate", "--check"); r.code != ExitFindings || !strings.Contains(r.stdout, "missing: gen/users/") {
		t.Fatalf("check before generate: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "generate"); r.code != 0 {
		t.Fatalf("generate: %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, "", "generate", "--check"); r.code != 0 {
		t.Fatalf("check after generate: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Stale: a changed file and an extra generated file.
	writeFile(t, filepath.Join(dir, "gen/users/old.avro.go"), generatedHeader+"\npackage users\n")
	writeFile(t, filepath.Join(dir, "schemas/user.avsc"), strings.Replace(starterSchema, `{"name": "id", "type": "long"},`, `{"name": "id", "type": "long"}, {"name": "age", "type": "int", "default": 0},`, 1))
	r = runCLI(t, dir, "", "generate", "--check")
	if r.code != ExitFindings || !strings.Contains(r.stdout, "changed: gen/users/") || !strings.Contains(r.stdout, "extra: gen/users/old.avro.go") {
		t.Fatalf("stale check: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "init"); r.code != ExitUsage {
		t.Fatalf("second init: exit %d", r.code)
	}
}

// startDev runs `schemagen dev` until stop is called.
func startDev(t *testing.T, args ...string) (brokers []string, url string, stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type addrs struct {
		brokers []string
		url     string
	}
	ready := make(chan addrs, 1)
	devReady = func(b []string, u string) { ready <- addrs{b, u} }
	done := make(chan result, 1)
	go func() {
		var out, errb strings.Builder
		e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: os.Getenv}
		code := run(e, append([]string{"dev", "--registry-addr", "127.0.0.1:0", "--kafka-port", "0"}, args...))
		done <- result{code: code, stdout: out.String(), stderr: errb.String()}
	}()
	select {
	case a := <-ready:
		devReady = nil
		return a.brokers, a.url, func() result { cancel(); return <-done }
	case r := <-done:
		cancel()
		devReady = nil
		t.Fatalf("dev ended: %d %s", r.code, r.stderr)
	}
	return nil, "", nil
}

// dev serves 3 brokers and a registry; with --data-dir both keep their
// data across a restart.
func TestDev(t *testing.T) {
	dataDir := t.TempDir()
	examples := copyExamples(t)
	ctx := context.Background()
	brokers, url, stop := startDev(t, "--data-dir", dataDir)
	if len(brokers) != 3 {
		t.Fatalf("brokers %v, want 3", brokers)
	}
	if r := runCLI(t, examples, "", "register", "--registry", url); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	kc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic("dev-test"))
	if err != nil {
		t.Fatal(err)
	}
	if err := kc.ProduceSync(ctx, &kgo.Record{Value: []byte("kept")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	kc.Close()
	if r := stop(); r.code != 0 || !strings.Contains(r.stdout, "registry: http://127.0.0.1:") || !strings.Contains(r.stdout, "kafka:    127.0.0.1:") {
		t.Fatalf("dev: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	brokers, url, stop = startDev(t, "--data-dir", dataDir)
	defer stop()
	if r := runCLI(t, examples, "", "register", "--registry", url, "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 0 new versions, 5 unchanged") {
		t.Fatalf("registry after restart: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	kc, err = kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("dev-test"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	fs := kc.PollFetches(cctx)
	if err := fs.Err0(); err != nil {
		t.Fatalf("kafka after restart: %v", err)
	}
	if recs := fs.Records(); len(recs) != 1 || string(recs[0].Value) != "kept" {
		t.Fatalf("kafka after restart: %d records", len(recs))
	}
}

// Credentials come from the environment variables the flags (or the
// config) name, and never appear in output.
func TestRegistryAuth(t *testing.T) {
	reg := registrytest.New(t, server.BasicAuth("alice", "s3cret-pass"))
	examples := copyExamples(t)
	t.Setenv("SG_TEST_USER", "alice")
	t.Setenv("SG_TEST_GOOD", "s3cret-pass")
	t.Setenv("SG_TEST_BAD", "hunter2-wrong")
	tests := []struct {
		name    string
		passEnv string
		code    int
		want    string
	}{
		{name: "right password", passEnv: "SG_TEST_GOOD", code: ExitOK, want: "registered 5"},
		{name: "wrong password", passEnv: "SG_TEST_BAD", code: ExitError, want: "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, examples, "", "register", "--registry", reg.URL(), "--registry-username-env", "SG_TEST_USER", "--registry-password-env", tt.passEnv)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), want %q\n%s%s", r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
			for _, secret := range []string{"s3cret-pass", "hunter2-wrong"} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Fatalf("output shows a secret:\n%s%s", r.stdout, r.stderr)
				}
			}
		})
	}
	// The config names the variables too.
	cfg, _ := os.ReadFile(filepath.Join(examples, "schemagen.yaml"))
	writeFile(t, filepath.Join(examples, "schemagen.yaml"), strings.Replace(string(cfg), "  url: http://127.0.0.1:8081\n", "  url: "+reg.URL()+"\n  auth: {username_env: SG_TEST_USER, password_env: SG_TEST_GOOD}\n", 1))
	if r := runCLI(t, examples, "", "register", "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "5 unchanged") {
		t.Fatalf("auth from config: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// An entry may name a registered subject instead of a file: generate reads
// it, with its references, from the registry.
func TestGenerateFromSubject(t *testing.T) {
	examples := copyExamples(t)
	reg := registrytest.New(t)
	if r := runCLI(t, examples, "", "register", "--registry", reg.URL()); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schemagen.yaml"), `version: 1
registry: {url: `+reg.URL()+`}
schemas:
  - subject: orders-value@1
    format: avro
    topic: orders
    go: {package: example.com/x/gen/orders, out: gen/orders}
`)
	r := runCLI(t, dir, "", "generate")
	if r.code != 0 {
		t.Fatalf("generate: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "gen/orders/orders_value.avro.go"))
	if err != nil {
		entries, _ := os.ReadDir(filepath.Join(dir, "gen/orders"))
		t.Fatalf("%v (files: %v)", err, entries)
	}
	for _, want := range []string{"// source: orders-value@1", "type Order struct", "Money"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
}

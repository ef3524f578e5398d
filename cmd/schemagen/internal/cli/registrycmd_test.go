package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// startRegistry runs `schemagen registry` until stop is called.
func startRegistry(t *testing.T, args ...string) (url string, stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	registryReady = func(u string) { ready <- u }
	defer func() { registryReady = nil }()
	done := make(chan result, 1)
	go func() {
		var out, errb strings.Builder
		e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: os.Getenv}
		code := run(e, append([]string{"registry", "--listen", "127.0.0.1:0"}, args...))
		done <- result{code: code, stdout: out.String(), stderr: errb.String()}
	}()
	select {
	case u := <-ready:
		var once result
		stopped := false
		stop = func() result {
			if !stopped {
				stopped = true
				cancel()
				once = <-done
			}
			return once
		}
		t.Cleanup(func() { stop() })
		return u, stop
	case r := <-done:
		cancel()
		t.Fatalf("registry ended: %d %s", r.code, r.stderr)
	}
	return "", nil
}

// Two `schemagen registry` instances on one topic: what is registered
// through one is there through the other, and after both restart.
func TestRegistryCommand(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := strings.Join(c.ListenAddrs(), ",")
	examples := copyExamples(t)
	url1, stop1 := startRegistry(t, "--kafka", brokers)
	url2, stop2 := startRegistry(t, "--kafka", brokers)
	for _, url := range []string{url2, url1} {
		if r := runCLI(t, examples, "", "register", "--registry", url); r.code != 0 {
			t.Fatalf("register through %s: %d %s", url, r.code, r.stderr)
		}
		if r := runCLI(t, examples, "", "register", "--registry", url, "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 0 new versions, 5 unchanged") {
			t.Fatalf("read through %s: %d\n%s%s", url, r.code, r.stdout, r.stderr)
		}
	}
	for _, stop := range []func() result{stop1, stop2} {
		if r := stop(); r.code != 0 || !strings.Contains(r.stdout, "registry: http://127.0.0.1:") {
			t.Fatalf("registry: %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	url3, _ := startRegistry(t, "--kafka", brokers)
	if r := runCLI(t, examples, "", "register", "--registry", url3, "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 0 new versions, 5 unchanged") {
		t.Fatalf("after restart: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Another topic is another registry: the control for the checks above.
	url4, _ := startRegistry(t, "--kafka", brokers, "--topic", "other")
	if r := runCLI(t, examples, "", "register", "--registry", url4, "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 5 new") {
		t.Fatalf("other topic: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestRegistryCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no brokers", args: []string{"registry"}, want: "--kafka"},
		{name: "empty brokers", args: []string{"registry", "--kafka", " , "}, want: "--kafka"},
		{name: "empty topic", args: []string{"registry", "--kafka", "127.0.0.1:1", "--topic", ""}, want: "--topic"},
		{name: "bad listen", args: []string{"registry", "--kafka", "127.0.0.1:1", "--listen", "nonsense"}, want: "--listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), "", tt.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, ExitUsage, tt.want)
			}
		})
	}
}

// dev --kafka-store keeps the registry on the embedded cluster: with
// --data-dir it survives a restart through the cluster's own data.
func TestDevKafkaStore(t *testing.T) {
	dataDir := t.TempDir()
	examples := copyExamples(t)
	_, url, stop := startDev(t, "--kafka-store", "--data-dir", dataDir)
	if r := runCLI(t, examples, "", "register", "--registry", url); r.code != 0 {
		t.Fatalf("register: %d %s", r.code, r.stderr)
	}
	if r := stop(); r.code != 0 {
		t.Fatalf("dev: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(dataDir + "/registry.log"); !os.IsNotExist(err) {
		t.Errorf("registry.log written with --kafka-store: %v", err)
	}
	_, url, stop = startDev(t, "--kafka-store", "--data-dir", dataDir)
	defer stop()
	if r := runCLI(t, examples, "", "register", "--registry", url, "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "plan: 0 new, 0 new versions, 5 unchanged") {
		t.Fatalf("registry after restart: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

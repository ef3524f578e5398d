package tests

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeBlock returns the text between the README's begin and end markers
// of name, without the code fence.
func readmeBlock(t *testing.T, readme, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- begin "+name+" -->\n```go\n")
	if !ok {
		t.Fatalf("README.md has no block for %s", name)
	}
	block, _, ok := strings.Cut(rest, "```\n<!-- end "+name+" -->")
	if !ok {
		t.Fatalf("README.md's block for %s has no end marker", name)
	}
	return block
}

// TestNewUser does what a new user does, from the README's "Use it"
// section and the built binary: a fresh module outside the repository
// pointed at the checkout with the README's replace directive, schemagen
// init, schemagen dev in the background, generate, register, the README's
// program as main.go (the same text as examples/readme/main.go, with dev's
// addresses for the default ones), go run, and schemagen consume.
// Offline: the module cache is warm after `go mod download` (make deps).
func TestNewUser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a fresh module")
	}
	start := time.Now()
	root := repoRoot(t)
	readmeText, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(readmeText)
	program := readmeBlock(t, readme, "examples/readme/main.go")
	example, err := os.ReadFile(filepath.Join(root, "examples/readme/main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if program != string(example) {
		t.Fatal("README.md's program differs from examples/readme/main.go: copy the file into the README block")
	}
	for _, cmd := range []string{"schemagen init", "schemagen dev", "schemagen generate", "schemagen register", "go mod tidy && go run .", "schemagen consume users --from-beginning -n 1"} {
		if !strings.Contains(readme, cmd) {
			t.Fatalf("README.md's Use it section lacks %q, which this test runs", cmd)
		}
	}
	modEdit := regexp.MustCompile(`(?m)^go mod edit (-require \S+ -replace github.com/schemagen/schemagen=)\.\./schemagen$`).FindStringSubmatch(readme)
	if modEdit == nil {
		t.Fatal("README.md lacks the go mod edit line with the replace directive")
	}

	bin := schemagenBin(t)
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	goEnv := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, goEnv
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	run("go", "mod", "init", "example.com/shop")
	run("go", append([]string{"mod", "edit"}, strings.Fields(modEdit[1]+root)...)...)
	out := run(bin, "init")
	if !strings.Contains(out, "schemagen dev") || !strings.Contains(out, "schemagen register") {
		t.Fatalf("init does not say the next commands:\n%s", out)
	}

	// dev in the background, on free ports (other tests run too).
	ctx, cancel := context.WithCancel(context.Background())
	dev := exec.CommandContext(ctx, bin, "dev", "--kafka-port", "0", "--registry-addr", "127.0.0.1:0")
	dev.Dir = dir
	dev.Cancel = func() error { return dev.Process.Signal(os.Interrupt) }
	stdout, err := dev.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var devErr bytes.Buffer
	dev.Stderr = &devErr
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); dev.Wait() })
	var brokers, regURL string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && (brokers == "" || regURL == "") {
		if b, ok := strings.CutPrefix(sc.Text(), "kafka:"); ok {
			brokers = strings.TrimSpace(b)
		}
		if u, ok := strings.CutPrefix(sc.Text(), "registry:"); ok {
			regURL = strings.TrimSpace(u)
		}
	}
	if brokers == "" || regURL == "" {
		t.Fatalf("dev printed no addresses: %s", devErr.String())
	}
	go func() {
		for sc.Scan() {
		}
	}()

	run(bin, "generate")
	run(bin, "register", "--registry", regURL)

	seed, _, _ := strings.Cut(brokers, ",")
	mainGo := strings.ReplaceAll(program, `"127.0.0.1:9092"`, `"`+seed+`"`)
	mainGo = strings.ReplaceAll(mainGo, `"http://127.0.0.1:8081"`, `"`+regURL+`"`)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(mainGo), 0o644); err != nil {
		t.Fatal(err)
	}
	run("go", "mod", "tidy")
	out = run("go", "run", ".")
	if !strings.Contains(out, "produced users[") || !strings.Contains(out, "read back user 1 <ada@example.com>") {
		t.Fatalf("the README program printed:\n%s", out)
	}
	out = run(bin, "consume", "users", "--from-beginning", "-n", "1", "--timeout", "20s", "--brokers", brokers, "--registry", regURL)
	if !strings.Contains(out, `"email":"ada@example.com"`) {
		t.Fatalf("consume printed:\n%s", out)
	}
	t.Logf("new-user path: %v wall time", time.Since(start).Round(time.Millisecond))
}

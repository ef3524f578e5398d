package tests

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// userProgram is the tiny program a user writes against the generated
// package: a typed producer of users.User values.
const userProgram = `package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"

	"example.com/usertest/gen/users"
)

func main() {
	ctx := context.Background()
	cl, err := registry.New(registry.URLs(os.Args[2]))
	check(err)
	p, err := producer.New(producer.SeedBrokers(strings.Split(os.Args[1], ",")...), producer.Registry(cl))
	check(err)
	up, err := users.NewUserProducer[string](ctx, p)
	check(err)
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("user %d", i)
		_, err := up.ProduceSync(ctx, fmt.Sprint(i), &users.User{ID: int64(i), Email: fmt.Sprintf("u%d@example.com", i), Name: &name})
		check(err)
	}
	_, err = up.Produce(ctx, "bad", &users.User{ID: 1, Email: "bad \xff"})
	fmt.Println("rejected:", errors.Is(err, producer.ErrRejected))
	check(p.Close(ctx))
	fmt.Println("produced: 10")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// A user's path, in a fresh module: schemagen init, generate, register,
// then a program importing the generated package produces to Kafka, and
// the records are consumed and decoded. It builds a module, so it is
// skipped under -short; make test runs it. It works offline once `go mod
// download` has filled the module cache (GOPROXY=off).
func TestUserJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a fresh module: skipped under -short")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/usertest\n\ngo 1.26\n\nrequire github.com/schemagen/schemagen v0.0.0\n\nreplace github.com/schemagen/schemagen => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))

	steps := []struct {
		name string
		args []string
		want string
	}{
		{name: "init", args: []string{"init"}, want: "wrote schemagen.yaml"},
		{name: "generate", args: []string{"generate"}, want: "wrote: gen/users/"},
		{name: "check fresh", args: []string{"generate", "--check"}, want: ""},
	}
	for _, s := range steps {
		code, stdout, stderr := runBin(t, dir, s.args...)
		if code != 0 || !strings.Contains(stdout, s.want) {
			t.Fatalf("%s: exit %d, want %q\n%s%s", s.name, code, s.want, stdout, stderr)
		}
	}
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, dir, "register", "--registry", reg.URL()); code != 0 || !strings.Contains(stdout, "users-value") {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}

	cluster, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(3, "users"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()

	write("main.go", userProgram)
	cmd := exec.Command("go", "run", ".", strings.Join(brokers, ","), reg.URL())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run: %v\n%s%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "produced: 10") || !strings.Contains(out.String(), "rejected: true") {
		t.Fatalf("program output:\n%s%s", out.String(), errb.String())
	}

	// Consume and decode with the schema the registry has for each ID.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("users"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	cl, err := registry.New(registry.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	emails := map[string]bool{}
	for len(emails) < 10 {
		fs := kc.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of 10", len(emails))
		}
		fs.EachRecord(func(r *kgo.Record) {
			f, rest, err := serde.ParseFrame(r.Value)
			if err != nil {
				t.Fatal(err)
			}
			s, err := cl.SchemaByID(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			c, err := formats.Compile(ctx, s, cl)
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := c.Decode(rest, &v); err != nil {
				t.Fatal(err)
			}
			emails[v["email"].(string)] = true
		})
	}
	if !emails["u9@example.com"] {
		t.Fatalf("decoded %v", emails)
	}
}

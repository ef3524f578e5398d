package tests

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// produceLines runs produce with lines on stdin and fails the test unless
// it exits 0.
func produceLines(t *testing.T, lines string, args ...string) {
	t.Helper()
	cmd := exec.Command(schemagenBin(t), append([]string{"produce", "--timeout", "20s"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(lines)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("produce %v: %v\n%s", args, err, out.String())
	}
}

// consume prints what produce wrote, decoded through the writer's schema,
// for JSON Schema (prefix framing) and Protobuf (header framing); it
// reports a record it cannot decode and exits 1; -n with too few records
// exits 1 when --timeout ends.
func TestBinaryConsume(t *testing.T) {
	regURL, cluster := produceSetup(t)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	pay := `{"order_id":"o-1","amount_cents":5,"method":"card"}` + "\n" + `{"order_id":"o-2","amount_cents":7,"method":"voucher","reference":"r"}` + "\n"
	produceLines(t, pay, "--brokers", brokers, "--registry", regURL, "--topic", "payments")
	usr := `{"id":"9","email":"ada@example.com","name":"Ada"}` + "\n"
	produceLines(t, usr, "--brokers", brokers, "--registry", regURL, "--topic", "users", "--framing", "header")

	dir := t.TempDir()
	code, stdout, stderr := runBin(t, dir, "consume", "payments", "--brokers", brokers, "--registry", regURL, "--from-beginning", "-n", "2", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("consume payments: exit %d\n%s%s", code, stdout, stderr)
	}
	// Two partitions may interleave: compare as a set.
	got := strings.Split(strings.TrimSpace(stdout), "\n")
	want := map[string]bool{`{"amount_cents":5,"method":"card","order_id":"o-1"}`: true, `{"amount_cents":7,"method":"voucher","order_id":"o-2","reference":"r"}`: true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] || got[0] == got[1] {
		t.Fatalf("consume payments printed\n%s\nwant the two payments as JSON lines", stdout)
	}

	code, stdout, stderr = runBin(t, dir, "consume", "users", "--brokers", brokers, "--registry", regURL, "--from-beginning", "-n", "1", "--timeout", "20s")
	if code != 0 || !strings.Contains(stdout, `"email":"ada@example.com"`) || !strings.Contains(stdout, `"id":"9"`) {
		t.Fatalf("consume users: exit %d\n%s%s", code, stdout, stderr)
	}

	// Negative controls: fewer records than -n, and a record with no frame.
	start := time.Now()
	code, stdout, stderr = runBin(t, dir, "consume", "users", "--brokers", brokers, "--registry", regURL, "--from-beginning", "-n", "2", "--timeout", "2s")
	if code != 1 || !strings.Contains(stderr, "1 of 2 records") {
		t.Fatalf("consume -n 2 of 1 record: exit %d\n%s%s", code, stdout, stderr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("consume --timeout 2s took %v", d)
	}
	kc, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	if err := kc.ProduceSync(context.Background(), &kgo.Record{Topic: "payments", Value: []byte(`{"not":"framed"}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runBin(t, dir, "consume", "payments", "--brokers", brokers, "--registry", regURL, "--from-beginning", "-n", "3", "--timeout", "20s")
	if code != 1 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stderr, "1 records could not be decoded") || !strings.Contains(stderr, "magic") {
		t.Fatalf("consume with an unframed record: exit %d\n%s%s", code, stdout, stderr)
	}
}

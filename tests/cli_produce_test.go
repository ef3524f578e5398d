package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry/registrytest"
)

const payment = `{"order_id":"o-%d","amount_cents":5,"method":"card"}` + "\n"

// produceSetup registers the repository's schemas in a fresh registry and
// starts a one-broker kfake cluster; the test closes it when it wants.
func produceSetup(t *testing.T) (regURL string, cluster *kfake.Cluster) {
	t.Helper()
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, repoRoot(t), "register", "--registry", reg.URL()); code != 0 {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return reg.URL(), c
}

// liveProduce is a produce process whose stdin the test writes.
type liveProduce struct {
	cmd            *exec.Cmd
	stdin          io.WriteCloser
	stdout, stderr bytes.Buffer
	done           chan error
}

func startProduce(t *testing.T, args ...string) *liveProduce {
	t.Helper()
	p := &liveProduce{cmd: exec.Command(schemagenBin(t), append([]string{"produce"}, args...)...), done: make(chan error, 1)}
	p.cmd.Dir = t.TempDir() // no config: flags only
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// wait returns the exit code, failing the test when the process is still
// running after limit: the bug this guards against is a hang.
func (p *liveProduce) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		p.cmd.Process.Signal(syscall.SIGQUIT)
		<-p.done
		s := p.stderr.String()
		t.Fatalf("produce still running after %v: it hangs\nstderr (goroutine dump cut): %.3000s", limit, s)
		return -1
	}
}

// Issue 12, item 2: brokers that die mid-stream end the run within
// --timeout, with what was delivered, failed and never sent, exit 1.
func TestBinaryProduceBrokersDie(t *testing.T) {
	regURL, cluster := produceSetup(t)
	p := startProduce(t, "--registry", regURL, "--brokers", strings.Join(cluster.ListenAddrs(), ","), "--topic", "payments", "--timeout", "3s")
	for i := 0; i < 3; i++ {
		fmt.Fprintf(p.stdin, payment, i)
	}
	time.Sleep(time.Second) // let the first records be acknowledged
	cluster.Close()
	for i := 3; i < 8; i++ {
		fmt.Fprintf(p.stdin, payment, i)
	}
	p.stdin.Close()
	code := p.wait(t, time.Minute)
	stderr := p.stderr.String()
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstderr: %s", code, stderr)
	}
	for _, want := range []string{"within --timeout 3s", "delivered", "never sent"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// Issue 12, item 2: Ctrl-C while produce waits for input (or delivery)
// ends it at once with the summary, exit 1.
func TestBinaryProduceInterrupt(t *testing.T) {
	regURL, cluster := produceSetup(t)
	p := startProduce(t, "--registry", regURL, "--brokers", strings.Join(cluster.ListenAddrs(), ","), "--topic", "payments")
	fmt.Fprintf(p.stdin, payment, 1)
	// Wait until the binary is running past setup (it read a line).
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if n := topicRecords(t, cluster, "payments"); n >= 1 {
			break
		}
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := p.wait(t, 30*time.Second) // stdin is still open
	stderr := p.stderr.String()
	if code != 1 || !strings.Contains(stderr, "produce: interrupted: 1 records delivered to payments") {
		t.Fatalf("exit %d, want 1 and the summary\nstderr: %s", code, stderr)
	}
}

// topicRecords is the number of records in topic (the sum of its end
// offsets), 0 when it does not exist yet.
func topicRecords(t *testing.T, cluster *kfake.Cluster, topic string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return 0
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil {
			n += o.Offset
		}
	})
	return n
}

// Issue 12, item 3: the summary counts acknowledged records (a record the
// broker refuses is not "produced"), and a record too large for one batch
// is refused locally with its line, before anything is sent.
func TestBinaryProduceCountsAcks(t *testing.T) {
	regURL, cluster := produceSetup(t)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	run := func(stdin string, args ...string) (int, string) {
		cmd := exec.Command(schemagenBin(t), append([]string{"produce", "--registry", regURL, "--brokers", brokers, "--topic", "payments", "--timeout", "10s"}, args...)...)
		cmd.Dir = t.TempDir()
		cmd.Stdin = strings.NewReader(stdin)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), errb.String()
	}
	big := fmt.Sprintf(`{"order_id":"%s","amount_cents":5,"method":"card"}`, strings.Repeat("x", 2<<20)) + "\n"
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{name: "acknowledged", stdin: fmt.Sprintf(payment, 1) + fmt.Sprintf(payment, 2), code: 0,
			want: []string{"produce: 2 records delivered to payments", "0 failed, 0 rejected"}},
		{name: "refused by the cluster", stdin: fmt.Sprintf(payment, 1), args: []string{"--partition", "7"}, code: 1,
			want: []string{"line 1: not delivered", "produce: 0 records delivered to payments", "1 failed"}},
		{name: "too large, stop", stdin: big + fmt.Sprintf(payment, 2), code: 100,
			want: []string{"line 1: rejected: record too large", "the producer's record batches hold at most 1000012", "produce: 0 records delivered"}},
		{name: "too large, continue", stdin: big + fmt.Sprintf(payment, 2), args: []string{"--continue"}, code: 0,
			want: []string{"line 1: rejected: record too large", "produce: 1 records delivered to payments", "1 rejected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := run(tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			if t.Failed() {
				t.Logf("stderr: %.2000s", stderr)
			}
		})
	}
}

// consumeAll reads n records of topic from the start.
func consumeAll(t *testing.T, cluster *kfake.Cluster, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records of %s", len(out), n, topic)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

// Issue 12, item 7: produce --key (a field path or a constant), --header,
// --partition, --message and the config entry's framing: and message:.
func TestBinaryProduceFlags(t *testing.T) {
	regURL, cluster := produceSetup(t)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"schemas/two.proto": "syntax = \"proto3\";\npackage acme.v1;\nmessage Order { int64 id = 1; }\nmessage Refund { int64 order_id = 1; int64 cents = 2; }\n",
		"schemagen.yaml": "version: 1\nschemas:\n" +
			"  - {file: schemas/two.proto, topic: refunds, message: acme.v1.Refund}\n" +
			"  - {file: schemas/two.proto, topic: orders2, message: acme.v1.Order, framing: header}\n",
	})
	if code, stdout, stderr := runBin(t, dir, "register", "--registry", regURL); code != 0 {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(schemagenBin(t), append([]string{"produce", "--registry", regURL, "--brokers", brokers, "--timeout", "10s"}, args...)...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("produce %v: %v\n%s", args, err, out)
		}
	}

	run(fmt.Sprintf(payment, 1), "--topic", "payments", "--key", ".order_id", "--header", "source=test", "--header", "run=7", "--partition", "2")
	run(fmt.Sprintf(payment, 2), "--topic", "payments", "--key", "constant-key", "--partition", "1")
	recs := consumeAll(t, cluster, "payments", 2)
	byKey := map[string]*kgo.Record{}
	for _, r := range recs {
		byKey[string(r.Key)] = r
	}
	if r := byKey["o-1"]; r == nil || r.Partition != 2 || len(r.Headers) != 2 || r.Headers[0].Key != "source" || string(r.Headers[0].Value) != "test" || string(r.Headers[1].Value) != "7" {
		t.Errorf("--key .order_id --header --partition 2: got %+v", r)
	}
	if r := byKey["constant-key"]; r == nil || r.Partition != 1 {
		t.Errorf("--key constant-key --partition 1: got %+v", r)
	}

	// The entry's message: picks Refund, the second message: indexes [1].
	run(`{"order_id":"5","cents":"250"}`+"\n", "--topic", "refunds", "--key", "refund")
	// --message overrides it: Order, indexes [0].
	run(`{"id":"9"}`+"\n", "--topic", "refunds", "--message", "acme.v1.Order", "--key", "order")
	byKey = map[string]*kgo.Record{}
	for _, r := range consumeAll(t, cluster, "refunds", 2) {
		byKey[string(r.Key)] = r
	}
	if r := byKey["refund"]; r == nil || len(r.Value) < 7 || r.Value[0] != 0 || r.Value[5] != 2 || r.Value[6] != 2 {
		t.Errorf("refunds: %+v, want the prefix frame with message indexes [1] (02 02)", r)
	}
	if r := byKey["order"]; r == nil || len(r.Value) < 6 || r.Value[0] != 0 || r.Value[5] != 0 {
		t.Errorf("--message acme.v1.Order: %+v, want message indexes [0] (00)", r)
	}
	// Every violation of a line: wrong types and, in the rest of the line,
	// broken rules.
	cmd := exec.Command(schemagenBin(t), "produce", "--registry", regURL, "--brokers", brokers, "--topic", "orders")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(`{"id":"x","customer":"c","status":"NOPE","quantity":"q","total":{"currency":"EUR","cents":"1"}}` + "\n")
	out, _ := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 100 {
		t.Errorf("a rejected line: exit %d, want 100", cmd.ProcessState.ExitCode())
	}
	for _, w := range []string{"quantity: expected int", "total.cents: expected long", "id: not a uuid (string of length 1)", "status: not a symbol of enum shop.Status"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("every violation: output lacks %q\n%s", w, out)
		}
	}
	// The entry's framing: header: the schema ID in a header, no prefix.
	run(`{"id":"3"}`+"\n", "--topic", "orders2")
	r := consumeAll(t, cluster, "orders2", 1)[0]
	if len(r.Headers) != 1 || r.Headers[0].Key != "__value_schema_id" || (len(r.Value) > 0 && r.Value[0] == 0) {
		t.Errorf("framing: header: headers %v, value % x", r.Headers, r.Value)
	}
}

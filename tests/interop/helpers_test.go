//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
)

// interopDir is this package's directory (the py/ scripts live under it).
func interopDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("interop: cannot find the package directory")
	}
	return filepath.Dir(file)
}

// brokers returns KAFKA_BROKERS and fails the test when the broker does
// not answer: under the interop tag a missing broker is a failure.
func brokers(t testing.TB) []string {
	t.Helper()
	v := os.Getenv("KAFKA_BROKERS")
	if v == "" {
		t.Fatal("interop: KAFKA_BROKERS is not set (run tests/interop/run.sh)")
	}
	bs := strings.Split(v, ",")
	conn, err := net.DialTimeout("tcp", bs[0], 5*time.Second)
	if err != nil {
		t.Fatalf("interop: broker %s does not answer: %v", bs[0], err)
	}
	conn.Close()
	return bs
}

// python returns INTEROP_PYTHON, the venv's interpreter.
func python(t testing.TB) string {
	t.Helper()
	py := os.Getenv("INTEROP_PYTHON")
	if py == "" {
		t.Fatal("interop: INTEROP_PYTHON is not set (run tests/interop/run.sh)")
	}
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("interop: python: %v", err)
	}
	return py
}

// kafkaSh returns KAFKA_SH, the broker control script.
func kafkaSh(t testing.TB) string {
	t.Helper()
	sh := os.Getenv("KAFKA_SH")
	if sh == "" {
		t.Fatal("interop: KAFKA_SH is not set (run tests/interop/run.sh)")
	}
	return sh
}

var topicSeq atomic.Int64

// topicName returns a topic name unique to this run.
func topicName(base string) string {
	return fmt.Sprintf("interop-%s-%d-%d", base, time.Now().UnixNano()%1e9, topicSeq.Add(1))
}

// adminClient returns a kadm client on the real broker, closed at cleanup.
func adminClient(t testing.TB) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers(t)...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// createTopics creates topics with the given partition count and fails on
// any error.
func createTopics(t testing.TB, partitions int32, topics ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := adminClient(t)
	resp, err := adm.CreateTopics(ctx, partitions, 1, nil, topics...)
	if err != nil {
		t.Fatalf("create topics: %v", err)
	}
	for _, r := range resp.Sorted() {
		if r.Err != nil {
			t.Fatalf("create topic %s: %v", r.Topic, r.Err)
		}
	}
	// Wait until the broker's metadata has every partition with a leader:
	// right after a broker restart it can lag the controller, and a
	// producer then sees UNKNOWN_TOPIC_OR_PARTITION.
	for {
		md, err := adm.ListTopics(ctx, topics...)
		ready := err == nil
		for _, tp := range topics {
			d, ok := md[tp]
			if !ok || d.Err != nil || len(d.Partitions) != int(partitions) {
				ready = false
				continue
			}
			for _, p := range d.Partitions {
				if p.Err != nil || p.Leader < 0 {
					ready = false
				}
			}
		}
		if ready {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("topics %v have no leaders after 30s (last error %v)", topics, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// newRegistry starts schemagen's embedded registry on 127.0.0.1:0 and
// returns it with a Go client pointed at it.
func newRegistry(t testing.TB) (*registrytest.Server, *registry.Client) {
	t.Helper()
	reg := registrytest.New(t)
	cl, err := registry.New(registry.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return reg, cl
}

// consumeAll reads every record of topics from the start until the end
// offsets taken when it starts.
func consumeAll(t testing.TB, topics ...string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adm := adminClient(t)
	ends, err := adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		t.Fatalf("list end offsets: %v", err)
	}
	want := map[string]map[int32]int64{}
	remaining := 0
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			t.Fatalf("end offset %s/%d: %v", o.Topic, o.Partition, o.Err)
		}
		if o.Offset > 0 {
			if want[o.Topic] == nil {
				want[o.Topic] = map[int32]int64{}
			}
			want[o.Topic][o.Partition] = o.Offset
			remaining++
		}
	})
	if remaining == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers(t)...), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	done := map[string]map[int32]bool{}
	for remaining > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consume %v: %d partitions not read to the end after 2m (%d records so far)", topics, remaining, len(out))
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("consume %s/%d: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, r)
			if end := want[r.Topic][r.Partition]; r.Offset+1 >= end && !done[r.Topic][r.Partition] {
				if done[r.Topic] == nil {
					done[r.Topic] = map[int32]bool{}
				}
				done[r.Topic][r.Partition] = true
				remaining--
			}
		})
	}
	return out
}

// runPy runs py/<script> with the venv's python, the JSON config on stdin,
// and returns every stdout line parsed as a JSON object. A non-zero exit
// fails the test with stderr.
func runPy(t testing.TB, script string, cfg any) []map[string]any {
	t.Helper()
	in, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python(t), filepath.Join(interopDir(t), "py", script))
	cmd.Stdin = bytes.NewReader(in)
	// No __pycache__ in the source tree.
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("py/%s: %v\nstderr:\n%s\nstdout (first 4k):\n%.4096s", script, err, stderr.String(), stdout.String())
	}
	t.Logf("py/%s ran in %v", script, time.Since(start).Round(time.Millisecond))
	var lines []map[string]any
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("py/%s: bad output line %q: %v", script, sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

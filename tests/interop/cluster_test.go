//go:build interop

package interop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The three-node cluster of cluster.sh: run.sh starts it once and exports
// CLUSTER_* (cluster.sh env); every test that needs it shares it and
// leaves all three nodes running and in sync when it ends.

// kcluster is the three-node cluster as the tests see it.
type kcluster struct {
	brokers     []string // PLAINTEXT listeners, node 1..3
	saslBrokers []string // SASL_SSL
	mtlsBrokers []string // SSL with client certificates
	tlsDir      string
	scramUser   string
	scramPass   string
	sh          string
	adm         *kadm.Client
	cl          *kgo.Client
}

// clusterEnv returns the running cluster and fails the test when it is
// not there: under the interop tag a missing cluster is a failure.
func clusterEnv(t testing.TB) *kcluster {
	t.Helper()
	get := func(k string) string {
		v := os.Getenv(k)
		if v == "" {
			t.Fatalf("interop: %s is not set (run tests/interop/run.sh, which starts cluster.sh)", k)
		}
		return v
	}
	c := &kcluster{
		brokers:     strings.Split(get("CLUSTER_BROKERS"), ","),
		saslBrokers: strings.Split(get("CLUSTER_SASL_BROKERS"), ","),
		mtlsBrokers: strings.Split(get("CLUSTER_MTLS_BROKERS"), ","),
		tlsDir:      get("CLUSTER_TLS_DIR"),
		scramUser:   get("CLUSTER_SCRAM_USER"),
		scramPass:   get("CLUSTER_SCRAM_PASS"),
		sh:          get("CLUSTER_SH"),
	}
	if len(c.brokers) != 3 {
		t.Fatalf("interop: CLUSTER_BROKERS has %d brokers, want 3", len(c.brokers))
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	c.cl, c.adm = cl, kadm.NewClient(cl)
	// Every test starts on a whole cluster: a test before it that failed
	// half-way may have left a node down or paused.
	c.heal(t)
	return c
}

// ctl runs cluster.sh with a command and a node id; it marks the test
// failed on error (it may run outside the test goroutine).
func (c *kcluster) ctl(t testing.TB, cmd string, node int32) time.Duration {
	start := time.Now()
	out, err := exec.Command("bash", c.sh, cmd, strconv.Itoa(int(node))).CombinedOutput()
	if err != nil {
		t.Errorf("cluster.sh %s %d: %v\n%s", cmd, node, err, out)
	}
	return time.Since(start)
}

// heal resumes and restarts every node and waits until each answers.
func (c *kcluster) heal(t testing.TB) {
	t.Helper()
	for n := int32(1); n <= 3; n++ {
		_ = exec.Command("bash", c.sh, "resume", strconv.Itoa(int(n))).Run() // fails when not running
		if exec.Command("bash", c.sh, "status", strconv.Itoa(int(n))).Run() != nil {
			c.ctl(t, "restart", n)
		}
	}
}

// createTopic creates a topic with replication factor 3 (the cluster's
// min.insync.replicas=2 applies) and waits until every partition has a
// leader and three in-sync replicas.
func (c *kcluster) createTopic(t testing.TB, topic string, partitions int32, configs map[string]*string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, err := c.adm.CreateTopic(ctx, partitions, 3, configs, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if err := c.waitInSync(ctx, topic, 3); err != nil {
		t.Fatal(err)
	}
}

// topicState is a topic's partitions: leader and in-sync replicas.
func (c *kcluster) topicState(ctx context.Context, topic string) (kadm.TopicDetail, error) {
	md, err := c.adm.ListTopics(ctx, topic)
	if err != nil {
		return kadm.TopicDetail{}, err
	}
	d, ok := md[topic]
	if !ok {
		return kadm.TopicDetail{}, fmt.Errorf("topic %s not in metadata", topic)
	}
	return d, d.Err
}

// partState is one partition as one node's metadata shows it.
type partState struct {
	partition, leader int32
	isr               []int32
	err               error
}

// view asks node for topic's partitions (not any broker: a node just
// resumed from SIGSTOP answers from its stale cache until it catches up).
func (c *kcluster) view(ctx context.Context, node int32, topic string) ([]partState, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, c.cl.Broker(int(node)))
	if err != nil {
		return nil, err
	}
	if len(resp.Topics) != 1 {
		return nil, fmt.Errorf("node %d: %d topics in metadata, want 1", node, len(resp.Topics))
	}
	if err := kerr.ErrorForCode(resp.Topics[0].ErrorCode); err != nil {
		return nil, fmt.Errorf("node %d: %w", node, err)
	}
	var out []partState
	for _, p := range resp.Topics[0].Partitions {
		out = append(out, partState{partition: p.Partition, leader: p.Leader, isr: p.ISR, err: kerr.ErrorForCode(p.ErrorCode)})
	}
	slices.SortFunc(out, func(a, b partState) int { return int(a.partition - b.partition) })
	return out, nil
}

// waitInSync waits until every node's metadata shows every partition of
// topic with a leader and at least isr in-sync replicas.
func (c *kcluster) waitInSync(ctx context.Context, topic string, isr int) error {
	var last string
	for {
		ok := true
		for node := int32(1); node <= 3 && ok; node++ {
			ps, err := c.view(ctx, node, topic)
			if err != nil || len(ps) == 0 {
				ok, last = false, fmt.Sprintf("node %d: %d partitions, %v", node, len(ps), err)
			}
			for _, p := range ps {
				if p.err != nil || p.leader < 0 || len(p.isr) < isr {
					ok = false
					last = fmt.Sprintf("node %d sees partition %d: leader %d, isr %v, err %v", node, p.partition, p.leader, p.isr, p.err)
				}
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %s: partitions not all with %d in-sync replicas: %s", topic, isr, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// leaders maps each partition of topic to its leader's node id.
func (c *kcluster) leaders(ctx context.Context, topic string) (map[int32]int32, error) {
	d, err := c.topicState(ctx, topic)
	if err != nil {
		return nil, err
	}
	out := map[int32]int32{}
	for _, p := range d.Partitions {
		out[p.Partition] = p.Leader
	}
	return out, nil
}

// busiestLeader returns the node leading the partitions of topic that
// hold the most records (by end offset), with those partitions.
func (c *kcluster) busiestLeader(ctx context.Context, topic string) (int32, []int32, error) {
	lead, err := c.leaders(ctx, topic)
	if err != nil {
		return -1, nil, err
	}
	ends, err := c.adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return -1, nil, err
	}
	load := map[int32]int64{}
	parts := map[int32][]int32{}
	ends.Each(func(o kadm.ListedOffset) {
		if l, ok := lead[o.Partition]; ok && l >= 0 {
			load[l] += o.Offset
			parts[l] = append(parts[l], o.Partition)
		}
	})
	best := int32(-1)
	for n, l := range load {
		if best < 0 || l > load[best] || (l == load[best] && n < best) {
			best = n
		}
	}
	if best < 0 {
		return -1, nil, fmt.Errorf("topic %s: no partition has a leader", topic)
	}
	slices.Sort(parts[best])
	return best, parts[best], nil
}

// consumeEach reads every record of topic from the start until the end
// offsets taken when it starts, calling fn for each in partition order,
// and returns how many it read.
func (c *kcluster) consumeEach(t testing.TB, topic string, fn func(*kgo.Record)) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	ends, err := c.adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatalf("list end offsets: %v", err)
	}
	want := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			t.Fatalf("end offset %s/%d: %v", o.Topic, o.Partition, o.Err)
		}
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
		}
	})
	if len(want) == 0 {
		return 0
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond),
		kgo.FetchMaxBytes(32<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	n := 0
	for len(want) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consume %s: partitions %v not read to the end after 4m (%d records so far)", topic, want, n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("consume %s/%d: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			n++
			fn(r)
			if end, ok := want[r.Partition]; ok && r.Offset+1 >= end {
				delete(want, r.Partition)
			}
		})
	}
	return n
}

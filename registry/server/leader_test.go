package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// instance is one registry serving on loopback.
type instance struct {
	s   *Server
	url string
}

func startInstance(t testing.TB, addrs []string, topic string) *instance {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	klog, logOpt := failLogs(t, url)
	s, err := New(
		KafkaStore(topic, kgo.SeedBrokers(addrs...), kgo.HeartbeatInterval(200*time.Millisecond), klog),
		AdvertisedURL(url),
		DefaultCompatibility("NONE"),
		logOpt,
	)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return &instance{s: s, url: url}
}

// failLogs returns options that send an instance's log and its Kafka
// clients' to the test's log when the test fails: a catch-up that never
// ends says why. Register the server's Close after it (cleanups run last
// first), so that the log is whole.
func failLogs(t testing.TB, name string) (kgo.Opt, Opt) {
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, logs.String())
		}
	})
	return kgo.WithLogger(kgo.BasicLogger(logs, kgo.LogLevelInfo, func() string { return time.Now().Format("15:04:05.000 ") })),
		Logger(slog.New(slog.NewTextHandler(logs, nil)))
}

// syncBuffer is a bytes.Buffer that goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// ack is a registration a client got a 200 for.
type ack struct {
	subject string
	schema  string
	id      int
}

var httpc = &http.Client{Timeout: 40 * time.Second}

// register posts schema to subject at url and returns the ID.
func register(url, subject, schema string) (int, error) {
	b, _ := json.Marshal(map[string]string{"schema": schema})
	resp, err := httpc.Post(url+"/subjects/"+subject+"/versions", ContentType, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	var r struct{ ID int }
	if err := json.Unmarshal(body, &r); err != nil || r.ID <= 0 {
		return 0, fmt.Errorf("bad answer %s: %v", body, err)
	}
	return r.ID, nil
}

// lookup reads subject's version 1 at url.
func lookup(url, subject string) (int, string, error) {
	resp, err := httpc.Get(url + "/subjects/" + subject + "/versions/1")
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return 0, "", fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	var r struct {
		ID     int
		Schema string
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, "", err
	}
	return r.ID, r.Schema, nil
}

// checkAcks checks that no ID was acknowledged for two schemas, and that
// url serves every acknowledged registration with its ID and schema.
func checkAcks(acks []ack, url string) []error {
	var errs []error
	byID := map[int]string{}
	for _, a := range acks {
		if s, ok := byID[a.id]; ok && s != a.schema {
			errs = append(errs, fmt.Errorf("id %d acknowledged for %s and for %s", a.id, s, a.schema))
		}
		byID[a.id] = a.schema
	}
	if url == "" {
		return errs
	}
	for _, a := range acks {
		id, schema, err := lookup(url, a.subject)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s at %s: %w", a.subject, url, err))
		case id != a.id || schema != a.schema:
			errs = append(errs, fmt.Errorf("%s at %s: id %d schema %s, acknowledged id %d schema %s", a.subject, url, id, schema, a.id, a.schema))
		}
	}
	return errs
}

func schemaN(n int) string { return fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, n) }

// TestInstances: three instances on one topic take writes through any of
// them while the leader is closed twice mid-stream (a fresh instance joins
// after each). Every acknowledged registration is then readable from every
// instance with the same ID, no ID maps to two schemas, and each write was
// readable at once on the instance that took it.
func TestInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("several seconds of failovers")
	}
	addrs := newCluster(t, 3)
	var mu sync.Mutex
	insts := []*instance{startInstance(t, addrs, "_schemas"), startInstance(t, addrs, "_schemas"), startInstance(t, addrs, "_schemas")}
	live := func(i int) *instance {
		mu.Lock()
		defer mu.Unlock()
		return insts[i%len(insts)]
	}

	const clients, perClient = 6, 60
	var (
		acksMu sync.Mutex
		acks   []ack
		nacks  atomic.Int64
		errs   = make(chan error, clients*perClient)
		wg     sync.WaitGroup
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perClient {
				subject := fmt.Sprintf("c%d-%d", c, i)
				// Every third schema is shared across clients: same ID.
				schema := schemaN(1000*c + i + 1)
				if i%3 == 0 {
					schema = schemaN(i + 1)
				}
				deadline := time.Now().Add(40 * time.Second)
				for try := 0; ; try++ {
					in := live(c + i + try)
					id, err := register(in.url, subject, schema)
					if err != nil {
						if time.Now().After(deadline) {
							errs <- fmt.Errorf("%s: %w", subject, err)
							break
						}
						time.Sleep(50 * time.Millisecond)
						continue
					}
					acksMu.Lock()
					acks = append(acks, ack{subject: subject, schema: schema, id: id})
					acksMu.Unlock()
					nacks.Add(1)
					// Read-your-writes on the instance that took it.
					if gotID, _, err := lookup(in.url, subject); err != nil || gotID != id {
						// The instance may have been closed just now.
						if !strings.Contains(fmt.Sprint(err), "connect") {
							errs <- fmt.Errorf("read after write of %s at %s: id %d, %v; want id %d", subject, in.url, gotID, err, id)
						}
					}
					break
				}
			}
		}()
	}
	// Kill the leader twice mid-stream.
	for kill, at := range []int64{clients * perClient / 4, clients * perClient / 2} {
		for nacks.Load() < at {
			time.Sleep(10 * time.Millisecond)
		}
		mu.Lock()
		for i, in := range insts {
			if in.s.kafka.isLeader() {
				in.s.Close()
				insts = append(insts[:i:i], insts[i+1:]...)
				t.Logf("kill %d: closed leader %s after %d acks", kill+1, in.url, nacks.Load())
				break
			}
		}
		mu.Unlock()
		fresh := startInstance(t, addrs, "_schemas")
		mu.Lock()
		insts = append(insts, fresh)
		mu.Unlock()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(acks) != clients*perClient {
		t.Fatalf("%d registrations acknowledged, want %d", len(acks), clients*perClient)
	}
	ids := map[int]bool{}
	for _, a := range acks {
		ids[a.id] = true
	}
	if want := clients*perClient - clients*perClient/3 + perClient/3; len(ids) != want {
		t.Errorf("%d distinct ids, want %d", len(ids), want)
	}
	for _, in := range insts {
		for _, err := range checkAcks(acks, in.url) {
			t.Error(err)
		}
	}
}

// TestCheckAcks: the checks above fire on an ID given to two schemas and
// on an instance that does not have the registrations.
func TestCheckAcks(t *testing.T) {
	acks := []ack{{subject: "a", schema: schemaN(1), id: 1}, {subject: "b", schema: schemaN(2), id: 1}}
	if errs := checkAcks(acks, ""); len(errs) != 1 {
		t.Errorf("two schemas under one id: %v, want one error", errs)
	}
	addrs := newCluster(t, 1)
	in := startInstance(t, addrs, "_schemas")
	if _, err := register(in.url, "a", schemaN(1)); err != nil {
		t.Fatal(err)
	}
	other := startInstance(t, addrs, "other")
	good := []ack{{subject: "a", schema: schemaN(1), id: 1}}
	if errs := checkAcks(good, in.url); len(errs) != 0 {
		t.Errorf("instance that has it: %v", errs)
	}
	if errs := checkAcks(good, other.url); len(errs) != 1 {
		t.Errorf("instance on another topic: %v, want one error", errs)
	}
	if errs := checkAcks([]ack{{subject: "a", schema: schemaN(1), id: 2}}, in.url); len(errs) != 1 {
		t.Errorf("wrong id: %v, want one error", errs)
	}
}

// TestLeaderCatchUp: an instance whose replay lags takes over as leader;
// it must not hand out an ID before it has replayed every write the old
// leader acknowledged.
func TestLeaderCatchUp(t *testing.T) {
	addrs := newCluster(t, 1)
	a := startInstance(t, addrs, "_schemas")
	if _, err := register(a.url, "first", schemaN(1)); err != nil { // a leads
		t.Fatal(err)
	}
	b := startInstance(t, addrs, "_schemas")
	// b's joining can move the election to b (the range balancer orders
	// members by their random IDs); CI once gated b after it had won, so
	// the writes below could not be forwarded. Wait until the group
	// settled with both, then gate whichever follows.
	waitSettled(t, addrs, a, b)
	lead, follow := a, b
	if b.s.kafka.isLeader() {
		lead, follow = b, a
	}
	gate := make(chan struct{})
	follow.s.kafka.gate.Store(&gate) // the follower stops replaying
	const n = 20
	for i := range n {
		if _, err := register(lead.url, fmt.Sprintf("s%d", i), schemaN(i+2)); err != nil {
			t.Fatal(err)
		}
	}
	lead.s.Close() // the follower is elected with a state that lacks the last n writes
	go func() {
		time.Sleep(time.Second)
		close(gate)
	}()
	id, err := register(follow.url, "after", schemaN(1000))
	if err != nil {
		t.Fatal(err)
	}
	if id != n+2 {
		t.Errorf("new leader gave id %d, want %d (after the %d ids before it)", id, n+2, n+1)
	}
}

// TestCatchUpNoopAborted: a catch-up whose NOOP was aborted though the
// commit was reported (kgo did so once under CI's load: the register
// waited 30 s and failed, and so did every write after it) writes
// another once the replay stalls short of it, and the writes go on.
func TestCatchUpNoopAborted(t *testing.T) {
	addrs := newCluster(t, 1)
	a := startInstance(t, addrs, "_schemas")
	if _, err := register(a.url, "first", schemaN(1)); err != nil {
		t.Fatal(err)
	}
	a.s.kafka.stall.Store(int64(300 * time.Millisecond))
	// The next write's commit lands but is reported failed, which starts
	// a catch-up; that catch-up's NOOP is then aborted but reported
	// committed.
	var txns atomic.Int32
	fail := func() error {
		if txns.Load() == 1 {
			return errors.New("injected: commit outcome unknown")
		}
		return nil
	}
	abort := func() bool { return txns.Add(1) == 2 }
	a.s.kafka.failCommit.Store(&fail)
	a.s.kafka.abortCommit.Store(&abort)
	if id, err := register(a.url, "unclear", schemaN(2)); err == nil {
		t.Fatalf("the unclear write was acknowledged with id %d", id)
	}
	start := time.Now()
	id, err := register(a.url, "next", schemaN(3))
	if err != nil {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	if id != 3 {
		t.Errorf("next got id %d, want 3 (after the unclear write's 2)", id)
	}
	if n := txns.Load(); n < 4 {
		t.Errorf("%d transactions, want at least 4 (write, aborted NOOP, NOOP, write): the abort was not injected", n)
	}
}

// TestZombieLeaderFenced: once another producer took the transactional ID
// (as a newly elected leader does), the old leader's writes fail, are not
// acknowledged and reach no instance.
func TestZombieLeaderFenced(t *testing.T) {
	addrs := newCluster(t, 1)
	a := startInstance(t, addrs, "_schemas")
	if _, err := register(a.url, "before", schemaN(1)); err != nil {
		t.Fatal(err)
	}
	usurper := newClient(t, addrs, kgo.TransactionalID(txnID("_schemas")), kgo.DefaultProduceTopic("_schemas"))
	ctx := context.Background()
	if err := usurper.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := usurper.ProduceSync(ctx, &kgo.Record{Key: mustJSON(crKey{KeyType: keyNoop})}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := usurper.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	if id, err := register(a.url, "zombie", schemaN(2)); err == nil {
		t.Fatalf("fenced leader acknowledged id %d", id)
	} else if !strings.Contains(err.Error(), "status 500") {
		t.Errorf("fenced leader: %v, want status 500", err)
	}
	b := startInstance(t, addrs, "_schemas")
	for _, in := range []*instance{a, b} {
		if _, _, err := lookup(in.url, "zombie"); err == nil || !strings.Contains(err.Error(), "status 404") {
			t.Errorf("%s: the fenced write is there: %v", in.url, err)
		}
		if id, _, err := lookup(in.url, "before"); err != nil || id != 1 {
			t.Errorf("%s: before: id %d, %v", in.url, id, err)
		}
	}
}

// TestUnclearCommit: a write whose commit landed though the leader was
// told it failed is not acknowledged; the leader's next write must not
// reuse its ID nor skip its record: every instance ends with the same ID
// for each schema, the unclear write's included.
func TestUnclearCommit(t *testing.T) {
	addrs := newCluster(t, 1)
	a := startInstance(t, addrs, "_schemas")
	if _, err := register(a.url, "first", schemaN(1)); err != nil { // a leads
		t.Fatal(err)
	}
	b := startInstance(t, addrs, "_schemas")
	// b's joining can move the election to b: let it settle, then play
	// the test on whichever leads.
	waitSettled(t, addrs, a, b)
	if b.s.kafka.isLeader() {
		a, b = b, a
	}
	var once atomic.Bool
	fail := func() error {
		if once.CompareAndSwap(false, true) {
			return errors.New("injected: commit outcome unknown")
		}
		return nil
	}
	a.s.kafka.failCommit.Store(&fail)
	// a's follower pauses, so that only a catch-up of the leader's own
	// can bring the unclear record into its state before the next write.
	gate := make(chan struct{})
	a.s.kafka.gate.Store(&gate)
	if id, err := register(a.url, "unclear", schemaN(2)); err == nil {
		t.Fatalf("the unclear write was acknowledged with id %d", id)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		close(gate)
	}()
	next, err := register(a.url, "next", schemaN(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*instance{a, b} {
		ids := map[string]int{}
		for _, sub := range []string{"first", "unclear", "next"} {
			var id int
			var err error
			for range 50 { // b may still be replaying
				if id, _, err = lookup(in.url, sub); err == nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				t.Errorf("%s: %s: %v", in.url, sub, err)
			}
			ids[sub] = id
		}
		if ids["unclear"] == ids["next"] || ids["next"] != next {
			t.Errorf("%s: ids %v, next acknowledged as %d", in.url, ids, next)
		}
	}
}

// TestAssociationsOnInstances: associations live in the leader's memory;
// an instance that is not the leader forwards their reads too, so that
// AssociatedNameStrategy's lookup finds them through any instance.
func TestAssociationsOnInstances(t *testing.T) {
	addrs := newCluster(t, 1)
	a := startInstance(t, addrs, "_schemas")
	if _, err := register(a.url, "orders-value", schemaN(1)); err != nil { // a leads
		t.Fatal(err)
	}
	b := startInstance(t, addrs, "_schemas")
	// b's joining moves the election: wait until the group settled with
	// both and its leader caught up.
	waitSettled(t, addrs, a, b)
	body := `{"resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"topic-1","associations":[{"associationType":"value","subject":"orders-value"}]}`
	resp, err := httpc.Post(b.url+"/associations", ContentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("create through b: status %d: %s", resp.StatusCode, out)
	}
	for _, in := range []*instance{a, b} {
		resp, err := httpc.Get(in.url + "/associations/resources/-/orders?resourceType=topic&associationType=value")
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(out), `"subject":"orders-value"`) {
			t.Errorf("%s: lookup: status %d: %s", in.url, resp.StatusCode, out)
		}
	}
}

// ready reports whether the instance leads and has caught up.
func (ks *kafkaStore) ready() bool {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, leader, err := ks.writer(ctx)
	return leader && err == nil
}

// waitSettled waits until the election group is Stable with a and b and
// its leader caught up. The bound is generous: under -race beside other
// packages' tests on two cores, one CI run saw the group Stable but no
// leader caught up after 20 s (it settles in about a second when the
// machine is free).
func waitSettled(t *testing.T, addrs []string, a, b *instance) {
	t.Helper()
	adm := kadm.NewClient(newClient(t, addrs))
	deadline := time.Now().Add(90 * time.Second)
	for {
		gs, err := adm.DescribeGroups(context.Background(), groupName("_schemas"))
		g := gs[groupName("_schemas")]
		if err == nil && g.State == "Stable" && len(g.Members) == 2 && (a.s.kafka.ready() || b.s.kafka.ready()) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group not settled: %+v %v; a leads %v, b leads %v", g, err, a.s.kafka.isLeader(), b.s.kafka.isLeader())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

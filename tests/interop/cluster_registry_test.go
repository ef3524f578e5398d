//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Three `schemagen registry` processes (the built binary) share one
// _schemas topic on the three-node cluster. 16 clients register 20,000
// distinct schemas over 400 subjects through all three while the leader
// instance is killed (SIGKILL) twice and restarted, and the broker leading
// the topic once. Afterwards every acknowledged registration must be
// readable from every instance with the same ID, no ID may map to two
// schemas and no (subject, version) to two IDs.

const (
	regClients  = 16
	regSubjects = 400
)

// regTotal is how many registrations the run makes: 1,500 by default, so
// that the test stays within the suite's budget (on the shared 2-core CI
// machine the one writer commits 12-27 registrations a second: 2,000 took
// 160-167s, 20,000 took 12.5 minutes on a quiet machine);
// INTEROP_REGISTRY_N=20000 runs the size issue 15 asks for (with go test
// -timeout 40m: run.sh's 25m is too short for it). The faults strike at 15%, 40% and 65% of
// the registrations.
func regTotal(t testing.TB) int {
	v := os.Getenv("INTEROP_REGISTRY_N")
	if v == "" {
		return 1500
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 100 {
		t.Fatalf("INTEROP_REGISTRY_N=%q: want a number of registrations, at least 100", v)
	}
	return n
}

// regInstance is one `schemagen registry` process.
type regInstance struct {
	name, addr, url string
	args            []string
	log             string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd exits
}

// freeAddr is a loopback address nothing listens on now: an instance keeps
// its address across restarts, so clients keep their URLs.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newRegInstance(t testing.TB, name, brokers, topic, dir string) *regInstance {
	addr := freeAddr(t)
	ri := &regInstance{name: name, addr: addr, url: "http://" + addr, log: filepath.Join(dir, name+".log"),
		args: []string{"registry", "--listen", addr, "--kafka", brokers, "--topic", topic}}
	t.Cleanup(ri.stop)
	return ri
}

// start runs the process and waits until it serves reads (it replays the
// topic before it listens).
func (ri *regInstance) start(t testing.TB) time.Duration {
	t.Helper()
	t0 := time.Now()
	f, err := os.OpenFile(ri.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "=== start %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(schemagenBin(t), ri.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("%s: %v", ri.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	ri.mu.Lock()
	ri.cmd, ri.done = cmd, done
	ri.mu.Unlock()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(ri.url + "/subjects")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0)
			}
		}
		select {
		case <-done:
			b, _ := os.ReadFile(ri.log)
			t.Fatalf("%s exited during start-up:\n%s", ri.name, tail(string(b), 30))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not serving after 3m", ri.name)
		}
	}
}

// kill9 kills the process with SIGKILL and waits until it is gone.
func (ri *regInstance) kill9() {
	ri.mu.Lock()
	cmd, done := ri.cmd, ri.done
	ri.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// stop ends the process: SIGTERM, SIGKILL after 15s.
func (ri *regInstance) stop() {
	ri.mu.Lock()
	cmd, done := ri.cmd, ri.done
	ri.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// regLeaderURL is the URL of the instance the election group assigned the
// topic's partition: each member's join metadata carries its URL.
func regLeaderURL(ctx context.Context, adm *kadm.Client, topic string) (string, error) {
	gs, err := adm.DescribeGroups(ctx, "schemagen-registry-"+topic)
	if err == nil {
		err = gs.Error()
	}
	if err != nil {
		return "", err
	}
	for _, g := range gs {
		for _, m := range g.Members {
			a, ok := m.Assigned.AsConsumer()
			if !ok {
				continue
			}
			for _, tp := range a.Topics {
				if tp.Topic == topic && slices.Contains(tp.Partitions, 0) {
					if j, ok := m.Join.AsConsumer(); ok {
						return string(j.UserData), nil
					}
				}
			}
		}
	}
	return "", fmt.Errorf("no member of group schemagen-registry-%s holds partition 0", topic)
}

// regAck is an acknowledged registration: the 200 answer's subject,
// version and ID, and the schema sent.
type regAck struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
	ID      int    `json:"id"`
	Schema  string `json:"schema"`
}

// regView is what one instance serves: GET /schemas, every version of
// every subject.
type regView []regAck

// regProblems are the findings of checkRegistrations, by kind, with the
// first few examples of each.
type regProblems struct {
	count    map[string]int
	examples map[string][]string
}

func (p *regProblems) add(kind, format string, args ...any) {
	if p.count == nil {
		p.count, p.examples = map[string]int{}, map[string][]string{}
	}
	p.count[kind]++
	if len(p.examples[kind]) < 3 {
		p.examples[kind] = append(p.examples[kind], fmt.Sprintf(format, args...))
	}
}

func (p *regProblems) total() int {
	n := 0
	for _, c := range p.count {
		n += c
	}
	return n
}

func (p *regProblems) String() string {
	if p.total() == 0 {
		return "none"
	}
	var kinds []string
	for k := range p.count {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&b, "%s: %d (e.g. %s); ", k, p.count[k], strings.Join(p.examples[k], "; "))
	}
	return b.String()
}

// The kinds of findings.
const (
	probAckIDTwoSchemas   = "acknowledged: one ID for two schemas"
	probAckVersionTwoIDs  = "acknowledged: one (subject, version) with two IDs"
	probMissing           = "acknowledged, not served"
	probWrongID           = "served with another ID"
	probWrongSchema       = "served with another schema"
	probServedIDTwoSchema = "served: one ID for two schemas"
)

type subjectVersion struct {
	subject string
	version int
}

// checkRegistrations checks the acknowledgements against themselves and
// against each instance's view.
func checkRegistrations(acks []regAck, views map[string]regView) *regProblems {
	p := &regProblems{}
	byID := map[int]string{}
	bySV := map[subjectVersion]int{}
	for _, a := range acks {
		if s, ok := byID[a.ID]; ok && s != a.Schema {
			p.add(probAckIDTwoSchemas, "id %d: %.40q and %.40q", a.ID, s, a.Schema)
		}
		byID[a.ID] = a.Schema
		sv := subjectVersion{a.Subject, a.Version}
		if id, ok := bySV[sv]; ok && id != a.ID {
			p.add(probAckVersionTwoIDs, "%s version %d: ids %d and %d", a.Subject, a.Version, id, a.ID)
		}
		bySV[sv] = a.ID
	}
	names := make([]string, 0, len(views))
	for n := range views {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		served := map[subjectVersion]regAck{}
		ids := map[int]string{}
		for _, s := range views[name] {
			served[subjectVersion{s.Subject, s.Version}] = s
			if prev, ok := ids[s.ID]; ok && prev != s.Schema {
				p.add(probServedIDTwoSchema, "%s: id %d: %.40q and %.40q", name, s.ID, prev, s.Schema)
			}
			ids[s.ID] = s.Schema
		}
		for _, a := range acks {
			s, ok := served[subjectVersion{a.Subject, a.Version}]
			switch {
			case !ok:
				p.add(probMissing, "%s: %s version %d (id %d)", name, a.Subject, a.Version, a.ID)
			case s.ID != a.ID:
				p.add(probWrongID, "%s: %s version %d: id %d, acknowledged %d", name, a.Subject, a.Version, s.ID, a.ID)
			case s.Schema != a.Schema:
				p.add(probWrongSchema, "%s: %s version %d (id %d): %.40q, acknowledged %.40q", name, a.Subject, a.Version, a.ID, s.Schema, a.Schema)
			}
		}
	}
	return p
}

// regHTTP is the clients' HTTP client: the registry's own forwarding
// waits up to 30s for a leader, so a request gets 40s.
var regHTTP = &http.Client{Timeout: 40 * time.Second}

// fetchView reads every version of every subject with the prefix.
func fetchView(url, prefix string) (regView, error) {
	resp, err := regHTTP.Get(url + "/schemas?subjectPrefix=" + prefix)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("GET /schemas: %d %s", resp.StatusCode, b)
	}
	var v regView
	return v, json.NewDecoder(resp.Body).Decode(&v)
}

// register posts one schema; kind names a failure ("" on 200).
func register(ctx context.Context, url, subject, schema string) (regAck, string) {
	body, _ := json.Marshal(map[string]string{"schema": schema})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/subjects/"+subject+"/versions", bytes.NewReader(body))
	if err != nil {
		return regAck{}, "request: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := regHTTP.Do(req)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "connection refused"):
			return regAck{}, "connection refused"
		case strings.Contains(msg, "EOF"), strings.Contains(msg, "connection reset"):
			return regAck{}, "connection lost"
		case strings.Contains(msg, "Timeout"), strings.Contains(msg, "deadline"):
			return regAck{}, "client timeout"
		}
		return regAck{}, "transport: " + msg
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code int `json:"error_code"`
		}
		_ = json.Unmarshal(b, &e)
		return regAck{}, fmt.Sprintf("HTTP %d (%d)", resp.StatusCode, e.Code)
	}
	var a regAck
	if err := json.Unmarshal(b, &a); err != nil || a.ID <= 0 || a.Version <= 0 || a.Subject != subject {
		return regAck{}, fmt.Sprintf("malformed 200: %.80s", b)
	}
	a.Schema = schema
	return a, ""
}

// regFault is one fault of the run, as it happened.
type regFault struct {
	what             string
	startedAt, acked int // registrations started, acknowledged when it struck
	at               time.Duration
	down             time.Duration // kill to serving (or answering) again
	firstAckAfter    time.Duration // kill to the next acknowledgement
}

func TestClusterRegistryInstances(t *testing.T) {
	kc := clusterEnv(t)
	total := regTotal(t)
	schemagenBin(t) // built before the clock starts
	topic := topicName("schemas")
	prefix := topic + "-s"
	dir := t.TempDir()
	brokers := strings.Join(kc.brokers, ",")
	insts := make([]*regInstance, 3)
	byURL := map[string]*regInstance{}
	for i := range insts {
		insts[i] = newRegInstance(t, fmt.Sprintf("instance%d", i+1), brokers, topic, dir)
		byURL[insts[i].url] = insts[i]
	}
	defer func() {
		if t.Failed() {
			for _, ri := range insts {
				b, _ := os.ReadFile(ri.log)
				t.Logf("%s log (last lines):\n%s", ri.name, tail(string(b), 15))
			}
		}
	}()
	for _, ri := range insts {
		t.Logf("%s started in %v at %s", ri.name, ri.start(t).Round(time.Millisecond), ri.url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute+time.Duration(total)*60*time.Millisecond)
	defer cancel()

	// The topic as the first instance created it.
	if err := kc.waitInSync(ctx, topic, 3); err != nil {
		t.Fatal(err)
	}
	cfgs, err := kc.adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := cfgs.On(topic, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cleanup.policy": "compact", "min.insync.replicas": "2"}
	for _, c := range rc.Configs {
		if w, ok := want[c.Key]; ok {
			if c.Value == nil || *c.Value != w {
				t.Errorf("topic %s: %s = %v, want %s", topic, c.Key, c.MaybeValue(), w)
			}
			delete(want, c.Key)
		}
	}
	if len(want) > 0 {
		t.Errorf("topic %s: configs %v not described", topic, want)
	}
	st, err := kc.topicState(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Partitions) != 1 || len(st.Partitions[0].Replicas) != 3 {
		t.Fatalf("topic %s: %d partitions, replicas %v; want 1 partition with 3 replicas", topic, len(st.Partitions), st.Partitions[0].Replicas)
	}

	// Every schema is new to its subject: compatibility NONE, set through
	// a follower or the leader, whichever instance 1 is.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, insts[0].url+"/config", strings.NewReader(`{"compatibility":"NONE"}`))
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	if resp, err := regHTTP.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT /config: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// Faults strike when this many registrations have started; the
	// registrations past a fault's mark wait until it struck, so that
	// each fault hits the stream where the plan says.
	marks := []int{total * 15 / 100, total * 40 / 100, total * 65 / 100}
	struck := make([]chan struct{}, len(marks))
	for i := range struck {
		struck[i] = make(chan struct{})
	}
	var (
		started, acked atomic.Int64
		lastAck        atomic.Int64 // ns since start
		errMu          sync.Mutex
		errKinds       = map[string]int{}
		retries        atomic.Int64
		gaveUp         atomic.Int64
		ackMu          sync.Mutex
		acks           = make([]regAck, 0, total)
	)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range regClients {
		wg.Go(func() {
			home := c % len(insts)
			for {
				n := int(started.Add(1)) - 1
				if n >= total {
					return
				}
				for i, m := range marks {
					if n >= m {
						<-struck[i]
					}
				}
				subject := fmt.Sprintf("%s%03d", prefix, n%regSubjects)
				schema := fmt.Sprintf(`{"type":"record","name":"R","namespace":"interop.reg","fields":[{"name":"f%d","type":"long"}]}`, n)
				// A registration is tried until it is acknowledged, on
				// its client's instance first, then on the next one
				// after each failure; it gives up after 5 minutes.
				deadline := time.Now().Add(5 * time.Minute)
				for try := 0; ; try++ {
					a, kind := register(ctx, insts[(home+try)%len(insts)].url, subject, schema)
					if kind == "" {
						ackMu.Lock()
						acks = append(acks, a)
						ackMu.Unlock()
						acked.Add(1)
						lastAck.Store(int64(time.Since(start)))
						break
					}
					errMu.Lock()
					errKinds[kind]++
					errMu.Unlock()
					if time.Now().After(deadline) || ctx.Err() != nil {
						gaveUp.Add(1)
						break
					}
					retries.Add(1)
					time.Sleep(200 * time.Millisecond)
				}
			}
		})
	}

	// The faults, one after the other.
	var faults []regFault
	waitStarted := func(m int) {
		for int(started.Load()) < m && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
	}
	nextAck := func(after time.Duration) time.Duration {
		for ctx.Err() == nil {
			if l := time.Duration(lastAck.Load()); l > after {
				return l - after
			}
			if int(acked.Load()+gaveUp.Load()) >= total {
				return -1
			}
			time.Sleep(5 * time.Millisecond)
		}
		return -1
	}
	killLeader := func(i int) {
		waitStarted(marks[i])
		url, err := regLeaderURL(ctx, kc.adm, topic)
		ri := byURL[url]
		if err != nil || ri == nil {
			close(struck[i])
			t.Errorf("fault %d: leader instance: %q %v", i+1, url, err)
			return
		}
		f := regFault{what: "kill -9 leader " + ri.name, startedAt: int(started.Load()), acked: int(acked.Load()), at: time.Since(start)}
		ri.kill9()
		close(struck[i])
		t.Logf("%v: killed the leader, %s (%d started, %d acknowledged)", f.at.Round(time.Millisecond), ri.name, f.startedAt, f.acked)
		time.Sleep(3 * time.Second)
		ri.start(t)
		f.down = time.Since(start) - f.at
		f.firstAckAfter = nextAck(f.at)
		faults = append(faults, f)
	}
	killBroker := func(i int) {
		waitStarted(marks[i])
		lead, err := kc.leaders(ctx, topic)
		node := lead[0]
		if err != nil || node <= 0 {
			close(struck[i])
			t.Errorf("fault %d: leader of %s: %v %v", i+1, topic, lead, err)
			return
		}
		f := regFault{what: fmt.Sprintf("kill -9 broker %d (leads %s)", node, topic), startedAt: int(started.Load()), acked: int(acked.Load()), at: time.Since(start)}
		kc.ctl(t, "kill", node)
		close(struck[i])
		t.Logf("%v: killed broker %d (%d started, %d acknowledged)", f.at.Round(time.Millisecond), node, f.startedAt, f.acked)
		time.Sleep(3 * time.Second)
		kc.ctl(t, "restart", node)
		f.down = time.Since(start) - f.at
		if err := kc.waitInSync(ctx, topic, 3); err != nil {
			t.Error(err)
		}
		f.firstAckAfter = nextAck(f.at)
		faults = append(faults, f)
	}
	killLeader(0)
	killBroker(1)
	killLeader(2)
	wg.Wait()
	wall := time.Since(start)
	if err := ctx.Err(); err != nil {
		// The registrations not yet made were given up; what was
		// acknowledged is still checked below.
		t.Errorf("run: %v after %v", err, wall.Round(time.Millisecond))
	}

	// The run.
	t.Logf("%d registrations acknowledged of %d in %v: %.0f registrations/s (faults and restarts included); %d retries, %d given up",
		len(acks), total, wall.Round(time.Millisecond), float64(len(acks))/wall.Seconds(), retries.Load(), gaveUp.Load())
	var kinds []string
	for k, n := range errKinds {
		kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("errors seen by clients: %s", strings.Join(kinds, ", "))
	for _, f := range faults {
		t.Logf("fault at %v: %s, %d started / %d acknowledged, %d in flight; back after %v; next acknowledgement %v after the kill",
			f.at.Round(time.Millisecond), f.what, f.startedAt, f.acked, f.startedAt-f.acked, f.down.Round(time.Millisecond), f.firstAckAfter.Round(time.Millisecond))
		if f.startedAt-f.acked <= 0 {
			t.Errorf("fault %q struck with no registration in flight", f.what)
		}
	}
	if len(faults) != 3 {
		t.Errorf("%d faults struck, want 3", len(faults))
	}
	if len(acks) != total {
		t.Errorf("%d of %d registrations acknowledged (each was tried for 5 minutes)", len(acks), total)
	}

	// Every instance serves every acknowledged registration. A follower
	// may lag its replay by a moment: the check is repeated for up to 30s.
	var problems *regProblems
	views := map[string]regView{}
	t0 := time.Now()
	for {
		for _, ri := range insts {
			v, err := fetchView(ri.url, prefix)
			if err != nil {
				t.Fatalf("%s: %v", ri.name, err)
			}
			views[ri.name] = v
		}
		problems = checkRegistrations(acks, views)
		if problems.total() == 0 || time.Since(t0) > 30*time.Second {
			break
		}
		time.Sleep(time.Second)
	}
	for _, ri := range insts {
		t.Logf("%s serves %d versions", ri.name, len(views[ri.name]))
	}
	if problems.total() > 0 {
		t.Errorf("after %v: %s", time.Since(t0).Round(time.Millisecond), problems)
	} else {
		t.Logf("every acknowledged registration served by all 3 instances with its ID and schema (checked after %v); no ID for two schemas, no version with two IDs",
			time.Since(t0).Round(time.Millisecond))
	}
	// GET /schemas/ids/{id} on each instance, for a sample.
	sample := rand.Perm(len(acks))[:min(len(acks), 500)]
	byIDErrs := 0
	for _, ri := range insts {
		lat := make([]time.Duration, 0, len(sample))
		for _, i := range sample {
			a := acks[i]
			t0 := time.Now()
			resp, err := regHTTP.Get(fmt.Sprintf("%s/schemas/ids/%d", ri.url, a.ID))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Schema string `json:"schema"`
			}
			derr := json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			lat = append(lat, time.Since(t0))
			if resp.StatusCode != 200 || derr != nil || got.Schema != a.Schema {
				byIDErrs++
				if byIDErrs <= 3 {
					t.Errorf("%s: GET /schemas/ids/%d: %d %v %.60q, want %.60q", ri.name, a.ID, resp.StatusCode, derr, got.Schema, a.Schema)
				}
			}
		}
		slices.Sort(lat)
		t.Logf("%s: GET /schemas/ids/{id}, %d reads one at a time: p50 %v, p99 %v", ri.name, len(lat),
			lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))
	}
	t.Logf("GET /schemas/ids/{id}: %d of %d sampled reads (%d ids × 3 instances) wrong", byIDErrs, 3*len(sample), len(sample))

	// Negative controls: each check fires on what it guards against.
	t.Run("controls", func(t *testing.T) {
		if len(acks) < 2 {
			t.Fatal("too few acknowledgements for the controls")
		}
		one := map[string]regView{"instance1": views["instance1"]}
		expect := func(name, kind string, acks []regAck, views map[string]regView) {
			p := checkRegistrations(acks, views)
			if p.count[kind] == 0 {
				t.Errorf("%s: no %q finding (%s)", name, kind, p)
				return
			}
			t.Logf("%s: %s: %d", name, kind, p.count[kind])
		}
		// An ID handed out twice: two acknowledgements of different
		// schemas with one ID.
		tam := slices.Clone(acks)
		tam[1].ID = tam[0].ID
		expect("acknowledgements with a reused ID", probAckIDTwoSchemas, tam, nil)
		// One (subject, version) acknowledged with two IDs.
		tam = append(slices.Clone(acks), regAck{Subject: acks[0].Subject, Version: acks[0].Version, ID: acks[0].ID + 1_000_000, Schema: acks[0].Schema})
		expect("a version acknowledged twice", probAckVersionTwoIDs, tam, nil)
		// An instance serving another ID for a version.
		v := slices.Clone(views["instance1"])
		v[0].ID += 1_000_000
		expect("an instance serving another ID", probWrongID, acks, map[string]regView{"instance1": v})
		// An instance serving one ID for two schemas.
		v = slices.Clone(views["instance1"])
		v[1].ID = v[0].ID
		expect("an instance serving one ID twice", probServedIDTwoSchema, acks, map[string]regView{"instance1": v})
		// An instance serving another schema under an acknowledged version.
		v = slices.Clone(views["instance1"])
		v[0].Schema += " "
		expect("an instance serving another schema", probWrongSchema, acks, map[string]regView{"instance1": v})
		// A real instance that does not replay the topic (it runs on
		// another one) is missing every acknowledged registration.
		other := newRegInstance(t, "instance-other-topic", brokers, topic+"-other", dir)
		other.start(t)
		ov, err := fetchView(other.url, prefix)
		if err != nil {
			t.Fatal(err)
		}
		expect("an instance on another topic", probMissing, acks, map[string]regView{"other": ov})
		if p := checkRegistrations(acks, map[string]regView{"other": ov}); p.count[probMissing] != len(acks) {
			t.Errorf("instance on another topic: %d missing, want %d", p.count[probMissing], len(acks))
		}
		// And the real views pass (the checks do not fire on their own).
		if p := checkRegistrations(acks, one); p.total() != 0 {
			t.Errorf("instance1's real view: %s", p)
		}
	})
}

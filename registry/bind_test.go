package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// avroUserReordered is avroUser written another way.
const avroUserReordered = `{
  "fields": [ {"type": "long", "name": "id"} ],
  "namespace": "acme", "name": "User", "type": "record"
}`

// avroUserString changes id's type: a reader of avroUser cannot read it.
const avroUserString = `{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"}]}`

func TestBind(t *testing.T) {
	const subject = "users-value"
	tests := []struct {
		name    string
		seed    []string // versions of subject, oldest first (ids 1, 2, ...)
		local   string
		src     Source
		drift   Drift
		wantID  int
		wantVer int
		want    []error
		inMsg   []string
		warned  bool
	}{
		{name: "lookup finds it", seed: []string{avroUser}, local: avroUser, src: LookupBySchema(), wantID: 1, wantVer: 1},
		{name: "lookup normalizes", seed: []string{avroUser}, local: avroUserReordered, src: LookupBySchema(), wantID: 1, wantVer: 1},
		{name: "lookup misses", seed: []string{avroUser}, local: avroUser2, src: LookupBySchema(), want: []error{ErrSchemaNotFound, ErrNotFound}},
		{name: "lookup without subject", local: avroUser, src: LookupBySchema(), want: []error{ErrSubjectNotFound}},
		{name: "auto register", local: avroUser, src: AutoRegister(), wantID: 1, wantVer: 1},
		{name: "auto register new version", seed: []string{avroUser}, local: avroUser2, src: AutoRegister(), wantID: 2, wantVer: 2},
		{name: "latest equal", seed: []string{avroUser}, local: avroUser, src: UseLatest(nil), wantID: 1, wantVer: 1},
		{name: "latest equal written differently", seed: []string{avroUser}, local: avroUserReordered, src: UseLatest(nil), wantID: 1, wantVer: 1},
		{name: "latest is newest", seed: []string{avroUser, avroUser2}, local: avroUser2, src: UseLatest(nil), wantID: 2, wantVer: 2},
		{name: "latest drift fails", seed: []string{avroUser, avroUser2}, local: avroUser, src: UseLatest(nil),
			want: []error{ErrDrift}, inMsg: []string{`"users-value"`, "version 2", "id 2", "fingerprint"}},
		{name: "latest drift warns", seed: []string{avroUser, avroUser2}, local: avroUser, src: UseLatest(nil), drift: DriftWarn,
			wantID: 2, wantVer: 2, warned: true},
		{name: "latest drift compatible", seed: []string{avroUser}, local: avroUser2, src: UseLatest(nil), drift: DriftAllowIfCompatible(compat.CanRead),
			wantID: 1, wantVer: 1},
		{name: "latest drift incompatible", seed: []string{avroUser}, local: avroUserString, src: UseLatest(nil), drift: DriftAllowIfCompatible(compat.CanRead),
			want: []error{ErrDrift, ErrIncompatible}, inMsg: []string{"cannot read", "id 1"}},
		{name: "latest of missing subject", local: avroUser, src: UseLatest(nil), want: []error{ErrSubjectNotFound}},
		{name: "pin equal", seed: []string{avroUser, avroUser2}, local: avroUser, src: PinID(1), wantID: 1, wantVer: 1},
		{name: "pin drift fails", seed: []string{avroUser, avroUser2}, local: avroUser, src: PinID(2), want: []error{ErrDrift}},
		{name: "pin missing", seed: []string{avroUser}, local: avroUser, src: PinID(9), want: []error{ErrSchemaNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			reg, cl, _ := fakeClient(t, Logger(slog.New(slog.NewTextHandler(&logs, nil))))
			for i, text := range tt.seed {
				reg.SeedSchema(subject, i+1, i+1, sr.Schema{Schema: text})
			}
			got, err := cl.Bind(context.Background(), subject, avroSchema(tt.local), tt.src, tt.drift)
			if len(tt.want) > 0 {
				if err == nil {
					t.Fatalf("Bind = %+v, want error", got)
				}
				for _, w := range tt.want {
					if !errors.Is(err, w) {
						t.Errorf("error %v is not %v", err, w)
					}
				}
				for _, m := range tt.inMsg {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q lacks %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.wantID || got.Version != tt.wantVer || got.Subject != subject {
				t.Errorf("Bind = %+v, want id %d version %d", got, tt.wantID, tt.wantVer)
			}
			if warned := strings.Contains(logs.String(), "level=WARN"); warned != tt.warned {
				t.Errorf("warned %v, want %v; logs:\n%s", warned, tt.warned, logs.String())
			}
		})
	}
}

func TestDriftErrorNamesLocalFingerprint(t *testing.T) {
	reg, cl, _ := fakeClient(t)
	reg.SeedSchema("s-value", 1, 5, sr.Schema{Schema: avroUser2})
	_, err := cl.Bind(context.Background(), "s-value", avroSchema(avroUser), UseLatest(nil), DriftFail)
	var de *DriftError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want *DriftError", err)
	}
	c, err2 := formats.Compile(context.Background(), avroSchema(avroUser), nil)
	if err2 != nil {
		t.Fatal(err2)
	}
	if fp := serde.Fingerprint(c); de.LocalFingerprint != fp || !strings.Contains(err.Error(), fp) {
		t.Errorf("error %q does not name the local fingerprint %s", err, fp)
	}
	if de.Registered.ID != 5 || de.Registered.Version != 1 {
		t.Errorf("registered = %+v", de.Registered)
	}
}

// TestNoRegistryCallAfterWarmUp binds once per source, then serializes
// records and binds and resolves again: the registry sees no request.
func TestNoRegistryCallAfterWarmUp(t *testing.T) {
	ctx := context.Background()
	reg, cl, cnt := fakeClient(t)
	reg.SeedSchema("pinned-value", 1, 1, sr.Schema{Schema: avroUser})
	reg.SeedSchema("latest-value", 1, 2, sr.Schema{Schema: avroUser2})
	if _, _, err := reg.RegisterSchema("lookup-value", sr.Schema{Schema: avroUser}); err != nil {
		t.Fatal(err)
	}
	binds := []struct {
		subject string
		local   string
		src     Source
	}{
		{"pinned-value", avroUser, PinID(1)},
		{"latest-value", avroUser2, UseLatest(nil)},
		{"lookup-value", avroUserReordered, LookupBySchema()},
		{"auto-value", avroUser, AutoRegister()},
	}
	var (
		sers []*serde.Serializer
		vals []map[string]any // a value that fits each bound schema
	)
	for _, b := range binds {
		ss, err := cl.Bind(ctx, b.subject, avroSchema(b.local), b.src, DriftFail)
		if err != nil {
			t.Fatalf("%s: %v", b.subject, err)
		}
		c, err := formats.Compile(ctx, ss.Schema, cl)
		if err != nil {
			t.Fatal(err)
		}
		s, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "t", Subject: ss.Subject, ID: ss.ID})
		if err != nil {
			t.Fatal(err)
		}
		sers = append(sers, s)
		if strings.Contains(ss.Schema.Text, `"email"`) {
			vals = append(vals, map[string]any{"email": nil})
		} else {
			vals = append(vals, map[string]any{})
		}
	}
	warm := cnt.n.Load()
	if warm == 0 {
		t.Fatal("warm-up made no request")
	}
	const n = 1000
	var buf []byte
	for i := range n {
		for j, s := range sers {
			vals[j]["id"] = int64(i)
			var err error
			if buf, err = s.AppendSerialize(buf[:0], vals[j]); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 10 {
		for _, b := range binds {
			if _, err := cl.Bind(ctx, b.subject, avroSchema(b.local), b.src, DriftFail); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := cl.SchemaByID(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Resolve(ctx, serde.Reference{Name: "acme.User", Subject: "pinned-value", Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if got := cnt.n.Load(); got != warm {
		t.Fatalf("after warm-up (%d requests) the registry saw %d more: %v", warm, got-warm, cnt.seen[warm:])
	}
}

// TestSingleflight runs 64 goroutines resolving four subjects (16 each) and
// one schema ID while the registry holds every request until all of them
// wait: each key costs exactly one request.
func TestSingleflight(t *testing.T) {
	checkGoroutines(t)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	subjects := []string{"a-value", "b-value", "c-value", "d-value"}
	for i, s := range subjects {
		reg.SeedSchema(s, 1, i+1, sr.Schema{Schema: avroUser})
	}
	release := make(chan struct{})
	var mu sync.Mutex
	perPath := map[string]int{}
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		perPath[r.URL.Path]++
		mu.Unlock()
		<-release
		return false
	})
	cl, _ := client(t, reg.URL())
	const goroutines = 64
	var joined atomic.Int64
	all := make(chan struct{})
	cl.joined = func() {
		if joined.Add(1) == goroutines*2 {
			close(all)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*2)
	for i := range goroutines {
		wg.Go(func() {
			subject := subjects[i%len(subjects)]
			ss, err := cl.Latest(context.Background(), subject)
			if err == nil && ss.Subject != subject {
				err = fmt.Errorf("Latest(%s) = %+v", subject, ss)
			}
			errs <- err
		})
		wg.Go(func() {
			_, err := cl.SchemaByID(context.Background(), 3)
			errs <- err
		})
	}
	<-all
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"/schemas/ids/3": 1}
	for _, s := range subjects {
		want["/subjects/"+s+"/versions/latest"] = 1
	}
	if fmt.Sprint(perPath) != fmt.Sprint(want) {
		t.Fatalf("requests per path = %v, want %v", perPath, want)
	}
}

// TestSharedRequestSurvivesLeaderCancel: when the caller that started a
// shared request gives up, the others still get their answer.
func TestSharedRequestSurvivesLeaderCancel(t *testing.T) {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	reg.SeedSchema("a-value", 1, 1, sr.Schema{Schema: avroUser})
	var calls atomic.Int64
	first := make(chan struct{})
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if calls.Add(1) == 1 {
			close(first)
			<-r.Context().Done() // hold the leader's request until it gives up
			return true
		}
		return false
	})
	cl, _ := client(t, reg.URL())
	var joined atomic.Int64
	both := make(chan struct{})
	cl.joined = func() {
		if joined.Add(1) == 2 {
			close(both)
		}
	}
	lctx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := cl.SchemaByID(lctx, 1)
		leaderErr <- err
	}()
	<-first
	followerErr := make(chan error, 1)
	go func() {
		_, err := cl.SchemaByID(context.Background(), 1)
		followerErr <- err
	}()
	<-both
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v, want canceled", err)
	}
	if err := <-followerErr; err != nil {
		t.Errorf("follower: %v", err)
	}
}

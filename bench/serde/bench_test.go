// Package serde_test compares schemagen's serde.Serializer with
// confluent-kafka-go v2's schema registry serializers on the same records.
// It lives in its own module because confluent-kafka-go needs cgo.
package serde_test

import (
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

// side is one way of serializing the record: one call serializes one
// record and keeps the result reachable, as a producer would until the
// record is sent.
type side func() error

// pair is the two sides for one format, built once before any timer.
type pair struct {
	confluent side
	schemagen side
}

// mode is how confluent's serializer finds the pre-registered schema.
// Both are zero-network, in-memory paths; schemagen has its ID pinned in
// both.
type mode int

const (
	// byID: AutoRegisterSchemas false, UseSchemaID set to the registered
	// ID. Per record the serializer asks the client GetBySubjectAndID (a
	// map hit) and GetIDFullResponse, which JSON-encodes the SchemaInfo
	// (the whole schema text) to build its cache key: the real client's
	// GetIDFullResponse does the same on a cache hit.
	byID mode = iota
	// byLatest: AutoRegisterSchemas false, UseLatestVersion true. The
	// mock client answers GetLatestSchemaMetadata by scanning and
	// JSON-decoding its store on every call, which the real client does
	// not (it keeps an LRU cache keyed by subject), so the mock is wrapped
	// in latestCached, which returns the metadata fetched once before the
	// timer, like the real client's cache hit.
	byLatest
)

func (m mode) String() string { return [...]string{"useSchemaID", "useLatest"}[m] }

var modes = []mode{byID, byLatest}

// latestCached answers GetLatestSchemaMetadata for one subject from a
// value fetched once; everything else goes to the wrapped client.
type latestCached struct {
	schemaregistry.Client
	subject string
	latest  schemaregistry.SchemaMetadata
}

func (c *latestCached) GetLatestSchemaMetadata(subject string) (schemaregistry.SchemaMetadata, error) {
	if subject == c.subject {
		return c.latest, nil
	}
	return c.Client.GetLatestSchemaMetadata(subject)
}

// registerMock registers text under subject in a fresh mock registry
// client (schemaregistry.NewClient(schemaregistry.NewConfig(url))) and
// returns the client and confluent serializer configuration for m, and
// the schema ID the mock gave it, which schemagen's Serializer is pinned
// to. Neither side registers or fetches anything from a registry inside
// the timed loop.
func registerMock(tb testing.TB, url, subject, schemaType, text string, m mode) (schemaregistry.Client, serde.SerializerConfig, int) {
	tb.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	if err != nil {
		tb.Fatal(err)
	}
	id, err := c.Register(subject, schemaregistry.SchemaInfo{Schema: text, SchemaType: schemaType}, false)
	if err != nil {
		tb.Fatal(err)
	}
	conf := serde.NewSerializerConfig()
	conf.AutoRegisterSchemas = false
	switch m {
	case byID:
		conf.UseSchemaID = id
	case byLatest:
		conf.UseLatestVersion = true
		latest, err := c.GetLatestSchemaMetadata(subject)
		if err != nil {
			tb.Fatal(err)
		}
		c = &latestCached{Client: c, subject: subject, latest: latest}
	}
	return c, *conf, id
}

// run benchmarks the two sides of p as sub-benchmarks confluent and
// schemagen (ns/op, B/op, allocs/op and process CPU per op), then as
// interleaved, which alternates blocks of the two on the same goroutine so
// that both see the same machine load.
func run(b *testing.B, p pair) {
	b.Helper()
	b.Run("confluent", func(b *testing.B) { loop(b, p.confluent) })
	b.Run("schemagen", func(b *testing.B) { loop(b, p.schemagen) })
	b.Run("interleaved", func(b *testing.B) { interleave(b, p) })
}

func loop(b *testing.B, f side) {
	if err := f(); err != nil { // warm caches outside the timer
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	if d := cpuTime() - start; b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// interleave runs blocks of confluent then schemagen calls; b.N counts
// pairs of blocks. It reports the mean wall time per record of each side
// over all blocks, each side's fastest block, and the speed-up
// (confluent / schemagen) of both.
func interleave(b *testing.B, p pair) {
	const block = 50
	for _, f := range []side{p.confluent, p.schemagen} {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	var sumC, sumS time.Duration
	bestC, bestS := math.Inf(1), math.Inf(1)
	for b.Loop() {
		t0 := time.Now()
		for range block {
			if err := p.confluent(); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range block {
			if err := p.schemagen(); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		sumC += t1.Sub(t0)
		sumS += t2.Sub(t1)
		bestC = min(bestC, float64(t1.Sub(t0).Nanoseconds())/block)
		bestS = min(bestS, float64(t2.Sub(t1).Nanoseconds())/block)
	}
	n := float64(b.N) * block
	b.ReportMetric(float64(sumC.Nanoseconds())/n, "confluent-ns/rec")
	b.ReportMetric(float64(sumS.Nanoseconds())/n, "schemagen-ns/rec")
	b.ReportMetric(float64(sumC)/float64(sumS), "speedup")
	b.ReportMetric(bestC, "confluent-best-ns/rec")
	b.ReportMetric(bestS, "schemagen-best-ns/rec")
	b.ReportMetric(bestC/bestS, "best-speedup")
}

// cpuTime is the CPU time (user + system) the process has used so far, on
// all threads, the GC's included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lastOutput holds the latest serialized record of either side, so that
// neither side's result is dead code, and for the byte comparison tests.
var lastOutput []byte

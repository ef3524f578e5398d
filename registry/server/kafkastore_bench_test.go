package server

import (
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkKafkaInstances: registrations per second through 1 and 3
// instances on one kfake topic (16 clients spread over the instances; with
// 3, two thirds are forwarded to the leader), then the p99 latency of
// reads by ID spread over the instances.
func BenchmarkKafkaInstances(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			c := newBenchCluster(b)
			var insts []*instance
			for range n {
				insts = append(insts, startInstance(b, c, "_schemas"))
			}
			// Wait for a leader before timing.
			if _, err := register(insts[0].url, "warmup", schemaN(1)); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(8) // 16 clients on 2 cores
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(1))
					if _, err := register(insts[i%n].url, fmt.Sprintf("s%d", i), schemaN(i+1)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "registrations/s")
			b.StopTimer()

			const reads = 2000
			lat := make([]time.Duration, 0, reads)
			for i := range reads {
				id := i%int(next.Load()) + 1
				t0 := time.Now()
				resp, err := httpc.Get(fmt.Sprintf("%s/schemas/ids/%d", insts[i%n].url, id))
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("read id %d: status %d", id, resp.StatusCode)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-read-µs")
		})
	}
}

func newBenchCluster(b *testing.B) []string {
	b.Helper()
	return newClusterTB(b, 3)
}

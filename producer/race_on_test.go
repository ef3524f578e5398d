//go:build race

package producer_test

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts that rest on a pool are not measured under it.
const raceEnabled = true

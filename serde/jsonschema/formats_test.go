package jsonschema

import (
	"math/rand/v2"
	"testing"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// TestFastFormatsAcceptOnlyWhatTheLibraryAccepts: a fast acceptor saying
// yes where the library says no would let a bad value through.
func TestFastFormatsAcceptOnlyWhatTheLibraryAccepts(t *testing.T) {
	samples := map[string][]string{
		"uuid":      {"6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33", "6F1C2A4E-8B3D-4C8E-9A51-2F7D0C1B9E33", "6f1c2a4e8b3d4c8e9a512f7d0c1b9e33", "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e3g"},
		"date":      {"2024-02-29", "2023-02-29", "0000-01-01", "2026-12-31", "2026-13-01", "2026-1-01", "2026-04-31"},
		"date-time": {"2026-11-23T06:25:00Z", "2026-11-23t06:25:00.123+01:00", "2026-11-23T23:59:60Z", "2026-11-23T06:25:00", "2026-11-23T24:00:00Z", "2026-11-23T06:25:00.Z", "2026-11-23T06:25:00-24:00"},
		"email":     {"ada@example.com", "a.b+c@ex-ample.co.uk", "a..b@example.com", ".a@example.com", "a@-example.com", "a@example-.com", "a@b", "\"q\"@example.com", "a@example.com.", "ada@[10.0.0.1]"},
	}
	alphabet := "0123456789abcdefABCDEF-:.+@TZtz\" _[]"
	rng := rand.New(rand.NewPCG(3, 4))
	for name, fast := range fastFormats {
		t.Run(name, func(t *testing.T) {
			lib := js.Formats[name]
			check := func(s string) {
				if fast([]byte(s)) && !lib(s) {
					t.Fatalf("fast acceptor takes %q, the library refuses it", s)
				}
			}
			accepted := 0
			for _, s := range samples[name] {
				check(s)
				if fast([]byte(s)) {
					accepted++
				}
			}
			if accepted == 0 {
				t.Fatal("fast acceptor takes none of the samples")
			}
			// Mutations of the samples: one byte changed, dropped or doubled.
			for range 20000 {
				s := []byte(samples[name][rng.IntN(len(samples[name]))])
				if len(s) == 0 {
					continue
				}
				i := rng.IntN(len(s))
				switch rng.IntN(3) {
				case 0:
					s[i] = alphabet[rng.IntN(len(alphabet))]
				case 1:
					s = append(s[:i], s[i+1:]...)
				default:
					s = append(s[:i+1], s[i:]...)
				}
				check(string(s))
			}
		})
	}
}

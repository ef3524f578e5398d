package jsonschema

import (
	"math"
	"math/rand/v2"
	"testing"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// TestFormatFuncsAreTheLibrarys: the generated encoders' format checks give
// the library's verdict on every string, valid or not.
func TestFormatFuncsAreTheLibrarys(t *testing.T) {
	funcs := map[string]func(string) bool{
		"email": FormatEmail, "uuid": FormatUUID, "date": FormatDate, "date-time": FormatDateTime,
	}
	samples := []string{
		"", "ada@example.com", "a.b+c@ex-ample.co.uk", "\"q r\"@example.com", "ada@[10.0.0.1]", "ada@[IPv6:::1]",
		"a@b", "a..b@example.com", "Ada <ada@example.com>", "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33",
		"6F1C2A4E-8B3D-4C8E-9A51-2F7D0C1B9E3", "2024-02-29", "2023-02-29", "0000-01-01", "2026-11-23T23:59:60Z",
		"2026-11-23T06:25:00.5+01:00", "2026-11-23T06:25:00", "é@example.com",
	}
	alphabet := "0123456789abcdefABCDEF-:.+@TZtz\" _[]<>é\x00"
	rng := rand.New(rand.NewPCG(5, 6))
	for name, fn := range funcs {
		lib := js.Formats[name]
		agree, yes := 0, 0
		check := func(s string) {
			if fn(s) != lib(s) {
				t.Fatalf("%s: Format func says %v for %q, the library %v", name, fn(s), s, lib(s))
			}
			agree++
			if lib(s) {
				yes++
			}
		}
		for _, s := range samples {
			check(s)
		}
		for range 20000 {
			s := []byte(samples[rng.IntN(len(samples))])
			if len(s) > 0 {
				i := rng.IntN(len(s))
				switch rng.IntN(3) {
				case 0:
					s[i] = alphabet[rng.IntN(len(alphabet))]
				case 1:
					s = append(s[:i], s[i+1:]...)
				default:
					s = append(s[:i+1], s[i:]...)
				}
			}
			check(string(s))
		}
		if yes == 0 || yes == agree {
			t.Fatalf("%s: the library accepted %d of %d strings: the samples do not reach both verdicts", name, yes, agree)
		}
	}
}

// TestFormatFuncsDoNotAllocate: a common valid string takes the fast path.
func TestFormatFuncsDoNotAllocate(t *testing.T) {
	for name, c := range map[string]struct {
		fn func(string) bool
		s  string
	}{
		"email": {FormatEmail, "ada.lovelace+x@example.co.uk"}, "uuid": {FormatUUID, "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33"},
		"date": {FormatDate, "2024-02-29"}, "date-time": {FormatDateTime, "2026-11-23T06:25:00.123Z"},
	} {
		if n := testing.AllocsPerRun(100, func() {
			if !c.fn(c.s) {
				t.Fatalf("%s refuses %q", name, c.s)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations per check", name, n)
		}
	}
}

// TestUnique: Unique finds two equal items exactly when a map does (what
// the generated Validate uses), pairwise and above 32 items alike.
func TestUnique(t *testing.T) {
	byMap := func(s []float64) bool {
		seen := map[float64]bool{}
		for _, x := range s {
			if seen[x] {
				return false
			}
			seen[x] = true
		}
		return true
	}
	rng := rand.New(rand.NewPCG(7, 8))
	pool := []float64{0, math.Copysign(0, -1), 1, 2.5, math.NaN(), math.Inf(1), -7}
	dups := 0
	for range 5000 {
		s := make([]float64, rng.IntN(40))
		for i := range s {
			if rng.IntN(4) == 0 {
				s[i] = pool[rng.IntN(len(pool))]
			} else {
				s[i] = float64(rng.IntN(1 << 20))
			}
		}
		if got, want := Unique(s), byMap(s); got != want {
			t.Fatalf("Unique(%v) = %v, a map says %v", s, got, want)
		}
		if !byMap(s) {
			dups++
		}
	}
	if dups == 0 {
		t.Fatal("no slice had duplicates: the test does not reach both answers")
	}
	if n := testing.AllocsPerRun(100, func() { Unique([]string{"a", "b", "c"}) }); n != 0 {
		t.Errorf("Unique of 3 strings: %v allocations", n)
	}
}

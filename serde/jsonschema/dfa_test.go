package jsonschema

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestDFAMatchesRegexp checks the DFA against regexp on generated strings:
// the DFA must give regexp's answer for every ASCII string.
func TestDFAMatchesRegexp(t *testing.T) {
	patterns := []string{
		`^[A-Z]{3}$`, `^[A-Z0-9-]{4,32}$`, `^-?[0-9]+(\.[0-9]{1,4})?$`, `[0-9]`, `ab*c`, `^$`, `$`, `^`,
		`(?i)^abc$`, `^a|b$`, `x*`, `^(a|ab)(c|bcd)(d*)$`, `(?s)^a.b$`, `^a.b$`, `^\d{3}-\d{4}$`,
		`^[^@\s]+@[^@\s]+$`, `^(foo|bar)+$`, `a{2,3}$`, `^\p{L}+$`, `\$`, `^[a-f0-9]{8}(-[a-f0-9]{4}){3}-[a-f0-9]{12}$`,
	}
	alphabet := []byte("aAbBcCdxyz0123456789-.@ \n$_")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range patterns {
		t.Run(p, func(t *testing.T) {
			re := regexp.MustCompile(p)
			d := buildDFA(p)
			if d == nil {
				t.Fatalf("no DFA for %q", p)
			}
			check := func(s string) {
				got, ok := d.match([]byte(s))
				if !ok {
					t.Fatalf("DFA declined ASCII %q", s)
				}
				want := re.MatchString(s)
				if got != want {
					t.Fatalf("%q on %q: DFA %v, regexp %v", p, s, got, want)
				}
				if got := d.matchASCII([]byte(s)); got != want {
					t.Fatalf("%q on %q: matchASCII %v, regexp %v", p, s, got, want)
				}
			}
			for _, s := range []string{"", "a", "ABC", "AB", "ABCD", "12.5", "-3", "1.23456", "abc", "AbC", "abcd", "a\nb", "foobar", "aaa", "BOOK-0001", "6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33", "a@b"} {
				check(s)
			}
			for range 3000 {
				n := rng.IntN(12)
				b := make([]byte, n)
				for i := range b {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				}
				check(string(b))
			}
		})
	}
	for _, p := range []string{`\bfoo\b`, `(?m)^a$`, `^(a|b|c|d){1,300}$`} {
		if buildDFA(p) != nil {
			t.Errorf("%q: want no DFA (assertions it does not implement)", p)
		}
	}
}

// TestDFANonASCII checks that non-ASCII input falls back to regexp.
func TestDFANonASCII(t *testing.T) {
	m := newMatcher(regexp.MustCompile(`^\p{L}+$`))
	if m.dfa == nil {
		t.Fatal("no DFA")
	}
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{name: "ascii", in: "abc", want: true},
		{name: "accented", in: "héllo", want: true},
		{name: "digit", in: "h3", want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.match([]byte(tc.in)); got != tc.want {
				t.Fatalf("match(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzDFA: for any pattern the DFA takes and any input, it answers as
// regexp does.
func FuzzDFA(f *testing.F) {
	f.Add(`^[A-Z]{3}$`, "EUR")
	f.Add(`^-?[0-9]+(\.[0-9]{1,4})?$`, "-12.5")
	f.Add(`(?i)^a.c$|x$`, "AbC")
	f.Add(`^$`, "")
	f.Add(`é+`, "ééx")
	f.Fuzz(func(t *testing.T, pattern, input string) {
		if len(pattern) > 200 || len(input) > 1000 {
			return
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		m := newMatcher(re)
		want := re.MatchString(input)
		if got := m.match([]byte(input)); got != want {
			t.Fatalf("%q on %q: matcher %v, regexp %v", pattern, input, got, want)
		}
		ascii := true
		for i := 0; i < len(input); i++ {
			ascii = ascii && input[i] < 0x80
		}
		if ascii && m.dfa != nil {
			if got := m.dfa.matchASCII([]byte(input)); got != want {
				t.Fatalf("%q on %q: matchASCII %v, regexp %v", pattern, input, got, want)
			}
		}
	})
}

// TestDFABudget: matchers built within a budget of states spend it, and
// past it keep to the regexp with the same answers.
func TestDFABudget(t *testing.T) {
	re := regexp.MustCompile(`[ab]*a[ab]{6}$`) // 128 states and more
	budget := 300
	var ms []*matcher
	for range 4 {
		ms = append(ms, newMatcherWithin(re, &budget))
	}
	if ms[0].dfa == nil || ms[1].dfa == nil {
		t.Fatal("no DFA within the budget")
	}
	if ms[2].dfa != nil || ms[3].dfa != nil {
		t.Fatal("a DFA past the budget")
	}
	if budget > 0 {
		t.Fatalf("budget left %d, want it spent", budget)
	}
	for _, s := range []string{"abababab", "aaaaaaaa", "bbbbbbbb", "xaabbbbbb", "a"} {
		for i, m := range ms {
			if got, want := m.match([]byte(s)), re.MatchString(s); got != want {
				t.Errorf("matcher %d on %q = %v, want %v", i, s, got, want)
			}
		}
	}
}

package contract

import (
	"regexp"
	"strings"
)

// globRE turns one of Confluent's metadata tag patterns into a regular
// expression: ** matches any run of characters, * any run without a dot,
// ? one character; the rest is literal.
func globRE(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString(`[^.]*`)
			}
		case '?':
			b.WriteString(`[^.]`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// tagger gives a field's tags from the schema's metadata.
type tagger struct {
	pats []*regexp.Regexp
	tags [][]string
}

func newTagger(tags map[string][]string) (*tagger, error) {
	t := &tagger{}
	for p, ts := range tags {
		re, err := globRE(p)
		if err != nil {
			return nil, err
		}
		t.pats = append(t.pats, re)
		t.tags = append(t.tags, ts)
	}
	return t, nil
}

// of returns inline plus the tags whose patterns match fullName, each once.
func (t *tagger) of(fullName string, inline []string) []string {
	out := append([]string(nil), inline...)
	for i, re := range t.pats {
		if re.MatchString(fullName) {
			out = append(out, t.tags[i]...)
		}
	}
	seen := map[string]bool{}
	n := 0
	for _, s := range out {
		if !seen[s] {
			seen[s] = true
			out[n] = s
			n++
		}
	}
	return out[:n]
}

// selects reports whether a rule with ruleTags runs on a field with tags:
// every field when the rule has none, else those sharing one.
func selects(ruleTags, tags []string) bool {
	if len(ruleTags) == 0 {
		return true
	}
	for _, r := range ruleTags {
		for _, t := range tags {
			if r == t {
				return true
			}
		}
	}
	return false
}

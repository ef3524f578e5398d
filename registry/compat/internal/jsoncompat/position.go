package jsoncompat

import (
	"strconv"
	"strings"
)

// positions maps JSON pointers of a schema text to 1-based line and column:
// of the member name for object members, of the value otherwise.
type positions struct {
	at   map[string][2]int
	refs map[string]string // pointer of an object with an in-document $ref → its target
}

// scanPositions scans JSON text. It tolerates bad input: whatever it could
// not scan has no position.
func scanPositions(text string) *positions {
	s := &scanner{text: text, line: 1, col: 1}
	p := &positions{at: map[string][2]int{}, refs: map[string]string{}}
	s.ws()
	p.at[""] = [2]int{s.line, s.col}
	s.value(p, "", 0)
	return p
}

type scanner struct {
	text      string
	i         int
	line, col int
}

func (s *scanner) adv() {
	if s.text[s.i] == '\n' {
		s.line, s.col = s.line+1, 1
	} else if s.text[s.i]&0xC0 != 0x80 {
		s.col++
	}
	s.i++
}

func (s *scanner) ws() {
	for s.i < len(s.text) && strings.IndexByte(" \t\r\n", s.text[s.i]) >= 0 {
		s.adv()
	}
}

func (s *scanner) str() (string, bool) {
	if s.i >= len(s.text) || s.text[s.i] != '"' {
		return "", false
	}
	start := s.i
	s.adv()
	for s.i < len(s.text) {
		c := s.text[s.i]
		s.adv()
		if c == '\\' && s.i < len(s.text) {
			s.adv()
		} else if c == '"' {
			v, err := strconv.Unquote(s.text[start:s.i])
			return v, err == nil
		}
	}
	return "", false
}

func (s *scanner) value(p *positions, ptr string, depth int) bool {
	if s.i >= len(s.text) || depth > MaxDepth {
		return false
	}
	switch s.text[s.i] {
	case '{':
		s.adv()
		s.ws()
		if s.i < len(s.text) && s.text[s.i] == '}' {
			s.adv()
			return true
		}
		for s.i < len(s.text) {
			s.ws()
			line, col := s.line, s.col
			k, ok := s.str()
			if !ok {
				return false
			}
			s.ws()
			if s.i >= len(s.text) || s.text[s.i] != ':' {
				return false
			}
			s.adv()
			s.ws()
			child := ptr + "/" + escapePointer(k)
			p.at[child] = [2]int{line, col}
			if k == "$ref" && s.i < len(s.text) && s.text[s.i] == '"' {
				save := *s
				if v, ok := s.str(); ok && strings.HasPrefix(v, "#") {
					p.refs[ptr] = v[1:]
				}
				*s = save
			}
			if !s.value(p, child, depth+1) {
				return false
			}
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == ',' {
				s.adv()
				continue
			}
			if s.i < len(s.text) && s.text[s.i] == '}' {
				s.adv()
				return true
			}
			return false
		}
		return false
	case '[':
		s.adv()
		s.ws()
		if s.i < len(s.text) && s.text[s.i] == ']' {
			s.adv()
			return true
		}
		for n := 0; s.i < len(s.text); n++ {
			s.ws()
			child := ptr + "/" + strconv.Itoa(n)
			p.at[child] = [2]int{s.line, s.col}
			if !s.value(p, child, depth+1) {
				return false
			}
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == ',' {
				s.adv()
				continue
			}
			if s.i < len(s.text) && s.text[s.i] == ']' {
				s.adv()
				return true
			}
			return false
		}
		return false
	case '"':
		_, ok := s.str()
		return ok
	default:
		for s.i < len(s.text) && strings.IndexByte(",}] \t\r\n", s.text[s.i]) < 0 {
			s.adv()
		}
		return true
	}
}

// locate finds a diff path (#/a/b) in the text. The path follows the
// schema model, which may name parts the text lacks (the allOf/1 of a
// "type" beside "enum") and passes through $refs; locate skips segments
// the text lacks, follows in-document $refs, and returns the position of
// the deepest part it found.
func (p *positions) locate(path string) (int, int) {
	if p == nil {
		return 0, 0
	}
	path = strings.TrimPrefix(path, "#")
	path = strings.TrimPrefix(path, "/")
	cur := ""
	best, ok := p.at[""]
	if !ok {
		return 0, 0
	}
	if path == "" {
		return best[0], best[1]
	}
	hops := 0
	for _, seg := range strings.Split(path, "/") {
		next := cur + "/" + seg
		if _, ok := p.at[next]; !ok {
			if target, isRef := p.refs[cur]; isRef && hops < 32 {
				hops++
				if _, ok := p.at[target+"/"+seg]; ok {
					next = target + "/" + seg
				} else {
					continue
				}
			} else {
				continue
			}
		}
		cur = next
		best = p.at[cur]
	}
	return best[0], best[1]
}

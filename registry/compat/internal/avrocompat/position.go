package avrocompat

import "strconv"

// positions maps JSON pointers ("/fields/1/type") of one schema text to the
// byte offset where each value starts, so findings can carry a line and a
// column. Keys are not ~-escaped: Avro's keys never need it.
type positions struct {
	text string
	at   map[string]int
}

// scanPositions indexes text. It is lenient: on malformed JSON it keeps
// what it found so far (the text parsed already, so this does not happen).
func scanPositions(text string) *positions {
	p := &positions{text: text, at: map[string]int{}}
	s := scanner{text: text, at: p.at}
	s.value("")
	return p
}

// locate returns the 1-based line and column of the value at ptr, or of the
// deepest enclosing value the text has (a named type used by name has no
// body there); 0, 0 when nothing matches.
func (p *positions) locate(ptr string) (line, col int) {
	for {
		if off, ok := p.at[ptr]; ok {
			return lineCol(p.text, off)
		}
		if ptr == "" {
			return 0, 0
		}
		i := len(ptr) - 1
		for i > 0 && ptr[i] != '/' {
			i--
		}
		ptr = ptr[:i]
	}
}

func lineCol(text string, off int) (line, col int) {
	line, start := 1, 0
	for i := 0; i < off && i < len(text); i++ {
		if text[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

type scanner struct {
	text string
	i    int
	at   map[string]int
}

func (s *scanner) ws() {
	for s.i < len(s.text) {
		switch s.text[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value records ptr at the next value and skips it.
func (s *scanner) value(ptr string) bool {
	s.ws()
	if s.i >= len(s.text) {
		return false
	}
	s.at[ptr] = s.i
	switch s.text[s.i] {
	case '{':
		s.i++
		for {
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == '}' {
				s.i++
				return true
			}
			key, ok := s.str()
			if !ok {
				return false
			}
			s.ws()
			if s.i >= len(s.text) || s.text[s.i] != ':' {
				return false
			}
			s.i++
			if !s.value(ptr + "/" + key) {
				return false
			}
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == ',' {
				s.i++
			}
		}
	case '[':
		s.i++
		for n := 0; ; n++ {
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == ']' {
				s.i++
				return true
			}
			if !s.value(ptr + "/" + strconv.Itoa(n)) {
				return false
			}
			s.ws()
			if s.i < len(s.text) && s.text[s.i] == ',' {
				s.i++
			}
		}
	case '"':
		_, ok := s.str()
		return ok
	default:
		start := s.i
		for s.i < len(s.text) && !isDelim(s.text[s.i]) {
			s.i++
		}
		return s.i > start
	}
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// str reads a JSON string and returns it unquoted (escapes are kept as
// written, which is enough for Avro's keys).
func (s *scanner) str() (string, bool) {
	if s.i >= len(s.text) || s.text[s.i] != '"' {
		return "", false
	}
	s.i++
	start := s.i
	for s.i < len(s.text) {
		switch s.text[s.i] {
		case '\\':
			s.i += 2
		case '"':
			v := s.text[start:s.i]
			s.i++
			return v, true
		default:
			s.i++
		}
	}
	return "", false
}

// Package jsonpos maps JSON pointers (RFC 6901) into a JSON text to lines
// and columns, so that findings about a schema can say where in its source
// they are. The Avro and JSON Schema compatibility checkers share it.
//
// The scanner is lenient: on text that is not JSON it keeps what it found
// before the error and gives no position for the rest. It never fails.
package jsonpos

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is the nesting below which values get no position: deeper text
// is not scanned (the schema parsers refuse such text long before).
const MaxDepth = 1000

// Pos is a 1-based line and column; the column counts characters (runes),
// not bytes.
type Pos struct{ Line, Col int }

// Index holds the positions of every value of one text.
type Index struct {
	text  string
	lines []int // byte offset of the start of each line
	value map[string]int
	key   map[string]int      // for object members: the offset of the name
	refs  map[string]string   // object pointer -> its "$ref" when it starts with "#", without the "#"
	names map[string][]string // object pointer -> its member names, in text order
}

// Scan indexes text.
func Scan(text string) *Index {
	ix := &Index{text: text, lines: []int{0}, value: map[string]int{}, key: map[string]int{}, refs: map[string]string{}, names: map[string][]string{}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			ix.lines = append(ix.lines, i+1)
		}
	}
	s := &scanner{text: text, ix: ix}
	s.value("", 0)
	return ix
}

// Value returns the position of the value at ptr ("" is the root).
func (ix *Index) Value(ptr string) (Pos, bool) {
	off, ok := ix.value[ptr]
	if !ok {
		return Pos{}, false
	}
	return ix.pos(off), true
}

// Member returns the position of the member name for an object member,
// and of the value otherwise (array elements, the root).
func (ix *Index) Member(ptr string) (Pos, bool) {
	if off, ok := ix.key[ptr]; ok {
		return ix.pos(off), true
	}
	return ix.Value(ptr)
}

// Has reports whether the text has a value at ptr.
func (ix *Index) Has(ptr string) bool {
	_, ok := ix.value[ptr]
	return ok
}

// Enclosing returns the position of the value at ptr or, when the text has
// none there, of the deepest value that encloses it; ok is false when not
// even the root was found.
func (ix *Index) Enclosing(ptr string) (Pos, bool) {
	for {
		if p, ok := ix.Value(ptr); ok {
			return p, true
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return Pos{}, false
		}
		ptr = ptr[:i]
	}
}

// Members returns the member names of the object at ptr in the order the
// text writes them (a name written twice, once). It shares its slice: do not
// modify it.
func (ix *Index) Members(ptr string) []string { return ix.names[ptr] }

// Ref returns the in-document "$ref" of the object at ptr: the JSON
// pointer after its "#".
func (ix *Index) Ref(ptr string) (string, bool) {
	r, ok := ix.refs[ptr]
	return r, ok
}

func (ix *Index) pos(off int) Pos {
	line := sort.Search(len(ix.lines), func(i int) bool { return ix.lines[i] > off }) - 1
	return Pos{Line: line + 1, Col: utf8.RuneCountInString(ix.text[ix.lines[line]:off]) + 1}
}

// Escape escapes one reference token of a JSON pointer.
func Escape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

type scanner struct {
	text string
	i    int
	ix   *Index
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

func (s *scanner) peek(c byte) bool { return s.i < len(s.text) && s.text[s.i] == c }

// value records ptr at the next value and skips it; false on bad text.
func (s *scanner) value(ptr string, depth int) bool {
	s.ws()
	if s.i >= len(s.text) || depth > MaxDepth {
		return false
	}
	s.ix.value[ptr] = s.i
	switch s.text[s.i] {
	case '{':
		if _, ok := s.ix.names[ptr]; !ok {
			s.ix.names[ptr] = []string{}
		}
		return s.object(ptr, depth)
	case '[':
		return s.array(ptr, depth)
	case '"':
		_, ok := s.str()
		return ok
	}
	start := s.i
	for s.i < len(s.text) && strings.IndexByte(",}] \t\r\n", s.text[s.i]) < 0 {
		s.i++
	}
	return s.i > start
}

func (s *scanner) object(ptr string, depth int) bool {
	s.i++
	s.ws()
	if s.peek('}') {
		s.i++
		return true
	}
	for {
		s.ws()
		keyAt := s.i
		k, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if !s.peek(':') {
			return false
		}
		s.i++
		child := ptr + "/" + Escape(k)
		if _, dup := s.ix.key[child]; !dup {
			s.ix.names[ptr] = append(s.ix.names[ptr], k)
		}
		s.ix.key[child] = keyAt
		if k == "$ref" {
			s.ws()
			save := s.i
			if v, ok := s.str(); ok && strings.HasPrefix(v, "#") {
				s.ix.refs[ptr] = v[1:]
			}
			s.i = save
		}
		if !s.value(child, depth+1) {
			return false
		}
		s.ws()
		switch {
		case s.peek(','):
			s.i++
		case s.peek('}'):
			s.i++
			return true
		default:
			return false
		}
	}
}

func (s *scanner) array(ptr string, depth int) bool {
	s.i++
	s.ws()
	if s.peek(']') {
		s.i++
		return true
	}
	for n := 0; ; n++ {
		if !s.value(ptr+"/"+strconv.Itoa(n), depth+1) {
			return false
		}
		s.ws()
		switch {
		case s.peek(','):
			s.i++
		case s.peek(']'):
			s.i++
			return true
		default:
			return false
		}
	}
}

// str reads the JSON string at s.i and returns its value.
func (s *scanner) str() (string, bool) {
	if !s.peek('"') {
		return "", false
	}
	start := s.i
	s.i++
	for s.i < len(s.text) {
		switch s.text[s.i] {
		case '\\':
			s.i += 2
		case '"':
			s.i++
			raw := s.text[start:s.i]
			if strings.IndexByte(raw, '\\') < 0 {
				return raw[1 : len(raw)-1], true
			}
			var v string
			err := json.Unmarshal([]byte(raw), &v)
			return v, err == nil
		default:
			s.i++
		}
	}
	s.i = len(s.text)
	return "", false
}

package jsonpos

import (
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	text := "{\n  \"type\": \"record\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": [\"null\", \"int\"]}\n  ],\n  \"é/~\": {\"$ref\": \"#/x\", \"n\": -1.5e3}\n}"
	ix := Scan(text)
	tests := []struct {
		name      string
		ptr       string
		get       func(string) (Pos, bool)
		line, col int
		ok        bool
	}{
		{name: "root", ptr: "", get: ix.Value, line: 1, col: 1, ok: true},
		{name: "array element", ptr: "/fields/0", get: ix.Value, line: 4, col: 5, ok: true},
		{name: "member value", ptr: "/fields/0/type", get: ix.Value, line: 4, col: 27, ok: true},
		{name: "member name", ptr: "/fields/0/type", get: ix.Member, line: 4, col: 19, ok: true},
		{name: "element as member", ptr: "/fields/0/type/1", get: ix.Member, line: 4, col: 36, ok: true},
		{name: "escaped key, columns in characters", ptr: "/é~1~0/n", get: ix.Value, line: 6, col: 31, ok: true},
		{name: "missing", ptr: "/fields/7", get: ix.Value},
		{name: "enclosing of missing", ptr: "/fields/0/type/1/items", get: ix.Enclosing, line: 4, col: 36, ok: true},
		{name: "enclosing falls back to the array", ptr: "/fields/7", get: ix.Enclosing, line: 3, col: 13, ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := tc.get(tc.ptr)
			if ok != tc.ok || p.Line != tc.line || p.Col != tc.col {
				t.Errorf("%q = %d:%d %v, want %d:%d %v", tc.ptr, p.Line, p.Col, ok, tc.line, tc.col, tc.ok)
			}
		})
	}
	if r, ok := ix.Ref("/é~1~0"); !ok || r != "/x" {
		t.Errorf("Ref = %q %v", r, ok)
	}
	if got := strings.Join(ix.Members(""), ","); got != "type,fields,é/~" {
		t.Errorf("Members = %s", got)
	}
	if _, ok := ix.Ref("/fields/0"); ok {
		t.Errorf("Ref of an object without $ref")
	}
}

func TestBadText(t *testing.T) {
	tests := []struct {
		name, text, has string
		hasNot          string
	}{
		{name: "stops at the error", text: `{"a":1,"b" 2,"c":3}`, has: "/a", hasNot: "/c"},
		{name: "unterminated string", text: `["x","y`, has: "/0", hasNot: "/2"},
		{name: "too deep", text: strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2), has: "", hasNot: "/0" + strings.Repeat("/0", MaxDepth)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := Scan(tc.text)
			if !ix.Has(tc.has) || ix.Has(tc.hasNot) {
				t.Errorf("Has(%q) = %v, Has(%q) = %v", tc.has, ix.Has(tc.has), tc.hasNot, ix.Has(tc.hasNot))
			}
		})
	}
}

// FuzzScan: the scanner ends, does not panic, and every position it gives
// lies inside the text.
func FuzzScan(f *testing.F) {
	f.Add(`{"type":"record","fields":[{"name":"a","type":"int"}]}`)
	f.Add(`{"a":1 x}`)
	f.Add(`["\`)
	f.Add("{\"\\u00e9\":\n[1,\"\\\"\"]}")
	f.Fuzz(func(t *testing.T, text string) {
		ix := Scan(text)
		lines := strings.Count(text, "\n") + 1
		for ptr := range ix.value {
			for _, get := range []func(string) (Pos, bool){ix.Value, ix.Member, ix.Enclosing} {
				p, ok := get(ptr)
				if !ok || p.Line < 1 || p.Line > lines || p.Col < 1 {
					t.Fatalf("%q: %v %v", ptr, p, ok)
				}
			}
		}
	})
}

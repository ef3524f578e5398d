package avrocompat

import "testing"

func TestLocate(t *testing.T) {
	text := "{\n  \"type\": \"record\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": [\"null\", \"int\"]}\n  ]\n}"
	p := scanPositions(text)
	tests := []struct {
		name      string
		ptr       string
		line, col int
	}{
		{name: "root", ptr: "", line: 1, col: 1},
		{name: "field", ptr: "/fields/0", line: 4, col: 5},
		{name: "field type", ptr: "/fields/0/type", line: 4, col: 27},
		{name: "union branch", ptr: "/fields/0/type/1", line: 4, col: 36},
		{name: "missing falls back to the deepest match", ptr: "/fields/0/type/1/items", line: 4, col: 36},
		{name: "missing field falls back to the array", ptr: "/fields/7", line: 3, col: 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, col := p.locate(tc.ptr)
			if line != tc.line || col != tc.col {
				t.Errorf("locate(%q) = %d:%d, want %d:%d", tc.ptr, line, col, tc.line, tc.col)
			}
		})
	}
}

// FuzzScanPositions checks that the scanner ends and does not panic on any
// text (hamba/avro accepts some text that is not JSON).
func FuzzScanPositions(f *testing.F) {
	f.Add(`{"type":"record","fields":[{"name":"a","type":"int"}]}`)
	f.Add(`{"a":1 x}`)
	f.Add(`["\`)
	f.Fuzz(func(t *testing.T, text string) {
		p := scanPositions(text)
		p.locate("/fields/0/type")
	})
}

package cli

import (
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func TestLocateIn(t *testing.T) {
	const avsc = "{\n  \"type\": \"record\",\n  \"name\": \"Money\",\n  \"fields\": [\n    {\"name\": \"cents\", \"type\": \"long\"}\n  ]\n}\n"
	const js = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"object\", \"properties\": {\n      \"b/c\": {\"type\": \"string\"}}}\n  }\n}\n"
	const proto = "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  int64 id = 1;\n  message Line { string sku = 1; }\n}\n"
	tests := []struct {
		name      string
		text      string
		format    serde.Format
		path      string
		line, col int
	}{
		{name: "avro field", text: avsc, format: serde.Avro, path: "shop.Money.cents", line: 5, col: 6},
		{name: "avro removed field: its record", text: avsc, format: serde.Avro, path: "shop.Money.gone", line: 3, col: 3},
		{name: "avro nothing", text: avsc, format: serde.Avro, path: "other.Thing", line: 0, col: 0},
		{name: "json nested, escaped", text: js, format: serde.JSON, path: "#/properties/a/properties/b~1c", line: 5, col: 7},
		{name: "json removed: parent", text: js, format: serde.JSON, path: "#/properties/a/properties/zz", line: 4, col: 5},
		{name: "proto field", text: proto, format: serde.Protobuf, path: "acme.Order.id", line: 4, col: 9},
		{name: "proto nested message field", text: proto, format: serde.Protobuf, path: "acme.Order.Line.sku", line: 5, col: 25},
		{name: "proto removed field: message", text: proto, format: serde.Protobuf, path: "acme.Order.gone", line: 3, col: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, c := locateIn(tt.text, tt.format, tt.path); l != tt.line || c != tt.col {
				t.Errorf("locateIn(%s) = %d:%d, want %d:%d", tt.path, l, c, tt.line, tt.col)
			}
		})
	}
}

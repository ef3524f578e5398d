package serde

import (
	"encoding/json"
	"fmt"
)

// JSONKind names the JSON kind of a value decoded with json.Decoder.UseNumber
// (null, boolean, number, string, array, object), for the reasons of
// violations found in JSON input; other values get their Go type.
func JSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

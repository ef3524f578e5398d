package jsoncompat

import (
	"context"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// FuzzCanReadJSON feeds arbitrary schema text pairs to CanRead: it must
// not panic, must answer or refuse with an error, must be reflexive for
// every schema it accepts, and its work is bounded by the limits (MaxSteps,
// MaxNodes, MaxDepth), not by the input.
func FuzzCanReadJSON(f *testing.F) {
	seeds := [][2]string{
		{`{"type":"string"}`, `{"type":["string","null"]}`},
		{`{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}`, `{"type":"object","properties":{"a":{"type":"number"},"b":{}}}`},
		{`{"oneOf":[{"$ref":"#/definitions/a"},{"type":"null"}],"definitions":{"a":{"type":"array","items":{"$ref":"#/definitions/a"}}}}`, `{"anyOf":[{"type":"array"},{"type":"null"}]}`},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"const":1}],"items":false,"unevaluatedProperties":false}`, `true`},
		{`{"not":{"enum":[1,2,{"a":[]}]}}`, `false`},
		{`{"allOf":[{"type":"string","enum":["x"]},{"maxLength":3,"pattern":"^x"}],"if":{},"then":{}}`, `{"$ref":"#"}`},
		{`{"type":"number","multipleOf":0.1,"exclusiveMinimum":0,"maximum":1e308}`, `{"type":"integer","multipleOf":3}`},
		{`{"dependencies":{"a":["b"],"c":{"required":["d"]}},"patternProperties":{"^x":{}}}`, `{"dependencies":{"a":["b","c"]}}`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, reader, writer string) {
		ctx := context.Background()
		_, err := CanRead(ctx, jsonSchema(reader), jsonSchema(writer), nil)
		if err != nil && !errors.Is(err, serde.ErrSchema) && !errors.Is(err, serde.ErrReference) && !errors.Is(err, serde.ErrLimit) {
			t.Fatalf("unexpected error class: %v", err)
		}
		for _, s := range []string{reader, writer} {
			// A leading space keeps the texts apart, so the schema is
			// really compared with itself.
			fs, err := CanRead(ctx, jsonSchema(" "+s), jsonSchema(s), nil)
			if err == nil && len(fs) > 0 {
				t.Fatalf("schema not compatible with itself: %s: %v", s, fs)
			}
		}
	})
}

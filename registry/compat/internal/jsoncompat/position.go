package jsoncompat

import (
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// positions maps diff paths of a schema text to 1-based line and column:
// of the member name for object members, of the value otherwise (see
// jsonschema.Document.Locate, which follows in-document $refs and skips
// the parts of a path the text lacks).
type positions struct{ doc *jsonschema.Document }

func scanPositions(text string) *positions {
	return &positions{doc: &jsonschema.Document{Schema: serde.Schema{Text: text}}}
}

func (p *positions) locate(path string) (int, int) { return p.doc.Locate(path) }

package jsonschema

import "github.com/schemagen/schemagen/serde"

// loadedDocs holds the documents of one compilation, decoded as the Model
// decodes them, by the URL the library loaded each from: the root under
// rootURL (and its base URI when its "$id" moves it), a listed reference
// under its name and the URL its name resolves to, a document loaded for a
// "$ref" under that "$ref"'s URL. The plan reads them (see buildPlan), so a
// "$ref" reaches the same text in the plan as in the library.
type loadedDocs map[string]*Document

func (o loadedDocs) add(docURL, text string) *Document {
	d, err := parseDocument(docURL, serde.Schema{Format: serde.JSON, Text: text}, config{})
	if err != nil {
		// The library refuses it too; the plan declines what it lacks.
		d = &Document{Name: docURL, Schema: serde.Schema{Format: serde.JSON, Text: text}}
	}
	o[docURL] = d
	return d
}

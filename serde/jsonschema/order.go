package jsonschema

import (
	"net/url"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// propertyOrders holds the documents of a compilation (as the Model reads
// them), by the URL the library loads each under, so the plan knows each
// "properties" object's keys in the order the text writes them. The plan
// checks keys in this order first: encoding/json writes a generated
// struct's fields in declaration order, which is the schema's order, so the
// next key is nearly always the expected one.
type propertyOrders map[string]*Document

func (o propertyOrders) add(docURL, text string) {
	d, err := parseDocument(docURL, serde.Schema{Format: serde.JSON, Text: text}, config{})
	if err != nil {
		// The library refuses it too; the plan declines what it lacks.
		d = &Document{Name: docURL, Schema: serde.Schema{Format: serde.JSON, Text: text}}
	}
	o[docURL] = d
}

// ordered returns names in the document's order when the orders know the
// properties object of the schema at loc (a library Location: the
// document's URL, "#", and a JSON pointer with URL path escaping), else
// nil.
func (o propertyOrders) ordered(loc string, names []string) []string {
	docURL, frag, _ := strings.Cut(loc, "#")
	doc, ok := o[docURL]
	if !ok {
		return nil
	}
	ptr, err := url.PathUnescape(frag)
	if err != nil {
		return nil
	}
	keys := doc.Keys(ptr + "/properties")
	if len(keys) != len(names) {
		return nil
	}
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	for _, n := range names {
		if !seen[n] {
			return nil
		}
	}
	return keys
}

package jsonschema

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// propertyOrders records, for each "properties" object in a schema
// document, its keys in the order the text writes them, keyed by the JSON
// pointer the library puts in a subschema's Location (tokens escaped with
// ~0, ~1 and URL path escaping). The plan checks keys in this order
// first: encoding/json writes a generated struct's fields in declaration
// order, which is the schema's order, so the next key is nearly always
// the expected one.
type propertyOrders map[string][]string

func (o propertyOrders) add(docURL, text string) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var walk func(ptr string, parentKey string) bool
	walk = func(ptr, parentKey string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		switch d {
		case '{':
			var keys []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := kt.(string)
				keys = append(keys, k)
				if !walk(ptr+"/"+escapeToken(k), k) {
					return false
				}
			}
			if parentKey == "properties" {
				o[docURL+"#"+ptr] = keys
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if !walk(ptr+"/"+strconv.Itoa(i), "") {
					return false
				}
			}
		}
		_, err = dec.Token() // the closing delimiter
		return err == nil
	}
	walk("", "")
}

func escapeToken(t string) string {
	t = strings.ReplaceAll(t, "~", "~0")
	t = strings.ReplaceAll(t, "/", "~1")
	return url.PathEscape(t)
}

// ordered returns names in the document's order when the orders know the
// properties object at loc, else nil.
func (o propertyOrders) ordered(loc string, names []string) []string {
	keys, ok := o[loc+"/properties"]
	if !ok || len(keys) != len(names) {
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

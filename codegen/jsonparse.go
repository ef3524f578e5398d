package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// jobj is a JSON object that keeps its keys in document order, so struct
// fields follow the schema's property order.
type jobj struct {
	keys []string
	m    map[string]any
}

func (o *jobj) get(k string) (any, bool) {
	v, ok := o.m[k]
	return v, ok
}

// parseOrdered decodes JSON text into *jobj, []any, string, json.Number,
// bool and nil.
func parseOrdered(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("trailing data after the schema")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &jobj{m: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.m[k]; !dup {
					o.keys = append(o.keys, k)
				}
				o.m[k] = v
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var a []any
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
	}
	return tok, nil
}

// pointerGet follows a JSON pointer fragment ("/$defs/Item") from root.
func pointerGet(root any, ptr string) (any, bool) {
	if ptr == "" || ptr == "/" && false {
		return root, true
	}
	cur := root
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		o, ok := cur.(*jobj)
		if !ok {
			return nil, false
		}
		if cur, ok = o.m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

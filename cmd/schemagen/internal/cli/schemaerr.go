package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// schemaError is a schema file that does not compile, with the position of
// the problem when one can be found. It wraps serde.ErrSchema or
// serde.ErrReference: the user's mistake (exit 2).
type schemaError struct {
	File      string
	Line, Col int
	Msg       string
	Err       error
}

func (e *schemaError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (e *schemaError) Unwrap() error { return e.Err }

var (
	// protocompile's "import/path.proto:12:3: message".
	protoPos = regexp.MustCompile(`([\w./-]+\.proto):(\d+):(\d+): `)
	// santhosh-tekuri's "'/properties/a/minimum' does not validate with ...".
	jsonPtr = regexp.MustCompile(`'(/[^']*)' does not validate`)
	// the project's resolver: a .proto import or $ref that names no file.
	missingRef = regexp.MustCompile(`reference "([^"]+)": no such file \(tried [^)]*\)`)
	// hamba/avro's "unknown type: shop.Money".
	avroUnknown = regexp.MustCompile(`unknown type: ([\w.]+)`)
)

// compileErr turns an error compiling f into a *schemaError that names the
// file, line and column, and for an Avro type that no file defines, says
// that the entry's references: lack it.
func (p *project) compileErr(f *file, err error) error {
	var se *schemaError
	if errors.As(err, &se) {
		return err
	}
	e := &schemaError{File: f.Path, Msg: err.Error(), Err: err}
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn) && syn.Offset > 0 && int(syn.Offset) <= len(f.Schema.Text):
		e.Line, e.Col = lineCol(f.Schema.Text, int(syn.Offset)-1)
		e.Msg = "invalid JSON: " + syn.Error()
	case protoPos.MatchString(e.Msg):
		m := protoPos.FindStringSubmatch(e.Msg)
		if o, ok := p.byName[m[1]]; ok {
			e.File = o.Path
		}
		e.Line, _ = strconv.Atoi(m[2])
		e.Col, _ = strconv.Atoi(m[3])
		e.Msg = e.Msg[strings.Index(e.Msg, m[0])+len(m[0]):]
	case jsonPtr.MatchString(e.Msg):
		if off, ok := pointerOffset(f.Schema.Text, jsonPtr.FindStringSubmatch(e.Msg)[1]); ok {
			e.Line, e.Col = lineCol(f.Schema.Text, off)
		}
	case f.Schema.Format == serde.Avro && avroUnknown.MatchString(e.Msg):
		name := avroUnknown.FindStringSubmatch(e.Msg)[1]
		short := name[strings.LastIndexByte(name, '.')+1:]
		for _, n := range []string{name, short} {
			if i := strings.Index(f.Schema.Text, strconv.Quote(n)); i >= 0 {
				e.Line, e.Col = lineCol(f.Schema.Text, i)
				break
			}
		}
		if _, ok := p.byName[name]; !ok {
			switch {
			case f.Entry == nil:
				e.Msg = fmt.Sprintf("unknown type %q: not a primitive type, not defined here, and no file in the config's references: defines it", name)
			case len(f.Entry.References) == 0:
				e.Msg = fmt.Sprintf("unknown type %q: not defined here, and the entry has no references: (add the .avsc file that defines it)", name)
			default:
				e.Msg = fmt.Sprintf("unknown type %q: not defined here nor in the entry's references: %s (add the .avsc file that defines it)", name, strings.Join(f.Entry.References, ", "))
			}
			e.Err = fmt.Errorf("%w: %w", serde.ErrReference, err)
		}
	case missingRef.MatchString(e.Msg):
		name := missingRef.FindStringSubmatch(e.Msg)[1]
		if i := strings.Index(f.Schema.Text, strconv.Quote(name)); i >= 0 {
			e.Line, e.Col = lineCol(f.Schema.Text, i)
		}
		e.Msg = missingRef.FindString(e.Msg)
	case (f.Schema.Format == serde.JSON || f.Schema.Format == serde.Avro) && !json.Valid([]byte(f.Schema.Text)):
		// The compiler dropped encoding/json's offset: find it again.
		var v any
		if errors.As(json.Unmarshal([]byte(f.Schema.Text), &v), &syn) && syn.Offset > 0 {
			e.Line, e.Col = lineCol(f.Schema.Text, int(syn.Offset)-1)
			e.Msg = "invalid JSON: " + syn.Error()
		}
	}
	return e
}

// pointerOffset is the byte offset in a JSON text of the key (or array
// element) a JSON pointer names.
func pointerOffset(text, ptr string) (int, bool) {
	var segs []string
	for _, s := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		segs = append(segs, strings.NewReplacer("~1", "/", "~0", "~").Replace(s))
	}
	if ptr == "" || ptr == "/" {
		return 0, true
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	off := 0
	for _, seg := range segs {
		t, err := dec.Token()
		if err != nil {
			return 0, false
		}
		switch t {
		case json.Delim('{'):
			found := false
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return 0, false
				}
				k, _ := kt.(string)
				if k == seg {
					off = int(dec.InputOffset()) - len(strconv.Quote(k))
					found = true
					break
				}
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return 0, false
				}
			}
			if !found {
				return 0, false
			}
		case json.Delim('['):
			n, err := strconv.Atoi(seg)
			if err != nil {
				return 0, false
			}
			for i := 0; i < n; i++ {
				var skip json.RawMessage
				if !dec.More() || dec.Decode(&skip) != nil {
					return 0, false
				}
			}
			if !dec.More() {
				return 0, false
			}
			off = int(dec.InputOffset())
			for off < len(text) && strings.ContainsRune(" \t\r\n,", rune(text[off])) {
				off++
			}
		default:
			return 0, false
		}
	}
	return off, true
}

package jsonschema

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	js "github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/schemagen/schemagen/serde"
)

// keywordSentinel maps a failing keyword to the sentinel naming its rule.
var keywordSentinel = map[string]error{
	"type":                  serde.ErrType,
	"required":              serde.ErrRequired,
	"enum":                  serde.ErrEnum,
	"const":                 serde.ErrEnum,
	"minimum":               serde.ErrRange,
	"maximum":               serde.ErrRange,
	"exclusiveMinimum":      serde.ErrRange,
	"exclusiveMaximum":      serde.ErrRange,
	"minLength":             serde.ErrRange,
	"maxLength":             serde.ErrRange,
	"minItems":              serde.ErrRange,
	"maxItems":              serde.ErrRange,
	"minProperties":         serde.ErrRange,
	"maxProperties":         serde.ErrRange,
	"multipleOf":            serde.ErrRange,
	"format":                serde.ErrFormat,
	"pattern":               serde.ErrFormat,
	"oneOf":                 serde.ErrUnion,
	"anyOf":                 serde.ErrUnion,
	"additionalProperties":  serde.ErrUnknownField,
	"unevaluatedProperties": serde.ErrUnknownField,
}

func sentinelFor(keyword string) error {
	if e, ok := keywordSentinel[keyword]; ok {
		return e
	}
	return serde.ErrConstraint
}

// libErrors turns the library's error tree into one *serde.ValidationError
// per violation: the leaves of the tree, except that a failed anyOf or
// oneOf (and not, and contains) is one violation at the value it judged,
// not the failures of each branch.
func libErrors(err error, doc any) error {
	if err == nil {
		return nil
	}
	var ve *js.ValidationError
	if !errors.As(err, &ve) {
		return &serde.ValidationError{Err: serde.ErrConstraint, Reason: err.Error()}
	}
	var out []*serde.ValidationError
	var walk func(*js.ValidationError)
	walk = func(e *js.ValidationError) {
		kw := lastSegment(e.KeywordLocation)
		leaf := len(e.Causes) == 0
		switch kw {
		case "anyOf", "oneOf", "not", "minContains", "maxContains", "contains":
			leaf = true
		}
		if !leaf {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path, val := pointerValue(e.InstanceLocation, doc)
		if e.Message == "not allowed" { // a false schema
			sentinel := serde.ErrConstraint
			if kw == "unevaluatedProperties" || kw == "additionalProperties" {
				sentinel = serde.ErrUnknownField
			}
			out = append(out, &serde.ValidationError{Path: path, Err: sentinel, Reason: "not allowed by the schema"})
			return
		}
		switch kw {
		case "required":
			if names, ok := quotedList(strings.TrimPrefix(e.Message, "missing properties: ")); ok {
				for _, n := range names {
					out = append(out, &serde.ValidationError{Path: joinKey(path, n), Err: serde.ErrRequired, Reason: "missing required property"})
				}
				return
			}
		case "additionalProperties":
			m := strings.TrimSuffix(strings.TrimPrefix(e.Message, "additionalProperties "), " not allowed")
			if names, ok := quotedList(m); ok {
				for _, n := range names {
					out = append(out, &serde.ValidationError{Path: joinKey(path, n), Err: serde.ErrUnknownField, Reason: "property not allowed by the schema"})
				}
				return
			}
		}
		out = append(out, &serde.ValidationError{Path: path, Err: sentinelFor(kw), Reason: libReason(kw, e.Message, val)})
	}
	walk(ve)
	// The library walks maps: sort for a stable report.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return joinViolations(out)
}

// libReason is the reason for the library's message about keyword kw.
// The library quotes the value at fault in some (format, the number
// bounds, multipleOf); those are rewritten in the plan's words, without
// the value: it may be a credential or personal data. The others name
// only schema facts (bounds, enum values, patterns, property names) and
// lengths, and pass.
func libReason(kw, msg string, val any) string {
	switch kw {
	case "format":
		// "%v is not valid %s": the value, then the quoted format name.
		const sep = " is not valid "
		fm := ""
		if i := strings.LastIndex(msg, sep); i >= 0 {
			fm = strings.Trim(msg[i+len(sep):], "'")
		}
		if fm == "" || strings.ContainsAny(fm, `'"\`) {
			fm = "format"
		}
		if s, ok := val.(string); ok {
			return fmt.Sprintf("not a valid %s (string of length %d)", fm, utf8.RuneCountInString(s))
		}
		return "not a valid " + fm
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		// "must be >= %v but found %v"
		if i := strings.Index(msg, " but found "); i >= 0 && strings.HasPrefix(msg, "must be ") {
			return msg[:i]
		}
		return "out of the range the schema's " + kw + " allows"
	case "multipleOf":
		// "%v not multipleOf %v"
		const sep = " not multipleOf "
		if i := strings.LastIndex(msg, sep); i >= 0 {
			return "not a multiple of " + msg[i+len(sep):]
		}
		return "not a multiple of the schema's multipleOf"
	}
	return msg
}

func lastSegment(ptr string) string {
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		return ptr[i+1:]
	}
	return ptr
}

// quotedList parses the library's list of quoted names: 'a', 'b\'c'.
// The library quotes with %q, then unescapes " and escapes '.
func quotedList(s string) ([]string, bool) {
	var names []string
	for {
		if len(s) == 0 || s[0] != '\'' {
			return nil, false
		}
		s = s[1:]
		var b strings.Builder
		b.WriteByte('"')
		closed := false
		for len(s) > 0 && !closed {
			c := s[0]
			switch {
			case c == '\\' && len(s) > 1:
				if s[1] == '\'' {
					b.WriteByte('\'')
				} else {
					b.WriteString(s[:2])
				}
				s = s[2:]
			case c == '"':
				b.WriteString(`\"`)
				s = s[1:]
			case c == '\'':
				closed = true
				s = s[1:]
			default:
				b.WriteByte(c)
				s = s[1:]
			}
		}
		if !closed {
			return nil, false
		}
		b.WriteByte('"')
		n, err := strconv.Unquote(b.String())
		if err != nil {
			return nil, false
		}
		names = append(names, n)
		if s == "" {
			return names, true
		}
		if !strings.HasPrefix(s, ", ") {
			return nil, false
		}
		s = s[2:]
	}
}

// pointerValue converts an instance JSON pointer to a field path, looking
// at the value to tell array indexes from object keys: /items/2/sku
// becomes items[2].sku. It returns the value there too (nil when the
// pointer leads nowhere).
func pointerValue(ptr string, doc any) (string, any) {
	if ptr == "" {
		return "", doc
	}
	var b []byte
	cur := doc
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		// The library escapes a token as ~0, ~1, then URL path escaping.
		if u, err := url.PathUnescape(seg); err == nil {
			seg = u
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case []any:
			i, err := strconv.Atoi(seg)
			if err == nil && i >= 0 {
				b = appendIndex(b, i)
				if i < len(c) {
					cur = c[i]
				} else {
					cur = nil
				}
				continue
			}
			b = appendKey(b, seg)
			cur = nil
		case map[string]any:
			b = appendKey(b, seg)
			cur = c[seg]
		default:
			b = appendKey(b, seg)
			cur = nil
		}
	}
	return string(b), cur
}

func joinKey(path, key string) string { return string(appendKey([]byte(path), key)) }

// appendKey appends .key, or ["key"] when key is not an identifier.
func appendKey(b []byte, key string) []byte {
	if isIdent(key) {
		if len(b) > 0 {
			b = append(b, '.')
		}
		return append(b, key...)
	}
	b = append(b, '[')
	b = strconv.AppendQuote(b, key)
	return append(b, ']')
}

func appendIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

package protobuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
)

// FromJSON parses one value in protobuf's canonical JSON mapping (protojson)
// into a dynamicpb message of the schema's type and validates it. Errors are
// *serde.ValidationError (several joined with errors.Join), each with the
// field path where the JSON goes wrong: an unknown field is
// serde.ErrUnknownField, an undeclared enum name serde.ErrEnum, a number out
// of its type's range serde.ErrRange, a bad base64 or UTF-8 string
// serde.ErrFormat, a JSON value of the wrong type serde.ErrType; text that is
// not JSON at all is serde.ErrDecode with an empty path.
func (s *Compiled) FromJSON(line []byte) (proto.Message, error) {
	if s.msg == nil {
		return nil, serde.Violation("", serde.ErrType, "schema %s declares no message", s.file.Path())
	}
	m := dynamicpb.NewMessage(s.msg)
	if err := s.unmarshalJSON(line, m); err != nil {
		return nil, s.locateJSON(line, err)
	}
	if err := s.Validate(m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Compiled) unmarshalJSON(b []byte, m proto.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("protojson: %v", r)
		}
	}()
	return protojson.UnmarshalOptions{Resolver: s.types, AllowPartial: true}.Unmarshal(b, m)
}

func reason(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "proto:")
	return strings.TrimSpace(strings.ReplaceAll(msg, "\u00a0", " "))
}

var (
	oneofSet  = regexp.MustCompile(`oneof ([\w.]+) is already set`)
	duplicate = regexp.MustCompile(`duplicate (field|map key)`)
)

// safeReason describes a protojson error the locator could not pin on
// one field. protojson's messages quote the offending token (a value,
// maybe a secret), so only schema-side facts are kept: the oneof's name,
// or that a field or key came twice.
func safeReason(err error) string {
	msg := reason(err)
	if m := oneofSet.FindStringSubmatch(msg); m != nil {
		return "more than one field of oneof " + m[1] + " is set"
	}
	if m := duplicate.FindStringSubmatch(msg); m != nil {
		return "duplicate " + m[1]
	}
	return "protojson refuses the value"
}

// locateJSON turns protojson's error into violations with field paths by
// retrying the parse one field at a time.
func (s *Compiled) locateJSON(line []byte, perr error) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		// encoding/json's syntax errors name at most one character of the
		// input; protojson's quote whole tokens.
		return serde.Violation("", serde.ErrDecode, "invalid JSON: %v", err)
	}
	l := locator{s: s}
	l.message(s.msg, v, "")
	if len(l.errs) == 0 {
		return serde.Violation("", serde.ErrDecode, "%s", safeReason(perr))
	}
	return joinViolations(l.errs)
}

func joinViolations(errs []*serde.ValidationError) error {
	if len(errs) == 1 {
		return errs[0]
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

type locator struct {
	s    *Compiled
	errs []*serde.ValidationError
}

func (l *locator) add(path string, sentinel error, format string, args ...any) {
	l.errs = append(l.errs, serde.Violation(path, sentinel, format, args...))
}

// fails reports protojson's error, if any, for raw as a message of md.
func (l *locator) fails(md protoreflect.MessageDescriptor, raw []byte) error {
	return l.s.unmarshalJSON(raw, dynamicpb.NewMessage(md))
}

func (l *locator) message(md protoreflect.MessageDescriptor, v any, path string) {
	raw, _ := json.Marshal(v)
	err := l.fails(md, raw)
	if err == nil {
		return
	}
	obj, ok := v.(map[string]any)
	if !ok || md.FullName().Parent() == "google.protobuf" {
		// Not an object, or a well-known type with its own JSON form: a
		// string in the wrong format for Timestamp, Duration or FieldMask
		// is a format error, anything else the wrong type.
		sentinel := serde.ErrType
		if _, isString := v.(string); isString {
			switch md.FullName() {
			case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask":
				sentinel = serde.ErrFormat
			}
		}
		l.add(path, sentinel, "invalid %s value (JSON %s)", md.FullName(), serde.JSONKind(v))
		return
	}
	before := len(l.errs)
	fields := md.Fields()
	for _, k := range sortedKeys(obj) {
		fv := obj[k]
		fd := fields.ByJSONName(k)
		if fd == nil {
			fd = fields.ByTextName(k)
		}
		if fd == nil {
			if strings.HasPrefix(k, "[") {
				continue // extension; judged with the whole object
			}
			l.add(join(path, protoreflect.Name(k)), serde.ErrUnknownField, "unknown field %q in %s", k, md.FullName())
			continue
		}
		l.field(md, fd, k, fv, join(path, fd.Name()))
	}
	if len(l.errs) == before {
		sentinel := serde.ErrDecode
		if strings.Contains(err.Error(), "oneof") || strings.Contains(err.Error(), "duplicate") {
			sentinel = serde.ErrConstraint
		}
		l.add(path, sentinel, "%s", safeReason(err))
	}
}

func (l *locator) field(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, key string, v any, path string) {
	if v == nil {
		return // null means unset (google.protobuf.Value is judged with the object)
	}
	switch {
	case fd.IsList():
		list, ok := v.([]any)
		if !ok {
			l.add(path, serde.ErrType, "expected a JSON array for repeated %s, got %s", fd.Kind(), serde.JSONKind(v))
			return
		}
		for i, e := range list {
			l.single(md, fd, key, e, path+"["+strconv.Itoa(i)+"]", func(x any) any { return []any{x} })
		}
	case fd.IsMap():
		obj, ok := v.(map[string]any)
		if !ok {
			l.add(path, serde.ErrType, "expected a JSON object for map, got %s", serde.JSONKind(v))
			return
		}
		for _, k := range sortedKeys(obj) {
			kp := path + "[" + strconv.Quote(k) + "]"
			if err := l.fails(md, mustJSON(map[string]any{key: map[string]any{k: zeroJSON(fd.MapValue())}})); err != nil {
				l.add(kp, classifyKey(fd.MapKey(), k), "invalid %s map key %q", fd.MapKey().Kind(), k)
				continue
			}
			l.single(md, fd.MapValue(), key, obj[k], kp, func(x any) any { return map[string]any{k: x} })
		}
	default:
		l.single(md, fd, key, v, path, func(x any) any { return x })
	}
}

// single judges one value of fd (an element, map value or singular value),
// wrapped back into its field by wrap.
func (l *locator) single(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, key string, v any, path string, wrap func(any) any) {
	if isMessage(fd) {
		if v == nil && fd.Message().FullName() != "google.protobuf.Value" {
			l.add(path, serde.ErrType, "null is not a %s", fd.Message().FullName())
			return
		}
		l.message(fd.Message(), v, path)
		return
	}
	err := l.fails(md, mustJSON(map[string]any{key: wrap(v)}))
	if err == nil {
		return
	}
	l.add(path, classify(fd, v), "invalid %s value (JSON %s)", kindName(fd), serde.JSONKind(v))
}

func kindName(fd protoreflect.FieldDescriptor) string {
	if fd.Kind() == protoreflect.EnumKind {
		return "enum " + string(fd.Enum().FullName())
	}
	return fd.Kind().String()
}

func classify(fd protoreflect.FieldDescriptor, v any) error {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if _, ok := v.(string); ok {
			return serde.ErrEnum
		}
		if isIntegral(v) {
			return serde.ErrRange
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if isIntegral(v) {
			return serde.ErrRange
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		if _, ok := numberOf(v); ok {
			return serde.ErrRange // a number protojson refused: beyond the type's range
		}
	case protoreflect.BytesKind:
		if _, ok := v.(string); ok {
			return serde.ErrFormat
		}
	case protoreflect.StringKind:
		if _, ok := v.(string); ok {
			return serde.ErrFormat
		}
	}
	return serde.ErrType
}

func classifyKey(fd protoreflect.FieldDescriptor, k string) error {
	if fd.Kind() != protoreflect.BoolKind && fd.Kind() != protoreflect.StringKind && isIntegral(json.Number(k)) {
		return serde.ErrRange
	}
	return serde.ErrType
}

// numberOf reads a JSON number, or a string holding one (protojson accepts
// both for 64-bit integers and floats).
// maxNumberChars is the longest JSON number the locator parses: a double
// needs at most 767 significant digits plus sign, point and exponent.
const maxNumberChars = 1100

func numberOf(v any) (*big.Float, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = x
	default:
		return nil, false
	}
	s = strings.TrimSpace(s)
	if len(s) > maxNumberChars {
		// big.ParseFloat is quadratic in the digits (1 MB of them cost
		// 2 GB); no number of a protobuf scalar needs this many, so it is
		// out of every range.
		return new(big.Float).SetInf(strings.HasPrefix(s, "-")), true
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	return f, true
}

func isIntegral(v any) bool {
	f, ok := numberOf(v)
	return ok && f.IsInt()
}

func zeroJSON(fd protoreflect.FieldDescriptor) any {
	switch fd.Kind() {
	case protoreflect.StringKind, protoreflect.BytesKind:
		return ""
	case protoreflect.BoolKind:
		return false
	case protoreflect.EnumKind:
		return 0
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return map[string]any{}
	}
	return 0
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(path string, name protoreflect.Name) string {
	if path == "" {
		return string(name)
	}
	return path + "." + string(name)
}

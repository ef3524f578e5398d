// Package protocompat decides whether a Protobuf reader schema can read data
// written with a writer schema, with Confluent Schema Registry's Protobuf
// rules: a diff of the writer's file (the original) against the reader's
// (the update) that lists typed differences, compatible exactly when every
// difference is one of the compatible types.
//
// The difference types and the algorithm follow Confluent's protobuf diff
// package as described in docs/COMPATIBILITY.md (Protobuf); no Confluent code is
// copied.
package protocompat

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagen/schemagen/registry/compat/internal/report"
	"github.com/schemagen/schemagen/serde"
	serdeproto "github.com/schemagen/schemagen/serde/protobuf"
)

// Difference types: Confluent's Difference.Type names, used as rule IDs.
const (
	PackageChanged                 = "PACKAGE_CHANGED"
	MessageAdded                   = "MESSAGE_ADDED"
	MessageRemoved                 = "MESSAGE_REMOVED"
	MessageMoved                   = "MESSAGE_MOVED"
	EnumAdded                      = "ENUM_ADDED"
	EnumRemoved                    = "ENUM_REMOVED"
	EnumConstAdded                 = "ENUM_CONST_ADDED"
	EnumConstRemoved               = "ENUM_CONST_REMOVED"
	EnumConstChanged               = "ENUM_CONST_CHANGED"
	FieldAdded                     = "FIELD_ADDED"
	FieldRemoved                   = "FIELD_REMOVED"
	RequiredFieldAdded             = "REQUIRED_FIELD_ADDED"
	RequiredFieldRemoved           = "REQUIRED_FIELD_REMOVED"
	FieldNameChanged               = "FIELD_NAME_CHANGED"
	FieldKindChanged               = "FIELD_KIND_CHANGED"
	FieldScalarKindChanged         = "FIELD_SCALAR_KIND_CHANGED"
	FieldNamedTypeChanged          = "FIELD_NAMED_TYPE_CHANGED"
	FieldNumericLabelChanged       = "FIELD_NUMERIC_LABEL_CHANGED"
	FieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
	OneofAdded                     = "ONEOF_ADDED"
	OneofRemoved                   = "ONEOF_REMOVED"
	OneofFieldAdded                = "ONEOF_FIELD_ADDED"
	OneofFieldRemoved              = "ONEOF_FIELD_REMOVED"
	OneofFieldMovedToTopLevel      = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
	MultipleFieldsMovedToOneof     = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	FieldMovedToExistingOneof      = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// Compatible is the set of difference types that keep a pair compatible.
var Compatible = map[string]bool{
	MessageAdded: true, MessageMoved: true, EnumAdded: true, EnumRemoved: true,
	EnumConstAdded: true, EnumConstChanged: true, EnumConstRemoved: true,
	FieldAdded: true, FieldRemoved: true, FieldNameChanged: true,
	FieldStringOrBytesLabelChanged: true, OneofAdded: true, OneofRemoved: true,
	OneofFieldAdded: true, OneofFieldMovedToTopLevel: true,
}

// Limits on one comparison, beyond serde/protobuf's limits on the text.
const (
	// MaxNesting bounds how deeply messages nest in one file.
	MaxNesting = 100
	// MaxSteps bounds how many messages, fields and enums one diff visits.
	MaxSteps = 1 << 20
)

// Difference is one change from the original (writer) to the update
// (reader). Finding.Rule is the difference type; Finding.Path is a
// dotted Protobuf name; Line and Col point into the update's source when the
// element is there. Where is Confluent's path ("#/Order/3").
type Difference struct {
	report.Finding
	Where string
}

// CanRead reports why a reader with schema reader cannot read data written
// with schema writer: the incompatible differences of the diff with the
// writer as the original and the reader as the update. Schema text that does
// not compile gives an error wrapping serde.ErrSchema.
func CanRead(ctx context.Context, reader, writer serde.Schema, r serde.Resolver) ([]report.Finding, error) {
	diffs, err := DiffSchemas(ctx, writer, reader, r)
	if err != nil {
		return nil, err
	}
	var out []report.Finding
	for _, d := range diffs {
		if !Compatible[d.Rule] {
			out = append(out, d.Finding)
		}
	}
	return out, nil
}

// DiffSchemas compiles both schemas and diffs them.
func DiffSchemas(ctx context.Context, original, update serde.Schema, r serde.Resolver) ([]Difference, error) {
	o, err := compile(ctx, original, r)
	if err != nil {
		return nil, fmt.Errorf("protobuf writer schema: %w", err)
	}
	u, err := compile(ctx, update, r)
	if err != nil {
		return nil, fmt.Errorf("protobuf reader schema: %w", err)
	}
	return Diff(o, u)
}

// recent remembers the last two files compiled: a FULL check compiles the
// same two schemas twice (once per direction), a transitive one keeps the
// new schema across versions, and each compile of a large file costs tens
// of megabytes.
var recent struct {
	sync.Mutex
	entries [2]compiledEntry
	next    int
}

type compiledEntry struct {
	text string
	refs []serde.Reference
	r    serde.Resolver
	fd   protoreflect.FileDescriptor
}

func (e *compiledEntry) matches(s serde.Schema, r serde.Resolver) bool {
	if e.fd == nil || e.text != s.Text || !slices.Equal(e.refs, s.References) {
		return false
	}
	// With imports, the same resolver must answer them: only when it is
	// comparable can that be known.
	return len(s.References) == 0 || comparableResolver(r) && comparableResolver(e.r) && any(r) == any(e.r)
}

func comparableResolver(r serde.Resolver) bool {
	return r == nil || reflect.TypeOf(r).Comparable()
}

func compile(ctx context.Context, s serde.Schema, r serde.Resolver) (fd protoreflect.FileDescriptor, err error) {
	recent.Lock()
	for i := range recent.entries {
		if e := &recent.entries[i]; e.matches(s, r) {
			fd = e.fd
			break
		}
	}
	recent.Unlock()
	if fd != nil {
		return fd, nil
	}
	fd, err = compileNew(ctx, s, r)
	if err == nil && (len(s.References) == 0 || comparableResolver(r)) {
		recent.Lock()
		recent.entries[recent.next] = compiledEntry{text: s.Text, refs: slices.Clone(s.References), r: r, fd: fd}
		recent.next = (recent.next + 1) % len(recent.entries)
		recent.Unlock()
	}
	return fd, err
}

func compileNew(ctx context.Context, s serde.Schema, r serde.Resolver) (fd protoreflect.FileDescriptor, err error) {
	if s.Format == "" {
		s.Format = serde.Protobuf
	}
	c, err := serdeproto.Compile(ctx, s, r)
	if err != nil && errors.Is(err, serde.ErrSchema) && strings.Contains(err.Error(), "declares no message") {
		// serde/protobuf wants a message to encode, but a file of enums
		// only (a shared dependency) is a schema too. Compile it with an
		// empty placeholder message appended (lines stay put), which the
		// diff skips.
		s.Text += "\nmessage " + placeholder + " {}\n"
		if c2, err2 := serdeproto.Compile(ctx, s, r); err2 == nil {
			return c2.File(), nil
		}
	}
	if err != nil {
		return nil, err
	}
	return c.File(), nil
}

// placeholder names the message compile appends to files without one.
const placeholder = "SchemagenCompatNoMessagePlaceholder"

// Diff lists every difference from original to update, compatible or not.
// It returns an error wrapping serde.ErrLimit when the files nest deeper
// than MaxNesting or the diff takes more than MaxSteps steps.
func Diff(original, update protoreflect.FileDescriptor) ([]Difference, error) {
	d := &differ{
		origFile: original.Path(),
		updFile:  update.Path(),
		update:   update,
		memo:     map[msgPair]bool{},
		onStack:  map[msgPair]bool{},
	}
	if original.Package() != update.Package() {
		d.add(PackageChanged, "#/", string(update.Package()), nil,
			"package changed from %q in the writer's schema to %q in the reader's", original.Package(), update.Package())
	}
	if d.err == nil && len(d.out) > 0 && d.out[0].Rule == PackageChanged {
		// Point at the reader's package statement (FileDescriptorProto field 2).
		if loc := update.SourceLocations().ByPath(protoreflect.SourcePath{2}); loc.Path != nil {
			d.out[0].Line, d.out[0].Col = loc.StartLine+1, loc.StartColumn+1
		}
	}
	d.types(original.Messages(), update.Messages(), original.Enums(), update.Enums(), nil, nil, "", 0)
	if d.err != nil {
		return nil, d.err
	}
	return d.out, nil
}

package registry

import (
	"fmt"
	"path"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// SubjectNameStrategy picks the subject a topic's keys or values are
// registered under. TopicName, RecordName and TopicRecordName are
// Confluent's three; any function of this type fits.
type SubjectNameStrategy func(topic string, role serde.Role, recordName string) (string, error)

// TopicName is the default strategy: "<topic>-key" or "<topic>-value".
func TopicName(topic string, role serde.Role, _ string) (string, error) {
	if topic == "" {
		return "", fmt.Errorf("registry: topic name strategy: %w: empty topic", ErrInvalidSubject)
	}
	return topic + "-" + role.String(), nil
}

// RecordName uses the record's fully qualified name (Avro full name,
// Protobuf message full name, JSON Schema title), so one topic can carry
// several record types.
func RecordName(_ string, _ serde.Role, recordName string) (string, error) {
	if recordName == "" {
		return "", fmt.Errorf("registry: record name strategy: %w: empty record name", ErrInvalidSubject)
	}
	return recordName, nil
}

// TopicRecordName is "<topic>-<record name>".
func TopicRecordName(topic string, _ serde.Role, recordName string) (string, error) {
	if topic == "" || recordName == "" {
		return "", fmt.Errorf("registry: topic record name strategy: %w: empty topic or record name", ErrInvalidSubject)
	}
	return topic + "-" + recordName, nil
}

// ReferenceSubjectStrategy picks the subject a referenced schema is
// registered under, from the name other schemas use for it (Avro full name,
// .proto import path, JSON Schema $ref).
type ReferenceSubjectStrategy func(name string) (string, error)

// DefaultReferenceSubject uses the reference name as the subject, as
// Confluent's DefaultReferenceSubjectNameStrategy does. A .proto import path
// like "acme/common/money.proto" becomes a subject with slashes, which this
// client escapes in request paths.
func DefaultReferenceSubject(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("registry: reference subject: %w: empty reference name", ErrInvalidSubject)
	}
	return name, nil
}

// QualifiedReferenceSubject derives a dotted subject from the name: the file
// extension (.proto, .avsc, .json) is dropped and path separators become
// dots, so "acme/common/money.proto" is registered as "acme.common.money"
// (Confluent's QualifiedReferenceSubjectNameStrategy). Names without a path,
// like the Avro full name "acme.Money", are kept.
func QualifiedReferenceSubject(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("registry: reference subject: %w: empty reference name", ErrInvalidSubject)
	}
	s := name
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimPrefix(s, "./")
	switch ext := path.Ext(s); ext {
	case ".proto", ".avsc", ".json":
		s = strings.TrimSuffix(s, ext)
	}
	s = strings.Trim(strings.ReplaceAll(s, "/", "."), ".")
	if err := checkSubject(s); err != nil {
		return "", fmt.Errorf("registry: reference subject for %q: %w", name, err)
	}
	return s, nil
}

package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/sr"

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

// maxAssociated bounds AssociatedName's cache of subject names, as
// Confluent's clients do: when full it is cleared.
const maxAssociated = 1000

// AssociatedName returns Confluent's AssociatedNameStrategy (the default of
// confluent-kafka-go 2.14 and later, and of Java): the subject is the one
// the registry associates with the topic, asked with
// GET /associations/resources/{namespace}/{topic}?resourceType=topic&associationType=key|value,
// the namespace being clusterID ("" for Confluent's wildcard "-"). When the
// registry answers 404 (no association, or a registry without the
// associations API) or with no association, the subject is TopicName's.
// Any other answer fails: an error from the registry, more than one
// association, or one without a subject. Answers are cached per topic and
// role for the client's life (up to 1000, then cleared), so a producer asks
// once. The strategy has no context: the request is bound by the client's
// HTTP timeout and retries.
func AssociatedName(c *Client, clusterID string) SubjectNameStrategy {
	ns := clusterID
	if ns == "" {
		ns = "-"
	}
	var (
		mu    sync.Mutex
		cache = map[string]string{}
	)
	return func(topic string, role serde.Role, _ string) (string, error) {
		if topic == "" {
			return "", fmt.Errorf("registry: associated name strategy: %w: empty topic", ErrInvalidSubject)
		}
		key := topic + "\x00" + role.String()
		mu.Lock()
		s, ok := cache[key]
		mu.Unlock()
		if ok {
			return s, nil
		}
		s, err := c.associatedSubject(context.Background(), ns, topic, role)
		if err != nil {
			return "", err
		}
		mu.Lock()
		if len(cache) >= maxAssociated {
			clear(cache)
		}
		cache[key] = s
		mu.Unlock()
		return s, nil
	}
}

// association is one entry of GET /associations/resources/... .
type association struct {
	Subject         string `json:"subject"`
	ResourceName    string `json:"resourceName"`
	AssociationType string `json:"associationType"`
}

func (c *Client) associatedSubject(ctx context.Context, ns, topic string, role serde.Role) (string, error) {
	op := fmt.Sprintf("get the %s subject associated with topic %q", role, topic)
	q := url.Values{"resourceType": {"topic"}, "associationType": {role.String()}}
	var got []association
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
		return cl.Do(sr.WithParams(ctx, sr.RawParams(q)), http.MethodGet,
			"/associations/resources/"+url.PathEscape(ns)+"/"+url.PathEscape(topic), nil, &got)
	})
	var re *ResponseError
	switch {
	case err == nil && len(got) == 0, errors.As(err, &re) && re.StatusCode == http.StatusNotFound:
		return TopicName(topic, role, "")
	case err != nil:
		return "", err
	case len(got) > 1:
		return "", c.fail(op, fmt.Errorf("%w: %d subjects are associated with the topic", ErrInvalidSubject, len(got)))
	}
	if err := checkSubject(got[0].Subject); err != nil {
		return "", c.fail(op, fmt.Errorf("%w: association without a usable subject", ErrMalformedResponse))
	}
	return got[0].Subject, nil
}

package serde

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
)

// Framing picks where a serialized record says which schema wrote it.
type Framing uint8

// The framings.
const (
	// FramePrefix writes magic byte 0 and the 4-byte schema ID before the
	// payload: Confluent's classic wire format, the default.
	FramePrefix Framing = iota
	// FrameGUIDPrefix writes magic byte 1 and the schema's 16-byte GUID.
	FrameGUIDPrefix
	// FrameHeader leaves the payload bare and carries the GUID form in the
	// __value_schema_id or __key_schema_id record header; for Protobuf the
	// message indexes follow the GUID in the header, as Confluent's
	// clients write them.
	FrameHeader
)

// String returns prefix, guid or header.
func (f Framing) String() string {
	switch f {
	case FramePrefix:
		return "prefix"
	case FrameGUIDPrefix:
		return "guid"
	case FrameHeader:
		return "header"
	}
	return fmt.Sprintf("framing(%d)", uint8(f))
}

// ParseFraming parses prefix, guid or header.
func ParseFraming(s string) (Framing, error) {
	switch s {
	case "", "prefix":
		return FramePrefix, nil
	case "guid":
		return FrameGUIDPrefix, nil
	case "header":
		return FrameHeader, nil
	}
	return 0, fmt.Errorf("serde: unknown framing %q (want prefix, guid or header)", s)
}

// SerializerConfig binds a compiled schema to where its records go.
type SerializerConfig struct {
	Topic   string
	Subject string
	// ID is the registry's schema ID, written by FramePrefix.
	ID int
	// GUID is the schema's GUID, written by FrameGUIDPrefix and FrameHeader.
	GUID    [16]byte
	Role    Role
	Framing Framing
	// Contract, when set, checks every value that passed the types
	// against the schema's data-contract rules (see serde/contract).
	Contract Contract
}

// Serializer validates, encodes and frames values for one subject. All of
// its state is fixed at construction: serializing makes no registry call and
// takes no lock, and it is safe for concurrent use.
type Serializer struct {
	c       Compiled
	cfg     SerializerConfig
	indexes []byte // precomputed Protobuf message-index bytes, nil otherwise
	header  Header
	fp      string // Fingerprint(c): generated encoders are used only for it
}

// NewSerializer binds c to cfg. For a Protobuf schema (one that implements
// Indexed) the message-index path is computed here, once.
func NewSerializer(c Compiled, cfg SerializerConfig) (*Serializer, error) {
	if c == nil {
		return nil, errors.New("serde: nil compiled schema")
	}
	switch cfg.Framing {
	case FramePrefix:
		// Registry IDs are signed 32-bit: a larger ID would be framed as
		// another schema's.
		if cfg.ID <= 0 || cfg.ID > math.MaxInt32 {
			return nil, fmt.Errorf("serde: prefix framing needs a positive 32-bit schema ID, got %d", cfg.ID)
		}
	case FrameGUIDPrefix, FrameHeader:
		if cfg.GUID == ([16]byte{}) {
			return nil, fmt.Errorf("serde: %s framing needs a schema GUID", cfg.Framing)
		}
	default:
		return nil, fmt.Errorf("serde: unknown framing %d", cfg.Framing)
	}
	s := &Serializer{c: c, cfg: cfg, fp: Fingerprint(c)}
	if ix, ok := c.(Indexed); ok {
		s.indexes = AppendIndexes(nil, ix.MessageIndexes())
	}
	if cfg.Framing == FrameHeader {
		// The header carries the GUID and the message indexes; the
		// payload is the bare encoding.
		s.header = Header{Key: cfg.Role.HeaderKey(), Value: append(AppendGUIDPrefix(nil, cfg.GUID), s.indexes...)}
		s.indexes = nil
	}
	return s, nil
}

// AppendSerialize validates and encodes v and appends the framed record to
// dst. On error dst is returned unchanged and the error's
// *ValidationErrors carry the topic, subject and schema ID.
func (s *Serializer) AppendSerialize(dst []byte, v any) ([]byte, error) {
	start := len(dst)
	switch s.cfg.Framing {
	case FramePrefix:
		dst = AppendPrefix(dst, s.cfg.ID)
	case FrameGUIDPrefix:
		dst = AppendGUIDPrefix(dst, s.cfg.GUID)
	}
	dst = append(dst, s.indexes...)
	var out []byte
	var err error
	// A type generated from this schema encodes itself.
	if a, ok := v.(AvroAppender); ok && a.SchemaFingerprint() == s.fp {
		out, err = a.AppendAvro(dst)
	} else if a, ok := v.(ProtoAppender); ok && a.SchemaFingerprint() == s.fp {
		out, err = a.AppendProto(dst)
	} else if a, ok := v.(JSONAppender); ok && a.SchemaFingerprint() == s.fp {
		out, err = a.AppendJSON(dst)
	} else {
		out, err = s.c.AppendEncode(dst, v)
	}
	if err == nil && s.cfg.Contract != nil {
		err = s.cfg.Contract.Check(v, out[len(dst):])
	}
	if err != nil {
		return dst[:start], Annotate(err, s.cfg.Topic, s.cfg.Subject, s.cfg.ID)
	}
	return out, nil
}

// Validate checks v without framing it; errors are annotated like
// AppendSerialize's. With a Contract, v is encoded too, for the rules.
func (s *Serializer) Validate(v any) error {
	err := s.c.Validate(v)
	if err == nil && s.cfg.Contract != nil {
		var payload []byte
		if payload, err = s.c.AppendEncode(nil, v); err == nil {
			err = s.cfg.Contract.Check(v, payload)
		}
	}
	return Annotate(err, s.cfg.Topic, s.cfg.Subject, s.cfg.ID)
}

// Header returns the record header to attach when the framing is
// FrameHeader. The header value is shared: do not modify it.
func (s *Serializer) Header() (Header, bool) {
	return s.header, s.cfg.Framing == FrameHeader
}

// SchemaID returns the bound schema ID.
func (s *Serializer) SchemaID() int { return s.cfg.ID }

// Subject returns the bound subject.
func (s *Serializer) Subject() string { return s.cfg.Subject }

// Topic returns the bound topic.
func (s *Serializer) Topic() string { return s.cfg.Topic }

// Role returns whether this serializer writes keys or values.
func (s *Serializer) Role() Role { return s.cfg.Role }

// Framing returns the bound framing.
func (s *Serializer) Framing() Framing { return s.cfg.Framing }

// Contract returns the bound data contract, nil when there is none.
func (s *Serializer) Contract() Contract { return s.cfg.Contract }

// Compiled returns the compiled schema.
func (s *Serializer) Compiled() Compiled { return s.c }

// Fingerprint returns the hex SHA-256 of what fixes c's encoding: its
// canonical text and, when c implements FingerprintTexter (every format
// package's schema does), the canonical text of every reference it resolved,
// transitively, and for Protobuf the full name of the message it encodes.
// It is equal for the same schema however it was written, and differs when
// only a referenced schema changed: a generated type built against one
// version of a reference is not taken for another's.
func Fingerprint(c Compiled) string {
	text := c.Canonical()
	if ft, ok := c.(FingerprintTexter); ok {
		text = ft.FingerprintText()
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// FingerprintTexter is implemented by compiled schemas whose canonical text
// alone does not fix their encoding (it names references without their
// content, or a Protobuf file without the message): FingerprintText returns
// the text Fingerprint hashes in place of Canonical. It starts with the
// canonical text and adds the resolved references' canonical texts and, for
// Protobuf, the message name.
type FingerprintTexter interface {
	FingerprintText() string
}

// Deserializer decodes framed records whose schema it looks up by frame,
// through a caller-supplied lookup (the registry client, or a map in tests).
// The lookup is called once per schema ID and its answer is kept by the
// caller's cache, not here.
type Deserializer struct {
	Role Role
	// Lookup returns the compiled schema a frame names.
	Lookup func(f Frame) (Compiled, error)
}

// Decode reads the frame (headers first, else the prefix), looks the schema
// up, and decodes the payload into v.
func (d *Deserializer) Decode(b []byte, headers []Header, v any) (Frame, error) {
	// Read the schema reference first to learn whether this is Protobuf:
	// the frame itself does not say, the schema does.
	f, payload, hdrRest, fromHeader, err := readFrame(b, headers, d.Role)
	if err != nil {
		return Frame{}, err
	}
	c, err := d.Lookup(f)
	if err != nil {
		return f, err
	}
	if c.Format() == Protobuf {
		src := &payload
		if fromHeader {
			src = &hdrRest
		}
		if f.Indexes, *src, err = ParseIndexes(*src); err != nil {
			return f, err
		}
		if ix, ok := c.(Indexed); ok && !equalInts(ix.MessageIndexes(), f.Indexes) {
			return f, fmt.Errorf("%w: message indexes %v, schema has %v", ErrSchemaMismatch, f.Indexes, ix.MessageIndexes())
		}
	}
	if fromHeader && len(hdrRest) != 0 {
		return f, fmt.Errorf("header %s: %w: %d trailing bytes", d.Role.HeaderKey(), ErrTruncated, len(hdrRest))
	}
	if err := c.Decode(payload, v); err != nil {
		return f, err
	}
	return f, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package serde

import (
	"encoding/binary"
	"fmt"
)

// Magic bytes of the two prefix framings.
const (
	// MagicID starts a frame carrying a 4-byte big-endian schema ID.
	MagicID byte = 0
	// MagicGUID starts a frame carrying a 16-byte schema GUID.
	MagicGUID byte = 1
)

// Record header keys that carry a schema GUID (magic byte 1 then 16 bytes)
// when the payload itself is bare.
const (
	HeaderValueSchemaID = "__value_schema_id"
	HeaderKeySchemaID   = "__key_schema_id"
)

// maxIndexes bounds the message-index path read from untrusted input. No
// real .proto nests messages this deep.
const maxIndexes = 128

// Role says whether a serializer writes record keys or record values.
type Role uint8

// The two roles.
const (
	Value Role = iota
	Key
)

// String returns "key" or "value".
func (r Role) String() string {
	if r == Key {
		return "key"
	}
	return "value"
}

// HeaderKey returns the record header that carries this role's schema GUID.
func (r Role) HeaderKey() string {
	if r == Key {
		return HeaderKeySchemaID
	}
	return HeaderValueSchemaID
}

// Header is a record header, the same shape as kgo.RecordHeader, so serde
// need not import kgo.
type Header struct {
	Key   string
	Value []byte
}

// Frame is what a wire-format frame says about its payload's schema.
type Frame struct {
	// ID is the registry's schema ID (magic byte 0). Zero when HasGUID.
	ID int
	// GUID is the schema GUID (magic byte 1, or a header).
	GUID    [16]byte
	HasGUID bool
	// Indexes is the Protobuf message-index path; nil for other formats.
	Indexes []int
}

// AppendPrefix appends magic byte 0 and id as 4 big-endian bytes.
func AppendPrefix(dst []byte, id int) []byte {
	return append(dst, MagicID, byte(uint32(id)>>24), byte(uint32(id)>>16), byte(uint32(id)>>8), byte(uint32(id)))
}

// AppendGUIDPrefix appends magic byte 1 and the 16-byte GUID.
func AppendGUIDPrefix(dst []byte, guid [16]byte) []byte {
	dst = append(dst, MagicGUID)
	return append(dst, guid[:]...)
}

// AppendIndexes appends a Protobuf message-index path: the count as a
// zigzag varint, then each index as a zigzag varint. The path [0], the first
// message of a file and by far the most common, is written as the single
// byte 0 (a count of zero), as Confluent's serializers do.
func AppendIndexes(dst []byte, idx []int) []byte {
	if len(idx) == 1 && idx[0] == 0 {
		return append(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(len(idx)))
	for _, i := range idx {
		dst = binary.AppendVarint(dst, int64(i))
	}
	return dst
}

// ParseIndexes reads a message-index path from the front of b and returns it
// with the rest of b. A count of zero means the path [0].
func ParseIndexes(b []byte) (idx []int, rest []byte, err error) {
	n, used := binary.Varint(b)
	if err := varintErr(used); err != nil {
		return nil, b, err
	}
	b = b[used:]
	switch {
	case n < 0:
		return nil, b, fmt.Errorf("%w: %d", ErrNegativeCount, n)
	case n == 0:
		return []int{0}, b, nil
	case n > maxIndexes:
		return nil, b, fmt.Errorf("%w: %d indexes", ErrTooManyIndexes, n)
	}
	idx = make([]int, n)
	for i := range idx {
		v, used := binary.Varint(b)
		if err := varintErr(used); err != nil {
			return nil, b, err
		}
		if v < 0 {
			return nil, b, fmt.Errorf("%w: %d at position %d", ErrNegativeIndex, v, i)
		}
		if v > 1<<31-1 {
			return nil, b, fmt.Errorf("%w: index %d", ErrIndexOverflow, v)
		}
		idx[i] = int(v)
		b = b[used:]
	}
	return idx, b, nil
}

func varintErr(used int) error {
	switch {
	case used == 0:
		return fmt.Errorf("%w: message-index varint", ErrTruncated)
	case used < 0:
		return ErrIndexOverflow
	}
	return nil
}

// ParseFrame reads a prefix frame (magic byte 0 with a schema ID, or magic
// byte 1 with a GUID) and returns it with the rest of b. It does not read
// Protobuf message indexes: ParseIndexes does, or ReadFrame with protobuf set.
func ParseFrame(b []byte) (Frame, []byte, error) {
	if len(b) == 0 {
		return Frame{}, nil, fmt.Errorf("%w: empty payload", ErrTruncated)
	}
	switch b[0] {
	case MagicID:
		if len(b) < 5 {
			return Frame{}, nil, fmt.Errorf("%w: %d bytes, need 5 for magic byte and schema ID", ErrTruncated, len(b))
		}
		return Frame{ID: int(binary.BigEndian.Uint32(b[1:5]))}, b[5:], nil
	case MagicGUID:
		if len(b) < 17 {
			return Frame{}, nil, fmt.Errorf("%w: %d bytes, need 17 for magic byte and GUID", ErrTruncated, len(b))
		}
		var f Frame
		copy(f.GUID[:], b[1:17])
		f.HasGUID = true
		return f, b[17:], nil
	}
	return Frame{}, nil, fmt.Errorf("%w: 0x%02x", ErrUnknownMagic, b[0])
}

// ReadFrame is the dual reader: when headers carry the role's schema header
// (__value_schema_id or __key_schema_id) it takes the schema from there and
// the payload is bare; otherwise it reads the prefix frame. With protobuf
// set it also reads the message-index path, which follows the GUID inside
// the header with header framing (as Confluent's clients write it) and
// follows the prefix in the payload otherwise.
func ReadFrame(b []byte, headers []Header, role Role, protobuf bool) (Frame, []byte, error) {
	f, payload, hdrRest, fromHeader, err := readFrame(b, headers, role)
	if err != nil {
		return Frame{}, nil, err
	}
	if fromHeader {
		if protobuf {
			if f.Indexes, hdrRest, err = ParseIndexes(hdrRest); err != nil {
				return Frame{}, nil, fmt.Errorf("header %s: %w", role.HeaderKey(), err)
			}
		}
		if len(hdrRest) != 0 {
			return Frame{}, nil, fmt.Errorf("header %s: %w: %d trailing bytes", role.HeaderKey(), ErrTruncated, len(hdrRest))
		}
		return f, payload, nil
	}
	if protobuf {
		if f.Indexes, payload, err = ParseIndexes(payload); err != nil {
			return Frame{}, nil, err
		}
	}
	return f, payload, nil
}

// readFrame finds the schema reference of a record: in the role's header
// (the last one wins, as in Kafka), returning what follows the GUID there,
// or in the payload's prefix.
func readFrame(b []byte, headers []Header, role Role) (f Frame, payload, hdrRest []byte, fromHeader bool, err error) {
	key := role.HeaderKey()
	for i := len(headers) - 1; i >= 0; i-- {
		if headers[i].Key != key {
			continue
		}
		f, hdrRest, err = ParseFrame(headers[i].Value)
		if err != nil {
			return Frame{}, nil, nil, false, fmt.Errorf("header %s: %w", key, err)
		}
		return f, b, hdrRest, true, nil
	}
	f, payload, err = ParseFrame(b)
	return f, payload, nil, false, err
}

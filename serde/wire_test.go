package serde

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Byte vectors restated from confluent-kafka-go's serde tests (TestID,
// TestGUID, TestIdWithMessageIndexes, TestGUIDWithMessageIndex); see
// testdata/message-index.md.
const guidHex = "89 79 17 62 23 36 41 86 96 74 29 9b 90 a8 02 e2"

func TestFrameVectors(t *testing.T) {
	var guid [16]byte
	copy(guid[:], unhex(t, guidHex))
	tests := []struct {
		name     string
		in       string
		protobuf bool
		want     Frame
	}{
		{name: "id", in: "00 00 00 00 01", want: Frame{ID: 1}},
		{name: "guid", in: "01 " + guidHex, want: Frame{GUID: guid, HasGUID: true}},
		{name: "id with indexes", in: "00 00 00 00 01 06 02 04 06", protobuf: true, want: Frame{ID: 1, Indexes: []int{1, 2, 3}}},
		{name: "guid with indexes", in: "01 " + guidHex + " 06 02 04 06", protobuf: true, want: Frame{GUID: guid, HasGUID: true, Indexes: []int{1, 2, 3}}},
		{name: "first message shorthand", in: "00 00 00 01 00 00", protobuf: true, want: Frame{ID: 256, Indexes: []int{0}}},
		{name: "max id", in: "00 7f ff ff ff", want: Frame{ID: 1<<31 - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unhex(t, tt.in)
			f, rest, err := ReadFrame(in, nil, Value, tt.protobuf)
			if err != nil {
				t.Fatal(err)
			}
			if len(rest) != 0 {
				t.Fatalf("rest = %x, want empty", rest)
			}
			if f.ID != tt.want.ID || f.GUID != tt.want.GUID || f.HasGUID != tt.want.HasGUID || !equalInts(f.Indexes, tt.want.Indexes) {
				t.Fatalf("frame = %+v, want %+v", f, tt.want)
			}
			// Re-encoding gives the input back.
			var out []byte
			if f.HasGUID {
				out = AppendGUIDPrefix(nil, f.GUID)
			} else {
				out = AppendPrefix(nil, f.ID)
			}
			if tt.protobuf {
				out = AppendIndexes(out, f.Indexes)
			}
			if !bytes.Equal(out, in) {
				t.Fatalf("re-encoded %x, want %x", out, in)
			}
		})
	}
}

func TestParseIndexesVectors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []int
		consumed int
		err      error
	}{
		{name: "zero count is [0]", in: "00 0a 05 68 65 6c 6c 6f", want: []int{0}, consumed: 1},
		{name: "three", in: "06 02 04 06", want: []int{1, 2, 3}, consumed: 4},
		{name: "negative count", in: "09 00", err: ErrNegativeCount},
		{name: "negative index", in: "0a 05 68", err: ErrNegativeIndex},
		{name: "empty", in: "", err: ErrTruncated},
		{name: "count without indexes", in: "04 02", err: ErrTruncated},
		{name: "unterminated varint", in: "80", err: ErrTruncated},
		{name: "overlong varint", in: "ff ff ff ff ff ff ff ff ff ff 01", err: ErrIndexOverflow},
		{name: "too many", in: "82 04", err: ErrTooManyIndexes},
		{name: "index above int32", in: "02 80 80 80 80 10", err: ErrIndexOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unhex(t, tt.in)
			got, rest, err := ParseIndexes(in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(got, tt.want) || len(in)-len(rest) != tt.consumed {
				t.Fatalf("got %v consuming %d, want %v consuming %d", got, len(in)-len(rest), tt.want, tt.consumed)
			}
		})
	}
}

func TestAppendIndexes(t *testing.T) {
	tests := []struct {
		name string
		in   []int
		want string
	}{
		{name: "first message is one byte", in: []int{0}, want: "00"},
		{name: "second message", in: []int{1}, want: "02 02"},
		{name: "nested", in: []int{0, 1}, want: "04 00 02"},
		{name: "three", in: []int{1, 2, 3}, want: "06 02 04 06"},
		{name: "large index", in: []int{300}, want: "02 d8 04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendIndexes([]byte{0xee}, tt.in)
			if want := append([]byte{0xee}, unhex(t, tt.want)...); !bytes.Equal(got, want) {
				t.Fatalf("got %x, want %x", got, want)
			}
			back, rest, err := ParseIndexes(got[1:])
			if err != nil || len(rest) != 0 || !equalInts(back, tt.in) {
				t.Fatalf("round trip = %v, %x, %v", back, rest, err)
			}
		})
	}
}

func TestParseFrameErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{name: "empty", in: "", err: ErrTruncated},
		{name: "magic only", in: "00", err: ErrTruncated},
		{name: "short id", in: "00 00 00 01", err: ErrTruncated},
		{name: "short guid", in: "01 " + guidHex[:20], err: ErrTruncated},
		{name: "unknown magic", in: "02 00 00 00 01", err: ErrUnknownMagic},
		{name: "json text", in: "7b 7d", err: ErrUnknownMagic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseFrame(unhex(t, tt.in))
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
	// The sentinels are distinct from one another.
	all := []error{ErrTruncated, ErrUnknownMagic, ErrNegativeCount, ErrNegativeIndex, ErrIndexOverflow, ErrTooManyIndexes}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Fatalf("%v is %v", a, b)
			}
		}
	}
}

func TestReadFrameHeader(t *testing.T) {
	var guid [16]byte
	copy(guid[:], unhex(t, guidHex))
	hv := AppendGUIDPrefix(nil, guid)
	payload := []byte("bare payload")
	tests := []struct {
		name     string
		in       []byte
		headers  []Header
		role     Role
		protobuf bool
		want     Frame
		rest     []byte
		err      error
	}{
		{name: "value header", in: payload, headers: []Header{{Key: "other", Value: []byte("x")}, {Key: HeaderValueSchemaID, Value: hv}}, want: Frame{GUID: guid, HasGUID: true}, rest: payload},
		{name: "key header", in: payload, headers: []Header{{Key: HeaderKeySchemaID, Value: hv}}, role: Key, want: Frame{GUID: guid, HasGUID: true}, rest: payload},
		{name: "key header ignored for value", in: AppendPrefix(nil, 7), headers: []Header{{Key: HeaderKeySchemaID, Value: hv}}, want: Frame{ID: 7}, rest: []byte{}},
		{name: "no header falls back to prefix", in: append(AppendPrefix(nil, 9), payload...), want: Frame{ID: 9}, rest: payload},
		{name: "id form in header", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: AppendPrefix(nil, 3)}}, want: Frame{ID: 3}, rest: payload},
		{name: "truncated header", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: hv[:5]}}, err: ErrTruncated},
		{name: "bad magic in header", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: []byte{9}}}, err: ErrUnknownMagic},
		{name: "trailing bytes in header", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: append(AppendPrefix(nil, 3), 0)}}, err: ErrTruncated},
		// Protobuf: the indexes follow the GUID in the header (the bytes of
		// confluent-kafka-go's TestGUIDWithMessageIndex, carried in a
		// header), and the payload is bare.
		{name: "protobuf indexes in header", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: unhex(t, "01 "+guidHex+" 06 02 04 06")}}, protobuf: true, want: Frame{GUID: guid, HasGUID: true, Indexes: []int{1, 2, 3}}, rest: payload},
		{name: "protobuf first message in header", in: payload, headers: []Header{{Key: HeaderKeySchemaID, Value: append(hv, 0)}}, role: Key, protobuf: true, want: Frame{GUID: guid, HasGUID: true, Indexes: []int{0}}, rest: payload},
		{name: "protobuf header without indexes", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: hv}}, protobuf: true, err: ErrTruncated},
		{name: "protobuf header trailing bytes", in: payload, headers: []Header{{Key: HeaderValueSchemaID, Value: append(hv, 0, 9)}}, protobuf: true, err: ErrTruncated},
		{name: "protobuf prefix indexes in payload", in: append(AppendPrefix(nil, 9), 2, 2, 'x'), protobuf: true, want: Frame{ID: 9, Indexes: []int{1}}, rest: []byte("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, rest, err := ReadFrame(tt.in, tt.headers, tt.role, tt.protobuf)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.ID != tt.want.ID || f.GUID != tt.want.GUID || f.HasGUID != tt.want.HasGUID || !equalInts(f.Indexes, tt.want.Indexes) || !bytes.Equal(rest, tt.rest) {
				t.Fatalf("got %+v %q, want %+v %q", f, rest, tt.want, tt.rest)
			}
		})
	}
}

func BenchmarkFrame(b *testing.B) {
	buf := make([]byte, 0, 64)
	payload := make([]byte, 32)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendPrefix(buf[:0], 42)
		buf = append(buf, payload...)
		if _, _, err := ParseFrame(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1}, false, []byte(nil))
	f.Add([]byte{0, 0, 0, 0, 1, 6, 2, 4, 6}, true, []byte(nil))
	f.Add([]byte("payload"), false, AppendGUIDPrefix(nil, [16]byte{1}))
	f.Add([]byte{0, 0, 0, 0, 1, 9, 0}, true, []byte(nil))
	f.Fuzz(func(t *testing.T, in []byte, protobuf bool, header []byte) {
		var hs []Header
		if header != nil {
			hs = []Header{{Key: HeaderValueSchemaID, Value: header}}
		}
		fr, rest, err := ReadFrame(in, hs, Value, protobuf)
		if err != nil {
			return
		}
		if header != nil {
			// The header names the schema; the payload is untouched.
			if !bytes.Equal(rest, in) {
				t.Fatalf("header framing consumed payload bytes: %x of %x", rest, in)
			}
			return
		}
		// What decodes re-encodes to the bytes it consumed.
		var out []byte
		if fr.HasGUID {
			out = AppendGUIDPrefix(nil, fr.GUID)
		} else {
			out = AppendPrefix(nil, fr.ID)
		}
		if protobuf {
			out = AppendIndexes(out, fr.Indexes)
		}
		consumed := in[:len(in)-len(rest)]
		if bytes.Equal(out, consumed) {
			return
		}
		// A non-canonical varint (count 0 written as 0x80 0x00, or the
		// list [0] written long) decodes to the same path: the canonical
		// encoding must parse back to it.
		back, again, err := ReadFrame(append(out, rest...), nil, Value, protobuf)
		if !protobuf || err != nil || !bytes.Equal(again, rest) || !equalInts(back.Indexes, fr.Indexes) {
			t.Fatalf("re-encoded %x, consumed %x: %v", out, consumed, err)
		}
	})
}

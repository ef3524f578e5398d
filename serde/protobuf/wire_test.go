package protobuf

import (
	"bytes"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// The byte vectors of /work/shared/conformance/message-index.md (restated
// from confluent-kafka-go's serde tests): schema ID 1 with message indexes
// [1,2,3] frames as 00 00 00 00 01 06 02 04 06, and the first message of a
// file as the single index byte 00.
func TestMessageIndexWireVectors(t *testing.T) {
	const text = `syntax = "proto3";
package v;
message First {}
message Second {
  message S0 {}
  message S1 {}
  message S2 {
    message T0 {}
    message T1 {}
    message T2 {}
    message T3 {}
  }
}
message WithMap {
  map<string, string> m = 1;
  message AfterMap {}
}
`
	tests := []struct {
		name    string
		message string
		want    []byte
	}{
		{name: "first message is the single byte 0", message: "v.First", want: []byte{0, 0, 0, 0, 1, 0x00}},
		{name: "indexes 1,2,3", message: "v.Second.S2.T3", want: []byte{0, 0, 0, 0, 1, 0x06, 0x02, 0x04, 0x06}},
		{name: "second top-level", message: "v.Second", want: []byte{0, 0, 0, 0, 1, 0x02, 0x02}},
		{name: "first nested of second", message: "v.Second.S0", want: []byte{0, 0, 0, 0, 1, 0x04, 0x02, 0x00}},
		// Map entries are nested types in the descriptor, and Confluent's
		// clients count them (they index descriptors): AfterMap is [2, 1].
		{name: "map entry counts", message: "v.WithMap.AfterMap", want: []byte{0, 0, 0, 0, 1, 0x04, 0x04, 0x02}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := compileText(t, text, MessageName(tt.message))
			ser, err := serde.NewSerializer(s, serde.SerializerConfig{ID: 1})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ser.AppendSerialize(nil, s.New())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("frame = % x, want % x", got, tt.want)
			}
			idx, rest, err := serde.ParseIndexes(got[5:])
			if err != nil || len(rest) != 0 {
				t.Fatalf("ParseIndexes: %v, rest % x", err, rest)
			}
			want := s.MessageIndexes()
			if len(idx) != len(want) {
				t.Fatalf("parsed %v, want %v", idx, want)
			}
			for i := range idx {
				if idx[i] != want[i] {
					t.Fatalf("parsed %v, want %v", idx, want)
				}
			}
		})
	}
}

package protocompat

import (
	"context"
	"slices"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// TestWhere checks Confluent's paths of the differences.
func TestWhere(t *testing.T) {
	tests := []struct {
		name     string
		original string
		update   string
		want     []string // "TYPE where"
	}{
		{
			name:     "field and message paths",
			original: `message M { string a = 1; message N { int32 x = 1; } }`,
			update:   `message M { string b = 1; int32 c = 2; }`,
			want:     []string{"FIELD_NAME_CHANGED #/M/1", "FIELD_ADDED #/M/2", "MESSAGE_REMOVED #/M.N"},
		},
		{
			name:     "oneof paths",
			original: `message M { oneof o { string a = 1; int32 b = 2; } }`,
			update:   `message M { oneof p { string a2 = 1; } int32 c = 3; }`,
			want:     []string{"ONEOF_REMOVED #/M/o", "ONEOF_ADDED #/M/p", "FIELD_NAME_CHANGED #/M/p/1", "ONEOF_FIELD_REMOVED #/M/o/2", "FIELD_ADDED #/M/3"},
		},
		{
			name:     "package and enum paths",
			original: `syntax = "proto3"; package a; enum E { X = 0; Y = 1; } message M {}`,
			update:   `syntax = "proto3"; package b; enum E { X = 0; Z = 1; W = 2; } message M {}`,
			want:     []string{"PACKAGE_CHANGED #/", "ENUM_CONST_CHANGED #/E/1", "ENUM_CONST_ADDED #/E/2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := DiffSchemas(context.Background(), text(tc.original), text(tc.update), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Rule+" "+d.Where)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func text(body string) serde.Schema {
	if len(body) < 6 || body[:6] != "syntax" {
		body = `syntax = "proto3"; package test; ` + body
	}
	return serde.Schema{Format: serde.Protobuf, Text: body}
}

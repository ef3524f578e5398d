package avro

import (
	"context"
	"errors"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// userUUID has a Validate method of its own that knows nothing of the
// schema: it must not stand in for the schema's validation.
type userUUID struct {
	ID string `avro:"id"`
}

func (userUUID) Validate() error { return nil }

// generatedUUID claims to be generated from a schema with fingerprint fp.
type generatedUUID struct {
	ID  string `avro:"id"`
	fp  string
	err error
}

func (g generatedUUID) Validate() error           { return g.err }
func (g generatedUUID) SchemaFingerprint() string { return g.fp }

func TestOnlyGeneratedTypesValidateThemselves(t *testing.T) {
	s, err := Compile(context.Background(), serde.Schema{Text: `{"type":"record","name":"R","fields":[{"name":"id","type":{"type":"string","logicalType":"uuid"}}]}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	own := serde.Violation("id", serde.ErrConstraint, "generated check")
	tests := []struct {
		name string
		v    any
		want error
	}{
		{name: "user type with Validate", v: userUUID{ID: "nope"}, want: serde.ErrFormat},
		{name: "generated from another schema", v: generatedUUID{ID: "nope", fp: "other"}, want: serde.ErrFormat},
		{name: "generated from this schema decides", v: generatedUUID{ID: "00000000-0000-4000-8000-000000000000", fp: serde.Fingerprint(s), err: own}, want: serde.ErrConstraint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Validate(tt.v); !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
			out, err := s.AppendEncode(nil, tt.v)
			if !errors.Is(err, tt.want) || out != nil {
				t.Fatalf("AppendEncode = %x, %v, want %v and nothing encoded", out, err, tt.want)
			}
		})
	}
}

package contract_test

import (
	"context"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
)

func TestAvroDepthCapRefuses(t *testing.T) {
	s := `{"type":"record","name":"N","fields":[{"name":"ssn","type":["null","string"],"default":null,"confluent:tags":["PII"]},{"name":"next","type":["null","N"],"default":null}]}`
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: s}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{300, 600} {
		var v any = map[string]any{"ssn": map[string]any{"string": "bad"}, "next": nil}
		for i := 0; i < d; i++ {
			v = map[string]any{"ssn": nil, "next": map[string]any{"N": v}}
		}
		_, err := serialize(t, c, piiRules, nil, v)
		if err == nil {
			t.Errorf("depth %d: serialized with ssn \"bad\": rule not run", d)
		} else {
			t.Logf("depth %d: refused: %.80v", d, err)
		}
	}
}

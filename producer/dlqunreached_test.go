package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// Review finding: redaction found its fields through serde/contract's rule
// walk, which never selects some strings (a root map's values, values
// under additionalProperties or patternProperties, untyped properties) and
// never reads tags on some schemas (additionalProperties, items,
// patternProperties, siblings of $ref): those dead letters carried the
// secret in plaintext.

// neverRule is a DLQ rule every record breaks.
func neverRule() serde.Rule {
	return serde.Rule{Name: "never", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "false", OnFailure: "DLQ",
		Params: map[string]string{producer.ParamDLQTopic: "people-dlq"}}
}

type unreachedCase struct {
	name, schema string
	v            map[string]any
	enc          serde.Rule
	// payload: the dead letter carries a (redacted) payload; else none,
	// saying why.
	payload bool
}

var unreachedJSONCases = []unreachedCase{
	// An untagged ENCRYPT rule: every string, wherever it is.
	{"root map, untagged", `{"type":"object","additionalProperties":{"type":"string"}}`,
		map[string]any{"k": valueSecret}, encryptRule(), true},
	{"nested map, untagged", `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}}`,
		map[string]any{"m": map[string]any{"k": valueSecret}}, encryptRule(), true},
	{"patternProperties, untagged", `{"type":"object","properties":{"id":{"type":"string"}},"patternProperties":{"^s":{"type":"string"}}}`,
		map[string]any{"id": "x", "ssn": valueSecret}, encryptRule(), true},
	{"additionalProperties beside properties, untagged", `{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
		map[string]any{"id": "x", "ssn": valueSecret}, encryptRule(), true},
	{"untyped property, untagged", `{"type":"object","properties":{"ssn":{"maxLength":20}}}`,
		map[string]any{"ssn": valueSecret}, encryptRule(), true},
	{"untyped root, untagged", `{}`,
		map[string]any{"a": []any{map[string]any{"b": valueSecret}}}, encryptRule(), true},
	// Tags the walk does not read: no payload rather than plaintext.
	{"root map, tagged additionalProperties", `{"type":"object","additionalProperties":{"type":"string","confluent:tags":["PII"]}}`,
		map[string]any{"k": valueSecret}, encryptRule("PII"), false},
	{"nested map, tagged additionalProperties", `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string","confluent:tags":["PII"]}}}}`,
		map[string]any{"m": map[string]any{"k": valueSecret}}, encryptRule("PII"), false},
	{"tagged patternProperties", `{"type":"object","properties":{"id":{"type":"string"}},"patternProperties":{"^s":{"type":"string","confluent:tags":["PII"]}}}`,
		map[string]any{"id": "x", "ssn": valueSecret}, encryptRule("PII"), false},
	{"tagged property under patternProperties", `{"type":"object","patternProperties":{"^p":{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}}}`,
		map[string]any{"p": map[string]any{"ssn": valueSecret}}, encryptRule("PII"), false},
	{"tagged additionalProperties beside properties", `{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":{"type":"string","confluent:tags":["PII"]}}`,
		map[string]any{"id": "x", "ssn": valueSecret}, encryptRule("PII"), false},
	{"tagged items of an untyped schema", `{"type":"object","properties":{"l":{"items":{"type":"string","confluent:tags":["PII"]}}}}`,
		map[string]any{"l": []any{valueSecret}}, encryptRule("PII"), false},
	{"tags beside a $ref not a property's", `{"type":"object","properties":{"s":{"$ref":"#/$defs/S"}},
		"$defs":{"S":{"$ref":"#/$defs/T","confluent:tags":["PII"]},"T":{"type":"string"}}}`,
		map[string]any{"s": valueSecret}, encryptRule("PII"), false},
	{"tagged untyped property", `{"type":"object","properties":{"ssn":{"maxLength":20,"confluent:tags":["PII"]}}}`,
		map[string]any{"ssn": valueSecret}, encryptRule("PII"), false},
	{"tagged map property without a values schema", `{"type":"object","properties":{"m":{"type":"object","confluent:tags":["PII"]}}}`,
		map[string]any{"m": map[string]any{"k": valueSecret}}, encryptRule("PII"), false},
	{"tagged array property with untyped items", `{"type":"object","properties":{"l":{"type":"array","items":{},"confluent:tags":["PII"]}}}`,
		map[string]any{"l": []any{valueSecret}}, encryptRule("PII"), false},
	{"tagged property in an unused $defs", `{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":{"$ref":"#/$defs/S"},
		"$defs":{"S":{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}}}`,
		map[string]any{"id": "x", "s": map[string]any{"ssn": valueSecret}}, encryptRule("PII"), false},
	// Tags the walk reads: the payload, redacted.
	{"tagged map property", `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"},"confluent:tags":["PII"]}}}`,
		map[string]any{"m": map[string]any{"k": valueSecret}}, encryptRule("PII"), true},
	{"tagged array property", `{"type":"object","properties":{"l":{"type":"array","items":{"type":"string"},"confluent:tags":["PII"]}}}`,
		map[string]any{"l": []any{valueSecret}}, encryptRule("PII"), true},
	{"tagged property through $ref", `{"type":"object","properties":{"s":{"$ref":"#/$defs/S"}},
		"$defs":{"S":{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}}}`,
		map[string]any{"s": map[string]any{"ssn": valueSecret}}, encryptRule("PII"), true},
	{"tags beside a property's $ref", `{"type":"object","properties":{"s":{"$ref":"#/$defs/S","confluent:tags":["PII"]}},"$defs":{"S":{"type":"string"}}}`,
		map[string]any{"s": valueSecret}, encryptRule("PII"), true},
	{"tagged type list", `{"type":"object","properties":{"ssn":{"type":["null","string"],"confluent:tags":["PII"]}}}`,
		map[string]any{"ssn": valueSecret}, encryptRule("PII"), true},
}

// Every case, JSON Schema: the secret is nowhere in the dead letter's key,
// value or headers; under an untagged rule the payload is there, redacted.
func TestDLQUnreachedStringsJSON(t *testing.T) {
	for _, tc := range unreachedJSONCases {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
			typed := combinedProducer(t, c, tc.schema, neverRule(), tc.enc)
			if _, err := typed.ProduceSync(context.Background(), nil, tc.v); !errors.Is(err, producer.ErrRejected) {
				t.Fatalf("err = %v", err)
			}
			r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
			noLeak(t, r, valueSecret)
			if tc.payload {
				wantPayload(t, r)
				return
			}
			wantHeader(t, r, producer.HeaderDLTEncoding, "none")
			if r.Value != nil || len(header(r, producer.HeaderDLTEncodeError)) == 0 {
				t.Errorf("value %q, error header %q", r.Value, header(r, producer.HeaderDLTEncodeError))
			}
		})
	}
}

// The negative control: with no redacted rule types, the same dead
// letters carry the secret (the detector sees it when it is there).
func TestDLQUnreachedStringsJSONControl(t *testing.T) {
	for _, tc := range unreachedJSONCases {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
			p := newProducer(t, c, producer.DeadLetterRedactRuleTypes())
			typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
				Topic: "people",
				Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON, Text: tc.schema,
					RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{neverRule(), tc.enc}}}}, ID: 1},
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := typed.ProduceSync(context.Background(), nil, tc.v); !errors.Is(err, producer.ErrRejected) {
				t.Fatalf("err = %v", err)
			}
			r := oneDeadLetter(t, c, p, "people-dlq")
			if where := leaks(r, valueSecret); len(where) == 0 {
				t.Errorf("control: the secret is not in the dead letter %q", r.Value)
			}
		})
	}
}

// Untagged mode keeps numbers, bools and map keys, and redacts every
// string, nested in maps and lists.
func TestDLQUntaggedRedactsEveryString(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	typed := combinedProducer(t, c, `{"type":"object","additionalProperties":true}`, neverRule(), encryptRule())
	v := map[string]any{"key-stays": map[string]any{"n": 7, "b": true, "l": []any{"x", valueSecret, 1.5}}}
	if _, err := typed.ProduceSync(context.Background(), nil, v); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	want := map[string]any{"key-stays": map[string]any{"b": true, "n": float64(7),
		"l": []any{producer.RedactedValue, producer.RedactedValue, 1.5}}}
	var got map[string]any
	if err := json.Unmarshal(r.Value, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("value = %s (%v), want %v", r.Value, err, want)
	}
}

// Avro maps, at the root and nested in a record, under an untagged rule.
func TestDLQUntaggedAvroMapValues(t *testing.T) {
	t.Run("root", func(t *testing.T) {
		r := avroUntaggedDeadLetter(t, `{"type":"map","values":"string"}`, map[string]any{"k": valueSecret})
		noLeak(t, r, valueSecret)
		wantPayload(t, r)
	})
	t.Run("nested", func(t *testing.T) {
		r := avroUntaggedDeadLetter(t, `{"type":"record","name":"P","namespace":"test","fields":[
			{"name":"m","type":{"type":"map","values":"string"}},
			{"name":"l","type":{"type":"array","items":{"type":"map","values":["null","string"]}}}]}`,
			map[string]any{"m": map[string]any{"k": valueSecret}, "l": []any{map[string]any{"k": valueSecret}}})
		noLeak(t, r, valueSecret)
		wantPayload(t, r)
	})
}

func avroUntaggedDeadLetter(t *testing.T, schema string, v any) *kgo.Record {
	t.Helper()
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, any]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.Avro, Text: schema,
			RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{neverRule(), encryptRule()}}}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, v); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	return oneDeadLetter(t, c, p, "people-dlq")
}

// Protobuf map<string,string> values under an untagged rule.
func TestDLQUntaggedProtobufMapValues(t *testing.T) {
	pc, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: protoAttrs,
		RuleSet: &serde.RuleSet{DomainRules: []serde.Rule{encryptRule()}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pc.Message())
	mp := m.Mutable(pc.Message().Fields().ByName("attrs")).Map()
	mp.Set(protoreflect.ValueOfString("k").MapKey(), protoreflect.ValueOfString(valueSecret))
	m.Set(pc.Message().Fields().ByName("age"), protoreflect.ValueOfInt32(7))
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := rawValueDeadLetter(t, pc, raw)
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "age"); got != float64(7) {
		t.Errorf("age = %v (value %q)", got, r.Value)
	}
}

// Tagged mode, payload kept: tags that are not the rules' do not withhold
// it wherever they are, and untagged strings (here under
// additionalProperties) keep their value, as in Java.
func TestDLQUnreadOtherTagKeepsPayload(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	typed := combinedProducer(t, c, `{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}},
		"additionalProperties":{"type":"string","confluent:tags":["OTHER"]}}`, neverRule(), encryptRule("PII"))
	if _, err := typed.ProduceSync(context.Background(), nil, map[string]any{"ssn": valueSecret, "note": "hello"}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, typed.Producer(), "people-dlq")
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "note"); got != "hello" {
		t.Errorf("note = %v (value %q)", got, r.Value)
	}
}

// Metadata tags: a tag path may name a property the walk never visits
// (one under patternProperties), so the dead letter has no payload.
func TestDLQUnreadPropertyMetadataTag(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{Local: serde.Schema{Format: serde.JSON,
			Text:     `{"type":"object","properties":{"id":{"type":"string"}},"patternProperties":{"^p":{"type":"object","properties":{"ssn":{"type":"string"}}}}}`,
			RuleSet:  &serde.RuleSet{DomainRules: []serde.Rule{neverRule(), encryptRule("PII")}},
			Metadata: &serde.Metadata{Tags: map[string][]string{"**.ssn": {"PII"}}}}}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, map[string]any{"id": "x", "p": map[string]any{"ssn": valueSecret}}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "people-dlq")
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "none")
}

// Avro, tagged map and array fields: their values are redacted.
func TestDLQTaggedAvroMapArrayFields(t *testing.T) {
	r := avroDeadLetter(t, `{"type":"record","name":"P","namespace":"test","fields":[
		{"name":"age","type":"int"},
		{"name":"m","type":{"type":"map","values":"string"},"confluent:tags":["PII"]},
		{"name":"l","type":{"type":"array","items":"string"},"confluent:tags":["PII"]}]}`,
		map[string]any{"age": 7, "m": map[string]any{"k": valueSecret}, "l": []any{valueSecret}})
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
}

// ageOnly has a string its Avro schema does not know: its JSON form
// carries it, the value's encoding does not.
type ageOnly struct {
	Age  int    `avro:"age" json:"age"`
	Note string `avro:"-" json:"note"`
}

// Untagged mode with no string in the encoded value: the payload is the
// value's JSON form only when it holds what the encoding holds; a string
// only the Go value's JSON form has is not written.
func TestDLQUntaggedNoStringAvro(t *testing.T) {
	schema := `{"type":"record","name":"A","namespace":"test","fields":[{"name":"age","type":"int"}]}`
	r := avroUntaggedDeadLetter(t, schema, ageOnly{Age: 7, Note: valueSecret})
	noLeak(t, r, valueSecret)
	wantPayload(t, r)
	if got := jsonField(t, r.Value, "age"); got != float64(7) {
		t.Errorf("age = %v (value %q)", got, r.Value)
	}
	r = avroUntaggedDeadLetter(t, schema, map[string]any{"age": 7})
	wantPayload(t, r)
	if string(r.Value) != `{"age":7}` {
		t.Errorf("value = %s", r.Value)
	}
}

// A $ref to another document: the walk does not read its tags, so under a
// tagged rule the dead letter has no payload.
func TestDLQUnreadExternalRef(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "people", "people-dlq"))
	p := newProducer(t, c)
	typed, err := producer.NewTyped(context.Background(), p, producer.Spec[[]byte, map[string]any]{
		Topic: "people",
		Value: producer.Side{Schema: producer.SchemaSource{
			Local: serde.Schema{Format: serde.JSON,
				Text:       `{"type":"object","properties":{"s":{"$ref":"secret.json"}}}`,
				References: []serde.Reference{{Name: "secret.json", Subject: "secret", Version: 1}},
				RuleSet:    &serde.RuleSet{DomainRules: []serde.Rule{neverRule(), encryptRule("PII")}}},
			Resolver: serde.MapResolver{"secret.json": {Format: serde.JSON,
				Text: `{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}`}},
		}, ID: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := typed.ProduceSync(context.Background(), nil, map[string]any{"s": map[string]any{"ssn": valueSecret}}); !errors.Is(err, producer.ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	r := oneDeadLetter(t, c, p, "people-dlq")
	noLeak(t, r, valueSecret)
	wantHeader(t, r, producer.HeaderDLTEncoding, "none")
}

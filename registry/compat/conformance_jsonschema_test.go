package compat_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// The JSON Schema conformance vectors, copied with their licences and
// SOURCE_COMMIT.txt under testdata/.
const (
	jsApicurioCases = "testdata/apicurio-registry/schema-util/json/src/test/resources/io/apicurio/registry/rules/compatibility/jsonschema/compatibility-test-data.json"
	jsKarapaceCases = "testdata/karapace/extracted/jsonschema-compatibility-cases.json"
)

// Why a vector's expectation differs from Confluent's rules, which this
// checker follows (docs/COMPATIBILITY.md (JSON Schema), "Divergences").
const (
	jsReasonTrueReader         = "Confluent: an update to {} or true is never a type change, whatever the writer"
	jsReasonFalseWriter        = "Confluent: an original false schema admits no data, so any update is compatible"
	jsReasonTrueToFalse        = "Confluent: true -> false is TYPE_CHANGED (the reader accepts nothing)"
	jsReasonPatternCovers      = "Confluent: patternProperties match with find(), and ^a* matches every name, so the removed property is covered"
	jsReasonEmptyPropertyAdded = "Confluent: a property with an empty schema added to an open object is compatible"
	jsReasonPropertyNames      = "Confluent does not compare propertyNames; the added property has an empty schema"
	jsReasonFormat             = "Confluent does not compare format"
	jsReasonDraft4Exclusive    = "Confluent does not compare the draft-04 boolean exclusiveMinimum/exclusiveMaximum; only the minimum/maximum beside it and the draft-06 numeric limit count"
	jsReasonExclusiveKeyword   = "Confluent compares keywords, not ranges: exclusiveMinimum removed plus minimum added is two changes, one incompatible each way"
	jsReasonRequiredUndeclared = "Confluent checks required only for properties declared on both sides"
	jsReasonPatternProperties  = "Confluent does not compare patternProperties with each other, only as cover for added or removed properties"
	jsReasonContains           = "Confluent does not compare contains"
	jsReasonConstEnum          = "Confluent: const and enum are different schema kinds, so const -> enum is TYPE_CHANGED"
	jsReasonContent            = "Confluent does not compare contentEncoding or contentMediaType"
	jsReasonConditional        = "Confluent does not compare the if/then/else sub-schemas"
)

// jsApicurioExceptions are the Apicurio vectors whose expectation Confluent's
// rules contradict, with the outcome Confluent's rules give instead.
var jsApicurioExceptions = []struct {
	index     int
	id        string
	confluent string // backward, both or none, as the vectors spell it
	reason    string
}{
	{13, "String: format 1", "both", jsReasonFormat},
	{14, "String: format 2", "both", jsReasonFormat},
	{26, "Number: exclusiveMinimum 1", "both", jsReasonDraft4Exclusive},
	{27, "Number: exclusiveMinimum 2", "none", jsReasonExclusiveKeyword},
	{28, "Number: exclusiveMinimum 3", "none", jsReasonExclusiveKeyword},
	{30, "Number: exclusiveMinimum 5", "none", jsReasonDraft4Exclusive},
	{31, "Number: exclusiveMaximum 1", "both", jsReasonDraft4Exclusive},
	{32, "Number: exclusiveMaximum 2", "none", jsReasonExclusiveKeyword},
	{33, "Number: exclusiveMaximum 3", "none", jsReasonExclusiveKeyword},
	{35, "Number: exclusiveMaximum 5", "none", jsReasonDraft4Exclusive},
	{41, "Object: required", "both", jsReasonRequiredUndeclared},
	{42, "Object: required", "both", jsReasonRequiredUndeclared},
	{44, "Object: propertyNames", "both", jsReasonPropertyNames},
	{52, "Object: patternProperties 1", "both", jsReasonPatternProperties},
	{53, "Object: patternProperties 2", "both", jsReasonPatternProperties},
	{62, "Array: contains", "both", jsReasonContains},
	{98, "Const: Enum equivalency", "none", jsReasonConstEnum},
	{100, "String: contentEncoding 2", "both", jsReasonContent},
	{101, "String: contentEncoding 3", "both", jsReasonContent},
	{103, "String: contentMediaType 2", "both", jsReasonContent},
	{104, "String: contentMediaType 3", "both", jsReasonContent},
	{124, "Conditional: if", "both", jsReasonConditional},
	{125, "Conditional: then", "both", jsReasonConditional},
	{126, "Conditional: else", "both", jsReasonConditional},
}

// jsKarapaceExceptions are the Karapace assertions Confluent's rules
// contradict; Confluent's outcome is the opposite of the assertion.
var jsKarapaceExceptions = []struct {
	index          int
	test           string
	reader, writer string
	reason         string
}{
	{84, "test_extra_field_with_closed_model_is_incompatible", "A_INT_OBJECT_SCHEMA", "FALSE_SCHEMA", jsReasonFalseWriter},
	{101, "test_boolean_schemas_are_backward_compatible", "FALSE_SCHEMA", "TRUE_SCHEMA", jsReasonTrueToFalse},
	{137, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "BOOLEAN_SCHEMA", jsReasonTrueReader},
	{138, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_OF_INT_SCHEMA", jsReasonTrueReader},
	{139, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_OF_NUMBER_SCHEMA", jsReasonTrueReader},
	{140, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_OF_POSITIVE_INTEGER", jsReasonTrueReader},
	{141, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_OF_POSITIVE_INTEGER_THROUGH_REF", jsReasonTrueReader},
	{142, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_OF_STRING_SCHEMA", jsReasonTrueReader},
	{143, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ARRAY_SCHEMA", jsReasonTrueReader},
	{144, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ENUM_AB_SCHEMA", jsReasonTrueReader},
	{145, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ENUM_ABC_SCHEMA", jsReasonTrueReader},
	{146, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ENUM_BC_SCHEMA", jsReasonTrueReader},
	{147, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MAXIMUM_DECREASED_INTEGER_SCHEMA", jsReasonTrueReader},
	{148, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MAXIMUM_DECREASED_NUMBER_SCHEMA", jsReasonTrueReader},
	{149, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MAXIMUM_INTEGER_SCHEMA", jsReasonTrueReader},
	{150, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MAXIMUM_NUMBER_SCHEMA", jsReasonTrueReader},
	{151, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MINIMUM_INCREASED_INTEGER_SCHEMA", jsReasonTrueReader},
	{152, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MINIMUM_INCREASED_NUMBER_SCHEMA", jsReasonTrueReader},
	{153, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MINIMUM_INTEGER_SCHEMA", jsReasonTrueReader},
	{154, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "EXCLUSIVE_MINIMUM_NUMBER_SCHEMA", jsReasonTrueReader},
	{155, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "INT_SCHEMA", jsReasonTrueReader},
	{156, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAX_ITEMS_DECREASED_SCHEMA", jsReasonTrueReader},
	{157, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAX_ITEMS_SCHEMA", jsReasonTrueReader},
	{158, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAX_LENGTH_DECREASED_SCHEMA", jsReasonTrueReader},
	{159, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAX_LENGTH_SCHEMA", jsReasonTrueReader},
	{160, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAXIMUM_DECREASED_INTEGER_SCHEMA", jsReasonTrueReader},
	{161, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAXIMUM_DECREASED_NUMBER_SCHEMA", jsReasonTrueReader},
	{162, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAXIMUM_INTEGER_SCHEMA", jsReasonTrueReader},
	{163, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MAXIMUM_NUMBER_SCHEMA", jsReasonTrueReader},
	{164, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_ITEMS_INCREASED_SCHEMA", jsReasonTrueReader},
	{165, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_ITEMS_SCHEMA", jsReasonTrueReader},
	{166, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_LENGTH_INCREASED_SCHEMA", jsReasonTrueReader},
	{167, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_LENGTH_SCHEMA", jsReasonTrueReader},
	{168, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_PATTERN_SCHEMA", jsReasonTrueReader},
	{169, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MIN_PATTERN_STRICT_SCHEMA", jsReasonTrueReader},
	{170, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MINIMUM_INCREASED_INTEGER_SCHEMA", jsReasonTrueReader},
	{171, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MINIMUM_INCREASED_NUMBER_SCHEMA", jsReasonTrueReader},
	{172, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MINIMUM_INTEGER_SCHEMA", jsReasonTrueReader},
	{173, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "MINIMUM_NUMBER_SCHEMA", jsReasonTrueReader},
	{174, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_ARRAY_SCHEMA", jsReasonTrueReader},
	{175, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_BOOLEAN_SCHEMA", jsReasonTrueReader},
	{176, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_INT_SCHEMA", jsReasonTrueReader},
	{177, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_NUMBER_SCHEMA", jsReasonTrueReader},
	{178, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_OBJECT_SCHEMA", jsReasonTrueReader},
	{179, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_OF_EMPTY_SCHEMA", jsReasonTrueReader},
	{180, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_OF_TRUE_SCHEMA", jsReasonTrueReader},
	{181, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NOT_STRING_SCHEMA", jsReasonTrueReader},
	{182, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "NUMBER_SCHEMA", jsReasonTrueReader},
	{183, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_ARRAY_A_DINT_B_NUM_SCHEMA", jsReasonTrueReader},
	{184, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_ARRAY_B_NUM_C_DINT_OPEN_SCHEMA", jsReasonTrueReader},
	{185, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_ARRAY_B_NUM_C_INT_SCHEMA", jsReasonTrueReader},
	{186, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_INT_SCHEMA", jsReasonTrueReader},
	{187, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_NUMBER_SCHEMA", jsReasonTrueReader},
	{188, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_STRING_INT_SCHEMA", jsReasonTrueReader},
	{189, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "ONEOF_STRING_SCHEMA", jsReasonTrueReader},
	{190, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "STRING_SCHEMA", jsReasonTrueReader},
	{191, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TUPLE_OF_INT_INT_OPEN_SCHEMA", jsReasonTrueReader},
	{192, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TUPLE_OF_INT_INT_SCHEMA", jsReasonTrueReader},
	{193, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TUPLE_OF_INT_OPEN_SCHEMA", jsReasonTrueReader},
	{194, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TUPLE_OF_INT_SCHEMA", jsReasonTrueReader},
	{195, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TUPLE_OF_INT_WITH_ADDITIONAL_INT_SCHEMA", jsReasonTrueReader},
	{196, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TYPES_STRING_INT_SCHEMA", jsReasonTrueReader},
	{197, "test_true_schema_is_compatible_with_object", "TRUE_SCHEMA", "TYPES_STRING_SCHEMA", jsReasonTrueReader},
	{233, "test_true_and_false_schemas", "A_INT_B_INT_REQUIRED_OBJECT_SCHEMA", "FALSE_SCHEMA", jsReasonFalseWriter},
	{235, "test_true_and_false_schemas", "NOT_OF_TRUE_SCHEMA", "FALSE_SCHEMA", jsReasonFalseWriter},
	{236, "test_true_and_false_schemas", "NOT_OF_EMPTY_SCHEMA", "FALSE_SCHEMA", jsReasonFalseWriter},
	{239, "test_true_and_false_schemas", "TRUE_SCHEMA", "NOT_OF_EMPTY_SCHEMA", jsReasonTrueReader},
	{241, "test_true_and_false_schemas", "TRUE_SCHEMA", "NOT_OF_TRUE_SCHEMA", jsReasonTrueReader},
	{243, "test_true_and_false_schemas", "TRUE_SCHEMA", "NOT_OF_EMPTY_SCHEMA", jsReasonTrueReader},
	{300, "test_pattern_properties", "PATTERN_PROPERTY_ASTAR_OBJECT_SCHEMA", "B_INT_OBJECT_SCHEMA", jsReasonPatternCovers},
	{301, "test_object_properties", "A_OBJECT_SCHEMA", "OBJECT_SCHEMA", jsReasonEmptyPropertyAdded},
	{306, "test_property_names", "A_OBJECT_SCHEMA", "PROPERTY_NAMES_ASTAR_OBJECT_SCHEMA", jsReasonPropertyNames},
}

func jsRead(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func jsSchema(raw json.RawMessage) serde.Schema {
	return serde.Schema{Format: serde.JSON, Text: string(raw)}
}

// jsLevel checks next against one existing version at level.
func jsLevel(t *testing.T, level compat.Level, prev, next json.RawMessage) bool {
	t.Helper()
	res, err := compat.Check(context.Background(), level, jsSchema(next), []compat.Version{{Version: 1, Schema: jsSchema(prev)}}, nil)
	if err != nil {
		t.Fatalf("%s: %v", level, err)
	}
	return res.Compatible
}

// TestJSONConformanceApicurio runs Apicurio's 145 JSON Schema pairs through
// compat.Check: "backward" means BACKWARD holds and FORWARD fails, "both"
// that both hold, "none" that neither does.
func TestJSONConformanceApicurio(t *testing.T) {
	var data struct {
		Tests []struct {
			ID            string          `json:"id"`
			Compatibility string          `json:"compatibility"`
			Original      json.RawMessage `json:"original"`
			Updated       json.RawMessage `json:"updated"`
		} `json:"tests"`
	}
	jsRead(t, jsApicurioCases, &data)
	exceptions := map[int]int{}
	for i, e := range jsApicurioExceptions {
		exceptions[e.index] = i
	}
	agree, diverge := 0, 0
	for i, c := range data.Tests {
		want := c.Compatibility
		ex, isException := exceptions[i]
		if isException {
			e := jsApicurioExceptions[ex]
			if e.id != c.ID {
				t.Fatalf("exception %d names %q but the vector is %q: the vectors changed", i, e.id, c.ID)
			}
			want = e.confluent
		}
		backward := jsLevel(t, compat.Backward, c.Original, c.Updated)
		forward := jsLevel(t, compat.Forward, c.Original, c.Updated)
		full := jsLevel(t, compat.Full, c.Original, c.Updated)
		got := "none"
		switch {
		case backward && forward:
			got = "both"
		case backward:
			got = "backward"
		case forward:
			got = "forward"
		}
		if full != (backward && forward) {
			t.Errorf("apicurio #%d %q: FULL=%v but BACKWARD=%v FORWARD=%v", i, c.ID, full, backward, forward)
		}
		if got != want {
			t.Errorf("apicurio #%d %q: got %s, want %s (vector says %s)", i, c.ID, got, want, c.Compatibility)
			continue
		}
		if isException {
			diverge++
		} else {
			agree++
		}
	}
	t.Logf("apicurio-json: %d/%d agree; %d/%d documented divergences give Confluent's outcome", agree, len(data.Tests), diverge, len(jsApicurioExceptions))
	if agree+diverge != len(data.Tests) || len(data.Tests) != 145 {
		t.Errorf("apicurio-json: %d+%d of %d cases pass, want all 145", agree, diverge, len(data.Tests))
	}
}

// TestJSONConformanceKarapace runs Karapace's 321 reader/writer assertions
// through compat.CanRead.
func TestJSONConformanceKarapace(t *testing.T) {
	var data struct {
		Cases []struct {
			Test       string          `json:"test"`
			ReaderName string          `json:"reader_name"`
			WriterName string          `json:"writer_name"`
			Reader     json.RawMessage `json:"reader"`
			Writer     json.RawMessage `json:"writer"`
			Compatible bool            `json:"compatible"`
			Msg        string          `json:"msg"`
		} `json:"cases"`
	}
	jsRead(t, jsKarapaceCases, &data)
	exceptions := map[int]int{}
	for i, e := range jsKarapaceExceptions {
		exceptions[e.index] = i
	}
	agree, diverge := 0, 0
	for i, c := range data.Cases {
		want := c.Compatible
		ex, isException := exceptions[i]
		if isException {
			e := jsKarapaceExceptions[ex]
			if e.test != c.Test || e.reader != c.ReaderName || e.writer != c.WriterName {
				t.Fatalf("exception %d names %s %s<-%s but the vector is %s %s<-%s: the vectors changed", i, e.test, e.reader, e.writer, c.Test, c.ReaderName, c.WriterName)
			}
			want = !want
		}
		fs, err := compat.CanRead(context.Background(), jsSchema(c.Reader), jsSchema(c.Writer), nil)
		if err != nil {
			t.Errorf("karapace #%d %s (%s <- %s): %v", i, c.Test, c.ReaderName, c.WriterName, err)
			continue
		}
		if got := len(fs) == 0; got != want {
			t.Errorf("karapace #%d %s (%s <- %s): compatible=%v, want %v (%s); findings %v", i, c.Test, c.ReaderName, c.WriterName, got, want, c.Msg, fs)
			continue
		}
		if isException {
			diverge++
		} else {
			agree++
		}
	}
	t.Logf("karapace-json: %d/%d agree; %d/%d documented divergences give Confluent's outcome", agree, len(data.Cases), diverge, len(jsKarapaceExceptions))
	if agree+diverge != len(data.Cases) || len(data.Cases) != 321 {
		t.Errorf("karapace-json: %d+%d of %d cases pass, want all 321", agree, diverge, len(data.Cases))
	}
}

// TestJSONVectorProvenance: the copied vectors keep their licence and the
// commit they were copied from beside them.
func TestJSONVectorProvenance(t *testing.T) {
	tests := []struct {
		name  string
		files []string
	}{
		{name: "apicurio", files: []string{jsApicurioCases, "testdata/apicurio-registry/LICENSE-apicurio-registry.txt", "testdata/apicurio-registry/SOURCE_COMMIT.txt"}},
		{name: "karapace", files: []string{jsKarapaceCases, "testdata/karapace/LICENSE-karapace.txt", "testdata/karapace/SOURCE_COMMIT.txt"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range tc.files {
				if st, err := os.Stat(filepath.FromSlash(f)); err != nil || st.Size() == 0 {
					t.Errorf("%s: missing or empty (%v)", f, err)
				}
			}
		})
	}
}

package jsoncompat

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

const d2020 = `"$schema":"https://json-schema.org/draft/2020-12/schema",`

// TestRules has at least one case per difference type the diff emits: the
// differences of original → update, and whether STRICT and LENIENT accept
// them.
func TestRules(t *testing.T) {
	tests := []struct {
		name             string
		original, update string
		want             []string // "TYPE #/path", any order
		strict, lenient  bool
	}{
		// Annotations
		{name: "id changed", original: `{"$id":"a.json","type":"string"}`, update: `{"$id":"b.json","type":"string"}`, want: []string{"ID_CHANGED #/"}, strict: true, lenient: true},
		{name: "id ignored in 2020-12", original: `{` + d2020 + `"$id":"a.json","type":"string"}`, update: `{` + d2020 + `"$id":"b.json","type":"string"}`, strict: true, lenient: true},
		{name: "title changed", original: `{"title":"a"}`, update: `{"title":"b"}`, want: []string{"TITLE_CHANGED #/"}, strict: true, lenient: true},
		{name: "description changed", original: `{"type":"string","description":"a"}`, update: `{"type":"string","description":"b"}`, want: []string{"DESCRIPTION_CHANGED #/"}, strict: true, lenient: true},
		{name: "default changed", original: `{"type":"string","default":"a"}`, update: `{"type":"string","default":"b"}`, want: []string{"DEFAULT_CHANGED #/"}, strict: true, lenient: true},
		{name: "identical", original: `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, update: `{"required":["a"],"properties":{"a":{"type":"string"}},"type":"object"}`, strict: true, lenient: true},

		// Kinds and types
		{name: "schema added: array items", original: `{"type":"array"}`, update: `{"type":"array","items":{"type":"string"}}`, want: []string{"SCHEMA_ADDED #/items"}},
		{name: "schema removed: array items", original: `{"type":"array","items":{"type":"string"}}`, update: `{"type":"array"}`, want: []string{"SCHEMA_REMOVED #/items"}, strict: true, lenient: true},
		{name: "integer to number", original: `{"type":"integer"}`, update: `{"type":"number"}`, want: []string{"TYPE_EXTENDED #/"}, strict: true, lenient: true},
		{name: "number to integer", original: `{"type":"number"}`, update: `{"type":"integer"}`, want: []string{"TYPE_NARROWED #/"}},
		{name: "property type changed", original: `{"properties":{"total":{"type":"integer"}}}`, update: `{"properties":{"total":{"type":"string"}}}`, want: []string{"TYPE_CHANGED #/properties/total"}},
		{name: "boolean to null", original: `{"type":"boolean"}`, update: `{"type":"null"}`, want: []string{"TYPE_CHANGED #/"}},
		{name: "empty to object", original: `{}`, update: `{"properties":{}}`, want: []string{"TYPE_CHANGED #/"}},
		{name: "anything to true", original: `{"type":"object","properties":{"a":{"type":"string"}}}`, update: `true`, strict: true, lenient: true},
		{name: "anything to empty", original: `{"type":"array"}`, update: `{}`, strict: true, lenient: true},
		{name: "false to anything", original: `false`, update: `{"type":"string"}`, strict: true, lenient: true},
		{name: "true to false", original: `true`, update: `false`, want: []string{"TYPE_CHANGED #/"}},
		{name: "connect bytes", original: `{"type":"string","connect.type":"bytes"}`, update: `{"type":"number","connect.type":"bytes"}`, strict: true, lenient: true},

		// Strings
		{name: "maxLength added", original: `{"type":"string"}`, update: `{"type":"string","maxLength":5}`, want: []string{"MAX_LENGTH_ADDED #/maxLength"}},
		{name: "maxLength removed", original: `{"type":"string","maxLength":5}`, update: `{"type":"string"}`, want: []string{"MAX_LENGTH_REMOVED #/maxLength"}, strict: true, lenient: true},
		{name: "maxLength increased", original: `{"type":"string","maxLength":5}`, update: `{"type":"string","maxLength":6}`, want: []string{"MAX_LENGTH_INCREASED #/maxLength"}, strict: true, lenient: true},
		{name: "maxLength decreased", original: `{"type":"string","maxLength":5}`, update: `{"type":"string","maxLength":4}`, want: []string{"MAX_LENGTH_DECREASED #/maxLength"}},
		{name: "minLength added", original: `{"type":"string"}`, update: `{"type":"string","minLength":1}`, want: []string{"MIN_LENGTH_ADDED #/minLength"}},
		{name: "minLength removed", original: `{"type":"string","minLength":1}`, update: `{"type":"string"}`, want: []string{"MIN_LENGTH_REMOVED #/minLength"}, strict: true, lenient: true},
		{name: "minLength increased", original: `{"type":"string","minLength":1}`, update: `{"type":"string","minLength":2}`, want: []string{"MIN_LENGTH_INCREASED #/minLength"}},
		{name: "minLength decreased", original: `{"type":"string","minLength":2}`, update: `{"type":"string","minLength":1}`, want: []string{"MIN_LENGTH_DECREASED #/minLength"}, strict: true, lenient: true},
		{name: "pattern added", original: `{"type":"string"}`, update: `{"type":"string","pattern":"^a"}`, want: []string{"PATTERN_ADDED #/pattern"}},
		{name: "pattern removed", original: `{"type":"string","pattern":"^a"}`, update: `{"type":"string"}`, want: []string{"PATTERN_REMOVED #/pattern"}, strict: true, lenient: true},
		{name: "pattern changed", original: `{"type":"string","pattern":"^a"}`, update: `{"type":"string","pattern":"^a|^b"}`, want: []string{"PATTERN_CHANGED #/pattern"}},
		{name: "format not compared", original: `{"type":"string","format":"date"}`, update: `{"type":"string","format":"email"}`, strict: true, lenient: true},

		// Numbers
		{name: "maximum added", original: `{"type":"number"}`, update: `{"type":"number","maximum":10}`, want: []string{"MAXIMUM_ADDED #/maximum"}},
		{name: "maximum removed", original: `{"type":"number","maximum":10}`, update: `{"type":"number"}`, want: []string{"MAXIMUM_REMOVED #/maximum"}, strict: true, lenient: true},
		{name: "maximum increased", original: `{"type":"number","maximum":10}`, update: `{"type":"number","maximum":10.5}`, want: []string{"MAXIMUM_INCREASED #/maximum"}, strict: true, lenient: true},
		{name: "maximum decreased", original: `{"type":"number","maximum":10}`, update: `{"type":"number","maximum":9}`, want: []string{"MAXIMUM_DECREASED #/maximum"}},
		{name: "maximum same value other spelling", original: `{"type":"number","maximum":10}`, update: `{"type":"number","maximum":1e1}`, strict: true, lenient: true},
		{name: "minimum added", original: `{"type":"integer"}`, update: `{"type":"integer","minimum":0}`, want: []string{"MINIMUM_ADDED #/minimum"}},
		{name: "minimum removed", original: `{"type":"integer","minimum":0}`, update: `{"type":"integer"}`, want: []string{"MINIMUM_REMOVED #/minimum"}, strict: true, lenient: true},
		{name: "minimum increased", original: `{"type":"integer","minimum":0}`, update: `{"type":"integer","minimum":1}`, want: []string{"MINIMUM_INCREASED #/minimum"}},
		{name: "minimum decreased", original: `{"type":"integer","minimum":0}`, update: `{"type":"integer","minimum":-1}`, want: []string{"MINIMUM_DECREASED #/minimum"}, strict: true, lenient: true},
		{name: "exclusiveMaximum added", original: `{"type":"number"}`, update: `{"type":"number","exclusiveMaximum":5}`, want: []string{"EXCLUSIVE_MAXIMUM_ADDED #/exclusiveMaximum"}},
		{name: "exclusiveMaximum removed", original: `{"type":"number","exclusiveMaximum":5}`, update: `{"type":"number"}`, want: []string{"EXCLUSIVE_MAXIMUM_REMOVED #/exclusiveMaximum"}, strict: true, lenient: true},
		{name: "exclusiveMaximum increased", original: `{"type":"number","exclusiveMaximum":5}`, update: `{"type":"number","exclusiveMaximum":6}`, want: []string{"EXCLUSIVE_MAXIMUM_INCREASED #/exclusiveMaximum"}, strict: true, lenient: true},
		{name: "exclusiveMaximum decreased", original: `{"type":"number","exclusiveMaximum":5}`, update: `{"type":"number","exclusiveMaximum":4}`, want: []string{"EXCLUSIVE_MAXIMUM_DECREASED #/exclusiveMaximum"}},
		{name: "exclusiveMinimum added", original: `{"type":"number"}`, update: `{"type":"number","exclusiveMinimum":5}`, want: []string{"EXCLUSIVE_MINIMUM_ADDED #/exclusiveMinimum"}},
		{name: "exclusiveMinimum removed", original: `{"type":"number","exclusiveMinimum":5}`, update: `{"type":"number"}`, want: []string{"EXCLUSIVE_MINIMUM_REMOVED #/exclusiveMinimum"}, strict: true, lenient: true},
		{name: "exclusiveMinimum increased", original: `{"type":"number","exclusiveMinimum":5}`, update: `{"type":"number","exclusiveMinimum":6}`, want: []string{"EXCLUSIVE_MINIMUM_INCREASED #/exclusiveMinimum"}},
		{name: "exclusiveMinimum decreased", original: `{"type":"number","exclusiveMinimum":5}`, update: `{"type":"number","exclusiveMinimum":4}`, want: []string{"EXCLUSIVE_MINIMUM_DECREASED #/exclusiveMinimum"}, strict: true, lenient: true},
		{name: "draft-04 boolean exclusiveMaximum not compared", original: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":5,"exclusiveMaximum":true}`, update: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":5}`, strict: true, lenient: true},
		{name: "multipleOf added", original: `{"type":"number"}`, update: `{"type":"number","multipleOf":2}`, want: []string{"MULTIPLE_OF_ADDED #/multipleOf"}},
		{name: "multipleOf removed", original: `{"type":"number","multipleOf":2}`, update: `{"type":"number"}`, want: []string{"MULTIPLE_OF_REMOVED #/multipleOf"}, strict: true, lenient: true},
		{name: "multipleOf expanded", original: `{"type":"number","multipleOf":0.5}`, update: `{"type":"number","multipleOf":10}`, want: []string{"MULTIPLE_OF_EXPANDED #/multipleOf"}},
		{name: "multipleOf reduced", original: `{"type":"number","multipleOf":10}`, update: `{"type":"number","multipleOf":2.5}`, want: []string{"MULTIPLE_OF_REDUCED #/multipleOf"}, strict: true, lenient: true},
		{name: "multipleOf changed", original: `{"type":"number","multipleOf":3}`, update: `{"type":"number","multipleOf":5}`, want: []string{"MULTIPLE_OF_CHANGED #/multipleOf"}},
		{name: "multipleOf same value other scale", original: `{"type":"number","multipleOf":0.5}`, update: `{"type":"number","multipleOf":0.50}`, strict: true, lenient: true},

		// Objects: required
		{name: "required added", original: `{"properties":{"a":{"type":"string"}}}`, update: `{"properties":{"a":{"type":"string"}},"required":["a"]}`, want: []string{"REQUIRED_ATTRIBUTE_ADDED #/required/a"}},
		{name: "required with default added", original: `{"properties":{"a":{"type":"string"}}}`, update: `{"properties":{"a":{"type":"string","default":"x"}},"required":["a"]}`, want: []string{"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED #/required/a", "DEFAULT_CHANGED #/properties/a"}, strict: true, lenient: true},
		{name: "required removed", original: `{"properties":{"a":{"type":"string"}},"required":["a"]}`, update: `{"properties":{"a":{"type":"string"}}}`, want: []string{"REQUIRED_ATTRIBUTE_REMOVED #/required/a"}, strict: true, lenient: true},
		{name: "required of undeclared property ignored", original: `{"type":"object","required":["a"]}`, update: `{"type":"object","required":["a","b"]}`, strict: true, lenient: true},
		{name: "maxProperties added", original: `{"type":"object"}`, update: `{"type":"object","maxProperties":3}`, want: []string{"MAX_PROPERTIES_ADDED #/maxProperties"}},
		{name: "maxProperties removed", original: `{"type":"object","maxProperties":3}`, update: `{"type":"object"}`, want: []string{"MAX_PROPERTIES_REMOVED #/maxProperties"}, strict: true, lenient: true},
		{name: "maxProperties increased", original: `{"type":"object","maxProperties":3}`, update: `{"type":"object","maxProperties":4}`, want: []string{"MAX_PROPERTIES_INCREASED #/maxProperties"}, strict: true, lenient: true},
		{name: "maxProperties decreased", original: `{"type":"object","maxProperties":3}`, update: `{"type":"object","maxProperties":2}`, want: []string{"MAX_PROPERTIES_DECREASED #/maxProperties"}},
		{name: "minProperties added", original: `{"type":"object"}`, update: `{"type":"object","minProperties":1}`, want: []string{"MIN_PROPERTIES_ADDED #/minProperties"}},
		{name: "minProperties removed", original: `{"type":"object","minProperties":1}`, update: `{"type":"object"}`, want: []string{"MIN_PROPERTIES_REMOVED #/minProperties"}, strict: true, lenient: true},
		{name: "minProperties increased", original: `{"type":"object","minProperties":1}`, update: `{"type":"object","minProperties":2}`, want: []string{"MIN_PROPERTIES_INCREASED #/minProperties"}},
		{name: "minProperties decreased", original: `{"type":"object","minProperties":2}`, update: `{"type":"object","minProperties":1}`, want: []string{"MIN_PROPERTIES_DECREASED #/minProperties"}, strict: true, lenient: true},

		// Objects: additionalProperties
		{name: "additionalProperties false to absent", original: `{"type":"object","additionalProperties":false}`, update: `{"type":"object"}`, want: []string{"ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"}, strict: true, lenient: true},
		{name: "additionalProperties absent to false", original: `{"type":"object"}`, update: `{"type":"object","additionalProperties":false}`, want: []string{"ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties"}, lenient: true},
		{name: "additionalProperties schema to true", original: `{"type":"object","additionalProperties":{"type":"string"}}`, update: `{"type":"object","additionalProperties":true}`, want: []string{"ADDITIONAL_PROPERTIES_EXTENDED #/additionalProperties"}, strict: true, lenient: true},
		{name: "additionalProperties absent to schema", original: `{"type":"object"}`, update: `{"type":"object","additionalProperties":{"type":"string"}}`, want: []string{"ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties"}, lenient: true},
		{name: "additionalProperties schema narrowed", original: `{"type":"object","additionalProperties":{"type":"number"}}`, update: `{"type":"object","additionalProperties":{"type":"integer"}}`, want: []string{"TYPE_NARROWED #/additionalProperties"}},

		// Objects: dependencies
		{name: "dependency array added", original: `{"properties":{"a":{},"b":{}}}`, update: `{"properties":{"a":{},"b":{}},"dependencies":{"a":["b"]}}`, want: []string{"DEPENDENCY_ARRAY_ADDED #/dependencies/a"}},
		{name: "dependency array removed", original: `{"properties":{"a":{},"b":{}},"dependencies":{"a":["b"]}}`, update: `{"properties":{"a":{},"b":{}}}`, want: []string{"DEPENDENCY_ARRAY_REMOVED #/dependencies/a"}, strict: true, lenient: true},
		{name: "dependency array extended", original: `{"dependencies":{"a":["b"]}}`, update: `{"dependencies":{"a":["b","c"]}}`, want: []string{"DEPENDENCY_ARRAY_EXTENDED #/dependencies/a"}},
		{name: "dependency array narrowed", original: `{"dependencies":{"a":["b","c"]}}`, update: `{"dependencies":{"a":["c"]}}`, want: []string{"DEPENDENCY_ARRAY_NARROWED #/dependencies/a"}, strict: true, lenient: true},
		{name: "dependency array changed", original: `{"dependencies":{"a":["b"]}}`, update: `{"dependencies":{"a":["c"]}}`, want: []string{"DEPENDENCY_ARRAY_CHANGED #/dependencies/a"}},
		{name: "dependentRequired 2020-12", original: `{` + d2020 + `"dependentRequired":{"a":["b"]}}`, update: `{` + d2020 + `"dependentRequired":{"a":["b","c"]}}`, want: []string{"DEPENDENCY_ARRAY_EXTENDED #/dependencies/a"}},
		{name: "dependency schema added", original: `{"type":"object"}`, update: `{"type":"object","dependencies":{"a":{"required":["b"]}}}`, want: []string{"DEPENDENCY_SCHEMA_ADDED #/dependencies/a"}},
		{name: "dependency schema removed", original: `{` + d2020 + `"dependentSchemas":{"a":{"required":["b"]}}}`, update: `{` + d2020 + `"type":"object"}`, want: []string{"DEPENDENCY_SCHEMA_REMOVED #/dependencies/a"}, strict: true, lenient: true},
		{name: "dependency schema changed", original: `{"dependencies":{"a":{"properties":{"b":{"type":"string"}}}}}`, update: `{"dependencies":{"a":{"properties":{"b":{"type":"integer"}}}}}`, want: []string{"TYPE_CHANGED #/dependencies/a/properties/b"}},

		// Objects: content models, properties added
		{name: "required property added to open model", original: `{"type":"object"}`, update: `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, want: []string{"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/a"}},
		{name: "required property with default added to open model", original: `{"type":"object"}`, update: `{"type":"object","properties":{"a":{"type":"string","default":""}},"required":["a"]}`, want: []string{"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL #/properties/a"}, lenient: true},
		{name: "optional property added to open model", original: `{"type":"object","properties":{"a":{"type":"string"}}}`, update: `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}`, want: []string{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"}, lenient: true},
		{name: "empty-schema property added to open model", original: `{"type":"object"}`, update: `{"type":"object","properties":{"a":{}}}`, want: []string{"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "required property added to closed model", original: `{"type":"object","additionalProperties":false}`, update: `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}},"required":["a"]}`, want: []string{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/a"}},
		{name: "required property with default added to closed model", original: `{"type":"object","additionalProperties":false}`, update: `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string","default":""}},"required":["a"]}`, want: []string{"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "optional property added to closed model", original: `{"type":"object","additionalProperties":false}`, update: `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}`, want: []string{"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "property added covered by additionalProperties", original: `{"type":"object","additionalProperties":{"type":"integer"}}`, update: `{"type":"object","additionalProperties":{"type":"integer"},"properties":{"a":{"type":"number"}}}`, want: []string{"TYPE_EXTENDED #/properties/a", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "property added not covered by patternProperties", original: `{"type":"object","patternProperties":{"^i_":{"type":"integer"}}}`, update: `{"type":"object","patternProperties":{"^i_":{"type":"integer"}},"properties":{"i_a":{"type":"string"}}}`, want: []string{"TYPE_CHANGED #/properties/i_a", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/i_a", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/i_a"}},
		{name: "property added beside unmatched patternProperties", original: `{"type":"object","patternProperties":{"^i_":{"type":"integer"}}}`, update: `{"type":"object","patternProperties":{"^i_":{"type":"integer"}},"properties":{"s":{"type":"string"}}}`, want: []string{"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/s"}, strict: true, lenient: true},

		// Objects: content models, properties removed
		{name: "property removed from open model", original: `{"type":"object","properties":{"a":{"type":"string"}}}`, update: `{"type":"object"}`, want: []string{"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "property removed from closed model", original: `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`, update: `{"type":"object","additionalProperties":false}`, want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a"}, lenient: true},
		{name: "false property removed from closed model", original: `{"type":"object","properties":{"a":false},"additionalProperties":false}`, update: `{"type":"object","additionalProperties":false}`, want: []string{"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "property removed covered by additionalProperties", original: `{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"number"}}`, update: `{"type":"object","additionalProperties":{"type":"number"}}`, want: []string{"TYPE_EXTENDED #/properties/a", "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},
		{name: "property removed not covered by additionalProperties", original: `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"number"}}`, update: `{"type":"object","additionalProperties":{"type":"number"}}`, want: []string{"TYPE_CHANGED #/properties/a", "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a"}},
		{name: "property removed covered only under LENIENT", original: `{"type":"object","properties":{"a":{"type":"object","properties":{"x":{"type":"string"}}}},"additionalProperties":{"type":"object","additionalProperties":false}}`, update: `{"type":"object","additionalProperties":{"type":"object","additionalProperties":false}}`, want: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a/properties/x", "ADDITIONAL_PROPERTIES_REMOVED #/properties/a/additionalProperties", "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a"}, lenient: true},
		{name: "property removed covered by patternProperties", original: `{"type":"object","properties":{"s_a":{"type":"string","maxLength":3}},"additionalProperties":false}`, update: `{"type":"object","patternProperties":{"^s_":{"type":"string"}},"additionalProperties":false}`, want: []string{"MAX_LENGTH_REMOVED #/properties/s_a/maxLength", "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/s_a"}, strict: true, lenient: true},

		// Objects: unevaluatedProperties (2019-09 and later)
		{name: "unevaluatedProperties false removed", original: `{` + d2020 + `"type":"object","unevaluatedProperties":false}`, update: `{` + d2020 + `"type":"object"}`, want: []string{"UNEVALUATED_PROPERTIES_ADDED #/unevaluatedProperties"}, strict: true, lenient: true},
		{name: "unevaluatedProperties false added", original: `{` + d2020 + `"type":"object"}`, update: `{` + d2020 + `"type":"object","unevaluatedProperties":false}`, want: []string{"UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties"}, lenient: true},
		{name: "unevaluatedProperties schema to true", original: `{` + d2020 + `"type":"object","unevaluatedProperties":{"type":"string"}}`, update: `{` + d2020 + `"type":"object","unevaluatedProperties":true}`, want: []string{"UNEVALUATED_PROPERTIES_EXTENDED #/unevaluatedProperties"}, strict: true, lenient: true},
		{name: "unevaluatedProperties schema added", original: `{` + d2020 + `"type":"object"}`, update: `{` + d2020 + `"type":"object","unevaluatedProperties":{"type":"string"}}`, want: []string{"UNEVALUATED_PROPERTIES_NARROWED #/unevaluatedProperties"}, lenient: true},
		{name: "unevaluatedProperties ignored in draft 7", original: `{"type":"object"}`, update: `{"type":"object","unevaluatedProperties":false}`, strict: true, lenient: true},
		{name: "property removed covered by unevaluatedProperties", original: `{` + d2020 + `"type":"object","properties":{"a":{"type":"string"}},"unevaluatedProperties":{"type":"string"}}`, update: `{` + d2020 + `"type":"object","unevaluatedProperties":{"type":"string"}}`, want: []string{"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a"}, strict: true, lenient: true},

		// Arrays
		{name: "maxItems added", original: `{"type":"array"}`, update: `{"type":"array","maxItems":3}`, want: []string{"MAX_ITEMS_ADDED #/maxItems"}},
		{name: "maxItems removed", original: `{"type":"array","maxItems":3}`, update: `{"type":"array"}`, want: []string{"MAX_ITEMS_REMOVED #/maxItems"}, strict: true, lenient: true},
		{name: "maxItems increased", original: `{"type":"array","maxItems":3}`, update: `{"type":"array","maxItems":4}`, want: []string{"MAX_ITEMS_INCREASED #/maxItems"}, strict: true, lenient: true},
		{name: "maxItems decreased", original: `{"type":"array","maxItems":3}`, update: `{"type":"array","maxItems":2}`, want: []string{"MAX_ITEMS_DECREASED #/maxItems"}},
		{name: "minItems added", original: `{"type":"array"}`, update: `{"type":"array","minItems":1}`, want: []string{"MIN_ITEMS_ADDED #/minItems"}},
		{name: "minItems removed", original: `{"type":"array","minItems":1}`, update: `{"type":"array"}`, want: []string{"MIN_ITEMS_REMOVED #/minItems"}, strict: true, lenient: true},
		{name: "minItems increased", original: `{"type":"array","minItems":1}`, update: `{"type":"array","minItems":2}`, want: []string{"MIN_ITEMS_INCREASED #/minItems"}},
		{name: "minItems decreased", original: `{"type":"array","minItems":2}`, update: `{"type":"array","minItems":1}`, want: []string{"MIN_ITEMS_DECREASED #/minItems"}, strict: true, lenient: true},
		{name: "maxContains added", original: `{` + d2020 + `"type":"array","contains":{"type":"string"}}`, update: `{` + d2020 + `"type":"array","contains":{"type":"string"},"maxContains":2}`, want: []string{"MAX_CONTAINS_ADDED #/maxContains"}},
		{name: "maxContains removed", original: `{` + d2020 + `"type":"array","contains":{},"maxContains":2}`, update: `{` + d2020 + `"type":"array","contains":{}}`, want: []string{"MAX_CONTAINS_REMOVED #/maxContains"}, strict: true, lenient: true},
		{name: "maxContains increased", original: `{` + d2020 + `"type":"array","contains":{},"maxContains":2}`, update: `{` + d2020 + `"type":"array","contains":{},"maxContains":3}`, want: []string{"MAX_CONTAINS_INCREASED #/maxContains"}, strict: true, lenient: true},
		{name: "maxContains decreased", original: `{` + d2020 + `"type":"array","contains":{},"maxContains":2}`, update: `{` + d2020 + `"type":"array","contains":{},"maxContains":1}`, want: []string{"MAX_CONTAINS_DECREASED #/maxContains"}},
		{name: "minContains added", original: `{` + d2020 + `"type":"array","contains":{}}`, update: `{` + d2020 + `"type":"array","contains":{},"minContains":2}`, want: []string{"MIN_CONTAINS_ADDED #/minContains"}},
		{name: "minContains removed", original: `{` + d2020 + `"type":"array","contains":{},"minContains":2}`, update: `{` + d2020 + `"type":"array","contains":{}}`, want: []string{"MIN_CONTAINS_REMOVED #/minContains"}, strict: true, lenient: true},
		{name: "minContains increased", original: `{` + d2020 + `"type":"array","contains":{},"minContains":2}`, update: `{` + d2020 + `"type":"array","contains":{},"minContains":3}`, want: []string{"MIN_CONTAINS_INCREASED #/minContains"}},
		{name: "minContains decreased", original: `{` + d2020 + `"type":"array","contains":{},"minContains":2}`, update: `{` + d2020 + `"type":"array","contains":{},"minContains":1}`, want: []string{"MIN_CONTAINS_DECREASED #/minContains"}, strict: true, lenient: true},
		{name: "uniqueItems added", original: `{"type":"array"}`, update: `{"type":"array","uniqueItems":true}`, want: []string{"UNIQUE_ITEMS_ADDED #/uniqueItems"}},
		{name: "uniqueItems removed", original: `{"type":"array","uniqueItems":true}`, update: `{"type":"array","uniqueItems":false}`, want: []string{"UNIQUE_ITEMS_REMOVED #/uniqueItems"}, strict: true, lenient: true},
		{name: "items narrowed", original: `{"type":"array","items":{"type":"number"}}`, update: `{"type":"array","items":{"type":"integer"}}`, want: []string{"TYPE_NARROWED #/items"}},

		// Arrays: additionalItems, unevaluatedItems
		{name: "additionalItems false removed", original: `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, update: `{"type":"array","items":[{"type":"string"}]}`, want: []string{"ADDITIONAL_ITEMS_ADDED #/additionalItems"}, strict: true, lenient: true},
		{name: "additionalItems false added", original: `{"type":"array","items":[{"type":"string"}]}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, want: []string{"ADDITIONAL_ITEMS_REMOVED #/additionalItems"}},
		{name: "additionalItems schema to true", original: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":true}`, want: []string{"ADDITIONAL_ITEMS_EXTENDED #/additionalItems"}, strict: true, lenient: true},
		{name: "additionalItems schema added", original: `{"type":"array","items":[{"type":"string"}]}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}`, want: []string{"ADDITIONAL_ITEMS_NARROWED #/additionalItems"}},
		{name: "items false in 2020-12 removed", original: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"}],"items":false}`, update: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"}]}`, want: []string{"ADDITIONAL_ITEMS_ADDED #/additionalItems"}, strict: true, lenient: true},
		{name: "unevaluatedItems false removed", original: `{` + d2020 + `"type":"array","unevaluatedItems":false}`, update: `{` + d2020 + `"type":"array"}`, want: []string{"UNEVALUATED_ITEMS_ADDED #/unevaluatedItems"}, strict: true, lenient: true},
		{name: "unevaluatedItems false added", original: `{` + d2020 + `"type":"array"}`, update: `{` + d2020 + `"type":"array","unevaluatedItems":false}`, want: []string{"UNEVALUATED_ITEMS_REMOVED #/unevaluatedItems"}},
		{name: "unevaluatedItems schema to absent", original: `{` + d2020 + `"type":"array","unevaluatedItems":{"type":"string"}}`, update: `{` + d2020 + `"type":"array"}`, want: []string{"UNEVALUATED_ITEMS_EXTENDED #/unevaluatedItems"}, strict: true, lenient: true},
		{name: "unevaluatedItems schema added", original: `{` + d2020 + `"type":"array"}`, update: `{` + d2020 + `"type":"array","unevaluatedItems":{"type":"string"}}`, want: []string{"UNEVALUATED_ITEMS_NARROWED #/unevaluatedItems"}},

		// Arrays: tuples
		{name: "item added to open tuple", original: `{"type":"array","items":[{"type":"string"}]}`, update: `{"type":"array","items":[{"type":"string"},{"type":"integer"}]}`, want: []string{"ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"}},
		{name: "empty item added to open tuple", original: `{"type":"array","items":[{"type":"string"}]}`, update: `{"type":"array","items":[{"type":"string"},{}]}`, want: []string{"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "item added to closed tuple", original: `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, update: `{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}`, want: []string{"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "item removed from open tuple", original: `{"type":"array","items":[{"type":"string"},{"type":"integer"}]}`, update: `{"type":"array","items":[{"type":"string"}]}`, want: []string{"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "false item removed from closed tuple", original: `{"type":"array","items":[{"type":"string"},false],"additionalItems":false}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, want: []string{"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "item removed from closed tuple", original: `{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, want: []string{"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"}},
		{name: "item removed covered by additionalItems", original: `{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"number"}}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}}`, want: []string{"TYPE_EXTENDED #/items/1", "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "item removed not covered by additionalItems", original: `{"type":"array","items":[{"type":"string"},{"type":"string"}],"additionalItems":{"type":"number"}}`, update: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}}`, want: []string{"TYPE_CHANGED #/items/1", "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"}},
		{name: "item added covered by additionalItems", original: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"integer"}}`, update: `{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"integer"}}`, want: []string{"TYPE_EXTENDED #/items/1", "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "item added not covered by additionalItems", original: `{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}}`, update: `{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"number"}}`, want: []string{"TYPE_NARROWED #/items/1", "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"}},
		{name: "2020-12 prefixItems added to closed tuple", original: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"}],"items":false}`, update: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}`, want: []string{"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},
		{name: "2020-12 item removed covered by unevaluatedItems", original: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"unevaluatedItems":{"type":"integer"}}`, update: `{` + d2020 + `"type":"array","prefixItems":[{"type":"string"}],"unevaluatedItems":{"type":"integer"}}`, want: []string{"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"}, strict: true, lenient: true},

		// Enums and const
		{name: "enum extended", original: `{"enum":["a","b"]}`, update: `{"enum":["b","a","c"]}`, want: []string{"ENUM_ARRAY_EXTENDED #/enum"}, strict: true, lenient: true},
		{name: "enum narrowed", original: `{"enum":["a","b"]}`, update: `{"enum":["a"]}`, want: []string{"ENUM_ARRAY_NARROWED #/enum"}},
		{name: "enum changed", original: `{"enum":["a","b"]}`, update: `{"enum":["a","c"]}`, want: []string{"ENUM_ARRAY_CHANGED #/enum"}},
		{name: "enum of objects reordered keys", original: `{"enum":[{"a":1,"b":2}]}`, update: `{"enum":[{"b":2,"a":1}]}`, strict: true, lenient: true},
		{name: "const changed", original: `{"const":"a"}`, update: `{"const":"b"}`, want: []string{"ENUM_ARRAY_CHANGED #/const"}},
		{name: "typed enum extended", original: `{"type":"string","enum":["a"]}`, update: `{"type":"string","enum":["a","b"]}`, want: []string{"ENUM_ARRAY_EXTENDED #/allOf/0/enum"}, strict: true, lenient: true},
		{name: "typed enum dropped", original: `{"type":"string","enum":["a"]}`, update: `{"type":"string"}`, want: []string{"PRODUCT_TYPE_NARROWED #/"}, strict: true, lenient: true},
		{name: "enum added to typed", original: `{"type":"string"}`, update: `{"type":"string","enum":["a"]}`, want: []string{"TYPE_CHANGED #/"}},

		// Combined schemas
		{name: "oneOf to anyOf", original: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, update: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, want: []string{"COMBINED_TYPE_EXTENDED #/"}, strict: true, lenient: true},
		{name: "anyOf to oneOf", original: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, update: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, want: []string{"COMBINED_TYPE_CHANGED #/"}},
		{name: "allOf singleton to oneOf singleton", original: `{"allOf":[{"type":"string"}]}`, update: `{"oneOf":[{"type":"string"}]}`, want: []string{"COMBINED_TYPE_EXTENDED #/"}, strict: true, lenient: true},
		{name: "allOf extended", original: `{"allOf":[{"type":"object","properties":{"a":{}}}]}`, update: `{"allOf":[{"type":"object","properties":{"a":{}}},{"required":["a"]}]}`, want: []string{"PRODUCT_TYPE_EXTENDED #/"}},
		{name: "allOf narrowed", original: `{"allOf":[{"type":"string"},{"maxLength":3}]}`, update: `{"allOf":[{"type":"string"}]}`, want: []string{"PRODUCT_TYPE_NARROWED #/"}, strict: true, lenient: true},
		{name: "oneOf extended", original: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, update: `{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}`, want: []string{"SUM_TYPE_EXTENDED #/"}, strict: true, lenient: true},
		{name: "oneOf narrowed", original: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, update: `{"oneOf":[{"type":"string"}]}`, want: []string{"SUM_TYPE_NARROWED #/"}},
		{name: "type made nullable", original: `{"type":"string"}`, update: `{"type":["string","null"]}`, want: []string{"SUM_TYPE_EXTENDED #/"}, strict: true, lenient: true},
		{name: "nullable made required", original: `{"type":["string","null"]}`, update: `{"type":"string"}`, want: []string{"TYPE_CHANGED #/"}},
		{name: "oneOf member changed", original: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, update: `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`, want: []string{"COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"}},
		{name: "oneOf members matched across order", original: `{"oneOf":[{"type":"string","maxLength":3},{"type":"integer"}]}`, update: `{"oneOf":[{"type":"number"},{"type":"string"}]}`, want: []string{"MAX_LENGTH_REMOVED #/oneOf/0/maxLength", "TYPE_EXTENDED #/oneOf/1"}, strict: true, lenient: true},
		{name: "duplicate members collapse", original: `{"anyOf":[{"type":"string"},{"type":"string"}]}`, update: `{"anyOf":[{"type":"string"}]}`, strict: true, lenient: true},

		// not
		{name: "not narrowed", original: `{"not":{"type":"string"}}`, update: `{"not":{"type":"string","maxLength":3}}`, want: []string{"NOT_TYPE_NARROWED #/not"}, strict: true, lenient: true},
		{name: "not extended", original: `{"not":{"type":"string","maxLength":3}}`, update: `{"not":{"type":"string"}}`, want: []string{"NOT_TYPE_EXTENDED #/not"}},

		// $ref
		{name: "ref to definitions changed", original: `{"properties":{"a":{"$ref":"#/definitions/A"}},"definitions":{"A":{"type":"string"}}}`, update: `{"properties":{"a":{"$ref":"#/definitions/A"}},"definitions":{"A":{"type":"integer"}}}`, want: []string{"TYPE_CHANGED #/properties/a"}},
		{name: "ref to $defs inlined", original: `{` + d2020 + `"properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"integer"}}}`, update: `{` + d2020 + `"properties":{"a":{"type":"number"}}}`, want: []string{"TYPE_EXTENDED #/properties/a"}, strict: true, lenient: true},
		{name: "ref with escaped pointer", original: `{"properties":{"a":{"$ref":"#/definitions/a~1b%20c"}},"definitions":{"a/b c":{"type":"string"}}}`, update: `{"properties":{"a":{"type":"string","maxLength":1}}}`, want: []string{"MAX_LENGTH_ADDED #/properties/a/maxLength"}},
		{name: "ref to anchor", original: `{"properties":{"a":{"$ref":"#A"}},"definitions":{"A":{"$id":"#A","type":"string"}}}`, update: `{"properties":{"a":{"$ref":"#A"}},"definitions":{"A":{"$id":"#A","type":"string","minLength":1}}}`, want: []string{"MIN_LENGTH_ADDED #/properties/a/minLength"}},
		{name: "ref to 2020-12 $anchor", original: `{` + d2020 + `"properties":{"a":{"$ref":"#A"}},"$defs":{"A":{"$anchor":"A","type":"string"}}}`, update: `{` + d2020 + `"properties":{"a":{"type":"string"}}}`, strict: true, lenient: true},
		{name: "draft-07 ignores siblings of $ref", original: `{"properties":{"a":{"$ref":"#/definitions/A","maxLength":3}},"definitions":{"A":{"type":"string"}}}`, update: `{"properties":{"a":{"type":"string"}}}`, strict: true, lenient: true},
		{name: "recursive ref unchanged", original: `{"$ref":"#/definitions/node","definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"},"v":{"type":"string"}}}}}`, update: `{"$ref":"#/definitions/node","definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"},"v":{"type":"string"}}}}}`, strict: true, lenient: true},
		{name: "recursive ref changed", original: `{"$ref":"#/definitions/node","definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"},"v":{"type":"string"}}}}}`, update: `{"$ref":"#/definitions/node","definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"},"v":{"type":"integer"}}}}}`, want: []string{"TYPE_CHANGED #/properties/v", "TYPE_CHANGED #/properties/next/properties/v"}},
		{name: "self ref loop", original: `{"definitions":{"x":{"$ref":"#/definitions/x"}},"properties":{"a":{"$ref":"#/definitions/x"}}}`, update: `{"definitions":{"x":{"$ref":"#/definitions/x"}},"properties":{"a":{"$ref":"#/definitions/x"}}}`, strict: true, lenient: true},
		{name: "default beside $ref counts for required", original: `{"properties":{"a":{"$ref":"#/definitions/S"}},"definitions":{"S":{"type":"string"}}}`, update: `{"properties":{"a":{"$ref":"#/definitions/S","default":"x"}},"required":["a"],"definitions":{"S":{"type":"string"}}}`, want: []string{"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED #/required/a"}, strict: true, lenient: true},
		{name: "default inside the $ref target does not count", original: `{"properties":{"a":{"$ref":"#/definitions/S"}},"definitions":{"S":{"type":"string","default":"x"}}}`, update: `{"properties":{"a":{"$ref":"#/definitions/S"}},"required":["a"],"definitions":{"S":{"type":"string","default":"x"}}}`, want: []string{"REQUIRED_ATTRIBUTE_ADDED #/required/a"}},
		{name: "$ref to an empty schema is not an empty-schema property", original: `{"type":"object","definitions":{"Any":{}}}`, update: `{"type":"object","properties":{"a":{"$ref":"#/definitions/Any"}},"definitions":{"Any":{}}}`, want: []string{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/a"}, lenient: true},
		{name: "draft-04 id", original: `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"id":"#a","type":"string"}}}`, update: `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"id":"#b","type":"string"}}}`, want: []string{"ID_CHANGED #/properties/a"}, strict: true, lenient: true},
		{name: "conditional not compared", original: `{"type":"object","if":{"required":["a"]},"then":{"required":["b"]}}`, update: `{"type":"object","if":{"required":["a"]},"then":{"required":["c"]}}`, strict: true, lenient: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := diffStrings(t, tc.original, tc.update)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("differences\n got  %v\n want %v", got, want)
			}
			for _, p := range []struct {
				policy Policy
				want   bool
			}{{Strict, tc.strict}, {Lenient, tc.lenient}} {
				fs, err := CanReadPolicy(context.Background(), p.policy, jsonSchema(tc.update), jsonSchema(tc.original), nil)
				if err != nil {
					t.Fatal(err)
				}
				if (len(fs) == 0) != p.want {
					t.Errorf("%s: compatible = %v, want %v; findings %v", p.policy, len(fs) == 0, p.want, fs)
				}
			}
		})
	}
}

func jsonSchema(text string) serde.Schema { return serde.Schema{Format: serde.JSON, Text: text} }

func diffStrings(t *testing.T, original, update string) []string {
	t.Helper()
	ds, err := Compare(context.Background(), jsonSchema(original), jsonSchema(update), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	slices.Sort(out)
	return out
}

// TestPolicySets pins the sizes of Confluent's STRICT (65) and LENIENT (74)
// compatible sets.
func TestPolicySets(t *testing.T) {
	if n := len(strictCompatible); n != 65 {
		t.Errorf("strict set has %d types, want 65", n)
	}
	if n := len(compatibleSets[Lenient]); n != 74 {
		t.Errorf("lenient set has %d types, want 74", n)
	}
	for _, typ := range lenientOnly {
		if Strict.Compatible(typ) || !Lenient.Compatible(typ) {
			t.Errorf("%s should be compatible under LENIENT only", typ)
		}
	}
	if !strings.HasSuffix(string(PropertyRemovedFromOpenContentModel), "OPEN_CONTENT_MODEL") || !Strict.Compatible(PropertyRemovedFromOpenContentModel) {
		t.Error("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL should be compatible under both policies")
	}
}

// TestEveryTypeHasACase: every difference type the diff can emit appears
// in a TestRules case, so a rule without a test is noticed.
func TestEveryTypeHasACase(t *testing.T) {
	types, err := os.ReadFile("types.go")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := os.ReadFile("rules_test.go")
	if err != nil {
		t.Fatal(err)
	}
	neverEmitted := map[string]bool{
		"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":      true,
		"RESERVED_PROPERTY_REMOVED":                 true,
		"RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY": true,
	}
	all := regexp.MustCompile(`Type = "([A-Z_]+)"`).FindAllStringSubmatch(string(types), -1)
	if len(all) != 132 {
		t.Errorf("types.go defines %d difference types, want 132", len(all))
	}
	for _, m := range all {
		if neverEmitted[m[1]] {
			continue
		}
		if !strings.Contains(string(cases), `"`+m[1]+` #/`) {
			t.Errorf("%s has no TestRules case", m[1])
		}
	}
}

package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// violationSet renders violations as sorted "path|sentinel" lines, with
// duplicates removed: the library reports a property named twice in
// "required" once per name, and so does the plan, but the library folds
// what the plan may report twice (a duplicate key closed out).
//
// The library reports a violation inside a property named "" at the
// object's own location (its instance pointer does not grow for an empty
// token); the plan says [""]. The comparison drops that step.
func violationSet(vs []*serde.ValidationError) []string {
	var out []string
	for _, v := range vs {
		out = append(out, strings.ReplaceAll(v.Path, `[""]`, "")+"|"+v.Err.Error())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// comparePlan validates JSON text with the plan and with the library and
// reports how they differ: verdict, and the set of failing paths with
// their sentinels. It returns "" when they agree or the plan declined.
func comparePlan(s *Compiled, inst []byte) string {
	if s.plan == nil || !json.Valid(inst) {
		return ""
	}
	planErrs, ok := s.runPlan(inst, false)
	if !ok {
		return ""
	}
	libErr := s.validateLib(inst)
	lib := serde.Violations(libErr)
	if libErr != nil && len(lib) == 0 {
		return fmt.Sprintf("library error without violations: %v", libErr)
	}
	if (len(planErrs) == 0) != (libErr == nil) {
		return fmt.Sprintf("verdicts differ: plan %v, library %v", planErrs, libErr)
	}
	p, l := violationSet(planErrs), violationSet(lib)
	if !slices.Equal(p, l) {
		return fmt.Sprintf("violations differ:\nplan    %s\nlibrary %s", strings.Join(p, "; "), strings.Join(l, "; "))
	}
	// The same text without whitespace, as encoding/json writes it, on
	// the plan's compact path.
	var c bytes.Buffer
	if err := json.Compact(&c, inst); err == nil {
		compactErrs, ok := s.runPlan(c.Bytes(), true)
		if cp := violationSet(compactErrs); ok && !slices.Equal(cp, l) {
			return fmt.Sprintf("compact path differs:\nplan    %s\nlibrary %s", strings.Join(cp, "; "), strings.Join(l, "; "))
		}
	}
	return ""
}

// diffSchemas are the schemas of the differential tests and of the seed
// corpus of FuzzPlanVsSanthosh: every keyword the plan implements, in
// each draft where it differs.
var diffSchemas = []string{
	`{"type":"object","properties":{"a":{"type":"integer","minimum":1,"maximum":10},"b":{"type":"string","minLength":2,"maxLength":4,"pattern":"^[a-z]+$"},"c":{"type":"array","items":{"type":"number","multipleOf":0.5},"minItems":1,"maxItems":3}},"required":["a","b"],"additionalProperties":false}`,
	`{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"at":{"type":"string","format":"date-time"},"d":{"type":"string","format":"date"},"mail":{"type":"string","format":"email"},"host":{"format":"hostname"},"ip":{"format":"ipv4"}}}`,
	`{"enum":["red","green",1,1.5,null,true]}`,
	`{"const":2}`,
	`{"type":["string","null"],"enum":["x","y",null]}`,
	`{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":100}`,
	`{"$defs":{"pos":{"type":"integer","minimum":0},"node":{"type":"object","properties":{"v":{"$ref":"#/$defs/pos"},"next":{"$ref":"#/$defs/node"}},"required":["v"]}},"$ref":"#/$defs/node"}`,
	`{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"s":{"type":"string"}},"properties":{"x":{"$ref":"#/definitions/s","type":"integer"}}}`,
	`{"$schema":"https://json-schema.org/draft/2019-09/schema","properties":{"x":{"$ref":"#/$defs/s","maxLength":3}},"$defs":{"s":{"type":"string"}}}`,
	`{"anyOf":[{"type":"string"},{"type":"integer","minimum":5}]}`,
	`{"oneOf":[{"type":"integer"},{"type":"number","minimum":2}]}`,
	`{"allOf":[{"required":["a"]},{"properties":{"a":{"type":"boolean"}}}]}`,
	`{"not":{"type":"null"},"minProperties":1,"maxProperties":2}`,
	`{"if":{"properties":{"k":{"const":"num"}},"required":["k"]},"then":{"properties":{"v":{"type":"number"}}},"else":{"properties":{"v":{"type":"string"}}}}`,
	`{"type":"object","additionalProperties":{"type":"integer"},"properties":{"name":{"type":"string"}},"required":["name","extra"]}`,
	`{"items":{"type":"object","properties":{"sku":{"type":"string"}},"required":["sku"]}}`,
	`{"properties":{"f":false,"t":true},"additionalProperties":false}`,
	`{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"n":{"type":"number","minimum":1,"exclusiveMinimum":true}}}`,
	`{"type":"integer","multipleOf":3,"maximum":9007199254740993}`,
	`{"properties":{"a~b/c":{"type":"string"},"x y":{"type":"integer"}},"required":["a~b/c","x y","2"]}`,
	`{"type":"string","pattern":"é+","minLength":2}`,
	`{"items":{"type":"array","items":{"enum":[0,1]}},"maxItems":2}`,
	`{"uniqueItems":true,"items":{"type":["string","number","object","array","boolean","null"]}}`,
	`{"patternProperties":{"^n_":{"type":"number","minimum":0},"_x$":{"type":"integer"},"é":{"maxLength":1}},"properties":{"n_fixed":{"type":"string"}},"additionalProperties":false}`,
	`{"type":"object","patternProperties":{"^[a-z]+$":{"type":"string"}},"additionalProperties":{"type":"boolean"},"maxProperties":3}`,
	`{"propertyNames":{"pattern":"^[a-z_]+$","maxLength":4},"dependentRequired":{"a":["b","c"],"zz":["a"]},"dependentSchemas":{"name":{"required":["extra"],"properties":{"extra":{"type":"integer"}}}}}`,
	`{"$schema":"http://json-schema.org/draft-07/schema#","dependencies":{"a":["b"],"n":{"properties":{"n":{"type":"string"}}}},"propertyNames":{"enum":["a","b","n","k"]}}`,
	`{"prefixItems":[{"type":"integer"},{"type":"string"}],"items":{"type":"boolean"},"contains":{"const":1},"minContains":1,"maxContains":2}`,
	`{"$schema":"https://json-schema.org/draft/2019-09/schema","items":{"type":"array","contains":{"type":"number","minimum":1}}}`,
}

var diffInstances = []string{
	`{}`, `null`, `true`, `0`, `1`, `1.0`, `-0`, `1e1`, `1.5`, `2.5e-1`, `9007199254740993`, `9007199254740994`, `"x"`, `"red"`, `"é"`, `"éé"`, `"\u00e9\u00e9"`, `[]`, `[1,2]`,
	`{"a":5,"b":"abc"}`, `{"a":0,"b":"ABCDE","c":[]}`, `{"a":"5","b":1,"c":[1.25,2,3,4],"z":1}`, `{"a":5.0,"b":"ab","c":[0.5]}`,
	`{"id":"6f1c2a4e-8b3d-4c8e-9a51-2f7d0c1b9e33","at":"2026-11-23T06:25:00Z","d":"2024-02-29","mail":"ada@example.com","host":"example.com","ip":"10.0.0.1"}`,
	`{"id":"not-a-uuid","at":"2026-13-23T06:25:00Z","d":"2023-02-29","mail":"ada@@example.com","host":"-bad-","ip":"10.0.0.256"}`,
	`{"at":"2026-11-23T23:59:60Z","mail":"\"quoted\"@example.com","d":"2024-1-01"}`,
	`{"v":1,"next":{"v":-1,"next":{"next":{}}}}`, `{"x":"abcd"}`, `{"x":5}`, `{"x":"ab"}`,
	`{"a":true}`, `{"a":1}`, `{"b":1}`, `{"k":"num","v":1}`, `{"k":"num","v":"1"}`, `{"k":"str","v":1}`,
	`{"name":"n","extra":1,"more":"x"}`, `{"name":1}`, `[{"sku":"a"},{"sku":1},{}]`, `{"f":1,"t":2,"u":3}`,
	`{"n":1}`, `{"n":1.5}`, `3`, `6`, `12`, `9007199254740995`, `{"a~b/c":1,"x y":"s"}`, `[[0,1],[2]]`, `[[0],[1],[0]]`,
	`{"a":1,"a":2}`, `{"name":"n","x":1,"x":"y"}`, `"\ud800"`, `{"\u0061":5,"b":"abc"}`,
	`[1,1.0]`, `[1,"1"]`, `["a","\u0061"]`, `[{"a":1,"b":[2]},{"b":[2.0],"a":1}]`, `[[1,2],[2,1]]`, `[null,false,0,""]`, `[true,true]`, `[-0,0]`, `[1e2,100]`,
	`{"n_a":-1,"n_x":1.5,"b_x":"s","n_fixed":1,"é":"ab","zz":1}`, `{"a":1,"b":2}`, `{"zz":1,"toolong":2,"a":3,"c":4}`, `{"name":"x","extra":"y"}`, `{"n":1,"k":2}`,
	`[1,"s",true,false,1]`, `[1,"s",1,1]`, `["s",1]`, `[[0],[],[2,"x"]]`, `[2,"s",true]`, `{"n_fixed":"s","n_b":2,"é":"a"}`, `{"abc":"s","ABC":true,"x1":1}`, `{"a":"x","b":"y","c":"z","D":false}`,
}

// TestPlanMatchesLibrary runs every instance through every schema on both
// validators.
func TestPlanMatchesLibrary(t *testing.T) {
	for i, text := range diffSchemas {
		t.Run(fmt.Sprintf("schema%d", i), func(t *testing.T) {
			s, err := Compile(context.Background(), serde.Schema{Text: text}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.plan == nil {
				t.Fatalf("no plan: %s", s.reason)
			}
			for _, inst := range diffInstances {
				if d := comparePlan(s, []byte(inst)); d != "" {
					t.Errorf("instance %s: %s", inst, d)
				}
			}
		})
	}
}

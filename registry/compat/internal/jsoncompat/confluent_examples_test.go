package jsoncompat

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// TestConfluentDiffExamples is a differential test against Confluent's own
// diff examples (json-schema-provider/src/test/resources/diff-*.json in
// confluentinc/schema-registry). Their licence (Confluent Community
// License) keeps them out of this repository, so the test reads them from
// the directory named by JSONCOMPAT_CONFLUENT_DIR and skips without it:
//
//	JSONCOMPAT_CONFLUENT_DIR=$HOME/schema-registry/json-schema-provider/src/test/resources \
//	  go test -run TestConfluentDiffExamples ./registry/compat/internal/jsoncompat/
//
// At commit 794611bd every verdict (STRICT and LENIENT) matches, and every
// list of changes except confluentChangeQuirks.
func TestConfluentDiffExamples(t *testing.T) {
	dir := os.Getenv("JSONCOMPAT_CONFLUENT_DIR")
	if dir == "" {
		t.Skip("JSONCOMPAT_CONFLUENT_DIR not set")
	}
	// Cases where Confluent's 2020-12 loader drops a keyword before the
	// diff sees it (a removed maxProperties, minProperties or minContains,
	// an added additionalProperties: true), so it lists no change; we list
	// the (compatible) change.
	confluentChangeQuirks := map[string]bool{
		"diff-schema-examples-2020-12.json#58": true,
		"diff-schema-examples-2020-12.json#61": true,
		"diff-schema-examples-2020-12.json#82": true,
		"diff-schema-examples-2020-12.json#89": true,
	}
	files := []string{"diff-schema-examples.json", "diff-combined-schema-examples.json", "diff-schema-examples-2020-12.json", "diff-combined-schema-examples-2020-12.json"}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			// One file has a trailing comma, which org.json accepts.
			b = regexp.MustCompile(`,(\s*[}\]])`).ReplaceAll(b, []byte("$1"))
			var cases []struct {
				Description string          `json:"description"`
				Original    json.RawMessage `json:"original_schema"`
				Update      json.RawMessage `json:"update_schema"`
				Changes     []string        `json:"changes"`
				Compatible  bool            `json:"compatible"`
				Lenient     *bool           `json:"compatible_lenient"`
			}
			if err := json.Unmarshal(b, &cases); err != nil {
				t.Fatal(err)
			}
			verdicts, exact := 0, 0
			for i, c := range cases {
				name := f + "#" + strconv.Itoa(i)
				ds, err := Compare(context.Background(), jsonSchema(string(c.Original)), jsonSchema(string(c.Update)), nil)
				if err != nil {
					t.Errorf("%s %s: %v", name, c.Description, err)
					continue
				}
				var got []string
				strict, lenient := true, true
				for _, d := range ds {
					got = append(got, d.String())
					strict = strict && Strict.Compatible(d.Type)
					lenient = lenient && Lenient.Compatible(d.Type)
				}
				wantLenient := c.Compatible
				if c.Lenient != nil {
					wantLenient = *c.Lenient
				}
				if strict == c.Compatible && lenient == wantLenient {
					verdicts++
				} else {
					t.Errorf("%s %s: STRICT %v LENIENT %v, want %v %v (changes %v, want %v)", name, c.Description, strict, lenient, c.Compatible, wantLenient, got, c.Changes)
				}
				want := slices.Clone(c.Changes)
				slices.Sort(got)
				slices.Sort(want)
				if slices.Equal(got, want) {
					exact++
				} else if !confluentChangeQuirks[name] {
					t.Errorf("%s %s: changes %v, want %v", name, c.Description, got, want)
				}
			}
			t.Logf("%s: verdicts %d/%d, changes %d/%d", f, verdicts, len(cases), exact, len(cases))
		})
	}
}

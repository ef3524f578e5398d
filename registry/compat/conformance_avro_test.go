package compat_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/compat/internal/avrocompat"
	"github.com/schemagen/schemagen/serde"
)

// The Avro conformance vectors, copied with their licences under testdata/.
const (
	avroJavaCases  = "testdata/avro/extracted/avro-java-compat-cases.json"
	hambaAvroCases = "testdata/hamba-avro/extracted/schema-compatibility-cases.json"
	apicurioAvro   = "testdata/apicurio-registry/schema-util/avro/src/test/resources/io/apicurio/registry/rules/compatibility/avro/compatibility-test-data.json"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func avroSchema(t *testing.T, raw json.RawMessage) serde.Schema {
	t.Helper()
	return serde.Schema{Format: serde.Avro, Text: string(raw)}
}

// passRate counts cases and fails the test below the committed rate.
type passRate struct {
	source      string
	pass, total int
	mustPassAll bool
}

func (p *passRate) check(t *testing.T) {
	t.Helper()
	t.Logf("%s: %d/%d", p.source, p.pass, p.total)
	if p.mustPassAll && p.pass != p.total {
		t.Errorf("%s: %d/%d, want all", p.source, p.pass, p.total)
	}
}

// TestConformanceAvroJava runs Apache Avro's Java compatibility cases: the
// verdict, and each incompatibility's type and location, must match.
func TestConformanceAvroJava(t *testing.T) {
	var file struct {
		Cases []struct {
			Source     string          `json:"source"`
			ReaderName string          `json:"reader_name"`
			WriterName string          `json:"writer_name"`
			Reader     json.RawMessage `json:"reader"`
			Writer     json.RawMessage `json:"writer"`
			Compatible bool            `json:"compatible"`
			Incompat   []struct {
				Type     string `json:"type"`
				Location string `json:"location"`
			} `json:"incompatibilities"`
		} `json:"cases"`
	}
	readJSON(t, avroJavaCases, &file)
	rate := passRate{source: "avro-java", mustPassAll: true}
	hamba := passRate{source: "avro-java (hamba/avro SchemaCompatibility, for comparison)"}
	for i, c := range file.Cases {
		name := c.Source + "/" + c.ReaderName + "<-" + c.WriterName
		rate.total++
		hamba.total++
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			incs, err := avrocompat.CheckSchemas(ctx, avroSchema(t, c.Reader), avroSchema(t, c.Writer), nil)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			var got, want []string
			for _, inc := range incs {
				got = append(got, inc.Rule+" "+inc.Location)
			}
			for _, inc := range c.Incompat {
				want = append(want, inc.Type+" "+inc.Location)
			}
			slices.Sort(got)
			slices.Sort(want)
			ok := (len(incs) == 0) == c.Compatible
			if len(c.Incompat) > 0 && !slices.Equal(got, want) {
				ok = false
			}
			if ok {
				rate.pass++
			} else {
				t.Errorf("case %d: got %v, want compatible=%v %v", i, got, c.Compatible, want)
			}
			if hambaVerdict(string(c.Reader), string(c.Writer)) == c.Compatible {
				hamba.pass++
			}
		})
	}
	rate.check(t)
	hamba.check(t)
}

// hambaVerdict is hamba/avro's own checker, run for comparison only.
func hambaVerdict(reader, writer string) bool {
	r, err := avro.ParseWithCache(reader, "", &avro.SchemaCache{})
	if err != nil {
		return false
	}
	w, err := avro.ParseWithCache(writer, "", &avro.SchemaCache{})
	if err != nil {
		return false
	}
	return avro.NewSchemaCompatibility().Compatible(r, w) == nil
}

// TestConformanceHambaAvro runs hamba/avro's compatibility table.
func TestConformanceHambaAvro(t *testing.T) {
	var file struct {
		Cases []struct {
			Name       string          `json:"name"`
			Reader     json.RawMessage `json:"reader"`
			Writer     json.RawMessage `json:"writer"`
			Compatible bool            `json:"compatible"`
		} `json:"cases"`
	}
	readJSON(t, hambaAvroCases, &file)
	rate := passRate{source: "hamba-avro", mustPassAll: true}
	for _, c := range file.Cases {
		rate.total++
		t.Run(c.Name, func(t *testing.T) {
			fs, err := compat.CanRead(context.Background(), avroSchema(t, c.Reader), avroSchema(t, c.Writer), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(fs) == 0; got != c.Compatible {
				t.Errorf("compatible = %v, want %v; findings %v", got, c.Compatible, fs)
				return
			}
			rate.pass++
		})
	}
	rate.check(t)
}

// TestConformanceApicurioAvro runs Apicurio Registry's Avro pairs: backward
// means BACKWARD holds and FORWARD fails, both means both hold, none means
// neither holds.
func TestConformanceApicurioAvro(t *testing.T) {
	var file struct {
		Tests []struct {
			Enabled       bool            `json:"enabled"`
			ID            string          `json:"id"`
			Compatibility string          `json:"compatibility"`
			Original      json.RawMessage `json:"original"`
			Updated       json.RawMessage `json:"updated"`
		} `json:"tests"`
	}
	readJSON(t, apicurioAvro, &file)
	rate := passRate{source: "apicurio-registry avro", mustPassAll: true}
	for _, c := range file.Tests {
		if !c.Enabled {
			continue
		}
		rate.total++
		t.Run(c.ID, func(t *testing.T) {
			ctx := context.Background()
			old := []compat.Version{{Version: 1, Schema: avroSchema(t, c.Original)}}
			next := avroSchema(t, c.Updated)
			back, err := compat.Check(ctx, compat.Backward, next, old, nil)
			if err != nil {
				t.Fatal(err)
			}
			fwd, err := compat.Check(ctx, compat.Forward, next, old, nil)
			if err != nil {
				t.Fatal(err)
			}
			var wantBack, wantFwd bool
			switch strings.ToLower(c.Compatibility) {
			case "backward":
				wantBack = true
			case "forward":
				wantFwd = true
			case "both":
				wantBack, wantFwd = true, true
			case "none":
			default:
				t.Fatalf("unknown compatibility %q", c.Compatibility)
			}
			if back.Compatible != wantBack || fwd.Compatible != wantFwd {
				t.Errorf("backward=%v forward=%v, want %v %v; findings %v %v", back.Compatible, fwd.Compatible, wantBack, wantFwd, back.Findings, fwd.Findings)
				return
			}
			rate.pass++
		})
	}
	rate.check(t)
}

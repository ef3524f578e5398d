package jsoncompat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// definitionChain is issue 13's reproducer: levels $defs, each with two
// properties that $ref the one before, so the last reaches the first along
// 2^(levels-1) paths; extra adds a property to the first.
func definitionChain(levels int, extra bool) string {
	var defs []string
	for i := 0; i < levels; i++ {
		props := `"x":{"type":"string"}`
		if i > 0 {
			props = fmt.Sprintf(`"l":{"$ref":"#/$defs/d%d"},"r":{"$ref":"#/$defs/d%d"}`, i-1, i-1)
		}
		if i == 0 && extra {
			props += `,"y":{"type":"integer"}`
		}
		defs = append(defs, fmt.Sprintf(`"d%d":{"type":"object","properties":{%s}}`, i, props))
	}
	return fmt.Sprintf(`{"$defs":{%s},"$ref":"#/$defs/d%d"}`, strings.Join(defs, ","), levels-1)
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDefinitionChain: the walk compares each pair of sub-schemas once,
// whatever the number of paths to it, so its cost grows with the schema's
// size. On main, 41 levels (3.8 KB) took 6.4 s and 3.5 GB; 16 levels 183 MB.
func TestDefinitionChain(t *testing.T) {
	ctx := context.Background()
	canRead := func(levels int) ([]string, error) {
		fs, err := CanRead(ctx, jsonSchema(definitionChain(levels, true)), jsonSchema(definitionChain(levels, false)), nil)
		var out []string
		for _, f := range fs {
			out = append(out, f.Rule+" "+f.Path)
		}
		return out, err
	}

	// Few paths: every one is listed, as Confluent lists them.
	fs, err := canRead(4)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 8 || fs[0] != "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/l/properties/l/properties/l/properties/y" {
		t.Fatalf("4 levels: %d findings %v, want 8, one per path", len(fs), fs)
	}

	// Many paths: the first MaxFindings, then how many more.
	var big []string
	bytes41 := allocated(func() { big, err = canRead(41) })
	if err != nil {
		t.Fatal(err)
	}
	if len(big) != MaxFindings+1 || !strings.HasPrefix(big[MaxFindings], MoreFindings+" ") {
		t.Fatalf("41 levels: %d findings, last %q; want %d and %s", len(big), big[len(big)-1], MaxFindings+1, MoreFindings)
	}
	full, _ := CanRead(ctx, jsonSchema(definitionChain(41, true)), jsonSchema(definitionChain(41, false)), nil)
	if want := strconv.Itoa(1<<40-MaxFindings) + " more"; !strings.HasPrefix(full[MaxFindings].Message, want) {
		t.Errorf("last finding %q, want it to start %q", full[MaxFindings].Message, want)
	}

	// Linear: twice the levels costs about twice, not 2^20 times, and
	// far below the 3.5 GB of main (a generous bound: orders of magnitude).
	bytes20 := allocated(func() { _, err = canRead(20) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("allocated: 20 levels %d KB, 41 levels %d KB", bytes20>>10, bytes41>>10)
	if bytes41 > 64<<20 {
		t.Errorf("41 levels allocated %d MB, want under 64 MB", bytes41>>20)
	}
	if bytes41 > 8*bytes20 {
		t.Errorf("41 levels allocated %d KB, 20 levels %d KB: not linear", bytes41>>10, bytes20>>10)
	}

	// Compare lists every path: past MaxDifferences it refuses, without
	// walking them.
	var cerr error
	cbytes := allocated(func() {
		_, cerr = Compare(ctx, jsonSchema(definitionChain(41, false)), jsonSchema(definitionChain(41, true)), nil)
	})
	if !errors.Is(cerr, serde.ErrLimit) || !strings.Contains(cerr.Error(), "differences") {
		t.Errorf("Compare = %v, want the difference limit", cerr)
	}
	if cbytes > 64<<20 {
		t.Errorf("Compare allocated %d MB, want under 64 MB", cbytes>>20)
	}
	ds, err := Compare(ctx, jsonSchema(definitionChain(16, false)), jsonSchema(definitionChain(16, true)), nil)
	if err != nil || len(ds) != 1<<15 {
		t.Errorf("Compare at 16 levels: %d differences, %v; want %d", len(ds), err, 1<<15)
	}
}

// TestDefinitionChainSeed keeps the reproducer in FuzzCanReadJSON's seed
// corpus: the file must hold the pair this test builds.
func TestDefinitionChainSeed(t *testing.T) {
	want := "go test fuzz v1\nstring(" + strconv.Quote(definitionChain(41, true)) + ")\nstring(" + strconv.Quote(definitionChain(41, false)) + ")\n"
	path := filepath.Join("testdata", "fuzz", "FuzzCanReadJSON", "issue13-definition-chain")
	if os.Getenv("UPDATE_SEED") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("seed %s is missing or stale (UPDATE_SEED=1 rewrites it): %v", path, err)
	}
}

func BenchmarkDefinitionChain(b *testing.B) {
	for _, levels := range []int{10, 20, 41} {
		reader, writer := jsonSchema(definitionChain(levels, true)), jsonSchema(definitionChain(levels, false))
		b.Run(strconv.Itoa(levels)+"-levels", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := CanRead(context.Background(), reader, writer, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

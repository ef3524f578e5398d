package avro

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

type pcfCase struct {
	name, input, canonical string
	fingerprint            *int64
}

// readSchemaTests parses Apache Avro's share/test/data/schema-tests.txt.
func readSchemaTests(t *testing.T) []pcfCase {
	t.Helper()
	f, err := os.Open("testdata/apache-avro/schema-tests.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		cases []pcfCase
		cur   *pcfCase
		multi *strings.Builder
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if multi != nil {
			if line == "INPUT" {
				cur.input = multi.String()
				multi = nil
				continue
			}
			multi.WriteString(line + "\n")
			continue
		}
		switch {
		case strings.HasPrefix(line, "// ") && len(line) == 6:
			cases = append(cases, pcfCase{name: line[3:]})
			cur = &cases[len(cases)-1]
		case line == "<<INPUT":
			multi = &strings.Builder{}
		case strings.HasPrefix(line, "<<INPUT "):
			cur.input = strings.TrimPrefix(line, "<<INPUT ")
		case strings.HasPrefix(line, "<<canonical "):
			cur.canonical = strings.TrimPrefix(line, "<<canonical ")
		case strings.HasPrefix(line, "<<fingerprint "):
			n, err := strconv.ParseInt(strings.TrimPrefix(line, "<<fingerprint "), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			cur.fingerprint = &n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestParsingCanonicalFormApacheVectors(t *testing.T) {
	cases := readSchemaTests(t)
	if len(cases) < 30 {
		t.Fatalf("read %d cases from schema-tests.txt, want at least 30", len(cases))
	}
	fps := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.input == "" || tc.canonical == "" {
				t.Fatalf("case %s incomplete: input %q canonical %q", tc.name, tc.input, tc.canonical)
			}
			s, err := Compile(context.Background(), serde.Schema{Text: tc.input}, nil)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := s.ParsingCanonicalForm(); got != tc.canonical {
				t.Errorf("PCF\n got %s\nwant %s", got, tc.canonical)
			}
			if tc.fingerprint != nil {
				if got := int64(s.FingerprintCRC64()); got != *tc.fingerprint {
					t.Errorf("CRC-64-AVRO fingerprint = %d, want %d", got, *tc.fingerprint)
				}
			}
		})
		if tc.fingerprint != nil {
			fps++
		}
	}
	if fps < 20 {
		t.Errorf("only %d cases carry fingerprints", fps)
	}
}

package tests

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// Money without cents (removed: FORWARD finds it in the old schema) and
// with rounded, required (added: BACKWARD finds it in the new one).
const moneyChanged = `{
  "type": "record",
  "name": "Money",
  "namespace": "shop",
  "fields": [
    {"name": "currency", "type": "string"},
    {"name": "rounded", "type": "boolean"}
  ]
}
`

// Issue 12, item 5: a position names the file it is in: the old file's
// path when the line is in the old schema; registry findings are mapped
// onto the local file (never a line of the registry's one-line text).
func TestBinaryFindingPositions(t *testing.T) {
	dir := copyProject(t)
	copyTree(t, filepath.Join(dir, "schemas"), filepath.Join(dir, "old/schemas"))
	reg := registrytest.New(t)
	if code, stdout, stderr := runBin(t, dir, "register", "--registry", reg.URL()); code != 0 {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	writeText(t, filepath.Join(dir, "schemas/avro/money.avsc"), moneyChanged)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "against a directory", args: []string{"check", "--against", "old", "--level", "full"}, want: []string{
			// added: line 7 of the new file; removed: line 8 of the old one
			`schemas/avro/money.avsc:7:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "rounded"`,
			`old/schemas/avro/money.avsc:8:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "cents"`,
		}},
		{name: "against the registry", args: []string{"check", "--registry", reg.URL(), "--level", "full"}, want: []string{
			`schemas/avro/money.avsc:7:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "rounded"`,
			// cents is gone from the local file: its record, line 3
			`schemas/avro/money.avsc:3:3: READER_FIELD_MISSING_DEFAULT_VALUE: field "cents"`,
			// through the reference: the field that uses Money
			`schemas/avro/order.avsc:11:6: READER_FIELD_MISSING_DEFAULT_VALUE: field "cents"`,
		}},
		{name: "register refusals", args: []string{"register", "--dry-run", "--registry", reg.URL()}, want: []string{
			`schemas/avro/money.avsc:7:5: READER_FIELD_MISSING_DEFAULT_VALUE: field "rounded"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBin(t, dir, tt.args...)
			if code != 100 {
				t.Errorf("exit %d, want 100", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, line := range strings.Split(stdout, "\n") {
				if strings.Contains(line, ":1:1") || strings.Contains(line, "shop.Money.") {
					t.Errorf("position in the registry's text, not a file: %s", line)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

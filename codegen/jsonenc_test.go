//go:build !codegen_update

package codegen_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	jsonbasic "github.com/schemagen/schemagen/codegen/testdata/json-basic/want"
	jsonformats "github.com/schemagen/schemagen/codegen/testdata/json-formats/want"
	jsonnullable "github.com/schemagen/schemagen/codegen/testdata/json-nullable/want"
	jsonrefs "github.com/schemagen/schemagen/codegen/testdata/json-refs/want"
	jsonshapes "github.com/schemagen/schemagen/codegen/testdata/json-shapes/want"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/serde"
)

type jsonMsg interface {
	serde.JSONAppender
	Validate() error
}

type jsonTarget struct {
	name  string
	src   producer.SchemaSource
	valid func() jsonMsg // a valid value, that the filler mutates
}

func jsonTargets() []jsonTarget {
	return []jsonTarget{
		{"basic", jsonbasic.InvoiceSide().Schema, func() jsonMsg { return validInvoice() }},
		{"refs", jsonrefs.CustomerSide().Schema, func() jsonMsg { return validCustomer() }},
		{"shapes", jsonshapes.ShapesSide().Schema, func() jsonMsg { return validShapes() }},
		{"formats", jsonformats.AccountSide().Schema, func() jsonMsg { return validAccount() }},
		{"nullable", jsonnullable.LedgerSide().Schema, func() jsonMsg { return validLedger() }},
	}
}

func validShapes() *jsonshapes.Shapes {
	maybe := "x <b> & \u2028"
	return &jsonshapes.Shapes{
		Name: "shape ✓", Grid: [][]int64{{1, -2}, {}}, ByName: map[string]jsonshapes.Part{"b": {ID: 2}, "a": {ID: 1, Tags: []string{"t"}}},
		When: time.Date(2024, 2, 29, 12, 0, 0, 5, time.UTC), Ratio: 1e-7, Count: -3, Flag: true, Maybe: &maybe,
	}
}

func validAccount() *jsonformats.Account {
	return &jsonformats.Account{
		ID: "123e4567-e89b-12d3-a456-426614174000", Email: "ada@example.com", Handle: "ada_1",
		Balance: -9007199254740991, Rate: 0.25, Tier: 2, Created: time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC),
	}
}

func validLedger() *jsonnullable.Ledger {
	half := 0.5
	memo := "<memo>"
	return &jsonnullable.Ledger{
		Entries: []jsonnullable.Entry{{Amount: 5, Account: "cash", Memo: &memo}},
		ByDay:   map[string][]*jsonnullable.Entry{"2026-12-03": {nil, {Amount: -1, Account: "x"}}},
		Matrix:  [][]*float64{{nil, &half}, {}},
		Meta:    map[string]map[string]int64{"a": {"z": 1, "b": 2}},
	}
}

func init() {
	enumTable[reflect.TypeFor[jsonbasic.InvoiceStatus]()] = []string{"draft", "sent", "paid"}
	enumTable[reflect.TypeFor[jsonrefs.ContactKind]()] = []string{"email", "phone"}
	enumTable[reflect.TypeFor[jsonrefs.Tier]()] = []string{"GOLD", "SILVER"}
	enumTable[reflect.TypeFor[jsonshapes.ShapesLevel]()] = []string{"low", "mid", "high"}
}

// mutate refills about a third of the fields of struct v, so that values
// start valid and go wrong in one or two places.
func (f *filler) mutate(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		if f.u8()%3 == 0 {
			f.fill(v.Field(i))
		}
	}
}

// diffJSON checks the generated AppendJSON against encoding/json and the
// schema's general validator (serde/jsonschema's plan, checked against
// santhosh-tekuri/jsonschema): an accepted value's bytes equal
// json.Marshal's and the general validator accepts them; a rejected
// value's JSON (when encoding/json can write it) the general validator
// rejects too.
func diffJSON(t testing.TB, c serde.Compiled, v jsonMsg) bool {
	t.Helper()
	prefix := []byte{'#'}
	got, gerr := v.AppendJSON(bytes.Clone(prefix))
	want, merr := json.Marshal(v)
	// The fused encoder accepts exactly what Validate accepts, and its
	// errors are Validate's, path for path.
	verr := v.Validate()
	if (gerr == nil) != (verr == nil) {
		t.Fatalf("AppendJSON says %v, Validate says %v", gerr, verr)
	}
	if gerr != nil && violations(gerr) != violations(verr) { // sorted: map order varies
		t.Fatalf("AppendJSON's errors are not Validate's:\n%v\n%s\nValidate:\n%v\n%s", gerr, violations(gerr), verr, violations(verr))
	}
	if gerr != nil {
		if !bytes.Equal(got, prefix) {
			t.Fatalf("rejected, but dst changed: %q", got)
		}
		if merr == nil {
			if err := c.Validate(json.RawMessage(want)); err == nil {
				t.Fatalf("generated rejects (%v) what the general validator accepts: %s", gerr, want)
			}
		}
		return false
	}
	if merr != nil {
		t.Fatalf("generated accepts what encoding/json cannot write: %v", merr)
	}
	if !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("bytes differ:\ngenerated %s\njson      %s", got[len(prefix):], want)
	}
	if err := c.Validate(json.RawMessage(want)); err != nil {
		t.Fatalf("generated accepts what the general validator rejects (%v): %s", err, want)
	}
	return true
}

func TestJSONEncoderMatchesRuntime(t *testing.T) {
	for _, tg := range jsonTargets() {
		t.Run(tg.name, func(t *testing.T) {
			c := compileAvroSerde(t, tg.src)
			acc, rej := 0, 0
			for seed := 0; seed < 3000; seed++ {
				b := make([]byte, 512)
				x := uint64(seed)*0x9E3779B97F4A7C15 + 3
				for i := range b {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
					b[i] = byte(x)
				}
				v := tg.valid()
				newFiller(b).mutate(reflect.ValueOf(v).Elem())
				if diffJSON(t, c, v) {
					acc++
				} else {
					rej++
				}
			}
			if acc == 0 || rej == 0 {
				t.Fatalf("accepted %d, rejected %d: the filler does not reach both", acc, rej)
			}
			t.Logf("accepted %d, rejected %d", acc, rej)
		})
	}
}

// FuzzJSONEncoderDiff compares the generated AppendJSON with encoding/json
// and the general validator on values built from the input.
func FuzzJSONEncoderDiff(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(1), bytes.Repeat([]byte{0, 1, 2}, 100))
	f.Add(uint8(2), bytes.Repeat([]byte{1, 7}, 150))
	targets := jsonTargets()
	comp := make([]serde.Compiled, len(targets))
	for i, tg := range targets {
		comp[i] = compileAvroSerde(f, tg.src)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(targets)
		v := targets[i].valid()
		newFiller(data).mutate(reflect.ValueOf(v).Elem())
		diffJSON(t, comp[i], v)
	})
}

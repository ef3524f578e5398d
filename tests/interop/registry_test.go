//go:build interop

package interop

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

// Compatibility candidates against the value schemas above, at BACKWARD.
// want is what Confluent's rules say where they are unambiguous; both
// clients must also agree with each other.
var compatCandidates = []struct {
	name   string
	schema serde.Schema
	want   bool
}{
	{"avro add field with default", serde.Schema{Format: serde.Avro, Text: strings.Replace(avroValue, `]}`, `,{"name":"note","type":["null","string"],"default":null}]}`, 1)}, true},
	{"avro add field without default", serde.Schema{Format: serde.Avro, Text: strings.Replace(avroValue, `]}`, `,{"name":"note","type":"string"}]}`, 1)}, false},
	{"avro long to string", serde.Schema{Format: serde.Avro, Text: strings.Replace(avroValue, `"name":"seq","type":"long"`, `"name":"seq","type":"string"`, 1)}, false},
	{"avro drop field", serde.Schema{Format: serde.Avro, Text: strings.Replace(avroValue, `{"name":"amount","type":"double"},`, ``, 1)}, true},
	{"protobuf add field", serde.Schema{Format: serde.Protobuf, Text: strings.Replace(protoValue, "repeated string tags = 4;", "repeated string tags = 4;\n  string note = 5;", 1)}, true},
	{"protobuf int64 to string", serde.Schema{Format: serde.Protobuf, Text: strings.Replace(protoValue, "int64 seq = 2;", "string seq = 2;", 1)}, false},
	{"json integer to string", serde.Schema{Format: serde.JSON, Text: strings.Replace(jsonValue, `"seq":{"type":"integer","minimum":0}`, `"seq":{"type":"string"}`, 1)}, false},
	{"json drop property from closed model", serde.Schema{Format: serde.JSON, Text: strings.Replace(strings.Replace(jsonValue, `"amount":{"type":"number"},`, ``, 1), `"required":["id","seq","amount","tags"]`, `"required":["id","seq","tags"]`, 1)}, false},
}

func typeName(f serde.Format) string {
	if f == "" {
		return "AVRO"
	}
	return string(f)
}

// TestConfluentRegistryClient: Confluent's Python SchemaRegistryClient
// drives schemagen's registry server: register (twice: same ID, no new
// version), look up by ID and by schema, versions, latest, config,
// compatibility checks, an incompatible registration (HTTP 409, error code
// 40901 as Confluent 8.1+), subject deletion. Every compatibility verdict must equal what
// schemagen's Go client (registry.Client.CheckCompatibility) gets.
func TestConfluentRegistryClient(t *testing.T) {
	reg, cl := newRegistry(t)
	ctx := context.Background()
	subj := map[serde.Format]string{serde.Avro: "orders-avro-value", serde.Protobuf: "orders-proto-value", serde.JSON: "orders-json-value"}

	var ops []map[string]any
	add := func(op map[string]any) int { ops = append(ops, op); return len(ops) - 1 }
	reg1 := map[serde.Format]int{}
	again := map[serde.Format]int{}
	for _, f := range allFormats {
		reg1[f.value.Format] = add(map[string]any{"op": "register", "subject": subj[f.value.Format], "schema": f.value.Text, "type": typeName(f.value.Format)})
		again[f.value.Format] = add(map[string]any{"op": "register", "subject": subj[f.value.Format], "schema": f.value.Text, "type": typeName(f.value.Format)})
	}
	lookup := add(map[string]any{"op": "lookup", "subject": subj[serde.Avro], "schema": avroValue, "type": "AVRO"})
	setCompat := add(map[string]any{"op": "set_compat", "subject": subj[serde.Avro], "level": "BACKWARD"})
	getCompat := add(map[string]any{"op": "get_compat", "subject": subj[serde.Avro]})
	globalCompat := add(map[string]any{"op": "get_compat"})
	tests := make([]int, len(compatCandidates))
	for i, c := range compatCandidates {
		tests[i] = add(map[string]any{"op": "test_compat", "subject": subj[c.schema.Format], "schema": c.schema.Text, "type": typeName(c.schema.Format)})
	}
	v2 := add(map[string]any{"op": "register", "subject": subj[serde.Avro], "schema": compatCandidates[0].schema.Text, "type": "AVRO"})
	bad := add(map[string]any{"op": "register", "subject": subj[serde.Avro], "schema": compatCandidates[2].schema.Text, "type": "AVRO"})
	badProto := add(map[string]any{"op": "register", "subject": subj[serde.Protobuf], "schema": compatCandidates[5].schema.Text, "type": "PROTOBUF"})
	versions := add(map[string]any{"op": "versions", "subject": subj[serde.Avro]})
	getV1 := add(map[string]any{"op": "get_version", "subject": subj[serde.Avro], "version": 1})
	latest := add(map[string]any{"op": "latest", "subject": subj[serde.Avro]})
	subjects := add(map[string]any{"op": "subjects"})
	missing := add(map[string]any{"op": "versions", "subject": "no-such-subject"})

	out := runPy(t, "registry_ops.py", map[string]any{"registry": reg.URL(), "ops": ops})
	if len(out) != len(ops) {
		t.Fatalf("python answered %d ops of %d", len(out), len(ops))
	}
	ok := func(i int) any {
		t.Helper()
		if out[i]["ok"] != true {
			t.Fatalf("op %d %v failed: %v", i, ops[i]["op"], out[i])
		}
		return out[i]["result"]
	}
	num := func(v any) int {
		var n int
		fmt.Sscan(fmt.Sprint(v), &n)
		return n
	}

	// Registration: IDs as the Go client sees them; the same schema again
	// gets the same ID and no new version.
	for _, f := range allFormats {
		id := num(ok(reg1[f.value.Format]))
		if id2 := num(ok(again[f.value.Format])); id2 != id {
			t.Errorf("%s: registered twice: ids %d and %d", f.name, id, id2)
		}
		ss, err := cl.LookupSchema(ctx, subj[f.value.Format], f.value)
		if err != nil {
			t.Fatalf("go lookup %s: %v", f.name, err)
		}
		if ss.ID != id || ss.Version != 1 {
			t.Errorf("%s: python registered id %d; go client sees id %d version %d", f.name, id, ss.ID, ss.Version)
		}
	}
	// Look up by ID: a second python run (a fresh client, so the server
	// answers) fetches each ID; the text must compile to the schema
	// registered (same fingerprint as the Go client's answer).
	var byID []map[string]any
	for _, f := range allFormats {
		byID = append(byID, map[string]any{"op": "get_schema", "id": num(ok(reg1[f.value.Format]))})
	}
	got := runPy(t, "registry_ops.py", map[string]any{"registry": reg.URL(), "ops": byID})
	if len(got) != len(byID) {
		t.Fatalf("python answered %d ops of %d", len(got), len(byID))
	}
	for i, f := range allFormats {
		if got[i]["ok"] != true {
			t.Fatalf("get_schema: %v", got)
		}
		r := got[i]["result"].(map[string]any)
		pyText, _ := r["schema"].(string)
		if r["type"] != typeName(f.value.Format) {
			t.Errorf("%s: get_schema type %v", f.name, r["type"])
		}
		goSchema, err := cl.SchemaByID(ctx, num(ok(reg1[f.value.Format])))
		if err != nil {
			t.Fatal(err)
		}
		want := serde.Fingerprint(compile(t, f.value, protoValueMessage))
		if fp := serde.Fingerprint(compile(t, serde.Schema{Format: f.value.Format, Text: pyText}, protoValueMessage)); fp != want {
			t.Errorf("%s: python's schema by id differs from the registered one:\n%s", f.name, pyText)
		}
		if fp := serde.Fingerprint(compile(t, goSchema, protoValueMessage)); fp != want {
			t.Errorf("%s: go's schema by id differs from the registered one", f.name)
		}
	}
	lk := ok(lookup).(map[string]any)
	if num(lk["version"]) != 1 || num(lk["id"]) != num(ok(reg1[serde.Avro])) || lk["subject"] != subj[serde.Avro] {
		t.Errorf("lookup by schema: %v", lk)
	}
	if g, _ := lk["guid"].(string); g == "" {
		t.Errorf("lookup by schema: no guid in %v", lk)
	}
	if r := fmt.Sprint(ok(setCompat)); !strings.Contains(r, "BACKWARD") {
		t.Errorf("set_compatibility: %v", r)
	}
	if r := ok(getCompat); r != "BACKWARD" {
		t.Errorf("get_compatibility(subject): %v", r)
	}
	if r := ok(globalCompat); r != "BACKWARD" {
		t.Errorf("get_compatibility(global): %v, want the default BACKWARD", r)
	}

	// Verdicts: Python's test_compatibility against the Go client's, and
	// both against Confluent's rules. Asked before v2 exists, so the Go
	// client asks against version 1 (latest at that time).
	for i, c := range compatCandidates {
		py := ok(tests[i])
		res, err := cl.CheckCompatibility(ctx, subj[c.schema.Format], 1, c.schema)
		if err != nil {
			t.Fatalf("%s: go CheckCompatibility: %v", c.name, err)
		}
		t.Logf("%-40s python %v, go %v %v", c.name, py, res.Compatible, res.Messages)
		if py != res.Compatible {
			t.Errorf("%s: python says compatible=%v, go client %v", c.name, py, res.Compatible)
		}
		if res.Compatible != c.want {
			t.Errorf("%s: compatible=%v, Confluent's rules say %v", c.name, res.Compatible, c.want)
		}
	}

	if id := num(ok(v2)); id == num(ok(reg1[serde.Avro])) {
		t.Errorf("compatible v2 got the v1 id %d", id)
	}
	for _, i := range []int{bad, badProto} {
		o := out[i]
		if o["ok"] != false || num(o["status"]) != 409 || num(o["code"]) != 40901 {
			t.Errorf("incompatible registration: got %v, want HTTP 409 with error code 40901", o)
		} else {
			t.Logf("incompatible registration refused: %v", o["message"])
		}
	}
	if vs := fmt.Sprint(ok(versions)); vs != "[1 2]" {
		t.Errorf("versions: %s, want [1 2] (the incompatible one must not be a version)", vs)
	}
	if gv := ok(getV1).(map[string]any); num(gv["version"]) != 1 || num(gv["id"]) != num(ok(reg1[serde.Avro])) {
		t.Errorf("get_version 1: %v", gv)
	}
	if lv := ok(latest).(map[string]any); num(lv["version"]) != 2 || num(lv["id"]) != num(ok(v2)) {
		t.Errorf("latest: %v", lv)
	}
	if s := fmt.Sprint(ok(subjects)); s != fmt.Sprint([]string{subj[serde.Avro], subj[serde.JSON], subj[serde.Protobuf]}) {
		t.Errorf("subjects: %s", s)
	}
	if o := out[missing]; o["ok"] != false || num(o["status"]) != 404 || num(o["code"]) != 40401 {
		t.Errorf("versions of a missing subject: %v, want 404 / 40401", o)
	}

	// Soft delete of a subject, seen by the Go client.
	d := runPy(t, "registry_ops.py", map[string]any{"registry": reg.URL(), "ops": []map[string]any{{"op": "delete_subject", "subject": subj[serde.JSON]}}})
	if len(d) != 1 || fmt.Sprint(d[0]["result"]) != "[1]" {
		t.Errorf("delete_subject: %v, want [1]", d)
	}
	if subs, err := cl.Subjects(ctx); err != nil || len(subs) != 2 {
		t.Errorf("go client sees subjects %v after the delete (%v), want 2", subs, err)
	}
}

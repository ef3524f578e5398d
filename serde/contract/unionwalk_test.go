package contract_test

import (
	"context"
	"encoding/json"
	"math/rand"
	"slices"
	"strconv"
	"testing"

	hamba "github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/jsonschema"
)

// unionWalkAvsc has unions whose members are maps and records, maps whose
// values are unions, and a record with a field named like a branch: values
// whose map keys or field names spell a union branch ("null", "map",
// "x.R", ...) must not be read as a second union wrapper once the member
// is bare.
const unionWalkAvsc = `{"type": "record", "name": "T", "namespace": "x", "fields": [
  {"name": "u", "type": ["null", "string",
    {"type": "map", "values": {"type": "record", "name": "R",
      "confluent:rules": [{"name": "rInline", "expr": "this.s != 'worse'"}],
      "fields": [{"name": "s", "type": "string", "confluent:tags": ["PII"]}]}},
    {"type": "array", "items": "R"},
    "R",
    {"type": "record", "name": "S",
      "confluent:rules": [{"name": "sInline", "expr": "this.t != 'worse'"}],
      "fields": [{"name": "t", "type": "string", "confluent:tags": ["PII"]}]},
    {"type": "record", "name": "W",
      "fields": [{"name": "string", "type": "string", "confluent:tags": ["PII"]}]}
  ], "default": null},
  {"name": "n", "type": {"type": "array", "items": ["null", {"type": "map",
    "values": ["null", "R", {"type": "map", "values": "R"}]}]}, "default": []},
  {"name": "p", "type": ["null", "string"], "default": null, "confluent:tags": ["PII"]}
]}`

// unionWalkKeys are map keys spelling every kind of branch name of
// unionWalkAvsc's unions: type names, records' full and short names, and
// a plain key.
var unionWalkKeys = []string{"null", "string", "map", "array", "record", "x.R", "R", "x.S", "S", "x.W", "W", "k"}

// payloadOnly is a value Check cannot read: it decodes the payload, as
// for a generated or user struct.
type payloadOnly struct{}

func unionWalkContract(t testing.TB) (*avro.Compiled, *contract.Contract) {
	t.Helper()
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: unionWalkAvsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "nobad", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'bad'"},
		cond("pNotBad", "message.p != 'bad'"),
		// Null given as hamba's empty union map is null to rules, as the
		// payload decodes it; an empty map member is an empty map.
		cond("uEmptyMap", "message.u == null || type(message.u) != map || size(message.u) > 0"),
	}}
	ct, err := contract.New(c, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, ct
}

// verdicts is err's violations as sorted "path rule" strings.
func verdicts(err error) []string {
	var out []string
	for _, v := range serde.Violations(err) {
		out = append(out, v.Path+" "+v.Rule)
	}
	slices.Sort(out)
	return out
}

// checkAllWays runs ct on v with no payload, with v's payload, and on the
// payload alone (decoded, as for a struct), and wants the same verdicts
// from each.
func checkAllWays(t *testing.T, c serde.Compiled, ct *contract.Contract, v map[string]any, want []string) {
	t.Helper()
	slices.Sort(want)
	p, err := c.AppendEncode(nil, v)
	if err != nil {
		t.Fatalf("encode %v: %v", v, err)
	}
	for _, w := range []struct {
		name    string
		v       any
		payload []byte
	}{{"value", v, nil}, {"value and payload", v, p}, {"payload", payloadOnly{}, p}} {
		if got := verdicts(ct.Check(w.v, w.payload)); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q (value %v)", w.name, got, want, v)
		}
	}
}

// Every CEL_FIELD and inline rule fires on the field that breaks it, however
// the map keys and field names around it are spelled, through unions in
// maps in unions in arrays, whichever way Check gets the value.
func TestUnionMembersNotUnwrappedTwice(t *testing.T) {
	c, ct := unionWalkContract(t)
	type tc struct {
		name        string
		build       func(leaf string) map[string]any
		bad, worse  []string // paths of the CEL_FIELD and inline violations
		worseRuleOf string
	}
	rec := func(f, leaf string) map[string]any { return map[string]any{f: leaf} }
	msg := func(kv ...any) map[string]any {
		m := map[string]any{"u": nil, "n": []any{}, "p": nil}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	w := func(branch string, v any) map[string]any { return map[string]any{branch: v} }
	var cases []tc
	for _, k := range unionWalkKeys {
		q := strconv.Quote(k)
		cases = append(cases,
			tc{name: "map member key " + k,
				build: func(leaf string) map[string]any {
					return msg("u", w("map", map[string]any{k: rec("s", leaf)}))
				},
				bad: []string{"u[" + q + "].s"}, worse: []string{"u[" + q + "]"}, worseRuleOf: "rInline"},
			tc{name: "nested unions key " + k,
				build: func(leaf string) map[string]any {
					return msg("n", []any{
						nil,
						w("map", map[string]any{k: w("map", map[string]any{k: rec("s", leaf)})}),
						w("map", map[string]any{k: w("x.R", rec("s", leaf))}),
						map[string]any{},
					})
				},
				bad:   []string{"n[1][" + q + "][" + q + "].s", "n[2][" + q + "].s"},
				worse: []string{"n[1][" + q + "][" + q + "]", "n[2][" + q + "]"}, worseRuleOf: "rInline"},
		)
	}
	cases = append(cases,
		tc{name: "record branch R", build: func(l string) map[string]any { return msg("u", w("x.R", rec("s", l))) },
			bad: []string{"u.s"}, worse: []string{"u"}, worseRuleOf: "rInline"},
		tc{name: "second record branch S", build: func(l string) map[string]any { return msg("u", w("x.S", rec("t", l))) },
			bad: []string{"u.t"}, worse: []string{"u"}, worseRuleOf: "sInline"},
		tc{name: "record W with a field named string", build: func(l string) map[string]any { return msg("u", w("x.W", rec("string", l))) },
			bad: []string{"u.string"}},
		tc{name: "array branch", build: func(l string) map[string]any { return msg("u", w("array", []any{rec("s", "ok"), rec("s", l)})) },
			bad: []string{"u[1].s"}, worse: []string{"u[1]"}, worseRuleOf: "rInline"},
		tc{name: "untagged string branch", build: func(l string) map[string]any { return msg("u", w("string", l)) }},
		tc{name: "tagged string union wrapped", build: func(l string) map[string]any { return msg("p", w("string", l)) },
			bad: []string{"p", " pNotBad"}},
		tc{name: "tagged string union bare", build: func(l string) map[string]any { return msg("p", l) },
			bad: []string{"p", " pNotBad"}},
	)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			checkAllWays(t, c, ct, tt.build("ok"), nil)
			var bad []string
			for _, p := range tt.bad {
				if p == " pNotBad" {
					bad = append(bad, p)
				} else {
					bad = append(bad, p+" nobad")
				}
			}
			checkAllWays(t, c, ct, tt.build("bad"), bad)
			var worse []string
			for _, p := range tt.worse {
				worse = append(worse, p+" "+tt.worseRuleOf)
			}
			checkAllWays(t, c, ct, tt.build("worse"), worse)
		})
	}
	t.Run("empty union map is null", func(t *testing.T) {
		checkAllWays(t, c, ct, msg("u", map[string]any{}), nil)
		checkAllWays(t, c, ct, msg("u", w("map", map[string]any{})), []string{" uEmptyMap"})
	})
}

// JSON values are never in a wrapped form: an object whose only key is
// named like a type of a multi-type schema or a oneOf branch is an object.
func TestJSONObjectKeysNamedLikeTypes(t *testing.T) {
	const schema = `{"type": "object", "properties": {
	  "m": {"type": ["null", "object"], "additionalProperties": {"$ref": "#/definitions/R"}},
	  "o": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/definitions/R"}},
	    {"type": "object", "additionalProperties": {"$ref": "#/definitions/R"}}]}
	}, "definitions": {"R": {"type": "object",
	  "properties": {"s": {"type": "string", "confluent:tags": ["PII"]}}}}}`
	c, err := jsonschema.Compile(context.Background(), serde.Schema{Format: serde.JSON, Text: schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &serde.RuleSet{DomainRules: []serde.Rule{
		{Name: "nobad", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: "value != 'bad'"},
	}}
	ct, err := contract.New(c, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"null", "NULL", "string", "STRING", "object", "array", "map", "MAP", "record", "RECORD", "k"} {
		t.Run(k, func(t *testing.T) {
			q := strconv.Quote(k)
			v := map[string]any{
				"m": map[string]any{k: map[string]any{"s": "bad"}},
				"o": map[string]any{k: map[string]any{"s": "bad"}},
			}
			want := []string{"m[" + q + "].s nobad", "o[" + q + "].s nobad"}
			p, err := c.AppendEncode(nil, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []struct {
				name    string
				v       any
				payload []byte
			}{{"value", v, nil}, {"value and payload", v, p}, {"payload", json.RawMessage(p), p}} {
				if got := verdicts(ct.Check(w.v, w.payload)); !slices.Equal(got, want) {
					t.Errorf("%s: got %q, want %q", w.name, got, want)
				}
			}
		})
	}
}

// For random values of unionWalkAvsc in hamba's generic form (members
// wrapped or bare, null as nil or an empty map, map keys spelling branch
// names), the contract's verdicts match the rules evaluated directly on
// the payload as hamba decodes it, read by the schema alone.
func TestUnionWalkDifferential(t *testing.T) {
	c, ct := unionWalkContract(t)
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		v := genAvro(rng, c.Avro(), 0).(map[string]any)
		p, err := c.AppendEncode(nil, v)
		if err != nil {
			t.Fatalf("encode %v: %v", v, err)
		}
		var dec any
		if err := c.Decode(p, &dec); err != nil {
			t.Fatal(err)
		}
		var want []string
		refVerdictsAvro(t, c.Avro(), dec, "", nil, &want)
		if m := dec.(map[string]any); m["p"] == "bad" {
			want = append(want, " pNotBad")
		}
		if u, ok := dec.(map[string]any)["u"].(map[string]any); ok {
			if mm, ok := u["map"].(map[string]any); ok && len(mm) == 0 {
				want = append(want, " uEmptyMap")
			}
		}
		slices.Sort(want)
		for _, w := range []struct {
			name string
			v    any
		}{{"value", v}, {"payload", payloadOnly{}}} {
			if got := verdicts(ct.Check(w.v, p)); !slices.Equal(got, want) {
				t.Fatalf("%s: got %q, want %q\nvalue   %v\ndecoded %v", w.name, got, want, v, dec)
			}
		}
	}
}

// genAvro is a random value of s in hamba's generic form.
func genAvro(rng *rand.Rand, s hamba.Schema, depth int) any {
	switch t := s.(type) {
	case *hamba.RefSchema:
		return genAvro(rng, t.Schema(), depth)
	case *hamba.RecordSchema:
		m := map[string]any{}
		for _, f := range t.Fields() {
			m[f.Name()] = genAvro(rng, f.Type(), depth+1)
		}
		return m
	case *hamba.UnionSchema:
		types := t.Types()
		b := types[rng.Intn(len(types))]
		if depth > 6 {
			b = types[0] // every union here starts with null
		}
		switch {
		case b.Type() == hamba.Null:
			if rng.Intn(2) == 0 {
				return map[string]any{}
			}
			return nil
		case b.Type() == hamba.String && rng.Intn(2) == 0:
			return genAvro(rng, b, depth+1) // hamba takes a string member bare
		}
		name := string(b.Type())
		if ns, ok := b.(hamba.NamedSchema); ok {
			name = ns.FullName()
		} else if r, ok := b.(*hamba.RefSchema); ok {
			name = r.Schema().FullName()
		}
		return map[string]any{name: genAvro(rng, b, depth+1)}
	case *hamba.MapSchema:
		m := map[string]any{}
		for range rng.Intn(3) {
			m[unionWalkKeys[rng.Intn(len(unionWalkKeys))]] = genAvro(rng, t.Values(), depth+1)
		}
		return m
	case *hamba.ArraySchema:
		l := []any{}
		for range rng.Intn(3) {
			l = append(l, genAvro(rng, t.Items(), depth+1))
		}
		return l
	case *hamba.PrimitiveSchema:
		if t.Type() == hamba.String {
			return []string{"ok", "bad", "worse"}[rng.Intn(3)]
		}
	}
	panic("genAvro: unexpected schema " + s.String())
}

// refVerdictsAvro evaluates unionWalkAvsc's CEL_FIELD and inline rules on
// v, a value as hamba decodes it, by the schema alone: a union member is
// nil, a bare scalar, or a map with one key naming the branch, as hamba's
// generic decoder writes them.
func refVerdictsAvro(t *testing.T, s hamba.Schema, v any, path string, tags []string, out *[]string) {
	t.Helper()
	if v == nil {
		return
	}
	switch sc := s.(type) {
	case *hamba.RefSchema:
		refVerdictsAvro(t, sc.Schema(), v, path, tags, out)
	case *hamba.RecordSchema:
		m := v.(map[string]any)
		// The inline rules: R's "this.s != 'worse'", S's "this.t != 'worse'".
		if rule := map[string][2]string{"x.R": {"rInline", "s"}, "x.S": {"sInline", "t"}}[sc.FullName()]; rule[0] != "" && m[rule[1]] == "worse" {
			*out = append(*out, path+" "+rule[0])
		}
		for _, f := range sc.Fields() {
			var ft []string
			if ts, ok := f.Prop("confluent:tags").([]any); ok {
				for _, x := range ts {
					ft = append(ft, x.(string))
				}
			}
			fp := f.Name()
			if path != "" {
				fp = path + "." + fp
			}
			refVerdictsAvro(t, f.Type(), m[f.Name()], fp, ft, out)
		}
	case *hamba.UnionSchema:
		m, ok := v.(map[string]any)
		if !ok {
			if _, ok := v.(string); !ok {
				t.Fatalf("hamba decoded %T bare for %s", v, sc)
			}
			refVerdictsAvro(t, hamba.NewPrimitiveSchema(hamba.String, nil), v, path, tags, out)
			return
		}
		if len(m) != 1 {
			t.Fatalf("hamba decoded a union as %v", m)
		}
		for k, x := range m {
			for _, b := range sc.Types() {
				name := string(b.Type())
				if ns, ok := b.(hamba.NamedSchema); ok {
					name = ns.FullName()
				} else if r, ok := b.(*hamba.RefSchema); ok {
					name = r.Schema().FullName()
				}
				if name == k {
					refVerdictsAvro(t, b, x, path, tags, out)
					return
				}
			}
			t.Fatalf("hamba decoded a union as %v: no branch %q", m, k)
		}
	case *hamba.MapSchema:
		for k, x := range v.(map[string]any) {
			refVerdictsAvro(t, sc.Values(), x, path+"["+strconv.Quote(k)+"]", tags, out)
		}
	case *hamba.ArraySchema:
		for i, x := range v.([]any) {
			refVerdictsAvro(t, sc.Items(), x, path+"["+strconv.Itoa(i)+"]", tags, out)
		}
	case *hamba.PrimitiveSchema:
		if v == "bad" && slices.Contains(tags, "PII") {
			*out = append(*out, path+" nobad")
		}
	}
}

package contract_test

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"buf.build/go/protovalidate"
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"math/rand/v2"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// interleave runs blocks of a and b in turn, so both see the same machine
// load, and reports each one's fastest block (ns/op) and their ratio b/a.
func interleave(bm *testing.B, aName, bName string, a, b func()) {
	const block = 200
	bestA, bestB := math.Inf(1), math.Inf(1)
	for bm.Loop() {
		start := time.Now()
		for range block {
			a()
		}
		bestA = min(bestA, float64(time.Since(start).Nanoseconds())/block)
		start = time.Now()
		for range block {
			b()
		}
		bestB = min(bestB, float64(time.Since(start).Nanoseconds())/block)
	}
	bm.ReportMetric(bestA, aName+"-ns/op")
	bm.ReportMetric(bestB, bName+"-ns/op")
	bm.ReportMetric(bestB/bestA, "ratio")
}

// BenchmarkCELRuleVsCelGo compares one CEL domain rule run by Check on an
// Avro record (a generic map, as the runtime path holds it) with cel-go's
// own evaluation of the same compiled program on the same value, through
// a prepared activation. Target: ratio <= 1.5.
func BenchmarkCELRuleVsCelGo(b *testing.B) {
	const expr = "message.total > 0 && message.id.startsWith('o-')"
	// A schema without inline rules: the one domain rule is all Check runs.
	plain, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"total","type":"long"}]}`}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ct, err := contract.New(plain, &serde.RuleSet{DomainRules: []serde.Rule{cond("r", expr)}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	v := map[string]any{"id": "o-1", "total": int64(5)}

	env, err := cel.NewEnv(cel.Variable("message", cel.DynType))
	if err != nil {
		b.Fatal(err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		b.Fatal(err)
	}
	act, err := interpreter.NewActivation(map[string]any{"message": v})
	if err != nil {
		b.Fatal(err)
	}
	interleave(b, "celgo", "contract", func() {
		out, _, err := prg.Eval(act)
		if err != nil || out != types.True {
			b.Fatal(out, err)
		}
	}, func() {
		if err := ct.Check(v, nil); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkProtovalidateVsContract compares the contract's buf.validate
// check (standard rules and CEL rules of testdata/differential.proto) with
// protovalidate-go's own Validate on the same message.
func BenchmarkProtovalidateVsContract(b *testing.B) {
	text, err := os.ReadFile("testdata/differential.proto")
	if err != nil {
		b.Fatal(err)
	}
	c, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: string(text)}, nil,
		protobuf.FileName("diff/v1/differential.proto"), protobuf.MessageName("diff.v1.Order"))
	if err != nil {
		b.Fatal(err)
	}
	ct, err := contract.New(c, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := dynamicpb.NewMessage(c.Message())
	validOrder(rand.New(rand.NewPCG(1, 2)), m)
	pv, err := protovalidate.New(protovalidate.WithMessageDescriptors(c.Message()))
	if err != nil {
		b.Fatal(err)
	}
	if err := pv.Validate(m); err != nil {
		b.Fatal(err)
	}
	var pm proto.Message = m
	interleave(b, "protovalidate", "contract", func() {
		if err := pv.Validate(pm); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if err := ct.Check(pm, nil); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSerializeWithContract is the whole Serializer path on an Avro
// map, without and with one CEL rule, CEL_FIELD rule and the schema's
// inline rules: what a contract adds to a record.
func BenchmarkSerializeWithContract(b *testing.B) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: orderAvsc}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ct, err := contract.New(c, &serde.RuleSet{DomainRules: []serde.Rule{
		cond("totalPositive", "message.total > 0"),
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"SKU"}, Expr: "size(value) < 12"},
	}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	plain, err := serde.NewSerializer(c, serde.SerializerConfig{ID: 1})
	if err != nil {
		b.Fatal(err)
	}
	with, err := serde.NewSerializer(c, serde.SerializerConfig{ID: 1, Contract: ct})
	if err != nil {
		b.Fatal(err)
	}
	v := avroOrder("o-1", "a@b.example", 3, item("ABC-1", 1), item("ABC-2", 2))
	buf := make([]byte, 0, 256)
	interleave(b, "types", "contract", func() {
		if buf, err = plain.AppendSerialize(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if buf, err = with.AppendSerialize(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	})
}

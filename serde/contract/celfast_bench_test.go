package contract

import (
	"context"
	"testing"

	"cel.dev/cel-go/common/types"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// slowContract is ct with every fast program replaced by the cel-go
// program it wraps: the contract as it ran before the fast path.
func slowContract(ct *Contract) {
	for _, p := range ct.all {
		if f, ok := p.expr.(*fastProgram); ok {
			p.expr = f.Program
		}
		if f, ok := p.guard.(*fastProgram); ok {
			p.guard = f.Program
		}
	}
}

// BenchmarkCelFast: the rule message.amount > 0 evaluated by cel-go's
// program alone (compiled as the contract compiles it, on a prepared
// activation), by the fast program, and by Check with the fast path and
// without it, on an Avro record and on a Protobuf message.
func BenchmarkCelFast(b *testing.B) {
	const expr = "message.amount > 0"
	rule := serde.Rule{Name: "amount", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: expr}

	sch, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro,
		Text: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`}, nil)
	if err != nil {
		b.Fatal(err)
	}
	rec := map[string]any{"id": "o-1", "amount": int64(5)}

	psch, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf,
		Text: `syntax = "proto3"; package t; message Order { string id = 1; int64 amount = 2; }`}, nil)
	if err != nil {
		b.Fatal(err)
	}
	md := psch.Message()
	msg := dynamicpb.NewMessage(md)
	msg.Set(md.Fields().ByName("id"), protoreflect.ValueOfString("o-1"))
	msg.Set(md.Fields().ByName("amount"), protoreflect.ValueOfInt64(5))

	for _, c := range []struct {
		name string
		sch  serde.Compiled
		v    any
	}{
		{"avro", sch, rec},
		{"protobuf", psch, msg},
	} {
		ct, err := New(c.sch, &serde.RuleSet{DomainRules: []serde.Rule{rule}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		fast, ok := ct.domain[0].expr.(*fastProgram)
		if !ok {
			b.Fatalf("%s: no fast path", c.name)
		}
		slow, err := New(c.sch, &serde.RuleSet{DomainRules: []serde.Rule{rule}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		slowContract(slow)
		act := &vars{message: c.v}
		b.Run(c.name+"/celgo-program", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if out, _, _ := fast.Program.Eval(act); out != types.True {
					b.Fatal(out)
				}
			}
		})
		b.Run(c.name+"/fast-program", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if out, _, _ := fast.Eval(act); out != types.True {
					b.Fatal(out)
				}
			}
		})
		b.Run(c.name+"/contract-celgo", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := slow.Check(c.v, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/contract-fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := ct.Check(c.v, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package contract_test

import (
	"context"
	"sync"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/contract"
)

// One Contract serves many goroutines: each gets its own verdicts.
func TestConcurrentCheck(t *testing.T) {
	c, err := avro.Compile(context.Background(), serde.Schema{Format: serde.Avro, Text: orderAvsc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := contract.New(c, &serde.RuleSet{DomainRules: []serde.Rule{
		cond("totalPositive", "message.total > 0"),
		{Name: "skuShape", Kind: "CONDITION", Mode: "WRITE", Type: "CEL_FIELD", Tags: []string{"SKU"}, Expr: "value.matches('^[A-Z]{3}-[0-9]+$')"},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := avroOrder("o-1", nil, 3, item("ABC-1", 1))
	bad := avroOrder("o-1", nil, 3, item("abc", 1))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				v, wantErr := good, false
				if (g+i)%2 == 0 {
					v, wantErr = bad, true
				}
				err := ct.Check(v, nil)
				if (err != nil) != wantErr {
					t.Errorf("goroutine %d record %d: %v", g, i, err)
					return
				}
				if wantErr {
					vs := serde.Violations(err)
					if len(vs) != 1 || vs[0].Path != "items[0].sku" {
						t.Errorf("goroutine %d: %v", g, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

package contract_test

import (
	"errors"
	"io"
	"testing"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
)

// want is one expected violation.
type want struct {
	path, rule string
}

// serialize binds c and its contract to a serializer and serializes v.
func serialize(t *testing.T, c serde.Compiled, rs *serde.RuleSet, md *serde.Metadata, v any, opts ...contract.Opt) ([]byte, error) {
	t.Helper()
	ct, err := contract.New(c, rs, md, opts...)
	if err != nil {
		t.Fatalf("contract.New: %v", err)
	}
	s, err := serde.NewSerializer(c, serde.SerializerConfig{Topic: "orders", Subject: "orders-value", ID: 7, Contract: ct})
	if err != nil {
		t.Fatal(err)
	}
	return s.AppendSerialize(nil, v)
}

// checkViolations asserts err holds exactly the wanted violations, each
// an ErrRule *serde.ValidationError with the subject and schema ID.
func checkViolations(t *testing.T, out []byte, err error, wants []want) {
	t.Helper()
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if len(out) == 0 {
			t.Fatal("no bytes")
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %v", wants)
	}
	if len(out) != 0 {
		t.Fatalf("bytes returned with an error: %d", len(out))
	}
	if !errors.Is(err, serde.ErrRule) {
		t.Fatalf("error does not wrap ErrRule: %v", err)
	}
	vs := serde.Violations(err)
	if len(vs) != len(wants) {
		t.Fatalf("got %d violations, want %d: %v", len(vs), len(wants), err)
	}
	for i, w := range wants {
		v := vs[i]
		if v.Path != w.path || v.Rule != w.rule {
			t.Errorf("violation %d: path %q rule %q, want path %q rule %q (%v)", i, v.Path, v.Rule, w.path, w.rule, v)
		}
		if v.Subject != "orders-value" || v.SchemaID != 7 || v.Topic != "orders" {
			t.Errorf("violation %d not annotated: %+v", i, v)
		}
		if !errors.Is(v, serde.ErrRule) || v.RuleExpr == "" {
			t.Errorf("violation %d: sentinel or expr missing: %+v", i, v)
		}
	}
}

type stringReaderT struct {
	s string
	i int
}

func (r *stringReaderT) Read(p []byte) (int, error) {
	if r.i >= len(r.s) {
		return 0, io.EOF
	}
	n := copy(p, r.s[r.i:])
	r.i += n
	return n, nil
}

func stringReader(s string) io.Reader { return &stringReaderT{s: s} }

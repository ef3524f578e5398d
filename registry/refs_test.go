package registry

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

const (
	moneyProto = `syntax = "proto3";
package acme;
message Money { int64 cents = 1; string currency = 2; }
`
	orderProto = `syntax = "proto3";
package acme;
import "acme/money.proto";
message Order { string id = 1; acme.Money total = 2; }
`
	avroMoney = `{"type":"record","name":"Money","namespace":"acme","fields":[{"name":"cents","type":"long"}]}`
	avroOrder = `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"total","type":"acme.Money"},{"name":"tax","type":"acme.Tax"}]}`
	avroTax   = `{"type":"record","name":"Tax","namespace":"acme","fields":[{"name":"rate","type":"acme.Money"}]}`
)

func TestSubjectWithSlash(t *testing.T) {
	ctx := context.Background()
	_, cl, cnt := fakeClient(t)
	const subject = "acme/money.proto"
	s := serde.Schema{Format: serde.Protobuf, Text: moneyProto}
	ss, err := cl.Register(ctx, subject, s)
	if err != nil {
		t.Fatal(err)
	}
	if ss.Subject != subject || ss.Version != 1 {
		t.Fatalf("Register = %+v", ss)
	}
	latest, err := cl.Latest(ctx, subject)
	if err != nil || latest.ID != ss.ID {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
	if vs, err := cl.Versions(ctx, subject); err != nil || !slices.Equal(vs, []int{1}) {
		t.Fatalf("Versions = %v, %v", vs, err)
	}
	if _, err := cl.Resolve(ctx, serde.Reference{Name: subject, Subject: subject, Version: 1}); err != nil {
		t.Fatal(err)
	}
	subjects, err := cl.Subjects(ctx)
	if err != nil || !slices.Contains(subjects, subject) {
		t.Fatalf("Subjects = %v, %v", subjects, err)
	}
	for _, p := range cnt.seen {
		if strings.Contains(p, "/subjects/acme/") {
			t.Errorf("request %q has the subject's slash unescaped", p)
		}
	}
	if !slices.Contains(cnt.seen, "POST /subjects/acme%2Fmoney.proto/versions") {
		t.Errorf("requests %v lack the escaped register path", cnt.seen)
	}
	if _, err := cl.DeleteSubject(ctx, subject, false); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Latest(ctx, subject); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Latest after delete: %v, want not found", err)
	}
}

func TestCheckSubject(t *testing.T) {
	_, cl, cnt := fakeClient(t)
	for _, subject := range []string{"", ".", ".."} {
		if _, err := cl.Latest(context.Background(), subject); !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("Latest(%q) = %v, want ErrInvalidSubject", subject, err)
		}
	}
	for _, subject := range []string{".", ".."} {
		if err := cl.SetCompatibility(context.Background(), subject, "NONE"); !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("SetCompatibility(%q) = %v, want ErrInvalidSubject (not the global level)", subject, err)
		}
		if err := cl.SetMode(context.Background(), subject, "READONLY"); !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("SetMode(%q) = %v, want ErrInvalidSubject (not the global mode)", subject, err)
		}
	}
	if cnt.n.Load() != 0 {
		t.Errorf("invalid subjects reached the registry")
	}
}

func TestRegisterAll(t *testing.T) {
	proto := func(text string, refs ...string) serde.Schema {
		s := serde.Schema{Format: serde.Protobuf, Text: text}
		for _, r := range refs {
			s.References = append(s.References, serde.Reference{Name: r})
		}
		return s
	}
	avroRefs := func(text string, refs ...string) serde.Schema {
		s := proto(text, refs...)
		s.Format = serde.Avro
		return s
	}
	tests := []struct {
		name     string
		schemas  []NamedSchema
		opts     []Opt
		regOpts  []RegisterOpt
		subjects []string // wanted subjects, in input order
		refs     map[int][]serde.Reference
		want     error
		inMsg    string
	}{
		{
			name: "proto import, default strategy keeps the slash",
			schemas: []NamedSchema{
				{Subject: "orders-value", Schema: proto(orderProto, "acme/money.proto")},
				{Name: "acme/money.proto", Schema: proto(moneyProto)},
			},
			subjects: []string{"orders-value", "acme/money.proto"},
			refs:     map[int][]serde.Reference{0: {{Name: "acme/money.proto", Subject: "acme/money.proto", Version: 1}}},
		},
		{
			name: "proto import, qualified strategy",
			schemas: []NamedSchema{
				{Subject: "orders-value", Schema: proto(orderProto, "acme/money.proto")},
				{Name: "acme/money.proto", Schema: proto(moneyProto)},
			},
			regOpts:  []RegisterOpt{ReferenceSubjects(QualifiedReferenceSubject)},
			subjects: []string{"orders-value", "acme.money"},
			refs:     map[int][]serde.Reference{0: {{Name: "acme/money.proto", Subject: "acme.money", Version: 1}}},
		},
		{
			name: "avro named types across files, diamond",
			schemas: []NamedSchema{
				{Subject: "orders-value", Schema: avroRefs(avroOrder, "acme.Money", "acme.Tax")},
				{Name: "acme.Tax", Schema: avroRefs(avroTax, "acme.Money")},
				{Name: "acme.Money", Schema: avroRefs(avroMoney)},
			},
			subjects: []string{"orders-value", "acme.Tax", "acme.Money"},
			refs: map[int][]serde.Reference{
				0: {{Name: "acme.Money", Subject: "acme.Money", Version: 1}, {Name: "acme.Tax", Subject: "acme.Tax", Version: 1}},
				1: {{Name: "acme.Money", Subject: "acme.Money", Version: 1}},
			},
		},
		{
			name: "user strategy",
			schemas: []NamedSchema{
				{Subject: "orders-value", Schema: proto(orderProto, "acme/money.proto")},
				{Name: "acme/money.proto", Schema: proto(moneyProto)},
			},
			regOpts: []RegisterOpt{ReferenceSubjects(func(name string) (string, error) {
				return "refs-" + strings.ReplaceAll(name, "/", "_"), nil
			})},
			subjects: []string{"orders-value", "refs-acme_money.proto"},
		},
		{
			name: "cycle",
			schemas: []NamedSchema{
				{Name: "a", Subject: "a", Schema: avroRefs(avroMoney, "b")},
				{Name: "b", Subject: "b", Schema: avroRefs(avroMoney, "a")},
			},
			want:  ErrReferenceCycle,
			inMsg: "a -> b -> a",
		},
		{
			name: "missing reference",
			schemas: []NamedSchema{
				{Subject: "orders-value", Schema: proto(orderProto, "acme/money.proto")},
			},
			want:  serde.ErrReference,
			inMsg: "acme/money.proto",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, cl, _ := fakeClient(t, tt.opts...)
			got, err := cl.RegisterAll(ctx, tt.schemas, tt.regOpts...)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.inMsg) {
					t.Fatalf("err = %v, want %v with %q", err, tt.want, tt.inMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, ss := range got {
				if ss.Subject != tt.subjects[i] || ss.ID == 0 || ss.Version != 1 {
					t.Errorf("result %d = %+v, want subject %q", i, ss, tt.subjects[i])
				}
				if want, ok := tt.refs[i]; ok {
					refs := slices.Clone(ss.Schema.References)
					slices.SortFunc(refs, func(a, b serde.Reference) int { return strings.Compare(a.Name, b.Name) })
					if !slices.Equal(refs, want) {
						t.Errorf("result %d references = %v, want %v", i, refs, want)
					}
				}
				// What the registry holds resolves.
				reg, err := cl.SchemaByVersion(ctx, ss.Subject, ss.Version)
				if err != nil {
					t.Fatal(err)
				}
				if !sameRefs(reg.Schema.References, ss.Schema.References) {
					t.Errorf("registered references %v, want %v", reg.Schema.References, ss.Schema.References)
				}
			}
			// Rerunning registers nothing new.
			again, err := cl.RegisterAll(ctx, tt.schemas, tt.regOpts...)
			if err != nil || !slices.EqualFunc(again, got, func(a, b SubjectSchema) bool { return a.ID == b.ID && a.Version == b.Version }) {
				t.Fatalf("rerun = %+v, %v", again, err)
			}
		})
	}
}

func TestSubjectNameStrategies(t *testing.T) {
	tests := []struct {
		name     string
		strategy SubjectNameStrategy
		topic    string
		role     serde.Role
		record   string
		want     string
		err      bool
	}{
		{"topic value", TopicName, "orders", serde.Value, "acme.Order", "orders-value", false},
		{"topic key", TopicName, "orders", serde.Key, "", "orders-key", false},
		{"topic empty", TopicName, "", serde.Value, "", "", true},
		{"record", RecordName, "orders", serde.Value, "acme.Order", "acme.Order", false},
		{"record empty", RecordName, "orders", serde.Value, "", "", true},
		{"topic record", TopicRecordName, "orders", serde.Key, "acme.Order", "orders-acme.Order", false},
		{"user function", func(topic string, role serde.Role, _ string) (string, error) { return "team." + topic, nil }, "orders", serde.Value, "", "team.orders", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.strategy(tt.topic, tt.role, tt.record)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("= %q, %v; want %q (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestReferenceSubjectStrategies(t *testing.T) {
	tests := []struct {
		name     string
		strategy ReferenceSubjectStrategy
		in, want string
	}{
		{"default keeps the import path", DefaultReferenceSubject, "acme/money.proto", "acme/money.proto"},
		{"qualified proto", QualifiedReferenceSubject, "acme/common/money.proto", "acme.common.money"},
		{"qualified avro full name", QualifiedReferenceSubject, "acme.Money", "acme.Money"},
		{"qualified avsc file", QualifiedReferenceSubject, "./schemas/money.avsc", "schemas.money"},
		{"qualified json ref", QualifiedReferenceSubject, "https://acme.example/schemas/money.json", "acme.example.schemas.money"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.strategy(tt.in); err != nil || got != tt.want {
				t.Fatalf("(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

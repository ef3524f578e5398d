package tests

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/serde"
)

// schemagen produce enforces the data contract registered with a schema,
// for every format: a line that passes the types but breaks a rule exits
// 100 and never reaches the topic; a line that keeps the rules is sent.
func TestProduceEnforcesContracts(t *testing.T) {
	ctx := context.Background()
	reg := registrytest.New(t)
	rc, err := registry.New(registry.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "avro-people", "json-people", "proto-people"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	adult := &serde.RuleSet{DomainRules: []serde.Rule{{Name: "adult", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.age >= 18"}}}
	schemas := map[string]serde.Schema{
		"avro-people-value": {Format: serde.Avro, RuleSet: adult,
			Text: `{"type":"record","name":"Person","fields":[{"name":"name","type":"string","confluent:rules":[{"name":"named","expr":"size(this) > 0"}]},{"name":"age","type":"int"}]}`},
		"json-people-value": {Format: serde.JSON, RuleSet: adult,
			Text: `{"type":"object","properties":{"name":{"type":"string","confluent:rules":[{"name":"named","expr":"size(this) > 0"}]},"age":{"type":"integer"}},"required":["name","age"]}`},
		"proto-people-value": {Format: serde.Protobuf, RuleSet: adult,
			Text: "syntax = \"proto3\";\nimport \"buf/validate/validate.proto\";\nmessage Person {\n  string name = 1 [(buf.validate.field).string.min_len = 1];\n  int32 age = 2;\n}\n"},
	}
	for subject, s := range schemas {
		if _, err := rc.Register(ctx, subject, s); err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
	}
	tests := []struct {
		name, topic, line string
		code              int
		want              string
		records           int64
	}{
		{name: "avro valid", topic: "avro-people", line: `{"name":"ann","age":30}`, records: 1},
		{name: "avro domain rule", topic: "avro-people", line: `{"name":"kid","age":7}`, code: 100, want: `breaks rule "adult"`},
		{name: "avro inline rule", topic: "avro-people", line: `{"name":"","age":30}`, code: 100, want: `name: breaks rule "named"`},
		{name: "json valid", topic: "json-people", line: `{"name":"ann","age":30}`, records: 1},
		{name: "json domain rule", topic: "json-people", line: `{"name":"kid","age":7}`, code: 100, want: `breaks rule "adult"`},
		{name: "json inline rule", topic: "json-people", line: `{"name":"","age":30}`, code: 100, want: `name: breaks rule "named"`},
		{name: "proto valid", topic: "proto-people", line: `{"name":"ann","age":30}`, records: 1},
		{name: "proto domain rule", topic: "proto-people", line: `{"name":"kid","age":7}`, code: 100, want: `breaks rule "adult"`},
		{name: "proto buf.validate", topic: "proto-people", line: `{"name":"","age":30}`, code: 100, want: `name: breaks rule "string.min_len"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := endOffset(t, c, tt.topic)
			cmd := exec.Command(schemagenBin(t), "produce", "--registry", reg.URL(), "--brokers", c.ListenAddrs()[0], "--topic", tt.topic, "--timeout", "20s")
			cmd.Dir = t.TempDir()
			cmd.Stdin = strings.NewReader(tt.line + "\n")
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(out.String()+errb.String(), tt.want) {
				t.Fatalf("exit %d (want %d), want %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out.String(), errb.String())
			}
			if tt.code != 0 {
				t.Logf("stderr: %s", errb.String())
			}
			if got := endOffset(t, c, tt.topic) - before; got != tt.records {
				t.Fatalf("%d records reached %s, want %d", got, tt.topic, tt.records)
			}
		})
	}
}

func endOffset(t *testing.T, c *kfake.Cluster, topic string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

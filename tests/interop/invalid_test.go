//go:build interop

package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// invalidValue returns a value for record i that breaks the value schema
// of format f, in a different way for different i.
func invalidValue(t *testing.T, f format, c serde.Compiled, i int) any {
	t.Helper()
	switch f.name {
	case "avro":
		switch i % 3 {
		case 0:
			return map[string]any{"id": "x", "seq": "ten", "amount": 1.0, "tags": []any{}} // wrong type
		case 1:
			return map[string]any{"id": "x", "amount": 1.0, "tags": []any{}} // missing field
		default:
			return map[string]any{"id": "x", "seq": int64(i), "amount": 1.0, "tags": []any{7}} // wrong item type
		}
	case "json":
		switch i % 3 {
		case 0:
			return map[string]any{"id": "x", "seq": -1, "amount": 1.0, "tags": []any{}} // minimum
		case 1:
			return map[string]any{"id": "x", "seq": i, "amount": 1.0, "tags": []any{}, "extra": true} // closed model
		default:
			return map[string]any{"id": "x", "seq": i, "tags": []any{}} // required
		}
	case "protobuf":
		ps := c.(*protobuf.Compiled)
		if (i/4)%2 == 0 {
			// Invalid UTF-8 in a proto3 string field.
			m := ps.New()
			fd := ps.Message().Fields().ByName("id")
			m.ProtoReflect().Set(fd, protoreflect.ValueOfString("\xff\xfe"))
			m.ProtoReflect().Set(ps.Message().Fields().ByName("seq"), protoreflect.ValueOfInt64(int64(i)))
			return m
		}
		// A message of another type (Meta) where Order is expected.
		d, err := ps.Files().FindDescriptorByName("interop.v1.Meta")
		if err != nil {
			t.Fatal(err)
		}
		return proto.Message(dynamicpb.NewMessage(d.(protoreflect.MessageDescriptor)))
	}
	t.Fatalf("format %s", f.name)
	return nil
}

// TestInvalidNeverReachesKafka: schemagen's typed producers (all three
// formats) and the CLI's produce command get a mix of valid and invalid
// values; afterwards the topic holds exactly the valid ones, counted by
// consuming everything.
func TestInvalidNeverReachesKafka(t *testing.T) {
	regSrv, cl := newRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := producer.New(producer.SeedBrokers(brokers(t)...), producer.Registry(cl), producer.Linger(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	const n = 400 // every 4th is invalid
	for _, f := range allFormats {
		t.Run("typed/"+f.name, func(t *testing.T) {
			topic := topicName("invalid-" + f.name)
			createTopics(t, partitions, topic)
			vc := compile(t, f.value, protoValueMessage)
			typed, err := producer.NewTyped(ctx, p, producer.Spec[[]byte, any]{
				Topic: topic, Value: producer.Side{Schema: producer.SchemaSource{Compiled: vc}, IDSource: registry.AutoRegister()},
			})
			if err != nil {
				t.Fatal(err)
			}
			var futures []*producer.Future
			valid := map[int]bool{}
			rejected := 0
			for i := range n {
				var v any
				if i%4 == 3 {
					v = invalidValue(t, f, vc, i)
				} else {
					_, vj := recordJSON(i)
					if v, err = formats.FromJSON(vc, []byte(vj)); err != nil {
						t.Fatal(err)
					}
				}
				fut, err := typed.Produce(ctx, nil, v)
				if i%4 == 3 {
					var verr *serde.ValidationError
					if !errors.Is(err, producer.ErrRejected) || !errors.As(err, &verr) {
						t.Fatalf("record %d (invalid): Produce returned %v, want a rejection with a *serde.ValidationError", i, err)
					}
					if _, ferr := fut.Get(ctx); !errors.Is(ferr, producer.ErrRejected) {
						t.Errorf("record %d: future %v, want ErrRejected", i, ferr)
					}
					if i < 8 {
						t.Logf("rejected: %v", err)
					}
					rejected++
					continue
				}
				if err != nil {
					t.Fatalf("record %d (valid): %v", i, err)
				}
				futures = append(futures, fut)
				valid[i] = true
			}
			if err := p.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for _, fut := range futures {
				if _, err := fut.Get(ctx); err != nil {
					t.Fatal(err)
				}
			}
			recs := consumeAll(t, topic)
			checkOnlyValid(t, f, vc, recs, valid)
			t.Logf("%s: %d valid sent, %d rejected, %d records on the topic", f.name, len(valid), rejected, len(recs))
		})
	}

	// The CLI: build cmd/schemagen and pipe JSON lines into `produce`.
	bin := filepath.Join(t.TempDir(), "schemagen")
	build := exec.Command("go", "build", "-o", bin, "./cmd/schemagen")
	build.Dir = filepath.Join(interopDir(t), "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/schemagen: %v\n%s", err, out)
	}
	reg := regSrv.URL()
	for _, f := range allFormats {
		// The CLI compiles the subject's latest schema for its first
		// message, so Protobuf gets a file with Order alone.
		schema := f.value
		if f.name == "protobuf" {
			schema.Text = strings.Replace(protoValue, "message Meta { string source = 1; }\n", "", 1)
		}
		vc := compile(t, schema, protoValueMessage)
		for _, cont := range []bool{true, false} {
			t.Run(fmt.Sprintf("cli/%s/continue=%v", f.name, cont), func(t *testing.T) {
				topic := topicName("cli-" + f.name)
				createTopics(t, partitions, topic)
				if _, err := cl.Register(ctx, topic+"-value", schema); err != nil {
					t.Fatal(err)
				}
				var in bytes.Buffer
				valid := map[int]bool{}
				firstBad := -1
				for i := range 200 {
					if i%4 == 3 {
						in.WriteString(invalidLine(f.name, i) + "\n")
						if firstBad < 0 {
							firstBad = i
						}
						continue
					}
					_, vj := recordJSON(i)
					in.WriteString(vj + "\n")
					if cont || firstBad < 0 {
						valid[i] = true
					}
				}
				cmd := exec.CommandContext(ctx, bin, "produce", "--registry", reg, "--brokers", strings.Join(brokers(t), ","), "--topic", topic)
				if cont {
					cmd.Args = append(cmd.Args, "--continue")
				}
				cmd.Dir = t.TempDir() // no schemagen.yaml there
				cmd.Stdin = &in
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				code := 0
				var exitErr *exec.ExitError
				if errors.As(err, &exitErr) {
					code = exitErr.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				wantCode := 0
				if !cont {
					wantCode = 100 // rejected records are findings
				}
				if code != wantCode {
					t.Fatalf("exit code %d, want %d\n%s", code, wantCode, stderr.String())
				}
				if !strings.Contains(stderr.String(), "rejected") {
					t.Errorf("stderr does not report the rejected lines:\n%s", stderr.String())
				}
				recs := consumeAll(t, topic)
				checkOnlyValid(t, f, vc, recs, valid)
				last := strings.TrimSpace(stderr.String())
				if i := strings.LastIndexByte(last, '\n'); i >= 0 {
					last = last[i+1:]
				}
				t.Logf("%d records on the topic, want %d; cli: %s", len(recs), len(valid), last)
			})
		}
	}
}

// invalidLine is a JSON line the value schema refuses.
func invalidLine(format string, i int) string {
	switch i % 3 {
	case 0:
		return `{"id":"x","seq":"ten","amount":1,"tags":[]}`
	case 1:
		if format == "protobuf" {
			return `{"id":"x","seq":1,"amount":1,"tags":[],"nope":1}`
		}
		return `{"id":"x","amount":1,"tags":[]}`
	default:
		return `{"id":"x","seq":1,"amount":1,"tags":[7]}`
	}
}

// checkOnlyValid decodes every record on the topic and checks that the
// records are exactly the valid ones, each once.
func checkOnlyValid(t *testing.T, f format, vc serde.Compiled, recs []*kgo.Record, valid map[int]bool) {
	t.Helper()
	seen := map[int]bool{}
	d := &serde.Deserializer{Role: serde.Value, Lookup: func(serde.Frame) (serde.Compiled, error) { return vc, nil }}
	for _, r := range recs {
		v, err := decodeAs(t, f, d, r.Value, headers(r), protoValueMessage)
		if err != nil {
			t.Errorf("offset %d: %v", r.Offset, err)
			continue
		}
		m, _ := v.(map[string]any)
		seq := 0
		if s, ok := m["seq"].(float64); ok {
			seq = int(s)
		}
		if !valid[seq] {
			t.Errorf("seq %d is on the topic but was not a valid record: %v", seq, v)
		}
		if seen[seq] {
			t.Errorf("seq %d twice", seq)
		}
		seen[seq] = true
		if _, vj := recordJSON(seq); !equalData(t, f.name, vj, v) {
			t.Errorf("seq %d: %v, want %s", seq, v, vj)
		}
	}
	if len(recs) != len(valid) || len(seen) != len(valid) {
		t.Errorf("%d records on the topic (%d distinct), want exactly the %d valid ones", len(recs), len(seen), len(valid))
	}
}

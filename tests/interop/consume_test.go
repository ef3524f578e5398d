//go:build interop

package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// lookup returns a serde.Deserializer lookup that finds a frame's schema
// in the registry by ID or GUID and compiles it (Protobuf for message
// msg), caching per frame.
func lookup(cl *registry.Client, msg string) func(serde.Frame) (serde.Compiled, error) {
	var mu sync.Mutex
	cache := map[string]serde.Compiled{}
	return func(f serde.Frame) (serde.Compiled, error) {
		k := fmt.Sprint(f.ID, f.GUID)
		mu.Lock()
		defer mu.Unlock()
		if c, ok := cache[k]; ok {
			return c, nil
		}
		ctx := context.Background()
		var s serde.Schema
		if f.HasGUID {
			g := f.GUID
			ss, err := cl.SchemaByGUID(ctx, fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16]))
			if err != nil {
				return nil, err
			}
			s = ss.Schema
		} else {
			var err error
			if s, err = cl.SchemaByID(ctx, f.ID); err != nil {
				return nil, err
			}
		}
		c, err := compileFor(ctx, s, cl, msg)
		if err != nil {
			return nil, err
		}
		cache[k] = c
		return c, nil
	}
}

// TestSchemagenDecodesConfluent: Confluent's SerializingProducer
// (AvroSerializer, ProtobufSerializer, JSONSerializer) auto-registers its
// schemas in schemagen's registry and writes the three formats, keys and
// values, with prefix framing and with header framing
// (header_schema_id_serializer); schemagen's serde.Deserializer, looking
// schemas up by ID or GUID in the same registry, decodes every record.
func TestSchemagenDecodesConfluent(t *testing.T) {
	reg, cl := newRegistry(t)
	const n = 300
	var records [][2]any
	for i := range n {
		kj, vj := recordJSON(i)
		records = append(records, [2]any{json.RawMessage(kj), json.RawMessage(vj)})
	}
	type tcase struct {
		topic   string
		format  format
		framing string
	}
	var cases []tcase
	var pyCases []map[string]any
	for _, f := range allFormats {
		for _, fr := range []string{"prefix", "header"} {
			tc := tcase{topicName("py-" + f.name + "-" + fr), f, fr}
			cases = append(cases, tc)
			c := map[string]any{"topic": tc.topic, "format": f.name, "framing": fr, "records": records}
			if f.name == "protobuf" {
				c["key_fds"], c["key_message"] = fdsBase64(t, compile(t, f.key, protoKeyMessage)), protoKeyMessage
				c["value_fds"], c["value_message"] = fdsBase64(t, compile(t, f.value, protoValueMessage)), protoValueMessage
			} else {
				c["key_schema"], c["value_schema"] = f.key.Text, f.value.Text
			}
			pyCases = append(pyCases, c)
			createTopics(t, partitions, tc.topic)
		}
	}
	lines := runPy(t, "produce_serde.py", map[string]any{
		"registry": reg.URL(), "brokers": strings.Join(brokers(t), ","), "cases": pyCases})
	delivered := map[string]map[string]any{}
	for _, l := range lines {
		delivered[l["topic"].(string)] = l
	}
	for _, tc := range cases {
		t.Run(tc.format.name+"/"+tc.framing, func(t *testing.T) {
			d := delivered[tc.topic]
			if d == nil || fmt.Sprint(d["delivered"]) != fmt.Sprint(n) || fmt.Sprint(d["failed"]) != "0" {
				t.Fatalf("confluent-kafka producer: %v", d)
			}
			// The subjects Confluent's serializers registered.
			for _, role := range []string{"key", "value"} {
				if _, err := cl.Versions(context.Background(), tc.topic+"-"+role); err != nil {
					t.Errorf("subject %s-%s: %v", tc.topic, role, err)
				}
			}
			kd := &serde.Deserializer{Role: serde.Key, Lookup: lookup(cl, protoKeyMessage)}
			vd := &serde.Deserializer{Role: serde.Value, Lookup: lookup(cl, protoValueMessage)}
			recs := consumeAll(t, tc.topic)
			seen := map[int]bool{}
			errs := 0
			var firstErr error
			for _, r := range recs {
				hs := headers(r)
				k, err := decodeAs(t, tc.format, kd, r.Key, hs, protoKeyMessage)
				if err == nil {
					var v any
					if v, err = decodeAs(t, tc.format, vd, r.Value, hs, protoValueMessage); err == nil {
						m, _ := v.(map[string]any)
						seq := 0
						if f, ok := m["seq"].(float64); ok {
							seq = int(f)
						}
						if seen[seq] {
							t.Errorf("seq %d twice", seq)
						}
						seen[seq] = true
						kj, vj := recordJSON(seq)
						if !equalData(t, tc.format.name, vj, v) {
							t.Errorf("seq %d: value %v, want %s", seq, v, vj)
						}
						if !equalData(t, tc.format.name, kj, k) {
							t.Errorf("seq %d: key %v, want %s", seq, k, kj)
						}
						continue
					}
				}
				errs++
				if firstErr == nil {
					firstErr = err
				}
			}
			t.Logf("%s/%s: schemagen decoded %d of %d records, %d errors", tc.format.name, tc.framing, len(seen), len(recs), errs)
			if errs != 0 {
				t.Errorf("%d records failed to decode; first: %v", errs, firstErr)
			}
			if len(recs) != n || len(seen) != n {
				t.Errorf("read %d records, decoded %d distinct, want exactly %d", len(recs), len(seen), n)
			}
		})
	}
}

func headers(r *kgo.Record) []serde.Header {
	hs := make([]serde.Header, len(r.Headers))
	for i, h := range r.Headers {
		hs[i] = serde.Header{Key: h.Key, Value: h.Value}
	}
	return hs
}

// decodeAs decodes one framed key or value with d into plain data.
func decodeAs(t *testing.T, f format, d *serde.Deserializer, b []byte, hs []serde.Header, msg string) (any, error) {
	t.Helper()
	if f.name == "protobuf" {
		schema := f.value
		if d.Role == serde.Key {
			schema = f.key
		}
		m := newProto(t, compile(t, schema, msg))
		if _, err := d.Decode(b, hs, m); err != nil {
			return nil, err
		}
		return normalize(protoPlain(m.ProtoReflect())), nil
	}
	var v any
	if _, err := d.Decode(b, hs, &v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

var allFramings = []serde.Framing{serde.FramePrefix, serde.FrameGUIDPrefix, serde.FrameHeader}

// written is one topic schemagen's typed producer wrote: n records of one
// format, key and value framed the same way.
type written struct {
	topic      string
	format     format
	framing    serde.Framing
	n          int
	key, value serde.Compiled
	keyID, id  int
	keyGUID    [16]byte
	valueGUID  [16]byte
}

func (w written) name() string { return w.format.name + "/" + w.framing.String() }

const partitions = 3

// produceMatrix writes n records with schemagen's typed producers for every
// format and framing, keys and values both with a schema, each to its own
// topic, with the schemas auto-registered in reg. Every future must
// succeed.
func produceMatrix(t *testing.T, cl *registry.Client, n int) []written {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := producer.New(producer.SeedBrokers(brokers(t)...), producer.Registry(cl), producer.Linger(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	var out []written
	var topics []string
	for _, f := range allFormats {
		for _, fr := range allFramings {
			topics = append(topics, topicName(f.name+"-"+fr.String()))
		}
	}
	createTopics(t, partitions, topics...)
	var futures []*producer.Future
	for i, tc := range topics {
		f, fr := allFormats[i/len(allFramings)], allFramings[i%len(allFramings)]
		w := written{topic: tc, format: f, framing: fr, n: n,
			key: compile(t, f.key, protoKeyMessage), value: compile(t, f.value, protoValueMessage)}
		typed, err := producer.NewTyped(ctx, p, producer.Spec[any, any]{
			Topic:   tc,
			Key:     &producer.Side{Schema: producer.SchemaSource{Compiled: w.key}, IDSource: registry.AutoRegister()},
			Value:   producer.Side{Schema: producer.SchemaSource{Compiled: w.value}, IDSource: registry.AutoRegister()},
			Framing: fr,
		})
		if err != nil {
			t.Fatalf("%s: NewTyped: %v", w.name(), err)
		}
		w.keyID, w.id = typed.KeySchemaID(), typed.SchemaID()
		var keyID, valueID int
		keyID, w.keyGUID = guidOf(t, cl, tc+"-key", f.key)
		valueID, w.valueGUID = guidOf(t, cl, tc+"-value", f.value)
		if keyID != w.keyID || valueID != w.id {
			t.Fatalf("%s: typed producer bound ids %d/%d, the registry has %d/%d", w.name(), w.keyID, w.id, keyID, valueID)
		}
		for i := range n {
			kj, vj := recordJSON(i)
			k, err := formats.FromJSON(w.key, []byte(kj))
			if err != nil {
				t.Fatal(err)
			}
			v, err := formats.FromJSON(w.value, []byte(vj))
			if err != nil {
				t.Fatal(err)
			}
			fut, err := typed.Produce(ctx, k, v)
			if err != nil {
				t.Fatalf("%s: record %d: %v", w.name(), i, err)
			}
			futures = append(futures, fut)
		}
		out = append(out, w)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i, f := range futures {
		if _, err := f.Get(ctx); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	return out
}

// guidOf returns the registry's ID and GUID for schema s under subject.
func guidOf(t testing.TB, cl *registry.Client, subject string, s serde.Schema) (int, [16]byte) {
	t.Helper()
	ss, err := cl.LookupSchema(context.Background(), subject, s)
	if err != nil {
		t.Fatalf("lookup %s: %v", subject, err)
	}
	g, err := parseGUID(ss.GUID)
	if err != nil {
		t.Fatalf("%s: guid %q: %v", subject, ss.GUID, err)
	}
	return ss.ID, g
}

func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		return g, fmt.Errorf("not a UUID: %q", s)
	}
	copy(g[:], b)
	return g, nil
}

// TestConfluentDecodesSchemagen: schemagen's typed producers write the
// three formats, keys and values, with prefix, GUID-prefix and header
// framing; Confluent's DeserializingConsumer (AvroDeserializer,
// ProtobufDeserializer, JSONDeserializer with their default
// dual_schema_id_deserializer) reads them through schemagen's registry and
// must decode every record to the value written, with exact counts.
func TestConfluentDecodesSchemagen(t *testing.T) {
	reg, cl := newRegistry(t)
	const n = 300
	ws := produceMatrix(t, cl, n)

	cfg := map[string]any{"registry": reg.URL(), "brokers": strings.Join(brokers(t), ","), "timeout": 60}
	var cases []map[string]any
	for _, w := range ws {
		c := map[string]any{"topic": w.topic, "format": w.format.name, "partitions": partitions, "expect": w.n}
		if w.format.name == "protobuf" {
			c["key_fds"], c["key_message"] = fdsBase64(t, w.key), protoKeyMessage
			c["value_fds"], c["value_message"] = fdsBase64(t, w.value), protoValueMessage
		}
		cases = append(cases, c)
	}
	cfg["cases"] = cases
	lines := runPy(t, "consume_serde.py", cfg)

	byTopic := map[string][]map[string]any{}
	summary := map[string]map[string]any{}
	for _, l := range lines {
		if s, ok := l["summary"].(string); ok {
			summary[s] = l
			continue
		}
		tp, _ := l["topic"].(string)
		byTopic[tp] = append(byTopic[tp], l)
	}
	for _, w := range ws {
		t.Run(w.name(), func(t *testing.T) {
			s := summary[w.topic]
			if s == nil {
				t.Fatalf("no summary from python for %s", w.topic)
			}
			recs, errs := 0, 0
			seen := map[int]bool{}
			var firstErr string
			for _, l := range byTopic[w.topic] {
				if e, ok := l["error"].(string); ok {
					errs++
					if firstErr == "" {
						firstErr = e
					}
					continue
				}
				recs++
				val, _ := l["value"].(map[string]any)
				seq := 0 // proto3 leaves a zero seq off the wire
				if s, ok := val["seq"]; ok {
					var err error
					if seq, err = strconv.Atoi(fmt.Sprint(s)); err != nil {
						t.Errorf("record with a bad seq: %v", l)
						continue
					}
				}
				if seen[seq] {
					t.Errorf("seq %d read twice", seq)
				}
				seen[seq] = true
				kj, vj := recordJSON(seq)
				if !equalData(t, w.format.name, vj, l["value"]) {
					t.Errorf("seq %d: value %v, want %s", seq, l["value"], vj)
				}
				if !equalData(t, w.format.name, kj, l["key"]) {
					t.Errorf("seq %d: key %v, want %s", seq, l["key"], kj)
				}
			}
			t.Logf("%s: confluent-kafka decoded %d of %d records, %d errors", w.name(), recs, w.n, errs)
			if errs != 0 {
				t.Errorf("%d records failed to deserialize; first: %s", errs, firstErr)
			}
			if recs != w.n || len(seen) != w.n {
				t.Errorf("decoded %d records (%d distinct), want exactly %d", recs, len(seen), w.n)
			}
		})
	}
}

// TestWireFormatBytes: kafka-python reads the raw records schemagen wrote
// and the test checks the framing byte by byte against Confluent's wire
// format: magic byte, big-endian schema ID or 16-byte GUID, Protobuf
// message indexes, the __key_schema_id/__value_schema_id headers, and the
// payload itself (re-encoded here, it must be identical).
func TestWireFormatBytes(t *testing.T) {
	_, cl := newRegistry(t)
	const n = 20
	ws := produceMatrix(t, cl, n)
	var cases []map[string]any
	for _, w := range ws {
		cases = append(cases, map[string]any{"topic": w.topic, "partitions": partitions, "expect": w.n})
	}
	lines := runPy(t, "consume_raw.py", map[string]any{"brokers": strings.Join(brokers(t), ","), "timeout": 60, "cases": cases})
	byTopic := map[string][]map[string]any{}
	for _, l := range lines {
		if _, ok := l["summary"]; ok {
			continue
		}
		tp, _ := l["topic"].(string)
		byTopic[tp] = append(byTopic[tp], l)
	}
	for _, w := range ws {
		t.Run(w.name(), func(t *testing.T) {
			recs := byTopic[w.topic]
			if len(recs) != w.n {
				t.Fatalf("kafka-python read %d records, want %d", len(recs), w.n)
			}
			seen := map[string]bool{}
			for _, l := range recs {
				key := mustHex(t, l["key"])
				value := mustHex(t, l["value"])
				hdrs := map[string][]byte{}
				hs, _ := l["headers"].([]any)
				for _, h := range hs {
					kv := h.([]any)
					hdrs[kv[0].(string)] = mustHex(t, kv[1])
				}
				// Which record is it? Decode the value's payload with the
				// expected frame length removed, then compare everything.
				kPay := checkFrame(t, "key", w, w.keyID, w.keyGUID, []byte{0x00}, key, hdrs[serde.HeaderKeySchemaID])
				vPay := checkFrame(t, "value", w, w.id, w.valueGUID, []byte{0x02, 0x02}, value, hdrs[serde.HeaderValueSchemaID])
				if t.Failed() {
					return
				}
				seq := seqOf(t, w, vPay)
				kj, vj := recordJSON(seq)
				if w.format.name == "protobuf" {
					// Protobuf's encoding of a message is not unique (field
					// order may vary): compare what the payload decodes to.
					if got := decodePlain(t, w.key, kPay); !equalData(t, "protobuf", kj, got) {
						t.Errorf("seq %d: key payload %x decodes to %v, want %s", seq, kPay, got, kj)
					}
					if got := decodePlain(t, w.value, vPay); !equalData(t, "protobuf", vj, got) {
						t.Errorf("seq %d: value payload %x decodes to %v, want %s", seq, vPay, got, vj)
					}
				} else {
					if want := encode(t, w.key, kj); !bytes.Equal(kPay, want) {
						t.Errorf("seq %d: key payload %x, want %x", seq, kPay, want)
					}
					if want := encode(t, w.value, vj); !bytes.Equal(vPay, want) {
						t.Errorf("seq %d: value payload %x, want %x", seq, vPay, want)
					}
				}
				id := fmt.Sprint(seq)
				if seen[id] {
					t.Errorf("seq %d twice", seq)
				}
				seen[id] = true
				if w.framing != serde.FrameHeader && len(hdrs) != 0 {
					t.Errorf("%s framing but headers %v", w.framing, hdrs)
				}
			}
		})
	}
}

// checkFrame checks one framed key or value byte by byte and returns the
// bare payload. pbIndexes is the expected message-index encoding for
// Protobuf (key: [0] as the single byte 0; value: [1] as count 1, index 1,
// zigzag varints 0x02 0x02).
func checkFrame(t *testing.T, role string, w written, id int, guid [16]byte, pbIndexes, b, header []byte) []byte {
	t.Helper()
	var idx []byte
	if w.format.name == "protobuf" {
		idx = pbIndexes
	}
	var prefix []byte
	switch w.framing {
	case serde.FramePrefix:
		prefix = binary.BigEndian.AppendUint32([]byte{0x00}, uint32(id))
		if header != nil {
			t.Errorf("%s: prefix framing but header %x", role, header)
		}
	case serde.FrameGUIDPrefix:
		prefix = append([]byte{0x01}, guid[:]...)
		if header != nil {
			t.Errorf("%s: guid framing but header %x", role, header)
		}
	case serde.FrameHeader:
		// Magic byte 1, the GUID and, for Protobuf, the message indexes,
		// as Confluent's clients write them; the payload is bare.
		wantH := append(append([]byte{0x01}, guid[:]...), idx...)
		if !bytes.Equal(header, wantH) {
			t.Errorf("%s: header %x, want magic 1, GUID and indexes %x", role, header, wantH)
		}
		idx = nil
	}
	want := append(prefix, idx...)
	if len(b) < len(want) || !bytes.Equal(b[:len(want)], want) {
		t.Errorf("%s: %s framing: starts %x, want %x (id %d)", role, w.framing, b[:min(len(b), len(want))], want, id)
		return nil
	}
	return b[len(want):]
}

// decodePlain decodes a bare payload with c into plain data.
func decodePlain(t *testing.T, c serde.Compiled, payload []byte) any {
	t.Helper()
	if c.Format() == serde.Protobuf {
		msg := newProto(t, c)
		if err := c.Decode(payload, msg); err != nil {
			t.Fatalf("decode %x: %v", payload, err)
		}
		return protoPlain(msg.ProtoReflect())
	}
	var v any
	if err := c.Decode(payload, &v); err != nil {
		t.Fatalf("decode %x: %v", payload, err)
	}
	return normalize(v)
}

func seqOf(t *testing.T, w written, payload []byte) int {
	t.Helper()
	m, _ := normalize(decodePlain(t, w.value, payload)).(map[string]any)
	f, ok := m["seq"].(float64)
	if !ok {
		// proto3 leaves seq 0 off the wire.
		return 0
	}
	return int(f)
}

func encode(t *testing.T, c serde.Compiled, js string) []byte {
	t.Helper()
	v, err := formats.FromJSON(c, []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.AppendEncode(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustHex(t *testing.T, v any) []byte {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := hex.DecodeString(v.(string))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

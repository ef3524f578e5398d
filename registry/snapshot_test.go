package registry

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemagen/schemagen/serde"
)

// deadURL is a loopback address where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func TestSnapshotWarmStart(t *testing.T) {
	ctx := context.Background()
	_, cl, _ := fakeClient(t)
	money := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}`}
	order := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}`,
		References: []serde.Reference{{Name: "shop.Money", Subject: "shop.Money", Version: 1}}}
	m, err := cl.Register(ctx, "shop.Money", money)
	if err != nil {
		t.Fatal(err)
	}
	o, err := cl.Register(ctx, "orders-value", order)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cl.WriteSnapshot(ctx, &buf, "orders-value"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dead := deadURL(t)
	opts := []Opt{URLs(dead), Retries(0), RetryBackoff(time.Millisecond, time.Millisecond)}
	// Control: without the snapshot a client on the dead URL cannot bind.
	cold, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cold.Bind(ctx, "orders-value", order, UseLatest(nil), DriftFail); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("bind without a snapshot: %v, want ErrUnavailable", err)
	}

	warm, err := New(append(opts, Snapshot(path))...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  Source
	}{
		{"latest", UseLatest(nil)},
		{"lookup", LookupBySchema()},
		{"autoregister", AutoRegister()},
		{"pin", PinID(o.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := warm.Bind(ctx, "orders-value", order, tc.src, DriftFail)
			if err != nil {
				t.Fatalf("bind with the registry down: %v", err)
			}
			if ss.ID != o.ID || ss.Version != o.Version {
				t.Fatalf("bound id %d version %d, registered %d %d", ss.ID, ss.Version, o.ID, o.Version)
			}
		})
	}
	if s, err := warm.SchemaByID(ctx, m.ID); err != nil || s.Text != money.Text {
		t.Fatalf("schema by id of the reference: %v %v", s, err)
	}
	// A schema the snapshot does not have is still an error.
	other := serde.Schema{Format: serde.Avro, Text: `"string"`}
	if _, err := warm.Bind(ctx, "orders-value", other, LookupBySchema(), DriftFail); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("bind of a schema not in the snapshot: %v, want ErrUnavailable", err)
	}
}

func TestSnapshotInvalid(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, text string }{
		{"not json", "nope"},
		{"wrong version", `{"version":9,"schemas":[]}`},
		{"unknown field", `{"version":1,"schemas":[],"x":1}`},
		{"incomplete", `{"version":1,"schemas":[{"subject":"s","version":1,"id":0,"format":"AVRO","schema":"\"string\""}]}`},
		{"bad format", `{"version":1,"schemas":[{"subject":"s","version":1,"id":1,"format":"XML","schema":"x"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			os.WriteFile(p, []byte(tc.text), 0o644)
			if _, err := New(Snapshot(p)); !errors.Is(err, ErrConfig) {
				t.Fatalf("%v, want ErrConfig", err)
			}
		})
	}
	if _, err := New(Snapshot(filepath.Join(dir, "missing"))); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing file: %v, want ErrConfig", err)
	}
}

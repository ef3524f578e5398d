package adversarial

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/server"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/avro"
	"github.com/schemagen/schemagen/serde/jsonschema"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// The budget of one input of at most 1 MiB (issue 13), and the margin CPU
// gets on a loaded, shared machine. Allocation is deterministic: no margin.
const (
	budgetCPU   = time.Second
	cpuMargin   = 3
	budgetAlloc = 256 << 20
	maxInput    = 1 << 20
)

// expect says what Compile must do with a hostile schema.
type expect int

const (
	either expect = iota // within budget, accepted or refused
	accept               // at a limit: compiles
	refuse               // past a limit: an error
)

// hostile is one hostile input: a schema with its references, and
// optionally a next version for the compatibility check, a JSON value to
// validate and encode, and a payload to decode.
type hostile struct {
	name    string
	format  serde.Format
	schema  string
	refs    map[string]serde.Schema // by reference name; each is in the schema's References
	next    string                  // next version for the compatibility check; default: schema
	compile expect
	value   string // JSON line: FromJSON, Validate, AppendEncode
	payload []byte // bare payload: Decode
	// noServer skips the HTTP handlers (inputs whose references would
	// need thousands of registrations first).
	noServer bool
}

type measurement struct {
	what  string
	cpu   time.Duration
	alloc uint64
}

var (
	resultsMu sync.Mutex
	results   []measurement
)

func TestMain(m *testing.M) {
	code := m.Run()
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(results) > 0 && testing.Verbose() {
		sort.Slice(results, func(i, j int) bool { return results[i].cpu > results[j].cpu })
		fmt.Printf("adversarial: %d steps measured\n", len(results))
		for _, r := range results[:min(10, len(results))] {
			fmt.Printf("adversarial: slowest: %-90s cpu %8v  alloc %6.1f MB\n", r.what, r.cpu.Round(time.Millisecond), float64(r.alloc)/(1<<20))
		}
		sort.Slice(results, func(i, j int) bool { return results[i].alloc > results[j].alloc })
		for _, r := range results[:min(5, len(results))] {
			fmt.Printf("adversarial: most allocating: %-82s cpu %8v  alloc %6.1f MB\n", r.what, r.cpu.Round(time.Millisecond), float64(r.alloc)/(1<<20))
		}
	}
	os.Exit(code)
}

// measure runs f, records its CPU time and allocation, fails t past the
// budget, and turns a panic into a test failure.
func measure(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	c0 := processCPU()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s panicked: %v", what, r)
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		err = f()
	}()
	cpu := processCPU() - c0
	runtime.ReadMemStats(&b)
	alloc := b.TotalAlloc - a.TotalAlloc
	resultsMu.Lock()
	results = append(results, measurement{what: t.Name() + " " + what, cpu: cpu, alloc: alloc})
	resultsMu.Unlock()
	if cpu > cpuMargin*budgetCPU {
		t.Errorf("%s: %v of CPU, budget %v", what, cpu, budgetCPU)
	}
	if alloc > budgetAlloc {
		t.Errorf("%s: allocated %d MB, budget %d MB", what, alloc>>20, budgetAlloc>>20)
	}
	return err
}

// compileAny compiles s in its format; on error the Compiled is a nil
// interface, not a typed nil.
func compileAny(ctx context.Context, s serde.Schema, r serde.Resolver) (serde.Compiled, error) {
	var c serde.Compiled
	var err error
	switch s.Format {
	case serde.Avro:
		var a *avro.Compiled
		if a, err = avro.Compile(ctx, s, r); err == nil {
			c = a
		}
	case serde.Protobuf:
		var p *protobuf.Compiled
		if p, err = protobuf.Compile(ctx, s, r); err == nil {
			c = p
		}
	default:
		var j *jsonschema.Compiled
		if j, err = jsonschema.Compile(ctx, s, r); err == nil {
			c = j
		}
	}
	return c, err
}

func (h hostile) serdeSchema(text string) (serde.Schema, serde.Resolver) {
	s := serde.Schema{Format: h.format, Text: text}
	names := make([]string, 0, len(h.refs))
	for n := range h.refs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s.References = append(s.References, serde.Reference{Name: n, Subject: n, Version: 1})
	}
	r := serde.MapResolver{}
	for n, rs := range h.refs {
		r[n] = rs
	}
	return s, r
}

// run puts h through every entry point.
func run(t *testing.T, h hostile) {
	ctx := context.Background()
	if len(h.schema) > maxInput+64 {
		t.Fatalf("input of %d bytes: the suite's inputs stay near 1 MiB", len(h.schema))
	}
	s, r := h.serdeSchema(h.schema)
	var c serde.Compiled
	err := measure(t, "compile", func() error {
		var err error
		c, err = compileAny(ctx, s, r)
		return err
	})
	switch {
	case h.compile == accept && err != nil:
		t.Errorf("compile refused an input at the limit: %v", cut(err))
	case h.compile == refuse && err == nil:
		t.Errorf("compile accepted an input past the limit")
	}
	next := s
	if h.next != "" {
		next, _ = h.serdeSchema(h.next)
	}
	_ = measure(t, "compat check", func() error {
		_, err := compat.Check(ctx, compat.FullTransitive, next, []compat.Version{{Version: 1, Schema: s}}, r)
		return err
	})
	if c != nil && h.value != "" {
		var v any
		err := measure(t, "FromJSON", func() error {
			var err error
			v, err = fromJSON(c, []byte(h.value))
			return err
		})
		if err == nil {
			_ = measure(t, "validate", func() error { return c.Validate(v) })
			_ = measure(t, "encode", func() error { _, err := c.AppendEncode(nil, v); return err })
		}
	}
	if c != nil && h.payload != nil {
		_ = measure(t, "decode", func() error { return decode(c, h.payload) })
	}
	if !h.noServer {
		serve(t, h)
	}
}

func fromJSON(c serde.Compiled, line []byte) (any, error) {
	switch c := c.(type) {
	case *protobuf.Compiled:
		return c.FromJSON(line)
	case interface{ FromJSON([]byte) (any, error) }:
		return c.FromJSON(line)
	}
	return nil, fmt.Errorf("no FromJSON for %T", c)
}

func decode(c serde.Compiled, data []byte) error {
	if p, ok := c.(*protobuf.Compiled); ok {
		m := p.New()
		err := p.Decode(data, m)
		_ = proto.Size(m)
		return err
	}
	var v any
	return c.Decode(data, &v)
}

// serve registers h's references and then h through the server's HTTP
// handler, and checks it with the compatibility endpoint.
func serve(t *testing.T, h hostile) {
	srv, err := server.New()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hd := srv.Handler()
	post := func(path string, body map[string]any) (int, string) {
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
		req.Header.Set("Content-Type", server.ContentType)
		rec := httptest.NewRecorder()
		hd.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	typ := string(h.format)
	if h.format == serde.Avro {
		typ = "AVRO"
	}
	s, _ := h.serdeSchema(h.schema)
	for _, ref := range s.References {
		rs := h.refs[ref.Name]
		body := map[string]any{"schema": rs.Text, "schemaType": typ}
		if len(rs.References) > 0 {
			body["references"] = rs.References
		}
		if st, resp := post("/subjects/"+ref.Subject+"/versions", body); st != 200 {
			t.Logf("registering reference %s: %d %s", ref.Name, st, cutText(resp))
		}
	}
	body := map[string]any{"schema": h.schema, "schemaType": typ, "references": s.References}
	var st int
	var resp string
	_ = measure(t, "HTTP register", func() error {
		st, resp = post("/subjects/hostile/versions", body)
		return nil
	})
	if st >= 500 {
		t.Errorf("HTTP register: %d %s", st, cutText(resp))
	}
	if st >= 400 && len(resp) > 16<<10 {
		t.Errorf("HTTP register answered an error of %d bytes", len(resp))
	}
	if h.next != "" {
		next := map[string]any{"schema": h.next, "schemaType": typ, "references": s.References}
		_ = measure(t, "HTTP compatibility", func() error {
			st, resp = post("/compatibility/subjects/hostile/versions/latest?verbose=true", next)
			return nil
		})
		if st >= 500 {
			t.Errorf("HTTP compatibility: %d %s", st, cutText(resp))
		}
		if len(resp) > 16<<10 {
			t.Errorf("HTTP compatibility answered %d bytes", len(resp))
		}
	}
}

func cut(err error) string { return cutText(err.Error()) }

func cutText(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

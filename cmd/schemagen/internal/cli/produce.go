package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

// maxBatchBytes is the producer's record batch limit that produce sets
// (franz-go's default, Kafka's max.message.bytes). One record must fit one
// batch; a larger one is refused before it is sent.
const maxBatchBytes = 1_000_012

// errRecordTooLarge is wrapped by *recordTooLargeError.
var errRecordTooLarge = errors.New("record too large")

// recordTooLargeError is a record refused before sending because it cannot
// fit one record batch.
type recordTooLargeError struct {
	Size, Max int
}

func (e *recordTooLargeError) Error() string {
	return fmt.Sprintf("%v: %d bytes with framing, key and headers; the producer's record batches hold at most %d",
		errRecordTooLarge, e.Size, e.Max)
}

func (e *recordTooLargeError) Unwrap() error { return errRecordTooLarge }

// produceOpts are produce's flags.
type produceOpts struct {
	brokers, topic, subject, message, key, framing string
	headers                                        []kgo.RecordHeader
	partition                                      int
	cont                                           bool
	timeout                                        time.Duration
}

func runProduce(e *env, args []string) error {
	fs := newFlags(e, "produce", "< records.jsonl")
	var c conn
	c.bind(fs, true)
	var ks kafkaFlags
	ks.bind(fs)
	var o produceOpts
	fs.StringVar(&o.brokers, "brokers", "127.0.0.1:9092", "comma-separated Kafka bootstrap brokers")
	fs.StringVar(&o.topic, "topic", "", "topic to produce to (required)")
	fs.StringVar(&o.subject, "subject", "", "value subject (default: <topic>-value)")
	fs.StringVar(&o.message, "message", "", "the Protobuf message of the subject's schema (default: the config entry's message:, else the first)")
	fs.StringVar(&o.key, "key", "", "record key: .field.path takes it from each line's JSON, anything else is a constant (default: no key)")
	fs.StringVar(&o.framing, "framing", "", "prefix, guid or header (default: the config entry's framing:, else prefix)")
	fs.Func("header", "a record header k=v (repeatable)", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("want k=v, got %q", s)
		}
		o.headers = append(o.headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
		return nil
	})
	fs.IntVar(&o.partition, "partition", -1, "send every record to this partition (default: the partitioner's choice by key)")
	fs.BoolVar(&o.cont, "continue", false, "report rejected lines, produce the valid ones and exit 0")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long to wait for the brokers, for room in the buffer, and for the delivery of everything after the last line")
	if err := refuseSecretFlags(args); err != nil {
		return err
	}
	if _, err := parse(fs, args); err != nil {
		return err
	}
	auth, err := ks.load(e)
	if err != nil {
		return err
	}
	if o.timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if o.topic == "" {
		fs.Usage()
		return usageErr("--topic is required")
	}
	if o.partition < -1 || o.partition > 1<<31-1 {
		return usageErr("--partition %d: want a partition number", o.partition)
	}
	if o.subject == "" {
		o.subject, _ = registry.TopicName(o.topic, serde.Value, "")
	}
	cfg, err := e.loadConfig(&c, true)
	if err != nil {
		return err
	}
	entry := entryFor(cfg, o.topic)
	if entry != nil {
		if o.message == "" {
			o.message = entry.Message
		}
		if o.framing == "" {
			o.framing = config.Effective(entry.Framing, cfg.Defaults.Framing, "")
		}
	}
	framing := serde.FramePrefix
	if o.framing != "" {
		if framing, err = serde.ParseFraming(o.framing); err != nil {
			return usageErr("framing: %v", err)
		}
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	latest, err := cl.Latest(e.ctx, o.subject)
	if err != nil {
		return err
	}
	// produce enforces the registered contract, the one every consumer
	// and Confluent's clients see; a local one not sent yet is named.
	if entry != nil && entry.RuleSetFile != "" && !ruleSetsEqual(entry.Contract.RuleSet, latest.Schema.RuleSet) {
		fmt.Fprintf(e.stderr, "warning: the rule set in %s is not the one registered for %s version %d: produce enforces the registered one (run schemagen register to send yours)\n",
			entry.RuleSetFile, o.subject, latest.Version)
	}
	compiled, err := compileSchema(e.ctx, latest.Schema, cl, "", o.message)
	if err != nil {
		return fmt.Errorf("%s version %d: %w", o.subject, latest.Version, err)
	}
	p, err := producer.New(append([]producer.Opt{producer.SeedBrokers(strings.Split(o.brokers, ",")...), producer.Registry(cl),
		producer.DeliveryTimeout(o.timeout), producer.MaxBatchBytes(maxBatchBytes),
		producer.MaxRecordBytes(maxBatchBytes), // checked on the bytes serialized for sending
		producer.KgoOpts(kgo.AllowAutoTopicCreation())}, auth.producerOpts()...)...)
	if err != nil {
		return usageErr("%v", err)
	}
	// Close never waits: by then every record has its outcome or the run
	// gave up on it (a buffered record is failed, never dropped silently).
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		p.Close(ctx)
	}()
	// Unreachable brokers are an error now, not a flush that never ends.
	pctx, cancel := context.WithTimeout(e.ctx, o.timeout)
	err = p.Ping(pctx)
	cancel()
	if err != nil {
		return fmt.Errorf("brokers %s (%s): %w", o.brokers, auth, err)
	}
	// The GUID names the schema in the guid and header framings.
	guid, err := parseGUID(latest.GUID)
	if err != nil && framing != serde.FramePrefix {
		return fmt.Errorf("%s version %d: %w", o.subject, latest.Version, err)
	}
	typed, err := producer.NewTyped(e.ctx, p, producer.Spec[[]byte, any]{
		Topic: o.topic,
		Value: producer.Side{
			Schema:   producer.SchemaSource{Compiled: compiled},
			Subject:  o.subject,
			IDSource: registry.PinID(latest.ID),
			GUID:     guid,
		},
		Framing: framing,
	})
	if err != nil {
		return err
	}
	r := &produceRun{e: e, o: &o, typed: typed, compiled: compiled, latest: latest}
	return r.run()
}

// parseGUID parses a registry GUID (8-4-4-4-12 hex).
func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 {
		return g, fmt.Errorf("the registry gave no schema GUID (%q), which the guid and header framings need", s)
	}
	if _, err := hex.Decode(g[:], []byte(h)); err != nil {
		return g, fmt.Errorf("malformed schema GUID %q: %w", s, err)
	}
	return g, nil
}

// entryFor is the config entry of a topic's values, nil if none.
func entryFor(cfg *config.Config, topic string) *config.Entry {
	if cfg == nil {
		return nil
	}
	for i := range cfg.Schemas {
		if e := &cfg.Schemas[i]; e.Topic == topic && e.RoleOf() == serde.Value {
			return e
		}
	}
	return nil
}

// produceRun reads the lines and tracks every record handed over.
type produceRun struct {
	e        *env
	o        *produceOpts
	typed    *producer.Typed[[]byte, any]
	compiled serde.Compiled
	latest   registry.SubjectSchema

	// runCtx is every record's context: canceling it when the run gives
	// up fails the records not yet sent.
	runCtx    context.Context
	cancelRun context.CancelFunc

	futures  []*producer.Future
	lines    []int
	rejected int
}

type inputLine struct {
	n    int
	text []byte
	err  error // reading stdin failed; the last line sent
}

// readLines sends stdin's lines on a channel, so that waiting for input
// does not keep an interrupt from being seen.
func readLines(ctx context.Context, in io.Reader) <-chan inputLine {
	ch := make(chan inputLine)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for n := 1; sc.Scan(); n++ {
			select {
			case ch <- inputLine{n: n, text: bytes.Clone(sc.Bytes())}:
			case <-ctx.Done():
				return
			}
		}
		if err := sc.Err(); err != nil {
			select {
			case ch <- inputLine{err: err}:
			case <-ctx.Done():
			}
		}
	}()
	return ch
}

func (r *produceRun) run() error {
	e, o := r.e, r.o
	r.runCtx, r.cancelRun = context.WithCancel(e.ctx)
	defer r.cancelRun()
	rctx, stopReading := context.WithCancel(e.ctx)
	defer stopReading()
	in := readLines(rctx, e.stdin)
	stopped := false
read:
	for {
		var l inputLine
		var ok bool
		select {
		case l, ok = <-in:
		case <-e.ctx.Done():
			return r.giveUp("interrupted")
		}
		switch {
		case !ok:
			break read
		case l.err != nil:
			return fmt.Errorf("reading stdin: %w", l.err)
		}
		line := bytes.TrimSpace(l.text)
		if len(line) == 0 {
			continue
		}
		stalled, err := r.produce(l.n, line)
		switch {
		case e.ctx.Err() != nil:
			return r.giveUp("interrupted")
		case stalled:
			return r.giveUp(fmt.Sprintf("no room in the producer's buffer within --timeout %v", o.timeout))
		}
		var hoe *handOverError
		if errors.As(err, &hoe) {
			r.giveUp(fmt.Sprintf("line %d not handed over", l.n))
			return err
		}
		if err != nil {
			r.rejected++
			fmt.Fprintf(e.stderr, "line %d: rejected: %s\n", l.n, reason(err, o.subject, r.latest.ID))
			if !o.cont {
				stopped = true
				break read
			}
		}
	}
	stopReading()

	// Delivery of everything handed over is bounded by --timeout.
	dctx, cancel := context.WithTimeout(e.ctx, o.timeout)
	defer cancel()
	for _, f := range r.futures {
		if _, err := f.Get(dctx); err != nil && dctx.Err() != nil {
			if e.ctx.Err() != nil {
				return r.giveUp("interrupted")
			}
			return r.giveUp(fmt.Sprintf("not every record was acknowledged within --timeout %v", o.timeout))
		}
	}
	out := r.tally(true)
	fmt.Fprintf(e.stderr, "produce: %d records delivered to %s (subject %s, version %d, id %d), %d failed, %d rejected\n",
		out.delivered, o.topic, o.subject, r.latest.Version, r.latest.ID, out.failed+out.neverSent, r.rejected)
	if n := out.failed + out.neverSent; n > 0 {
		return fmt.Errorf("%d records not delivered", n)
	}
	if r.rejected > 0 && !o.cont {
		if stopped {
			return findingsErr("stopped at the first rejected line (--continue produces the valid ones)")
		}
		return findingsErr("%d lines rejected", r.rejected)
	}
	return nil
}

// produce turns one line into a record and hands it over. Waiting for room
// in the buffer is bounded by --timeout: stalled says it ran out (and the
// run's records were canceled).
func (r *produceRun) produce(n int, line []byte) (stalled bool, err error) {
	v, err := formats.FromJSON(r.compiled, line)
	if err != nil {
		return false, allViolations(r.compiled, line, err)
	}
	key, err := r.keyOf(line)
	if err != nil {
		return false, err
	}
	var opts []producer.RecordOpt
	if len(r.o.headers) > 0 {
		opts = append(opts, producer.Headers(r.o.headers...))
	}
	if r.o.partition >= 0 {
		opts = append(opts, producer.ToPartition(int32(r.o.partition)))
	}
	var timedOut atomic.Bool
	watchdog := time.AfterFunc(r.o.timeout, func() { timedOut.Store(true); r.cancelRun() })
	f, err := r.typed.Produce(r.runCtx, key, v, opts...)
	watchdog.Stop()
	if err == nil {
		r.futures, r.lines = append(r.futures, f), append(r.lines, n)
	}
	var tooLarge *producer.RecordTooLargeError
	switch {
	case timedOut.Load():
		return true, nil
	case err == nil, errors.Is(err, producer.ErrRejected):
		return false, err
	case errors.As(err, &tooLarge):
		return false, &recordTooLargeError{Size: tooLarge.Size, Max: tooLarge.Max}
	}
	// Not handed over for another reason (closed, canceled).
	return false, &handOverError{err}
}

// handOverError is a record the producer did not take for a reason other
// than the record itself.
type handOverError struct{ err error }

func (e *handOverError) Error() string { return e.err.Error() }
func (e *handOverError) Unwrap() error { return e.err }

// allViolations adds to err, the violations FromJSON found turning a line
// into a value (wrong types, unknown fields), those a value check finds in
// the rest of the line: the line again without the fields already
// reported, converted and validated, its violations at those fields left
// out. So a line reports every violation, not only those of the first
// kind found.
func allViolations(c serde.Compiled, line []byte, err error) error {
	first := serde.Violations(err)
	if len(first) == 0 {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return err
	}
	var cut []string
	for _, v := range first {
		if v.Path == "" || !deletePath(doc, v.Path) {
			return err // the whole value is wrong: nothing more to learn
		}
		cut = append(cut, v.Path)
	}
	rest, merr := json.Marshal(doc)
	if merr != nil {
		return err
	}
	v, err2 := formats.FromJSON(c, rest)
	if err2 == nil {
		err2 = c.Validate(v)
	}
	extra := []error{err}
	for _, x := range serde.Violations(err2) {
		if !underAny(x.Path, cut) {
			extra = append(extra, x)
		}
	}
	return errors.Join(extra...)
}

// pathParts splits a field path (items[2].sku, a/b) into keys and indexes.
func pathParts(p string) []string {
	p = strings.NewReplacer("[", ".", "]", "", "/", ".").Replace(p)
	var out []string
	for _, s := range strings.Split(p, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// deletePath removes the object member at path from doc; false when the
// path does not lead to one.
func deletePath(doc any, path string) bool {
	parts := pathParts(path)
	if len(parts) == 0 {
		return false
	}
	cur := doc
	for i, k := range parts {
		last := i == len(parts)-1
		switch x := cur.(type) {
		case map[string]any:
			if _, ok := x[k]; !ok {
				return false
			}
			if last {
				delete(x, k)
				return true
			}
			cur = x[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) || last {
				return false
			}
			cur = x[n]
		default:
			return false
		}
	}
	return false
}

// underAny reports whether path is one of paths or inside one.
func underAny(path string, paths []string) bool {
	p := strings.Join(pathParts(path), ".")
	for _, c := range paths {
		c = strings.Join(pathParts(c), ".")
		if p == c || strings.HasPrefix(p, c+".") {
			return true
		}
	}
	return false
}

// keyOf is the record key --key asks for: a field of the line (.a.b), or
// a constant; nil without --key. A string field is its text, anything else
// its JSON.
func (r *produceRun) keyOf(line []byte) ([]byte, error) {
	k := r.o.key
	if k == "" {
		return nil, nil
	}
	if !strings.HasPrefix(k, ".") {
		return []byte(k), nil
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("--key %s: %w", k, err)
	}
	for _, part := range strings.Split(k[1:], ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("--key %s: %q is not in an object", k, part)
		}
		if v, ok = m[part]; !ok {
			return nil, fmt.Errorf("--key %s: the line has no field %q", k, part)
		}
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(v), nil
	case json.Number:
		return []byte(v.String()), nil
	}
	return json.Marshal(v)
}

// outcome counts the records handed over.
type outcome struct {
	delivered int // acknowledged by the brokers
	failed    int // refused by the brokers or the client
	neverSent int // canceled before they were sent
	pending   int // no outcome: may or may not have been written
}

// tally counts the records handed over by outcome. With report, each
// failure is printed with its line.
func (r *produceRun) tally(report bool) outcome {
	var o outcome
	for i, f := range r.futures {
		select {
		case <-f.Done():
		default:
			o.pending++
			continue
		}
		_, err := f.Get(context.Background())
		switch {
		case err == nil:
			o.delivered++
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			o.neverSent++
		default:
			o.failed++
			if report {
				fmt.Fprintf(r.e.stderr, "line %d: not delivered: %v\n", r.lines[i], err)
			}
		}
	}
	return o
}

// giveUp ends a run that was interrupted or ran out of time: it cancels
// the records not yet sent, says what was delivered, what failed, what was
// never sent and what has no outcome, and exits 1.
func (r *produceRun) giveUp(why string) error {
	r.cancelRun()
	// Give the client a moment to fail what it had not sent.
	wait, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, f := range r.futures {
		if _, err := f.Get(wait); err != nil && wait.Err() != nil {
			break
		}
	}
	o := r.tally(true)
	fmt.Fprintf(r.e.stderr, "produce: %s: %d records delivered to %s, %d failed, %d never sent, %d without an acknowledgement (may or may not be written), %d rejected\n",
		why, o.delivered, r.o.topic, o.failed, o.neverSent, o.pending, r.rejected)
	return fmt.Errorf("%s: %d of %d records not delivered", why, len(r.futures)-o.delivered, len(r.futures))
}

// reason describes why a value was rejected: every violation with its
// field path and rule, stamped with subject and schema ID.
func reason(err error, subject string, id int) string {
	vs := serde.Violations(err)
	if len(vs) == 0 {
		return err.Error()
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		if v.Subject == "" {
			v.Subject, v.SchemaID = subject, id
		}
		parts[i] = fmt.Sprintf("%s [rule: %v]", v.Error(), v.Err)
	}
	return strings.Join(parts, "; ")
}

package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// consumeOpts are consume's flags.
type consumeOpts struct {
	brokers       string
	fromBeginning bool
	count         int
	timeout       time.Duration
}

// runConsume prints a topic's record values as JSON lines, each decoded
// through the schema its frame names (its writer's schema), so the output
// of consume is input for produce.
func runConsume(e *env, args []string) error {
	fs := newFlags(e, "consume", "TOPIC")
	var c conn
	c.bind(fs, true)
	var ks kafkaFlags
	ks.bind(fs)
	var o consumeOpts
	fs.StringVar(&o.brokers, "brokers", "127.0.0.1:9092", "comma-separated Kafka bootstrap brokers")
	fs.BoolVar(&o.fromBeginning, "from-beginning", false, "start at the oldest record (default: only records produced from now on)")
	fs.IntVar(&o.count, "n", 0, "stop after this many records (default: run until interrupted or --timeout)")
	fs.DurationVar(&o.timeout, "timeout", 0, "stop after this long; with -n, fewer records than asked for by then is an error (default: no limit)")
	if err := refuseSecretFlags(args); err != nil {
		return err
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	auth, err := ks.load(e)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("consume takes one topic, got %d arguments", len(pos))
	}
	if o.count < 0 {
		return usageErr("-n %d: want a count of records", o.count)
	}
	if o.timeout < 0 {
		return usageErr("--timeout must not be negative")
	}
	topic := pos[0]
	cfg, err := e.loadConfig(&c, true)
	if err != nil {
		return err
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	start := kgo.NewOffset().AtEnd()
	if o.fromBeginning {
		start = kgo.NewOffset().AtStart()
	}
	kc, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(o.brokers, ",")...),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(start)}, auth.kgoOpts()...)...)
	if err != nil {
		return usageErr("%v", err)
	}
	defer kc.Close()
	ctx := e.ctx
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	// Unreachable brokers are an error now, not a poll that never ends.
	if err := kc.Ping(ctx); err != nil {
		return fmt.Errorf("brokers %s (%s): %w", o.brokers, auth, err)
	}
	d := &valueDecoder{reg: cl, schemas: map[string]serde.Compiled{}}
	printed, failed := 0, 0
	for o.count == 0 || printed+failed < o.count {
		fetches := kc.PollFetches(ctx)
		if ctx.Err() != nil {
			break
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) {
			if ferr == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				ferr = fmt.Errorf("fetch %s[%d]: %w", t, p, err)
			}
		})
		if ferr != nil {
			return ferr
		}
		for _, r := range fetches.Records() {
			if o.count > 0 && printed+failed >= o.count {
				break
			}
			line, err := d.decode(ctx, r)
			if err != nil {
				failed++
				fmt.Fprintf(e.stderr, "%s[%d]@%d: %v\n", r.Topic, r.Partition, r.Offset, err)
				continue
			}
			printed++
			fmt.Fprintf(e.stdout, "%s\n", line)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d records could not be decoded (%d printed)", failed, printed)
	}
	if o.count > 0 && printed < o.count {
		if e.ctx.Err() != nil {
			return fmt.Errorf("%d of %d records when interrupted", printed, o.count)
		}
		return fmt.Errorf("%d of %d records within --timeout %v", printed, o.count, o.timeout)
	}
	// Without -n, the end of --timeout or Ctrl-C is the normal end.
	return nil
}

// valueDecoder decodes record values through their writer's schema,
// fetched from the registry once per schema ID or GUID.
type valueDecoder struct {
	reg     *registry.Client
	schemas map[string]serde.Compiled // frame key (and message indexes) -> schema
}

func (d *valueDecoder) decode(ctx context.Context, r *kgo.Record) ([]byte, error) {
	hs := make([]serde.Header, len(r.Headers))
	for i, h := range r.Headers {
		hs[i] = serde.Header{Key: h.Key, Value: h.Value}
	}
	// The frame does not say the format; the schema does. Read the
	// schema reference alone first, then the whole frame for its format.
	ref := r.Value
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Key == serde.Value.HeaderKey() {
			ref = hs[i].Value
			break
		}
	}
	f, _, err := serde.ParseFrame(ref)
	if err != nil {
		return nil, err
	}
	s, err := d.schema(ctx, f)
	if err != nil {
		return nil, err
	}
	f, payload, err := serde.ReadFrame(r.Value, hs, serde.Value, s.Format == serde.Protobuf)
	if err != nil {
		return nil, err
	}
	c, err := d.compiled(ctx, f, s)
	if err != nil {
		return nil, err
	}
	if pc, ok := c.(*protobuf.Compiled); ok {
		m := pc.New()
		if err := pc.Decode(payload, m); err != nil {
			return nil, err
		}
		b, _, err := pc.MarshalValueJSON(m)
		return b, err
	}
	var v any
	if err := c.Decode(payload, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func frameKey(f serde.Frame) string {
	if f.HasGUID {
		return "guid:" + hex.EncodeToString(f.GUID[:])
	}
	return "id:" + strconv.Itoa(f.ID)
}

func (d *valueDecoder) schema(ctx context.Context, f serde.Frame) (serde.Schema, error) {
	if f.HasGUID {
		g := f.GUID
		ss, err := d.reg.SchemaByGUID(ctx, fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16]))
		return ss.Schema, err
	}
	return d.reg.SchemaByID(ctx, f.ID)
}

// compiled compiles the writer's schema, for Protobuf with the message the
// frame's message indexes name.
func (d *valueDecoder) compiled(ctx context.Context, f serde.Frame, s serde.Schema) (serde.Compiled, error) {
	key := frameKey(f) + fmt.Sprint(f.Indexes)
	if c, ok := d.schemas[key]; ok {
		return c, nil
	}
	c, err := compileSchema(ctx, s, d.reg, "", "")
	if err != nil {
		return nil, fmt.Errorf("writer schema: %w", err)
	}
	if pc, ok := c.(*protobuf.Compiled); ok && fmt.Sprint(pc.MessageIndexes()) != fmt.Sprint(f.Indexes) {
		name, err := messageAt(pc, f.Indexes)
		if err != nil {
			return nil, err
		}
		if c, err = compileSchema(ctx, s, d.reg, "", name); err != nil {
			return nil, fmt.Errorf("writer schema: %w", err)
		}
	}
	if len(d.schemas) < 1024 {
		d.schemas[key] = c
	}
	return c, nil
}

// messageAt names the message at a message-index path.
func messageAt(c *protobuf.Compiled, idx []int) (string, error) {
	msgs := c.File().Messages()
	name := ""
	for _, i := range idx {
		if i < 0 || i >= msgs.Len() {
			return "", fmt.Errorf("%w: message indexes %v name no message of the writer's schema", serde.ErrSchemaMismatch, idx)
		}
		md := msgs.Get(i)
		name, msgs = string(md.FullName()), md.Messages()
	}
	if name == "" {
		return "", fmt.Errorf("%w: empty message indexes", serde.ErrSchemaMismatch)
	}
	return name, nil
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/formats"
)

func runProduce(e *env, args []string) error {
	fs := newFlags(e, "produce", "< records.jsonl")
	var c conn
	c.bind(fs, true)
	brokers := fs.String("brokers", "127.0.0.1:9092", "comma-separated Kafka bootstrap brokers")
	topic := fs.String("topic", "", "topic to produce to (required)")
	subject := fs.String("subject", "", "value subject (default: <topic>-value)")
	cont := fs.Bool("continue", false, "report rejected lines, produce the valid ones and exit 0")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the brokers, and for each record's delivery")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if *topic == "" {
		fs.Usage()
		return usageErr("--topic is required")
	}
	if *subject == "" {
		*subject, _ = registry.TopicName(*topic, serde.Value, "")
	}
	cfg, err := e.loadConfig(&c, true)
	if err != nil {
		return err
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	latest, err := cl.Latest(e.ctx, *subject)
	if err != nil {
		return err
	}
	compiled, err := compileSchema(e.ctx, latest.Schema, cl, "", "")
	if err != nil {
		return fmt.Errorf("%s version %d: %w", *subject, latest.Version, err)
	}
	p, err := producer.New(producer.SeedBrokers(strings.Split(*brokers, ",")...), producer.Registry(cl),
		producer.DeliveryTimeout(*timeout), producer.KgoOpts(kgo.AllowAutoTopicCreation()))
	if err != nil {
		return usageErr("%v", err)
	}
	defer p.Close(e.ctx)
	// Unreachable brokers are an error now, not a flush that never ends.
	pctx, cancel := context.WithTimeout(e.ctx, *timeout)
	err = p.Ping(pctx)
	cancel()
	if err != nil {
		return fmt.Errorf("brokers %s: %w", *brokers, err)
	}
	typed, err := producer.NewTyped(e.ctx, p, producer.Spec[[]byte, any]{
		Topic: *topic,
		Value: producer.Side{
			Schema:   producer.SchemaSource{Compiled: compiled},
			Subject:  *subject,
			IDSource: registry.PinID(latest.ID),
		},
	})
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var (
		futures  []*producer.Future
		lines    []int
		rejected int
		stopped  bool
	)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		v, err := formats.FromJSON(compiled, []byte(line))
		if err == nil {
			var f *producer.Future
			f, err = typed.Produce(e.ctx, nil, v)
			if err == nil {
				futures, lines = append(futures, f), append(lines, n)
				continue
			}
		}
		rejected++
		fmt.Fprintf(e.stderr, "line %d: rejected: %s\n", n, reason(err, *subject, latest.ID))
		if !*cont {
			stopped = true
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	if err := p.Flush(e.ctx); err != nil {
		return err
	}
	var failed error
	for i, f := range futures {
		if _, err := f.Get(e.ctx); err != nil {
			failed = errors.Join(failed, fmt.Errorf("line %d: %w", lines[i], err))
		}
	}
	fmt.Fprintf(e.stderr, "produce: %d records to %s (subject %s, version %d, id %d), %d rejected\n", len(futures), *topic, *subject, latest.Version, latest.ID, rejected)
	if failed != nil {
		return failed
	}
	if rejected > 0 && !*cont {
		if stopped {
			return findingsErr("stopped at the first rejected line (--continue produces the valid ones)")
		}
		return findingsErr("%d lines rejected", rejected)
	}
	return nil
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

// Package kotel exports a producer's telemetry to OpenTelemetry: franz-go's
// client metrics and record spans through its kotel plugin, and schemagen's
// own counters (records sent, failed, rejected, dead-lettered, buffer use)
// as observable instruments. It lives apart from package producer so that
// the producer does not import OpenTelemetry.
package kotel

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	fkotel "github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/schemagen/schemagen/producer"
)

// Hooks returns the producer option that installs franz-go's kotel hooks
// (its meter's and tracer's, as configured in k).
func Hooks(k *fkotel.Kotel) producer.Opt {
	return producer.KgoOpts(kgo.WithHooks(k.Hooks()...))
}

// Instrument names, with the "schemagen.producer." prefix.
const (
	RecordsSent      = "schemagen.producer.records.sent"
	RecordsFailed    = "schemagen.producer.records.failed"
	RecordsRejected  = "schemagen.producer.records.rejected"
	DeadLettered     = "schemagen.producer.dead_lettered"
	DeadLetterFailed = "schemagen.producer.dead_letter_failed"
	BytesSent        = "schemagen.producer.bytes.sent"
	BufferedRecords  = "schemagen.producer.buffered.records"
	BufferedBytes    = "schemagen.producer.buffered.bytes"

	// Per data-contract rule, with attributes topic, subject and rule:
	// Confluent's rule.executions.total and siblings.
	RuleExecutions = "schemagen.producer.rule.executions"
	RuleSuccesses  = "schemagen.producer.rule.successes"
	RuleFailures   = "schemagen.producer.rule.failures"
	RuleSkips      = "schemagen.producer.rule.skips"
)

// RegisterMetrics creates observable instruments on meter for p's counters
// and registers the callback that reads them. Unregister the returned
// registration when p is closed.
func RegisterMetrics(meter metric.Meter, p *producer.Producer) (metric.Registration, error) {
	type counter struct {
		name, unit, desc string
		get              func(producer.Metrics) int64
		gauge            bool
	}
	defs := []counter{
		{RecordsSent, "{record}", "Records the brokers acknowledged.", func(m producer.Metrics) int64 { return m.RecordsSent }, false},
		{RecordsFailed, "{record}", "Valid records not delivered: failed, or refused before sending (buffer full, closed).", func(m producer.Metrics) int64 { return m.RecordsFailed }, false},
		{RecordsRejected, "{record}", "Records whose key or value did not fit the schema; never sent.", func(m producer.Metrics) int64 { return m.RecordsRejected }, false},
		{DeadLettered, "{record}", "Rejected records written to the dead-letter topic.", func(m producer.Metrics) int64 { return m.DeadLettered }, false},
		{DeadLetterFailed, "{record}", "Rejected records whose dead-letter write failed.", func(m producer.Metrics) int64 { return m.DeadLetterFailed }, false},
		{BytesSent, "By", "Serialized key and value bytes of acknowledged records.", func(m producer.Metrics) int64 { return m.BytesSent }, false},
		{BufferedRecords, "{record}", "Records buffered or in flight now.", func(m producer.Metrics) int64 { return m.BufferedRecords }, true},
		{BufferedBytes, "By", "Bytes buffered or in flight now.", func(m producer.Metrics) int64 { return m.BufferedBytes }, true},
	}
	insts := make([]metric.Int64Observable, len(defs))
	obs := make([]metric.Observable, len(defs))
	for i, d := range defs {
		var (
			inst metric.Int64Observable
			err  error
		)
		if d.gauge {
			inst, err = meter.Int64ObservableGauge(d.name, metric.WithUnit(d.unit), metric.WithDescription(d.desc))
		} else {
			inst, err = meter.Int64ObservableCounter(d.name, metric.WithUnit(d.unit), metric.WithDescription(d.desc))
		}
		if err != nil {
			return nil, fmt.Errorf("producer/kotel: instrument %s: %w", d.name, err)
		}
		insts[i], obs[i] = inst, inst
	}
	ruleDefs := []struct {
		name, desc string
		get        func(producer.RuleMetrics) int64
	}{
		{RuleExecutions, "Values a data-contract rule judged.", func(r producer.RuleMetrics) int64 { return r.Executions }},
		{RuleSuccesses, "Values a data-contract rule passed.", func(r producer.RuleMetrics) int64 { return r.Successes }},
		{RuleFailures, "Values a data-contract rule failed, whatever its action.", func(r producer.RuleMetrics) int64 { return r.Failures }},
		{RuleSkips, "Values a data-contract rule's guard passed over.", func(r producer.RuleMetrics) int64 { return r.Skips }},
	}
	ruleInsts := make([]metric.Int64Observable, len(ruleDefs))
	for i, d := range ruleDefs {
		inst, err := meter.Int64ObservableCounter(d.name, metric.WithUnit("{value}"), metric.WithDescription(d.desc))
		if err != nil {
			return nil, fmt.Errorf("producer/kotel: instrument %s: %w", d.name, err)
		}
		ruleInsts[i] = inst
		obs = append(obs, inst)
	}
	reg, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		m := p.Metrics()
		for i, d := range defs {
			o.ObserveInt64(insts[i], d.get(m))
		}
		for _, r := range m.Rules {
			attrs := metric.WithAttributes(attribute.String("topic", r.Topic), attribute.String("subject", r.Subject), attribute.String("rule", r.Rule))
			for i, d := range ruleDefs {
				o.ObserveInt64(ruleInsts[i], d.get(r), attrs)
			}
		}
		return nil
	}, obs...)
	if err != nil {
		return nil, fmt.Errorf("producer/kotel: register callback: %w", err)
	}
	return reg, nil
}

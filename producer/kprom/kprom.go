// Package kprom exports a producer's metrics to Prometheus: franz-go's
// client metrics through its kprom plugin, and schemagen's own counters
// (records sent, failed, rejected, dead-lettered, buffer use) through a
// prometheus.Collector. It lives apart from package producer so that the
// producer does not import Prometheus.
package kprom

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	fkprom "github.com/twmb/franz-go/plugin/kprom"

	"github.com/schemagen/schemagen/producer"
)

// Hooks returns the producer option that installs franz-go's kprom hooks
// (batches, bytes, requests, connections per broker and topic).
func Hooks(m *fkprom.Metrics) producer.Opt {
	return producer.KgoOpts(kgo.WithHooks(m))
}

// Collector exports a producer's schemagen counters as
// <namespace>_records_sent_total, _records_failed_total,
// _records_rejected_total, _dead_lettered_total, _dead_letter_failed_total,
// _bytes_sent_total, and the gauges _buffered_records and _buffered_bytes;
// and, per data-contract rule (labels topic, subject, rule), Confluent's
// rule.executions.total and siblings as _rule_executions_total,
// _rule_successes_total, _rule_failures_total and _rule_skips_total.
type Collector struct {
	p    *producer.Producer
	desc struct {
		sent, failed, rejected, dlt, dltFailed, bytes, bufRecs, bufBytes *prometheus.Desc
		ruleExec, ruleOK, ruleFail, ruleSkip                             *prometheus.Desc
	}
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a collector of p's counters; register it with the
// same registry as franz-go's kprom.Metrics (its Registry method).
func NewCollector(namespace string, p *producer.Producer) *Collector {
	c := &Collector{p: p}
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, nil, nil)
	}
	c.desc.sent = d("records_sent_total", "Records the brokers acknowledged.")
	c.desc.failed = d("records_failed_total", "Valid records not delivered: failed, or refused before sending (buffer full, closed).")
	c.desc.rejected = d("records_rejected_total", "Records whose key or value did not fit the schema; never sent.")
	c.desc.dlt = d("dead_lettered_total", "Rejected records written to the dead-letter topic.")
	c.desc.dltFailed = d("dead_letter_failed_total", "Rejected records whose dead-letter write failed.")
	c.desc.bytes = d("bytes_sent_total", "Serialized key and value bytes of acknowledged records.")
	c.desc.bufRecs = d("buffered_records", "Records buffered or in flight now.")
	c.desc.bufBytes = d("buffered_bytes", "Bytes buffered or in flight now.")
	rd := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, []string{"topic", "subject", "rule"}, nil)
	}
	c.desc.ruleExec = rd("rule_executions_total", "Values a data-contract rule judged.")
	c.desc.ruleOK = rd("rule_successes_total", "Values a data-contract rule passed.")
	c.desc.ruleFail = rd("rule_failures_total", "Values a data-contract rule failed, whatever its action.")
	c.desc.ruleSkip = rd("rule_skips_total", "Values a data-contract rule's guard passed over.")
	return c
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.desc.sent, c.desc.failed, c.desc.rejected, c.desc.dlt, c.desc.dltFailed, c.desc.bytes, c.desc.bufRecs, c.desc.bufBytes,
		c.desc.ruleExec, c.desc.ruleOK, c.desc.ruleFail, c.desc.ruleSkip} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	m := c.p.Metrics()
	counter := func(d *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	gauge := func(d *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v))
	}
	counter(c.desc.sent, m.RecordsSent)
	counter(c.desc.failed, m.RecordsFailed)
	counter(c.desc.rejected, m.RecordsRejected)
	counter(c.desc.dlt, m.DeadLettered)
	counter(c.desc.dltFailed, m.DeadLetterFailed)
	counter(c.desc.bytes, m.BytesSent)
	gauge(c.desc.bufRecs, m.BufferedRecords)
	gauge(c.desc.bufBytes, m.BufferedBytes)
	for _, r := range m.Rules {
		for _, x := range []struct {
			d *prometheus.Desc
			v int64
		}{{c.desc.ruleExec, r.Executions}, {c.desc.ruleOK, r.Successes}, {c.desc.ruleFail, r.Failures}, {c.desc.ruleSkip, r.Skips}} {
			ch <- prometheus.MustNewConstMetric(x.d, prometheus.CounterValue, float64(x.v), r.Topic, r.Subject, r.Rule)
		}
	}
}

package producer

import (
	"sync"

	"github.com/schemagen/schemagen/serde"
)

// RuleMetrics counts one data-contract rule's evaluations for one subject
// (Confluent's rule.executions.total, rule.successes.total,
// rule.failures.total and rule.skips.total): Executions is every value the
// rule judged, Successes and Failures its verdicts (a failure counts
// whatever the rule's action, NONE included), Skips the values its guard
// passed over. Protobuf's buf.validate constraints count as one rule named
// "buf.validate".
type RuleMetrics struct {
	Topic, Subject, Rule                   string
	Executions, Successes, Failures, Skips int64
}

// ruleSources are the contracts of a producer's typed producers.
type ruleSources struct {
	mu   sync.Mutex
	list []ruleSource
}

type ruleSource struct {
	topic, subject string
	rc             serde.RuleCounter
}

// track keeps ser's contract, if it counts its rules.
func (r *ruleSources) track(ser *serde.Serializer) {
	rc, ok := ser.Contract().(serde.RuleCounter)
	if !ok {
		return
	}
	r.mu.Lock()
	r.list = append(r.list, ruleSource{ser.Topic(), ser.Subject(), rc})
	r.mu.Unlock()
}

// snapshot returns every tracked rule's counts.
func (r *ruleSources) snapshot() []RuleMetrics {
	r.mu.Lock()
	list := r.list
	r.mu.Unlock()
	var out []RuleMetrics
	for _, s := range list {
		for _, st := range s.rc.Stats() {
			out = append(out, RuleMetrics{Topic: s.topic, Subject: s.subject, Rule: st.Name,
				Executions: int64(st.Executions), Successes: int64(st.Successes),
				Failures: int64(st.Failures), Skips: int64(st.Skips)})
		}
	}
	return out
}

package producer

import (
	"cmp"
	"runtime"
	"slices"
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

// ruleSources are the contracts of a producer's typed producers. Counts
// are summed by (topic, subject, rule), so two typed producers for one
// subject, or two rules with one name, give one RuleMetrics (and one
// Prometheus label set). A typed producer that is garbage collected has
// its counts folded into retired and its source dropped, so binding
// typed producers again and again does not grow the list.
type ruleSources struct {
	mu      sync.Mutex
	next    uint64
	live    []ruleSource
	retired map[ruleKey]RuleMetrics
}

type ruleSource struct {
	id             uint64
	topic, subject string
	rc             serde.RuleCounter
}

type ruleKey struct{ topic, subject, rule string }

// track keeps ser's contract, if it counts its rules, until ser is
// collected.
func (r *ruleSources) track(ser *serde.Serializer) {
	rc, ok := ser.Contract().(serde.RuleCounter)
	if !ok {
		return
	}
	r.mu.Lock()
	r.next++
	id := r.next
	r.live = append(r.live, ruleSource{id, ser.Topic(), ser.Subject(), rc})
	r.mu.Unlock()
	// The contract does not reach ser, so ser can be collected while its
	// counter stays here until retire folds it.
	runtime.AddCleanup(ser, r.retire, id)
}

// retire folds the counts of source id into retired and drops it.
func (r *ruleSources) retire(id uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.IndexFunc(r.live, func(s ruleSource) bool { return s.id == id })
	if i < 0 {
		return
	}
	s := r.live[i]
	r.live = slices.Delete(r.live, i, i+1)
	if r.retired == nil {
		r.retired = map[ruleKey]RuleMetrics{}
	}
	for _, st := range s.rc.Stats() {
		k := ruleKey{s.topic, s.subject, st.Name}
		m := r.retired[k]
		m.Topic, m.Subject, m.Rule = k.topic, k.subject, k.rule
		addStats(&m, st)
		r.retired[k] = m
	}
}

func addStats(m *RuleMetrics, st serde.RuleStats) {
	m.Executions += int64(st.Executions)
	m.Successes += int64(st.Successes)
	m.Failures += int64(st.Failures)
	m.Skips += int64(st.Skips)
}

// sources returns how many contracts are tracked, for tests.
func (r *ruleSources) sources() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.live)
}

// snapshot returns every rule's counts, one per (topic, subject, rule),
// sorted by them.
func (r *ruleSources) snapshot() []RuleMetrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	sum := make(map[ruleKey]RuleMetrics, len(r.retired))
	for k, m := range r.retired {
		sum[k] = m
	}
	for _, s := range r.live {
		for _, st := range s.rc.Stats() {
			k := ruleKey{s.topic, s.subject, st.Name}
			m := sum[k]
			m.Topic, m.Subject, m.Rule = k.topic, k.subject, k.rule
			addStats(&m, st)
			sum[k] = m
		}
	}
	if len(sum) == 0 {
		return nil
	}
	out := make([]RuleMetrics, 0, len(sum))
	for _, m := range sum {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b RuleMetrics) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

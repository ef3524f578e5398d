package producer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/serde"
)

// Headers Confluent's Java DlqAction writes on a record a DLQ rule sent to
// the dead-letter topic; schemagen writes them too, besides its own.
const (
	HeaderRuleName      = "__rule.name"
	HeaderRuleMode      = "__rule.mode"
	HeaderRuleSubject   = "__rule.subject"
	HeaderRuleTopic     = "__rule.topic"
	HeaderRuleException = "__rule.exception"
)

// ParamDLQTopic is the rule parameter naming a DLQ rule's dead-letter
// topic, as Confluent's DlqAction reads it.
const ParamDLQTopic = "dlq.topic"

// ruleDeadLetter returns the policy for a record whose every violation is
// of a data-contract rule with onFailure DLQ: a dead letter to the first
// rule's dlq.topic, else to the policy's own dead-letter topic. A record
// with any other violation, or with no dead-letter topic to go to, keeps
// the policy it has (under ReturnError: the error, and nothing written).
//
// The rule's topic was checked at bind (checkDLQRules); a topic that
// fails the check anyway (the record's own topic) keeps the policy, so a
// rejected value is never written to topic itself unframed.
func ruleDeadLetter(err error, topic string, policy RejectPolicy) RejectPolicy {
	de, ok := onlyDLQ(err)
	if !ok {
		return policy
	}
	rule, _ := de.DeadLetterRule()
	if t := rule.Params[ParamDLQTopic]; t != "" && deadLetter(t).check(topic) == nil {
		return deadLetter(t)
	}
	return policy
}

// checkDLQRules checks the dead-letter topic of every rule in rs whose
// onFailure action names DLQ, as DeadLetter's policy is checked: a rule
// may not send rejected records to the producer's own topic, where they
// would land as plain JSON among framed records.
func checkDLQRules(rs *serde.RuleSet, topic string) error {
	if rs == nil {
		return nil
	}
	for _, rules := range [][]serde.Rule{rs.MigrationRules, rs.DomainRules, rs.EncodingRules} {
		for _, r := range rules {
			t, ok := r.Params[ParamDLQTopic]
			if !ok || !namesDLQ(r.OnFailure) {
				continue
			}
			if err := deadLetter(t).check(topic); err != nil {
				return fmt.Errorf("rule %q %s: %w", r.Name, ParamDLQTopic, err)
			}
		}
	}
	return nil
}

// namesDLQ reports whether an onFailure action list names DLQ.
func namesDLQ(actions string) bool {
	for a := range strings.SplitSeq(actions, ",") {
		if strings.EqualFold(strings.TrimSpace(a), "DLQ") {
			return true
		}
	}
	return false
}

// onlyDLQ returns the first serde.DeadLetterer (serde/contract's
// DLQError) when every error joined in err is one.
func onlyDLQ(err error) (serde.DeadLetterer, bool) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var first serde.DeadLetterer
	for _, e := range errs {
		de, ok := e.(serde.DeadLetterer)
		if !ok {
			return nil, false
		}
		if first == nil {
			first = de
		}
	}
	return first, first != nil
}

// ruleHeaders are Java DlqAction's headers for a record rejected by a DLQ
// rule; none for other rejections.
func ruleHeaders(r *Rejected) []kgo.RecordHeader {
	var de serde.DeadLetterer
	if !errors.As(r.Err, &de) {
		return nil
	}
	subject := ""
	if vs := serde.Violations(de); len(vs) > 0 {
		subject = vs[0].Subject
	}
	rule, mode := de.DeadLetterRule()
	return []kgo.RecordHeader{
		{Key: HeaderRuleName, Value: []byte(rule.Name)},
		{Key: HeaderRuleMode, Value: []byte(mode)},
		{Key: HeaderRuleSubject, Value: []byte(subject)},
		{Key: HeaderRuleTopic, Value: []byte(r.Topic)},
		{Key: HeaderRuleException, Value: []byte(r.Err.Error())},
	}
}

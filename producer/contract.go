package producer

import (
	"errors"

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
func ruleDeadLetter(err error, policy RejectPolicy) RejectPolicy {
	de, ok := onlyDLQ(err)
	if !ok {
		return policy
	}
	rule, _ := de.DeadLetterRule()
	if t := rule.Params[ParamDLQTopic]; t != "" {
		return deadLetter(t)
	}
	return policy
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

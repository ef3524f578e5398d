package registry

import (
	"fmt"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// DefaultContext is the schema context of unqualified subjects.
const DefaultContext = "."

// Qualify returns subject in schema context ctx, as Confluent's registry
// spells it: ":.ctx:subject". A context is named with or without its
// leading dot; the default context (".", or "") leaves subject as it is.
// With subject "", it returns ":.ctx:", which names the context alone (as
// the subject parameter of an ID lookup does).
func Qualify(ctx, subject string) string {
	ctx = normContext(ctx)
	if ctx == DefaultContext {
		return subject
	}
	return ":" + ctx + ":" + subject
}

// ContextOf returns the schema context of a subject: ".ctx" for
// ":.ctx:name", DefaultContext for an unqualified subject.
func ContextOf(subject string) string {
	if len(subject) < 3 || subject[0] != ':' || subject[1] != '.' {
		return DefaultContext
	}
	i := strings.IndexByte(subject[1:], ':')
	if i < 0 {
		return DefaultContext
	}
	if ctx := subject[1 : 1+i]; ctx != "." {
		return ctx
	}
	return DefaultContext
}

func normContext(ctx string) string {
	switch {
	case ctx == "" || ctx == DefaultContext:
		return DefaultContext
	case !strings.HasPrefix(ctx, "."):
		return "." + ctx
	}
	return ctx
}

// checkContext refuses a context name that cannot be qualified: one with
// a ':' (which ends a context in a qualified subject) or a '/'.
func checkContext(ctx string) error {
	if strings.ContainsAny(ctx, ":/") {
		return fmt.Errorf("context %q contains ':' or '/'", ctx)
	}
	return nil
}

// InContext is a subject strategy that puts the subjects of strategy in
// schema context ctx: InContext(".orders", TopicName) names topic t's
// value schema ":.orders:t-value". Registering under it gives IDs of that
// context; a client that reads them back by ID needs IDContext(ctx).
func InContext(ctx string, strategy SubjectNameStrategy) SubjectNameStrategy {
	return func(topic string, role serde.Role, recordName string) (string, error) {
		s, err := strategy(topic, role, recordName)
		if err != nil {
			return "", err
		}
		return Qualify(ctx, s), nil
	}
}

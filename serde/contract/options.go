package contract

// Opt configures New.
type Opt interface{ apply(*config) }

type opt func(*config)

func (o opt) apply(c *config) { o(c) }

type config struct {
	failFast bool
}

// FailFast makes Check return the first violation only. By default every
// violation of every rule is reported, joined with errors.Join, as
// Confluent's clients report inline rules.
func FailFast() Opt { return opt(func(c *config) { c.failFast = true }) }

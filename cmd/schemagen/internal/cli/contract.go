package cli

// The CLI enforces data contracts (rule sets, inline rules, buf.validate)
// in produce: it links the rule engine.
import _ "github.com/schemagen/schemagen/serde/contract"

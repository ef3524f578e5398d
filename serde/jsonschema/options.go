package jsonschema

import (
	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// The drafts Compile understands, by the meta-schema URI a schema's
// "$schema" keyword carries. Drafts 7, 2019-09 and 2020-12 are the supported
// ones; 4 and 6 are accepted because registries accept them.
const (
	Draft4    = "http://json-schema.org/draft-04/schema#"
	Draft6    = "http://json-schema.org/draft-06/schema#"
	Draft7    = "http://json-schema.org/draft-07/schema#"
	Draft2019 = "https://json-schema.org/draft/2019-09/schema"
	Draft2020 = "https://json-schema.org/draft/2020-12/schema"
)

func libDraft(d string) *js.Draft {
	switch d {
	case Draft4:
		return js.Draft4
	case Draft6:
		return js.Draft6
	case Draft7:
		return js.Draft7
	case Draft2019:
		return js.Draft2019
	case Draft2020:
		return js.Draft2020
	}
	return nil
}

// Defaults for the limits.
const (
	DefaultMaxSchemaBytes = 1 << 20
	DefaultMaxDepth       = 128
	// DefaultMaxNumberDigits bounds the digits of one number literal, in
	// a schema or in a value (see MaxNumberDigits).
	DefaultMaxNumberDigits = 10_000
	// maxNumberDigitsCap is the largest MaxNumberDigits accepts: math/big
	// refuses longer literals, and exact comparisons grow with the square
	// of the length.
	maxNumberDigitsCap = 100_000
	// DefaultMaxSubschemas bounds the schemas in one schema and the
	// documents it references (see MaxSubschemas).
	DefaultMaxSubschemas = 2_000
)

// Opt configures Compile.
type Opt interface{ apply(*config) }

type config struct {
	draft     string
	maxBytes  int
	maxDepth  int
	maxDigits int
	maxDocs   int
	maxSubs   int
	maxFanout int
}

func defaultConfig() config {
	return config{draft: Draft2020, maxBytes: DefaultMaxSchemaBytes, maxDepth: DefaultMaxDepth, maxDigits: DefaultMaxNumberDigits, maxDocs: DefaultMaxDocuments, maxSubs: DefaultMaxSubschemas, maxFanout: DefaultMaxFanout}
}

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

// Draft sets the draft, by meta-schema URI (Draft7, Draft2019, ...), for
// schemas without "$schema", overriding the default Draft2020. A schema's own
// "$schema" always wins. An unknown URI makes Compile fail.
func Draft(uri string) Opt { return optFunc(func(c *config) { c.draft = uri }) }

// MaxSchemaBytes limits the size of the schema text and of each referenced
// schema, overriding DefaultMaxSchemaBytes (1 MiB).
func MaxSchemaBytes(n int) Opt { return optFunc(func(c *config) { c.maxBytes = n }) }

// MaxDepth limits the nesting depth of objects and arrays in the schema
// text and in each referenced schema, overriding DefaultMaxDepth (128).
func MaxDepth(n int) Opt { return optFunc(func(c *config) { c.maxDepth = n }) }

// MaxNumberDigits limits the digits (before any exponent) of one number
// literal, overriding DefaultMaxNumberDigits (10,000). A schema with a longer
// number does not compile (serde.ErrLimit); a value with one, wherever it
// sits, is refused by Validate, AppendEncode and Decode with a
// *serde.ValidationError wrapping serde.ErrRange, as a number with an
// exponent beyond ±1000 is. Exact arithmetic on such numbers costs time
// and memory without bound, and math/big refuses them past a million
// digits. n <= 0 keeps the default; n above 100,000 counts as 100,000.
func MaxNumberDigits(n int) Opt {
	return optFunc(func(c *config) {
		switch {
		case n <= 0:
			c.maxDigits = DefaultMaxNumberDigits
		case n > maxNumberDigitsCap:
			c.maxDigits = maxNumberDigitsCap
		default:
			c.maxDigits = n
		}
	})
}

// MaxDocuments limits the referenced documents a Model loads, overriding
// DefaultMaxDocuments (256). Compile ignores it.
func MaxDocuments(n int) Opt { return optFunc(func(c *config) { c.maxDocs = n }) }

// MaxSubschemas limits the schemas (the root, and every object or boolean
// under a keyword that holds schemas: properties, $defs, items, allOf, ...)
// in one schema, overriding DefaultMaxSubschemas (2,000). Compile counts
// them over the schema and every document it references, before the
// library compiles anything: the library's compilation grows with the
// square of a document's schemas (for draft 2020-12, every schema scans all
// the others of its document), so a 1 MiB schema of 35,000 properties
// would take more than a minute. A Model counts them in each document it
// loads. Past the limit, the schema wraps serde.ErrLimit. n <= 0 keeps the
// default.
func MaxSubschemas(n int) Opt {
	return optFunc(func(c *config) {
		if n <= 0 {
			n = DefaultMaxSubschemas
		}
		c.maxSubs = n
	})
}

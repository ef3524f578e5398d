package avro

// Limits
//
// Every limit below is an option with a safe default; together they keep
// any input of at most 1 MiB (schema text with its references, or one
// payload) within about a second of CPU and 256 MB of allocation, or
// refuse it with an error wrapping serde.ErrLimit (Compile) or
// serde.ErrDecode (Decode) before the work starts.
//
//	limit                 default     what it bounds
//	MaxSchemaBytes        1 MiB       schema text plus every reference's text
//	MaxDepth              128         JSON nesting of a schema text; reference chain depth
//	MaxReferences         1000        distinct references one Compile resolves
//	MaxDecimalPrecision   1000        digits of a decimal's precision (10^precision is computed)
//	MaxDecodeBytes        16 MiB      one bytes or string value Decode allocates
//	MaxDecodeItems        1 Mi        elements of one array or map block
//	MaxDecodeValues       2 Mi        values one Decode produces, across the whole payload
//
// Fixed limits (not options): records of recursive schemas nest at most
// 10,000 deep in a value (validate and decode); fingerprinting a schema may
// copy at most about 1 GiB (very wide enums, unions and records are
// refused).
const (
	// DefaultMaxSchemaBytes is the default MaxSchemaBytes: 1 MiB.
	DefaultMaxSchemaBytes = 1 << 20
	// DefaultMaxDepth is the default MaxDepth.
	DefaultMaxDepth = 128
	// DefaultMaxReferences is the default MaxReferences.
	DefaultMaxReferences = 1000
	// DefaultMaxDecimalPrecision is the default MaxDecimalPrecision: 1000
	// digits. The largest declared precision of the common SQL engines
	// that feed Kafka is PostgreSQL's NUMERIC(1000) (Oracle and SQL Server
	// stop at 38, MySQL at 65, BigQuery's BIGNUMERIC at 76), so every
	// decimal a CDC pipeline produces fits; Java clients hold decimals in
	// BigDecimal, which has no cap, but no real schema needs more, and
	// 10^1000 costs microseconds where 10^999999999 costs minutes.
	DefaultMaxDecimalPrecision = 1000
	// DefaultMaxDecodeBytes is the default MaxDecodeBytes: 16 MiB.
	DefaultMaxDecodeBytes = 16 << 20
	// DefaultMaxDecodeItems is the default MaxDecodeItems: 1 Mi.
	DefaultMaxDecodeItems = 1 << 20
	// DefaultMaxDecodeValues is the default MaxDecodeValues: 2 Mi. A
	// payload of 1 MiB holds at most about 1 Mi values that take a byte
	// each; the rest are values that take no bytes at all (null, empty
	// records, fixed of size 0), which cost memory when decoded but
	// nothing on the wire.
	DefaultMaxDecodeValues = 2 << 20
)

// Opt configures Compile.
type Opt interface{ apply(*config) }

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

type config struct {
	maxSchemaBytes      int
	maxDepth            int
	maxRefs             int
	maxDecimalPrecision int
	maxDecodeBytes      int
	maxDecodeItems      int
	maxDecodeValues     int
}

func defaultConfig() config {
	return config{
		maxSchemaBytes:      DefaultMaxSchemaBytes,
		maxDepth:            DefaultMaxDepth,
		maxRefs:             DefaultMaxReferences,
		maxDecimalPrecision: DefaultMaxDecimalPrecision,
		maxDecodeBytes:      DefaultMaxDecodeBytes,
		maxDecodeItems:      DefaultMaxDecodeItems,
		maxDecodeValues:     DefaultMaxDecodeValues,
	}
}

// MaxSchemaBytes caps the total size of the schema text plus the text of
// every reference it pulls in, overriding DefaultMaxSchemaBytes (1 MiB).
// Larger input fails with an error wrapping serde.ErrLimit before parsing.
func MaxSchemaBytes(n int) Opt { return optFunc(func(c *config) { c.maxSchemaBytes = n }) }

// MaxDepth caps the JSON nesting depth of any schema text (each object or
// array opens a level) and the depth of the reference chain, overriding
// DefaultMaxDepth (128). Deeper input fails with an error wrapping
// serde.ErrLimit before parsing.
func MaxDepth(n int) Opt { return optFunc(func(c *config) { c.maxDepth = n }) }

// MaxReferences caps how many distinct references one compile resolves,
// overriding DefaultMaxReferences (1000).
func MaxReferences(n int) Opt { return optFunc(func(c *config) { c.maxRefs = n }) }

// MaxDecimalPrecision caps the precision (in digits) of every decimal the
// schema uses, overriding DefaultMaxDecimalPrecision (1000). A larger
// precision fails Compile with an error wrapping serde.ErrLimit.
func MaxDecimalPrecision(n int) Opt { return optFunc(func(c *config) { c.maxDecimalPrecision = n }) }

// MaxDecodeBytes caps the size of one bytes or string value Decode will
// allocate, overriding DefaultMaxDecodeBytes (16 MiB).
func MaxDecodeBytes(n int) Opt { return optFunc(func(c *config) { c.maxDecodeBytes = n }) }

// MaxDecodeItems caps the element count of one array or map block Decode
// will allocate, overriding DefaultMaxDecodeItems (1 Mi).
func MaxDecodeItems(n int) Opt { return optFunc(func(c *config) { c.maxDecodeItems = n }) }

// MaxDecodeValues caps how many values (each array or map element, record
// field, union and primitive counts one) Decode produces from one payload,
// summed over every array and map in it, overriding DefaultMaxDecodeValues
// (2 Mi). Values that take no bytes (null, records of nulls) would
// otherwise let a few bytes claim millions of elements in each of many
// blocks.
func MaxDecodeValues(n int) Opt { return optFunc(func(c *config) { c.maxDecodeValues = n }) }

package avro

// Default limits. Compile enforces the schema limits before and while it
// parses; Decode hands the decode limits to the codec.
const (
	// DefaultMaxSchemaBytes is the default MaxSchemaBytes: 1 MiB.
	DefaultMaxSchemaBytes = 1 << 20
	// DefaultMaxDepth is the default MaxDepth.
	DefaultMaxDepth = 128
	// DefaultMaxReferences is the default MaxReferences.
	DefaultMaxReferences = 1000
	// DefaultMaxDecodeBytes is the default MaxDecodeBytes: 16 MiB.
	DefaultMaxDecodeBytes = 16 << 20
	// DefaultMaxDecodeItems is the default MaxDecodeItems: 1 Mi.
	DefaultMaxDecodeItems = 1 << 20
)

// Opt configures Compile.
type Opt interface{ apply(*config) }

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

type config struct {
	maxSchemaBytes int
	maxDepth       int
	maxRefs        int
	maxDecodeBytes int
	maxDecodeItems int
}

func defaultConfig() config {
	return config{
		maxSchemaBytes: DefaultMaxSchemaBytes,
		maxDepth:       DefaultMaxDepth,
		maxRefs:        DefaultMaxReferences,
		maxDecodeBytes: DefaultMaxDecodeBytes,
		maxDecodeItems: DefaultMaxDecodeItems,
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

// MaxDecodeBytes caps the size of one bytes or string value Decode will
// allocate, overriding DefaultMaxDecodeBytes (16 MiB).
func MaxDecodeBytes(n int) Opt { return optFunc(func(c *config) { c.maxDecodeBytes = n }) }

// MaxDecodeItems caps the element count of one array or map block Decode
// will allocate, overriding DefaultMaxDecodeItems (1 Mi).
func MaxDecodeItems(n int) Opt { return optFunc(func(c *config) { c.maxDecodeItems = n }) }

package protobuf

// Limits
//
// Every limit is an option with a safe default; Compile refuses a schema
// past one with an error wrapping serde.ErrLimit before linking it.
//
//	limit            default   what it bounds
//	MaxSchemaBytes   1 MiB     the schema text, and each imported file
//	MaxTotalBytes    4 MiB     the schema text plus every file it imports
//	MaxImportDepth   32        the longest chain of imports
//	MaxImports       256       files imported, transitively (well-known types excluded)
//	MaxNesting       64        nesting of blocks (messages, enums, option literals)
//	MaxDeclarations  5000      messages, fields, enum values, ranges, ... in the schema and its imports
//
// Decode and FromJSON rely on protobuf-go's limits: a nesting depth of
// 10,000 messages, and the wire format itself, in which every element of a
// repeated or map field takes at least one byte, so a payload of n bytes
// decodes to at most about n elements (the adversarial suite in
// tests/adversarial measures the worst: 1 MiB of empty messages).
const (
	// DefaultMaxSchemaBytes is the largest schema text, per file, Compile accepts.
	DefaultMaxSchemaBytes = 1 << 20
	// DefaultMaxTotalBytes is the most text, the schema and all its
	// imports together, one Compile parses.
	DefaultMaxTotalBytes = 4 << 20
	// DefaultMaxDeclarations is the most declarations (messages, fields,
	// oneofs, enums, enum values, reserved and extension ranges,
	// extensions, services, methods) the schema and its imports may hold
	// together. Linking costs 4 to 12 KB of allocation per declaration
	// (protocompile, then protodesc): 5,000 keep a compile near 60 MB,
	// where 50,000 enum values (750 KB of text) took 330 MB and a
	// compatibility check of them 1.3 GB.
	DefaultMaxDeclarations = 5000
	// DefaultMaxImportDepth is the longest chain of imports Compile follows.
	DefaultMaxImportDepth = 32
	// DefaultMaxImports is the most files (imports, transitively, excluding
	// the well-known types) one schema may pull in.
	DefaultMaxImports = 256
	// DefaultMaxNesting is the deepest nesting of blocks (messages, enums,
	// option literals) Compile parses. protoc allows 32 levels of messages.
	DefaultMaxNesting = 64
)

// DefaultFileName is the path the schema's own file gets in its descriptor
// when FileName is not given.
const DefaultFileName = "schema.proto"

// Opt configures Compile.
type Opt interface{ apply(*config) }

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

type config struct {
	messageName    string
	fileName       string
	maxSchemaBytes int
	maxTotalBytes  int
	maxDecls       int
	maxImportDepth int
	maxImports     int
	maxNesting     int
	deterministic  bool
}

func defaultConfig() config {
	return config{
		fileName:       DefaultFileName,
		maxSchemaBytes: DefaultMaxSchemaBytes,
		maxTotalBytes:  DefaultMaxTotalBytes,
		maxDecls:       DefaultMaxDeclarations,
		maxImportDepth: DefaultMaxImportDepth,
		maxImports:     DefaultMaxImports,
		maxNesting:     DefaultMaxNesting,
	}
}

// MessageName picks the message the schema encodes by its full name, like
// "shop.v1.Order" or "shop.v1.Order.Item" (a leading dot is allowed). It
// overrides the default, the first top-level message in the file, which is
// Confluent's choice.
func MessageName(fullName string) Opt {
	return optFunc(func(c *config) { c.messageName = fullName })
}

// FileName sets the path of the schema's own file in its descriptor. It
// overrides DefaultFileName. Imports must not use the same path.
func FileName(path string) Opt {
	return optFunc(func(c *config) { c.fileName = path })
}

// MaxSchemaBytes caps the size of the schema text and of each imported file.
// It overrides DefaultMaxSchemaBytes.
func MaxSchemaBytes(n int) Opt {
	return optFunc(func(c *config) { c.maxSchemaBytes = n })
}

// MaxTotalBytes caps the size of the schema text plus every file it
// imports (counted once each). It overrides DefaultMaxTotalBytes.
func MaxTotalBytes(n int) Opt {
	return optFunc(func(c *config) { c.maxTotalBytes = n })
}

// MaxDeclarations caps the declarations of the schema and its imports
// together. It overrides DefaultMaxDeclarations.
func MaxDeclarations(n int) Opt {
	return optFunc(func(c *config) { c.maxDecls = n })
}

// MaxImportDepth caps the length of import chains. It overrides
// DefaultMaxImportDepth.
func MaxImportDepth(n int) Opt {
	return optFunc(func(c *config) { c.maxImportDepth = n })
}

// MaxImports caps the number of imported files, counted transitively and
// without the built-in well-known types. It overrides DefaultMaxImports.
func MaxImports(n int) Opt {
	return optFunc(func(c *config) { c.maxImports = n })
}

// MaxNesting caps how deeply blocks (messages, enums, option literals) may
// nest. It overrides DefaultMaxNesting.
func MaxNesting(n int) Opt {
	return optFunc(func(c *config) { c.maxNesting = n })
}

// Deterministic makes AppendEncode marshal deterministically: map entries
// sorted by key and the fields of dynamicpb messages in number order, so
// equal values give equal bytes (what Kafka keys need for partitioning and
// compaction). It costs time and allocations for dynamic messages and maps.
// The default, like Confluent's serializers, is protobuf-go's default
// marshaling, which does not promise stable bytes.
func Deterministic() Opt {
	return optFunc(func(c *config) { c.deterministic = true })
}

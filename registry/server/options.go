package server

import (
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry/compat"
)

// Opt configures a Server. Options are checked together by New.
type Opt interface {
	apply(*config)
}

type optFunc func(*config)

func (f optFunc) apply(c *config) { f(c) }

// Limits
//
// Every limit is an option with a safe default. With the defaults, any
// request is answered, or refused with a Confluent error body, within
// about a second of CPU and 256 MB of allocation (schema texts are bounded
// further by the limits of serde/avro, serde/protobuf and serde/jsonschema,
// and compatibility checks by the work limits of registry/compat).
//
//	limit                 default     what it bounds                            refused with
//	MaxRequestBytes       16 MiB      a request body                            413, 42209
//	MaxHeaderBytes        64 KiB      request line and headers                  431
//	ReadHeaderTimeout     10 s        reading the request line and headers      connection closed
//	ReadTimeout           30 s        reading a whole request, body included    connection closed
//	WriteTimeout          60 s        writing a response                        connection closed
//	IdleTimeout           120 s       a kept-alive connection with no request   connection closed
//	MaxSubjectBytes       1024        a subject name (UTF-8 bytes)              422, 42208
//	MaxMetadataBytes      64 KiB      a schema's metadata (compact JSON)        422, 42201
//	MaxRuleSetBytes       256 KiB     a schema's rule set (compact JSON)        422, 42201
//	MaxErrorBytes         4 KiB       the message of an error response          (cut, saying how much more)
//	MaxErrorItems         20          violations listed in one error message    (cut, "and N more")
//
// Subject names must also be valid UTF-8 without control, bidirectional
// override or zero-width characters. Request bodies must hold exactly one
// JSON value; metadata and rule sets must have Confluent's shape (see
// validateMetadata and validateRuleSet), which also bounds their nesting.
const (
	// DefaultMaxRequestBytes is the request body limit unless
	// MaxRequestBytes sets another.
	DefaultMaxRequestBytes int64 = 16 << 20
	// DefaultMaxHeaderBytes is the default MaxHeaderBytes: 64 KiB.
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultReadHeaderTimeout is the default ReadHeaderTimeout.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout is the default ReadTimeout.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout is the default WriteTimeout.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout is the default IdleTimeout.
	DefaultIdleTimeout = 120 * time.Second
	// DefaultMaxSubjectBytes is the default MaxSubjectBytes: room for a
	// Kafka topic name (at most 249 characters), a separator and a fully
	// qualified record name (TopicRecordNameStrategy).
	DefaultMaxSubjectBytes = 1024
	// DefaultMaxMetadataBytes is the default MaxMetadataBytes: 64 KiB.
	DefaultMaxMetadataBytes = 64 << 10
	// DefaultMaxRuleSetBytes is the default MaxRuleSetBytes: 256 KiB,
	// room for hundreds of CEL rules.
	DefaultMaxRuleSetBytes = 256 << 10
	// DefaultMaxErrorBytes is the default MaxErrorBytes: 4 KiB.
	DefaultMaxErrorBytes = 4 << 10
	// DefaultMaxErrorItems is the default MaxErrorItems.
	DefaultMaxErrorItems = 20
)

type config struct {
	logFile string
	fsync   bool
	// auth is behind a pointer so that fmt never prints the password of a
	// struct that holds a *Server in an unexported field.
	auth            *credentials
	maxRequestBytes int64
	maxHeaderBytes  int
	readHeader      time.Duration
	read            time.Duration
	write           time.Duration
	idle            time.Duration
	maxSubjectBytes int
	maxMetadata     int
	maxRuleSet      int
	skipCEL         bool
	maxErrorBytes   int
	maxErrorItems   int
	checker         compat.Checker
	level           compat.Level
	logger          *slog.Logger
	compile         compileFunc
	kafka           *kafkaConfig
	advertised      string
}

// credentials are the basic-auth user and password the server requires.
type credentials struct {
	user, pass string
	on         bool
}

func defaultConfig() config {
	return config{
		auth:            &credentials{},
		maxRequestBytes: DefaultMaxRequestBytes,
		maxHeaderBytes:  DefaultMaxHeaderBytes,
		readHeader:      DefaultReadHeaderTimeout,
		read:            DefaultReadTimeout,
		write:           DefaultWriteTimeout,
		idle:            DefaultIdleTimeout,
		maxSubjectBytes: DefaultMaxSubjectBytes,
		maxMetadata:     DefaultMaxMetadataBytes,
		maxRuleSet:      DefaultMaxRuleSetBytes,
		maxErrorBytes:   DefaultMaxErrorBytes,
		maxErrorItems:   DefaultMaxErrorItems,
		checker:         compat.Default,
		level:           compat.Backward,
		logger:          slog.New(slog.DiscardHandler),
		compile:         defaultCompile,
	}
}

// LogFile makes the registry persistent: every change is appended to the
// file at path as one JSON line, and the file is replayed when the server
// starts. The default keeps everything in memory only.
func LogFile(path string) Opt { return optFunc(func(c *config) { c.logFile = path }) }

// Fsync sets whether every append to the log file is fsynced before the
// request that caused it is answered. The default is false: appends reach
// the operating system, which survives a crash of the process but not of
// the machine. It has no effect without LogFile.
func Fsync(on bool) Opt { return optFunc(func(c *config) { c.fsync = on }) }

// BasicAuth requires HTTP basic authentication with this user and password
// on every request. The default is no authentication. Failures get HTTP 401
// with error code 40101; credentials are compared in constant time and are
// never logged.
func BasicAuth(user, pass string) Opt {
	return optFunc(func(c *config) { c.auth.user, c.auth.pass, c.auth.on = user, pass, true })
}

// MaxRequestBytes limits the size of a request body. Larger requests get
// HTTP 413 with error code 42209. The default is DefaultMaxRequestBytes
// (16 MiB).
func MaxRequestBytes(n int64) Opt { return optFunc(func(c *config) { c.maxRequestBytes = n }) }

// Checker sets the compatibility checker run on registration and on the
// /compatibility endpoints. The default is compat.Default, Confluent's
// rules for Avro, Protobuf and JSON Schema.
func Checker(ch compat.Checker) Opt { return optFunc(func(c *config) { c.checker = ch }) }

// DefaultCompatibility sets the global compatibility level the server
// starts with and returns to on DELETE /config. The default is
// compat.Backward, as in Confluent's registry. A level stored in the log
// file takes precedence.
func DefaultCompatibility(l compat.Level) Opt { return optFunc(func(c *config) { c.level = l }) }

// Logger sets the logger for warnings (a torn log tail cut away) and
// errors (a failed append). The default discards everything.
func Logger(l *slog.Logger) Opt { return optFunc(func(c *config) { c.logger = l }) }

// MaxHeaderBytes caps the size of a request's line and headers, overriding
// DefaultMaxHeaderBytes (64 KiB).
func MaxHeaderBytes(n int) Opt { return optFunc(func(c *config) { c.maxHeaderBytes = n }) }

// ReadHeaderTimeout bounds how long Serve waits for a request's line and
// headers, overriding DefaultReadHeaderTimeout (10 s).
func ReadHeaderTimeout(d time.Duration) Opt { return optFunc(func(c *config) { c.readHeader = d }) }

// ReadTimeout bounds how long Serve waits for a whole request, body
// included, overriding DefaultReadTimeout (30 s): a client trickling its
// body is cut off.
func ReadTimeout(d time.Duration) Opt { return optFunc(func(c *config) { c.read = d }) }

// WriteTimeout bounds how long writing a response may take, overriding
// DefaultWriteTimeout (60 s).
func WriteTimeout(d time.Duration) Opt { return optFunc(func(c *config) { c.write = d }) }

// IdleTimeout bounds how long a kept-alive connection may wait for its
// next request, overriding DefaultIdleTimeout (120 s).
func IdleTimeout(d time.Duration) Opt { return optFunc(func(c *config) { c.idle = d }) }

// MaxSubjectBytes caps the length of a subject name in UTF-8 bytes,
// overriding DefaultMaxSubjectBytes (1024). Longer names are refused with
// error code 42208.
func MaxSubjectBytes(n int) Opt { return optFunc(func(c *config) { c.maxSubjectBytes = n }) }

// MaxMetadataBytes caps the size of a schema's metadata (compacted JSON),
// overriding DefaultMaxMetadataBytes (64 KiB). Larger metadata is refused
// with error code 42201.
func MaxMetadataBytes(n int) Opt { return optFunc(func(c *config) { c.maxMetadata = n }) }

// MaxRuleSetBytes caps the size of a schema's rule set (compacted JSON),
// overriding DefaultMaxRuleSetBytes (256 KiB). Larger rule sets are
// refused with error code 42201.
func MaxRuleSetBytes(n int) Opt { return optFunc(func(c *config) { c.maxRuleSet = n }) }

// CompileCEL, on by default, refuses a rule set with a CEL or CEL_FIELD
// rule that does not compile (422, 42210). CompileCEL(false) accepts it,
// as Confluent's registry does (it never compiles CEL): for testing a
// client's own bind-time check against a registry that let such a rule in.
// The other rule set checks stay on.
func CompileCEL(on bool) Opt { return optFunc(func(c *config) { c.skipCEL = !on }) }

// MaxErrorBytes caps the message of an error response, overriding
// DefaultMaxErrorBytes (4 KiB); a longer message is cut and says how many
// bytes were left out.
func MaxErrorBytes(n int) Opt { return optFunc(func(c *config) { c.maxErrorBytes = n }) }

// MaxErrorItems caps how many violations (lines of a compile error,
// compatibility findings) one error message or verbose compatibility
// answer lists, overriding DefaultMaxErrorItems (20); the rest are counted
// ("and 7 more").
func MaxErrorItems(n int) Opt { return optFunc(func(c *config) { c.maxErrorItems = n }) }

// KafkaStore keeps the registry's state in a compacted Kafka topic instead
// of a file, in the record format of Confluent's registry, so that a
// schemagen registry and Confluent's can replay each other's topic. New
// creates the topic when it is missing (one partition, cleanup.policy
// compact, replication factor 3 or as many brokers as there are, and
// min.insync.replicas 2 with replication factor 3), replays it and keeps
// following it. opts configure the kgo client (kgo.SeedBrokers at least);
// an empty topic means "_schemas". It excludes LogFile.
func KafkaStore(topic string, opts ...kgo.Opt) Opt {
	return optFunc(func(c *config) {
		if topic == "" {
			topic = DefaultKafkaTopic
		}
		c.kafka = &kafkaConfig{topic: topic, opts: opts, session: 10 * time.Second}
	})
}

// AdvertisedURL is where the other instances of a KafkaStore registry
// reach this one (for example "http://10.0.0.5:8081") to forward writes
// when it is the leader. Without it the instance can still be elected,
// but writes sent to the others then fail while it leads; a single
// instance needs none. It has no effect without KafkaStore.
func AdvertisedURL(url string) Opt { return optFunc(func(c *config) { c.advertised = url }) }

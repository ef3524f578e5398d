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

// DefaultMaxRequestBytes is the request body limit unless MaxRequestBytes
// sets another.
const DefaultMaxRequestBytes int64 = 16 << 20

type config struct {
	logFile         string
	fsync           bool
	user, pass      string
	auth            bool
	maxRequestBytes int64
	checker         compat.Checker
	level           compat.Level
	logger          *slog.Logger
	compile         compileFunc
	kafka           *kafkaConfig
	advertised      string
}

func defaultConfig() config {
	return config{
		maxRequestBytes: DefaultMaxRequestBytes,
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
	return optFunc(func(c *config) { c.user, c.pass, c.auth = user, pass, true })
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

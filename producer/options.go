package producer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/schemagen/schemagen/registry"
)

// Opt configures a Producer. Options are applied in order, so a later option
// overrides an earlier one (a preset followed by Linger(0) lingers 0).
type Opt interface {
	apply(*cfg)
}

type opt func(*cfg)

func (o opt) apply(c *cfg) { o(c) }

// opts groups options into one: the presets are built from it.
type opts []Opt

func (os opts) apply(c *cfg) {
	for _, o := range os {
		o.apply(c)
	}
}

// AckLevel is how many replicas must have a record before the broker
// acknowledges it (Kafka's acks setting).
type AckLevel int8

// The three ack levels.
const (
	// AcksNone (acks=0): the broker does not answer; a record counts as
	// sent once written to the connection.
	AcksNone AckLevel = 0
	// AcksLeader (acks=1): the partition leader has written the record.
	AcksLeader AckLevel = 1
	// AcksAll (acks=all, -1): every in-sync replica has the record.
	AcksAll AckLevel = -1
)

// String returns Kafka's spelling: "0", "1" or "all".
func (a AckLevel) String() string {
	switch a {
	case AcksNone:
		return "0"
	case AcksLeader:
		return "1"
	case AcksAll:
		return "all"
	}
	return fmt.Sprintf("AckLevel(%d)", int8(a))
}

// ParseAcks accepts "0", "1", "all" and "-1".
func ParseAcks(s string) (AckLevel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0", "none":
		return AcksNone, nil
	case "1", "leader":
		return AcksLeader, nil
	case "all", "-1":
		return AcksAll, nil
	}
	return 0, fmt.Errorf("producer: %w: acks %q (want 0, 1 or all)", ErrInvalidOption, s)
}

// Codec is a record-batch compression codec.
type Codec uint8

// The compression codecs Kafka supports.
const (
	NoCompression Codec = iota
	Gzip
	Snappy
	LZ4
	Zstd
)

// String returns Kafka's spelling of the codec (compression.type).
func (c Codec) String() string {
	switch c {
	case NoCompression:
		return "none"
	case Gzip:
		return "gzip"
	case Snappy:
		return "snappy"
	case LZ4:
		return "lz4"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("Codec(%d)", uint8(c))
}

// ParseCodec accepts Kafka's compression.type names: none, gzip, snappy, lz4,
// zstd.
func ParseCodec(s string) (Codec, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none", "":
		return NoCompression, nil
	case "gzip":
		return Gzip, nil
	case "snappy":
		return Snappy, nil
	case "lz4":
		return LZ4, nil
	case "zstd":
		return Zstd, nil
	}
	return 0, fmt.Errorf("producer: %w: compression %q (want none, gzip, snappy, lz4 or zstd)", ErrInvalidOption, s)
}

func (c Codec) kgo() (kgo.CompressionCodec, bool) {
	switch c {
	case NoCompression:
		return kgo.NoCompression(), true
	case Gzip:
		return kgo.GzipCompression(), true
	case Snappy:
		return kgo.SnappyCompression(), true
	case LZ4:
		return kgo.Lz4Compression(), true
	case Zstd:
		return kgo.ZstdCompression(), true
	}
	return kgo.CompressionCodec{}, false
}

// BufferFullPolicy says what Produce does when the producer already buffers
// MaxBufferedRecords records or MaxBufferedBytes bytes.
type BufferFullPolicy uint8

const (
	// Block waits for space until the context passed to Produce is done;
	// the record then fails with the context's error.
	Block BufferFullPolicy = iota
	// FailFast fails the record at once with an error wrapping
	// ErrBufferFull.
	FailFast
)

// OAuthToken returns a bearer token for SASL OAUTHBEARER. It is called for
// every new connection, so it can refresh tokens.
type OAuthToken func(ctx context.Context) (token string, err error)

type cfg struct {
	seeds []string
	reg   *registry.Client

	acks        AckLevel
	acksSet     bool
	idempotence bool
	idemSet     bool
	maxInFlight int

	retries         int
	deliveryTimeout time.Duration
	requestTimeout  time.Duration
	linger          time.Duration
	lingerSet       bool
	maxBatchBytes   int32
	maxRecordBytes  int
	compression     Codec

	maxBufRecords int
	maxBufBytes   int
	bufferFull    BufferFullPolicy

	clientID    string
	sasls       []sasl.Mechanism
	tls         *tls.Config
	partitioner kgo.Partitioner
	logger      *slog.Logger
	onDataLoss  func(topic string, partition int32)
	kopts       []kgo.Opt

	// Dead-letter redaction's rule types (DeadLetterRedactRuleTypes).
	redactTypes    []string
	redactTypesSet bool

	errs []error
}

func (c *cfg) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("producer: %w: "+format, append([]any{ErrInvalidOption}, args...)...))
}

func defaultCfg() cfg {
	return cfg{
		acks:          AcksAll,
		idempotence:   true,
		maxInFlight:   0, // kgo's default: 5 with idempotence, 1 without
		maxBufRecords: 10000,
		bufferFull:    Block,
	}
}

// validate checks the settings together and returns every problem at once.
func (c *cfg) validate() error {
	errs := c.errs
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("producer: %w: "+format, append([]any{ErrInvalidOption}, args...)...))
	}
	if len(c.seeds) == 0 {
		add("no seed brokers (use SeedBrokers)")
	}
	for _, s := range c.seeds {
		if strings.TrimSpace(s) == "" {
			add("empty seed broker address")
		}
	}
	if c.acksSet && c.acks != AcksAll && !c.idemSet {
		// Like the Java client: asking for weaker acks without saying
		// anything about idempotence turns idempotence off.
		c.idempotence = false
	}
	switch c.acks {
	case AcksNone, AcksLeader, AcksAll:
	default:
		add("acks %d (want 0, 1 or all)", int8(c.acks))
	}
	if c.idempotence && c.acks != AcksAll {
		add("idempotence needs acks=all, have acks=%s (use Idempotence(false) or Acks(AcksAll))", c.acks)
	}
	if c.maxInFlight < 0 {
		add("max in flight %d is negative", c.maxInFlight)
	}
	if c.idempotence && c.maxInFlight != 0 && c.maxInFlight != 5 {
		add("max in flight %d: with idempotence franz-go keeps 5 in flight per broker", c.maxInFlight)
	}
	if c.retries < 0 {
		add("retries %d is negative", c.retries)
	}
	if c.deliveryTimeout < 0 || (c.deliveryTimeout > 0 && c.deliveryTimeout < time.Second) {
		add("delivery timeout %v: want 0 (none) or at least 1s", c.deliveryTimeout)
	}
	if c.requestTimeout < 0 {
		add("request timeout %v is negative", c.requestTimeout)
	}
	if c.linger < 0 || c.linger > time.Minute {
		add("linger %v outside [0, 1m]", c.linger)
	}
	if c.maxRecordBytes < 0 {
		add("max record bytes %d is negative", c.maxRecordBytes)
	}
	if c.maxBatchBytes != 0 && (c.maxBatchBytes < 512 || c.maxBatchBytes > 1<<30) {
		add("max batch bytes %d outside [512, 1GiB]", c.maxBatchBytes)
	}
	if _, ok := c.compression.kgo(); !ok {
		add("unknown compression codec %d", uint8(c.compression))
	}
	if c.maxBufRecords <= 0 {
		add("max buffered records %d must be positive", c.maxBufRecords)
	}
	if c.maxBufBytes < 0 {
		add("max buffered bytes %d is negative", c.maxBufBytes)
	}
	switch c.bufferFull {
	case Block, FailFast:
	default:
		add("unknown buffer-full policy %d", uint8(c.bufferFull))
	}
	return errors.Join(errs...)
}

// SeedBrokers sets the bootstrap brokers (host:port), overriding the default
// of none: New fails without them.
func SeedBrokers(addrs ...string) Opt {
	return opt(func(c *cfg) { c.seeds = append(c.seeds[:0], addrs...) })
}

// Registry sets the schema registry client typed producers bind their
// schemas with, overriding the default of none (then every Side must pin its
// schema ID). The producer does not close it.
func Registry(c *registry.Client) Opt {
	return opt(func(cfg *cfg) {
		if c == nil {
			cfg.fail("nil registry client")
			return
		}
		cfg.reg = c
	})
}

// Acks sets the required acknowledgements, overriding the default AcksAll.
// Idempotence needs AcksAll: as in the Java client, a weaker level turns the
// default idempotence off, and asking for both Idempotence(true) and a
// weaker level makes New fail.
func Acks(a AckLevel) Opt {
	return opt(func(c *cfg) { c.acks, c.acksSet = a, true })
}

// Idempotence turns idempotent writes on or off, overriding the default on.
// With it on, retries never duplicate or reorder records in a partition.
func Idempotence(on bool) Opt {
	return opt(func(c *cfg) { c.idempotence, c.idemSet = on, true })
}

// MaxInFlight bounds produce requests in flight per broker without
// idempotence, overriding franz-go's default of 1 (more than 1 can reorder
// records on retries). With idempotence franz-go always keeps up to 5 in
// flight, in order; only MaxInFlight(5) is accepted then.
func MaxInFlight(n int) Opt {
	return opt(func(c *cfg) { c.maxInFlight = n })
}

// Retries bounds how many times a record is tried, overriding the default of
// unlimited tries bounded by DeliveryTimeout. With idempotence, the limit is
// only enforced where failing the record cannot break sequence numbers.
func Retries(n int) Opt {
	return opt(func(c *cfg) { c.retries = n })
}

// DeliveryTimeout bounds the time from Produce to acknowledgement, overriding
// the default of no bound; a record past it fails (kgo.ErrRecordTimeout).
// It must be at least 1s. With idempotence, a record in a request still
// awaiting its response fails only once the response (or the request
// timeout) comes, so that sequence numbers stay valid.
func DeliveryTimeout(d time.Duration) Opt {
	return opt(func(c *cfg) { c.deliveryTimeout = d })
}

// RequestTimeout sets how long a broker may take to answer a produce
// request, overriding franz-go's default 10s.
func RequestTimeout(d time.Duration) Opt {
	return opt(func(c *cfg) { c.requestTimeout = d })
}

// Linger sets how long a partition's batch waits for more records before it
// is sent, overriding franz-go's default 10ms. Linger(0) sends as soon as possible.
func Linger(d time.Duration) Opt {
	return opt(func(c *cfg) { c.linger, c.lingerSet = d, true })
}

// MaxBatchBytes bounds a record batch before compression, overriding
// franz-go's default 1,000,012 bytes (Kafka's max.message.bytes).
func MaxBatchBytes(n int32) Opt {
	return opt(func(c *cfg) { c.maxBatchBytes = n })
}

// MaxRecordBytes refuses, before it is handed over, a record whose key,
// framed value and headers, with a record batch's overhead, exceed n
// bytes: Produce returns a *RecordTooLargeError (wrapping
// ErrRecordTooLarge) and the Future fails with it. The size is taken on
// the bytes serialized once for sending. Set n to the MaxBatchBytes value
// (franz-go's default 1,000,012) to refuse at once a record no batch can
// hold, instead of franz-go failing it later. 0, the default, checks
// nothing.
func MaxRecordBytes(n int) Opt {
	return opt(func(c *cfg) { c.maxRecordBytes = n })
}

// Compression sets the batch compression codec, overriding the default
// NoCompression.
func Compression(codec Codec) Opt {
	return opt(func(c *cfg) { c.compression = codec })
}

// MaxBufferedRecords bounds the records buffered and in flight, overriding
// the default 10,000. What happens when it is reached is BufferFull's choice.
func MaxBufferedRecords(n int) Opt {
	return opt(func(c *cfg) { c.maxBufRecords = n })
}

// MaxBufferedBytes bounds the key and value bytes buffered and in flight,
// overriding the default of no byte bound. A single record larger than n
// fails at once.
func MaxBufferedBytes(n int) Opt {
	return opt(func(c *cfg) { c.maxBufBytes = n })
}

// BufferFull sets what Produce does when the buffer is full, overriding the
// default Block (wait until the Produce context is done).
func BufferFull(p BufferFullPolicy) Opt {
	return opt(func(c *cfg) { c.bufferFull = p })
}

// ClientID sets the client ID sent to brokers, overriding franz-go's "kgo".
func ClientID(id string) Opt {
	return opt(func(c *cfg) { c.clientID = id })
}

// SASLPlain authenticates with SASL PLAIN, overriding the default of no
// authentication. Use it with TLS: PLAIN sends the password as is.
func SASLPlain(user, pass string) Opt {
	return opt(func(c *cfg) {
		if user == "" {
			c.fail("sasl plain: empty user")
			return
		}
		c.sasls = append(c.sasls, plain.Auth{User: user, Pass: pass}.AsMechanism())
	})
}

// SASLScramSHA256 authenticates with SASL SCRAM-SHA-256, overriding the
// default of no authentication.
func SASLScramSHA256(user, pass string) Opt {
	return opt(func(c *cfg) {
		if user == "" {
			c.fail("sasl scram-sha-256: empty user")
			return
		}
		c.sasls = append(c.sasls, scram.Auth{User: user, Pass: pass}.AsSha256Mechanism())
	})
}

// SASLScramSHA512 authenticates with SASL SCRAM-SHA-512, overriding the
// default of no authentication.
func SASLScramSHA512(user, pass string) Opt {
	return opt(func(c *cfg) {
		if user == "" {
			c.fail("sasl scram-sha-512: empty user")
			return
		}
		c.sasls = append(c.sasls, scram.Auth{User: user, Pass: pass}.AsSha512Mechanism())
	})
}

// SASLOAuthBearer authenticates with SASL OAUTHBEARER, overriding the default
// of no authentication. token is called for every new connection.
func SASLOAuthBearer(token OAuthToken) Opt {
	return opt(func(c *cfg) {
		if token == nil {
			c.fail("sasl oauthbearer: nil token function")
			return
		}
		c.sasls = append(c.sasls, oauthMechanism{oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
			t, err := token(ctx)
			if err != nil {
				return oauth.Auth{}, fmt.Errorf("sasl oauthbearer: token function: %w", err)
			}
			return oauth.Auth{Token: t}, nil
		})})
	})
}

// TLS dials brokers with TLS, overriding the default of plain TCP. For
// mutual TLS, put the client certificate in Certificates. The config is
// cloned.
func TLS(config *tls.Config) Opt {
	return opt(func(c *cfg) {
		if config == nil {
			c.fail("nil tls config")
			return
		}
		c.tls = config.Clone()
	})
}

// Logger logs franz-go's client events and the producer's own through l
// (via kslog), overriding the default of no logging.
func Logger(l *slog.Logger) Opt {
	return opt(func(c *cfg) { c.logger = l })
}

// OnDataLoss calls fn when the broker reports that records the producer
// wrote are gone (franz-go's ProducerOnDataLossDetected), overriding the
// default of only logging it.
func OnDataLoss(fn func(topic string, partition int32)) Opt {
	return opt(func(c *cfg) { c.onDataLoss = fn })
}

// KgoOpts passes options straight to the kgo.Client, after the producer's
// own: they override anything above. Use it for settings this package does
// not name (kgo.MetadataMinAge, kgo.WithHooks, ...).
//
// Typed producers reuse a record's *kgo.Record and value buffer once kgo has
// called its promise; when the client has hooks of its own (kgo.WithHooks
// here), they do not, since a hook may keep the records it is given.
func KgoOpts(o ...kgo.Opt) Opt {
	return opt(func(c *cfg) { c.kopts = append(c.kopts, o...) })
}

// HighThroughput is a preset: MaxBatchBytes(64 KiB), Linger(20ms),
// Compression(LZ4). Options after it override it.
func HighThroughput() Opt {
	return opts{MaxBatchBytes(64 << 10), Linger(20 * time.Millisecond), Compression(LZ4)}
}

// HighDurability names the defaults' durability settings: acks=all and
// idempotence, which keeps up to 5 requests in flight per broker, in order.
// New without options already has them, so on its own it changes nothing;
// it is there to say so in code, and to restore them after options that
// weakened them (a shared option list with Acks(AcksLeader) or
// Idempotence(false) before it). Options after it override it:
// Acks(AcksLeader) after it also turns idempotence off (as in the Java
// client), and Idempotence(false) leaves franz-go's 1 request in flight.
func HighDurability() Opt {
	return opt(func(c *cfg) { c.acks, c.acksSet, c.idempotence = AcksAll, true, true })
}

// LowLatency is a preset: Linger(0). Options after it override it.
func LowLatency() Opt {
	return opts{Linger(0)}
}

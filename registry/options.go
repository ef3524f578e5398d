package registry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"
)

// Opt configures a Client. New applies every Opt and validates the result at
// once.
type Opt interface{ apply(*config) }

type opt func(*config)

func (o opt) apply(c *config) { o(c) }

type config struct {
	urls []string
	// auth is behind a pointer so that fmt never prints it: a struct that
	// holds a *Client in an unexported field, printed with %s or %d, has
	// fmt dump the Client's fields one pointer deep (Format cannot run on
	// unexported fields), and no further.
	auth        *credentials
	headers     func(ctx context.Context) (http.Header, error)
	tls         *tls.Config
	httpClient  *http.Client
	retries     int
	backoffBase time.Duration
	backoffMax  time.Duration
	budgetMax   float64
	budgetRatio float64
	cacheTTL    time.Duration
	negTTL      time.Duration
	idContext   string
	maxConns    int
	maxConnsSet bool
	brkN        int
	brkBase     time.Duration
	brkMax      time.Duration
	logger      *slog.Logger
	snapshot    []snapshotSchema
	errs        []error
}

// credentials are the basic-auth user and password or the bearer token.
type credentials struct {
	user, pass string
	basic      bool
	bearer     string
}

func defaultConfig() config {
	return config{
		auth:        &credentials{},
		urls:        []string{"http://localhost:8081"},
		retries:     3,
		backoffBase: 100 * time.Millisecond,
		backoffMax:  2 * time.Second,
		budgetMax:   10,
		budgetRatio: 0.1,
		cacheTTL:    5 * time.Minute,
		negTTL:      2 * time.Second,
		idContext:   DefaultContext,
		maxConns:    8,
		brkN:        5,
		brkBase:     time.Second,
		brkMax:      10 * time.Second,
	}
}

// URLs sets the registry URLs, overriding the default http://localhost:8081.
// A request goes to the URL that answered last; on a transport error it
// fails over to the next URL within the same attempt, and after a retryable
// status the retry goes to the next URL. A URL may have a base path
// (Apicurio's http://host/apis/ccompat/v7). Credentials in a URL (http://user:pass@host) are
// taken out of it and sent as basic auth; they never appear in an error or a
// log line.
func URLs(urls ...string) Opt {
	return opt(func(c *config) { c.urls = append([]string(nil), urls...) })
}

// BasicAuth sets HTTP basic authentication for every request, overriding the
// default of none. It cannot be combined with BearerToken.
func BasicAuth(user, pass string) Opt {
	return opt(func(c *config) { c.auth.user, c.auth.pass, c.auth.basic = user, pass, true })
}

// BearerToken sets "Authorization: Bearer <token>" on every request,
// overriding the default of none. It cannot be combined with BasicAuth.
func BearerToken(token string) Opt {
	return opt(func(c *config) {
		c.auth.bearer = token
		if token == "" {
			c.errs = append(c.errs, errors.New("empty bearer token"))
		}
	})
}

// HeaderProvider sets a function called before every request (every retry
// too) whose headers are set on the request, overriding the default of none.
// Use it for tokens that expire (OAuth) or vendor headers such as Confluent
// Cloud's target-sr-cluster. An error fails the request without retrying.
func HeaderProvider(f func(ctx context.Context) (http.Header, error)) Opt {
	return opt(func(c *config) {
		c.headers = f
		if f == nil {
			c.errs = append(c.errs, errors.New("nil header provider"))
		}
	})
}

// DialTLSConfig sets the TLS configuration, overriding Go's default (system
// roots, no client certificate). Set RootCAs for a private CA and
// Certificates for mutual TLS. It applies to the client given with
// HTTPClient too, whose Transport must then be nil or an *http.Transport
// without custom dial functions.
func DialTLSConfig(t *tls.Config) Opt {
	return opt(func(c *config) {
		c.tls = t
		if t == nil {
			c.errs = append(c.errs, errors.New("nil tls config"))
		}
	})
}

// HTTPClient sets the HTTP client, overriding the default: a client with a
// 10s timeout per attempt over a clone of http.DefaultTransport. The client
// is copied, never modified.
func HTTPClient(hc *http.Client) Opt {
	return opt(func(c *config) {
		c.httpClient = hc
		if hc == nil {
			c.errs = append(c.errs, errors.New("nil http client"))
		}
	})
}

// Retries sets how many times a request is retried after a retryable failure
// (408, 429, 500, 502, 503, 504 or a transport error), overriding the
// default 3. Zero disables retries. The context's deadline and the retry
// budget bound retries too.
func Retries(n int) Opt {
	return opt(func(c *config) {
		c.retries = n
		if n < 0 {
			c.errs = append(c.errs, fmt.Errorf("negative retries %d", n))
		}
	})
}

// RetryBackoff sets the backoff between retries, overriding the default
// 100ms base and 2s cap. Retry n (from 0) sleeps a uniformly random time in
// [0, min(max, base*2^n)) ("full jitter"). A Retry-After on a 429 or 503
// lengthens the sleep to what the registry asked, up to max.
func RetryBackoff(base, max time.Duration) Opt {
	return opt(func(c *config) {
		c.backoffBase, c.backoffMax = base, max
		if base <= 0 || max < base {
			c.errs = append(c.errs, fmt.Errorf("retry backoff needs 0 < base <= max, got base %v, max %v", base, max))
		}
	})
}

// RetryBudget sets the token bucket that bounds retries across all requests
// of the client, overriding the default of 10 tokens and a ratio of 0.1 (the
// scheme of gRPC's retry throttling). The bucket starts full; every failed
// attempt takes a token, every success puts ratio back (up to tokens), and a
// retry is only attempted while more than half the tokens remain. So when the
// registry is down, requests stop multiplying load after a few failures, and
// recover as successes return.
func RetryBudget(tokens, ratio float64) Opt {
	return opt(func(c *config) {
		c.budgetMax, c.budgetRatio = tokens, ratio
		if !(tokens >= 1) || math.IsInf(tokens, 0) || !(ratio > 0) || ratio > tokens {
			c.errs = append(c.errs, fmt.Errorf("retry budget needs tokens >= 1 and 0 < ratio <= tokens, got %v, %v", tokens, ratio))
		}
	})
}

// CacheTTL sets how long the latest version of a subject is cached,
// overriding the default 5 minutes. Zero disables caching of latest
// versions. Schemas by ID, by subject and version, and the IDs of schemas
// looked up or registered are immutable and cached for the client's life.
func CacheTTL(d time.Duration) Opt {
	return opt(func(c *config) {
		c.cacheTTL = d
		if d < 0 {
			c.errs = append(c.errs, fmt.Errorf("negative cache ttl %v", d))
		}
	})
}

// Logger sets the logger, overriding the default slog.Default(). Requests
// are logged at debug level, drift under DriftWarn at warn level. No
// credential is ever logged.
func Logger(l *slog.Logger) Opt {
	return opt(func(c *config) {
		c.logger = l
		if l == nil {
			c.errs = append(c.errs, errors.New("nil logger"))
		}
	})
}

// NegativeCacheTTL sets how long a 404 answer to a lookup (a schema by ID,
// a subject's version or latest version, a schema under a subject) is
// remembered and returned again without a request, overriding the default
// 2 seconds. Zero disables it. A registration through this client forgets
// the subject's remembered 404s at once.
func NegativeCacheTTL(d time.Duration) Opt {
	return opt(func(c *config) {
		c.negTTL = d
		if d < 0 {
			c.errs = append(c.errs, fmt.Errorf("negative cache ttl %v", d))
		}
	})
}

// IDContext makes SchemaByID (and so deserializers and PinID) resolve
// schema IDs in schema context ctx (".orders" or "orders"), overriding the
// default context: the registry is asked for /schemas/ids/{id}?subject=:.ctx:.
// IDs are per context, so a client reads the records of one context.
func IDContext(ctx string) Opt {
	return opt(func(c *config) {
		if err := checkContext(ctx); err != nil {
			c.errs = append(c.errs, err)
			return
		}
		c.idContext = normContext(ctx)
	})
}

// MaxConnsPerHost bounds the client's connections to each registry host,
// dialing and idle ones included, overriding the default 8; requests
// beyond it wait for a connection. It applies to the default transport, or
// to a clone of an HTTPClient's *http.Transport (which must then be one). A
// fleet of clients in a registry incident so opens at most that many
// connections each.
func MaxConnsPerHost(n int) Opt {
	return opt(func(c *config) {
		c.maxConns, c.maxConnsSet = n, true
		if n < 1 {
			c.errs = append(c.errs, fmt.Errorf("max conns per host needs n >= 1, got %d", n))
		}
	})
}

// Breaker sets the circuit breaker, overriding the default of opening
// after 5 consecutive failed attempts (5xx answers, timeouts, transport
// errors) with a 1s backoff growing to 10s. While the circuit is open,
// requests fail at once with an error wrapping ErrCircuitOpen and
// ErrUnavailable, sending nothing; after the backoff one request probes
// the registry: success closes the circuit, failure doubles the backoff, up
// to max. Any other answer (a 404, a 409) closes it too: the registry is
// up. One breaker serves all the client's URLs: failover to a URL that
// answers closes it. Breaker(0, 0, 0) disables it.
func Breaker(failures int, backoff, max time.Duration) Opt {
	return opt(func(c *config) {
		c.brkN, c.brkBase, c.brkMax = failures, backoff, max
		if failures < 0 || (failures > 0 && (backoff <= 0 || max < backoff)) {
			c.errs = append(c.errs, fmt.Errorf("breaker needs failures >= 0 and 0 < backoff <= max, got %d, %v, %v", failures, backoff, max))
		}
	})
}

package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"golang.org/x/sync/singleflight"

	"github.com/schemagen/schemagen/serde"
)

// Client talks to a Confluent-compatible schema registry through franz-go's
// sr client, adding caches, retries with backoff and a retry budget,
// failover across URLs, typed errors, and the Bind logic producers use to
// find their schema ID. It is safe for concurrent use.
type Client struct {
	cfg  config
	cls  []*sr.Client // cls[i] speaks to the URLs rotated to start at i
	pref atomic.Int32 // index into cls of the URL that last answered
	// noMetadata is set once the registry answered that it has no
	// /subjects/{subject}/metadata endpoint.
	noMetadata atomic.Bool
	budget     *budget
	brk        *breaker
	log        *slog.Logger
	redact     *redactor

	// Test seams: how to sleep between retries and the jitter source.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func() float64
	joined func() // called when a caller has joined a shared request

	sf    singleflight.Group
	cache cache
}

// SubjectSchema is a schema as registered under a subject.
type SubjectSchema struct {
	Subject string
	Version int
	ID      int
	// GUID is the schema's GUID where the registry reports one (Confluent
	// 8, srfake); empty otherwise.
	GUID   string
	Schema serde.Schema
}

// New returns a client. It validates every option at once and fails
// immediately, with an error wrapping ErrConfig, on any that is invalid. It
// makes no request.
func New(opts ...Opt) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	var errs []error
	errs = append(errs, cfg.errs...)
	urls, user, pass, err := splitURLs(cfg.urls)
	if err != nil {
		errs = append(errs, err)
	}
	if user != "" || pass != "" {
		switch {
		case cfg.basicAuth && (cfg.user != user || cfg.pass != pass):
			errs = append(errs, errors.New("credentials in a URL conflict with BasicAuth"))
		default:
			cfg.user, cfg.pass, cfg.basicAuth = user, pass, true
		}
	}
	if cfg.basicAuth && cfg.bearer != "" {
		errs = append(errs, errors.New("BasicAuth and BearerToken are exclusive"))
	}
	if cfg.maxConnsSet && cfg.httpClient != nil && cfg.httpClient.Transport != nil {
		if _, ok := cfg.httpClient.Transport.(*http.Transport); !ok {
			errs = append(errs, errors.New("MaxConnsPerHost needs an HTTPClient whose Transport is an *http.Transport"))
		}
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	if cfg.httpClient != nil {
		cp := *cfg.httpClient
		hc = &cp
	}
	if cfg.tls != nil && hc.Transport != nil {
		if tr, ok := hc.Transport.(*http.Transport); !ok {
			errs = append(errs, errors.New("DialTLSConfig needs an HTTPClient whose Transport is an *http.Transport"))
		} else if tr.Dial != nil || tr.DialContext != nil || tr.DialTLS != nil || tr.DialTLSContext != nil {
			errs = append(errs, errors.New("DialTLSConfig cannot be used with an HTTPClient that has custom dial functions"))
		}
	}
	if len(errs) > 0 {
		redact := newRedactor(cfg.pass, cfg.bearer, pass)
		return nil, redact.wrap(fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...)))
	}
	cfg.urls = urls

	c := &Client{
		cfg:    cfg,
		budget: newBudget(cfg.budgetMax, cfg.budgetRatio),
		brk:    newBreaker(cfg.brkN, cfg.brkBase, cfg.brkMax),
		log:    cfg.logger,
		redact: newRedactor(cfg.pass, cfg.bearer),
		sleep:  sleepCtx,
		jitter: uniform,
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.cache.init()
	c.loadSnapshot(cfg.snapshot)

	base := []sr.ClientOpt{
		sr.UserAgent("schemagen"),
		sr.LogLevel(sr.LogLevelDebug),
		sr.LogFn(c.srLog),
	}
	if cfg.basicAuth {
		base = append(base, sr.BasicAuth(cfg.user, cfg.pass))
	}
	if cfg.bearer != "" {
		base = append(base, sr.BearerToken(cfg.bearer))
	}
	base = append(base, sr.PreReq(c.preReq))
	for i := range urls {
		rot := append(append([]string(nil), urls[i:]...), urls[:i]...)
		o := append(append([]sr.ClientOpt(nil), base...), sr.URLs(rot...), sr.HTTPClient(hc))
		if i == 0 && cfg.tls != nil {
			// sr installs the TLS config on hc's transport (a clone); the
			// other rotations share that transport.
			o = append(o, sr.DialTLSConfig(cfg.tls))
		}
		cl, err := sr.NewClient(o...)
		if err != nil {
			return nil, c.redact.wrap(fmt.Errorf("%w: %w", ErrConfig, err))
		}
		c.cls = append(c.cls, cl)
	}
	// Now that sr has set up TLS on it, wrap the transport to read
	// Retry-After.
	next := limitConns(hc.Transport, cfg.maxConns, cfg.httpClient == nil || cfg.maxConnsSet)
	hc.Transport = &hintTransport{next: next}
	return c, nil
}

// splitURLs normalizes the URLs and takes credentials out of them.
func splitURLs(in []string) (out []string, user, pass string, err error) {
	if len(in) == 0 {
		return nil, "", "", errors.New("no registry URLs")
	}
	for i, raw := range in {
		if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
			raw = "http://" + raw
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			// The url.Error would quote the URL, credentials included, and
			// its cause can quote part of them too (a password with a
			// slash reads as an invalid port): say nothing of a URL that
			// may hold credentials.
			var ue *url.Error
			msg := "unparsable"
			if errors.As(perr, &ue) && !strings.Contains(raw, "@") {
				msg = ue.Err.Error()
			}
			return nil, "", "", fmt.Errorf("url #%d is invalid: %s", i+1, msg)
		}
		if u.Host == "" {
			return nil, "", "", fmt.Errorf("url #%d (%s) has no host", i+1, u.Redacted())
		}
		if u.User != nil {
			p, _ := u.User.Password()
			if (user != "" || pass != "") && (u.User.Username() != user || p != pass) {
				return nil, "", "", fmt.Errorf("url #%d has credentials that differ from an earlier url's", i+1)
			}
			user, pass = u.User.Username(), p
			u.User = nil
		}
		u.RawQuery, u.Fragment = "", ""
		out = append(out, strings.TrimSuffix(u.String(), "/"))
	}
	return out, user, pass, nil
}

// callState is what one call of do learns from its HTTP requests: which URL
// a request went to last (the one that answered, when the call succeeds),
// and the Retry-After of a 429 or 503.
type callState struct {
	last       atomic.Pointer[string]
	retryAfter atomic.Int64 // a time.Duration
}

type callStateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// hintTransport records the Retry-After of 429 and 503 responses in the
// request's callState.
type hintTransport struct{ next http.RoundTripper }

func (t *hintTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if st := stateOf(r.Context()); st != nil {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				st.retryAfter.Store(int64(d))
			}
		}
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the transport under
// t (http.Client.CloseIdleConnections looks for this method).
func (t *hintTransport) CloseIdleConnections() {
	if ci, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// CloseIdleConnections closes the idle connections of the client's HTTP
// transport.
func (c *Client) CloseIdleConnections() {
	c.cls[0].OptValue(sr.HTTPClient).(*http.Client).CloseIdleConnections()
}

// preReq notes the request's URL and adds the HeaderProvider's headers.
func (c *Client) preReq(req *http.Request) error {
	if st := stateOf(req.Context()); st != nil {
		u := req.URL.String()
		st.last.Store(&u)
	}
	if c.cfg.headers == nil {
		return nil
	}
	h, err := c.cfg.headers(req.Context())
	if err != nil {
		return &headerError{err}
	}
	c.redact.learn(h)
	for k, vs := range h {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	return nil
}

// srLog forwards sr's request logs at debug level.
func (c *Client) srLog(_ int8, msg string, kvs ...any) {
	if !c.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	for i, kv := range kvs {
		if s, ok := kv.(string); ok {
			kvs[i] = c.redact.scrub(s)
		} else if e, ok := kv.(error); ok {
			kvs[i] = c.redact.scrub(e.Error())
		}
	}
	c.log.Debug("registry: "+msg, kvs...)
}

// do runs fn against the registry with retries, backoff, failover and the
// retry budget, and turns its error into one of ours. op names the
// operation in errors ("get schema id 5").
func (c *Client) do(ctx context.Context, op string, fn func(context.Context, *sr.Client) error) error {
	start := int(c.pref.Load())
	st := new(callState)
	ctx = context.WithValue(ctx, callStateKey{}, st)
	for attempt := 0; ; attempt++ {
		i := (start + attempt) % len(c.cls)
		ok, probe := c.brk.allow()
		if !ok {
			return c.fail(op, fmt.Errorf("%w (%w): failing fast after repeated failures", ErrCircuitOpen, ErrUnavailable))
		}
		err := fn(ctx, c.cls[i])
		if err == nil {
			c.brk.success()
			c.budget.success()
			c.prefer(st.last.Load())
			return nil
		}
		err = ours(err)
		if ctx.Err() != nil {
			c.brk.abandon(probe)
			return c.fail(op, err)
		}
		switch classify(err) {
		case kindFatal:
			var re *ResponseError
			if errors.As(err, &re) {
				c.brk.success() // the registry answered
			} else {
				c.brk.abandon(probe)
			}
			return c.fail(op, err)
		case kindMalformed:
			c.brk.abandon(probe)
			return c.fail(op, fmt.Errorf("%w: %w", ErrMalformedResponse, err))
		}
		c.brk.failure()
		allowed := c.budget.failure()
		if attempt >= c.cfg.retries {
			return c.fail(op, fmt.Errorf("%w after %d attempts: %w", ErrUnavailable, attempt+1, err))
		}
		if !allowed {
			return c.fail(op, fmt.Errorf("%w after %d attempts: %w", ErrRetryBudget, attempt+1, err))
		}
		d := backoff(attempt, c.cfg.backoffBase, c.cfg.backoffMax, c.jitter())
		if ra := time.Duration(st.retryAfter.Swap(0)); ra > d {
			// The registry asked for a pause: grant it, up to the backoff cap.
			d = min(ra, c.cfg.backoffMax)
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "registry: retrying", slog.String("op", op),
			slog.Int("attempt", attempt+1), slog.Duration("backoff", d), slog.String("error", c.redact.scrub(err.Error())))
		if serr := c.sleep(ctx, d); serr != nil {
			return c.fail(op, fmt.Errorf("%w (last error: %w)", serr, err))
		}
	}
}

// prefer makes the URL that answered the first to try next time.
func (c *Client) prefer(answered *string) {
	if answered == nil {
		return
	}
	for i, u := range c.cfg.urls {
		if strings.HasPrefix(*answered, u+"/") && int(c.pref.Load()) != i {
			c.pref.Store(int32(i))
			return
		}
	}
}

func (c *Client) fail(op string, err error) error {
	return c.redact.wrap(fmt.Errorf("registry: %s: %w", op, err))
}

// ours replaces franz-go's *sr.ResponseError with our *ResponseError, which
// wraps it and adds Is.
func ours(err error) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return newResponseError(re)
	}
	return err
}

// SR returns the franz-go client behind c, for endpoints this package does
// not cover. Calls through it bypass c's retries, caches and error types.
func (c *Client) SR() *sr.Client { return c.cls[int(c.pref.Load())] }

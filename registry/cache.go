package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/schemagen/schemagen/serde"
)

// cache holds what the registry told us. Schemas by ID and by subject and
// version never change, nor do the ID and version of a schema under a
// subject, so they are kept for the client's life (deletes through this
// client evict a subject's entries). Latest versions expire after CacheTTL.
// The lock is never held across a request.
type cache struct {
	mu        sync.RWMutex
	byID      map[ctxID]serde.Schema
	byVersion map[subjectVersion]SubjectSchema
	bySchema  map[subjectKey]SubjectSchema
	latest    map[string]latestEntry
	latestMD  map[string]latestEntry // by subject and metadata
	allowed   map[allowKey]bool      // DriftAllowIfCompatible verdicts
	fps       map[ctxID]string       // normalized fingerprint of registered schemas by ID
	fpByText  map[string]string      // normalized fingerprint by rawKey
	pins      map[subjectID]SubjectSchema
	neg       map[string]negEntry // 404 answers by flight key, for NegativeCacheTTL
	// snap and snapLatest are the schemas loaded from a Snapshot, by
	// subject, answered while the registry is unavailable.
	snap       map[string][]SubjectSchema
	snapLatest map[string]SubjectSchema
	now        func() time.Time
}

// negEntry is a remembered 404 answer.
type negEntry struct {
	subject string // "" for lookups by ID
	err     error
	at      time.Time
}

// maxNeg bounds the remembered 404s: a consumer fed IDs at random must not
// grow the map without end.
const maxNeg = 4096

type subjectVersion struct {
	subject string
	version int
}

type subjectKey struct {
	subject string
	key     string // schemaKey of the schema
}

type subjectID struct {
	subject string
	id      int
}

type allowKey struct {
	id      ctxID
	localFP string
}

// ctxID is a schema ID in its schema context: each context has an ID
// sequence of its own.
type ctxID struct {
	ctx string
	id  int
}

type latestEntry struct {
	ss      SubjectSchema
	fetched time.Time
}

func (c *cache) init() {
	c.byID = map[ctxID]serde.Schema{}
	c.byVersion = map[subjectVersion]SubjectSchema{}
	c.bySchema = map[subjectKey]SubjectSchema{}
	c.latest = map[string]latestEntry{}
	c.latestMD = map[string]latestEntry{}
	c.allowed = map[allowKey]bool{}
	c.fps = map[ctxID]string{}
	c.fpByText = map[string]string{}
	c.pins = map[subjectID]SubjectSchema{}
	c.neg = map[string]negEntry{}
	c.snap = map[string][]SubjectSchema{}
	c.snapLatest = map[string]SubjectSchema{}
	c.now = time.Now
}

// store records a subject's schema in every index it belongs to.
func (c *cache) store(ss SubjectSchema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ss.ID > 0 {
		c.byID[ctxID{ContextOf(ss.Subject), ss.ID}] = ss.Schema
	}
	if ss.Subject != "" && ss.Version > 0 {
		c.byVersion[subjectVersion{ss.Subject, ss.Version}] = ss
	}
}

func (c *cache) evictSubject(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evictLatestLocked(subject)
	for k := range c.byVersion {
		if k.subject == subject {
			delete(c.byVersion, k)
		}
	}
	for k := range c.bySchema {
		if k.subject == subject {
			delete(c.bySchema, k)
		}
	}
	for k := range c.pins {
		if k.subject == subject {
			delete(c.pins, k)
		}
	}
	c.evictNegLocked(subject)
}

// evictNegLocked forgets the remembered 404s of a subject, and those of
// lookups by ID (a registration may have made the ID).
func (c *cache) evictNegLocked(subject string) {
	for k, e := range c.neg {
		if e.subject == subject || e.subject == "" {
			delete(c.neg, k)
		}
	}
}

// negative returns the remembered 404 for key, if any within ttl.
func (c *cache) negative(key string, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	c.mu.RLock()
	e, ok := c.neg[key]
	c.mu.RUnlock()
	if ok && c.now().Sub(e.at) < ttl {
		return e.err
	}
	return nil
}

// remember keeps err for key if it is the registry's 404 answer.
func (c *cache) remember(key, subject string, err error, ttl time.Duration) {
	var re *ResponseError
	if ttl <= 0 || !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.Code == 0 {
		// Only a 404 with Confluent's error code: a bare 404 may be a
		// proxy or a missing endpoint, not an answer about the schema.
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.neg) >= maxNeg {
		for k, e := range c.neg {
			if now.Sub(e.at) >= ttl {
				delete(c.neg, k)
			}
		}
		if len(c.neg) >= maxNeg {
			clear(c.neg)
		}
	}
	c.neg[key] = negEntry{subject: subject, err: err, at: now}
}

// evictLatest forgets the latest versions of a subject.
func (c *cache) evictLatest(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evictLatestLocked(subject)
}

func (c *cache) evictLatestLocked(subject string) {
	c.evictNegLocked(subject)
	delete(c.latest, subject)
	for k := range c.latestMD {
		if s, _, _ := strings.Cut(k, "\x00"); s == subject {
			delete(c.latestMD, k)
		}
	}
}

// leaderGone marks a shared request that ended because the context of the
// caller that started it ended.
type leaderGone struct{ err error }

func (e *leaderGone) Error() string { return e.err.Error() }
func (e *leaderGone) Unwrap() error { return e.err }

// flight runs fn once for all concurrent callers with the same key. fn runs
// with the context of the caller that started it; if that caller goes away,
// the others start a new flight rather than fail with its context error.
// Each caller waits no longer than its own context.
func flight[T any](ctx context.Context, c *Client, key, op string, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	for {
		var led atomic.Bool
		ch := c.sf.DoChan(key, func() (any, error) {
			led.Store(true)
			v, err := fn(ctx)
			if err != nil && ctx.Err() != nil {
				return nil, &leaderGone{err}
			}
			return v, err
		})
		if c.joined != nil {
			c.joined()
		}
		var r singleflight.Result
		select {
		case r = <-ch:
		case <-ctx.Done():
			if !led.Load() {
				return zero, c.fail(op, ctx.Err())
			}
			// Our own request runs with ctx, so it ends now; its error
			// says more than ctx's.
			r = <-ch
		}
		if r.Err != nil {
			if lg, ok := r.Err.(*leaderGone); ok {
				if ctx.Err() == nil {
					continue
				}
				return zero, lg.err
			}
			return zero, r.Err
		}
		return r.Val.(T), nil
	}
}

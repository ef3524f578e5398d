package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/schemagen/schemagen/registry/internal/errcode"
)

// Headers between instances. The leader says in hdrOffset how far its
// state holds the topic when it answers a write (its own write included,
// and a write of an earlier leader that made the request a no-op); the
// instance that
// forwarded the write waits until its replay reaches that offset before it
// answers, so that a read after the write on that instance sees it.
// hdrForwarded marks a forwarded request: an instance that gets one and is
// not the leader answers hdrNotLeader instead of forwarding again.
const (
	hdrOffset    = "X-Schemagen-Offset"
	hdrForwarded = "X-Schemagen-Forwarded"
	hdrNotLeader = "X-Schemagen-Not-Leader"
)

// forwardTimeout bounds how long a write waits for a leader.
const forwardTimeout = 30 * time.Second

// offsetWriter adds hdrOffset to the leader's answers.
type offsetWriter struct {
	http.ResponseWriter
	ks     *kafkaStore
	header bool
}

func (w *offsetWriter) WriteHeader(code int) {
	if !w.header {
		w.header = true
		if off := w.ks.seen.Load(); off >= 0 {
			w.Header().Set(hdrOffset, strconv.FormatInt(off, 10))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *offsetWriter) Write(b []byte) (int, error) {
	if !w.header {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// route sends reads to next and writes (every method but GET and HEAD) to
// the leader: to next on the leader once it has caught up, over HTTP from
// the others. Reads of associations go to the leader too, which has
// applied every association it wrote (the others apply them from the
// topic a moment later), so that a client reads its own writes.
func (ks *kafkaStore) route(next http.Handler) http.Handler {
	client := &http.Client{Timeout: forwardTimeout}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !isAssociations(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), forwardTimeout)
		defer cancel()
		var body []byte
		for {
			if ks.isLeader() {
				// Wait for the catch-up a little at a time: the
				// leadership may move meanwhile.
				wctx, wcancel := context.WithTimeout(ctx, 200*time.Millisecond)
				_, leader, err := ks.writer(wctx)
				wcancel()
				if leader && err == nil {
					if body != nil {
						r.Body = io.NopCloser(bytes.NewReader(body))
					}
					next.ServeHTTP(&offsetWriter{ResponseWriter: w, ks: ks}, r)
					return
				}
				if ctx.Err() != nil {
					if err == nil {
						err = ctx.Err()
					}
					ks.s.writeError(w, newAPIError(http.StatusServiceUnavailable, errcode.UnknownLeader, "leader not ready: %v", err))
					return
				}
				continue
			}
			if r.Header.Get(hdrForwarded) != "" {
				w.Header().Set(hdrNotLeader, "1")
				ks.s.writeError(w, newAPIError(http.StatusServiceUnavailable, errcode.UnknownLeader, "this instance is not the leader"))
				return
			}
			if body == nil {
				b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, ks.s.cfg.maxRequestBytes))
				if err != nil {
					ks.s.writeError(w, newAPIError(http.StatusRequestEntityTooLarge, CodeSchemaTooLarge, "request body too large or unreadable: %v", err))
					return
				}
				body = b
			}
			done, err := ks.forward(ctx, client, w, r, body)
			if done {
				return
			}
			select {
			case <-ctx.Done():
				ks.s.writeError(w, newAPIError(http.StatusServiceUnavailable, errcode.ForwardError, "forward to the leader: %v", errors.Join(err, ctx.Err())))
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// forward sends the write to the leader and copies its answer; done is
// false when it should be tried again (no leader yet, the leader gone or
// no longer the leader).
func (ks *kafkaStore) forward(ctx context.Context, client *http.Client, w http.ResponseWriter, r *http.Request, body []byte) (bool, error) {
	url, err := ks.leaderURL(ctx)
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, url+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	for _, h := range []string{"Content-Type", "Accept", "Authorization"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set(hdrForwarded, "1")
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.Header.Get(hdrNotLeader) != "" {
		return false, errNoLeader
	}
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return false, err
	}
	if off, perr := strconv.ParseInt(resp.Header.Get(hdrOffset), 10, 64); perr == nil {
		if err := ks.waitApplied(ctx, off, 0); err != nil {
			ks.s.writeError(w, newAPIError(http.StatusServiceUnavailable, errcode.Timeout, "written, but this instance has not replayed it yet: %v", err))
			return true, nil
		}
	}
	for _, h := range []string{"Content-Type"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
	return true, nil
}

// isAssociations reports whether path is of the associations API.
func isAssociations(path string) bool {
	return path == "/associations" || strings.HasPrefix(path, "/associations/")
}

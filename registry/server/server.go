package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/schemagen/schemagen/registry/compat"
)

// Server is the registry. Its methods are safe for concurrent use.
type Server struct {
	cfg config

	// mu guards st and log. Compiling schemas and checking compatibility
	// run without it; subjLocks serialize registrations within one subject
	// so that each is checked against the versions before it.
	mu    sync.RWMutex
	st    *state
	log   *eventLog   // the file log, when LogFile is set
	store storage     // where changes go: the file log, Kafka or nothing
	kafka *kafkaStore // the Kafka store, when KafkaStore is set

	// subjLocks is a fixed set of locks picked by a hash of the subject:
	// subjects that share one wait for each other, and the set does not
	// grow with the subject names callers send.
	subjLocks [64]sync.Mutex

	handler http.Handler

	// serializedCache maps schema IDs (sid) to their ?format=serialized text.
	serializedCache sync.Map

	// assocs are the associations (associations.go), st.assocs;
	// assocCreate serializes their changes.
	assocs      *associations
	assocCreate sync.Mutex

	closeMu sync.Mutex
	closed  bool
	servers map[*http.Server]struct{}
}

// New builds a server. With LogFile it replays the log first; a log it
// cannot replay (other than a torn last line) is an error.
func New(opts ...Opt) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	var errs []error
	if cfg.maxRequestBytes <= 0 {
		errs = append(errs, fmt.Errorf("server: MaxRequestBytes must be positive, got %d", cfg.maxRequestBytes))
	}
	if cfg.checker == nil {
		errs = append(errs, errors.New("server: Checker must not be nil"))
	}
	if cfg.logger == nil {
		errs = append(errs, errors.New("server: Logger must not be nil"))
	}
	if l, err := compat.ParseLevel(string(cfg.level)); err != nil {
		errs = append(errs, fmt.Errorf("server: DefaultCompatibility: %w", err))
	} else {
		cfg.level = l
	}
	if cfg.auth.on && cfg.auth.user == "" {
		errs = append(errs, errors.New("server: BasicAuth needs a user name"))
	}
	for _, l := range []struct {
		name string
		v    int64
	}{
		{"MaxHeaderBytes", int64(cfg.maxHeaderBytes)},
		{"ReadHeaderTimeout", int64(cfg.readHeader)},
		{"ReadTimeout", int64(cfg.read)},
		{"WriteTimeout", int64(cfg.write)},
		{"IdleTimeout", int64(cfg.idle)},
		{"MaxSubjectBytes", int64(cfg.maxSubjectBytes)},
		{"MaxMetadataBytes", int64(cfg.maxMetadata)},
		{"MaxRuleSetBytes", int64(cfg.maxRuleSet)},
		{"MaxErrorBytes", int64(cfg.maxErrorBytes)},
		{"MaxErrorItems", int64(cfg.maxErrorItems)},
	} {
		if l.v <= 0 {
			errs = append(errs, fmt.Errorf("server: %s must be positive, got %d", l.name, l.v))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s := &Server{
		cfg:     cfg,
		st:      newState(cfg.level),
		servers: map[*http.Server]struct{}{},
	}
	s.assocs = s.st.assocs
	if cfg.logFile != "" {
		l, err := openLog(cfg.logFile, cfg.fsync, cfg.logger, s.st.apply)
		if err != nil {
			return nil, err
		}
		s.log = l
		s.store = fileStore{l}
	}
	if cfg.kafka != nil {
		if s.store != nil {
			return nil, errors.New("server: LogFile and KafkaStore exclude each other")
		}
		ks, err := openKafkaStore(s)
		if err != nil {
			return nil, err
		}
		s.store = ks
		s.kafka = ks
	}
	s.handler = s.routes()
	if s.kafka != nil {
		s.handler = s.kafka.route(s.handler)
	}
	return s, nil
}

// Handler returns the HTTP handler that serves the registry's REST API.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve accepts connections on l until Close. It returns ErrClosed after
// Close, or the error that stopped it.
func (s *Server) Serve(l net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.readHeader,
		ReadTimeout:       s.cfg.read,
		WriteTimeout:      s.cfg.write,
		IdleTimeout:       s.cfg.idle,
		MaxHeaderBytes:    s.cfg.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.logger.Handler(), slog.LevelWarn),
	}
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		l.Close()
		return ErrClosed
	}
	s.servers[hs] = struct{}{}
	s.closeMu.Unlock()
	err := hs.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return ErrClosed
	}
	return err
}

// Close stops every Serve, closes open connections and closes the log
// file. Requests that are mid-write finish their append first. Close is
// idempotent.
func (s *Server) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	servers := s.servers
	s.servers = nil
	s.closeMu.Unlock()

	var errs []error
	for hs := range servers {
		if err := hs.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.mu.Lock()
	var err error
	if s.store != nil {
		err = s.store.close()
	}
	s.log = nil
	s.closedStore()
	s.mu.Unlock()
	if err != nil {
		errs = append(errs, fmt.Errorf("server: close store: %w", err))
	}
	return errors.Join(errs...)
}

// closedStore marks the store closed: later writes fail with a store
// error instead of being lost silently. Caller holds mu.
func (s *Server) closedStore() { s.st.closed = true }

// commit appends ev to the log and applies it. Caller holds mu for writing.
func (s *Server) commit(ev *event) *apiError {
	if s.st.closed {
		return errStore(ErrClosed)
	}
	if ev.Op == opRegister {
		s.serializedCache.Delete(sid{contextOf(ev.Subject), ev.ID})
	}
	if s.store != nil {
		if err := s.store.append(ev, s.st); err != nil {
			s.cfg.logger.Error("server: log append failed", "op", ev.Op, "subject", ev.Subject, "err", err)
			return errStore(err)
		}
	}
	if err := s.st.apply(ev); err != nil {
		// The live path validates first; reaching here is a bug.
		s.cfg.logger.Error("server: apply failed", "op", ev.Op, "subject", ev.Subject, "err", err)
		return errStore(err)
	}
	return nil
}

// lockSubject serializes registrations in one subject.
func (s *Server) lockSubject(subject string) func() {
	h := fnv.New32a()
	h.Write([]byte(subject))
	m := &s.subjLocks[h.Sum32()%uint32(len(s.subjLocks))]
	m.Lock()
	return m.Unlock
}

// newGUID returns a random (version 4) UUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

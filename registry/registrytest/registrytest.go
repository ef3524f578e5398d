package registrytest

import (
	"errors"
	"net"
	"testing"

	"github.com/schemagen/schemagen/registry/server"
)

// Server is a running registry.
type Server struct {
	srv *server.Server
	url string
}

// New starts a registry with opts on 127.0.0.1 at a free port. It fails
// the test if the server cannot start, and closes it in t.Cleanup.
func New(t testing.TB, opts ...server.Opt) *Server {
	t.Helper()
	srv, err := server.New(opts...)
	if err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatalf("registrytest: listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("registrytest: close: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, server.ErrClosed) {
			t.Errorf("registrytest: serve: %v", err)
		}
	})
	return &Server{srv: srv, url: "http://" + l.Addr().String()}
}

// URL is the registry's base URL, like http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Server returns the running server.
func (s *Server) Server() *server.Server { return s.srv }

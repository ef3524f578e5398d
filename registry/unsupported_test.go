package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// apicurioLike answers as Apicurio 3.0.9's ccompat API does where it lacks
// Confluent's endpoints (curl against it, docs/REGISTRIES.md): GET /mode is
// a bare 404, /mode/{subject} and /subjects/{s}/metadata are 204 with no
// body.
func apicurioLike(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		switch {
		case r.URL.Path == "/mode":
			w.WriteHeader(http.StatusNotFound)
		case r.URL.Path == "/mode/s-value", r.URL.Path == "/subjects/s-value/metadata":
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/subjects/s-value/versions":
			fmt.Fprint(w, `[1]`)
		case r.URL.Path == "/subjects/s-value/versions/1":
			fmt.Fprint(w, `{"subject":"s-value","version":1,"id":1,"schema":"\"string\""}`)
		case r.URL.Path == "/mode/ok-value":
			fmt.Fprint(w, `{"mode":"READONLY"}`)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestModeUnsupported(t *testing.T) {
	ctx := context.Background()
	srv, _ := apicurioLike(t)
	cl, err := New(URLs(srv.URL), Retries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Mode(ctx, ""); !errors.Is(err, ErrUnsupported) {
		t.Errorf("global mode: %v, want ErrUnsupported", err)
	}
	if _, err := cl.Mode(ctx, "s-value"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("subject mode: %v, want ErrUnsupported", err)
	}
	if err := cl.SetMode(ctx, "s-value", "READONLY"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("set subject mode: %v, want ErrUnsupported", err)
	}
	if err := cl.SetMode(ctx, "", "READONLY"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("set global mode: %v, want ErrUnsupported", err)
	}
	// Control: a registry with modes answers.
	if m, err := cl.Mode(ctx, "ok-value"); err != nil || m != "READONLY" {
		t.Errorf("mode of a registry with modes: %q, %v", m, err)
	}
}

// A 204 from the metadata endpoint is no endpoint: the client matches the
// versions' metadata itself, and asks the endpoint only once.
func TestLatestWithMetadataNoContent(t *testing.T) {
	ctx := context.Background()
	srv, n := apicurioLike(t)
	cl, err := New(URLs(srv.URL), Retries(0), CacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := cl.LatestWithMetadata(ctx, "s-value", map[string]string{"k": "v"}); !errors.Is(err, ErrNoMatch) {
			t.Fatalf("%v, want ErrNoMatch (the version has no metadata)", err)
		}
	}
	// 1 metadata request, then versions and version 1 twice.
	if got := n.Load(); got != 5 {
		t.Fatalf("%d requests, want 5", got)
	}
}

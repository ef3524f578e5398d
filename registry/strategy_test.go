package registry

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/schemagen/schemagen/serde"
)

func TestAssociatedName(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		role    serde.Role
		cluster string
		want    string
		wantErr error
	}{
		{name: "404 falls back to the topic name", status: 404, body: `{"error_code":40401,"message":"not found"}`, role: serde.Value, want: "orders-value"},
		{name: "bare 404 (no associations api)", status: 404, role: serde.Key, want: "orders-key"},
		{name: "empty list falls back", status: 200, body: `[]`, role: serde.Value, want: "orders-value"},
		{name: "associated subject", status: 200, role: serde.Value, cluster: "lkc-1", want: "shop.orders.v2",
			body: `[{"subject":"shop.orders.v2","guid":"g","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"r","resourceType":"topic","associationType":"value","lifecycle":"STRONG","frozen":false}]`},
		{name: "associated key subject", status: 200, role: serde.Key, want: "orders-k",
			body: `[{"subject":"orders-k","resourceName":"orders","resourceType":"topic","associationType":"key"}]`},
		{name: "500 fails", status: 500, body: `{"error_code":50001,"message":"store"}`, role: serde.Value, wantErr: ErrStore},
		{name: "401 fails", status: 401, body: `{"error_code":401,"message":"no"}`, role: serde.Value, wantErr: ErrUnauthorized},
		{name: "two associations fail", status: 200, role: serde.Value, wantErr: ErrInvalidSubject,
			body: `[{"subject":"a"},{"subject":"b"}]`},
		{name: "association without subject fails", status: 200, role: serde.Value, wantErr: ErrMalformedResponse, body: `[{"subject":""}]`},
		{name: "not json fails", status: 200, role: serde.Value, wantErr: ErrMalformedResponse, body: `<html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			var mu sync.Mutex
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				mu.Lock()
				got = append(got, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
				mu.Unlock()
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			cl, err := New(URLs(srv.URL), Retries(0), Breaker(0, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			strat := AssociatedName(cl, tt.cluster)
			for range 3 {
				s, err := strat("orders", tt.role, "shop.Order")
				if tt.wantErr != nil {
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("subject %q, error %v; want %v", s, err, tt.wantErr)
					}
					continue
				}
				if err != nil || s != tt.want {
					t.Fatalf("subject %q (%v), want %q", s, err, tt.want)
				}
			}
			ns := tt.cluster
			if ns == "" {
				ns = "-"
			}
			want := "/associations/resources/" + ns + "/orders?associationType=" + tt.role.String() + "&resourceType=topic"
			if got[0] != want {
				t.Errorf("request %s, want %s", got[0], want)
			}
			// Answers are cached; failures are asked again.
			wantN := int64(1)
			if tt.wantErr != nil {
				wantN = 3
			}
			if n.Load() != wantN {
				t.Errorf("3 calls sent %d requests, want %d", n.Load(), wantN)
			}
		})
	}
	if _, err := AssociatedName(nil, "")("", serde.Value, ""); !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("empty topic: %v", err)
	}
}

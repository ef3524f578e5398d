package registry

import "net/http"

// limitConns returns the transport the client sends through: rt with at
// most n connections per host when limit is set (the default transport, or
// an HTTPClient's transport with MaxConnsPerHost given), rt unchanged
// otherwise. An *http.Transport given is cloned, never modified.
func limitConns(rt http.RoundTripper, n int, limit bool) http.RoundTripper {
	var tr *http.Transport
	switch t := rt.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		if !limit {
			return rt
		}
		tr = t.Clone()
	default:
		return rt
	}
	if limit {
		tr.MaxConnsPerHost = n
		tr.MaxIdleConnsPerHost = n
	}
	return tr
}

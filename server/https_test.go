package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/signposthq/signpost/server"
)

func TestHTTPSRedirect(t *testing.T) {
	for _, c := range []struct {
		port, host, target string
		status             int
		location           string
	}{
		{"443", "example.com", "/a/b?x=1&y=%20", 308, "https://example.com/a/b?x=1&y=%20"},
		{"443", "example.com:80", "/", 308, "https://example.com/"},
		{"8443", "example.com:8080", "/p", 308, "https://example.com:8443/p"},
		{"443", "[2001:db8::1]:80", "/p", 308, "https://[2001:db8::1]/p"},
		{"8443", "[2001:db8::1]", "/p", 308, "https://[2001:db8::1]:8443/p"},
		{"443", "", "/p", 400, ""},
	} {
		r := httptest.NewRequest("GET", "http://placeholder"+c.target, nil)
		r.Host = c.host
		w := httptest.NewRecorder()
		server.HTTPSRedirect(c.port).ServeHTTP(w, r)
		if w.Code != c.status || w.Header().Get("Location") != c.location {
			t.Errorf("port %s, Host %q, %s: %d %q, want %d %q", c.port, c.host, c.target, w.Code, w.Header().Get("Location"), c.status, c.location)
		}
	}
	// A POST is redirected as it is, for the browser to send again.
	r := httptest.NewRequest("POST", "http://example.com/form", nil)
	w := httptest.NewRecorder()
	server.HTTPSRedirect("443").ServeHTTP(w, r)
	if w.Code != http.StatusPermanentRedirect || w.Header().Get("Location") != "https://example.com/form" {
		t.Errorf("POST: %d %q", w.Code, w.Header().Get("Location"))
	}
}

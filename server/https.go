package server

import (
	"net"
	"net/http"
	"strings"
)

// HTTPSRedirect answers every request with a permanent redirect (308, so
// that a form is sent again as it was) to the same host, path and query
// over HTTPS, on httpsPort ("443" is left out of the URL). It is what a
// server on port 80 does for one that serves HTTPS: browsers then take
// the Strict-Transport-Security the HTTPS answers carry, and go there
// directly from then on.
func HTTPSRedirect(httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if host == "" {
			http.Error(w, "400 bad request: no Host to redirect to\n", http.StatusBadRequest)
			return
		}
		if httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}

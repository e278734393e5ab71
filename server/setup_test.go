package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
	"github.com/signposthq/signpost/site"
)

// writeTree writes files (name -> content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compile compiles a rules file's text, failing the test on errors.
func compile(t testing.TB, text string) *signpost.Compiled {
	t.Helper()
	c := signpost.Compile("redirects.json", []byte(text), engine.Options{})
	if c.Table == nil {
		t.Fatalf("rules do not compile:\n%v", c.Diagnostics.Err())
	}
	return c
}

// newSite serves files from a fresh directory with rules (may be "")
// through a real HTTP server.
func newSite(t *testing.T, files map[string]string, rules string, mod func(*server.Config)) (*httptest.Server, *server.Handler) {
	t.Helper()
	h := newHandler(t, files, rules, mod)
	return startServer(t, h), h
}

// newHandler returns a Handler for files in a fresh directory with rules
// (may be ""), with the settings signpost serve has by default.
func newHandler(t testing.TB, files map[string]string, rules string, mod func(*server.Config)) *server.Handler {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	fsys, root, err := site.Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	cfg := server.Config{Site: fsys, HSTS: server.DefaultHSTS, HealthPath: "/healthz"}
	if mod != nil {
		mod(&cfg)
	}
	h := server.New(cfg)
	if rules != "" {
		h.SetRules(compile(t, rules), "redirects.json", "test")
	}
	return h
}

// newServer serves a Handler for cfg over real HTTP.
func newServer(t *testing.T, cfg server.Config) *httptest.Server {
	t.Helper()
	return startServer(t, server.New(cfg))
}

// startServer serves h over real HTTP as signpost serve does: through
// the fast lane, with net/http behind it (package fastlane's own tests
// check that the two answer alike).
func startServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config = server.NewHTTPServer(h, nil)
	fs := fastlane.New(ts.Config)
	ts.URL = "http://" + ts.Listener.Addr().String()
	done := make(chan error, 1)
	go func() { done <- fs.Serve(ts.Listener) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := fs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		// ts.Close, when called first, closes the listener under Serve.
		if err := <-done; err != http.ErrServerClosed && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return ts
}

// client follows no redirects and never asks for compression by itself.
var client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64},
	Timeout:       10 * time.Second,
}

type reply struct {
	status int
	header http.Header
	body   string
}

// startPlainServer serves h over real HTTP through net/http alone, as
// signpost serve --fast-lane=false does.
func startPlainServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config = server.NewHTTPServer(h, nil)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// do sends a request with the given headers ("Name: value" pairs).
func do(t *testing.T, method, url string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if strings.EqualFold(k, "host") {
			req.Host = strings.TrimSpace(v)
			continue
		}
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(body)}
}

func get(t *testing.T, url string, headers ...string) reply {
	t.Helper()
	return do(t, http.MethodGet, url, headers...)
}

// rawGet sends target exactly as given on the request line, bypassing
// every client-side cleaning of the path.
func rawGet(t *testing.T, ts *httptest.Server, target string) reply {
	t.Helper()
	return rawGetHost(t, ts, "example.com", target)
}

// rawGetHost is rawGet with the given Host header.
func rawGetHost(t *testing.T, ts *httptest.Server, host, target string) reply {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(body)}
}

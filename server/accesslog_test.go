package server_test

import (
	"encoding/json"
	"log/slog"
	"maps"
	"strings"
	"testing"

	"github.com/signposthq/signpost/internal/syncbuf"
	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
)

// records returns the JSON records logged into b since the last call.
func records(t *testing.T, b *syncbuf.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.Take()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// TestAccessLogBothLanes: a request the fast lane answers itself (a
// redirect, a 404) logs the same record as net/http answering it through
// ServeHTTP, field for field but the time it took and the client's port.
func TestAccessLogBothLanes(t *testing.T) {
	files := map[string]string{"index.html": "home", "404.html": "<h1>not here</h1>", "docs/a.html": "a"}
	rules := `{"/old": {"to": "/new"}, "/blog/*": {"to": "/news/:splat"}, "/x": {"to": "https://example.com/y?z=1"}}`
	var fastLog, plainLog syncbuf.Buffer
	withLog := func(b *syncbuf.Buffer) func(*server.Config) {
		return func(c *server.Config) { c.AccessLog = slog.New(slog.NewJSONHandler(b, nil)) }
	}
	fh := newHandler(t, files, rules, withLog(&fastLog))
	fast := startServer(t, fh)
	plain := startPlainServer(t, newHandler(t, files, rules, withLog(&plainLog)))
	requests := []struct {
		path    string
		headers []string
	}{
		{"/old", []string{"User-Agent: test-agent/1.0"}},
		{"/old?utm_source=mail&x=%20y", []string{"user-agent: lower case name"}},
		{"/blog/2019/hello%20world", nil},
		{"/x?a=b", []string{"User-Agent: first"}},
		{"/missing", []string{"User-Agent: crawler"}},
		{"/missing/deeper?q=1", nil},
		{"/docs/a.html", []string{"User-Agent: reader"}},
	}
	for _, req := range requests {
		headers := append([]string{"Host: www.example.com"}, req.headers...) // the same for both servers
		f := get(t, fast.URL+req.path, headers...)
		p := get(t, plain.URL+req.path, headers...)
		if f.status != p.status {
			t.Fatalf("GET %s: %d through the fast lane, %d from net/http", req.path, f.status, p.status)
		}
		fr, pr := records(t, &fastLog), records(t, &plainLog)
		if len(fr) != 1 || len(pr) != 1 {
			t.Fatalf("GET %s: %d records through the fast lane, %d from net/http; want 1 each", req.path, len(fr), len(pr))
		}
		for _, r := range []map[string]any{fr[0], pr[0]} {
			if remote, _ := r["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
				t.Errorf("GET %s: remote %q, want the client's 127.0.0.1:port", req.path, remote)
			}
			if _, ok := r["duration"].(float64); !ok {
				t.Errorf("GET %s: no duration in %v", req.path, r)
			}
			for _, k := range []string{"time", "duration", "remote"} {
				delete(r, k)
			}
		}
		if !maps.Equal(fr[0], pr[0]) {
			t.Errorf("GET %s:\nfast lane logs %v\nnet/http logs  %v", req.path, fr[0], pr[0])
		}
		if fr[0]["status"] != float64(f.status) || fr[0]["path"] == "" {
			t.Errorf("GET %s: record %v for a %d", req.path, fr[0], f.status)
		}
	}
	// The fast lane answers these itself, log on: ServeHTTP is not asked.
	for _, path := range []string{"/old", "/missing"} {
		var a fastlane.Answer
		if !fh.ServeFast(&fastlane.Request{Host: "www.example.com", Path: path}, &a) {
			t.Errorf("ServeFast declined %s with the access log on", path)
		}
		if r := records(t, &fastLog); len(r) != 1 || r[0]["path"] != path {
			t.Errorf("ServeFast %s logged %v, want one record of it", path, r)
		}
	}
}

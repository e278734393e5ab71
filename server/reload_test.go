package server_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signposthq/signpost/internal/syncbuf"
	"github.com/signposthq/signpost/server"
)

// watched starts a server whose rules come from a file polled by a
// Reloader with its default interval.
func watched(t *testing.T, rules string) (ts *httptest.Server, path string, h *server.Handler, logs *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "redirects.json")
	if err := os.WriteFile(path, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	logs = &syncbuf.Buffer{}
	h = server.New(server.Config{Log: slog.New(slog.NewTextHandler(logs, nil))})
	rl := &server.Reloader{Handler: h, Source: &server.FileSource{Path: path}}
	if _, err := rl.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rl.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	ts = startServer(t, h)
	return ts, path, h, logs
}

// renameOver saves data the way editors do: a temporary file renamed over
// the original.
func renameOver(t *testing.T, path, data string) {
	t.Helper()
	tmp := path + ".tmp~"
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// within waits up to d for GET path to redirect to location.
func within(t *testing.T, d time.Duration, url, location string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		r := get(t, url)
		if r.header.Get("Location") == location {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, GET %s still answers %d %q; want Location %q", d, url, r.status, r.header.Get("Location"), location)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReload(t *testing.T) {
	ts, path, h, logs := watched(t, `{"/x": {"to": "/one"}}`)
	within(t, 0, ts.URL+"/x", "/one")

	// Written in place.
	if err := os.WriteFile(path, []byte(`{"/x": {"to": "/two"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, ts.URL+"/x", "/two")

	// Saved through a temporary file renamed over it.
	renameOver(t, path, `{"/x": {"to": "/three"}}`)
	within(t, time.Second, ts.URL+"/x", "/three")

	// A broken file is reported and the last good rules keep serving.
	renameOver(t, path, `{"/x": {"to": "/four", "statuscode": 302},}`)
	time.Sleep(time.Second)
	within(t, 0, ts.URL+"/x", "/three")
	if !strings.Contains(logs.String(), "still serving the previous rules") || !strings.Contains(logs.String(), "statuscode") {
		t.Errorf("the broken file's errors were not logged:\n%s", logs)
	}
	var m bytes.Buffer
	h.Metrics().WriteTo(&m)
	if !strings.Contains(m.String(), `signpost_reloads_total{result="error"} 1`) {
		t.Errorf("failed reload not counted:\n%s", m.String())
	}

	// The file disappearing (between an editor's delete and rename) is not
	// the end of the rules either.
	os.Remove(path)
	time.Sleep(400 * time.Millisecond)
	within(t, 0, ts.URL+"/x", "/three")

	// Fixed again.
	renameOver(t, path, `{"/x": {"to": "/five"}}`)
	within(t, time.Second, ts.URL+"/x", "/five")
}

// Under concurrent requests, the rules are swapped many times; no request
// fails and none gets an answer mixing two versions.
func TestReloadUnderLoad(t *testing.T) {
	version := func(n int) string {
		// /c passes through /d: the status comes from /c and the target
		// from /d, so a mix of versions would show as a status of one
		// version with the target of the other.
		return fmt.Sprintf(`{"/c": {"to": "/d", "statusCode": %d}, "/d": {"to": "/v%d/end"}, "/x": {"to": "/v%d/x"}}`,
			[]int{301, 307}[n%2], n%2, n%2)
	}
	ts, path, _, _ := watched(t, version(0))
	valid := map[string]bool{"301 /v0/end": true, "307 /v1/end": true, "301 /v0/x": true, "301 /v1/x": true}

	ctx, stop := context.WithCancel(context.Background())
	var requests, failures atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	for w := range 8 {
		wg.Go(func() {
			paths := []string{"/c", "/x", "/c?q=1"}
			for i := 0; ctx.Err() == nil; i++ {
				p := paths[(i+w)%len(paths)]
				resp, err := client.Get(ts.URL + p)
				if err != nil {
					failures.Add(1)
					continue
				}
				resp.Body.Close()
				requests.Add(1)
				loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
				if got := fmt.Sprintf("%d %s", resp.StatusCode, loc); !valid[got] {
					mu.Lock()
					bad = append(bad, p+": "+got)
					mu.Unlock()
				}
			}
		})
	}
	for n := 1; n <= 12; n++ {
		time.Sleep(80 * time.Millisecond)
		if n%2 == 0 {
			renameOver(t, path, version(n))
		} else if err := os.WriteFile(path, []byte(version(n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The last version (12, so v0) is served within a second.
	within(t, time.Second, ts.URL+"/c", "/v0/end")
	stop()
	wg.Wait()
	if failures.Load() > 0 || len(bad) > 0 {
		t.Errorf("%d failed requests, %d mixed or wrong answers of %d: %v", failures.Load(), len(bad), requests.Load(), bad[:min(len(bad), 10)])
	}
	if requests.Load() < 100 {
		t.Errorf("only %d requests made", requests.Load())
	}
	t.Logf("%d requests during 12 reloads", requests.Load())
}

func TestMetrics(t *testing.T) {
	ts, h := newSite(t, pages, `{"/jobs": {"to": "https://jobs.example.com/"}, "/say-\"hi\"": {"to": "/docs/", "statusCode": 302}}`,
		func(c *server.Config) { c.MaxNotFoundPaths = 2 })
	for _, p := range []string{"/jobs", "/jobs/", "/say-%22hi%22", "/", "/nope", "/nope", "/also-missing", "/third-missing"} {
		get(t, ts.URL+p)
	}
	mts := httptest.NewServer(h.Metrics().Handler())
	defer mts.Close()
	r := get(t, mts.URL+"/metrics")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`signpost_requests_total{code="200"} 1`,
		`signpost_requests_total{code="301"} 2`,
		`signpost_requests_total{code="302"} 1`,
		`signpost_requests_total{code="404"} 4`,
		`signpost_redirect_hits_total{rule="/jobs",status="301"} 2`,
		`signpost_redirect_hits_total{rule="/say-\"hi\"",status="302"} 1`,
		`signpost_not_found_total{path="/nope"} 2`,
		`signpost_not_found_total{path="/also-missing"} 1`,
		`signpost_not_found_total{path="(other)"} 1`,
		`signpost_request_duration_seconds_count 8`,
		`signpost_rules 2`,
		"# TYPE signpost_redirect_hits_total counter",
	} {
		if !strings.Contains(r.body, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Log(r.body)
	}
	if r := get(t, mts.URL+"/other"); r.status != http.StatusNotFound {
		t.Errorf("GET /other on the metrics server = %d", r.status)
	}
}

func TestHitsCarryOverReload(t *testing.T) {
	ts, h := newSite(t, pages, `{"/a": {"to": "/x"}, "/b": {"to": "/y"}}`, nil)
	get(t, ts.URL+"/a")
	get(t, ts.URL+"/b")
	h.SetRules(compile(t, `{"/b": {"to": "/z"}, "/c": {"to": "/y"}}`), "redirects.json", "2")
	get(t, ts.URL+"/b")
	var m bytes.Buffer
	h.Metrics().WriteTo(&m)
	if !strings.Contains(m.String(), `signpost_redirect_hits_total{rule="/b",status="301"} 2`) || strings.Contains(m.String(), `rule="/a"`) {
		t.Errorf("hits after reload:\n%s", m.String())
	}
}

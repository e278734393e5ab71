package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/signposthq/signpost/server"
)

const exampleRules = `{
  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
  "/docs/old": { "to": "/docs/guide.html", "statusCode": 308 },
  "/docs": { "to": "/manual/", "statusCode": 302 },
  "/blog/*": { "to": "/news/:splat" },
  "/campaign": { "to": "/docs/", "statusCode": 302, "query": "drop" },
  "https://old.example.com/pricing": { "to": "https://example.com/pricing/" },
  "/gone": { "statusCode": 410 },
  // a chain, answered in one hop
  "/a": { "to": "/b" }, "/b": { "to": "/c/" },
}`

func TestRedirects(t *testing.T) {
	ts, _ := newSite(t, pages, exampleRules, nil)
	for _, tc := range []struct {
		path, host, location string
		status               int
	}{
		{"/jobs", "", "https://jobs.example.com/", 301},
		{"/jobs/?ref=home", "", "https://jobs.example.com/?ref=home", 301},
		{"/%6Aobs", "", "https://jobs.example.com/", 301},
		{"/docs/old", "", "/docs/guide.html", 308},
		// A rule wins over the directory redirect the site would make.
		{"/docs", "", "/manual/", 302},
		{"/blog/2019/hello%20world", "", "/news/2019/hello%20world", 301},
		// A chain through /docs, the query dropped by the first rule.
		{"/campaign?utm=x", "", "/manual/", 302},
		{"/pricing", "old.example.com", "https://example.com/pricing/", 301},
		{"/a?x=1", "", "/c/?x=1", 301},
	} {
		var hdrs []string
		if tc.host != "" {
			hdrs = append(hdrs, "Host: "+tc.host)
		}
		r := get(t, ts.URL+tc.path, hdrs...)
		if r.status != tc.status || r.header.Get("Location") != tc.location {
			t.Errorf("GET %s%s = %d %q; want %d %q", tc.host, tc.path, r.status, r.header.Get("Location"), tc.status, tc.location)
		}
		if !strings.Contains(r.body, `href="`+strings.ReplaceAll(tc.location, "&", "&amp;")+`"`) {
			t.Errorf("GET %s: body %q does not link to the target", tc.path, r.body)
		}
	}
	// Redirects apply to every method; HEAD has no body.
	if r := do(t, http.MethodPost, ts.URL+"/docs/old"); r.status != 308 {
		t.Errorf("POST /docs/old = %d", r.status)
	}
	if r := do(t, http.MethodHead, ts.URL+"/jobs"); r.status != 301 || r.body != "" {
		t.Errorf("HEAD /jobs = %d %q", r.status, r.body)
	}
	// Without a matching rule, the host-qualified source does nothing.
	if r := get(t, ts.URL+"/pricing"); r.status != 404 {
		t.Errorf("GET /pricing on another host = %d", r.status)
	}
}

func TestGone(t *testing.T) {
	ts, _ := newSite(t, pages, exampleRules, nil)
	if r := get(t, ts.URL+"/gone"); r.status != 410 || r.body != "410 gone\n" || r.header.Get("Location") != "" {
		t.Errorf("GET /gone = %d %q", r.status, r.body)
	}
	withPage := map[string]string{"410.html": "<h1>this page was removed</h1>"}
	ts, _ = newSite(t, withPage, exampleRules, nil)
	if r := get(t, ts.URL+"/gone"); r.status != 410 || r.body != withPage["410.html"] {
		t.Errorf("GET /gone with 410.html = %d %q", r.status, r.body)
	}
}

func TestHostileRequestsNeverMakeUnsafeLocations(t *testing.T) {
	ts, _ := newSite(t, pages, `{"/x/*": {"to": "/y/:splat"}, "/u/:name": {"to": "/:name/"}}`, nil)
	for _, target := range []string{
		"/x//evil.example", "/x/%2F%2Fevil.example", "/x/%5Cevil.example", "/x/\\evil.example",
		"/x/%0d%0aSet-Cookie:%20a=b", "/u/%2F%2Fevil.example", "/u/%2F%5Cevil.example", "/u/%5C%5Cevil.example", "/u/%0d%0aX:y", "/x/%09/evil",
	} {
		r := rawGet(t, ts, target)
		loc := r.header.Get("Location")
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.ContainsAny(loc, "\r\n\t") || r.header.Get("Set-Cookie") != "" {
			t.Errorf("GET %s: unsafe Location %q", target, loc)
		}
	}
}

func TestHealth(t *testing.T) {
	ts, _ := newSite(t, pages, exampleRules, nil)
	r := get(t, ts.URL+"/healthz")
	var rep struct {
		Status string
		Rules  int
		Source string
	}
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || r.status != 200 {
		t.Fatalf("GET /healthz = %d %q (%v)", r.status, r.body, err)
	}
	if rep.Status != "ok" || rep.Rules != 9 || rep.Source != "redirects.json" {
		t.Errorf("health = %+v", rep)
	}
	off, _ := newSite(t, map[string]string{"healthz": "a page"}, "", func(c *server.Config) { c.HealthPath = "" })
	if r := get(t, off.URL+"/healthz"); r.body != "a page" {
		t.Errorf("health path off: %d %q", r.status, r.body)
	}
}

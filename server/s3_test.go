package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/s3test"
	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
	"github.com/signposthq/signpost/site"
)

func newS3Client(ctx context.Context) (*s3test.Client, error) { return site.NewS3Client(ctx) }

// A site and its rules in S3, served over HTTP: the rules object is polled
// by ETag and reloaded.
func TestS3Site(t *testing.T) {
	s := s3test.Start(t, newS3Client, "example-site")
	s.Put("example-site", "public/index.html", "<h1>home</h1>", "text/html")
	s.Put("example-site", "public/docs/index.html", "<h1>docs</h1>", "text/html")
	s.Put("example-site", "public/404.html", "<h1>not here</h1>", "text/html")
	s.Put("example-site", "public/data.xyz1", "0123456789", "application/x-custom")
	s.Put("example-site", "redirects.json", `{"/old": {"to": "/docs/"}}`, "application/json")

	h := server.New(server.Config{Site: site.NewS3FS(s.Client, "example-site", "public"), HSTS: server.DefaultHSTS})
	rl := &server.Reloader{Handler: h, Interval: 100 * time.Millisecond,
		Source: &site.Object{Client: s.Client, Bucket: "example-site", Key: "redirects.json"}}
	if _, err := rl.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rl.Run(ctx)
	ts := startServer(t, h)
	defer ts.Close()

	for _, tc := range []struct {
		path, body, location, ctype string
		status                      int
	}{
		{"/", "<h1>home</h1>", "", "text/html; charset=utf-8", 200},
		{"/docs/", "<h1>docs</h1>", "", "text/html; charset=utf-8", 200},
		{"/docs", "", "/docs/", "text/plain; charset=utf-8", 302},
		{"/old", "", "/docs/", "text/html; charset=utf-8", 301},
		{"/missing", "<h1>not here</h1>", "", "text/html; charset=utf-8", 404},
		{"/data.xyz1", "0123456789", "", "application/x-custom", 200},
		{"/.hidden", "<h1>not here</h1>", "", "text/html; charset=utf-8", 404},
	} {
		r := get(t, ts.URL+tc.path)
		if r.status != tc.status || tc.body != "" && r.body != tc.body || r.header.Get("Location") != tc.location || r.header.Get("Content-Type") != tc.ctype {
			t.Errorf("GET %s = %d %q Location %q type %q", tc.path, r.status, r.body, r.header.Get("Location"), r.header.Get("Content-Type"))
		}
	}

	// A page's precompressed copy is served when there is one, and looked
	// for with one call when there is none: a missing copy is not asked
	// about as a directory.
	s.Put("example-site", "public/app.css", "body{}", "text/css")
	s.Put("example-site", "public/app.css.gz", "gzipped", "text/css")
	if r := get(t, ts.URL+"/app.css", "Accept-Encoding: gzip"); r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || r.body != "gzipped" {
		t.Errorf("GET /app.css, gzip accepted: %d %q encoding %q", r.status, r.body, r.header.Get("Content-Encoding"))
	}
	before := len(s.Requests())
	if r := get(t, ts.URL+"/", "Accept-Encoding: br, gzip"); r.status != 200 || r.body != "<h1>home</h1>" {
		t.Errorf("GET /, br and gzip accepted: %d %q", r.status, r.body)
	}
	var lists []string
	for _, req := range s.Requests()[before:] {
		if strings.Contains(req, "index.html.") {
			if !strings.HasPrefix(req, "HEAD ") {
				lists = append(lists, req)
			}
		}
	}
	if len(lists) > 0 {
		t.Errorf("looking for index.html.br and .gz took more than a HeadObject each: %q", lists)
	}

	// The object's ETag is the file's; conditional and range requests work.
	first := get(t, ts.URL+"/data.xyz1")
	if r := get(t, ts.URL+"/data.xyz1", "If-None-Match: "+first.header.Get("ETag")); r.status != 304 {
		t.Errorf("If-None-Match with the S3 ETag %s: %d", first.header.Get("ETag"), r.status)
	}
	if r := get(t, ts.URL+"/data.xyz1", "Range: bytes=3-5"); r.status != 206 || r.body != "345" {
		t.Errorf("Range: %d %q", r.status, r.body)
	}

	// A new rules object is served within a second.
	s.Put("example-site", "redirects.json", `{"/old": {"to": "/"}}`, "application/json")
	within(t, time.Second, ts.URL+"/old", "/")

	// An invalid one is not.
	s.Put("example-site", "redirects.json", `{"/old": {"to": "/broken"`, "application/json")
	time.Sleep(500 * time.Millisecond)
	within(t, 0, ts.URL+"/old", "/")
}

// The fast lane leaves the pages of a site in S3 to ServeHTTP, whose
// calls carry the request's context (and end when its client goes away):
// ServeFast makes no S3 call for them, and still answers a redirect.
func TestS3SiteLeftToServeHTTP(t *testing.T) {
	s := s3test.Start(t, newS3Client, "example-site")
	s.Put("example-site", "public/index.html", "<h1>home</h1>", "text/html")
	h := server.New(server.Config{Site: site.NewS3FS(s.Client, "example-site", "public"), HSTS: server.DefaultHSTS})
	c := signpost.Compile("redirects.json", []byte(`{"/old": {"to": "/"}}`), engine.Options{})
	h.SetRules(c, "redirects.json", "test")
	before := len(s.Requests())
	for _, path := range []string{"/", "/missing"} {
		var a fastlane.Answer
		if h.ServeFast(&fastlane.Request{Host: "example.com", Path: path}, &a) || a.Pass != nil {
			t.Errorf("ServeFast took %s (pass %v), a page of a site in S3", path, a.Pass)
		}
	}
	if got := s.Requests()[before:]; len(got) > 0 {
		t.Errorf("ServeFast called S3: %q", got)
	}
	var a fastlane.Answer
	if !h.ServeFast(&fastlane.Request{Host: "example.com", Path: "/old"}, &a) || a.Status != 301 {
		t.Errorf("ServeFast /old: status %d, want the redirect", a.Status)
	}
}

// When S3 fails, pages answer 502 and the rules keep serving.
func TestS3Down(t *testing.T) {
	s := s3test.Start(t, newS3Client, "example-site")
	h := server.New(server.Config{Site: site.NewS3FS(s.Client, "example-site", "")})
	h.SetRules(compile(t, `{"/old": {"to": "/new"}}`), "redirects.json", "1")
	ts := startServer(t, h)
	defer ts.Close()
	s.Close()
	if r := get(t, ts.URL+"/page.html"); r.status != 502 {
		t.Errorf("GET with S3 down = %d %q", r.status, r.body)
	}
	if r := get(t, ts.URL+"/old"); r.status != 301 {
		t.Errorf("redirect with S3 down = %d", r.status)
	}
}

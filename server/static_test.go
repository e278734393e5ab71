package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/site"
)

var pages = map[string]string{
	"index.html":               "<h1>home</h1>",
	"404.html":                 "<h1>custom not found</h1>",
	"docs/index.html":          "<h1>docs</h1>",
	"docs/guide.html":          "<h1>guide</h1>",
	"empty/readme.txt":         "no index here",
	"style.css":                "body{}",
	"app.js":                   "console.log(1)",
	"data.json":                `{"a":1}`,
	"logo.svg":                 "<svg/>",
	"image.png":                "\x89PNG\r\n\x1a\n",
	"font.woff2":               "wOF2",
	"noext":                    "<html><body>sniffed</body></html>",
	"big.html":                 strings.Repeat("<p>compress me</p>\n", 400),
	"pre.html":                 strings.Repeat("<p>identity</p>\n", 200),
	"pre.html.br":              "brotli bytes",
	"pre.html.gz":              "gzip bytes",
	"range.txt":                "0123456789abcdefghij",
	".env":                     "SECRET=1",
	".git/config":              "[core]",
	"docs/.hidden/page.html":   "hidden",
	".well-known/security.txt": "Contact: mailto:security@example.com",
	"docs/.well-known/x.txt":   "hidden",
}

func TestStaticPages(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)
	for _, tc := range []struct {
		path, body, location string
		status               int
	}{
		{"/", "<h1>home</h1>", "", 200},
		{"/index.html", "<h1>home</h1>", "", 200},
		{"/docs/", "<h1>docs</h1>", "", 200},
		{"/docs", "", "/docs/", 302},
		{"/docs?x=1&y=2", "", "/docs/?x=1&y=2", 302},
		{"/docs/guide.html", "<h1>guide</h1>", "", 200},
		{"/docs/guide.html/", "<h1>custom not found</h1>", "", 404},
		{"/empty", "<h1>custom not found</h1>", "", 404},
		{"/empty/", "<h1>custom not found</h1>", "", 404},
		{"/missing", "<h1>custom not found</h1>", "", 404},
		{"/.well-known/security.txt", "Contact: mailto:security@example.com", "", 200},
		{"/docs/.well-known/x.txt", "<h1>custom not found</h1>", "", 404},
	} {
		r := get(t, ts.URL+tc.path)
		if r.status != tc.status || tc.body != "" && r.body != tc.body || r.header.Get("Location") != tc.location {
			t.Errorf("GET %s = %d %q Location %q; want %d %q Location %q", tc.path, r.status, r.body, r.header.Get("Location"), tc.status, tc.body, tc.location)
		}
	}
}

func TestNotFoundWithoutPage(t *testing.T) {
	ts, _ := newSite(t, map[string]string{"index.html": "home"}, "", nil)
	r := get(t, ts.URL+"/missing")
	if r.status != 404 || r.body != "404 not found\n" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("GET /missing = %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
}

func TestContentTypes(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)
	for path, want := range map[string]string{
		"/style.css":  "text/css; charset=utf-8",
		"/app.js":     "text/javascript; charset=utf-8",
		"/data.json":  "application/json",
		"/logo.svg":   "image/svg+xml",
		"/image.png":  "image/png",
		"/font.woff2": "font/woff2",
		"/docs/":      "text/html; charset=utf-8",
		"/noext":      "text/html; charset=utf-8",
		"/range.txt":  "text/plain; charset=utf-8",
	} {
		if got := get(t, ts.URL+path).header.Get("Content-Type"); got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", path, got, want)
		}
	}
}

func TestHeadAndMethods(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)
	r := do(t, http.MethodHead, ts.URL+"/docs/guide.html")
	if r.status != 200 || r.body != "" || r.header.Get("Content-Length") != "14" {
		t.Errorf("HEAD = %d %q Content-Length %q", r.status, r.body, r.header.Get("Content-Length"))
	}
	r = do(t, http.MethodHead, ts.URL+"/missing")
	if r.status != 404 || r.body != "" {
		t.Errorf("HEAD /missing = %d %q", r.status, r.body)
	}
	r = do(t, http.MethodPost, ts.URL+"/docs/guide.html")
	if r.status != 405 || r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d Allow %q", r.status, r.header.Get("Allow"))
	}
}

func TestConditionalRequests(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)
	first := get(t, ts.URL+"/docs/guide.html")
	etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no ETag (%q) or Last-Modified (%q)", etag, lm)
	}
	if r := get(t, ts.URL+"/docs/guide.html", "If-None-Match: "+etag); r.status != 304 || r.body != "" {
		t.Errorf("If-None-Match same: %d %q", r.status, r.body)
	}
	if r := get(t, ts.URL+"/docs/guide.html", `If-None-Match: "other"`); r.status != 200 {
		t.Errorf("If-None-Match other: %d", r.status)
	}
	if r := get(t, ts.URL+"/docs/guide.html", "If-Modified-Since: "+lm); r.status != 304 {
		t.Errorf("If-Modified-Since: %d", r.status)
	}
	old := time.Unix(0, 0).UTC().Format(http.TimeFormat)
	if r := get(t, ts.URL+"/docs/guide.html", "If-Modified-Since: "+old); r.status != 200 {
		t.Errorf("If-Modified-Since 1970: %d", r.status)
	}
	if r := get(t, ts.URL+"/docs/guide.html", `If-Match: "other"`); r.status != 412 {
		t.Errorf("If-Match other: %d", r.status)
	}
	if r := get(t, ts.URL+"/docs/guide.html", "If-None-Match: "+etag); r.header.Get("Strict-Transport-Security") == "" {
		t.Errorf("304 without HSTS")
	}
}

func TestRange(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)
	r := get(t, ts.URL+"/range.txt", "Range: bytes=2-5")
	if r.status != 206 || r.body != "2345" || r.header.Get("Content-Range") != "bytes 2-5/20" {
		t.Errorf("Range 2-5 = %d %q %q", r.status, r.body, r.header.Get("Content-Range"))
	}
	r = get(t, ts.URL+"/range.txt", "Range: bytes=-3")
	if r.status != 206 || r.body != "hij" {
		t.Errorf("Range -3 = %d %q", r.status, r.body)
	}
	if r = get(t, ts.URL+"/range.txt", "Range: bytes=50-60"); r.status != 416 {
		t.Errorf("Range beyond the end = %d", r.status)
	}
	// A big text file asked for in part is served in part, not gzipped.
	r = get(t, ts.URL+"/big.html", "Range: bytes=0-2", "Accept-Encoding: gzip")
	if r.status != 206 || r.body != "<p>" || r.header.Get("Content-Encoding") != "" {
		t.Errorf("Range on gzippable = %d %q %q", r.status, r.body, r.header.Get("Content-Encoding"))
	}
}

func TestCompression(t *testing.T) {
	ts, _ := newSite(t, pages, "", nil)

	// Precompressed siblings, brotli preferred.
	for _, tc := range []struct{ accept, encoding, body string }{
		{"gzip, deflate, br", "br", "brotli bytes"},
		{"gzip", "gzip", "gzip bytes"},
		{"br;q=0, gzip", "gzip", "gzip bytes"},
		{"*", "br", "brotli bytes"},
		{"identity", "", strings.Repeat("<p>identity</p>\n", 200)},
		{"", "", strings.Repeat("<p>identity</p>\n", 200)},
	} {
		r := get(t, ts.URL+"/pre.html", "Accept-Encoding: "+tc.accept)
		if r.status != 200 || r.header.Get("Content-Encoding") != tc.encoding || r.body != tc.body {
			t.Errorf("Accept-Encoding %q: %d %q %.20q", tc.accept, r.status, r.header.Get("Content-Encoding"), r.body)
		}
		if r.header.Get("Vary") != "Accept-Encoding" || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("Accept-Encoding %q: Vary %q Content-Type %q", tc.accept, r.header.Get("Vary"), r.header.Get("Content-Type"))
		}
	}

	// On the fly: a big text file is gzipped, with its own ETag.
	plain := get(t, ts.URL+"/big.html")
	r := get(t, ts.URL+"/big.html", "Accept-Encoding: gzip")
	if r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("big.html not gzipped: %v", r.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != pages["big.html"] || len(r.body) >= len(pages["big.html"]) {
		t.Errorf("gzipped body does not round-trip or does not shrink (%d bytes)", len(r.body))
	}
	if r.header.Get("ETag") == plain.header.Get("ETag") {
		t.Errorf("gzip and identity share ETag %s", r.header.Get("ETag"))
	}
	if r2 := get(t, ts.URL+"/big.html", "Accept-Encoding: gzip", "If-None-Match: "+r.header.Get("ETag")); r2.status != 304 || r2.body != "" {
		t.Errorf("304 for gzip ETag: %d %q", r2.status, r2.body)
	}
	if r2 := do(t, http.MethodHead, ts.URL+"/big.html", "Accept-Encoding: gzip"); r2.status != 200 || r2.body != "" {
		t.Errorf("HEAD gzip: %d %q", r2.status, r2.body)
	}

	// Small files and images are sent as they are.
	for _, p := range []string{"/docs/guide.html", "/image.png"} {
		if r := get(t, ts.URL+p, "Accept-Encoding: gzip"); r.header.Get("Content-Encoding") != "" {
			t.Errorf("%s compressed", p)
		}
	}
}

func TestHeadersOnEveryResponse(t *testing.T) {
	extra := http.Header{"X-Frame-Options": {"DENY"}, "X-Content-Type-Options": {"nosniff"}}
	ts, _ := newSite(t, pages, `{"/old": {"to": "/docs/"}, "/gone": {"statusCode": 410}}`,
		func(c *server.Config) { c.Headers = extra })
	for _, p := range []string{"/", "/docs", "/missing", "/old", "/gone", "/healthz", "/.env"} {
		r := get(t, ts.URL+p)
		if got := r.header.Get("Strict-Transport-Security"); got != "max-age=63072000" {
			t.Errorf("GET %s (%d): HSTS %q", p, r.status, got)
		}
		if r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: no X-Frame-Options", p)
		}
	}
	off, _ := newSite(t, pages, "", func(c *server.Config) { c.HSTS = "" })
	if r := get(t, off.URL+"/"); r.header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS sent when off")
	}
}

func TestTraversalAndHiddenFiles(t *testing.T) {
	parent := t.TempDir()
	secret := "TOP SECRET"
	writeTree(t, parent, map[string]string{"secret.txt": secret, "outside/page.html": secret})
	root := filepath.Join(parent, "site")
	writeTree(t, root, pages)
	for link, target := range map[string]string{
		"escape.txt":      filepath.Join(parent, "secret.txt"),
		"escape-dir":      filepath.Join(parent, "outside"),
		"relative.txt":    "../secret.txt",
		"inside-link.txt": "range.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skip("symbolic links not supported:", err)
		}
	}
	fsys, r, err := site.Dir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ts := newServer(t, server.Config{Site: fsys})

	for _, target := range []string{
		"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
		"/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/docs/../../secret.txt",
		"/docs/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt",
		"/escape.txt", "/escape-dir/page.html", "/relative.txt", "/.env", "/%2eenv", "/.git/config",
		"/.git/", "/docs/.hidden/page.html", "/%00", "/range.txt%00.html", "//secret.txt",
		"/./range.txt", "/docs//guide.html", "http://example.com/../secret.txt",
	} {
		r := rawGet(t, ts, target)
		if strings.Contains(r.body, secret) || strings.Contains(r.body, "SECRET=1") || strings.Contains(r.body, "[core]") || r.body == "hidden" {
			t.Errorf("GET %s leaked a file: %d %q", target, r.status, r.body)
		}
		if r.status != 404 && r.status != 400 {
			t.Errorf("GET %s = %d, want 404 or 400", target, r.status)
		}
	}
	// A link that stays inside the site is followed.
	if r := rawGet(t, ts, "/inside-link.txt"); r.status != 200 || r.body != pages["range.txt"] {
		t.Errorf("link inside the root: %d %q", r.status, r.body)
	}
	// No directory is ever listed.
	if r := rawGet(t, ts, "/empty/"); r.status != 404 || strings.Contains(r.body, "readme.txt") {
		t.Errorf("directory listing: %d %q", r.status, r.body)
	}
}

func TestErrorPageBounded(t *testing.T) {
	ts, _ := newSite(t, map[string]string{"404.html": string(bytes.Repeat([]byte("x"), 2<<20))}, "", nil)
	if r := get(t, ts.URL+"/missing"); r.status != 404 || r.body != "404 not found\n" {
		t.Errorf("oversized 404.html served: %d, %d bytes", r.status, len(r.body))
	}
}

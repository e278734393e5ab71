package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestReadSitemap reads a sitemap index over HTTP, the sitemaps it lists,
// and a plain list of URLs from a file.
func TestReadSitemap(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sitemap-index.xml":
			w.Write([]byte(`<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>` + base + `/a.xml</loc></sitemap><sitemap><loc> ` + base + `/b.xml </loc></sitemap></sitemapindex>`))
		case "/a.xml":
			w.Write([]byte(`<urlset><url><loc>https://example.com/one</loc></url><url><loc>https://example.com/two</loc></url></urlset>`))
		case "/b.xml":
			w.Write([]byte(`<urlset><url><loc>
			  https://example.com/three
			</loc></url></urlset>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	got, err := readSitemap(context.Background(), srv.URL+"/sitemap-index.xml", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://example.com/one", "https://example.com/two", "https://example.com/three"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := readSitemap(context.Background(), srv.URL+"/missing.xml", 5*time.Second); err == nil {
		t.Error("a sitemap that answers 404 gives no error")
	}
	list := filepath.Join(t.TempDir(), "urls.txt")
	if err := os.WriteFile(list, []byte("# old pages\n/one\n\nhttps://example.com/two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = readSitemap(context.Background(), list, time.Second)
	if err != nil || !slices.Equal(got, []string{"/one", "https://example.com/two"}) {
		t.Errorf("got %q, %v", got, err)
	}
}

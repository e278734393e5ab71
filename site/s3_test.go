package site_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/signposthq/signpost/internal/s3test"
	"github.com/signposthq/signpost/site"
)

// newS3Client is what s3test.Start makes its client with: the package's
// own, configured from the endpoint it sets.
func newS3Client(ctx context.Context) (*s3test.Client, error) { return site.NewS3Client(ctx) }

func TestParseS3URL(t *testing.T) {
	for in, want := range map[string][2]string{
		"s3://b":                {"b", ""},
		"s3://b/":               {"b", ""},
		"s3://b/site/":          {"b", "site/"},
		"s3://b/redirects.json": {"b", "redirects.json"},
	} {
		b, k, err := site.ParseS3URL(in)
		if err != nil || b != want[0] || k != want[1] {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", in, b, k, err)
		}
	}
	for _, in := range []string{"s3://", "s3:///key", "https://b/key", "b/key"} {
		if _, _, err := site.ParseS3URL(in); err == nil {
			t.Errorf("ParseS3URL(%q) did not fail", in)
		}
	}
}

func TestS3FS(t *testing.T) {
	s := s3test.Start(t, newS3Client, "site")
	s.Put("site", "www/index.html", "<h1>home</h1>", "text/html")
	s.Put("site", "www/docs/guide.html", "0123456789", "")
	s.Put("site", "other.html", "outside the prefix", "")
	fsys := site.NewS3FS(s.Client, "site", "/www/")

	f, err := fsys.Open("docs/guide.html")
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	etag := fi.(interface{ ETag() string }).ETag()
	if fi.IsDir() || fi.Size() != 10 || fi.ModTime().IsZero() || etag == "" || fi.Name() != "guide.html" {
		t.Errorf("Stat = dir %v size %d time %v etag %q name %q", fi.IsDir(), fi.Size(), fi.ModTime(), etag, fi.Name())
	}
	rs := f.(io.ReadSeeker)
	if _, err := rs.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 3)
	if _, err := io.ReadFull(rs, part); err != nil || string(part) != "456" {
		t.Errorf("read at 4 = %q, %v", part, err)
	}
	rs.Seek(0, io.SeekStart)
	if all, err := io.ReadAll(rs); err != nil || string(all) != "0123456789" {
		t.Errorf("read all = %q, %v", all, err)
	}
	if n, _ := rs.Seek(0, io.SeekEnd); n != 10 {
		t.Errorf("seek end = %d", n)
	}
	f.Close()

	if ct := statOf(t, fsys, "index.html").(interface{ ContentType() string }).ContentType(); ct != "text/html" {
		t.Errorf("stored content type %q", ct)
	}
	for _, dir := range []string{".", "docs"} {
		if fi := statOf(t, fsys, dir); !fi.IsDir() {
			t.Errorf("%s is not a directory", dir)
		}
	}
	for _, name := range []string{"missing.html", "docs/missing", "other.html", "doc"} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v, want not exist", name, err)
		}
	}
	for _, name := range []string{"../other.html", "/index.html", "docs/../index.html", ""} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want invalid", name, err)
		}
	}
}

func statOf(t *testing.T, fsys fs.FS, name string) fs.FileInfo {
	t.Helper()
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestObjectFetch(t *testing.T) {
	s := s3test.Start(t, newS3Client, "rules")
	s.Put("rules", "redirects.json", `{"/a": {"to": "/b"}}`, "application/json")
	o := &site.Object{Client: s.Client, Bucket: "rules", Key: "redirects.json"}
	ctx := context.Background()
	data, v1, err := o.Fetch(ctx, "")
	if err != nil || string(data) != `{"/a": {"to": "/b"}}` || v1 == "" {
		t.Fatalf("first fetch = %q %q %v", data, v1, err)
	}
	if data, v, err := o.Fetch(ctx, v1); data != nil || v != v1 || err != nil {
		t.Errorf("unchanged fetch = %q %q %v", data, v, err)
	}
	s.Put("rules", "redirects.json", `{"/a": {"to": "/c"}}`, "application/json")
	if data, v, err := o.Fetch(ctx, v1); string(data) != `{"/a": {"to": "/c"}}` || v == v1 || err != nil {
		t.Errorf("changed fetch = %q %q %v", data, v, err)
	}
	missing := &site.Object{Client: s.Client, Bucket: "rules", Key: "nope.json"}
	if _, _, err := missing.Fetch(ctx, ""); err == nil {
		t.Errorf("fetch of a missing object did not fail")
	}
}

// AWS_ENDPOINT_URL, the endpoint for every service, works as well as the
// S3 one, with path-style addressing.
func TestGenericEndpoint(t *testing.T) {
	s := s3test.Start(t, newS3Client, "generic-site")
	s.Put("generic-site", "index.html", "home", "")
	t.Setenv("AWS_ENDPOINT_URL", s.URL)
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	os.Unsetenv("AWS_ENDPOINT_URL_S3")
	client, err := site.NewS3Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, err := site.NewS3FS(client, "generic-site", "").Open("index.html")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "home" {
		t.Errorf("read = %q, %v", b, err)
	}
}

// Without s3:ListBucket, S3 answers 403 for a missing object: that reads
// as fs.ErrPermission, which a server answers as not found.
func TestS3Forbidden(t *testing.T) {
	deny := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		if r.Method != http.MethodHead {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
		}
	}))
	defer deny.Close()
	s3test.Start(t, newS3Client)
	t.Setenv("AWS_ENDPOINT_URL_S3", deny.URL)
	client, err := site.NewS3Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = site.NewS3FS(client, "private-site", "").Open("missing.html")
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "403") {
		t.Errorf("Open with 403 = %v, want fs.ErrPermission naming the 403", err)
	}
}

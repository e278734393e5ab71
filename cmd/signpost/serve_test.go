package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/internal/certtest"
	"github.com/signposthq/signpost/internal/s3test"
	"github.com/signposthq/signpost/internal/syncbuf"
	"github.com/signposthq/signpost/site"
)

var serveURL = regexp.MustCompile(`at (https?://localhost:\d+)/`)

// startServe runs "signpost serve args..." in-process and returns the URL
// it printed, and a function that stops it (as SIGINT would, by cancelling
// its context) and returns its exit code and standard error.
func startServe(t *testing.T, args ...string) (string, *syncbuf.Buffer, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncbuf.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv}
	done := make(chan int, 1)
	go func() { done <- run(ctx, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := serveURL.FindStringSubmatch(stdout.String()); m != nil {
			stop := func() (int, string) {
				cancel()
				select {
				case code := <-done:
					return code, stderr.String()
				case <-time.After(15 * time.Second):
					t.Fatal("serve did not stop")
					return 0, ""
				}
			}
			return m[1], &stderr, stop
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before serving:\n%s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
}

// The README's first command, on the example site, answers every case of
// examples/site/cases.json.
func TestServeExampleSite(t *testing.T) {
	base, _, stop := startServe(t, "--rules", "../../examples/site/redirects.json", "../../examples/site/public")
	data, err := os.ReadFile("../../examples/site/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		URL      string `json:"url"`
		Status   int    `json:"status"`
		Location string `json:"location"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range cases {
		target, host := c.URL, ""
		if rest, ok := strings.CutPrefix(target, "https://"); ok {
			host, target, _ = strings.Cut(rest, "/")
			target = "/" + target
		}
		req, _ := http.NewRequest("GET", base+target, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.Status || resp.Header.Get("Location") != c.Location {
			t.Errorf("GET %s = %d %q; want %d %q", c.URL, resp.StatusCode, resp.Header.Get("Location"), c.Status, c.Location)
		}
		if resp.Header.Get("Strict-Transport-Security") != "max-age=63072000" {
			t.Errorf("GET %s: no HSTS", c.URL)
		}
	}
	code, stderr := stop()
	if code != exitOK || !strings.Contains(stderr, "signpost: stopped") {
		t.Errorf("exit %d after cancel; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "msg=request") {
		t.Errorf("no access log on stderr:\n%s", stderr)
	}
}

// Flags may follow the site; metrics have their own listener.
func TestServeFlagsAfterSite(t *testing.T) {
	base, errOut, stop := startServe(t, "../../examples/site/public", "--rules", "../../examples/site/redirects.json",
		"--access-log=false", "--hsts", "off", "--header", "X-Frame-Options: DENY", "--health-path", "/_health",
		"--metrics-addr", "127.0.0.1:0")
	resp, err := http.Get(base + "/_health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") != "" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("GET /_health = %d %v", resp.StatusCode, resp.Header)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noFollow.Get(base + "/jobs"); err == nil {
		resp.Body.Close()
	}
	if m := regexp.MustCompile(`metrics at (\S+)`).FindStringSubmatch(errOut.String()); m == nil {
		t.Errorf("no metrics URL on stderr:\n%s", errOut)
	} else if resp, err := http.Get(m[1]); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `signpost_redirect_hits_total{rule="/jobs",status="301"} 1`) {
			t.Errorf("metrics lack the hit on /jobs:\n%s", b)
		}
	}
	code, stderr := stop()
	if code != exitOK || strings.Contains(stderr, "msg=request") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestServeErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "redirects.json")
	os.WriteFile(broken, []byte(`{"/a": {"to": "/b", "statuscode": 302}}`), 0o644)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, exitUsage, "serve needs one SITE"},
		{[]string{"a", "b"}, exitUsage, "serve needs one SITE"},
		{[]string{"--nope", "x"}, exitUsage, "flag provided but not defined"},
		{[]string{"--log-format", "xml", "x"}, exitUsage, `--log-format "xml"`},
		{[]string{"--header", "no colon", "x"}, exitUsage, "is not NAME: VALUE"},
		{[]string{"--rules", broken, "../../examples/site/public"}, exitProblems, broken + ":1:"},
		{[]string{"--rules", filepath.Join(dir, "missing.json"), "../../examples/site/public"}, exitUsage, "hint: name the rules file"},
		{[]string{"--rules", "../../examples/site/redirects.json", filepath.Join(dir, "nosite")}, exitFailure, "nosite"},
		{[]string{"--rules", "../../examples/site/redirects.json", "--addr", "127.0.0.1:99999", "../../examples/site/public"}, exitFailure, "hint: --addr takes HOST:PORT"},
	} {
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv}
		code := run(context.Background(), env, append([]string{"serve"}, tc.args...))
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("serve %q = %d, stderr:\n%s\nwant %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
	}
}

// A site and its rules both in S3, reached through AWS_ENDPOINT_URL_S3.
func TestServeFromS3(t *testing.T) {
	s := s3test.Start(t, func(ctx context.Context) (*s3test.Client, error) { return site.NewS3Client(ctx) }, "example-site")
	s.Put("example-site", "public/index.html", "<h1>home</h1>", "text/html")
	s.Put("example-site", "redirects.json", `{"/old": {"to": "/"}}`, "application/json")
	base, _, stop := startServe(t, "--rules", "s3://example-site/redirects.json", "s3://example-site/public/")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{"/": "200 ", "/old": "301 /"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := fmt.Sprintf("%d %s", resp.StatusCode, resp.Header.Get("Location")); got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}
	if code, stderr := stop(); code != exitOK {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

// With a certificate, serve speaks HTTPS, HTTP/2 to the clients that ask
// and HTTP/1.1 to the others, with the same redirects and headers; plain
// HTTP on --http-addr is sent to HTTPS.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, cert := certtest.Write(t, t.TempDir(), 90*24*time.Hour)
	base, errOut, stop := startServe(t, "--rules", "../../examples/site/redirects.json", "--tls-cert", certFile, "--tls-key", keyFile,
		"--http-addr", "127.0.0.1:0", "../../examples/site/public")
	if !strings.HasPrefix(base, "https://localhost:") {
		t.Fatalf("serve printed %s, want an https:// URL", base)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: h2}
		client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(base + "/jobs")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		wantProto := map[bool]int{true: 2, false: 1}[h2]
		if resp.StatusCode != 301 || resp.Header.Get("Location") == "" || resp.Header.Get("Strict-Transport-Security") != "max-age=63072000" || resp.ProtoMajor != wantProto {
			t.Errorf("GET /jobs (HTTP/2 asked: %t) = %s %d, Location %q, HSTS %q", h2, resp.Proto, resp.StatusCode,
				resp.Header.Get("Location"), resp.Header.Get("Strict-Transport-Security"))
		}
		tr.CloseIdleConnections()
	}
	m := regexp.MustCompile(`signpost: (http://localhost:\d+)/ redirects to HTTPS`).FindStringSubmatch(errOut.String())
	if m == nil {
		t.Fatalf("no HTTP address on stderr:\n%s", errOut)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(m[1] + "/jobs?utm_source=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := base + "/jobs?utm_source=x"; resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != want {
		t.Errorf("GET %s/jobs = %d %q, want 308 %q", m[1], resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if code, stderr := stop(); code != exitOK || !strings.Contains(stderr, "certificate loaded") {
		t.Errorf("exit %d; stderr:\n%s", code, stderr)
	}
}

// A certificate without its key, or files that are not a pair, stop serve
// before it listens, naming what is wrong.
func TestServeTLSErrors(t *testing.T) {
	certFile, _, _ := certtest.Write(t, t.TempDir(), time.Hour)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--tls-cert", certFile}, exitUsage, "--tls-cert and --tls-key go together"},
		{[]string{"--http-addr", ":0"}, exitUsage, "--http-addr redirects to HTTPS, which needs --tls-cert"},
		{[]string{"--tls-cert", certFile, "--tls-key", certFile}, exitFailure, "TLS certificate " + certFile},
	} {
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv}
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--rules", "../../examples/site/redirects.json"}, c.args...)
		if code := run(context.Background(), env, append(args, "../../examples/site/public")); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q = %d, stderr:\n%s\nwant %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}

package formats

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// exampleCase is an entry of examples/site/cases.json.
type exampleCase struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

func exampleSet(t *testing.T) (*rules.Set, []exampleCase) {
	t.Helper()
	set, ds := rules.Load("../examples/site/redirects.json")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	data, err := os.ReadFile("../examples/site/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []exampleCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return set, cases
}

// freePort finds a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs a server in the background until the test ends and
// waits for its port to accept connections.
func startServer(t *testing.T, port int, logFile string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		out.Close()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
	}
	log, _ := os.ReadFile(logFile)
	t.Fatalf("%s did not start listening on %s:\n%s", name, addr, log)
	return ""
}

// askServer sends a request for rawURL (a path, or a full URL whose host
// goes in the Host header) and returns the status and Location, without
// following redirects.
func askServer(t *testing.T, base, rawURL string) (int, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", base+u.RequestURI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "" {
		req.Host = u.Host
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// checkServer compares a server running exported rules with the example
// site's cases, and with the engine on URLs derived from every rule.
func checkServer(t *testing.T, base string, set *rules.Set, cases []exampleCase) {
	t.Helper()
	for _, c := range cases {
		status, loc := askServer(t, base, c.URL)
		want := c.Status
		if want == 200 {
			want = 299 // the test servers answer pages with 299
		}
		if status != want || loc != c.Location {
			t.Errorf("%s: got %d %q, want %d %q", c.URL, status, loc, want, c.Location)
		}
	}
	tab, ds := engine.Compile(set, engine.Options{})
	if ds.HasErrors() || !tab.Resolve("", "/jobs", "").Match {
		t.Log("the engine does not match rules yet: compared with cases.json only")
		return
	}
	for _, u := range derivedURLs(set) {
		pu, _ := url.Parse(u)
		d := tab.Resolve(pu.Host, pu.EscapedPath(), pu.RawQuery)
		status, loc := askServer(t, base, u)
		if !d.Match {
			if status != 299 {
				t.Errorf("%s: the engine does not redirect it; the server answers %d %q", u, status, loc)
			}
			continue
		}
		if status != d.Status || loc != d.Location {
			t.Errorf("%s: the engine gives %d %q; the server %d %q", u, d.Status, d.Location, status, loc)
		}
	}
}

// derivedURLs are the URLs verify and the export tests ask about for each
// rule: the source with "*" filled with "a/b" and each :name with a value,
// with its trailing slash toggled, and with a query string.
func derivedURLs(set *rules.Set) []string {
	var out []string
	for _, r := range set.Rules {
		src := parseSource(r.Source)
		segs := strings.Split(src.Path, "/")
		for i, s := range segs {
			if isParam(s) {
				segs[i] = "v1"
			}
		}
		p := strings.Join(segs, "/")
		if src.Splat {
			p += "a/b"
		}
		prefix := ""
		if src.Host != "" {
			prefix = "http://" + src.Host
		}
		out = append(out, prefix+p, prefix+toggleSlash(p), prefix+p+"?utm_source=test&x=1")
	}
	return out
}

func TestExportNginxRunsInNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (Debian: apt-get install nginx-light): the exported configuration is not run")
		}
		nginx = "/usr/sbin/nginx"
	}
	set, cases := exampleSet(t)
	conf, probs := ExportNginx(set, ExportOptions{})
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	dir := t.TempDir()
	port := freePort(t)
	if err := os.WriteFile(filepath.Join(dir, "redirects.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen 127.0.0.1:%[2]d;
		absolute_redirect off;
		include %[1]s/redirects.conf;
		location / { return 299 "page"; }
	}
}
`, dir, port)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx rejects the exported configuration: %v\n%s\n%s", err, out, conf)
	}
	base := startServer(t, port, filepath.Join(dir, "out.log"), nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	checkServer(t, base, set, cases)
}

func TestExportCaddyRunsInCaddy(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed (Debian: apt-get install caddy): the exported configuration is not run")
	}
	set, cases := exampleSet(t)
	conf, probs := ExportCaddy(set, ExportOptions{})
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	dir := t.TempDir()
	port := freePort(t)
	if err := os.WriteFile(filepath.Join(dir, "redirects.caddy"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`{
	admin off
	auto_https off
	storage file_system %[1]s/data
}
:%[2]d {
	bind 127.0.0.1
	import %[1]s/redirects.caddy
	respond "page" 299
}
`, dir, port)
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	if out, err := exec.Command(caddy, "validate", "--config", path, "--adapter", "caddyfile").CombinedOutput(); err != nil {
		t.Fatalf("caddy rejects the exported configuration: %v\n%s\n%s", err, out, conf)
	}
	base := startServer(t, port, filepath.Join(dir, "out.log"), caddy, "run", "--config", path, "--adapter", "caddyfile")
	checkServer(t, base, set, cases)
}

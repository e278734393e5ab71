package formats

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// exampleCase is an entry of testdata/example/cases.json, the copy of
// examples/site/cases.json that goes with the copy of its rules.
type exampleCase struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

func exampleSet(t *testing.T) (*rules.Set, []exampleCase) {
	t.Helper()
	set, ds := rules.Load("testdata/example/redirects.json")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	data, err := os.ReadFile("testdata/example/cases.json")
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
	// Its own process group, so that the workers a server starts (Apache's)
	// end with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
		// Workers that outlive their parent are in the group too.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
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
	checkServerPages(t, base, set, cases, 299)
}

// checkServerPages is checkServer for a server that answers what no rule
// redirects with pageStatus.
func checkServerPages(t *testing.T, base string, set *rules.Set, cases []exampleCase, pageStatus int) {
	t.Helper()
	// A page is pageStatus, or with pageStatus 0 any answer that is not a
	// redirect or 410.
	isPage := func(status int) bool {
		if pageStatus == 0 {
			return status < 300 || status >= 400 && status != 410
		}
		return status == pageStatus
	}
	// Some servers (Apache) make a path target absolute: the same target
	// for a browser.
	ask := func(u string) (int, string) {
		status, loc := askServer(t, base, u)
		if why := unsafeLocation(loc); why != "" {
			t.Errorf("%s: the server answers %d %q: %s", u, status, loc, why)
		}
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			loc = strings.TrimPrefix(loc, "http://"+pu.Host)
		}
		return status, strings.TrimPrefix(loc, base)
	}
	for _, c := range cases {
		status, loc := ask(c.URL)
		if c.Status == 200 {
			if !isPage(status) {
				t.Errorf("%s: got %d %q, want a page", c.URL, status, loc)
			}
			continue
		}
		if status != c.Status || loc != c.Location {
			t.Errorf("%s: got %d %q, want %d %q", c.URL, status, loc, c.Status, c.Location)
		}
	}
	tab, ds := engine.Compile(set, engine.Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	for _, u := range derivedURLs(set) {
		pu, _ := url.Parse(u)
		d := tab.Resolve(pu.Host, pu.EscapedPath(), pu.RawQuery)
		status, loc := ask(u)
		if !d.Match {
			if !isPage(status) {
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
			if engine.IsPlaceholder(s) {
				segs[i] = "v1"
			}
		}
		p := sendable(strings.Join(segs, "/"))
		if src.Splat {
			p += "a/b"
		}
		prefix := ""
		if src.Host != "" {
			prefix = "http://" + src.Host
		}
		out = append(out, prefix+p, prefix+engine.ToggleSlash(p), prefix+p+"?utm_source=test&x=1")
	}
	return out
}

// sendable is the path p as a client sends it: a "%" that does not start
// an escape (which the engine reads as itself) is sent as %25.
func sendable(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && (i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// exportSets are the rule sets the exported configurations are run with:
// the example site's, and the rules imported from the Netlify excerpt.
func exportSets(t *testing.T) map[string]*rules.Set {
	set, _ := exampleSet(t)
	data, err := os.ReadFile("testdata/netlify/_redirects")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportNetlify("_redirects", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imp.Check(compileForTest); err != nil {
		t.Fatal(err)
	}
	sets := map[string]*rules.Set{"example": set, "netlify-excerpt": imp.Set}
	// The whole kubernetes file, where the corpus is beside the clone.
	for _, dir := range []string{"../../shared/corpus", "../../../shared/corpus"} {
		data, err := os.ReadFile(filepath.Join(dir, "kubernetes-website.netlify_redirects"))
		if err != nil {
			continue
		}
		imp, err := ImportNetlify("kubernetes", data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := imp.Check(compileForTest); err != nil {
			t.Fatal(err)
		}
		sets["kubernetes"] = imp.Set
		break
	}
	return sets
}

func TestExportNginxRunsInNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (Debian: apt-get install nginx-light): the exported configuration is not run")
		}
		nginx = "/usr/sbin/nginx"
	}
	_, cases := exampleSet(t)
	for name, set := range exportSets(t) {
		t.Run(name, func(t *testing.T) {
			conf, probs := ExportNginx(set, ExportOptions{Table: compileTable(t, set)})
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			base := runNginx(t, nginx, conf)
			c := cases
			if name != "example" {
				c = nil
			}
			checkServer(t, base, set, c)
		})
	}
}

// compileTable compiles a set as the export command does, so that
// chains are served in one hop.
func compileTable(t *testing.T, set *rules.Set) *engine.Table {
	t.Helper()
	tab, ds := engine.Compile(set, engine.Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	return tab
}

// runNginx starts nginx on loopback with the exported configuration
// included in its server block; other paths answer 299.
func runNginx(t *testing.T, nginx string, conf []byte) string {
	t.Helper()
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
		merge_slashes off;
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
	return startServer(t, port, filepath.Join(dir, "out.log"), nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
}

func TestExportCaddyRunsInCaddy(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed (Debian: apt-get install caddy): the exported configuration is not run")
	}
	_, cases := exampleSet(t)
	for name, set := range exportSets(t) {
		t.Run(name, func(t *testing.T) {
			conf, probs := ExportCaddy(set, ExportOptions{Table: compileTable(t, set)})
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			base := runCaddy(t, caddy, conf)
			c := cases
			if name != "example" {
				c = nil
			}
			checkServer(t, base, set, c)
		})
	}
}

// runCaddy starts Caddy on loopback with the exported snippet imported in
// its site block; other paths answer 299.
func runCaddy(t *testing.T, caddy string, conf []byte) string {
	t.Helper()
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
	return startServer(t, port, filepath.Join(dir, "out.log"), caddy, "run", "--config", path, "--adapter", "caddyfile")
}

// randomSet makes a rules set of every kind of rule the exporters write:
// exact and prefix rules, :name captures, fixed and captured targets,
// targets with a query or fragment, query drop, 410, host rules.
func randomSet(seed uint64, n int) *rules.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := []string{"docs", "blog", "a", "b", "old", "new", "2019", "x.y", "we_b", "tilde~", "v1-2"}
	word := func() string { return words[rng.IntN(len(words))] }
	set := &rules.Set{File: "random.json"}
	seen := map[string]bool{}
	for len(set.Rules) < n {
		depth := 1 + rng.IntN(3)
		segs := make([]string, depth)
		for i := range segs {
			segs[i] = word()
		}
		r := rules.Rule{Status: []int{301, 302, 307, 308}[rng.IntN(4)]}
		caps := []string{}
		switch k := rng.IntN(10); {
		case k < 4: // exact
			r.Source = "/" + strings.Join(segs, "/")
		case k < 7: // prefix
			r.Source = "/" + strings.Join(segs, "/") + "/*"
			if rng.IntN(4) == 0 {
				r.Source = "/" + strings.Join(segs, "/") + "-*"
			}
			caps = append(caps, "splat")
		default: // a :name segment
			i := rng.IntN(depth)
			segs[i] = ":p"
			r.Source = "/" + strings.Join(segs, "/")
			caps = append(caps, "p")
		}
		if rng.IntN(8) == 0 {
			r.Source = "https://old.example.com" + r.Source
		}
		key := strings.TrimSuffix(r.Source, "/")
		if seen[key] {
			continue
		}
		seen[key] = true
		to := "/t/" + word()
		if len(caps) > 0 && rng.IntN(3) > 0 {
			to += "/:" + caps[0]
		}
		switch rng.IntN(6) {
		case 0:
			to = "https://elsewhere.example.net" + to
		case 1:
			to += "?from=" + word()
		case 2:
			to += "#section"
		}
		r.To = to
		if rng.IntN(5) == 0 {
			r.Query = rules.QueryDrop
		}
		if rng.IntN(12) == 0 {
			r.Status, r.To = rules.StatusGone, ""
		}
		r.Index = len(set.Rules)
		set.Rules = append(set.Rules, r)
	}
	return set
}

// TestExportRandomRulesRunInServers compares nginx and Caddy running the
// export of generated rule sets with the engine, URL by URL.
func TestExportRandomRulesRunInServers(t *testing.T) {
	nginx, _ := exec.LookPath("nginx")
	if nginx == "" {
		if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
			nginx = "/usr/sbin/nginx"
		}
	}
	caddy, _ := exec.LookPath("caddy")
	if nginx == "" && caddy == "" {
		t.Skip("neither nginx nor caddy is installed: the exported configurations are not run")
	}
	for seed := range uint64(8) {
		set := randomSet(seed, 80)
		tab, ds := engine.Compile(set, engine.Options{})
		if ds.HasErrors() {
			// A generated loop or collision: the engine rejects the set,
			// and so does export.
			continue
		}
		if nginx != "" {
			t.Run(fmt.Sprintf("nginx-%d", seed), func(t *testing.T) {
				conf, probs := ExportNginx(set, ExportOptions{Table: tab})
				if len(probs) > 0 {
					t.Fatalf("problems: %v", probs)
				}
				checkServer(t, runNginx(t, nginx, conf), set, nil)
			})
		}
		if caddy != "" {
			t.Run(fmt.Sprintf("caddy-%d", seed), func(t *testing.T) {
				conf, probs := ExportCaddy(set, ExportOptions{Table: tab})
				if len(probs) > 0 {
					t.Fatalf("problems: %v", probs)
				}
				checkServer(t, runCaddy(t, caddy, conf), set, nil)
			})
		}
	}
}

// apacheBinary returns the apache2 binary and its modules, or skips.
func apacheBinary(t *testing.T) (string, string) {
	t.Helper()
	apache, err := exec.LookPath("apache2")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/apache2"); err != nil {
			t.Skip("apache2 is not installed (Debian: apt-get install apache2): the exported configuration is not run")
		}
		apache = "/usr/sbin/apache2"
	}
	modules := "/usr/lib/apache2/modules"
	if _, err := os.Stat(filepath.Join(modules, "mod_rewrite.so")); err != nil {
		t.Skipf("mod_rewrite is not in %s: the exported configuration is not run", modules)
	}
	return apache, modules
}

// runApache starts Apache on loopback with the exported rules in its server
// configuration; what no rule redirects comes from an empty document root.
func runApache(t *testing.T, apache, modules string, conf []byte) string {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	if err := os.WriteFile(filepath.Join(dir, "redirects.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`ServerRoot %[1]s
ServerName localhost
Listen 127.0.0.1:%[2]d
PidFile %[1]s/httpd.pid
DefaultRuntimeDir %[1]s
Mutex file:%[1]s default
ErrorLog %[1]s/error.log
LoadModule mpm_event_module %[3]s/mod_mpm_event.so
LoadModule rewrite_module %[3]s/mod_rewrite.so
DocumentRoot %[1]s/empty
# As the export asks for rules whose path holds %%2F.
AllowEncodedSlashes NoDecode
Include %[1]s/redirects.conf
`, dir, port, modules)
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(apache, "-t", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("apache rejects the exported configuration: %v\n%s\n%s", err, out, conf)
	}
	return startServer(t, port, filepath.Join(dir, "out.log"), apache, "-f", path, "-DFOREGROUND")
}

func TestExportApacheRunsInApache(t *testing.T) {
	apache, modules := apacheBinary(t)
	sets := exportSets(t)
	for seed := range uint64(4) {
		sets[fmt.Sprintf("random-%d", seed)] = randomSet(seed, 80)
	}
	_, cases := exampleSet(t)
	for name, set := range sets {
		t.Run(name, func(t *testing.T) {
			tab, ds := engine.Compile(set, engine.Options{})
			if ds.HasErrors() {
				t.Skip("the generated rules do not compile")
			}
			conf, probs := ExportApache(set, ExportOptions{Table: tab})
			if HasErrors(probs) {
				t.Fatalf("problems: %v", probs)
			}
			base := runApache(t, apache, modules, conf)
			c := cases
			if name != "example" {
				c = nil
			}
			checkServerPages(t, base, set, c, 0)
		})
	}
}

// TestExportOddSourcesRunInServers: keys with spaces, quotes, braces,
// semicolons, "$", backslashes and non-ASCII letters (testdata/hostile), and
// keys holding escapes the engine keeps (%25, %2F, control characters,
// bytes not UTF-8: testdata/escapes), make configurations each server
// accepts, and answer as the engine does (rules a format cannot express are
// left out and named).
func TestExportOddSourcesRunInServers(t *testing.T) {
	// want names, for each server whose export is run, the problems it
	// reports: a source and a part of the message.
	type want map[string]string
	for _, tc := range []struct {
		file string
		want map[string]want
	}{
		{"hostile", map[string]want{
			"nginx":  {"/t/:id": `nginx reads "$" in a target`},
			"caddy":  {},
			"apache": {"/q\"uote": `apache cannot quote '"'`, "/pat ter\"n/*": `apache cannot quote '"'`},
		}},
		{"escapes", map[string]want{
			"nginx": {
				"/a%2Fb":      `warning: "/a%2Fb": nginx decodes %2F before matching: this rule also matches "/a/b"`,
				"/c%2fd/*":    `warning: "/c%2fd/*": nginx decodes %2F before matching: this rule also matches "/c/d/*"`,
				"/nul%00":     "error: \"/nul%00\": nginx answers 400 to a path holding %00",
				"/p%2F..%2Fq": `error: "/p%2F..%2Fq": nginx resolves "." and ".." segments`,
				"/c/./d":      `error: "/c/./d": nginx resolves "." and ".." segments`,
				"/e/%2E%2E/f": `error: "/e/%2E%2E/f": nginx resolves "." and ".." segments`,
			},
			"apache": {
				"/a%2Fb":   `warning: "/a%2Fb": apache answers 404 to a path holding %2F unless the virtual host sets AllowEncodedSlashes NoDecode`,
				"/c%2fd/*": `warning: "/c%2fd/*": apache answers 404 to a path holding %2F unless`,
				"/nul%00":  "error: \"/nul%00\": apache answers 404 to a path holding %00 before any rule",
				// With NoDecode no "." or ".." segment appears.
				"/p%2F..%2Fq": `warning: "/p%2F..%2Fq": apache answers 404 to a path holding %2F unless`,
				"/c/./d":      `error: "/c/./d": apache resolves "." and ".." segments`,
				"/e/%2E%2E/f": `error: "/e/%2E%2E/f": apache resolves "." and ".." segments`,
			},
			"caddy": {
				"/a%2Fb":      `warning: "/a%2Fb": caddy decodes %2F before matching: this rule also matches "/a/b"`,
				"/c%2fd/*":    `warning: "/c%2fd/*": caddy decodes %2F before matching: this rule also matches "/c/d/*"`,
				"/lat%E9":     `warning: "/lat%E9": caddy reads a byte that is not UTF-8 as U+FFFD`,
				"/p%2F..%2Fq": `error: "/p%2F..%2Fq": caddy merges slashes and resolves "." and ".." segments`,
				"/c/./d":      `error: "/c/./d": caddy merges slashes and resolves "." and ".." segments`,
				"/e/%2E%2E/f": `error: "/e/%2E%2E/f": caddy merges slashes and resolves "." and ".." segments`,
			},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			set, ds := rules.Load(filepath.Join("testdata", tc.file, "redirects.json"))
			if ds.HasErrors() {
				t.Fatal(ds.Err())
			}
			tab := compileTable(t, set)
			for server, want := range tc.want {
				t.Run(server, func(t *testing.T) {
					var conf []byte
					var probs []Problem
					var run func([]byte, *rules.Set)
					switch server {
					case "nginx":
						if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
							t.Skip("nginx is not installed")
						}
						conf, probs = ExportNginx(set, ExportOptions{Table: tab})
						run = func(conf []byte, kept *rules.Set) { checkServer(t, runNginx(t, "/usr/sbin/nginx", conf), kept, nil) }
					case "caddy":
						caddy, err := exec.LookPath("caddy")
						if err != nil {
							t.Skip("caddy is not installed")
						}
						conf, probs = ExportCaddy(set, ExportOptions{Table: tab})
						run = func(conf []byte, kept *rules.Set) { checkServer(t, runCaddy(t, caddy, conf), kept, nil) }
					case "apache":
						apache, modules := apacheBinary(t)
						conf, probs = ExportApache(set, ExportOptions{Table: tab})
						run = func(conf []byte, kept *rules.Set) {
							checkServerPages(t, runApache(t, apache, modules, conf), kept, nil, 0)
						}
					}
					checkProblems(t, probs, want)
					run(conf, keptRules(set, probs))
				})
			}
		})
	}
}

// checkProblems compares an export's problems with want: the sources that
// have problems, and for each a part of the message of one of them.
func checkProblems(t *testing.T, probs []Problem, want map[string]string) {
	t.Helper()
	found := map[string]bool{}
	for _, p := range probs {
		w, ok := want[p.Source]
		if !ok {
			t.Errorf("unexpected problem %s", p)
		}
		found[p.Source] = found[p.Source] || strings.Contains(p.String(), w)
	}
	for src, w := range want {
		if !found[src] {
			t.Errorf("%q: no problem reported with %q in %v", src, w, probs)
		}
	}
}

// keptRules is set without the rules an export left out (an error
// problem names them).
func keptRules(set *rules.Set, probs []Problem) *rules.Set {
	out := &rules.Set{File: set.File}
	for _, r := range set.Rules {
		dropped := false
		for _, p := range probs {
			dropped = dropped || (!p.Warning && p.Source == r.Source)
		}
		if !dropped {
			r.Index = len(out.Rules)
			out.Rules = append(out.Rules, r)
		}
	}
	return out
}

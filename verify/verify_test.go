package verify

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// site is a test server from a map of path to status and Location; other
// paths are pages (200).
func site(t *testing.T, answers map[string][2]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a, ok := answers[r.URL.Path]; ok {
			if a[1] != "" {
				w.Header().Set("Location", a[1])
			}
			switch a[0] {
			case "301":
				w.WriteHeader(301)
			case "302":
				w.WriteHeader(302)
			case "410":
				w.WriteHeader(410)
			case "404":
				w.WriteHeader(404)
			}
			return
		}
		w.Write([]byte("page"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func runAgainst(t *testing.T, base string, opts Options) *Result {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	opts.Base = u
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// findings lists every finding of a result as "KIND URL: message".
func findings(res *Result) string {
	var b strings.Builder
	for _, c := range res.Checks {
		for _, f := range c.Findings {
			b.WriteString(string(f.Severity) + " " + c.URL + ": " + f.Message + "\n")
		}
	}
	return b.String()
}

var jobsCases = []Case{
	{URL: "/jobs", Status: 301, Location: "https://jobs.example.com/"},
	{URL: "/plans", Status: 301, Location: "/pricing/"},
	{URL: "/pricing/", Status: 200},
}

func TestCasesPassOnRightServer(t *testing.T) {
	srv := site(t, map[string][2]string{
		"/jobs":  {"301", "https://jobs.example.com/"},
		"/plans": {"301", "/pricing/"},
	})
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases})
	if f := findings(res); f != "" {
		t.Fatalf("unexpected findings:\n%s", f)
	}
	if got := res.FailedSources(true); len(got) != 0 {
		t.Fatalf("failed sources %v", got)
	}
}

func TestWrongStatusAndLocation(t *testing.T) {
	srv := site(t, map[string][2]string{
		"/jobs":  {"302", "https://jobs.example.com/"},
		"/plans": {"301", "/prices/"},
	})
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases})
	f := findings(res)
	for _, want := range []string{"fail /jobs: status 302, want 301", "fail /plans: Location /prices/, want /pricing/"} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	if got := res.FailedSources(false); strings.Join(got, " ") != "/jobs /plans" {
		t.Errorf("failed sources %v, want /jobs /plans", got)
	}
}

func TestAbsoluteLocationMatchesRelativeRule(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plans" {
			http.Redirect(w, r, base+"/pricing/", 301)
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	base = srv.URL
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases[1:]})
	if f := findings(res); f != "" {
		t.Fatalf("an absolute Location on the same site is the same target:\n%s", f)
	}
}

func TestLoopAndChainAreWarnings(t *testing.T) {
	srv := site(t, map[string][2]string{
		"/a": {"301", "/b"}, "/b": {"301", "/a"},
		"/c": {"301", "/d"}, "/d": {"301", "/e"},
		"/gone-target": {"301", "/missing"}, "/missing": {"404", ""},
	})
	cases := []Case{{URL: "/a", Status: 301, Location: "/b"}, {URL: "/c", Status: 301, Location: "/d"}, {URL: "/gone-target", Status: 301, Location: "/missing"}}
	res := runAgainst(t, srv.URL, Options{Cases: cases})
	f := findings(res)
	for _, want := range []string{"warning /a: a redirect loop", "warning /c: 2 redirects before the end", "warning /gone-target: ends at 404"} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	if got := res.FailedSources(false); len(got) != 0 {
		t.Errorf("warnings failed the run without strict: %v", got)
	}
	if got := res.FailedSources(true); len(got) != 3 {
		t.Errorf("with strict, failed sources %v, want all three", got)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases[:1], Timeout: 150 * time.Millisecond, Retries: 1, Backoff: 10 * time.Millisecond})
	if f := findings(res); !strings.Contains(f, "fail /jobs: no answer after 2 tries") {
		t.Fatalf("findings:\n%s", f)
	}
}

func TestDroppedConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases[:1], Retries: 2, Backoff: 5 * time.Millisecond})
	if f := findings(res); !strings.Contains(f, "fail /jobs: no answer after 3 tries") {
		t.Fatalf("findings:\n%s", f)
	}
}

func TestRetryRecoversFrom503(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(503)
			return
		}
		http.Redirect(w, r, "https://jobs.example.com/", 301)
	}))
	defer srv.Close()
	res := runAgainst(t, srv.URL, Options{Cases: jobsCases[:1], Retries: 3, Backoff: 5 * time.Millisecond})
	if f := findings(res); f != "" {
		t.Fatalf("findings:\n%s", f)
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	res := runAgainst(t, "http://"+addr, Options{Cases: jobsCases[:1], Backoff: time.Millisecond})
	if f := findings(res); !strings.Contains(f, "fail /jobs: no answer after 1 tries") {
		t.Fatalf("findings:\n%s", f)
	}
}

func TestRateLimit(t *testing.T) {
	srv := site(t, nil)
	var cases []Case
	for range 6 {
		cases = append(cases, Case{URL: "/page", Status: 200})
	}
	start := time.Now()
	runAgainst(t, srv.URL, Options{Cases: cases, Rate: 20, Concurrency: 6})
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("6 requests at 20/s took %v; the limit was not applied", d)
	}
}

func TestSitemapAllowsOneHop(t *testing.T) {
	srv := site(t, map[string][2]string{
		"/old":     {"301", "/new"},
		"/older":   {"301", "/old"},
		"/removed": {"410", ""},
	})
	res := runAgainst(t, srv.URL, Options{Sitemap: []string{"https://example.com/old", "https://example.com/older", "/new", "/removed"}})
	f := findings(res)
	if strings.Contains(f, "/old:") || strings.Contains(f, "/new:") {
		t.Errorf("one hop to a page, or a page, is fine:\n%s", f)
	}
	for _, want := range []string{"fail /older: 2 redirects before the end", "fail /removed: answers 410, not a page"} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
}

func TestBadBase(t *testing.T) {
	for _, b := range []string{"example.com", "ftp://example.com", "/path"} {
		u, _ := url.Parse(b)
		if _, err := Run(context.Background(), Options{Base: u}); err == nil {
			t.Errorf("%q: no error", b)
		}
	}
}

func TestSamplePath(t *testing.T) {
	for in, want := range map[string][2]string{
		"/jobs":                           {"", "/jobs"},
		"/blog/*":                         {"", "/blog/a/b"},
		"/waf/2019-*":                     {"", "/waf/2019-a/b"},
		"/team/:member":                   {"", "/team/example"},
		"/a b/über":                       {"", "/a%20b/%C3%BCber"},
		"https://old.example.com/pricing": {"old.example.com", "/pricing"},
		"HTTPS://Old.Example.com/x":       {"old.example.com", "/x"},
		"https://[::1]:8080/x/:id":        {"[::1]", "/x/example"},
		"https://old.example.com./x":      {"old.example.com", "/x"},
		"Http://legacy.example.com":       {"legacy.example.com", "/"},
		"/%3Ahover":                       {"", "/%3Ahover"},
	} {
		h, p := samplePath(in)
		if h != want[0] || p != want[1] {
			t.Errorf("samplePath(%q) = %q, %q; want %q, %q", in, h, p, want[0], want[1])
		}
	}
}

// engineSite serves a rules set through the engine, the way the server
// package does, optionally breaking it.
func engineSite(t *testing.T, tab *engine.Table, dropQuery bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.RawQuery
		if dropQuery {
			q = ""
		}
		d := tab.Resolve(r.Host, r.URL.EscapedPath(), q)
		if !d.Match {
			w.Write([]byte("page"))
			return
		}
		if d.Location != "" {
			w.Header().Set("Location", d.Location)
		}
		w.WriteHeader(d.Status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRulesAgainstEngineSite(t *testing.T) {
	set, ds := rules.Load("../examples/site/redirects.json")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	tab, _ := engine.Compile(set, engine.Options{})
	if !tab.Resolve("", "/jobs", "").Match {
		t.Skip("the engine does not match rules yet")
	}
	res := runAgainst(t, engineSite(t, tab, false).URL, Options{Table: tab})
	if got := res.FailedSources(false); len(got) != 0 {
		t.Fatalf("a site that serves the rules fails:\n%s", findings(res))
	}
	if n := len(res.Checks); n < 3*len(set.Rules)-3 {
		t.Errorf("%d checks for %d rules; want three URLs a rule", n, len(set.Rules))
	}
	res = runAgainst(t, engineSite(t, tab, true).URL, Options{Table: tab})
	if f := findings(res); !strings.Contains(f, "?"+sampleQuery+": Location") {
		t.Errorf("a site that drops the query string is not caught:\n%s", f)
	}
}

package engine

import (
	"strings"
	"testing"

	"github.com/signposthq/signpost/rules"
)

func compile(t testing.TB, src string, opts Options) *Table {
	t.Helper()
	set, ds := rules.Parse("test.json", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("parse: %v", ds.Err())
	}
	tab, ds := Compile(set, opts)
	if ds.HasErrors() {
		t.Fatalf("compile: %v", ds.Err())
	}
	return tab
}

type resolveCase struct {
	host, url string
	status    int
	location  string
	rule      string
}

func runCases(t *testing.T, tab *Table, cases []resolveCase) {
	t.Helper()
	for _, c := range cases {
		path, query, _ := strings.Cut(c.url, "?")
		d := tab.Resolve(c.host, path, query)
		rule := ""
		if d.Rule != nil {
			rule = d.Rule.Source
		}
		if d.Status != c.status || d.Location != c.location || (c.rule != "" && rule != c.rule) {
			t.Errorf("Resolve(%q, %q) = %d %q (rule %q), want %d %q (rule %q)", c.host, c.url, d.Status, d.Location, rule, c.status, c.location, c.rule)
		}
	}
}

func TestResolveExample(t *testing.T) {
	tab := compile(t, `{
  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
  "/resources/the-follow-up-formula": { "to": "/resources/followup", "statusCode": 301 },
  "/blog/*": { "to": "/news/:splat", "statusCode": 308 },
  "/blog/special": { "to": "/special" },
  "/waf/2019-*": { "to": "/waf/archive/:splat" },
  "/users/:id": { "to": "/people/:id" },
  "/users/:id/posts/*": { "to": "/people/:id/:splat?from=users" },
  "/über": { "to": "/uber" },
  "/a": { "to": "/b", "statusCode": 302 },
  "/b": { "to": "/c#top" },
  "/c": { "to": "/d?x=1", "query": "keep" },
  "/drop": { "to": "/kept?y=2", "query": "drop" },
  "/frag": { "to": "/page#sec" },
  "/gone": { "statusCode": 410 },
  "/files/*": { "to": "/archive/:splat" },
  "/go/*": { "to": "/:splat", "statusCode": 302 },
  "https://old.example.com/pricing": { "to": "https://example.com/pricing/" },
}`, Options{})
	runCases(t, tab, []resolveCase{
		{"", "/jobs", 301, "https://jobs.example.com/", "/jobs"},
		{"", "/jobs/", 301, "https://jobs.example.com/", "/jobs"},
		{"", "/jobs/?a=1", 301, "https://jobs.example.com/?a=1", "/jobs"},
		{"", "/%6Aobs", 301, "https://jobs.example.com/", "/jobs"},
		{"", "/blog", 308, "/news/", "/blog/*"},
		{"", "/blog/", 308, "/news/", "/blog/*"},
		{"", "/blog/2020/x/", 308, "/news/2020/x/", "/blog/*"},
		{"", "/blog/special", 301, "/special", "/blog/special"},
		{"", "/waf/2019-01", 301, "/waf/archive/01", "/waf/2019-*"},
		{"", "/users/42", 301, "/people/42", "/users/:id"},
		{"", "/users/42/", 301, "/people/42", "/users/:id"},
		{"", "/users/42/posts/7", 301, "/people/42/7?from=users", "/users/:id/posts/*"},
		{"", "/users/42/posts/7?q=1", 301, "/people/42/7?from=users&q=1", ""},
		{"", "/%C3%BCber", 301, "/uber", "/über"},
		{"", "/a?q=1", 302, "/d?x=1&q=1#top", "/a"},
		{"", "/drop?z=3", 301, "/kept?y=2", "/drop"},
		{"", "/frag?z=3", 301, "/page?z=3#sec", "/frag"},
		{"", "/gone", 410, "", "/gone"},
		{"", "/files/a%20b", 301, "/archive/a%20b", "/files/*"},
		{"", "/files/a+b", 301, "/archive/a%2Bb", "/files/*"},
		{"", "/files/a%2Fb", 301, "/archive/a%2Fb", "/files/*"},
		{"", "/go//evil.example", 302, "/evil.example", "/go/*"},
		{"", "/go/%2F%2Fevil.example", 302, "/%2F%2Fevil.example", "/go/*"},
		{"", "/go/\\evil.example", 302, "/%5Cevil.example", "/go/*"},
		{"", "/go/%5Cevil.example", 302, "/%5Cevil.example", "/go/*"},
		{"", "/go/%0d%0aSet-Cookie:x", 302, "/%0D%0ASet-Cookie:x", "/go/*"},
		{"", "/go/jobs?a=1", 302, "https://jobs.example.com/?a=1", "/go/*"},
		{"", "/go/a", 302, "/d?x=1#top", "/go/*"},
		{"old.example.com", "/pricing", 301, "https://example.com/pricing/", "https://old.example.com/pricing"},
		{"OLD.example.com:443", "/pricing/", 301, "https://example.com/pricing/", ""},
		{"example.com", "/pricing", 0, "", ""},
	})
}

func TestResolveCaseInsensitive(t *testing.T) {
	tab := compile(t, `{"/Jobs": {"to": "/careers"}, "/Docs/*": {"to": "/d/:splat"}}`, Options{CaseInsensitive: true})
	runCases(t, tab, []resolveCase{
		{"", "/JOBS", 301, "/careers", "/Jobs"},
		{"", "/docs/ABC", 301, "/d/ABC", "/Docs/*"},
	})
	tab = compile(t, `{"/Jobs": {"to": "/careers"}}`, Options{})
	runCases(t, tab, []resolveCase{{"", "/jobs", 0, "", ""}})
}

func TestCompileDiagnostics(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`{"/a": {"to": "/a/"}}`, "redirects to itself"},
		{`{"/a": {"to": "/b"}, "/b": {"to": "/a"}}`, "redirect loop: /a → /b → /a"},
		{`{"/a": {"to": "/b"}, "/a/": {"to": "/c"}}`, `source "/a/" is the same as "/a" (line 1)`},
		{`{"/a": {"to": "/b/:splat"}}`, `":splat" in the target is not captured`},
		{`{"/a/*": {"to": "/a/b/:splat"}}`, `round in a loop`},
	} {
		set, _ := rules.Parse("t.json", []byte(c.src))
		_, ds := Compile(set, Options{})
		if !strings.Contains(ds.Err().Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.src, ds, c.want)
		}
	}
}

// Loops through pattern rules, or only on one host, are errors too.
func TestCompileLoops(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`{"/a/*": {"to": "/:splat", "statusCode": 302}, "/b": {"to": "/a/b"}}`, "redirect loop: /b → /a/* → /b"},
		{`{"/a/*": {"to": "/a", "statusCode": 302, "query": "drop"}, "https://h.example/b": {"to": "/a/b", "statusCode": 302}, "/a": {"to": "/b", "statusCode": 302}}`,
			"redirect loop: https://h.example/b → /a/* → /a → https://h.example/b"},
		{`{"/x": {"to": "/y"}, "/y": {"to": "/z"}, "/z": {"to": "/x"}}`, "redirect loop: /x → /y → /z → /x"},
	} {
		set, ds := rules.Parse("t.json", []byte(c.src))
		if ds.HasErrors() {
			t.Fatal(ds.Err())
		}
		_, ds = Compile(set, Options{})
		if n := strings.Count(ds.Err().Error(), "redirect loop"); n != 1 || !strings.Contains(ds.Err().Error(), c.want) {
			t.Errorf("%s:\ngot  %v\nwant %q once", c.src, ds.Err(), c.want)
		}
	}
}

// TestToggleSlash checks that both spellings ToggleSlash gives match the
// same rule, as the importers, exporters and verify rely on (a :splat keeps
// the slash, so the Location may differ).
func TestToggleSlash(t *testing.T) {
	tab := compile(t, `{
  "/jobs": { "to": "/careers" },
  "/docs/": { "to": "/manual" },
  "/blog/*": { "to": "/news/:splat" },
  "/users/:id": { "to": "/people/:id" }
}`, Options{})
	for _, p := range []string{"/", "/jobs", "/docs/", "/docs", "/blog", "/blog/x", "/blog/x/", "/users/7", "/users/7/", "/none/"} {
		q := ToggleSlash(p)
		if p != "/" && (q == p || TrimSlash(q) != TrimSlash(p)) {
			t.Errorf("ToggleSlash(%q) = %q, want the other spelling", p, q)
		}
		if ToggleSlash(q) != p {
			t.Errorf("ToggleSlash(ToggleSlash(%q)) = %q", p, ToggleSlash(q))
		}
		a, b := tab.Resolve("", p, ""), tab.Resolve("", q, "")
		if !a.Match && p != "/" && p != "/none/" {
			t.Errorf("%q matches no rule", p)
		}
		if a.Match != b.Match || a.Rule != b.Rule {
			t.Errorf("%q matches %v, %q matches %v", p, a.Rule, q, b.Rule)
		}
	}
	if got := ToggleSlash("/"); got != "/" {
		t.Errorf(`ToggleSlash("/") = %q, want "/"`, got)
	}
}

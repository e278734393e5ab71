package engine

import (
	"strings"
	"testing"

	"github.com/signposthq/signpost/rules"
)

// checkLocation fails t when loc breaks the Location invariants: no
// protocol-relative target, no control character, space or non-ASCII byte,
// no backslash before the query (browsers read it as a slash).
func checkLocation(t *testing.T, loc string) {
	t.Helper()
	if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		t.Fatalf("protocol-relative Location %q", loc)
	}
	for i := 0; i < len(loc); i++ {
		if c := loc[i]; c <= 0x20 || c >= 0x7f {
			t.Fatalf("Location %q has byte %#x at %d", loc, c, i)
		}
	}
	if path, _, _ := strings.Cut(loc, "?"); strings.Contains(path, "\\") {
		t.Fatalf("Location %q has a backslash in its path", loc)
	}
	if loc != "" && !strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "https://") && !strings.HasPrefix(loc, "http://") {
		t.Fatalf("Location %q is neither a path nor an http(s) URL", loc)
	}
}

const fuzzRules = `{
  "/go/*": { "to": "/:splat" },
  "/u/:id": { "to": "/:id" },
  "/u/:id/p/:post": { "to": "/people/:id/:post?from=:id#:post" },
  "/q/*": { "to": "/search?q=:splat", "query": "drop" },
  "/ext/*": { "to": "https://docs.example.com/:splat" },
  "/a": { "to": "/b" },
  "/b/*": { "to": "/c/:splat" },
  "/über": { "to": "/uber" },
  "https://old.example.com/*": { "to": "https://example.com/:splat" },
}`

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"/go//evil.example", "/go/%2F%2Fevil", "/go/\\evil", "/go/%5Cevil", "/go/%0d%0aX:y",
		"/u/%2F%2Fx", "/u/a%23b/p/c%3Fd", "/q/a&b=c", "/ext/@evil.example", "/%C3%BCber", "/%C3", "/a/", "/b/%00"} {
		f.Add("", s, "a=1")
		f.Add("old.example.com", s, "x=%0d%0a")
	}
	set, ds := rules.Parse("fuzz.json", []byte(fuzzRules))
	if ds.HasErrors() {
		f.Fatal(ds.Err())
	}
	tab, ds := Compile(set, Options{})
	if ds.HasErrors() {
		f.Fatal(ds.Err())
	}
	ci, _ := Compile(set, Options{CaseInsensitive: true})
	f.Fuzz(func(t *testing.T, host, path, query string) {
		for _, tb := range []*Table{tab, ci} {
			d := tb.Resolve(host, path, query)
			if !d.Match {
				continue
			}
			checkLocation(t, d.Location)
			if strings.HasPrefix(d.Rule.Source, "/ext/") && !strings.HasPrefix(d.Location, "https://docs.example.com/") {
				t.Fatalf("Location %q left the target's host", d.Location)
			}
		}
	})
}

// FuzzCompile compiles arbitrary keys and targets and resolves an
// arbitrary path: no panic, and every Location keeps the invariants.
func FuzzCompile(f *testing.F) {
	f.Add("/a/*", "/:splat", "/a//x", "/b", "/c")
	f.Add("/:x/:y", "/:y/:x?q=:x", "/%2F/%00", "https://h/*", "https://e/:splat")
	f.Add("/a", "/b", "/a/", "/b", "/a")
	f.Fuzz(func(t *testing.T, k1, to1, path, k2, to2 string) {
		set := &rules.Set{File: "f.json", Rules: []rules.Rule{
			{Source: k1, To: to1, Status: 301, Index: 0},
			{Source: k2, To: to2, Status: 302, Index: 1},
		}}
		tab, _ := Compile(set, Options{})
		if tab == nil {
			return
		}
		// Targets that the parser would reject are not the engine's concern.
		for _, r := range set.Rules {
			if !strings.HasPrefix(r.To, "/") && !strings.HasPrefix(r.To, "https://") && !strings.HasPrefix(r.To, "http://") || strings.HasPrefix(r.To, "//") {
				return
			}
		}
		d := tab.Resolve("", path, "q")
		if d.Match {
			checkLocation(t, d.Location)
		}
	})
}

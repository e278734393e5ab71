package formats

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// TestSourcesReadPathsAsTheEngine: a source matches the request paths the
// engine matches it with, and two keys are one source exactly when the
// engine says they collide. The keys spell a "%" without two hex digits,
// which the engine reads as %25: formats once kept it raw, so "/100%"
// missed "/100%25", and "/%%410" decoded to "/%A0" and matched a request
// for the byte 0xA0.
func TestSourcesReadPathsAsTheEngine(t *testing.T) {
	cases := []struct {
		key   string
		paths []string
	}{
		{"/100%", []string{"/100%", "/100%25", "/100%2525", "/100"}},
		{"/100%25", []string{"/100%", "/100%25", "/100%2525"}},
		{"/a%4", []string{"/a%4", "/a%254", "/a%25%34", "/a@"}},
		{"/%%41", []string{"/%A", "/%25A", "/%%41", "/A"}},
		{"/%%410", []string{"/%A0", "/%25A0", "/\u00a0"}},
		{"/%2%46", []string{"/%2F", "/%25%32F", "/%252F", "//"}},
		{"/a%2fb", []string{"/a/b", "/a%2Fb", "/a%2fb", "/a%252Fb"}},
		{"/%c3%bcber", []string{"/über", "/%C3%BCber", "/%c3%BCber", "/%FCber"}},
		{"/%c3", []string{"/%C3", "/%c3", "/%C3%A9"}},
		{"/x/%%41/:id", []string{"/x/%25A/1", "/x/%A/1", "/x/A/1"}},
		{"/y%/*", []string{"/y%25/a/b", "/y%/a", "/y%25", "/y"}},
	}
	for _, c := range cases {
		set := parseSet(t, map[string]string{c.key: "/to"})
		tab, ds := engine.Compile(set, engine.Options{})
		if ds.HasErrors() {
			t.Fatalf("%s: %v", c.key, ds.Err())
		}
		m := newMatcher(parseSource(c.key))
		for _, p := range append(c.paths, engine.ToggleSlash(c.paths[0])) {
			if got, want := m.match("", p), tab.Resolve("", p, "").Match; got != want {
				t.Errorf("source %q, request %q: formats matches %t, the engine %t", c.key, p, got, want)
			}
		}
	}

	same := [][2]string{{"/100%", "/100%25"}, {"/%%41", "/%25A"}, {"/a%4/", "/a%254"}, {"/%c3%bc", "/ü"}}
	differ := [][2]string{{"/%%410", "/%A0"}, {"/a%2Fb", "/a/b"}, {"/100%", "/100%2525"}}
	for _, pairs := range [][][2]string{same, differ} {
		for _, k := range pairs {
			_, ds := engine.Compile(parseSet(t, map[string]string{k[0]: "/1", k[1]: "/2"}), engine.Options{})
			collide := ds.HasErrors()
			if one := sourceKey(parseSource(k[0])) == sourceKey(parseSource(k[1])); one != collide {
				t.Errorf("%q and %q: one source for formats %t, for the engine %t (%v)", k[0], k[1], one, collide, ds.Err())
			}
		}
	}
}

func parseSet(t *testing.T, m map[string]string) *rules.Set {
	t.Helper()
	obj := map[string]map[string]string{}
	for k, to := range m {
		obj[k] = map[string]string{"to": to}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	set, ds := rules.Parse("redirects.json", data)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", data, ds.Err())
	}
	return set
}

// TestImportKeepsWhatKeysMean: an importer escapes bytes that are not UTF-8
// and keeps the rest as written; the engine reads the result as the same
// path.
func TestImportKeepsWhatKeysMean(t *testing.T) {
	for _, s := range []string{"/\xff", "/\xc3%bc", "/%c3\xbc", "/%\xff", "/%4\xff", "/\xe2\x82", "/ü\xbc", "/%%\xa0", "/ok"} {
		e := escapeInvalidUTF8(s)
		if !utf8.ValidString(e) {
			t.Errorf("escapeInvalidUTF8(%q) = %q, not UTF-8", s, e)
		}
		if got, want := engine.CanonicalPath(e), engine.CanonicalPath(s); got != want {
			t.Errorf("escapeInvalidUTF8(%q) = %q, which the engine reads as %q, not %q", s, e, got, want)
		}
	}
}

// TestTargetsFilledAsTheEngine: what the exporters write for a target,
// each capture filled with the value the engine captured, is the engine's
// Location. formats once took every ":name" the source captures for a
// placeholder, so "/b/x:id" and "?r=a:id" were filled where the engine
// keeps them as written, and "https://:splat" became a redirect to any host
// in nginx, Apache and Caddy (check now refuses a target with no host, and
// so a placeholder in the host, before any exporter sees it).
func TestTargetsFilledAsTheEngine(t *testing.T) {
	cases := []struct{ key, path, to string }{
		{"/a/:id", "/a/V", "/b/:id"},
		{"/a/:id", "/a/V", "/b/x:id"},
		{"/a/:id", "/a/V", "/b/:id:id"},
		{"/a/:id", "/a/V", "/d?q=:id&r=a:id"},
		{"/a/:id", "/a/V", "/d#:id"},
		{"/a/:id", "/a/V", "/d?q=1#f:id"},
		{"/a/:id", "/a/V", "https://example.com:8080/:id?x=:id"},
		{"/a/:id", "/a/V", "https://example.com/a:id"},
		{"/e/*", "/e/V", "/x:splat"},
		{"/e/*", "/e/V", "/x/:splat"},
	}
	for _, c := range cases {
		set := parseSet(t, map[string]string{c.key: c.to})
		set.Rules[0].Query = rules.QueryDrop
		tab, ds := engine.Compile(set, engine.Options{})
		if ds.HasErrors() {
			t.Fatalf("%s -> %s: %v", c.key, c.to, ds.Err())
		}
		caps := parseSource(c.key).captures()
		got := renderTarget(c.to, caps, false, func(string) string { return "V" }, nil)
		if want := tab.Resolve("", c.path, "").Location; got != want {
			t.Errorf("%s -> %s: exporters write %q, the engine answers %q", c.key, c.to, got, want)
		}
		if want := tab.Resolve("", c.path, "").Location; substitute(c.to, caps, func(string) string { return "V" }) != want {
			t.Errorf("%s -> %s: substitute gives %q, the engine answers %q", c.key, c.to, substitute(c.to, caps, func(string) string { return "V" }), want)
		}
	}

	for _, c := range []struct {
		to          string
		lead        string
		follows, ok bool
	}{
		{"/:id", "id", false, true},
		{"/:id/x", "id", true, true},
		{"/:splat?q", "splat", false, true},
		{"/x:id", "", false, false},
		{"/:1d", "", false, false},
		{"https://:splat", "", false, false},
	} {
		if lead, follows := leadCapture(c.to); lead != c.lead || follows != c.follows {
			t.Errorf("leadCapture(%q) = %q, %t, want %q, %t", c.to, lead, follows, c.lead, c.follows)
		}
	}
	splat := map[string]bool{"splat": true, "id": true}
	for to, want := range map[string]bool{"/x/:splat": true, ":splat": true, "/x:splat": false, "/:id/:splat": false, "/:splat/": false, "/x": false} {
		if endsInSplat(to, splat) != want {
			t.Errorf("endsInSplat(%q) = %t, want %t", to, !want, want)
		}
	}
}

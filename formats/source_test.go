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

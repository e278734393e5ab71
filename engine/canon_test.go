package engine

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// canonCases pins the canonical form of paths that are easy to get wrong.
// The importers, exporters and verify read paths through CanonicalPath, so
// this table is what they and the engine agree on.
var canonCases = []struct{ in, want string }{
	{"/jobs", "/jobs"},
	{"/a/", "/a/"},     // the trailing slash is kept
	{"/Jobs", "/Jobs"}, // the case is kept
	{"/%6Aobs", "/jobs"},
	{"/%6aobs", "/jobs"},
	{"/enc%20oded", "/enc oded"},
	{"/%3Aid", "/:id"},
	// "/" and "%" stay escaped, in upper case.
	{"/a%2fb", "/a%2Fb"},
	{"/a%2Fb", "/a%2Fb"},
	{"/100%25", "/100%25"},
	// A "%" without two hex digits is %25.
	{"/100%", "/100%25"},
	{"%", "%25"},
	{"/a%4", "/a%254"},
	{"/a%zz", "/a%25zz"},
	{"/a%+1", "/a%25+1"},
	{"/%%41", "/%25A"},
	{"/%%410", "/%25A0"}, // the decoded "A0" is no escape
	{"/%2%46", "/%252F"}, // nor is "2F"
	// Control characters, raw or escaped, are escapes.
	{"/a\tb", "/a%09b"},
	{"/a%09b", "/a%09b"},
	{"/%0a", "/%0A"},
	{"/\x00", "/%00"},
	{"/\x7f", "/%7F"},
	{"/%7f", "/%7F"},
	// UTF-8 is decoded, whichever of its bytes are escaped.
	{"/%c3%bcber", "/über"},
	{"/%C3\xbcber", "/über"},
	{"/\xc3%BCber", "/über"},
	{"/über", "/über"},
	{"/%e2%82%ac", "/€"},
	{"/%ef%bf%bd", "/\uFFFD"},
	// Bytes that are not part of valid UTF-8 are escapes.
	{"/\xff", "/%FF"},
	{"/%ff", "/%FF"},
	{"/%c3", "/%C3"},
	{"/%c3/", "/%C3/"},
	{"/%e2%82", "/%E2%82"},
	{"/%c3%bc%bc", "/ü%BC"},
	{"/%c0%af", "/%C0%AF"},             // overlong "/"
	{"/%ed%a0%80", "/%ED%A0%80"},       // a surrogate
	{"/%f4%90%80%80", "/%F4%90%80%80"}, // beyond U+10FFFF
}

func TestCanonicalPath(t *testing.T) {
	for _, c := range canonCases {
		got := CanonicalPath(c.in)
		if got != c.want {
			t.Errorf("CanonicalPath(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := CanonicalPath(got); again != got {
			t.Errorf("CanonicalPath(%q) = %q, not %q again", got, again, got)
		}
	}
}

// TestCanonicalPathIsWhatResolveCompares: a key and a request path with the
// same canonical form match, through both the exact and the pattern path.
func TestCanonicalPathIsWhatResolveCompares(t *testing.T) {
	for _, c := range canonCases {
		if !strings.HasPrefix(c.in, "/") || strings.ContainsAny(c.in, "\x00\t\x7f\"\\") || !utf8.ValidString(c.in) {
			continue // not writable as a JSON key as it is
		}
		tab := compile(t, `{"`+c.in+`": {"to": "/exact"}, "`+strings.TrimSuffix(c.in, "/")+`/*": {"to": "/prefix/:splat"}}`, Options{})
		for _, p := range []string{c.in, c.want} {
			if d := tab.Resolve("", p, ""); d.Location != "/exact" {
				t.Errorf("key %q, request %q: Location %q, want /exact", c.in, p, d.Location)
			}
			if d := tab.Resolve("", strings.TrimSuffix(p, "/")+"/x", ""); d.Location != "/prefix/x" {
				t.Errorf("key %q*, request %q/x: Location %q, want /prefix/x", c.in, p, d.Location)
			}
		}
	}
}

// FuzzCanonicalPath checks the form CanonicalPath promises: stable, valid
// UTF-8, no control character, and each "%" the start of an upper-case
// escape of "/", "%", a control character or a byte that is not UTF-8.
func FuzzCanonicalPath(f *testing.F) {
	for _, c := range canonCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := CanonicalPath(p)
		if CanonicalPath(c) != c {
			t.Fatalf("CanonicalPath(%q) = %q, which is not canonical", p, c)
		}
		if !utf8.ValidString(c) {
			t.Fatalf("CanonicalPath(%q) = %q, not UTF-8", p, c)
		}
		for i := 0; i < len(c); i++ {
			switch b := c[i]; {
			case b < 0x20 || b == 0x7f:
				t.Fatalf("CanonicalPath(%q) = %q holds a control character", p, c)
			case b == '%':
				if i+2 >= len(c) || !strings.ContainsRune(upperHex, rune(c[i+1])) || !strings.ContainsRune(upperHex, rune(c[i+2])) {
					t.Fatalf("CanonicalPath(%q) = %q: %q at %d is no upper-case escape", p, c, c[i:], i)
				}
				v, _, _ := decodedAt(c, i)
				if v != '/' && v != '%' && v >= 0x20 && v != 0x7f && v < 0x80 {
					t.Fatalf("CanonicalPath(%q) = %q keeps the escape of %q", p, c, v)
				}
			}
		}
	})
}

package server

import (
	"io/fs"
	"strings"
	"testing"
)

// FuzzSitePath: whatever the request path, a name that reaches the file
// system is a valid fs path with no dot segment other than a leading
// .well-known, and without backslashes or NUL bytes.
func FuzzSitePath(f *testing.F) {
	for _, s := range []string{"/", "/a/", "/a/b.html", "/../x", "/.env", "/.well-known/security.txt",
		"/a/.well-known/x", "//x", "/a\\b", "/a\x00", "/a/./b", "/%2e%2e/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		name, ok := sitePath(p)
		if !ok {
			return
		}
		if !fs.ValidPath(name) || strings.ContainsAny(name, "\\\x00") {
			t.Fatalf("sitePath(%q) = %q: not a valid path", p, name)
		}
		for i, seg := range strings.Split(name, "/") {
			if strings.HasPrefix(seg, ".") && !(i == 0 && seg == ".well-known") {
				t.Fatalf("sitePath(%q) = %q: dot segment %q", p, name, seg)
			}
		}
	})
}

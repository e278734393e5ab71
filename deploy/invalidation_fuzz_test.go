package deploy

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzInvalidationPaths checks that whatever a source holds, the paths sent
// to CloudFront start with "/", hold only printable ASCII without space,
// quote, "#", "?" or "\", use "*" only as the final wildcard, and keep every
// "%" as the start of an escape.
func FuzzInvalidationPaths(f *testing.F) {
	for _, s := range []string{"/jobs", "/blog/*", "/über uns", "/a%2Fb", "/100%", "/a*b", "https://h.example/x", "/:id/x", "/%zz", "/\x00\r\n", "/#?x"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, source string, variants bool) {
		if !strings.HasPrefix(source, "/") && !strings.HasPrefix(source, "http") {
			return
		}
		for _, p := range invalidationPaths(source, variants) {
			if !strings.HasPrefix(p, "/") {
				t.Fatalf("%q: path %q does not start with /", source, p)
			}
			for i := 0; i < len(p); i++ {
				c := p[i]
				switch {
				case c <= ' ' || c >= 0x7f || strings.IndexByte("\"#?\\<>{}|^`[]", c) >= 0:
					t.Fatalf("%q: path %q holds %q", source, p, c)
				case c == '*' && i != len(p)-1:
					t.Fatalf("%q: path %q has a * before its end", source, p)
				}
			}
			if _, err := url.PathUnescape(p); err != nil {
				t.Fatalf("%q: path %q has a %% that starts no escape", source, p)
			}
		}
	})
}

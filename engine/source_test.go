package engine

import (
	"fmt"
	"testing"
)

func TestSplitSource(t *testing.T) {
	cases := []struct{ key, host, path string }{
		{"/x/*", "", "/x/*"},
		{"/users/:id", "", "/users/:id"},
		{"https://Host.Example:8080/x/:id", "host.example", "/x/:id"},
		{"HTTPS://WWW.Example.COM/About", "www.example.com", "/About"},
		{"Http://old.example.com/a", "old.example.com", "/a"},
		{"https://[::1]:8080/x", "[::1]", "/x"},
		{"https://[2001:db8::1]/y", "[2001:db8::1]", "/y"},
		{"https://example.com./z", "example.com", "/z"},
		{"https://example.com", "example.com", "/"},
		{"https://example.com:443", "example.com", "/"},
		{"https://example.com/", "example.com", "/"},
	}
	for _, c := range cases {
		host, path := SplitSource(c.key)
		if host != c.host || path != c.path {
			t.Errorf("SplitSource(%q) = %q, %q; want %q, %q", c.key, host, path, c.host, c.path)
		}
		// A request for the split host and path is answered by the key's
		// own rule, with no other rule to take it.
		tab := compile(t, fmt.Sprintf(`{%q: {"to": "/found"}}`, c.key), Options{})
		probe := path
		if probe[len(probe)-1] == '*' {
			probe = probe[:len(probe)-1] + "rest"
		}
		if d := tab.Resolve(host, probe, ""); !d.Match || d.Rule.Source != c.key {
			t.Errorf("Resolve(%q, %q) on %q: match %v", host, probe, c.key, d.Match)
		}
	}
}

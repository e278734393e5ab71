package main

import (
	"reflect"
	"testing"
)

func TestPagePaths(t *testing.T) {
	tests := map[string][]string{
		"index.html":            {"/", "/index.html"},
		"pricing/index.html":    {"/pricing/", "/pricing/index.html"},
		"about.html":            {"/about.html", "/about"},
		"style.css":             {"/style.css"},
		"café/a b.html":         {"/caf%C3%A9/a%20b.html", "/caf%C3%A9/a%20b"},
		"docs/100%/index.html":  {"/docs/100%25/", "/docs/100%25/index.html"},
		"files/report?.pdf":     {"/files/report%3F.pdf"},
		"people/index.html.bak": {"/people/index.html.bak"},
	}
	for name, want := range tests {
		if got := pagePaths(name); !reflect.DeepEqual(got, want) {
			t.Errorf("pagePaths(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSitePath(t *testing.T) {
	tests := []struct {
		to, raw, decoded string
		ok               bool
	}{
		{"/pricing/", "/pricing/", "/pricing/", true},
		{"/pricing?x=1#a", "/pricing", "/pricing", true},
		{"/", "/", "/", true},
		{"/caf%C3%A9/", "/caf%C3%A9/", "/café/", true},
		{"/a/../b", "/a/../b", "/b", true},
		{"/news/:splat", "", "", false},
		{"/people/#:member", "/people/", "/people/", true},
		{"/bad%zz", "", "", false},
		{"https://example.com/x", "", "", false},
		{"//evil.example", "", "", false},
	}
	for _, tt := range tests {
		raw, decoded, ok := sitePath(tt.to)
		if raw != tt.raw || decoded != tt.decoded || ok != tt.ok {
			t.Errorf("sitePath(%q) = %q, %q, %v; want %q, %q, %v", tt.to, raw, decoded, ok, tt.raw, tt.decoded, tt.ok)
		}
	}
}

package main

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// checkSite checks compiled rules against a built site:
//
//   - a source that matches a page of the site hides it, since redirects
//     come before files (a warning: moving a page while it is still built
//     is common, but the old page will never be seen);
//   - a target that is a path on this site (no placeholder) must be a file
//     of the site, or a directory with an index.html, unless another rule
//     redirects it further (an error: the redirect ends at a 404).
//
// Host-qualified sources and absolute targets are not checked: which host
// the site is served as is not known here.
func checkSite(t *engine.Table, site fs.FS) (rules.Diagnostics, error) {
	files := map[string]bool{}
	type hiding struct {
		rule  *rules.Rule
		first string // the first page it hides
		n     int
	}
	var hidden []*hiding
	byRule := map[*rules.Rule]*hiding{}
	err := fs.WalkDir(site, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && name != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || name == "404.html" {
			return nil
		}
		files[name] = true
		for _, p := range pagePaths(name) {
			dec := t.Resolve("", p, "")
			if !dec.Match {
				continue
			}
			h := byRule[dec.Rule]
			if h == nil {
				h = &hiding{rule: dec.Rule, first: name}
				byRule[dec.Rule] = h
				hidden = append(hidden, h)
			}
			h.n++
			break
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ds rules.Diagnostics
	for _, h := range hidden {
		what := "the page " + h.first + " of the site"
		if h.n > 1 {
			what = fmt.Sprintf("%d pages of the site, such as %s", h.n, h.first)
		}
		ds = append(ds, rules.Diagnostic{File: t.Rules().File, Pos: h.rule.KeyPos, Severity: rules.Warning,
			Code:    "hides-page",
			Message: fmt.Sprintf("the source %q hides %s", h.rule.Source, what),
			Hint:    "visitors get the redirect, never the page: delete the page from the site, or the rule"})
	}
	for i := range t.Rules().Rules {
		r := &t.Rules().Rules[i]
		raw, p, ok := sitePath(r.To)
		if !ok || t.Resolve("", raw, "").Match {
			continue
		}
		name := strings.Trim(p, "/")
		if name == "" {
			name = "index.html"
		} else if strings.HasSuffix(p, "/") {
			name += "/index.html"
		}
		if files[name] || (!strings.HasSuffix(p, "/") && files[name+"/index.html"]) {
			continue
		}
		ds = append(ds, rules.Diagnostic{File: t.Rules().File, Pos: r.ToPos, Severity: rules.Error,
			Code:    "target-missing",
			Message: fmt.Sprintf("the target %q is not in the site: there is no %s", r.To, name),
			Hint:    "check the spelling of the target, and that the site was built before the check"})
	}
	return ds, nil
}

// pagePaths returns the request paths that serve the site's file name:
// pricing/index.html is /pricing/ (and /pricing), pricing.html is also
// /pricing.
func pagePaths(name string) []string {
	esc := (&url.URL{Path: "/" + name}).EscapedPath()
	switch {
	case name == "index.html":
		return []string{"/", esc}
	case path.Base(name) == "index.html":
		return []string{strings.TrimSuffix(esc, "index.html"), esc}
	case strings.HasSuffix(name, ".html"):
		return []string{esc, strings.TrimSuffix(esc, ".html")}
	}
	return []string{esc}
}

// sitePath returns the path a target names on this site, as written and
// decoded, when it is one without placeholders.
func sitePath(to string) (raw, decoded string, ok bool) {
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") {
		return "", "", false
	}
	if i := strings.IndexAny(to, "?#"); i >= 0 {
		to = to[:i]
	}
	if strings.Contains(to, ":") {
		return "", "", false // a placeholder, or a colon the check cannot tell from one
	}
	p, err := url.PathUnescape(to)
	if err != nil || strings.ContainsRune(p, 0) {
		return "", "", false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return to, clean, true
}

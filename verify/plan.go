package verify

import (
	"net/url"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/samplepath"
)

// sampleQuery is the query string sent with each source once, to check
// that the site keeps or drops it as the rule says.
const sampleQuery = "signpost-verify=1"

// plan lists the checks of a run: three URLs per rule, then the cases,
// then the sitemap.
func plan(opts Options) []*Check {
	var checks []*Check
	baseHost := opts.Base.Host
	if opts.Table != nil {
		seen := map[string]bool{}
		for _, r := range opts.Table.Rules().Rules {
			host, p := samplePath(r.Source)
			for _, u := range []string{p, engine.ToggleSlash(p), p + "?" + sampleQuery} {
				key := host + " " + u
				if seen[key] {
					continue
				}
				seen[key] = true
				c := &Check{Kind: KindRule, Source: r.Source, URL: u, Host: host}
				rh := host
				if rh == "" {
					rh = baseHost
				}
				path, query, _ := strings.Cut(u, "?")
				d := opts.Table.Resolve(rh, path, query)
				if d.Match {
					c.WantStatus, c.WantLocation = d.Status, d.Location
				}
				checks = append(checks, c)
			}
		}
	}
	for _, cs := range opts.Cases {
		c := &Check{Kind: KindCase, Source: cs.URL, WantStatus: cs.Status, WantLocation: cs.Location}
		c.URL, c.Host = splitURL(cs.URL)
		if c.WantStatus == 0 {
			c.WantStatus = 200
		}
		checks = append(checks, c)
	}
	for _, s := range opts.Sitemap {
		c := &Check{Kind: KindSitemap, Source: s, WantStatus: 200}
		c.URL, _ = splitURL(s)
		checks = append(checks, c)
	}
	return checks
}

// splitURL returns the path and query of a URL, and its host when it is
// absolute.
func splitURL(s string) (string, string) {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		if !strings.HasPrefix(s, "/") {
			s = "/" + s
		}
		return s, ""
	}
	return u.RequestURI(), u.Host
}

// samplePath derives a request path from a rule's source: "*" filled with
// "a/b", each :name with "example", unsafe bytes percent-encoded. For a
// source that is a full URL it also returns the host, as the engine keys
// it.
func samplePath(source string) (host, path string) {
	host, path = engine.SplitSource(source)
	splat := strings.HasSuffix(path, "*")
	path = samplepath.Fill(strings.TrimSuffix(path, "*"), "example")
	if splat {
		path += "a/b"
	}
	return host, samplepath.Escape(path)
}

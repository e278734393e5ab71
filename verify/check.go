package verify

import (
	"context"
	"net/url"
	"strings"
)

func isRedirect(status int) bool { return status >= 300 && status < 400 }

// answered reports whether a status is one a rule gives (a redirect, or
// 410).
func answered(status int) bool { return isRedirect(status) || status == 410 }

// run sends a check's request, compares the answer with what is wanted and
// follows it to its end.
func run(ctx context.Context, f *fetcher, opts Options, c *Check) {
	start := requestURL(opts.Base, c.URL)
	a, err := f.get(ctx, start, c.Host)
	if err != nil {
		c.fail("no answer after %d tries: %v", a.Tries, err)
		return
	}
	c.GotStatus, c.GotLocation = a.Status, a.Location
	c.Chain = append(c.Chain, Hop{URL: c.URL, Status: a.Status, Location: a.Location})
	// What the URL resolves against: the rule's host when the check sent
	// another Host header.
	here := *start
	if c.Host != "" {
		here.Host = c.Host
	}
	switch c.Kind {
	case KindRule:
		compareRule(c, &here)
	case KindCase:
		compareCase(c, &here)
	}
	if !isRedirect(a.Status) || a.Location == "" {
		if c.Kind == KindSitemap && a.Status != 200 {
			c.fail("answers %d, not a page", a.Status)
		}
		return
	}
	follow(ctx, f, opts, c, &here, a.Location)
}

// compareRule checks an answer against the engine's decision.
func compareRule(c *Check, here *url.URL) {
	switch {
	case c.WantStatus == 0 && answered(c.GotStatus):
		c.fail("the rules do not redirect it; the site answers %d %s", c.GotStatus, c.GotLocation)
	case c.WantStatus == 0:
	case c.GotStatus != c.WantStatus && !sameLocation(here, c.GotLocation, c.WantLocation):
		c.fail("status %d, want %d; Location %s, want %s", c.GotStatus, c.WantStatus, orNone(c.GotLocation), orNone(c.WantLocation))
	case c.GotStatus != c.WantStatus:
		c.fail("status %d, want %d", c.GotStatus, c.WantStatus)
	case c.WantLocation != "" && !sameLocation(here, c.GotLocation, c.WantLocation):
		c.fail("Location %s, want %s", orNone(c.GotLocation), c.WantLocation)
	}
}

// compareCase checks an answer against a case: 200 means not redirected.
func compareCase(c *Check, here *url.URL) {
	switch {
	case c.WantStatus == 200 && answered(c.GotStatus):
		c.fail("answers %d %s; the case wants a page (200)", c.GotStatus, c.GotLocation)
	case c.WantStatus == 200 && c.GotStatus != 200:
		c.fail("answers %d; the case wants a page (200)", c.GotStatus)
	case c.GotStatus != c.WantStatus:
		c.fail("status %d, want %d", c.GotStatus, c.WantStatus)
	case c.WantLocation != "" && !sameLocation(here, c.GotLocation, c.WantLocation):
		c.fail("Location %s, want %s", orNone(c.GotLocation), c.WantLocation)
	}
}

// follow requests each Location in turn and reports chains, loops, and
// final answers that are not 200.
func follow(ctx context.Context, f *fetcher, opts Options, c *Check, here *url.URL, loc string) {
	seen := map[string]bool{here.String(): true}
	cur := here
	for hops := 1; ; hops++ {
		next, err := cur.Parse(loc)
		if err != nil {
			c.fail("Location %q is not a URL: %v", loc, err)
			return
		}
		if seen[next.String()] {
			c.Chain = append(c.Chain, Hop{URL: next.String()})
			c.finding(c.Kind == KindSitemap, "a redirect loop: %s", chainText(c.Chain))
			return
		}
		seen[next.String()] = true
		if hops > opts.MaxHops {
			c.finding(c.Kind == KindSitemap, "more than %d redirects: %s", opts.MaxHops, chainText(c.Chain))
			return
		}
		own := strings.EqualFold(next.Host, opts.Base.Host)
		if !own && !opts.FollowExternal {
			c.Chain = append(c.Chain, Hop{URL: next.String()})
			if c.Kind == KindSitemap && hops > 1 {
				c.fail("%d redirects before a page; at most one: %s", hops, chainText(c.Chain))
			}
			return // another site: not followed
		}
		target := next
		if own {
			target = requestURL(opts.Base, next.RequestURI())
		}
		a, err := f.get(ctx, target, "")
		if err != nil {
			c.Chain = append(c.Chain, Hop{URL: next.String()})
			c.finding(c.Kind == KindSitemap, "the redirect's target %s gives no answer after %d tries: %v", next, a.Tries, err)
			return
		}
		c.Chain = append(c.Chain, Hop{URL: next.String(), Status: a.Status, Location: a.Location})
		if isRedirect(a.Status) && a.Location != "" {
			cur, loc = next, a.Location
			continue
		}
		if hops > 1 {
			c.finding(c.Kind == KindSitemap, "%d redirects before the end, each one more round trip for a visitor: %s", hops, chainText(c.Chain))
		}
		if a.Status != 200 {
			c.finding(c.Kind == KindSitemap, "ends at %d: %s", a.Status, chainText(c.Chain))
		}
		return
	}
}

// finding adds a failure when hard is set, a warning otherwise.
func (c *Check) finding(hard bool, format string, args ...any) {
	if hard {
		c.fail(format, args...)
	} else {
		c.warn(format, args...)
	}
}

// requestURL puts a path and query on the base URL, after its own path.
func requestURL(base *url.URL, pathQuery string) *url.URL {
	u := *base
	path, query, _ := strings.Cut(pathQuery, "?")
	prefix := strings.TrimSuffix(base.EscapedPath(), "/")
	u.RawPath = ""
	u.Path = ""
	u.Opaque = ""
	if p, err := url.PathUnescape(prefix + path); err == nil {
		u.Path = p
		u.RawPath = prefix + path
	}
	u.RawQuery = query
	return &u
}

// sameLocation compares two Locations as a browser would resolve them.
func sameLocation(here *url.URL, got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := here.Parse(got)
	w, err2 := here.Parse(want)
	return err1 == nil && err2 == nil && g.String() == w.String()
}

func chainText(chain []Hop) string {
	var parts []string
	for _, h := range chain {
		if h.Status != 0 {
			parts = append(parts, h.URL+" ("+itoa(h.Status)+")")
		} else {
			parts = append(parts, h.URL)
		}
	}
	return strings.Join(parts, " -> ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// orderedRule is a rule of a format that applies the first rule that
// matches (Netlify, S3 routing rules), as the importers compare it with
// later rules.
type orderedRule struct {
	Line        int
	From, To    string
	Status      int  // 301 when the line has none
	Force       bool // the status ends in "!"
	QueryParams []string
	Conditions  []string
	src         source
	m           *matcher
	// kept is false when the rule is not imported; Netlify still applies
	// it, so it still shadows later rules.
	kept bool
	// conditional rules apply to some requests only and shadow nothing
	// for certain.
	conditional bool
}

// ImportNetlify reads a Netlify (or Cloudflare Pages) _redirects file.
//
// The imported rules behave as the file did on Netlify, which applies the
// first rule that matches: where signpost's precedence (exact rules first,
// then the longest literal prefix) would pick a later rule for a URL an
// earlier pattern already takes, the later rule is dropped and reported, and
// so is a rule whose source differs from an earlier one only by a trailing
// slash. Rewrites (200), custom 404 pages, proxies, and rules with
// conditions (country, language, role, cookie) or query parameter matching
// are reported, not imported.
func ImportNetlify(name string, data []byte) (*Imported, error) {
	imp := newImported(name)
	imp.Header = []string{fmt.Sprintf("Imported from the Netlify _redirects file %s by signpost import.", name)}
	fm := newFirstMatch()
	var comments []string
	unforced := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			comments = nil
			continue
		}
		if strings.HasPrefix(text, "#") {
			if c := strings.Trim(text, "# \t"); c != "" {
				comments = append(comments, c)
			}
			continue
		}
		r, err := parseNetlifyLine(line, text)
		if err != nil {
			imp.drop(line, "", "%v", err)
			comments = nil
			continue
		}
		if reason := r.unsupported(); reason != "" {
			fm.add(r)
			imp.drop(line, r.From, "%s", reason)
			comments = nil
			continue
		}
		why := fm.shadowedBy(r)
		fm.add(r)
		if why != "" {
			imp.drop(line, r.From, "%s", why)
			comments = nil
			continue
		}
		r.kept = true
		if !r.Force {
			unforced++
		}
		rule := rules.Rule{Source: r.From, To: r.To, Status: r.Status}
		if r.Status == rules.StatusGone {
			rule.To = ""
			rule.Note = "Netlify showed " + r.To + " with this status"
		}
		imp.add(rule, line, comments)
		comments = nil
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", name, line+1, err)
	}
	if unforced > 0 {
		imp.Notices = append(imp.Notices, fmt.Sprintf("%d rules without \"!\" were applied by Netlify only where no file exists at the source; signpost applies every rule first: run 'signpost check --site DIR' to find sources that are pages", unforced))
	}
	return imp, nil
}

// parseNetlifyLine reads "from [param=value...] to [status[!]] [Key=value...]".
func parseNetlifyLine(line int, text string) (*orderedRule, error) {
	f := strings.Fields(text)
	r := &orderedRule{Line: line, From: f[0], Status: 301}
	// Netlify ignores a trailing slash before it looks for the splat:
	// /docs/kubectl_*/ is the prefix rule /docs/kubectl_*.
	if strings.HasSuffix(r.From, "*/") {
		r.From = strings.TrimSuffix(r.From, "/")
	}
	i := 1
	for i < len(f) && strings.Contains(f[i], "=") && !strings.HasPrefix(f[i], "/") && !strings.Contains(f[i], "://") {
		r.QueryParams = append(r.QueryParams, f[i])
		i++
	}
	if i >= len(f) {
		return nil, fmt.Errorf("%q has no target: a line is \"FROM TO [STATUS]\"", text)
	}
	r.To = f[i]
	i++
	if i < len(f) && !strings.Contains(f[i], "=") {
		s := f[i]
		r.Force = strings.HasSuffix(s, "!")
		n, err := strconv.Atoi(strings.TrimSuffix(s, "!"))
		if err != nil {
			return nil, fmt.Errorf("%q is not a status code", s)
		}
		r.Status = n
		i++
	}
	r.Conditions = f[i:]
	r.src = parseSource(r.From)
	r.m = newMatcher(r.src)
	r.conditional = len(r.QueryParams) > 0 || len(r.Conditions) > 0
	return r, nil
}

// unsupported says why a rule cannot be carried over, or "".
func (r *orderedRule) unsupported() string {
	switch {
	case len(r.QueryParams) > 0:
		return fmt.Sprintf("matches on query parameters (%s), which signpost does not", strings.Join(r.QueryParams, " "))
	case len(r.Conditions) > 0:
		return fmt.Sprintf("has conditions (%s), which signpost does not support", strings.Join(r.Conditions, " "))
	case r.Status == 200 && !isLocal(r.To):
		return "a proxy (200 to another site); signpost only redirects"
	case r.Status == 200:
		return "a rewrite (200) serves other content under the same URL; signpost only redirects"
	case r.Status == 404:
		return "a custom 404 page; serve it as the site's 404.html"
	case r.Status == rules.StatusGone:
		return ""
	case !isRedirectStatus(r.Status):
		return fmt.Sprintf("status %d is not a redirect signpost can send (301, 302, 303, 307, 308 or 410)", r.Status)
	case strings.Contains(strings.TrimSuffix(r.From, "*"), "*"):
		return "a \"*\" before the end of the source is no wildcard: Netlify matches only the path with a literal \"*\" in it"
	}
	return ""
}

func isRedirectStatus(n int) bool {
	return n == 301 || n == 302 || n == 303 || n == 307 || n == 308
}

// firstMatch holds the rules read so far of a format that applies the
// first rule that matches, indexed so that checking a rule against all
// earlier ones costs a map lookup and a pass over the earlier patterns.
type firstMatch struct {
	all  []*orderedRule
	same map[string]*orderedRule // by normalized source, the first
	// patterns holds the unconditional patterns, in order, by their
	// literal prefix without a final slash: only a pattern whose prefix
	// starts a rule's path can match it.
	patterns map[string][]*orderedRule
}

func newFirstMatch() *firstMatch {
	return &firstMatch{same: map[string]*orderedRule{}, patterns: map[string][]*orderedRule{}}
}

// candidates returns the earlier patterns that may match what r matches,
// in file order.
func (fm *firstMatch) candidates(r *orderedRule) []*orderedRule {
	var out []*orderedRule
	p := r.src.Prefix
	for i := 0; i <= len(p); i++ {
		out = append(out, fm.patterns[p[:i]]...)
	}
	slices.SortFunc(out, func(a, b *orderedRule) int { return a.Line - b.Line })
	return out
}

// sourceKey is the same for two sources that are one after normalization.
func sourceKey(s source) string {
	return fmt.Sprintf("%s|%t|%t|%d|%s", s.Host, s.Exact, s.Splat, len(s.Parts), engine.TrimSlash(engine.CanonicalPath(s.Path)))
}

func (fm *firstMatch) add(r *orderedRule) {
	fm.all = append(fm.all, r)
	if r.conditional {
		return
	}
	if k := sourceKey(r.src); fm.same[k] == nil {
		fm.same[k] = r
	}
	if !r.src.Exact {
		k := strings.TrimSuffix(r.src.Prefix, "/")
		fm.patterns[k] = append(fm.patterns[k], r)
	}
}

// shadowedBy says why Netlify never (or not always) applies r where
// signpost would, or "". Netlify applies the first rule that matches; the
// engine prefers exact rules, host rules, and longer literal prefixes.
func (fm *firstMatch) shadowedBy(r *orderedRule) string {
	var best *orderedRule
	var why string
	consider := func(e *orderedRule, reason string) {
		if best == nil || e.Line < best.Line {
			best, why = e, reason
		}
	}
	if e := fm.same[sourceKey(r.src)]; e != nil {
		if e.From == r.From {
			consider(e, fmt.Sprintf("the same source as line %d, which Netlify applies first", e.Line))
		} else {
			consider(e, fmt.Sprintf("differs from line %d (%s) only by a trailing slash; Netlify applies line %d", e.Line, e.From, e.Line))
		}
	}
	// A host rule can lose to any earlier rule without a host; other rules
	// only to earlier patterns.
	earlier := fm.all
	if r.src.Host == "" {
		earlier = fm.candidates(r)
	}
	for _, e := range earlier {
		if e.conditional || !prefers(r.src, e.src) {
			continue
		}
		if p := overlap(e, r); p != "" {
			what := "a rewrite Netlify applies first"
			if e.kept {
				what = "applied first by Netlify"
			} else if isRedirectStatus(e.Status) || e.Status == rules.StatusGone {
				what = "applied first by Netlify (and not imported)"
			}
			consider(e, fmt.Sprintf("shadowed by line %d (%s), %s, for %s", e.Line, e.From, what, p))
			break
		}
	}
	return why
}

// overlap returns a path both rules match, or "".
func overlap(e, r *orderedRule) string {
	host := r.src.Host
	if host == "" {
		host = e.src.Host
	}
	for _, p := range r.src.samples(e.src) {
		if e.m.match(host, p) && r.m.match(host, p) {
			return p
		}
	}
	return ""
}

// prefers reports whether the engine would pick a over b for a request
// both match, whatever their order in the file.
func prefers(a, b source) bool {
	if (a.Host != "") != (b.Host != "") {
		return a.Host != ""
	}
	if a.Exact != b.Exact {
		return a.Exact
	}
	if a.Exact {
		return false
	}
	return len(a.Prefix) > len(b.Prefix)
}

// ExportNetlify writes the rules as a _redirects file. Netlify applies the
// first rule that matches, so the rules are written in the engine's order
// of precedence; every status is forced ("!"), since signpost applies its
// rules even where a file exists. Netlify always passes the query string
// on, shows a page for 410, and has no "query": "drop": such rules are
// problems.
func ExportNetlify(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b bytes.Buffer
	ordered, probs := precedenceOrder(set, opts)
	probs = append(probs, caseProblem(set, opts, "netlify")...)
	b.WriteString(header(set, "#", "Netlify _redirects"))
	for _, r := range ordered {
		switch {
		case r.Status == rules.StatusGone:
			probs = append(probs, problem(set, r, "netlify shows a page for 410 and needs one as its target; add the rule by hand with your 404 page"))
			continue
		case r.Query == rules.QueryDrop:
			probs = append(probs, problem(set, r, `netlify always passes the query string on ("query": "drop")`))
			continue
		}
		fmt.Fprintf(&b, "%s %s %d!\n", r.Source, r.To, r.Status)
	}
	return b.Bytes(), probs
}

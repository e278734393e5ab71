package formats

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// ExportCaddy writes the rules as a Caddyfile snippet to import inside a
// site block. The rules sit in one "route" block, which Caddy runs in the
// order written, so they are written in the engine's order of precedence;
// each matches the path with a regular expression that ignores one trailing
// slash. A rule that keeps the query string has two handlers, one for
// requests with a query and one for requests without, so that no stray "?"
// is sent.
func ExportCaddy(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b bytes.Buffer
	ordered, probs := precedenceOrder(set, opts)
	b.WriteString(header(set, "#", "Caddy redirects"))
	b.WriteString("# Import it inside the site block: import signpost-redirects.caddy\nroute {\n")
	for i, r := range ordered {
		if strings.ContainsAny(r.To, "{}") {
			probs = append(probs, problem(set, r, `caddy reads "{" and "}" in a target as a placeholder; percent-encode them`))
			continue
		}
		src := parseSource(r.Source)
		caps := src.captures()
		name := fmt.Sprintf("sp%d", i+1)
		matcher := func(suffix, extra string) {
			fmt.Fprintf(&b, "\t@%s%s {\n", name, suffix)
			if src.Host != "" {
				fmt.Fprintf(&b, "\t\thost %s\n", src.Host)
			}
			fmt.Fprintf(&b, "\t\tpath_regexp %s %s\n", name, caddyQuote(opts.caseFlag()+src.regex(true, r.To)))
			if extra != "" {
				fmt.Fprintf(&b, "\t\t%s\n", extra)
			}
			b.WriteString("\t}\n")
		}
		ref := func(p string) string { return "{re." + name + ".sp_" + p + "}" }
		if r.Status == rules.StatusGone {
			matcher("", "")
			fmt.Fprintf(&b, "\trespond @%s 410\n", name)
			continue
		}
		if r.Query == rules.QueryKeep {
			matcher("q", `expression {query} != ""`)
			to := renderTarget(r.To, caps, true, ref, func(hasQuery bool) string {
				if hasQuery {
					return "&{query}"
				}
				return "?{query}"
			})
			fmt.Fprintf(&b, "\tredir @%sq %s %d\n", name, caddyQuote(to), r.Status)
		}
		matcher("", "")
		to := renderTarget(r.To, caps, false, ref, nil)
		fmt.Fprintf(&b, "\tredir @%s %s %d\n", name, caddyQuote(to), r.Status)
	}
	b.WriteString("}\n")
	return b.Bytes(), probs
}

// caddyQuote writes s as a Caddyfile quoted token.
func caddyQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

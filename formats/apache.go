package formats

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// ExportApache writes the rules as mod_rewrite directives for the server or
// virtual host configuration, or for an .htaccess file at the site's root
// (each pattern accepts the path with or without its leading slash).
// mod_rewrite applies the first rule that matches, so the rules are written
// in the engine's order of precedence. The query string is kept (QSA where
// the target has one) or discarded (QSD) as the rule says. Captured values
// are taken from the request line, still encoded, when it has the usual
// encoding (a condition on THE_REQUEST), and decoded from the path
// otherwise.
func ExportApache(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b bytes.Buffer
	ordered, probs := precedenceOrder(set, opts)
	b.WriteString(header(set, "#", "Apache redirects"))
	b.WriteString("# For the virtual host configuration or .htaccess; needs mod_rewrite.\nRewriteEngine On\n")
	for _, r := range ordered {
		if strings.ContainsAny(r.Source+r.To, "\"") {
			probs = append(probs, problem(set, r, `apache cannot quote '"' in a rule; percent-encode it as %%22`))
			continue
		}
		src := parseSource(r.Source)
		names := src.captureNames()
		if len(names) > 9 {
			probs = append(probs, problem(set, r, "mod_rewrite has only $1 to $9 for captured values; the source captures %d", len(names)))
			continue
		}
		pattern := opts.pcreCaseFlag() + "^/?" + strings.TrimPrefix(src.regex(false, r.To), "^/")
		cond := ""
		if src.Host != "" {
			cond = fmt.Sprintf("RewriteCond %%{HTTP_HOST} \"^%s(:[0-9]+)?$\" [NC]\n", regexp.QuoteMeta(src.Host))
		}
		if r.Status == rules.StatusGone {
			fmt.Fprintf(&b, "%sRewriteRule \"%s\" - [G,L]\n", cond, pattern)
			continue
		}
		caps := src.captures()
		t := splitTarget(r.To)
		esc := strings.NewReplacer(`$`, `\$`, `%`, `\%`)
		// ref writes a captured value: $N from the rule's pattern (decoded),
		// or %N from the last condition, the request line (still encoded).
		ref := func(sigil string) func(string) string {
			return func(name string) string {
				for i, n := range names {
					if n == name {
						return fmt.Sprintf("%s%d", sigil, i+1)
					}
				}
				return ""
			}
		}
		// Captured values are written as the client sent them when the
		// request line has the usual encoding, decoded otherwise.
		variants := []struct{ cond, sigil string }{{"", "$"}}
		if hasPlaceholder(r.To, caps) {
			raw := opts.pcreCaseFlag() + `^[A-Z]+ ` + strings.TrimPrefix(src.rawRegex(r.To, `\s`), "^")
			variants = append([]struct{ cond, sigil string }{{fmt.Sprintf("RewriteCond %%{THE_REQUEST} \"%s\"\n", raw), "%"}}, variants...)
		}
		for _, v := range variants {
			flags := fmt.Sprintf("R=%d,L,NE", r.Status)
			switch {
			case r.Query == rules.QueryDrop:
				flags += ",QSD"
			case t.HasFragment:
				// mod_rewrite would append the query after the fragment:
				// write it in place for requests that have one.
				with := renderTarget(esc.Replace(r.To), caps, true, ref(v.sigil), func(hasQuery bool) string {
					if hasQuery {
						return "&%{QUERY_STRING}"
					}
					return "?%{QUERY_STRING}"
				})
				fmt.Fprintf(&b, "%sRewriteCond %%{QUERY_STRING} .\n%sRewriteRule \"%s\" \"%s\" [%s,QSD]\n", cond, v.cond, pattern, with, flags)
				flags += ",QSD" // the request has no query
			case t.HasQuery:
				flags += ",QSA"
			}
			to := renderTarget(esc.Replace(r.To), caps, false, ref(v.sigil), nil)
			fmt.Fprintf(&b, "%s%sRewriteRule \"%s\" \"%s\" [%s]\n", cond, v.cond, pattern, to, flags)
		}
	}
	return b.Bytes(), probs
}

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
// the target has one) or discarded (QSD) as the rule says.
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
		if r.Status == rules.StatusGone {
			if src.Host != "" {
				fmt.Fprintf(&b, "RewriteCond %%{HTTP_HOST} \"^%s(:[0-9]+)?$\" [NC]\n", regexp.QuoteMeta(src.Host))
			}
			fmt.Fprintf(&b, "RewriteRule \"%s\" - [G,L]\n", pattern)
			continue
		}
		caps := src.captures()
		t := splitTarget(r.To)
		esc := strings.NewReplacer(`$`, `\$`, `%`, `\%`)
		ref := func(name string) string {
			for i, n := range names {
				if n == name {
					return fmt.Sprintf("$%d", i+1)
				}
			}
			return ""
		}
		cond := ""
		if src.Host != "" {
			cond = fmt.Sprintf("RewriteCond %%{HTTP_HOST} \"^%s(:[0-9]+)?$\" [NC]\n", regexp.QuoteMeta(src.Host))
		}
		flags := fmt.Sprintf("R=%d,L,NE", r.Status)
		switch {
		case r.Query == rules.QueryDrop:
			flags += ",QSD"
		case t.HasFragment:
			// mod_rewrite would append the query after the fragment:
			// write it in place for requests that have one.
			with := renderTarget(esc.Replace(r.To), caps, true, ref, func(hasQuery bool) string {
				if hasQuery {
					return "&%{QUERY_STRING}"
				}
				return "?%{QUERY_STRING}"
			})
			fmt.Fprintf(&b, "RewriteCond %%{QUERY_STRING} .\n%sRewriteRule \"%s\" \"%s\" [%s,QSD]\n", cond, pattern, with, flags)
		case t.HasQuery:
			flags += ",QSA"
		}
		to := renderTarget(esc.Replace(r.To), caps, false, ref, nil)
		if t.HasFragment && r.Query == rules.QueryKeep {
			flags += ",QSD" // the request had no query
		}
		fmt.Fprintf(&b, "%sRewriteRule \"%s\" \"%s\" [%s]\n", cond, pattern, to, flags)
	}
	return b.Bytes(), probs
}

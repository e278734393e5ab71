package formats

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/signposthq/signpost/engine"
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
//
// mod_rewrite matches the decoded URL-path, so patterns match decoded text
// (%25 is "%", a control character or a byte that is not UTF-8 \xHH).
// Apache answers 404 to a path holding %00, and to one holding %2F unless
// AllowEncodedSlashes is set; with NoDecode, which this export asks for,
// %2F stays in the path as sent and the pattern matches it as the engine
// does. Apache resolves "." and ".." segments of the decoded path (%2E
// included) before matching: such rules cannot be written.
func ExportApache(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b bytes.Buffer
	ordered, probs := precedenceOrder(set, opts)
	b.WriteString(header(set, "#", "Apache redirects"))
	b.WriteString("# For the virtual host configuration or .htaccess; needs mod_rewrite.\n")
	head := b.Len()
	b.WriteString("RewriteEngine On\n")
	// With AllowEncodedSlashes NoDecode, %2F stays in the path as sent.
	decoded := decodedLiteral(pcreByte, func(c byte) string {
		if c == '/' {
			return "%2[Ff]"
		}
		return ""
	})
	// mod_rewrite ends a quoted argument at the next '"', with no way to
	// escape it: a '"' the path holds (%22 decoded) is matched as \x22.
	lit := func(s string) string { return strings.ReplaceAll(decoded(s), `"`, `\x22`) }
	slashes := false
	for _, r := range ordered {
		if strings.ContainsAny(r.Source+r.To, "\"") {
			probs = append(probs, problem(set, r, `apache cannot quote '"' in a rule; percent-encode it as %%22`))
			continue
		}
		src := parseSource(r.Source)
		esc := src.escapes()
		// The canonical path is Apache's: escapes decoded, %2F kept.
		if why := unreachable("apache", "answers 404 to a path holding %00 before any rule", engine.CanonicalPath(src.Path), opts, esc); why != "" {
			probs = append(probs, problem(set, r, "%s", why))
			continue
		}
		if esc.Slash {
			slashes = true
			probs = append(probs, warning(set, r, "apache answers 404 to a path holding %%2F unless the virtual host sets AllowEncodedSlashes NoDecode (not allowed in .htaccess); with it, this rule matches as signpost does"))
		}
		names := src.captureNames()
		if len(names) > 9 {
			probs = append(probs, problem(set, r, "mod_rewrite has only $1 to $9 for captured values; the source captures %d", len(names)))
			continue
		}
		pattern := opts.pcreCaseFlag() + "^/?" + strings.TrimPrefix(src.serverRegex(false, r.To, lit), "^/")
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
		subst := strings.NewReplacer(`$`, `\$`, `%`, `\%`)
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
				with := renderTarget(subst.Replace(r.To), caps, true, ref(v.sigil), func(hasQuery bool) string {
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
			to := renderTarget(subst.Replace(r.To), caps, false, ref(v.sigil), nil)
			fmt.Fprintf(&b, "%s%sRewriteRule \"%s\" \"%s\" [%s]\n", cond, v.cond, pattern, to, flags)
		}
	}
	out := b.Bytes()
	if slashes {
		note := "# Rules for paths holding %2F need, in the virtual host: AllowEncodedSlashes NoDecode\n"
		out = slices.Concat(out[:head:head], []byte(note), out[head:])
	}
	return out, probs
}

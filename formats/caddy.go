package formats

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// ExportCaddy writes the rules as a Caddyfile snippet to import inside a
// site block. The rules sit in one "route" block, which Caddy runs in the
// order written, so they are written in the engine's order of precedence;
// each matches the path with a regular expression that ignores one trailing
// slash.
//
// path_regexp matches the decoded path (every escape decoded, slashes
// merged, "." and ".." resolved), so the expressions match decoded text:
// %25 is "%", a control character \xHH. Caddy cannot tell %2F from "/"
// and reads a byte that is not UTF-8 as U+FFFD: warnings name what such
// rules also match. A key that merging or resolving would change cannot be
// reached. A rule that keeps the query string has two handlers, one for
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
		if p := decodePath(engine.CanonicalPath(src.Path)); cleanSlashes(p) != p {
			probs = append(probs, problem(set, r, `caddy merges slashes and resolves "." and ".." segments of the decoded path before matching: no request reaches this rule`))
			continue
		}
		esc := src.escapes()
		if esc.Slash {
			probs = append(probs, warning(set, r, "caddy decodes %%2F before matching: this rule also matches %q", withSlashes(r.Source)))
		}
		if esc.NonUTF8 != "" {
			probs = append(probs, warning(set, r, "caddy reads a byte that is not UTF-8 as U+FFFD: this rule also matches any such byte, or U+FFFD, where the key has %s", esc.NonUTF8))
		}
		re := opts.caseFlag() + src.serverRegex(true, r.To, decodedLiteral(goInvalidByte, nil))
		caps := src.captures()
		name := fmt.Sprintf("sp%d", i+1)
		matcher := func(suffix, extra string) {
			fmt.Fprintf(&b, "\t@%s%s {\n", name, suffix)
			if src.Host != "" {
				fmt.Fprintf(&b, "\t\thost %s\n", src.Host)
			}
			fmt.Fprintf(&b, "\t\tpath_regexp %s %s\n", name, caddyQuote(re))
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

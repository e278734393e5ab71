package formats

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// ExportNginx writes the rules as nginx configuration to include inside a
// server block. Exact rules become "location =" blocks for the path with
// and without its trailing slash; pattern rules become regular expression
// locations in the engine's order of precedence (nginx tries them in the
// order written, after exact locations); host-qualified rules are tested on
// "$host$uri" at the server level, before any location, as they take
// precedence. The query string is appended unless the rule drops it.
//
// nginx matches the decoded, normalized path ($uri), where every escape is
// decoded: the rules are written in that form ("/100%25-off" is
// "/100%-off"), a control character or a byte that is not UTF-8 as \xHH in
// a regular expression. nginx cannot tell %2F from "/" (a warning names
// what such a rule also matches, an error the rule that would take the
// same location as another), answers 400 to %00, and resolves "." and ".."
// segments that decoding makes: those rules cannot be written. Captured
// values are written into the Location as the client sent them (from
// $request_uri, still percent-encoded) when the raw path has the usual
// encoding, and as decoded otherwise; a target that holds "$" cannot be
// written, as nginx would read it as a variable. The header asks for
// "merge_slashes off", without which nginx takes /a//b for /a/b.
func ExportNginx(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b, hosts, exact, patterns bytes.Buffer
	ordered, probs := precedenceOrder(set, opts)
	b.WriteString(header(set, "#", "nginx redirects"))
	b.WriteString("# Include it inside the site's server block: include signpost-redirects.conf;\n")
	b.WriteString("# With it in the server block: absolute_redirect off; (keeps path targets relative)\n")
	b.WriteString("# and merge_slashes off; (so /a//b is not /a/b, as signpost decides).\n")
	b.WriteString("set $signpost_q \"\";\nset $signpost_qa \"\";\nif ($args != \"\") {\n\tset $signpost_q \"?$args\";\n\tset $signpost_qa \"&$args\";\n}\n")
	seen := map[string]string{} // exact locations written, and the source of each
	for _, r := range ordered {
		if strings.Contains(r.To, "$") {
			probs = append(probs, problem(set, r, `nginx reads "$" in a target as a variable; percent-encode it as %%24`))
			continue
		}
		src := parseSource(r.Source)
		esc := src.escapes()
		if why := unreachable("nginx", "answers 400 to a path holding %00", decodePath(engine.CanonicalPath(src.Path)), opts, esc); why != "" {
			probs = append(probs, problem(set, r, "%s", why))
			continue
		}
		caps := src.captures()
		ret := func(prefix string) string {
			if r.Status == rules.StatusGone {
				return "return 410;"
			}
			to := renderTarget(r.To, caps, r.Query == rules.QueryKeep,
				func(name string) string { return "${" + prefix + name + "}" },
				func(hasQuery bool) string {
					if hasQuery {
						return "$signpost_qa"
					}
					return "$signpost_q"
				})
			return fmt.Sprintf("return %d %s;", r.Status, nginxQuote(to))
		}
		action := ret("sp_")
		// Captured values are written as the client sent them, still
		// encoded, when the request's raw path matches; decoded otherwise.
		raw := r.Status != rules.StatusGone && hasPlaceholder(r.To, caps)
		rawIf := func(variable, prefix string) string {
			re := opts.pcreCaseFlag() + "^" + prefix + strings.TrimPrefix(src.rawRegex(r.To, ""), "^")
			return fmt.Sprintf("if (%s ~ %s) {\n\t%s\n}\n", variable, nginxQuote(re), ret("sp_raw_"))
		}
		lit := decodedLiteral(pcreByte, nil)
		exactPath := decodePath(engine.TrimSlash(engine.CanonicalPath(src.Path)))
		switch {
		case src.Host != "":
			if raw {
				hosts.WriteString(rawIf("$signpost_hostraw", regexp.QuoteMeta(src.Host)))
			}
			re := opts.pcreCaseFlag() + "^" + regexp.QuoteMeta(src.Host) + strings.TrimPrefix(src.serverRegex(true, r.To, lit), "^")
			fmt.Fprintf(&hosts, "if ($signpost_hostpath ~ %s) {\n\t%s\n}\n", nginxQuote(re), action)
		case src.Exact && (opts.CaseInsensitive || needsByteEscape(exactPath)):
			// Exact rules become regular expressions, tried before the
			// patterns: to ignore case, or to write a control character
			// or a byte that is not UTF-8 as \xHH.
			fmt.Fprintf(&exact, "location ~ %s {\n\t%s\n}\n", nginxQuote(opts.pcreCaseFlag()+src.serverRegex(true, r.To, lit)), action)
		case src.Exact:
			vs := []string{exactPath, exactPath + "/"}
			if other := cmp.Or(seen[vs[0]], seen[vs[1]]); other != "" {
				probs = append(probs, problem(set, r, "nginx decodes %%2F before matching and cannot tell this rule from %q", other))
				continue
			}
			for _, v := range vs {
				if v != "//" {
					seen[v] = r.Source
					fmt.Fprintf(&exact, "location = %s {\n\t%s\n}\n", nginxQuote(v), action)
				}
			}
		default:
			body := action
			if raw {
				body = strings.ReplaceAll(rawIf("$request_uri", ""), "\n", "\n\t") + action
			}
			fmt.Fprintf(&patterns, "location ~ %s {\n\t%s\n}\n", nginxQuote(opts.pcreCaseFlag()+src.serverRegex(true, r.To, lit)), body)
		}
		if esc.Slash {
			probs = append(probs, warning(set, r, "nginx decodes %%2F before matching: this rule also matches %q", withSlashes(r.Source)))
		}
	}
	if hosts.Len() > 0 {
		b.WriteString("\n# Rules for one host name, tried first.\nset $signpost_hostpath \"$host$uri\";\nset $signpost_hostraw \"$host$request_uri\";\n")
		b.Write(hosts.Bytes())
	}
	if exact.Len() > 0 {
		b.WriteString("\n# Exact rules.\n")
		b.Write(exact.Bytes())
	}
	if patterns.Len() > 0 {
		b.WriteString("\n# Pattern rules, longest literal prefix first.\n")
		b.Write(patterns.Bytes())
	}
	return b.Bytes(), probs
}

// nginxQuote writes s as an nginx double-quoted string: nginx turns "\\"
// into "\" and "\"" into '"' and keeps every other byte.
func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

package rules

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields lists the fields a rule may have.
var Fields = []string{"to", "statusCode", "query", "note"}

// parseField reads the value t of the field name of r and returns the token
// after it.
func (p *parser) parseField(r *Rule, name string, nameTok, t token, notePos *Pos) token {
	at := p.tokPos(t)
	switch name {
	case "to":
		p.checkDupField(nameTok, name, r.ToPos)
		r.ToPos = at
		if s, ok := p.stringValue(t, name); ok {
			r.To = s
			p.checkTarget(s, at)
		}
	case "statusCode":
		p.checkDupField(nameTok, name, r.StatusPos)
		r.StatusPos = at
		p.statusValue(r, t, at)
	case "query":
		p.checkDupField(nameTok, name, r.QueryPos)
		r.QueryPos = at
		p.queryValue(r, t, at)
	case "note":
		p.checkDupField(nameTok, name, *notePos)
		*notePos = at
		if s, ok := p.stringValue(t, name); ok {
			r.Note = s
		}
	default:
		d := Diagnostic{Pos: p.tokPos(nameTok), Code: "unknown-field",
			Message: fmt.Sprintf("unknown field %s", quote(name)),
			Hint:    `a rule's fields are "to", "statusCode", "query" and "note"`}
		if s := suggestField(name); s != "" {
			d.Hint = fmt.Sprintf("did you mean %q?", s)
		} else if name == "from" || name == "source" {
			d.Hint = `the source is the rule's key: write "/old-page": { "to": "/new-page" }`
		}
		p.add(d)
	}
	return p.skipValue(t, 3)
}

func (p *parser) checkDupField(t token, name string, earlier Pos) {
	if earlier.IsValid() {
		p.add(Diagnostic{Pos: p.tokPos(t), Code: "duplicate-key",
			Message: fmt.Sprintf("duplicate field %q: it is already on line %d", name, earlier.Line),
			Hint:    "a JSON object keeps only one of them; delete one"})
	}
}

// finishRule checks what needs the whole rule.
func (p *parser) finishRule(r *Rule) {
	switch {
	case r.Status == StatusGone && r.ToPos.IsValid():
		p.add(Diagnostic{Pos: r.ToPos, Code: "gone-with-to",
			Message: fmt.Sprintf(`the rule for %s has status 410 (gone) and a "to"`, quote(r.Source)),
			Hint:    `delete "to" if the page is gone, or use 301 to redirect it`})
	case r.Status != StatusGone && !r.ToPos.IsValid():
		p.add(Diagnostic{Pos: r.ValuePos, Code: "missing-to",
			Message: fmt.Sprintf(`the rule for %s has no "to"`, quote(r.Source)),
			Hint:    `add "to": "/new-page", or "statusCode": 410 for a page that is gone`})
	}
}

// valueKind names the kind of value t starts, for "must be X, not Y".
func (p *parser) valueKind(t token) string {
	switch t.kind {
	case tString:
		return "a string"
	case tNumber:
		return "a number"
	case tLiteral:
		return string(p.data[t.start:t.end])
	}
	return p.describe(t)
}

func (p *parser) wrongType(t token, at Pos, field, want, hint string) {
	p.add(Diagnostic{Pos: at, Code: "wrong-type",
		Message: fmt.Sprintf("%q must be %s, not %s", field, want, p.valueKind(t)), Hint: hint})
}

// stringValue returns the string t holds, reporting any other kind of
// value. A bare word is reported by skipValue.
func (p *parser) stringValue(t token, field string) (string, bool) {
	switch t.kind {
	case tString:
		return p.text(t), !t.bad
	case tWord:
		return "", false
	}
	p.wrongType(t, p.tokPos(t), field, "a string", "")
	return "", false
}

func (p *parser) statusValue(r *Rule, t token, at Pos) {
	const choices = "use 301 (moved permanently), 302 (found), 303 (see other), 307 (temporary redirect), 308 (permanent redirect) or 410 (gone)"
	switch t.kind {
	case tNumber:
		if t.bad {
			return
		}
		text := p.data[t.start:t.end]
		if bytes.ContainsAny(text, ".eE") {
			d := Diagnostic{Pos: at, Code: "not-integer",
				Message: fmt.Sprintf(`"statusCode" must be a whole number, not %s`, text)}
			if f, err := strconv.ParseFloat(string(text), 64); err == nil && f == float64(int(f)) && f > 0 && f < 1000 {
				d.Hint = fmt.Sprintf("write %d", int(f))
			}
			p.add(d)
			return
		}
		n, err := strconv.Atoi(string(text))
		if err == nil {
			r.Status = n
		}
		if err != nil || !slices.Contains(Statuses, n) {
			d := Diagnostic{Pos: at, Code: "status",
				Message: fmt.Sprintf("unsupported status code %s", short(string(text))), Hint: choices}
			switch n {
			case 200:
				d.Hint = "signpost redirects, it does not rewrite; " + choices
			case 404:
				d.Hint = "use 410 for a page that is gone, or delete the rule to let the site answer 404"
			}
			p.add(d)
		}
	case tString:
		s := p.text(t)
		hint := choices
		if _, err := strconv.Atoi(s); err == nil {
			hint = fmt.Sprintf("write %s without quotes", s)
		}
		p.wrongType(t, at, "statusCode", "a number", hint)
	case tWord:
	default:
		p.wrongType(t, at, "statusCode", "a number", choices)
	}
}

func (p *parser) queryValue(r *Rule, t token, at Pos) {
	switch t.kind {
	case tString:
		switch s := p.text(t); s {
		case "keep":
			r.Query = QueryKeep
		case "drop":
			r.Query = QueryDrop
		default:
			d := Diagnostic{Pos: at, Code: "query",
				Message: fmt.Sprintf(`"query" must be "keep" or "drop", not %s`, quote(s)),
				Hint:    `"keep" (the default) appends the request's query string to "to"; "drop" discards it`}
			if c := Closest(s, []string{"keep", "drop"}); c != "" {
				d.Hint = fmt.Sprintf("did you mean %q?", c)
			}
			p.add(d)
		}
	case tLiteral:
		hint := `write "query": "drop" to discard the request's query string`
		if p.data[t.start] == 't' {
			hint = `write "query": "keep" (the default)`
		}
		p.wrongType(t, at, "query", `"keep" or "drop"`, hint)
	case tWord:
	default:
		p.wrongType(t, at, "query", `"keep" or "drop"`, "")
	}
}

// checkSource checks what the parser knows of a source: its length and
// characters. Its syntax (where "*" and placeholders may be) is the
// engine's.
func (p *parser) checkSource(key string, at Pos) {
	if len(key) > MaxURLLength {
		p.add(Diagnostic{Pos: at, Code: "too-long",
			Message: fmt.Sprintf("the source %s is %d bytes long, more than the limit of %d", quote(key), len(key), MaxURLLength)})
		return
	}
	if r, ok := firstControl(key); ok {
		p.add(Diagnostic{Pos: at, Code: "source-control",
			Message: fmt.Sprintf("the source %s holds the control character %U", quote(key), r),
			Hint:    "delete it; a source may hold any other character, spaces included"})
	}
}

// checkTarget checks a rule's "to".
func (p *parser) checkTarget(to string, at Pos) {
	bad := func(code, msg, hint string) {
		p.add(Diagnostic{Pos: at, Code: code, Message: msg, Hint: hint})
	}
	if to == "" {
		bad("to-empty", `"to" is empty`, `write a path such as "/new-page", or use "statusCode": 410 for a page that is gone`)
		return
	}
	if len(to) > MaxURLLength {
		bad("too-long", fmt.Sprintf(`"to" is %d bytes long, more than the limit of %d`, len(to), MaxURLLength), "")
		return
	}
	if code, msg, hint := badChar(to); code != "" {
		bad(code, msg, hint)
		return
	}
	if strings.HasPrefix(to, "//") || strings.HasPrefix(to, `/\`) {
		bad("to-protocol-relative", fmt.Sprintf(`"to" starts with %q, which browsers read as the address of another host`, to[:2]),
			`write "https://host/..." for another site, or a single "/" for a page of this one`)
		return
	}
	if strings.HasPrefix(to, "/") {
		if strings.Contains(to, `\`) {
			bad("to-backslash", `"to" holds a backslash, which browsers read as "/"`,
				`write "/" for a path separator, or %5C`)
		}
		return
	}
	scheme, rest, hasScheme := strings.Cut(to, ":")
	if !hasScheme || !isScheme(scheme) {
		bad("to-relative", fmt.Sprintf(`"to" must start with "/" or "https://", not %s`, quote(to)),
			fmt.Sprintf("write %q for a page of this site", "/"+strings.TrimLeft(to, "./")))
		return
	}
	if s := strings.ToLower(scheme); s != "http" && s != "https" {
		bad("to-scheme", fmt.Sprintf(`"to" uses the scheme %q: only http and https are allowed`, scheme+":"), "")
		return
	}
	host, ok := strings.CutPrefix(rest, "//")
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if !ok || host == "" || strings.Contains(rest, `\`) {
		bad("to-url", fmt.Sprintf(`"to" is not a valid URL: %s`, quote(to)),
			fmt.Sprintf(`write %s://host/path`, strings.ToLower(scheme)))
		return
	}
	// Browsers take the host after the last "@".
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		bad("to-userinfo", fmt.Sprintf(`"to" has %q before its host: browsers go to %s, and the part before "@" only makes the address look like another site's`, host[:i+1], quote(host[i+1:])),
			`delete everything up to "@"`)
		return
	}
	if msg, hint := checkHost(host); msg != "" {
		bad("to-url", fmt.Sprintf(`"to" is not a valid URL: %s: %s`, quote(to), msg), hint)
	}
}

// checkHost checks the host and optional port of an absolute "to" as
// browsers parse them (the WHATWG URL standard), saying what is wrong.
func checkHost(hostport string) (msg, hint string) {
	host, port, hasPort := hostport, "", false
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "the IPv6 address has no closing bracket", "write https://[2001:db8::1]/path"
		}
		host, port = hostport[:end+1], hostport[end+1:]
		if a, err := netip.ParseAddr(host[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Sprintf("%s is not an IPv6 address", quote(host)), ""
		}
		if port != "" {
			if port, hasPort = strings.CutPrefix(port, ":"); !hasPort {
				return fmt.Sprintf("%s follows the IPv6 address", quote(port)), "write [address]:port"
			}
		}
	} else {
		host, port, hasPort = strings.Cut(hostport, ":")
		if strings.Contains(port, ":") {
			return "it holds more than one \":\" before the path", "write an IPv6 address in brackets: https://[2001:db8::1]/path"
		}
		if host == "" {
			hint := "write https://host:port/path"
			if isPlaceholderName(port) {
				hint = "placeholders are filled in the path, query and fragment only: write https://host/:" + port
			}
			return "it has no host before the port", hint
		}
		if i := strings.IndexAny(host, "<>[]^|"); i >= 0 {
			return fmt.Sprintf("the host holds %s", quote(host[i:i+1])), `a host name holds letters, digits, "-" and "."`
		}
	}
	if hasPort && port != "" {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			hint := ""
			if isPlaceholderName(port) {
				hint = "placeholders are filled in the path, query and fragment only"
			}
			return fmt.Sprintf("the port %s is not a number from 0 to 65535", quote(port)), hint
		}
	}
	return "", ""
}

// isPlaceholderName reports whether s could be the name of a placeholder.
func isPlaceholderName(s string) bool {
	return s != "" && (s[0] == '_' || unicode.IsLetter(rune(s[0])) && s[0] < utf8.RuneSelf)
}

func isScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// badChar reports the first control or space character in a "to".
func badChar(to string) (code, msg, hint string) {
	for i := 0; i < len(to); i++ {
		c := to[i]
		if c > ' ' && c < 0x7f {
			continue
		}
		if c >= utf8.RuneSelf {
			r, _ := utf8.DecodeRuneInString(to[i:])
			if r >= 0x80 && r <= 0x9f {
				return "to-control", fmt.Sprintf(`"to" holds the control character %U`, r), "delete it"
			}
			if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
				return "to-whitespace", fmt.Sprintf(`"to" holds the invisible character %U`, r),
					"delete it; a URL holds no spaces"
			}
			continue
		}
		if c == ' ' {
			return "to-whitespace", `"to" holds a space`, "write a space in a URL as %20, and delete spaces around it"
		}
		return "to-control", fmt.Sprintf(`"to" holds the control character %U`, rune(c)), "delete it"
	}
	return "", "", ""
}

// firstControl returns the first control character of s (C0, DEL or C1).
func firstControl(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return r, true
		}
	}
	return 0, false
}

// fieldAliases maps names people use for a rule's fields elsewhere to
// signpost's.
var fieldAliases = map[string]string{
	"status": "statusCode", "code": "statusCode", "status_code": "statusCode", "type": "statusCode",
	"httpredirectcode": "statusCode", "redirectcode": "statusCode",
	"target": "to", "destination": "to", "dest": "to", "url": "to", "location": "to", "redirect": "to",
	"querystring": "query", "query_string": "query", "qs": "query",
	"comment": "note", "comments": "note", "description": "note", "notes": "note",
}

// suggestField returns the field name meant by an unknown one, if any.
func suggestField(name string) string {
	if s, ok := fieldAliases[strings.ToLower(name)]; ok {
		return s
	}
	return Closest(name, Fields)
}

// Closest returns the word of words nearest to s, ignoring case, if it is
// near enough to be a typo of it: the "did you mean" of field names, values
// and command names. Ties go to the earlier word.
func Closest(s string, words []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, w := range words {
		lw := strings.ToLower(w)
		if lw == ls {
			return w
		}
		limit := min(bestD, 1+len(w)/4)
		if d := editDistance(ls, lw); d < limit+1 && d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 {
		return len(a) // not a typo of a field name
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

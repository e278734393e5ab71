package formats

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
)

// regexBody renders a source's path as a regular expression over decoded
// paths, in the syntax Go, PCRE (nginx, Apache) and Caddy share. Captures
// are numbered in order: each :name, then the splat. The expression
// ignores one trailing slash as the engine does.
func (s source) regexBody() string { return s.regex(false, "") }

// ctl is the control characters, which no value captured from a decoded
// path holds. Exported servers write captures into the Location as they
// decoded them, so a capture never holds a control character (no header
// splitting), and one that starts a target's path never starts with "/" or
// "\\" (no protocol-relative Location such as //evil.example from
// /go//evil.example): such requests are not redirected at all, where the
// engine would make them safe.
const ctl = `\x00-\x1f\x7f`

// regex is regexBody with named groups ("(?P<sp_NAME>") when named is
// set, and with the captures that start the path of target (a rule's "to")
// kept from starting with a slash or backslash.
func (s source) regex(named bool, target string) string {
	return s.serverRegex(named, target, regexp.QuoteMeta)
}

// serverRegex is regex with literal text written by literal: for the path
// as a server decodes it, decodedLiteral.
func (s source) serverRegex(named bool, target string, literal func(string) string) string {
	syn := pathSyntax{exclude: ctl, literal: literal, end: "$"}
	if named {
		syn.group = "sp_"
	}
	return s.pathRegex(syn, target)
}

// rawRegex is regex for the path as the client sent it (nginx's
// $request_uri: percent-encoded, query included), so that captured values
// can be written into the Location still encoded, as the engine writes
// them. Literal text is matched in the encoding browsers send, hex digits
// in either case; a request encoded otherwise does not match it, and the
// server falls back to the decoded captures.
//
// stop lists more characters a captured value cannot hold, for a raw path
// that is followed by more text (Apache's request line: `\s`).
func (s source) rawRegex(target, stop string) string {
	syn := pathSyntax{exclude: "?" + stop, group: "sp_raw_", literal: rawLiteral, end: `(?:\?.*)?$`}
	if stop != "" {
		syn.end = `(?:\?[^` + stop + `]*)?(?:` + stop + `|$)`
	}
	return s.pathRegex(syn, target)
}

// pathSyntax is what differs between the regular expressions of a source
// over decoded paths (regex) and over raw ones (rawRegex).
type pathSyntax struct {
	exclude string              // characters no captured value holds (a class body)
	group   string              // prefix of each group's name; "" for unnamed groups
	literal func(string) string // the expression for decoded literal text
	end     string              // what follows the path
}

// pathRegex renders s in syntax syn, keeping the captures that start the
// path of target from starting with a slash or backslash.
func (s source) pathRegex(syn pathSyntax, target string) string {
	group := func(name string) string {
		if syn.group == "" {
			return "("
		}
		return "(?P<" + syn.group + name + ">"
	}
	// Which capture, if any, starts the target's path, and whether
	// anything follows it there (an empty value would then leave "//").
	lead, follows := leadCapture(target)
	x := syn.exclude
	class := func(name string, splat bool) string {
		switch {
		case name != lead && splat:
			return `[^` + x + `]*`
		case name != lead:
			return `[^/` + x + `]+`
		case !splat:
			return `[^/\\` + x + `][^/` + x + `]*`
		case follows:
			return `[^/\\` + x + `][^` + x + `]*`
		}
		return `(?:[^/\\` + x + `][^` + x + `]*)?`
	}
	var b strings.Builder
	b.WriteByte('^')
	for i, p := range s.Parts {
		if p.Param != "" {
			b.WriteString(group(p.Param) + class(p.Param, false) + ")")
			continue
		}
		lit := p.Lit
		last := i == len(s.Parts)-1
		switch {
		case last && s.Splat && strings.HasSuffix(lit, "/"):
			// /blog/* matches /blog, /blog/ and /blog/x.
			b.WriteString(syn.literal(lit[:len(lit)-1]))
			opt := "?"
			if lead == "splat" && follows {
				opt = "" // an empty splat there would leave "//"
			}
			b.WriteString("(?:/" + group("splat") + class("splat", true) + "))" + opt + syn.end)
			return b.String()
		case last && !s.Splat && !(len(s.Parts) == 1 && lit == "/"):
			lit = strings.TrimSuffix(lit, "/")
		}
		b.WriteString(syn.literal(lit))
	}
	switch {
	case s.Splat:
		b.WriteString(group("splat") + class("splat", true) + ")" + syn.end)
	case len(s.Parts) == 1 && s.Parts[0].Lit == "/":
		b.WriteString(syn.end)
	default:
		b.WriteString("/?" + syn.end)
	}
	return b.String()
}

// captureNames lists the names of regexBody's groups in order.
func (s source) captureNames() []string {
	var names []string
	for _, p := range s.Parts {
		if p.Param != "" {
			names = append(names, p.Param)
		}
	}
	if s.Splat {
		names = append(names, "splat")
	}
	return names
}

// matcher tells whether a source matches a request path. Its regular
// expression is compiled on first use: most rules are never compared.
type matcher struct {
	src source
	re  *regexp.Regexp
}

func newMatcher(s source) *matcher {
	return &matcher{src: s}
}

// match reports whether the matcher's source matches host and the
// (percent-encoded) path.
func (m *matcher) match(host, path string) bool {
	if m.src.Host != "" && m.src.Host != strings.ToLower(host) {
		return false
	}
	if m.re == nil {
		m.re = regexp.MustCompile(m.src.regexBody())
	}
	return m.re.MatchString(engine.CanonicalPath(path))
}

// samples returns request paths the source matches: each :name filled with
// a neutral value or with the literal another source has at the same
// segment, the splat empty and "a/b", with and without a trailing slash.
func (s source) samples(other source) []string {
	otherSegs := strings.Split(other.Path, "/")
	var out []string
	for _, fromOther := range []bool{false, true} {
		segs := strings.Split(s.Path, "/")
		for i, seg := range segs {
			if !engine.IsPlaceholder(seg) {
				continue
			}
			segs[i] = "sample"
			if fromOther && i < len(otherSegs) && otherSegs[i] != "" && !engine.IsPlaceholder(otherSegs[i]) {
				segs[i] = otherSegs[i]
			}
		}
		p := strings.Join(segs, "/")
		if !s.Splat {
			out = append(out, p, engine.ToggleSlash(p))
			continue
		}
		out = append(out, p, p+"a/b", p+"a/b/")
		if fromOther && strings.HasPrefix(other.Path, p) {
			out = append(out, other.Path, other.Path+"a/b")
		}
	}
	return out
}

// leadCapture returns the placeholder that starts target's path, if any,
// and whether more path follows it.
func leadCapture(target string) (string, bool) {
	base := splitTarget(target).Base
	phs := engine.TargetPlaceholders(base)
	if !strings.HasPrefix(base, "/:") || len(phs) == 0 || phs[0].Start != 1 {
		return "", false
	}
	return phs[0].Name, phs[0].End < len(base)
}

// rawLiteral is a regular expression for decoded literal text as a browser
// sends it: bytes a path cannot carry as they are percent-encoded, with hex
// digits in either case.
func rawLiteral(lit string) string {
	var b strings.Builder
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == '%' && i+2 < len(lit) {
			if _, err := strconv.ParseUint(lit[i+1:i+3], 16, 8); err == nil {
				// An escape the canonical form keeps (%2F, %25, control
				// characters, bytes not UTF-8).
				fmt.Fprintf(&b, "%%(?i:%s)", lit[i+1:i+3])
				i += 2
				continue
			}
		}
		switch {
		case c <= 0x20 || c >= 0x7f || strings.IndexByte("\"#%<>?[\\]^`{|}", c) >= 0:
			fmt.Fprintf(&b, "%%(?i:%02X)", c)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

package formats

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The engine compares paths in canonical form (engine.CanonicalPath), which
// keeps %2F, %25, control characters and bytes that are not UTF-8 as
// escapes. The servers signpost exports to decode every escape before they
// match: nginx's $uri, the URL.Path Caddy's path_regexp reads, Apache's
// URL-path and an S3 object key all hold "/" for %2F, "%" for %25 and the
// raw byte for any other escape. The exporters write that decoded form, and
// name what a server cannot tell apart.

// decodePath returns canonical text with every escape decoded, as the
// servers see it. Canonical text holds "%" only in escapes.
func decodePath(canon string) string {
	if p, err := url.PathUnescape(canon); err == nil {
		return p
	}
	return canon
}

// escapeSet tells which escapes canonical text keeps that a server decodes.
type escapeSet struct {
	Slash   bool   // %2F
	Nul     bool   // %00
	NonUTF8 string // the first byte that is not UTF-8, as an escape
}

func keptEscapes(canon string) escapeSet {
	var e escapeSet
	for i := 0; i+2 < len(canon); i++ {
		if canon[i] != '%' {
			continue
		}
		esc := canon[i : i+3]
		b := decodePath(esc)[0]
		switch {
		case b == '/':
			e.Slash = true
		case b == 0:
			e.Nul = true
		case b >= 0x80 && e.NonUTF8 == "":
			e.NonUTF8 = esc
		}
		i += 2
	}
	return e
}

// escapes is keptEscapes for a source's literal text.
func (s source) escapes() escapeSet {
	var lit strings.Builder
	for _, p := range s.Parts {
		lit.WriteString(p.Lit)
		lit.WriteByte('/') // no escape spans two parts
	}
	return keptEscapes(lit.String())
}

var encodedSlash = regexp.MustCompile(`(?i)%2F`)

// withSlashes is a rule's key with each %2F written as "/": what a server
// that decodes %2F also matches.
func withSlashes(key string) string {
	return encodedSlash.ReplaceAllString(key, "/")
}

// cleanSlashes is a decoded path as Caddy matches it: slashes merged and
// "." and ".." segments resolved, a trailing slash kept.
func cleanSlashes(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// hasDotSegment reports whether a decoded path holds a "." or ".."
// segment, which nginx and Caddy resolve before matching: no request
// reaches a key that holds one.
func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// needsByteEscape reports whether decoded text holds a control character
// or a byte that is not UTF-8, which a configuration file is better off
// writing as a regular expression's \xHH than raw.
func needsByteEscape(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return !utf8.ValidString(p)
}

// decodedLiteral returns a regular expression (PCRE and Go share the
// syntax) for canonical literal text as a server that decodes every escape
// sees it: %2F is "/", %25 is "%", a control character is \xHH, and each
// other escape is what byteRE returns for its byte (a byte not UTF-8).
// keep, when set, is written for an escape byte instead of decoding it
// (Apache's %2F under AllowEncodedSlashes NoDecode).
func decodedLiteral(byteRE func(b byte) string, keep func(b byte) string) func(string) string {
	return func(lit string) string {
		var b strings.Builder
		for i := 0; i < len(lit); i++ {
			if lit[i] != '%' || i+2 >= len(lit) {
				b.WriteString(regexp.QuoteMeta(lit[i : i+1]))
				continue
			}
			c := decodePath(lit[i : i+3])[0]
			i += 2
			if keep != nil {
				if re := keep(c); re != "" {
					b.WriteString(re)
					continue
				}
			}
			switch {
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(&b, `\x%02X`, c)
			case c >= 0x80:
				b.WriteString(byteRE(c))
			default:
				b.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		return b.String()
	}
}

// pcreByte matches one byte in PCRE without UTF mode (nginx, Apache).
func pcreByte(c byte) string { return fmt.Sprintf(`\x%02X`, c) }

// goInvalidByte matches a byte that is not UTF-8 in Go's regular
// expressions (Caddy), which read each such byte as U+FFFD.
func goInvalidByte(byte) string { return `\x{FFFD}` }

// unreachable says why no request reaches a rule in nginx or Apache, PCRE
// servers that answer a path holding %00 before any rule (nulAnswer says
// how), resolve "." and ".." segments of path (the path as the server
// matches it) and ignore case only in UTF mode (see pcreCaseFlag), where
// no path holds a byte that is not UTF-8; "" when requests reach it.
func unreachable(server, nulAnswer, path string, opts ExportOptions, esc escapeSet) string {
	switch {
	case esc.Nul:
		return server + " " + nulAnswer + ": no request reaches this rule"
	case hasDotSegment(path):
		return server + ` resolves "." and ".." segments of the decoded path before matching: no request reaches this rule`
	case opts.CaseInsensitive && esc.NonUTF8 != "":
		return server + " matches regardless of case only in UTF-8 mode, where no path holds the byte " + esc.NonUTF8
	}
	return ""
}

package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const upperHex = "0123456789ABCDEF"

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodedAt returns the byte that s holds at i, decoding a %XX escape, and
// the index after it.
func decodedAt(s string, i int) (b byte, next int, escaped bool) {
	if s[i] == '%' && i+2 < len(s) {
		if h, ok := unhex(s[i+1]); ok {
			if l, ok := unhex(s[i+2]); ok {
				return h<<4 | l, i + 3, true
			}
		}
	}
	return s[i], i + 1, false
}

func appendEscaped(dst []byte, b byte) []byte {
	return append(dst, '%', upperHex[b>>4], upperHex[b&15])
}

// needsCanon reports whether s differs from its canonical form: it holds a
// "%", a control character or a non-ASCII byte.
func needsCanon(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

// appendCanon appends the canonical form of the path s to dst (see the
// package documentation): escapes are decoded except those of "/", "%",
// control characters and bytes that are not part of valid UTF-8, which stay
// (or become) escapes with upper-case hex digits.
func appendCanon(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		b, next, escaped := decodedAt(s, i)
		switch {
		case b < 0x80:
			if b < 0x20 || b == 0x7f || (escaped && (b == '/' || b == '%')) || (!escaped && b == '%') {
				dst = appendEscaped(dst, b)
			} else {
				dst = append(dst, b)
			}
			i = next
		default:
			// A non-ASCII byte: keep it raw only as part of a valid UTF-8
			// sequence, whose bytes may each be raw or escaped.
			var buf [utf8.UTFMax]byte
			buf[0] = b
			n, j := 1, next
			for n < utf8.UTFMax && j < len(s) {
				c, nj, _ := decodedAt(s, j)
				if c < 0x80 || utf8.RuneStart(c) {
					break
				}
				buf[n] = c
				n++
				j = nj
			}
			r, size := utf8.DecodeRune(buf[:n])
			if r == utf8.RuneError && size <= 1 {
				dst = appendEscaped(dst, b)
				i = next
				continue
			}
			dst = append(dst, buf[:size]...)
			// Advance past the bytes of the rune.
			i = next
			for k := 1; k < size; k++ {
				_, i, _ = decodedAt(s, i)
			}
		}
	}
	return dst
}

// CanonicalPath returns the path p in the canonical form the engine compares
// (see the package documentation): each %XX escape is decoded, except those
// of "/" (%2F), "%" (%25) and control characters (%00-%1F, %7F), which stay
// escapes with upper-case hex digits; a "%" not followed by two hex digits
// becomes %25; a raw control character becomes its escape; and each byte,
// raw or decoded, that is not part of valid UTF-8 becomes its escape. The
// trailing slash is kept and the case is not folded (see TrimSlash and
// Options.CaseInsensitive). The importers, exporters and verify use it to
// compare paths as the engine does. CanonicalPath(CanonicalPath(p)) is
// CanonicalPath(p).
func CanonicalPath(p string) string {
	if !needsCanon(p) {
		return p
	}
	return string(appendCanon(nil, p))
}

// trimSlash removes one trailing slash, except from "/".
func trimSlash(p []byte) []byte {
	if len(p) > 1 && p[len(p)-1] == '/' {
		return p[:len(p)-1]
	}
	return p
}

// TrimSlash removes the one trailing slash the engine ignores (see the
// package documentation); "/" is kept. The exporters use it to write a
// source as the engine compares it.
func TrimSlash(p string) string {
	if len(p) > 1 && p[len(p)-1] == '/' {
		return p[:len(p)-1]
	}
	return p
}

// ToggleSlash returns the other spelling of the path p that the engine
// treats as the same: p with its one trailing slash removed, or with one
// added. "/" has no other spelling and is returned as it is. Importers,
// exporters and verify use it to request both spellings of a source.
func ToggleSlash(p string) string {
	if p == "/" {
		return p
	}
	if strings.HasSuffix(p, "/") {
		return p[:len(p)-1]
	}
	return p + "/"
}

// appendFold appends s in lower case, rune by rune, keeping each rune whose
// lower case has a different UTF-8 length unchanged so that byte offsets in
// the folded form are those of the original.
func appendFold(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
			dst = utf8.AppendRune(dst, l)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// foldString is appendFold for strings, used when compiling.
func foldString(s string) string {
	return string(appendFold(nil, []byte(s)))
}

// appendHost appends host in lower case without a port or a final dot.
func appendHost(dst []byte, host string) []byte {
	if i := lastColon(host); i >= 0 {
		host = host[:i]
	}
	if len(host) > 0 && host[len(host)-1] == '.' {
		host = host[:len(host)-1]
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// lastColon finds the colon of a port, ignoring those inside an IPv6
// literal.
func lastColon(host string) int {
	for i := len(host) - 1; i >= 0; i-- {
		switch host[i] {
		case ':':
			return i
		case ']':
			return -1
		}
	}
	return -1
}

func isLowerHost(host string) bool {
	for i := 0; i < len(host); i++ {
		if c := host[i]; ('A' <= c && c <= 'Z') || c == ':' {
			return false
		}
	}
	return len(host) == 0 || host[len(host)-1] != '.'
}

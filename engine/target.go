package engine

import (
	"fmt"
	"strings"
)

// piece is part of a target: literal text (already safe to send) or a
// placeholder.
type piece struct {
	lit       string
	slot      int  // capture slot, or -1 for literal text
	component bool // in the query or fragment: escaped as a URI component
}

// target is a parsed "to".
type target struct {
	pieces []piece
	// static is the whole target when it has no placeholders.
	static   string
	isStatic bool
	// abs is set for an absolute URL; origin is then its scheme://host[:port]
	// as written.
	abs    bool
	origin string
}

// Byte classes for escaping.
var (
	pathKeep      [256]bool // kept raw when a captured value goes into a path
	componentKeep [256]bool // kept raw in a query or fragment
	literalEscape [256]bool // escaped in the literal text of a target
)

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
		unreserved := alnum || strings.IndexByte("-._~", b) >= 0
		pathKeep[c] = unreserved || strings.IndexByte("!$&'()*,;=:@/%", b) >= 0
		componentKeep[c] = unreserved || strings.IndexByte("!$'()*,;:@/%", b) >= 0
		literalEscape[c] = b <= 0x20 || b >= 0x7f || strings.IndexByte("\"<>\\^`{|}", b) >= 0
	}
}

// appendCapture appends a captured value (from the canonical path, so every
// "%" in it begins an escape), escaping what is not allowed raw.
func appendCapture(dst, v []byte, component bool) []byte {
	keep := &pathKeep
	if component {
		keep = &componentKeep
	}
	for _, c := range v {
		if keep[c] {
			dst = append(dst, c)
		} else {
			dst = appendEscaped(dst, c)
		}
	}
	return dst
}

// safeLiteral escapes what may not appear raw in a Location: control
// characters, spaces, non-ASCII bytes and a few delimiters.
func safeLiteral(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if literalEscape[c] {
			if b == nil {
				b = append(make([]byte, 0, len(s)+8), s[:i]...)
			}
			b = appendEscaped(b, c)
		} else if b != nil {
			b = append(b, c)
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

// appendQuery appends a request's query string, escaping control
// characters, spaces, non-ASCII bytes and "#".
func appendQuery(dst []byte, q string) []byte {
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= 0x20 || c >= 0x7f || c == '#' {
			dst = appendEscaped(dst, c)
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}

// isPlaceholderBoundary reports whether a ":" after c may start a
// placeholder in a target.
func isPlaceholderBoundary(c byte) bool {
	return c == '/' || c == '?' || c == '&' || c == '=' || c == '#'
}

// A Placeholder is a ":name" in a rule's target: to[Start:End] is ":" and
// Name.
type Placeholder struct {
	Name       string
	Start, End int
}

// TargetPlaceholders returns the placeholders of a rule's target, in order,
// as Compile reads them: a ":" at the start of the target or after "/",
// "?", "&", "=" or "#", then the longest name there (a letter or "_", then
// letters, digits or "_"). Any other ":" is literal text, as are those of
// an absolute URL's scheme, host and port. Whether the rule's source
// captures a name is not checked: Compile reports one it does not. The
// exporters use it to substitute a target as the engine does.
func TargetPlaceholders(to string) []Placeholder {
	rest := to
	if _, _, r, ok := splitURL(to); ok {
		rest = r
	}
	off := len(to) - len(rest)
	var out []Placeholder
	for i := 0; i+1 < len(rest); i++ {
		if rest[i] != ':' || !isNameStart(rest[i+1]) || (i > 0 && !isPlaceholderBoundary(rest[i-1])) {
			continue
		}
		j := i + 2
		for j < len(rest) && isNameChar(rest[j]) {
			j++
		}
		out = append(out, Placeholder{Name: rest[i+1 : j], Start: off + i, End: off + j})
		i = j - 1
	}
	return out
}

// parseTarget parses a rule's "to" against the placeholders its source
// captures.
func parseTarget(to string, src *source) (target, error) {
	var t target
	rest := to
	if _, _, r, ok := splitURL(to); ok {
		t.abs = true
		rest = r
	}
	if strings.IndexByte(rest, ':') < 0 {
		// No placeholders: the common case.
		t.static, t.isStatic = collapseSlashes(safeLiteral(to)), true
		return t, nil
	}
	off := len(to) - len(rest)
	if t.abs {
		t.origin = safeLiteral(to[:off])
		t.pieces = append(t.pieces, piece{lit: t.origin, slot: -1})
	}
	start := 0
	flush := func(end int) {
		if end > start {
			t.pieces = append(t.pieces, piece{lit: safeLiteral(rest[start:end]), slot: -1})
		}
	}
	for _, ph := range TargetPlaceholders(to) {
		slot := -1
		if src != nil {
			slot = src.slot(ph.Name)
		}
		if slot < 0 {
			return t, fmt.Errorf("\":%s\" in the target is not captured by the source", ph.Name)
		}
		flush(ph.Start - off)
		t.pieces = append(t.pieces, piece{slot: slot, component: inComponent(rest, ph.Start-off)})
		start = ph.End - off
	}
	flush(len(rest))
	// Join neighbouring literals; a target without placeholders is static.
	var joined []piece
	for _, p := range t.pieces {
		if n := len(joined); n > 0 && p.slot < 0 && joined[n-1].slot < 0 {
			joined[n-1].lit += p.lit
			continue
		}
		joined = append(joined, p)
	}
	t.pieces = joined
	if len(t.pieces) == 1 && t.pieces[0].slot < 0 {
		t.static, t.isStatic = collapseSlashes(t.pieces[0].lit), true
	}
	if len(t.pieces) == 0 {
		t.isStatic = true
	}
	return t, nil
}

// inComponent reports whether offset i of a target is in its query or
// fragment.
func inComponent(s string, i int) bool {
	return strings.IndexAny(s[:i], "?#") >= 0
}

// appendTarget builds the target for the canonical path d and its captures.
func (t *target) appendTo(dst []byte, d []byte, caps *[maxCaptures]capture) []byte {
	if t.isStatic {
		return append(dst, t.static...)
	}
	start := len(dst)
	for _, p := range t.pieces {
		if p.slot < 0 {
			dst = append(dst, p.lit...)
			continue
		}
		c := caps[p.slot]
		dst = appendCapture(dst, d[c.start:c.end], p.component)
	}
	if !t.abs {
		// No protocol-relative Location: "//host" collapses to "/host".
		i := start
		for i+1 < len(dst) && dst[i] == '/' && dst[i+1] == '/' {
			i++
		}
		if i > start {
			dst = append(dst[:start], dst[i:]...)
		}
	}
	return dst
}

// collapseSlashes turns a leading run of slashes into one.
func collapseSlashes(s string) string {
	if !strings.HasPrefix(s, "//") {
		return s
	}
	return "/" + strings.TrimLeft(s, "/")
}

// insertQuery puts the query q (already safe) into loc: after "&" when loc
// has a query, before any fragment.
func insertQuery(dst []byte, loc string, q string) []byte {
	before, frag := loc, ""
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		before, frag = loc[:i], loc[i:]
	}
	dst = append(dst, before...)
	switch {
	case strings.IndexByte(before, '?') < 0:
		dst = append(dst, '?')
	case before[len(before)-1] != '?' && before[len(before)-1] != '&':
		dst = append(dst, '&')
	}
	dst = appendQuery(dst, q)
	return append(dst, frag...)
}

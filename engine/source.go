package engine

import (
	"fmt"
	"strings"
)

// maxCaptures bounds the placeholders of one key, so that matching can keep
// its captures on the stack.
const maxCaptures = 8

type partKind uint8

const (
	partLit   partKind = iota // literal text (canonical, folded when case-insensitive)
	partSeg                   // :name, one non-empty segment
	partSplat                 // the rest of the path, after a final "*"
)

type part struct {
	kind partKind
	lit  string
	slot int // capture slot for partSeg and partSplat
}

// source is a parsed key.
type source struct {
	host string // lower case, no port; "" for every host
	// exact keys: the canonical path without its trailing slash (folded when
	// case-insensitive).
	path  string
	exact bool
	// pattern keys
	parts  []part
	names  []string // capture slot -> name ("splat" for "*")
	litLen int      // length of the literal prefix, for precedence
}

// slot returns the capture slot of a placeholder name, or -1.
func (s *source) slot(name string) int {
	for i, n := range s.names {
		if n == name {
			return i
		}
	}
	return -1
}

// key identifies a pattern source after normalization, for collisions
// (exact sources collide in their host table's map).
func (s *source) key() string {
	var b strings.Builder
	b.WriteString(s.host)
	b.WriteByte(0)
	for _, p := range s.parts {
		switch p.kind {
		case partLit:
			b.WriteString(p.lit)
		case partSeg:
			b.WriteString("\x00:")
		case partSplat:
			b.WriteString("\x00*")
		}
	}
	return b.String()
}

func isNameStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isNameChar(c byte) bool { return isNameStart(c) || ('0' <= c && c <= '9') }

// IsPlaceholder reports whether a segment of a source is a placeholder: a
// ":" followed by a letter or "_", then letters, digits or "_". The
// importers, exporters and verify use it to read sources as the engine does.
func IsPlaceholder(seg string) bool {
	_, ok := placeholderName(seg)
	return ok
}

// placeholderName returns the name of a segment that is exactly ":name".
func placeholderName(seg string) (string, bool) {
	if len(seg) < 2 || seg[0] != ':' || !isNameStart(seg[1]) {
		return "", false
	}
	for i := 2; i < len(seg); i++ {
		if !isNameChar(seg[i]) {
			return "", false
		}
	}
	return seg[1:], true
}

// splitURL splits an absolute http(s) URL into its scheme, host (as written,
// with any port) and the rest (path, query, fragment). ok is false when s is
// not an absolute http(s) URL.
func splitURL(s string) (scheme, host, rest string, ok bool) {
	var after string
	switch {
	case hasPrefixFold(s, "https://"):
		scheme, after = s[:5], s[8:]
	case hasPrefixFold(s, "http://"):
		scheme, after = s[:4], s[7:]
	default:
		return "", "", "", false
	}
	end := strings.IndexAny(after, "/?#")
	if end < 0 {
		end = len(after)
	}
	return strings.ToLower(scheme), after[:end], after[end:], true
}

// SplitSource reads a rules file key exactly as Compile does: host is the
// host the engine keys the rule under (lower case, without a port or a
// final dot, an IPv6 literal kept in its brackets; "" for a key without a
// host) and path is the rest of the key as written, "/" when the URL has
// none. The key is not checked: Compile reports what is wrong with it.
func SplitSource(key string) (host, path string) {
	_, h, rest, ok := splitURL(key)
	if !ok {
		return "", key
	}
	if rest == "" {
		rest = "/"
	}
	return string(appendHost(nil, h)), rest
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseSource parses a key. The problems it returns are errors; warnings
// are returned apart.
func parseSource(key string, fold bool) (src source, warnings []string, err error) {
	path := key
	if scheme, host, rest, ok := splitURL(key); ok {
		_ = scheme
		if host == "" {
			return src, nil, fmt.Errorf("the source %q has no host name", key)
		}
		if strings.ContainsAny(host, "@*\\ ") {
			return src, nil, fmt.Errorf("the host of the source %q is not a plain host name", key)
		}
		if strings.ContainsAny(rest, "?#") {
			return src, nil, fmt.Errorf("the source %q has a query or fragment; sources match paths only", key)
		}
		src.host = string(appendHost(nil, host))
		path = rest
		if path == "" {
			path = "/"
		}
	} else if !strings.HasPrefix(key, "/") {
		return src, nil, fmt.Errorf("the source %q must start with \"/\" or be a full http(s) URL", key)
	}
	if strings.HasPrefix(path, "//") {
		return src, nil, fmt.Errorf("the source %q starts with \"//\", which no request path can match", key)
	}

	prefix := strings.HasSuffix(path, "*")
	if !prefix && !strings.Contains(path, "/:") && !strings.Contains(path, "*") {
		// The common case, an exact path: no splitting needed.
		p := TrimSlash(path)
		if needsCanon(p) {
			p = string(appendCanon(nil, p))
		}
		if fold {
			p = foldString(p)
		}
		src.exact, src.path = true, p
		return src, nil, nil
	}
	body := path
	if prefix {
		body = path[:len(path)-1]
	} else {
		body = TrimSlash(body)
	}
	if strings.Contains(body, "*") {
		warnings = append(warnings, fmt.Sprintf("the \"*\" inside %q is matched literally; only a final \"*\" makes a prefix rule", key))
	}

	// Split into literal runs and placeholders.
	var lit strings.Builder
	flush := func() {
		if lit.Len() == 0 {
			return
		}
		c := string(appendCanon(nil, lit.String()))
		if fold {
			c = foldString(c)
		}
		src.parts = append(src.parts, part{kind: partLit, lit: c})
		lit.Reset()
	}
	segs := strings.Split(body, "/")
	for i, seg := range segs {
		if i > 0 {
			lit.WriteByte('/')
		}
		name, ok := placeholderName(seg)
		if !ok {
			lit.WriteString(seg)
			continue
		}
		if name == "splat" {
			return src, nil, fmt.Errorf("the source %q uses \":splat\" as a segment name; \":splat\" is what a final \"*\" captures", key)
		}
		if src.slot(name) >= 0 {
			return src, nil, fmt.Errorf("the source %q captures \":%s\" twice", key, name)
		}
		flush()
		src.parts = append(src.parts, part{kind: partSeg, slot: len(src.names)})
		src.names = append(src.names, name)
	}
	flush()
	if prefix {
		src.parts = append(src.parts, part{kind: partSplat, slot: len(src.names)})
		src.names = append(src.names, "splat")
	}
	if len(src.names) > maxCaptures {
		return src, nil, fmt.Errorf("the source %q has %d placeholders; at most %d are allowed", key, len(src.names), maxCaptures)
	}
	if len(src.names) == 0 {
		src.exact = true
		if len(src.parts) == 1 {
			src.path = src.parts[0].lit
		}
		src.parts = nil
		return src, warnings, nil
	}
	if src.parts[0].kind == partLit {
		src.litLen = len(src.parts[0].lit)
	}
	return src, warnings, nil
}

// capture is a matched placeholder: d[start:end] of the canonical path.
type capture struct{ start, end int }

// match reports whether the canonical path d (f is its folded form, or d;
// n is the length of d without its trailing slash) matches the pattern, and
// fills caps.
func (s *source) match(d, f []byte, n int, caps *[maxCaptures]capture) bool {
	i := 0
	for k, p := range s.parts {
		switch p.kind {
		case partLit:
			if len(f)-i >= len(p.lit) && string(f[i:i+len(p.lit)]) == p.lit {
				i += len(p.lit)
				continue
			}
			// /blog/* matches /blog: a final literal ending in "/" before the
			// splat may stop just short of its slash.
			if k+1 < len(s.parts) && s.parts[k+1].kind == partSplat &&
				p.lit[len(p.lit)-1] == '/' && string(f[i:]) == p.lit[:len(p.lit)-1] {
				caps[s.parts[k+1].slot] = capture{len(d), len(d)}
				return true
			}
			return false
		case partSeg:
			j := i
			for j < n && d[j] != '/' {
				j++
			}
			if j == i {
				return false
			}
			caps[p.slot] = capture{i, j}
			i = j
		case partSplat:
			caps[p.slot] = capture{i, len(d)}
			return true
		}
	}
	return i == n || i == len(d)
}

package formats

import (
	"strings"

	"github.com/signposthq/signpost/engine"
)

// source is a rule's key taken apart the way the engine reads it.
type source struct {
	Host  string // as the engine keys it (engine.SplitSource); "" for a host-less key
	Path  string // the path as written, without a final "*"
	Exact bool   // no placeholder and no "*"
	Splat bool   // the key ends in "*"
	Parts []part // the path split into literal text and :name captures
	// Prefix is the literal text before the first placeholder or "*",
	// in the engine's canonical form; patterns with a longer prefix take precedence.
	Prefix string
}

// part is literal text or a :name capture.
type part struct {
	Lit   string // literal text in the engine's canonical form (when Param is "")
	Param string // the capture's name
}

// parseSource takes a rules file key apart.
func parseSource(key string) source {
	var s source
	var path string
	s.Host, path = engine.SplitSource(key)
	if s.Host != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if strings.HasSuffix(path, "*") {
		s.Splat = true
		path = path[:len(path)-1]
	}
	s.Path = path
	segs := strings.Split(path, "/")
	var lit strings.Builder
	for i, seg := range segs {
		if i > 0 {
			lit.WriteByte('/')
		}
		if engine.IsPlaceholder(seg) {
			if lit.Len() > 0 {
				s.Parts = append(s.Parts, part{Lit: engine.CanonicalPath(lit.String())})
				lit.Reset()
			}
			s.Parts = append(s.Parts, part{Param: seg[1:]})
			continue
		}
		lit.WriteString(seg)
	}
	if lit.Len() > 0 {
		s.Parts = append(s.Parts, part{Lit: engine.CanonicalPath(lit.String())})
	}
	s.Exact = !s.Splat && len(s.Parts) <= 1 && (len(s.Parts) == 0 || s.Parts[0].Param == "")
	if len(s.Parts) > 0 && s.Parts[0].Param == "" {
		s.Prefix = s.Parts[0].Lit
	}
	return s
}

// captures lists the placeholder names a source captures.
func (s source) captures() map[string]bool {
	m := map[string]bool{}
	for _, p := range s.Parts {
		if p.Param != "" {
			m[p.Param] = true
		}
	}
	if s.Splat {
		m["splat"] = true
	}
	return m
}

// target is a rule's "to" split for exporters: the part before any query,
// the query without "?", and the fragment without "#".
type target struct {
	Base, Query, Fragment string
	HasQuery, HasFragment bool
}

func splitTarget(to string) target {
	var t target
	to, t.Fragment, t.HasFragment = strings.Cut(to, "#")
	t.Base, t.Query, t.HasQuery = strings.Cut(to, "?")
	return t
}

// isLocal reports whether a target is a path on the same site.
func isLocal(to string) bool {
	return strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//")
}

// placeholders returns the placeholders of the target to that caps holds,
// where the engine finds them (engine.TargetPlaceholders): other colons
// (https:, :8080, a:b) are literal text.
func placeholders(to string, caps map[string]bool) []engine.Placeholder {
	all := engine.TargetPlaceholders(to)
	out := all[:0]
	for _, p := range all {
		if caps[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// substitute replaces every placeholder of to that caps holds with the
// result of repl(name).
func substitute(to string, caps map[string]bool, repl func(name string) string) string {
	return substituteIn(to, 0, len(to), placeholders(to, caps), repl)
}

// substituteIn is to[lo:hi] with each of phs inside it replaced by
// repl(name).
func substituteIn(to string, lo, hi int, phs []engine.Placeholder, repl func(name string) string) string {
	var b strings.Builder
	for _, p := range phs {
		if p.Start < lo || p.End > hi {
			continue
		}
		b.WriteString(to[lo:p.Start])
		b.WriteString(repl(p.Name))
		lo = p.End
	}
	b.WriteString(to[lo:hi])
	return b.String()
}

// endsInSplat reports whether the one placeholder of to that caps holds is
// a :splat that ends it.
func endsInSplat(to string, caps map[string]bool) bool {
	phs := placeholders(to, caps)
	return len(phs) == 1 && phs[0].Name == "splat" && phs[0].End == len(to)
}

// hasPlaceholder reports whether to uses any placeholder caps holds.
func hasPlaceholder(to string, caps map[string]bool) bool {
	return len(placeholders(to, caps)) > 0
}
